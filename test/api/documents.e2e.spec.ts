import { orderInput } from '../support/fixtures';
import { ApiHarness, startApi } from '../support/api-harness';
import { binaryBody } from '../support/binary-body';
import { assertDocumentToolsInstalled, decodeBarcodes, flattened, pageSizes, pdfText } from '../documents/pdf-tools';

describe('document routes serve real PDFs rendered from the order events', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    assertDocumentToolsInstalled();
    api = await startApi({ kind: 'embedded' });
    key = (await api.newSeller()).apiKey;
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const pdf = (path: string, headers: Record<string, string> = {}) => {
    const request = api.http().get(path).set('authorization', `Bearer ${key}`).buffer(true).parse(binaryBody as never);
    for (const [name, value] of Object.entries(headers)) request.set(name, value);
    return request;
  };

  async function newOrder(): Promise<string> {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    return (await post('/v1/orders', body).expect(201)).body.orderId as string;
  }

  it('serves the invoice with its recorded content hash as ETag, and 304 when unchanged', async () => {
    const orderId = await newOrder();
    const missing = await api.http().get(`/v1/orders/${orderId}/invoice.pdf`).set('authorization', `Bearer ${key}`).expect(404);
    expect(missing.body.code).toBe('DOCUMENT_NOT_FOUND');
    const invoiced = await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const response = await pdf(`/v1/orders/${orderId}/invoice.pdf`).expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain(`invoice-INV_00001-r1.pdf`);
    const events = await api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${key}`).expect(200);
    const recorded = events.body.events.find((e: { type: string }) => e.type === 'InvoiceGenerated').data.documentSha256;
    expect(response.headers['etag']).toBe(`"${recorded}"`);
    const text = pdfText(response.body as Buffer);
    expect(text).toContain(invoiced.body.invoiceNumber);
    expect(text).toContain('29ABCDE1234F1ZW');
    await pdf(`/v1/orders/${orderId}/invoice.pdf`, { 'if-none-match': response.headers['etag'] as string }).expect(304);

    const customer = await pdf(`/v1/orders/${orderId}/tax-invoice.pdf`).expect(200);
    expect(pdfText(customer.body as Buffer)).toMatch(/ORIGINAL FOR RECIPIENT/i);
  });

  it('serves the transporter copy of the invoice, and a label carrying the invoice number, value and seller GSTIN', async () => {
    const orderId = await newOrder();
    const invoiced = await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const transporter = await pdf(`/v1/orders/${orderId}/transporter-invoice.pdf`).expect(200);
    expect(transporter.headers['content-disposition']).toContain(`transporter-invoice-${(invoiced.body.invoiceNumber as string).replace('/', '_')}-r1.pdf`);
    expect(pdfText(transporter.body as Buffer)).toMatch(/TAX INVOICE\s+DUPLICATE FOR TRANSPORTER/);

    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    const labelText = pdfText((await pdf(`/v1/orders/${orderId}/shipments/${shipmentId}/label.pdf`).expect(200)).body as Buffer);
    const total = (invoiced.body.totals as { grandTotalPaise: number }).grandTotalPaise;
    expect(labelText).toContain(`Invoice: ${invoiced.body.invoiceNumber as string}, value Rs. ${(total / 100).toLocaleString('en-IN', { minimumFractionDigits: 2 })}`);
    expect(labelText).toContain('Seller GSTIN: 29ABCDE1234F1ZW');
  });

  it('prints a B2B order billed at the buyer\'s registered address with Bill to and Ship to, the bill-to state as the place of supply', async () => {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    const billingAddress = { name: 'Deshmukh Textiles LLP', phone: '9820012345', line1: '12 Shivaji Park Road', city: 'Mumbai', stateCode: '27', pincode: '400028' };
    const deliveryAddress = { ...body.deliveryAddress, city: 'Bengaluru', stateCode: '29', pincode: '560038' };
    const orderId = (await post('/v1/orders', { ...body, deliveryAddress, buyer: { ...body.buyer, gstin: '27aapfu0939f1zv', billingAddress } }).expect(201)).body.orderId as string;
    const invoiced = await post(`/v1/orders/${orderId}/invoice`).expect(201);
    expect(invoiced.body.totals).toMatchObject({ intraState: false, cgstPaise: 0 });

    const text = pdfText((await pdf(`/v1/orders/${orderId}/tax-invoice.pdf`).expect(200)).body as Buffer);
    expect(text).toMatch(/Bill to\s+Ship to/);
    expect(text).toContain('GSTIN: 27AAPFU0939F1ZV');
    expect(text).toMatch(/Place of Supply\s+Maharashtra \(27\)/);
  });

  it('serves the credit note that cancelling an invoiced order issued, citing the invoice', async () => {
    const orderId = await newOrder();
    const invoiceNumber = (await post(`/v1/orders/${orderId}/invoice`).expect(201)).body.invoiceNumber as string;
    const cancelled = await post(`/v1/orders/${orderId}/cancel`, { reason: 'Out of stock' }).expect(200);
    const [creditNote] = cancelled.body.creditNotes as string[];
    expect(creditNote).toMatch(/^CN\/\d{5}$/);

    const text = pdfText((await pdf(`/v1/orders/${orderId}/credit-notes/${encodeURIComponent(creditNote!)}.pdf`).expect(200)).body as Buffer);
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain(creditNote!);
    expect(text).toContain(invoiceNumber);
    expect(flattened(text)).toContain('Order cancelled: Out of stock');
  });

  it('keeps earlier revisions downloadable and serves the credit note of a tax-relevant correction', async () => {
    const orderId = await newOrder();
    const original = (await post(`/v1/orders/${orderId}/invoice`).expect(201)).body.invoiceNumber as string;
    const corrected = await post(`/v1/orders/${orderId}/invoice/regenerate`, {
      reason: 'Wrong rate',
      corrections: { items: [{ sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 18 }] },
    }).expect(201);
    const [creditNote] = corrected.body.creditNotes as string[];
    const first = await pdf(`/v1/orders/${orderId}/invoice.pdf?revision=1`).expect(200);
    expect(first.headers['cache-control']).toContain('immutable');
    expect(pdfText(first.body as Buffer)).toContain(original);
    const current = await pdf(`/v1/orders/${orderId}/invoice.pdf`).expect(200);
    expect(pdfText(current.body as Buffer)).toContain(corrected.body.invoiceNumber);
    const note = await pdf(`/v1/orders/${orderId}/credit-notes/${encodeURIComponent(creditNote!)}.pdf`).expect(200);
    const noteText = pdfText(note.body as Buffer);
    expect(noteText).toContain(creditNote);
    expect(noteText).toContain(original);
    await api.http().get(`/v1/orders/${orderId}/invoice.pdf?revision=9`).set('authorization', `Bearer ${key}`).expect(404);
  });

  it('serves a 4x6 label whose barcode decodes to the courier tracking number once shipped', async () => {
    const orderId = await newOrder();
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    const before = await pdf(`/v1/orders/${orderId}/shipments/${shipmentId}/label.pdf`).expect(200);
    expect(pageSizes(before.body as Buffer)).toEqual(['288 x 432']);
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD123456789' }).expect(200);
    const after = await pdf(`/v1/orders/${orderId}/shipments/${shipmentId}/label.pdf`).expect(200);
    expect(after.headers['etag']).not.toBe(before.headers['etag']);
    expect(decodeBarcodes(after.body as Buffer, 1)).toContain('CODE-128:BD123456789');
    expect(pdfText(after.body as Buffer)).toMatch(/COD/);
    const a4 = await pdf(`/v1/orders/${orderId}/shipments/${shipmentId}/label.pdf?layout=a4-4up`).expect(200);
    expect(pageSizes(a4.body as Buffer)[0]).toMatch(/^595(\.\d+)? x 841(\.\d+)?$/);
  });
});
