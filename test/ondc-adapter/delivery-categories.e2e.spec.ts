import { AdapterHarness, INDIRANAGAR_DROP, KORAMANGALA_PICKUP } from './support/adapter-harness';
import { sellerProfile } from '../support/fixtures';

/**
 * Delivery categories, a seller setting and a per-shipment choice, over HTTP against the in-process
 * sandbox. Both partners serve the hyperlocal run from Koramangala to Indiranagar: `cheap-slow`
 * Standard only, `hyperlocal` Immediate and Same Day. The adapter's default (Standard) brings
 * every child category, so only the category asked for explains which partner takes it.
 */
describe('ONDC delivery categories: the seller chooses what partners are asked for', () => {
  let harness: AdapterHarness;

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'cheap-slow' }, { name: 'hyperlocal' }], stepMs: 40 });
  });
  afterAll(async () => harness.close());

  async function seller(settings: object = {}) {
    const response = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress: KORAMANGALA_PICKUP }, settings: { invoicePrefix: 'INV/', ...settings } })
      .expect(201);
    const apiKey = response.body.apiKey as string;
    const sellerId = response.body.sellerId as string;
    const post = (path: string, body: object = {}) => harness.http().post(path).set('authorization', `Bearer ${apiKey}`).send(body);
    const get = (path: string) => harness.http().get(path).set('authorization', `Bearer ${apiKey}`);
    return { sellerId, post, get };
  }

  async function invoicedOrder(post: Awaited<ReturnType<typeof seller>>['post']): Promise<string> {
    const received = await post('/v1/orders', {
      items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
      buyer: { name: 'Asha', phone: '9123456780' },
      paymentMethod: 'prepaid',
      deliveryAddress: INDIRANAGAR_DROP,
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    }).expect(201);
    const orderId = received.body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    return orderId;
  }

  async function searchedCategory(shipmentId: string): Promise<unknown> {
    const started = (await harness.conversationEvents(shipmentId)).find((e) => e.type === 'LogisticsSearchStarted');
    return (started?.data['shipment'] as { category?: unknown } | undefined)?.category;
  }

  it("a seller's Same Day setting is searched for, and the partner offering Same Day takes the shipment", async () => {
    const { sellerId, post, get } = await seller({ deliveryCategory: 'Same Day Delivery' });
    const orderId = await invoicedOrder(post);
    const created = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201);
    const shipmentId = created.body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);

    const assigned = await harness.statusReaches({ sellerId, orderId, shipmentId }, 'delivered');
    expect(assigned.deliveryCategory).toBe('Same Day Delivery');
    expect(assigned.partner?.id).toBe(harness.partnerId('hyperlocal'));
    expect(await searchedCategory(shipmentId)).toBe('Same Day Delivery');
    const chosen = (await harness.conversationEvents(shipmentId)).find((e) => e.type === 'PartnerChosen');
    expect((chosen?.data['offer'] as { category: string }).category).toBe('Same Day Delivery');

    const order = await get(`/v1/orders/${orderId}`).expect(200);
    expect(order.body.shipments[0]).toMatchObject({ shipmentId, deliveryCategory: 'Same Day Delivery' });
  });

  it("a shipment's own category wins over the seller's, and a reship asks for it again", async () => {
    const { sellerId, post } = await seller({ deliveryCategory: 'Same Day Delivery' });
    const orderId = await invoicedOrder(post);
    const created = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network', deliveryCategory: 'Immediate Delivery' }).expect(201);
    const shipmentId = created.body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    await harness.statusReaches({ sellerId, orderId, shipmentId }, 'delivered');
    expect(await searchedCategory(shipmentId)).toBe('Immediate Delivery');

    const reshipped = await post(`/v1/orders/${orderId}/reship`, { reason: 'damaged' }).expect(201);
    const again = await harness.shipment({ sellerId, orderId, shipmentId: reshipped.body.shipmentId as string });
    expect(again?.deliveryCategory).toBe('Immediate Delivery');
  });

  it('a shipment with no category, from a seller with none, asks for the adapter default', async () => {
    const { sellerId, post } = await seller();
    const orderId = await invoicedOrder(post);
    const created = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201);
    const shipmentId = created.body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    const assigned = await harness.statusReaches({ sellerId, orderId, shipmentId }, 'delivered');
    expect(assigned.deliveryCategory).toBeUndefined();
    expect(await searchedCategory(shipmentId)).toBe(harness.config.category);
  });

  it('refuses a category off-network or unknown, and an unknown seller setting, naming the field and writing nothing', async () => {
    const { sellerId, post } = await seller();
    const orderId = await invoicedOrder(post);
    const before = (await harness.orderEvents({ sellerId, orderId })).length;

    const offNetwork = await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network', deliveryCategory: 'Same Day Delivery' }).expect(400);
    expect(offNetwork.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(offNetwork.body)).toContain('deliveryCategory');
    const unknown = await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network', deliveryCategory: 'Teleport' }).expect(400);
    expect(JSON.stringify(unknown.body)).toContain('deliveryCategory');
    expect((await harness.orderEvents({ sellerId, orderId })).length).toBe(before);

    const refused = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: sellerProfile(), settings: { deliveryCategory: 'Teleport' } })
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('deliveryCategory');
  });
});
