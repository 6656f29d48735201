import { freshId, orderInput } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');

describe.each(storesUnderTest())('seller HTTP API on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  let sellerId: string;
  beforeAll(async () => {
    api = await startApi(storeConfig());
    ({ apiKey: key, sellerId } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const get = (path: string) => api.http().get(path).set('authorization', `Bearer ${key}`);

  async function invoicedShipment(mode: 'on-network' | 'off-network', payment: 'cod' | 'prepaid' = 'cod') {
    const { sellerId: _ignored, orderId: _generated, ...body } = { ...orderInput('ignored'), paymentMethod: payment };
    const received = await post('/v1/orders', body).expect(201);
    const orderId = received.body.orderId as string;
    expect(received.body.status).toBe('received');
    const invoiced = await post(`/v1/orders/${orderId}/invoice`).expect(201);
    expect(invoiced.body.invoiceNumber).toMatch(/^INV\/\d{5}$/);
    const shipment = await post(`/v1/orders/${orderId}/shipments`, { mode }).expect(201);
    expect(shipment.body).toMatchObject({ orderStatus: 'packed', shipmentStatus: 'created', mode });
    return { orderId, shipmentId: shipment.body.shipmentId as string, position: shipment.body.position as string };
  }

  it('takes an on-network order to ready to ship, with a package image', async () => {
    const { orderId, shipmentId } = await invoicedShipment('on-network');
    const rts = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    expect(rts.body).toMatchObject({ orderStatus: 'ready_for_pickup', shipmentStatus: 'ready_to_ship' });
    expect(rts.body.position).toMatch(/^\d+$/);
    const upload = await api
      .http()
      .post(`/v1/orders/${orderId}/shipments/${shipmentId}/package-images`)
      .set('authorization', `Bearer ${key}`)
      .attach('image', PNG, { filename: 'parcel.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(upload.body.image).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
    const order = await get(`/v1/orders/${orderId}?minPosition=${upload.body.position}`).expect(200);
    expect(order.body.status).toBe('ready_for_pickup');
    expect(order.body.shipments[0]).toMatchObject({ shipmentId, status: 'ready_to_ship', imageCount: 1 });
    expect(order.body.timeline.map((t: { eventType: string }) => t.eventType)).toEqual([
      'OrderReceived',
      'InvoiceGenerated',
      'ShipmentCreated',
      'ShippingLabelGenerated',
      'ShipmentMarkedReadyToShip',
      'PackageImageRecorded',
    ]);
  });

  it('delivers an off-network order with the buyer OTP after a wrong try, then reships it', async () => {
    const { orderId, shipmentId } = await invoicedShipment('off-network');
    await api
      .http()
      .post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`)
      .set('authorization', `Bearer ${key}`)
      .field('courierName', 'Blue Dart')
      .field('trackingNumber', 'BD123456789')
      .field('trackingUrl', 'https://track.example/BD123456789')
      .attach('images', PNG, { filename: 'parcel.png', contentType: 'image/png' })
      .expect(200);
    const otp = api.otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const wrong = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: otp === '000000' ? '111111' : '000000' }).expect(422);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.body).toMatchObject({ code: 'DELIVERY_OTP_INCORRECT', attemptsLeft: 4 });
    const delivered = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp }).expect(200);
    expect(delivered.body).toMatchObject({ orderStatus: 'delivered', shipmentStatus: 'delivered' });

    const reship = await post(`/v1/orders/${orderId}/reship`, { reason: 'damaged', note: 'Parcel arrived torn' }).expect(201);
    expect(reship.body.status).toBe('packed');
    const order = await get(`/v1/orders/${orderId}`).set('x-min-position', reship.body.position).expect(200);
    expect(order.body.shipments).toHaveLength(2);
    expect(order.body.shipments[1]).toMatchObject({ shipmentId: reship.body.shipmentId, reshipOf: shipmentId, status: 'created' });
    expect(order.body.invoice.current.revision).toBe(1);
  });

  it('regenerates an invoice: same number for an address fix, credit note and new number for a tax change', async () => {
    const { orderId, position } = await invoicedShipment('on-network', 'prepaid');
    const original = (await get(`/v1/orders/${orderId}?minPosition=${position}`).expect(200)).body.invoice.current.invoiceNumber as string;
    const typo = await post(`/v1/orders/${orderId}/invoice/regenerate`, { reason: 'Address typo', corrections: { deliveryAddress: { line1: 'Flat 4C, Lotus Residency' } } }).expect(201);
    expect(typo.body).toMatchObject({ invoiceNumber: original, revision: 2, creditNotes: [] });
    const tax = await post(`/v1/orders/${orderId}/invoice/regenerate`, {
      reason: 'Wrong HSN on the stole',
      corrections: { items: [{ sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '621410', quantity: 2, unitPricePaise: 60000, taxRatePercent: 5 }] },
    }).expect(201);
    expect(tax.body.invoiceNumber).not.toBe(original);
    expect(tax.body.revision).toBe(3);
    expect(tax.body.creditNotes).toHaveLength(1);
  });

  it('marks many shipments ready in bulk, each with its own result', async () => {
    const ref = ({ orderId, shipmentId }: { orderId: string; shipmentId: string }) => ({ orderId, shipmentId });
    const ready = await invoicedShipment('on-network');
    const already = await invoicedShipment('on-network');
    await post(`/v1/orders/${already.orderId}/shipments/${already.shipmentId}/ready-to-ship`).expect(200);
    const cancelled = await invoicedShipment('off-network');
    await post(`/v1/orders/${cancelled.orderId}/cancel`, { reason: 'Buyer cancelled' }).expect(200);
    const implicit = await invoicedShipment('off-network');
    const response = await post('/v1/shipments/ready-to-ship', {
      items: [ref(ready), ref(already), ref(cancelled), { orderId: implicit.orderId }, { orderId: freshId('missing') }],
    }).expect(200);
    expect(response.body).toMatchObject({ total: 5, succeeded: 2, failed: 3 });
    expect(response.body.results.map((r: { ok: boolean; code?: string }) => r.ok || r.code)).toEqual([
      true,
      'SHIPMENT_ALREADY_READY',
      'ORDER_CANCELLED',
      true,
      'ORDER_NOT_FOUND',
    ]);
    expect(response.body.results[3].shipmentId).toBe(implicit.shipmentId);
  });

  it('cancels an order before pickup and refuses to ship it afterwards', async () => {
    const { orderId, shipmentId } = await invoicedShipment('on-network');
    const cancelled = await post(`/v1/orders/${orderId}/cancel`, { reason: 'Out of stock' }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    const refused = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(409);
    expect(refused.body.code).toBe('ORDER_CANCELLED');
    const events = await get(`/v1/orders/${orderId}/events`).expect(200);
    expect(events.body.events.map((e: { type: string }) => e.type).slice(-2)).toEqual(['ShipmentCancelled', 'OrderCancelled']);
    expect(events.body.events[0].metadata).toMatchObject({ channel: 'api', actor: { type: 'seller' } });
  });
});
