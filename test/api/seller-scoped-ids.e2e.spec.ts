import type { Response } from 'supertest';
import { orderInput } from '../support/fixtures';
import { startApi, storesUnderTest, type ApiHarness } from '../support/api-harness';

/** What a client sees of an answer: status, content type and the exact body bytes. */
const seen = (response: Response) => ({ status: response.status, type: response.headers['content-type'], body: response.text });

describe.each(storesUnderTest())('order ids are the seller\'s own (%s)', (_name, eventStore) => {
  let api: ApiHarness;
  let a: { sellerId: string; apiKey: string };
  let b: { sellerId: string; apiKey: string };

  beforeAll(async () => {
    api = await startApi(eventStore());
    [a, b] = [await api.newSeller(), await api.newSeller()];
  });
  afterAll(async () => {
    await api.close();
  });

  const as = (seller: { apiKey: string }) => ({
    get: (path: string) => api.http().get(path).set('authorization', `Bearer ${seller.apiKey}`),
    post: (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body),
  });
  const newOrder = (sellerId: string, orderId: string, buyerName: string) => {
    const { sellerId: _seller, ...body } = { ...orderInput(sellerId), orderId };
    return { ...body, buyer: { ...body.buyer, name: buyerName } };
  };

  it('lets two sellers each receive order "1001", invoice it from their own series and see only their own', async () => {
    await as(a).post('/v1/orders', newOrder(a.sellerId, '1001', 'Asha')).expect(201);
    await as(b).post('/v1/orders', newOrder(b.sellerId, '1001', 'Bhavna')).expect(201);
    const invoiced = await as(a).post('/v1/orders/1001/invoice').expect(201);
    const received = await as(b).post('/v1/orders', newOrder(b.sellerId, '1002', 'Bhavna')).expect(201);

    const [ofA, ofB] = [
      (await as(a).get(`/v1/orders/1001?minPosition=${String(invoiced.body.position)}`).expect(200)).body,
      (await as(b).get(`/v1/orders/1001?minPosition=${String(received.body.position)}`).expect(200)).body,
    ];
    expect(ofA).toMatchObject({ orderId: '1001', buyerName: 'Asha', status: 'invoiced' });
    expect(ofB).toMatchObject({ orderId: '1001', buyerName: 'Bhavna', status: 'received' });
    const eventsOfB = (await as(b).get('/v1/orders/1001/events').expect(200)).body.events as Array<{ type: string }>;
    expect(eventsOfB.map((e) => e.type)).toEqual(['OrderReceived']);
    // A repeat by the same seller is still a duplicate.
    await as(b).post('/v1/orders', newOrder(b.sellerId, '1001', 'Bhavna')).expect(409);
  });

  it("answers every route for another seller's order exactly as for an order that does not exist", async () => {
    const orderId = '2002';
    const probes = (shipmentId: string) => [
      () => as(b).get(`/v1/orders/${orderId}`),
      () => as(b).get(`/v1/orders/${orderId}/events`),
      () => as(b).post(`/v1/orders/${orderId}/invoice`),
      () => as(b).post(`/v1/orders/${orderId}/cancel`, { reason: 'probe' }),
      () => as(b).post(`/v1/orders/${orderId}/reship`, { reason: 'lost' }),
      () => as(b).post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }),
      () => as(b).post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`),
      () => as(b).post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'DTDC', trackingNumber: 'DT123456' }),
      () => as(b).post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`),
      () => as(b).get(`/v1/orders/${orderId}/invoice.pdf`),
      () => as(b).get(`/v1/orders/${orderId}/shipments/${shipmentId}/label.pdf`),
    ];
    // The shipment id A's order will get is not known before it exists; probe with it afterwards, and with a made-up one before.
    const before = [];
    for (const probe of probes('shp_00000000000000000000')) before.push(seen(await probe()));

    await as(a).post('/v1/orders', newOrder(a.sellerId, orderId, 'Asha')).expect(201);
    await as(a).post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await as(a).post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    const missing = [];
    for (const probe of probes(shipmentId)) missing.push(seen(await probe()));

    expect(before.every((answer) => answer.status === 404 || answer.status === 400)).toBe(true);
    // The made-up shipment id differs from A's in the shipment routes' bodies only when they echo it; the order routes must match byte for byte.
    expect(missing.map((m) => ({ ...m, body: m.body.replaceAll(shipmentId, 'shp_00000000000000000000') }))).toEqual(before);
    // And A's order is untouched by B's attempts.
    const events = (await as(a).get(`/v1/orders/${orderId}/events`).expect(200)).body.events as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual(['OrderReceived', 'InvoiceGenerated', 'ShipmentCreated', 'ShippingLabelGenerated']);
  });
});
