import { assertDocumentToolsInstalled, decodeBarcodes, pageSizes, pdfText } from '../documents/pdf-tools';
import { freshId, orderInput } from '../support/fixtures';
import { READ_WAIT_LIMIT_MS } from '@fulfil/fulfillment-api';
import { READ_MODELS, type ReadModels } from '@fulfil/read-models';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { binaryBody } from '../support/binary-body';

describe.each(storesUnderTest())('queries from the read models on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  let otherKey: string;
  beforeAll(async () => {
    assertDocumentToolsInstalled();
    api = await startApi(storeConfig());
    ({ apiKey: key } = await api.newSeller());
    ({ apiKey: otherKey } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}, as = key) => api.http().post(path).set('authorization', `Bearer ${as}`).send(body);
  const get = (path: string, as = key) => api.http().get(path).set('authorization', `Bearer ${as}`);

  async function receive(as = key, payment: 'cod' | 'prepaid' = 'prepaid') {
    const { sellerId: _s, orderId: _o, ...body } = { ...orderInput('ignored'), paymentMethod: payment };
    const response = await post('/v1/orders', body, as).expect(201);
    return { orderId: response.body.orderId as string, position: response.body.position as string };
  }

  async function shipped(mode: 'on-network' | 'off-network', as = key) {
    const { orderId } = await receive(as, 'cod');
    await post(`/v1/orders/${orderId}/invoice`, {}, as).expect(201);
    const shipment = await post(`/v1/orders/${orderId}/shipments`, { mode }, as).expect(201);
    return { orderId, shipmentId: shipment.body.shipmentId as string, position: shipment.body.position as string };
  }

  describe('given orders in several states', () => {
    let received: { orderId: string; position: string };
    let packedOn: { orderId: string; shipmentId: string; position: string };
    let packedOff: { orderId: string; shipmentId: string; position: string };
    beforeAll(async () => {
      received = await receive();
      packedOn = await shipped('on-network');
      packedOff = await shipped('off-network');
      await receive(otherKey);
    });

    it('reads its own writes: a command position makes the list wait for the read models', async () => {
      const fresh = await receive();
      const page = await get(`/v1/orders?minPosition=${fresh.position}&limit=200`).expect(200);
      expect(page.body.items.map((o: { orderId: string }) => o.orderId)).toContain(fresh.orderId);
      const detail = await get(`/v1/orders/${fresh.orderId}`).set('x-min-position', fresh.position).expect(200);
      expect(detail.body).toMatchObject({ orderId: fresh.orderId, status: 'received', invoice: null, shipments: [] });
      expect(detail.body.timeline.map((t: { eventType: string }) => t.eventType)).toEqual(['OrderReceived']);
    });

    it('filters by status and shipping mode, and never lists another seller\'s orders', async () => {
      const packed = await get(`/v1/orders?status=packed&minPosition=${packedOff.position}`).expect(200);
      const ids = packed.body.items.map((o: { orderId: string }) => o.orderId);
      expect(ids).toEqual(expect.arrayContaining([packedOn.orderId, packedOff.orderId]));
      expect(ids).not.toContain(received.orderId);
      const offNetwork = await get('/v1/orders?status=packed&mode=off-network').expect(200);
      expect(offNetwork.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([packedOff.orderId]);
      expect(offNetwork.body.items[0]).toMatchObject({ shippingMode: 'off-network', currentShipmentId: packedOff.shipmentId, currentShipmentStatus: 'created' });
      const theirs = await get(`/v1/orders?limit=200`, otherKey).expect(200);
      expect(theirs.body.items).toHaveLength(1);
      expect(theirs.body.items.map((o: { orderId: string }) => o.orderId)).not.toContain(received.orderId);
    });

    it('pages with a cursor, newest first, without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await get(`/v1/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((o: { orderId: string }) => o.orderId));
        cursor = page.body.nextCursor;
      } while (cursor);
      const all = await get('/v1/orders?limit=200').expect(200);
      expect(seen).toEqual(all.body.items.map((o: { orderId: string }) => o.orderId));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('filters by the date received', async () => {
      const future = await get(`/v1/orders?receivedFrom=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`).expect(200);
      expect(future.body.items).toEqual([]);
      const past = await get(`/v1/orders?receivedTo=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}&limit=200`).expect(200);
      expect(past.body.items.length).toBeGreaterThanOrEqual(3);
    });

    it('refuses bad query parameters with a problem document naming them', async () => {
      for (const query of ['status=lost', 'limit=0', 'limit=201', 'mode=drone', 'receivedFrom=yesterday', 'colour=red', 'minPosition=-1', 'cursor=not-a-cursor']) {
        const response = await get(`/v1/orders?${query}`).expect(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body.detail).toContain(query.split('=')[0]);
      }
      await get('/v1/orders').set('x-min-position', 'soon').expect(400);
    });

    it("answers another seller's order as not found, even when asked to wait", async () => {
      const response = await get(`/v1/orders/${received.orderId}?minPosition=${received.position}`, otherKey).expect(404);
      expect(response.body.code).toBe('ORDER_NOT_FOUND');
      await get(`/v1/orders/${freshId('ord')}`).expect(404);
    });

    it('refuses at once a position no command has answered, beyond what the store has written', async () => {
      const asked = Date.now();
      for (const request of [get(`/v1/orders?minPosition=${10n ** 30n}`), get(`/v1/orders/${received.orderId}`).set('x-min-position', String(10n ** 30n))]) {
        const response = await request.expect(400);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringMatching(/(minPosition|x-min-position): is beyond the last position written/) });
      }
      expect(Date.now() - asked).toBeLessThan(READ_WAIT_LIMIT_MS);
    });

    it('answers 503 with Retry-After while the read models cannot reach a written position in time', async () => {
      const readModels = api.app.get<ReadModels>(READ_MODELS);
      await readModels.stop();
      try {
        const unprojected = await receive();
        const response = await get(`/v1/orders?minPosition=${unprojected.position}`).expect(503);
        expect(response.headers['retry-after']).toBe('1');
        expect(response.body.code).toBe('READ_MODELS_BEHIND');
      } finally {
        readModels.start();
      }
      // Once the projections run again, the same position is reached.
      const caughtUp = await receive();
      await get(`/v1/orders/${caughtUp.orderId}?minPosition=${caughtUp.position}`).expect(200);
    }, 15_000);

    it('counts orders per status on the dashboard, and lists invoices in the register', async () => {
      const dashboard = await get(`/v1/seller/dashboard?minPosition=${packedOff.position}`).expect(200);
      expect(dashboard.body.ordersByStatus.packed).toBeGreaterThanOrEqual(2);
      expect(dashboard.body.awaitingReadyToShip).toBe(dashboard.body.ordersByStatus.packed);
      expect(dashboard.body.overdueHours).toBe(24);
      const from = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
      const to = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
      const register = await get(`/v1/invoice-register?from=${from}&to=${to}`).expect(200);
      const orderIds = register.body.items.map((e: { orderId: string }) => e.orderId);
      expect(orderIds).toEqual(expect.arrayContaining([packedOn.orderId, packedOff.orderId]));
      expect(register.body.items[0]).toMatchObject({ documentType: 'invoice', status: 'current', revision: 1 });
      expect((await get(`/v1/invoice-register?from=${from}&to=${to}`, otherKey).expect(200)).body.items).toEqual([]);
      await get('/v1/invoice-register?from=yesterday&to=today').expect(400);
    });

    it('prints many labels in one PDF, in the order asked, one 4x6 page each with its barcode', async () => {
      const pdf = await get(`/v1/labels.pdf?shipmentIds=${packedOff.shipmentId},${packedOn.shipmentId}&minPosition=${packedOff.position}`)
        .buffer(true)
        .parse(binaryBody as never)
        .expect(200)
        .expect('content-type', 'application/pdf');
      const body = pdf.body as Buffer;
      expect(pageSizes(body)).toEqual(['288 x 432', '288 x 432']);
      const text = pdfText(body);
      expect(text.indexOf(packedOff.shipmentId)).toBeLessThan(text.indexOf(packedOn.shipmentId));
      expect(decodeBarcodes(body, 1).length).toBeGreaterThan(0);
      expect(pdf.headers['etag']).toMatch(/^"[0-9a-f]{64}"$/);
      const a4 = await get(`/v1/labels.pdf?shipmentIds=${packedOff.shipmentId},${packedOn.shipmentId}&layout=a4-4up`).buffer(true).parse(binaryBody as never).expect(200);
      expect(pageSizes(a4.body as Buffer)).toHaveLength(1);
    });

    it("refuses labels for another seller's shipment, unknown ones and oversized batches", async () => {
      const theirs = await shipped('on-network', otherKey);
      const refused = await get(`/v1/labels.pdf?shipmentIds=${packedOn.shipmentId},${theirs.shipmentId}&minPosition=${theirs.position}`).expect(404);
      expect(refused.body).toMatchObject({ code: 'SHIPMENT_NOT_FOUND', shipmentIds: [theirs.shipmentId] });
      await get(`/v1/labels.pdf?shipmentIds=${Array.from({ length: 101 }, (_, i) => `shp_${i}`).join(',')}`).expect(400);
      await get('/v1/labels.pdf').expect(400);
      await get('/v1/labels.pdf?shipmentIds=bad%20id').expect(400);
    });
  });

  it('reports each projection in readiness and its lag in the metrics', async () => {
    const ready = await api.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.eventStore.status).toBe('up');
    expect(ready.body.details.projections).toMatchObject({ status: 'up', orders: { state: expect.stringMatching(/live|catching_up/) } });
    const metrics = await api.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/fulfilment_projection_lag_seconds\{projection="orders"\} \d/);
    expect(metrics.text).toMatch(/fulfilment_projection_state\{projection="orders",state="live"\} [01]/);
    expect(metrics.text).toMatch(/fulfilment_projection_position\{projection="orders"\} \d+/);
  });
});
