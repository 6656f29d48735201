import { freshId, orderInput } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { AdapterHarness } from '../ondc-adapter/support/adapter-harness';
import { WhatsAppHarness, startWhatsAppApi } from '../whatsapp/whatsapp-harness';

const orderBody = () => {
  const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
  return body;
};

/** NUL and unpaired surrogates cannot be stored; they are refused at the edge, naming the field, and change nothing (ADR 0016). */
describe.each(storesUnderTest())('text that cannot be stored, on %s', (_name, eventStore) => {
  let api: ApiHarness;
  let key: string;

  beforeAll(async () => {
    api = await startApi(eventStore());
    key = (await api.newSeller()).apiKey;
  });
  afterAll(() => api.close());

  const post = (path: string) => api.http().post(path).set('authorization', `Bearer ${key}`);
  const raw = (path: string, json: string) => post(path).set('content-type', 'application/json').send(json);

  it.each([
    ['a NUL in an item name', '"name":"Mysore silk saree"', '"name":"Mysore\\u0000silk"', 'items[0].name'],
    ['a lone high surrogate in the buyer name', '"name":"Asha Kulkarni"', '"name":"Asha \\ud83d"', 'buyer.name'],
    ['a lone low surrogate in a key', '"buyer":', '"\\udca5":1,"buyer":', '["\\udca5"]'],
  ])('refuses %s with a 400 naming the field, and writes no order', async (_case, from, to, field) => {
    const orderId = freshId('ord');
    const json = JSON.stringify({ ...orderBody(), orderId }).replace(from, to);
    const response = await raw('/v1/orders', json);
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.issues).toEqual([{ field, message: expect.stringContaining('NUL') }]);
    await api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${key}`).expect(404);
  });

  it('keeps the invoice series gap-free when a tax-relevant correction carries a NUL', async () => {
    const first = (await post('/v1/orders').send(orderBody()).expect(201)).body.orderId as string;
    const second = (await post('/v1/orders').send(orderBody()).expect(201)).body.orderId as string;
    const invoiced = await post(`/v1/orders/${first}/invoice`).send({}).expect(201);
    const number = (orderId: string) => api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${key}`);
    const items = orderBody().items.map((item, i) => (i === 0 ? { ...item, unitPricePaise: item.unitPricePaise - 1000, name: 'Silk\u0000saree' } : item));
    const refused = await post(`/v1/orders/${first}/invoice/regenerate`).send({ reason: 'Price corrected', corrections: { items } });
    expect({ status: refused.status, field: refused.body.issues?.[0]?.field }).toEqual({ status: 400, field: 'corrections.items[0].name' });
    await post(`/v1/orders/${second}/invoice`).send({}).expect(201);
    const numbers = await Promise.all(
      [first, second].map(async (orderId) => {
        const events = (await number(orderId)).body.events as Array<{ type: string; data: { invoiceNumber?: string } }>;
        return events.find((e) => e.type === 'InvoiceGenerated')?.data.invoiceNumber;
      }),
    );
    expect(invoiced.status).toBe(201);
    expect(numbers).toEqual(['INV/00001', 'INV/00002']);
  });

  it('refuses a NUL in a query parameter, naming it', async () => {
    // A lone surrogate cannot arrive in a URL: invalid UTF-8 there decodes to U+FFFD.
    const response = await api.http().get('/v1/orders?cursor=abc%00def').set('authorization', `Bearer ${key}`);
    expect({ status: response.status, field: response.body.issues?.[0]?.field }).toEqual({ status: 400, field: 'query.cursor' });
  });

  it('answers a malformed multipart body with a 400 problem, whether or not it carries an Idempotency-Key', async () => {
    const orderId = (await post('/v1/orders').send(orderBody()).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).send({}).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`).send({ mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).send({}).expect(200);
    const path = `/v1/orders/${orderId}/shipments/${shipmentId}/package-images`;
    for (const idempotencyKey of [undefined, freshId('k')]) {
      let request = post(path).set('content-type', 'multipart/form-data; boundary=XyZ');
      if (idempotencyKey) request = request.set('idempotency-key', idempotencyKey);
      const response = await request.send('--XyZ\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG half a file');
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'MALFORMED_MULTIPART' });
    }
  });
});

describe('text that cannot be stored, from WhatsApp and ONDC', () => {
  let wa: WhatsAppHarness;
  let ondc: AdapterHarness;

  beforeAll(async () => {
    [wa, ondc] = await Promise.all([startWhatsAppApi(), AdapterHarness.start({ participants: [] })]);
  });
  afterAll(() => Promise.all([wa?.close(), ondc?.close()]));

  it("refuses a signed WhatsApp delivery whose text holds a NUL with a 400 naming the field", async () => {
    const seller = await wa.seller({});
    const response = await wa.deliver([{ from: seller.number, content: { text: 'ship\u0000' } }]);
    expect(response.status).toBe(400);
    expect(response.body['code']).toBe('VALIDATION_FAILED');
    expect((response.body['issues'] as Array<{ field: string }>)[0]!.field).toBe('entry[0].changes[0].value.messages[0].text.body');
  });

  it('answers an ONDC callback holding an unpaired surrogate with a NACK naming the field', async () => {
    const response = await ondc.http().post('/ondc/on_status').set('content-type', 'application/json').send('{"context":{"action":"on_status"},"message":{"order":{"id":"\\udfff"}}}');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'JSON-SCHEMA-ERROR', path: 'message.order.id' } });
  });
});
