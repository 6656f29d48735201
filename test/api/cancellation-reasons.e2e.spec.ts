import { freshId, orderInput } from '../support/fixtures';
import { ApiHarness, startApi } from '../support/api-harness';

/** The seller's cancellation with a reason of their choosing, over HTTP: buyer-side or merchant-side, shown on the order. */
describe('cancelling with a buyer- or merchant-side reason over HTTP', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi({ kind: 'embedded' });
    ({ apiKey: key } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const get = (path: string) => api.http().get(path).set('authorization', `Bearer ${key}`);

  async function invoicedWithShipment() {
    const { sellerId: _ignored, orderId: _generated, ...body } = orderInput('ignored', freshId('ord'));
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const created = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body;
    return { orderId, shipmentId: created.shipmentId as string, position: created.position as string };
  }

  it('lists the reasons a seller may give, each on its side', async () => {
    const reasons = (await get('/v1/cancellation-reasons').expect(200)).body.reasons as Array<{ code: string; side: string; text: string; ondcRetailReasonId: string }>;

    expect(reasons).toEqual(
      expect.arrayContaining([
        { code: 'buyer-changed-mind', side: 'buyer', text: 'The buyer does not want the product any more', ondcRetailReasonId: '012' },
        { code: 'item-out-of-stock', side: 'merchant', text: 'One or more items are not available', ondcRetailReasonId: '002' },
        { code: 'merchant-rejected', side: 'merchant', text: 'The merchant rejected the order', ondcRetailReasonId: '005' },
      ]),
    );
  });

  it('a shipment cancelled for a buyer-side reason shows the reason, its code and its side', async () => {
    const { orderId, shipmentId } = await invoicedWithShipment();

    const cancelled = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/cancel`, { reasonCode: 'buyer-changed-mind' }).expect(200);

    expect(cancelled.body).toMatchObject({ shipmentStatus: 'cancelled' });
    const order = (await get(`/v1/orders/${orderId}?minPosition=${cancelled.body.position}`).expect(200)).body;
    expect(order.shipments[0]).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'seller',
      cancellationReason: { text: 'The buyer does not want the product any more', code: 'buyer-changed-mind', side: 'buyer' },
    });
    expect(order.timeline.at(-1)).toMatchObject({ eventType: 'ShipmentCancelled', detail: { reasonCode: 'buyer-changed-mind' } });
  });

  it('an order cancelled for a merchant-side reason keeps the seller\'s words and the code', async () => {
    const { orderId } = await invoicedWithShipment();

    const cancelled = await post(`/v1/orders/${orderId}/cancel`, { reason: 'Last saree sold in the shop', reasonCode: 'item-out-of-stock' }).expect(200);

    expect(cancelled.body.creditNotes).toHaveLength(1);
    const order = (await get(`/v1/orders/${orderId}?minPosition=${cancelled.body.position}`).expect(200)).body;
    expect(order.status).toBe('cancelled');
    expect(order.shipments[0].cancellationReason).toEqual({ text: 'Last saree sold in the shop', code: 'item-out-of-stock', side: 'merchant' });
    expect(order.timeline.find((t: { eventType: string }) => t.eventType === 'OrderCancelled')).toMatchObject({ detail: { reason: 'Last saree sold in the shop', reasonCode: 'item-out-of-stock' } });
  });

  it('an unknown reason code, or no reason at all, is a problem document and changes nothing', async () => {
    const { orderId, shipmentId, position } = await invoicedWithShipment();
    // The timeline as of the shipment: the read model may not have caught up with it yet.
    const before = (await get(`/v1/orders/${orderId}?minPosition=${position}`).expect(200)).body.timeline.length as number;

    const unknown = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/cancel`, { reasonCode: 'bored' }).expect(400);
    const none = await post(`/v1/orders/${orderId}/cancel`, {}).expect(400);

    for (const refused of [unknown, none]) {
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ status: 400 });
    }
    expect(JSON.stringify(unknown.body)).toContain('reasonCode');
    expect(JSON.stringify(none.body)).toContain('reason');
    const after = (await get(`/v1/orders/${orderId}`).expect(200)).body;
    expect(after.timeline).toHaveLength(before);
    expect(after.shipments[0].status).toBe('created');
    expect(after.invoice.creditNotes).toEqual([]);
  });
});
