import { freshId, orderInput } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');

const orderBody = (orderId?: string) => {
  const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
  return orderId ? { ...body, orderId } : body;
};

/** One Idempotency-Key, one execution: claimed before the command runs, scoped to its caller (ADR 0016). */
describe.each(storesUnderTest())('atomic idempotency on %s', (_name, eventStore) => {
  let api: ApiHarness;
  let owner: string;
  let intruder: string;

  beforeAll(async () => {
    api = await startApi(eventStore());
    owner = (await api.newSeller()).apiKey;
    intruder = (await api.newSeller()).apiKey;
  });
  afterAll(() => api.close());

  const post = (path: string, key: string, auth: string) => api.http().post(path).set('authorization', `Bearer ${auth}`).set('idempotency-key', key);
  const eventsOf = async (orderId: string, auth = owner) => api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${auth}`);

  it('runs exactly one of many concurrent requests with one key and different bodies; the others are refused unexecuted', async () => {
    const key = freshId('race');
    const orderIds = Array.from({ length: 8 }, () => freshId('ord'));
    const responses = await Promise.all(orderIds.map((orderId) => post('/v1/orders', key, owner).send(orderBody(orderId))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 422, 422, 422, 422, 422, 422, 422]);
    for (const refused of responses.filter((r) => r.status === 422)) expect(refused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const written = await Promise.all(orderIds.map(async (orderId) => (await eventsOf(orderId)).status));
    expect(written.filter((status) => status === 200)).toHaveLength(1);
  });

  it('answers concurrent repeats of one request with the first response, exactly, and writes once', async () => {
    const key = freshId('same');
    const body = orderBody();
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('/v1/orders', key, owner).send(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
    const events = await eventsOf(responses[0]!.body.orderId);
    expect(events.body.events).toHaveLength(1);
  });

  it("does not replay one seller's answer to another seller who sends the same key on that seller's order", async () => {
    const orderId = (await post('/v1/orders', freshId('k'), owner).send(orderBody()).expect(201)).body.orderId as string;
    const steps: Array<[string, object, number]> = [
      [`/v1/orders/${orderId}/invoice`, {}, 201],
      [`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }, 201],
      [`/v1/orders/${orderId}/cancel`, { reason: 'buyer changed mind' }, 200],
    ];
    for (const [path, body, status] of steps) {
      const key = freshId('shared');
      await post(path, key, owner).send(body).expect(status);
      const probe = await post(path, key, intruder).send(body);
      expect({ path, status: probe.status, code: probe.body.code }).toEqual({ path, status: 404, code: 'ORDER_NOT_FOUND' });
      expect(probe.body.position).toBeUndefined();
    }
  });

  it('tells two uploads apart under one key by their bytes: the second is refused, not answered with the first', async () => {
    const orderId = (await post('/v1/orders', freshId('k'), owner).send(orderBody()).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`, freshId('k'), owner).send({}).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, freshId('k'), owner).send({ mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`, freshId('k'), owner).send({}).expect(200);
    const path = `/v1/orders/${orderId}/shipments/${shipmentId}/package-images`;
    const key = freshId('upload');
    const first = await post(path, key, owner).attach('image', PNG, 'parcel.png').expect(201);
    const again = await post(path, key, owner).attach('image', PNG, 'parcel.png').expect(201);
    expect(again.body).toEqual(first.body);
    const other = Buffer.concat([PNG, Buffer.from('trailing bytes make another file')]);
    const refused = await post(path, key, owner).attach('image', other, 'parcel.png');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    const images = (await eventsOf(orderId)).body.events.filter((e: { type: string }) => e.type === 'PackageImageRecorded');
    expect(images).toHaveLength(1);
  });

  it('runs a request again after a refusal that recorded nothing, under the same key', async () => {
    const key = freshId('retry');
    const refused = await post('/v1/orders', key, owner).send({ ...orderBody(), items: [] });
    expect(refused.status).toBe(400);
    // A corrected request is a different body; the key was given back, so it runs.
    await post('/v1/orders', key, owner).send(orderBody()).expect(201);
  });
});
