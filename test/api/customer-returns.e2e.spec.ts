import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { binaryBody } from '../support/binary-body';
import { orderInput } from '../support/fixtures';
import { assertDocumentToolsInstalled, pdfText } from '../documents/pdf-tools';

const IST_MS = 330 * 60_000;
/** The GST return period (YYYY-MM, Indian time) of documents dated now. */
const periodOf = (at: Date): string => new Date(at.getTime() + IST_MS).toISOString().slice(0, 7);

/** A registered buyer in Maharashtra, so the credit note is a CDNR row of its own in GSTR-1. */
const b2bBuyer = { name: 'Utkarsh Traders', phone: '9123456780', gstin: '27AAPFU0939F1ZV' };

describe.each(storesUnderTest())('customer returns over HTTP on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    assertDocumentToolsInstalled();
    api = await startApi(storeConfig());
    ({ apiKey: key } = await api.newSeller());
  }, 90_000);
  afterAll(() => api?.close());

  const post = (path: string, body: object = {}, as = key) => api.http().post(path).set('authorization', `Bearer ${as}`).send(body);
  const get = (path: string, as = key) => api.http().get(path).set('authorization', `Bearer ${as}`);
  const pdf = (path: string) => get(path).buffer(true).parse(binaryBody as never);
  const eventTypes = async (orderId: string, as = key): Promise<string[]> =>
    ((await get(`/v1/orders/${orderId}/events`, as).expect(200)).body.events as Array<{ type: string }>).map((e) => e.type);

  /** An off-network order taken to delivered with the buyer's OTP: a saree and two stoles. */
  async function deliveredOrder(as = key): Promise<{ orderId: string; sellerId: string }> {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    const orderId = (await post('/v1/orders', { ...body, buyer: b2bBuyer }, as).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`, {}, as).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }, as).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`, {}, as).expect(200);
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'DTDC', trackingNumber: 'D12345678' }, as).expect(200);
    const sellerId = (await get('/v1/seller', as).expect(200)).body.sellerId as string;
    const otp = api.otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
    const delivered = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp }, as).expect(200);
    expect(delivered.body.orderStatus).toBe('delivered');
    return { orderId, sellerId };
  }

  it('takes a delivered order through return, shipment back, inspection and a credit note for the accepted lines, shown in GSTR-1', async () => {
    const settings = await api.http().patch('/v1/seller').set('authorization', `Bearer ${key}`).send({ settings: { returnWindowDays: 10 } }).expect(200);
    expect(settings.body.settings.returnWindowDays).toBe(10);
    const { orderId } = await deliveredOrder();

    const requested = await post(`/v1/orders/${orderId}/returns`, {
      lines: [
        { sku: 'STOLE-02', quantity: 2 },
        { sku: 'SAREE-SILK-01', quantity: 1 },
      ],
      reason: 'Colour not as shown',
    }).expect(201);
    expect(requested.body).toMatchObject({ orderId, orderStatus: 'delivered', returnStatus: 'requested', events: ['ReturnRequested'] });
    const returnId = requested.body.returnId as string;

    const shipped = await post(`/v1/orders/${orderId}/returns/${returnId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD998877' }).expect(200);
    expect(shipped.body).toMatchObject({ returnStatus: 'shipped', events: ['ReturnShipped'] });

    const received = await post(`/v1/orders/${orderId}/returns/${returnId}/receive`, {
      accepted: [{ sku: 'STOLE-02', quantity: 2 }],
      rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn, tag removed' }],
    }).expect(200);
    expect(received.body).toMatchObject({ returnStatus: 'received', orderStatus: 'delivered', events: ['ReturnReceived', 'CreditNoteIssued'] });
    const creditNoteNumber = received.body.creditNoteNumber as string;
    expect(creditNoteNumber).toMatch(/00001$/);

    const listed = (await get(`/v1/orders/${orderId}/returns`).expect(200)).body;
    expect(listed.returns).toEqual([
      expect.objectContaining({
        returnId,
        status: 'received',
        courier: { name: 'Blue Dart', trackingNumber: 'BD998877' },
        accepted: [{ sku: 'STOLE-02', quantity: 2 }],
        rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn, tag removed' }],
        creditNoteNumber,
      }),
    ]);

    // The credit note: the two stoles (₹600 each, 5 % IGST from Karnataka to Maharashtra), neither the saree nor shipping.
    const note = pdfText((await pdf(`/v1/orders/${orderId}/credit-notes/${encodeURIComponent(creditNoteNumber)}.pdf`).expect(200)).body as Buffer);
    expect(note).toContain('CREDIT NOTE');
    expect(note).toContain(creditNoteNumber);
    expect(note).toContain(`Goods returned (return ${returnId}): Colour not as shown`);
    expect(note).toContain('Cotton stole');
    expect(note).not.toContain('Mysore silk saree');
    expect(note).not.toContain('Shipping');
    expect(note).toMatch(/1,200\.00/);
    expect(note).toMatch(/1,260\.00/);

    // GSTR-1: the credit note is a CDNR row at 5 % for the stoles alone; the invoice still stands in B2B.
    const gstr1 = (await get(`/v1/gst/gstr1?period=${periodOf(api.clock.now())}&minPosition=${received.body.position}`).expect(200)).body;
    expect(gstr1.sections.cdnr.rows).toEqual([
      expect.objectContaining({ 'GSTIN/UIN of Recipient': '27AAPFU0939F1ZV', 'Note Number': creditNoteNumber, 'Note Type': 'C', 'Note Value': 1260, Rate: 5, 'Taxable Value': 1200 }),
    ]);
    expect(gstr1.sections.cdnr.totals).toMatchObject({ count: 1, valuePaise: 126_000, taxablePaise: 120_000, igstPaise: 6_000 });
    expect(gstr1.sections.b2b.totals.count).toBe(1);
    const stoles = gstr1.sections.hsnB2b.rows.find((r: { HSN: string }) => r.HSN === '6214');
    expect(stoles).toMatchObject({ 'Total Quantity': 0, 'Taxable Value': 0 });
    const register = (await get(`/v1/invoice-register?from=2017-07-01T00:00:00Z&to=2100-01-01T00:00:00Z&minPosition=${received.body.position}`).expect(200)).body;
    expect(JSON.stringify(register)).toContain(creditNoteNumber);
  });

  it('refuses bad returns with a problem document and changes nothing: no event, no credit note number', async () => {
    // A seller of its own, so the credit-note series starts here.
    const own = (await api.newSeller()).apiKey;
    const post = (path: string, body: object) => api.http().post(path).set('authorization', `Bearer ${own}`).send(body);
    const { orderId } = await deliveredOrder(own);
    const before = await eventTypes(orderId, own);
    // Malformed at the door (the DTO) or not fitting the order (the domain): one 400 problem naming the field.
    const refusals: Array<[object, number, string]> = [
      [{ lines: [{ sku: 'KURTA-9', quantity: 1 }], reason: 'Wrong size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ sku: 'STOLE-02', quantity: 3 }], reason: 'Wrong size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ sku: 'STOLE-02', quantity: 1 }, { sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [], reason: 'Wrong size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ sku: 'STOLE-02', quantity: 0 }], reason: 'Wrong size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong\u0000size' }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong size', refund: 'now' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of refusals) {
      const refused = await post(`/v1/orders/${orderId}/returns`, body);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect({ body, status: refused.status, code: refused.body.code }).toEqual({ body, status, code });
    }
    const tooMany = await post(`/v1/orders/${orderId}/returns`, { lines: [{ sku: 'STOLE-02', quantity: 3 }], reason: 'Wrong size' }).expect(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 2 of STOLE-02 can be returned');

    const { returnId } = (await post(`/v1/orders/${orderId}/returns`, { lines: [{ sku: 'STOLE-02', quantity: 2 }], reason: 'Wrong size' }).expect(201)).body as { returnId: string };
    const afterRequest = await eventTypes(orderId, own);
    // The stoles are being returned: no more of them can be.
    await post(`/v1/orders/${orderId}/returns`, { lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Again' }).expect(400);
    const short = await post(`/v1/orders/${orderId}/returns/${returnId}/receive`, { accepted: [{ sku: 'STOLE-02', quantity: 1 }] }).expect(400);
    expect(JSON.stringify(short.body)).toContain('accepted and rejected must add up to the 2 returned, not 1');
    await post(`/v1/orders/${orderId}/returns/${returnId}/receive`, { accepted: [{ sku: 'SAREE-SILK-01', quantity: 1 }], rejected: [{ sku: 'STOLE-02', quantity: 2, note: 'x' }] }).expect(400);
    await post(`/v1/orders/${orderId}/returns/ret_unknown/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD998877' }).expect(404);
    await post(`/v1/orders/${orderId}/returns/${returnId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'not a number' }).expect(400);
    expect(await eventTypes(orderId, own)).toEqual(afterRequest);
    expect(afterRequest).toEqual([...before, 'ReturnRequested']);

    // Nothing refused took a number: this is the first credit note of the seller's series.
    const received = await post(`/v1/orders/${orderId}/returns/${returnId}/receive`, { accepted: [{ sku: 'STOLE-02', quantity: 2 }] }).expect(200);
    expect(received.body.creditNoteNumber).toMatch(/00001$/);
    const again = await post(`/v1/orders/${orderId}/returns/${returnId}/receive`, { accepted: [{ sku: 'STOLE-02', quantity: 2 }] }).expect(409);
    expect(again.body.code).toBe('RETURN_NOT_OPEN');
  });

  it('refuses a return of an order not delivered, and one outside the seller’s window', async () => {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const early = await post(`/v1/orders/${orderId}/returns`, { lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong size' }).expect(409);
    expect(early.body.code).toBe('ORDER_NOT_DELIVERED');

    const strict = (await api.newSeller({ returnWindowDays: 0 })).apiKey;
    const { orderId: late } = await deliveredOrder(strict);
    const closed = await post(`/v1/orders/${late}/returns`, { lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong size' }, strict).expect(409);
    expect(closed.body).toMatchObject({ code: 'RETURN_WINDOW_CLOSED', returnWindowDays: 0 });
    expect(await eventTypes(late, strict)).not.toContain('ReturnRequested');
  });
});
