import { orderInput } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';

describe.each(storesUnderTest())('automatic steps driven from the store on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(storeConfig());
  });
  afterAll(() => api.close());

  const receive = async (key: string) => {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    return (await api.http().post('/v1/orders').set('authorization', `Bearer ${key}`).send(body).expect(201)).body.orderId as string;
  };
  const eventsOf = async (key: string, orderId: string) =>
    (await api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${key}`).expect(200)).body.events as Array<{ type: string; metadata: Record<string, unknown> }>;

  /** The reaction runs behind the command's response: poll the order's own stream until it shows, within a deadline. */
  async function eventually(key: string, orderId: string, type: string) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = (await eventsOf(key, orderId)).find((e) => e.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${type} did not follow on order ${orderId} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('invoices an order on receipt when auto invoice is on, and creates its shipment when auto manifest is on', async () => {
    const { apiKey } = await api.newSeller({ autoInvoice: true, autoManifest: true });
    const orderId = await receive(apiKey);
    const invoiced = await eventually(apiKey, orderId, 'InvoiceGenerated');
    expect(invoiced.metadata).toMatchObject({ channel: 'system', actor: { type: 'system', id: 'auto-invoice' } });
    await eventually(apiKey, orderId, 'ShipmentCreated');
    const pdf = await api.http().get(`/v1/orders/${orderId}/invoice.pdf`).set('authorization', `Bearer ${apiKey}`).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it("leaves other sellers' orders alone", async () => {
    const manual = await api.newSeller();
    const automatic = await api.newSeller({ autoInvoice: true });
    const manualOrder = await receive(manual.apiKey);
    const automaticOrder = await receive(automatic.apiKey);
    // The reaction handles events in store order: once the later order is invoiced, the earlier one has been seen.
    await eventually(automatic.apiKey, automaticOrder, 'InvoiceGenerated');
    expect((await eventsOf(manual.apiKey, manualOrder)).map((e) => e.type)).toEqual(['OrderReceived']);
  });
});
