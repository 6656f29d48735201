import { freshId, orderInput } from '../support/fixtures';
import { ApiHarness, startApi } from '../support/api-harness';

/** Isolation, idempotency and bad input: what every route promises regardless of the store. */
describe('seller HTTP API guarantees', () => {
  let api: ApiHarness;
  let owner: string;
  let intruder: string;
  let orderId: string;
  let shipmentId: string;

  beforeAll(async () => {
    api = await startApi({ kind: 'embedded' });
    owner = (await api.newSeller()).apiKey;
    intruder = (await api.newSeller()).apiKey;
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    orderId = (await api.http().post('/v1/orders').set('authorization', `Bearer ${owner}`).send(body).expect(201)).body.orderId;
    await api.http().post(`/v1/orders/${orderId}/invoice`).set('authorization', `Bearer ${owner}`).expect(201);
    shipmentId = (await api.http().post(`/v1/orders/${orderId}/shipments`).set('authorization', `Bearer ${owner}`).send({ mode: 'off-network' }).expect(201)).body
      .shipmentId;
  });
  afterAll(() => api.close());

  const eventCount = async () =>
    (await api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${owner}`).expect(200)).body.events.length as number;

  describe('seller isolation', () => {
    const routes = (): Array<[string, string, object?]> => [
      ['get', `/v1/orders/${orderId}`],
      ['get', `/v1/orders/${orderId}/events`],
      ['post', `/v1/orders/${orderId}/invoice`, {}],
      ['post', `/v1/orders/${orderId}/invoice/regenerate`, { reason: 'probe', corrections: {} }],
      ['post', `/v1/orders/${orderId}/shipments`, {}],
      ['post', `/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`, {}],
      ['post', `/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'X', trackingNumber: 'TRK123' }],
      ['post', `/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: '123456' }],
      ['post', `/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`, {}],
      ['post', `/v1/orders/${orderId}/reship`, { reason: 'lost' }],
      ['post', `/v1/orders/${orderId}/cancel`, { reason: 'probe' }],
    ];

    it("answers another seller's order as not found on every route, and changes nothing", async () => {
      const before = await eventCount();
      for (const [method, path, body] of routes()) {
        const call = method === 'get' ? api.http().get(path) : api.http().post(path).send(body);
        const response = await call.set('authorization', `Bearer ${intruder}`);
        expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 404, code: 'ORDER_NOT_FOUND' });
      }
      const bulk = await api.http().post('/v1/shipments/ready-to-ship').set('authorization', `Bearer ${intruder}`).send({ items: [{ orderId, shipmentId }] }).expect(200);
      expect(bulk.body.results[0]).toMatchObject({ ok: false, status: 404, code: 'ORDER_NOT_FOUND' });
      expect(await eventCount()).toBe(before);
    });

    it('needs a valid key, keeps the platform key off seller routes and seller keys off platform routes', async () => {
      await api.http().get(`/v1/orders/${orderId}`).expect(401);
      await api.http().get(`/v1/orders/${orderId}`).set('authorization', 'Bearer fes_someone.abcdefgh.' + 'x'.repeat(43)).expect(401);
      const platformAsSeller = await api.http().get('/v1/seller').set('authorization', `Bearer ${api.platformKey}`).expect(401);
      expect(platformAsSeller.body.code).toBe('UNAUTHORIZED');
      await api.http().post('/v1/sellers').set('authorization', `Bearer ${owner}`).send({}).expect(401);
      const tampered = owner.slice(0, -2) + (owner.endsWith('AA') ? 'BB' : 'AA');
      await api.http().get('/v1/seller').set('authorization', `Bearer ${tampered}`).expect(401);
      await api.http().get('/health/live').expect(200);
    });
  });

  describe('idempotency', () => {
    it('replays the first response for a repeated key and body, without new events', async () => {
      const body = orderInput('ignored');
      const { sellerId: _s, orderId: _o, ...order } = body;
      const key = freshId('idem');
      const first = await api.http().post('/v1/orders').set('authorization', `Bearer ${owner}`).set('idempotency-key', key).send(order).expect(201);
      const again = await api.http().post('/v1/orders').set('authorization', `Bearer ${owner}`).set('idempotency-key', key).send(order).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const events = await api.http().get(`/v1/orders/${first.body.orderId}/events`).set('authorization', `Bearer ${owner}`).expect(200);
      expect(events.body.events).toHaveLength(1);
      const different = await api
        .http()
        .post('/v1/orders')
        .set('authorization', `Bearer ${owner}`)
        .set('idempotency-key', key)
        .send({ ...order, paymentMethod: 'prepaid' })
        .expect(422);
      expect(different.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it("keeps one seller's idempotency keys apart from another's", async () => {
      const key = freshId('shared');
      const { sellerId: _s, orderId: _o, ...order } = orderInput('ignored');
      const mine = await api.http().post('/v1/orders').set('authorization', `Bearer ${owner}`).set('idempotency-key', key).send(order).expect(201);
      const theirs = await api.http().post('/v1/orders').set('authorization', `Bearer ${intruder}`).set('idempotency-key', key).send(order).expect(201);
      expect(theirs.body.orderId).not.toBe(mine.body.orderId);
    });

    it('recovers a seller whose creation answer was lost: the repeat answers a new key and revokes the unseen one', async () => {
      const key = freshId('seller');
      const create = () =>
        api
          .http()
          .post('/v1/sellers')
          .set('authorization', `Bearer ${api.platformKey}`)
          .set('idempotency-key', key)
          .send({ profile: { legalName: 'Replay Traders', gstin: '29ABCDE1234F1ZW', stateCode: '29', pickupAddress: { ...orderInput('x').deliveryAddress, city: 'Bengaluru', stateCode: '29', pincode: '560001' } } });
      const lost = await create().expect(201);
      const again = await create().expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.sellerId).toBe(lost.body.sellerId);
      expect(again.body.apiKey).toMatch(/^fes_/);
      expect(again.body.apiKey).not.toBe(lost.body.apiKey);
      await api.http().get('/v1/seller').set('authorization', `Bearer ${again.body.apiKey}`).expect(200);
      await api.http().get('/v1/seller').set('authorization', `Bearer ${lost.body.apiKey}`).expect(401);
    });

    it("rotates a seller's key on the platform route: the old key is refused at once, the new one works", async () => {
      const seller = await api.newSeller();
      const rotated = await api.http().post(`/v1/sellers/${seller.sellerId}/api-keys`).set('authorization', `Bearer ${api.platformKey}`).expect(201);
      expect(rotated.body).toMatchObject({ sellerId: seller.sellerId, revokedKeys: 1 });
      await api.http().get('/v1/seller').set('authorization', `Bearer ${seller.apiKey}`).expect(401);
      await api.http().get('/v1/seller').set('authorization', `Bearer ${rotated.body.apiKey}`).expect(200);
      await api.http().post(`/v1/sellers/${seller.sellerId}/api-keys`).set('authorization', `Bearer ${rotated.body.apiKey}`).expect(401);
      const missing = await api.http().post('/v1/sellers/nobody-here/api-keys').set('authorization', `Bearer ${api.platformKey}`).expect(404);
      expect(missing.body.code).toBe('SELLER_NOT_FOUND');
    });
  });

  describe('bad requests get problem documents and change nothing', () => {
    const cases: Array<[string, (auth: string) => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>, number, string]> = [
      ['missing fields', (auth) => api.http().post('/v1/orders').set('authorization', auth).send({ items: [] }), 400, 'VALIDATION_FAILED'],
      ['wrong types', (auth) => api.http().post('/v1/orders').set('authorization', auth).send({ ...orderInput('x'), sellerId: undefined, items: 'many' }), 400, 'VALIDATION_FAILED'],
      ['unknown fields', (auth) => api.http().post(`/v1/orders/${orderId}/cancel`).set('authorization', auth).send({ reason: 'x', refund: true }), 400, 'VALIDATION_FAILED'],
      ['domain validation', (auth) => api.http().post('/v1/orders').set('authorization', auth).send({ ...stripIds(orderInput('x')), deliveryAddress: { ...orderInput('x').deliveryAddress, stateCode: '99' } }), 400, 'VALIDATION_FAILED'],
      ['malformed JSON', (auth) => api.http().post(`/v1/orders/${orderId}/cancel`).set('authorization', auth).set('content-type', 'application/json').send('{"reason": '), 400, 'MALFORMED_REQUEST'],
      ['wrong content type', (auth) => api.http().post(`/v1/orders/${orderId}/cancel`).set('authorization', auth).set('content-type', 'text/csv').send('reason,x'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['oversized body', (auth) => api.http().post(`/v1/orders/${orderId}/cancel`).set('authorization', auth).send({ reason: 'x'.repeat(2 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['bad path id', (auth) => api.http().get('/v1/orders/not%20an%20id').set('authorization', auth), 400, 'VALIDATION_FAILED'],
      ['illegal step', (auth) => api.http().post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`).set('authorization', auth).send({ otp: '123456' }), 409, 'SHIPMENT_NOT_SHIPPED'],
      ['non-image upload', (auth) => api.http().post(`/v1/orders/${orderId}/shipments/${shipmentId}/package-images`).set('authorization', auth).attach('image', Buffer.from('%PDF-1.4 not an image'), 'photo.png'), 415, 'NOT_AN_IMAGE'],
      ['oversized upload', (auth) => api.http().post(`/v1/orders/${orderId}/shipments/${shipmentId}/package-images`).set('authorization', auth).attach('image', Buffer.alloc(6 * 1024 * 1024, 0xff), 'huge.jpg'), 413, 'PAYLOAD_TOO_LARGE'],
      ['upload without multipart', (auth) => api.http().post(`/v1/orders/${orderId}/shipments/${shipmentId}/package-images`).set('authorization', auth).send({ image: 'x' }), 415, 'MULTIPART_REQUIRED'],
      ['unknown route', (auth) => api.http().get('/v1/nothing-here').set('authorization', auth), 404, 'ROUTE_NOT_FOUND'],
    ];

    it.each(cases)('%s', async (_name, send, status, code) => {
      const before = await eventCount();
      const response = await send(`Bearer ${owner}`);
      expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(typeof response.body.detail).toBe('string');
      expect(await eventCount()).toBe(before);
    });

    it('names every invalid field', async () => {
      const response = await api.http().post('/v1/orders').set('authorization', `Bearer ${owner}`).send({ paymentMethod: 'barter', buyer: { name: '' } }).expect(400);
      const fields = (response.body.issues as Array<{ field: string }>).map((i) => i.field);
      expect(fields).toEqual(expect.arrayContaining(['items', 'paymentMethod', 'buyer.name', 'buyer.phone', 'deliveryAddress']));
    });
  });
});

function stripIds<T extends { sellerId: string; orderId: string }>(input: T): Omit<T, 'sellerId' | 'orderId'> {
  const { sellerId: _s, orderId: _o, ...rest } = input;
  return rest;
}
