import { AdapterHarness, KORAMANGALA_PICKUP } from './support/adapter-harness';
import { puneBuyerAddress, sellerProfile } from '../support/fixtures';
import { DELIVERY_OTP } from '@fulfil/commands';
import type { DeliveryOtpGenerator } from '@fulfil/domain';

/**
 * After the partner cancels, the same shipment goes on, over HTTP against the in-process sandbox.
 * The troublemaker is the cheapest intercity partner, so a first search chooses it, and it cancels
 * once its agent is assigned; the intercity partner costs more and delivers.
 */
describe('a shipment the partner cancelled has ways forward', () => {
  let harness: AdapterHarness;

  beforeAll(async () => {
    // A window long enough for both catalogs on a busy machine: the choice between them is what is proven.
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'cancel' }, 'intercity'], stepMs: 40, env: { ONDC_SEARCH_WINDOW_MS: '2500' } });
  });
  afterAll(async () => harness.close());

  async function seller() {
    const response = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress: KORAMANGALA_PICKUP }, settings: { invoicePrefix: 'INV/' } })
      .expect(201);
    const apiKey = response.body.apiKey as string;
    const sellerId = response.body.sellerId as string;
    const post = (path: string, body: object = {}) => harness.http().post(path).set('authorization', `Bearer ${apiKey}`).send(body);
    return { sellerId, post };
  }

  /** An invoiced intercity order over HTTP, its on-network shipment ready to ship, and cancelled by the troublemaker. */
  async function cancelledByPartner() {
    const { sellerId, post } = await seller();
    const received = await post('/v1/orders', {
      items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
      buyer: { name: 'Asha', phone: '9123456780' },
      paymentMethod: 'prepaid',
      deliveryAddress: puneBuyerAddress,
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    }).expect(201);
    const orderId = received.body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    const placed = { sellerId, orderId, shipmentId };
    const cancelled = await harness.statusReaches(placed, 'cancelled');
    expect(cancelled).toMatchObject({ cancelledBy: 'partner', partner: { id: harness.partnerId('troublemaker') } });
    return { ...placed, post };
  }

  it('the partner cancels, the seller searches again, another partner takes it and delivers', async () => {
    const { sellerId, orderId, shipmentId, post } = await cancelledByPartner();

    // It is cancelled already: cancelling changes nothing, and the answer names the ways forward with it.
    const again = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/cancel`, { reason: 'again' }).expect(200);
    expect(again.body).toMatchObject({ shipmentStatus: 'cancelled', allowed: ['retry-partner-search', 'switch-to-off-network', 'reship'] });

    const retried = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/retry-partner-search`).expect(200);
    expect(retried.body).toMatchObject({ shipmentStatus: 'ready_to_ship', allowed: ['cancel-shipment'] });
    const delivered = await harness.statusReaches({ sellerId, orderId, shipmentId }, 'delivered');

    expect(delivered.partner?.id).toBe(harness.partnerId('intercity'));
    const conversation = await harness.conversationEvents(shipmentId);
    const searches = conversation.filter((e) => e.type === 'LogisticsSearchStarted');
    expect(searches.map((e) => e.data['attempt'])).toEqual([1, 2]);
    // A new transaction for the new attempt: the cancelled order stays closed with the partner that cancelled it.
    expect(new Set(searches.map((e) => e.data['transactionId'])).size).toBe(2);
    const chosen = conversation.filter((e) => e.type === 'PartnerChosen').map((e) => (e.data['offer'] as { bppId: string }).bppId);
    expect(chosen).toEqual([harness.partnerId('troublemaker'), harness.partnerId('intercity')]);
    expect(await harness.invalidSentMessages(shipmentId)).toEqual([]);
    const types = (await harness.orderEvents({ sellerId, orderId })).map((e) => e.type);
    expect(types.filter((t) => t === 'LogisticsPartnerAssigned')).toHaveLength(2);
  });

  it('the partner cancels, the seller switches to their own courier, ships and delivers with the buyer OTP', async () => {
    const { sellerId, orderId, shipmentId, post } = await cancelledByPartner();

    const switched = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/switch-to-off-network`).expect(200);
    expect(switched.body).toMatchObject({ mode: 'off-network', shipmentStatus: 'created', allowed: ['ready-to-ship', 'ship', 'cancel-shipment'] });
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD123456' }).expect(200);
    const otp = harness.app.get<DeliveryOtpGenerator>(DELIVERY_OTP, { strict: false }).otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const delivered = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp }).expect(200);

    expect(delivered.body).toMatchObject({ orderStatus: 'delivered', shipmentStatus: 'delivered' });
    const shipment = await harness.shipment({ sellerId, orderId, shipmentId });
    expect(shipment).toMatchObject({ mode: 'off-network', courier: { name: 'Blue Dart' } });
    expect(shipment).not.toHaveProperty('partner');
    // No new search went out for a shipment that left the network.
    expect((await harness.conversationEvents(shipmentId)).filter((e) => e.type === 'LogisticsSearchStarted')).toHaveLength(1);
  });

  it('a shipment the seller cancelled stays cancelled', async () => {
    const { sellerId, post } = await seller();
    const received = await post('/v1/orders', {
      items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
      buyer: { name: 'Asha', phone: '9123456780' },
      paymentMethod: 'prepaid',
      deliveryAddress: puneBuyerAddress,
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    }).expect(201);
    const orderId = received.body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/cancel`, { reason: 'Buyer changed their mind' }).expect(200);
    const before = (await harness.orderEvents({ sellerId, orderId })).length;

    const retry = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/retry-partner-search`).expect(409);
    const swap = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/switch-to-off-network`).expect(409);

    expect(retry.body).toMatchObject({ code: 'PARTNER_SEARCH_NOT_FAILED', allowed: ['reship'] });
    expect(swap.body).toMatchObject({ code: 'SHIPMENT_MODE_LOCKED', allowed: ['reship'] });
    expect(await harness.orderEvents({ sellerId, orderId })).toHaveLength(before);
  });
});
