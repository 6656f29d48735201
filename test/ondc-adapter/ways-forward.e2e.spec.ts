import { AdapterHarness, INDIRANAGAR_DROP, KORAMANGALA_PICKUP } from './support/adapter-harness';
import { bengaluruPickup, puneBuyerAddress, sellerProfile } from '../support/fixtures';
import { DELIVERY_OTP } from '@fulfil/commands';
import type { DeliveryOtpGenerator } from '@fulfil/domain';

/**
 * The seller's ways forward, over HTTP against the in-process sandbox. The only partner is an
 * intercity one that leaves its first search unanswered: the first search of this file finds
 * nobody, later ones find it; a hyperlocal search it never serves.
 */
describe('every on-network shipment has a way forward', () => {
  let harness: AdapterHarness;

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'intercity', ignoreFirstSearches: 1 }], stepMs: 40 });
  });
  afterAll(async () => harness.close());

  async function seller(pickupAddress = KORAMANGALA_PICKUP) {
    const response = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress }, settings: { invoicePrefix: 'INV/' } })
      .expect(201);
    const apiKey = response.body.apiKey as string;
    const sellerId = response.body.sellerId as string;
    const post = (path: string, body: object = {}) => harness.http().post(path).set('authorization', `Bearer ${apiKey}`).send(body);
    return { sellerId, post };
  }

  /** An invoiced on-network order over HTTP, its shipment created and marked ready to ship. */
  async function readyOnNetwork(post: (path: string, body?: object) => ReturnType<ReturnType<AdapterHarness['http']>['post']>, deliveryAddress: object) {
    const received = await post('/v1/orders', {
      items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
      buyer: { name: 'Asha', phone: '9123456780' },
      paymentMethod: 'prepaid',
      deliveryAddress,
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    }).expect(201);
    const orderId = received.body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipment = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201);
    const shipmentId = shipment.body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    return { orderId, shipmentId };
  }

  it('no partner found, then the seller retries the search and the order is delivered', async () => {
    const { sellerId, post } = await seller();
    const { orderId, shipmentId } = await readyOnNetwork(post, puneBuyerAddress);
    const placed = { sellerId, orderId, shipmentId };
    await harness.statusReaches(placed, 'no_partner_found');

    // While no partner is found, a new shipment, shipping by hand or reshipping are refused, each naming what is allowed.
    const allowed = ['retry-partner-search', 'switch-to-off-network', 'cancel-shipment'];
    const another = await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(409);
    expect(another.body).toMatchObject({ code: 'SHIPMENT_ALREADY_ACTIVE', allowed });
    const ship = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD123456' }).expect(409);
    expect(ship.body).toMatchObject({ code: 'SHIPMENT_IS_ON_NETWORK', allowed });
    const reship = await post(`/v1/orders/${orderId}/reship`, { reason: 'other' }).expect(409);
    expect(reship.body).toMatchObject({ code: 'SHIPMENT_STILL_ACTIVE', allowed });

    const retried = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/retry-partner-search`).expect(200);
    expect(retried.body).toMatchObject({ shipmentStatus: 'ready_to_ship', allowed: ['cancel-shipment'] });
    const delivered = await harness.statusReaches(placed, 'delivered');

    expect(delivered.partner?.id).toBe(harness.partnerId('intercity'));
    const searches = (await harness.conversationEvents(shipmentId)).filter((e) => e.type === 'LogisticsSearchStarted');
    expect(searches.map((e) => e.data['attempt'])).toEqual([1, 2]);
  });

  it("the README's order, whose addresses have no GPS, is searched by PIN code and delivered", async () => {
    const { sellerId, post } = await seller(bengaluruPickup);
    const { orderId, shipmentId } = await readyOnNetwork(post, { name: 'Asha', phone: '9123456780', line1: 'Flat 4B', city: 'Pune', stateCode: '27', pincode: '411045' });

    const delivered = await harness.statusReaches({ sellerId, orderId, shipmentId }, 'delivered');

    expect(delivered.gpsFromPincode).toEqual(['pickupAddress', 'deliveryAddress']);
    expect(delivered.deliveryAddress.gps?.lat).toBeCloseTo(18.56, 1);
    const started = (await harness.conversationEvents(shipmentId)).find((e) => e.type === 'LogisticsSearchStarted');
    // A PIN code's point is too rough for a hyperlocal promise: the search is intercity.
    expect(started?.data).toMatchObject({ domain: 'ONDC:LOG11' });
    expect(await harness.invalidSentMessages(shipmentId)).toEqual([]);
  });

  it('an address whose PIN code nobody knows is refused at shipment creation, naming the field, before any event', async () => {
    const { sellerId, post } = await seller();
    const received = await post('/v1/orders', {
      items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
      buyer: { name: 'Asha', phone: '9123456780' },
      paymentMethod: 'prepaid',
      deliveryAddress: { ...puneBuyerAddress, pincode: '999999' },
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    }).expect(201);
    const orderId = received.body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const before = (await harness.orderEvents({ sellerId, orderId })).length;

    const refused = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(400);

    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(refused.body)).toContain('deliveryAddress.gps');
    expect(await harness.orderEvents({ sellerId, orderId })).toHaveLength(before);
    await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201);
  });

  it('no partner found, then the seller switches to off-network and delivers with the buyer OTP', async () => {
    const { sellerId, post } = await seller();
    // Hyperlocal (both GPS given, 5 km): the intercity partner does not serve it, so nobody answers.
    const { orderId, shipmentId } = await readyOnNetwork(post, INDIRANAGAR_DROP);
    const placed = { sellerId, orderId, shipmentId };
    await harness.statusReaches(placed, 'no_partner_found');

    const switched = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/switch-to-off-network`).expect(200);
    expect(switched.body).toMatchObject({ mode: 'off-network', shipmentStatus: 'created', allowed: ['ready-to-ship', 'ship', 'cancel-shipment'] });
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD123456' }).expect(200);
    const otp = harness.app.get<DeliveryOtpGenerator>(DELIVERY_OTP, { strict: false }).otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const delivered = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp }).expect(200);

    expect(delivered.body).toMatchObject({ orderStatus: 'delivered', shipmentStatus: 'delivered' });
  });

  it('no partner found, then the seller cancels that shipment and ships the order with a new one', async () => {
    const { sellerId, post } = await seller();
    const { orderId, shipmentId } = await readyOnNetwork(post, INDIRANAGAR_DROP);
    await harness.statusReaches({ sellerId, orderId, shipmentId }, 'no_partner_found');

    const cancelled = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/cancel`, { reason: 'No partner serves the buyer' }).expect(200);
    expect(cancelled.body).toMatchObject({ shipmentStatus: 'cancelled', orderStatus: expect.any(String) });
    const fresh = await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201);
    expect(fresh.body).toMatchObject({ shipmentStatus: 'created', mode: 'off-network' });
  });
});
