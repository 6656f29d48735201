import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { orderInput } from '../support/fixtures';

describe.each(storesUnderTest())('bulk ready to ship on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi(storeConfig());
    ({ apiKey: key } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);

  async function packed() {
    const { sellerId: _ignored, orderId: _generated, ...body } = orderInput('ignored');
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    return { orderId, shipmentId };
  }

  it('answers one result per item when one item fails on our side: that item gets its own problem, the others keep theirs', async () => {
    const [first, broken, last] = [await packed(), await packed(), await packed()];
    const store = api.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    // The store fails for one order only, as a disk or driver fault would.
    const spy = jest.spyOn(store, 'append').mockImplementation((stream, events, options) =>
      stream.includes(broken.orderId) ? Promise.reject(new Error('simulated store fault')) : append(stream, events, options),
    );
    try {
      const response = await post('/v1/shipments/ready-to-ship', { items: [first, broken, last] }).expect(200);

      expect(response.body).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
      expect(response.body.results).toEqual([
        expect.objectContaining({ ...first, ok: true, shipmentStatus: 'ready_to_ship' }),
        expect.objectContaining({ ...broken, ok: false, status: 500, code: 'INTERNAL_ERROR', errorId: expect.any(String) }),
        expect.objectContaining({ ...last, ok: true, shipmentStatus: 'ready_to_ship' }),
      ]);
      expect(response.body.results[1].detail).toContain(response.body.results[1].errorId);
    } finally {
      spy.mockRestore();
    }
    // The failed item changed nothing and can be marked once the fault is gone.
    await post(`/v1/orders/${broken.orderId}/shipments/${broken.shipmentId}/ready-to-ship`).expect(200);
  });
});
