import { freshId, orderInput } from '../support/fixtures';
import { binaryBody } from '../support/binary-body';
import { assertDocumentToolsInstalled, flattened, pdfText } from '../documents/pdf-tools';
import { ApiHarness, startApi } from '../support/api-harness';

/** Off-network failed attempts and returns to origin, recorded by the seller over HTTP. */
describe('off-network failed attempts and returns over HTTP', () => {
  let api: ApiHarness;
  let key: string;
  let sellerId: string;
  beforeAll(async () => {
    assertDocumentToolsInstalled();
    api = await startApi({ kind: 'embedded' });
    ({ apiKey: key, sellerId } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const get = (path: string) => api.http().get(path).set('authorization', `Bearer ${key}`);

  async function shipped() {
    const { sellerId: _ignored, orderId: _generated, ...body } = { ...orderInput('ignored', freshId('ord')), paymentMethod: 'cod' as const };
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    const invoiceNumber = (await post(`/v1/orders/${orderId}/invoice`).expect(201)).body.invoiceNumber as string;
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD987654321' }).expect(200);
    return { orderId, shipmentId, invoiceNumber, path: `/v1/orders/${orderId}/shipments/${shipmentId}` };
  }

  it('a failed attempt needs attention; after the re-attempt the buyer OTP delivers the order', async () => {
    const { orderId, shipmentId, path } = await shipped();
    const failed = await post(`${path}/failed-attempts`, { reason: 'Door locked, buyer not answering', nextAttemptAt: '2026-12-05T10:00:00+05:30' }).expect(200);
    expect(failed.body).toMatchObject({
      orderStatus: 'shipped',
      shipmentStatus: 'delivery_failed',
      lastFailedAttempt: { stage: 'delivery', attempt: 1, reason: 'Door locked, buyer not answering', nextAttemptAt: '2026-12-05T04:30:00.000Z' },
    });
    const dashboard = await get(`/v1/seller/dashboard?minPosition=${failed.body.position}`).expect(200);
    expect(dashboard.body.needsAttention).toBe(1);
    const timeline = (await get(`/v1/orders/${orderId}?minPosition=${failed.body.position}`).expect(200)).body.timeline as Array<{ eventType: string; detail: object; shipmentStatus: string }>;
    expect(timeline.at(-1)).toMatchObject({ eventType: 'ShipmentAttemptFailed', shipmentStatus: 'delivery_failed', detail: { by: 'seller', attempt: 1 } });

    const again = await post(`${path}/reattempt`, { note: 'Courier goes again tomorrow' }).expect(200);
    expect(again.body).toMatchObject({ shipmentStatus: 'shipped', lastFailedAttempt: { answer: 'reattempt' } });
    expect((await get(`/v1/seller/dashboard?minPosition=${again.body.position}`).expect(200)).body.needsAttention).toBe(0);

    const otp = api.otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const delivered = await post(`${path}/delivery-otp/verify`, { otp }).expect(200);
    expect(delivered.body).toMatchObject({ orderStatus: 'delivered', shipmentStatus: 'delivered' });
  });

  it('a parcel the courier brought back ends the order returned, with a credit note for all its lines', async () => {
    const { orderId, invoiceNumber, path } = await shipped();
    await post(`${path}/failed-attempts`, { reason: 'Address not found' }).expect(200);
    const returned = await post(`${path}/returned`, { reason: 'Courier brought it back after two tries' }).expect(200);
    expect(returned.body).toMatchObject({ shipmentStatus: 'rto_delivered', orderStatus: 'returned' });

    // The credit note is issued by the engine right after, from the return.
    const deadline = Date.now() + 15_000;
    let order: { status: string; invoice: { creditNotes: Array<{ creditNoteNumber: string }> }; timeline: Array<{ eventType: string }> };
    for (;;) {
      order = (await get(`/v1/orders/${orderId}`).expect(200)).body;
      if (order.invoice.creditNotes.length > 0 && order.timeline.some((t) => t.eventType === 'OrderCancelled')) break;
      if (Date.now() > deadline) throw new Error('no credit note after the return');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(order.status).toBe('returned');
    expect(order.timeline.map((t) => t.eventType)).toEqual(expect.arrayContaining(['ShipmentAttemptFailed', 'ShipmentRtoInitiated', 'ShipmentRtoDelivered', 'CreditNoteIssued']));
    const number = order.invoice.creditNotes[0]!.creditNoteNumber;
    const pdf = await get(`/v1/orders/${orderId}/credit-notes/${encodeURIComponent(number)}.pdf`).buffer(true).parse(binaryBody as never).expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain(number);
    expect(text).toContain(invoiceNumber);
    expect(flattened(text)).toContain('Returned to origin');

    const again = await post(`${path}/failed-attempts`, { reason: 'late' }).expect(409);
    expect(again.body).toMatchObject({ code: 'SHIPMENT_NOT_SHIPPED' });
  });

  it('refuses what does not apply, writing nothing: an empty reason, a failed attempt on an unshipped parcel, a return request off-network', async () => {
    const { path } = await shipped();
    expect((await post(`${path}/failed-attempts`, { reason: '' }).expect(400)).headers['content-type']).toContain('application/problem+json');
    expect((await post(`${path}/return-to-origin`).expect(409)).body).toMatchObject({ code: 'SHIPMENT_IS_OFF_NETWORK' });
    const { sellerId: _ignored, orderId: _generated, ...body } = orderInput('ignored', freshId('ord'));
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    expect((await post(`/v1/orders/${orderId}/shipments/${shipmentId}/failed-attempts`, { reason: 'Not yet shipped' }).expect(409)).body).toMatchObject({ code: 'SHIPMENT_NOT_SHIPPED' });
    const events = (await get(`/v1/orders/${orderId}/events`).expect(200)).body.events as Array<{ type: string }>;
    expect(events.map((e) => e.type)).not.toContain('ShipmentAttemptFailed');
  });
});
