import { DeliveryOtpGenerator } from '@fulfil/domain';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { call, HttpResult, imageForm, PROBLEM_JSON, registerSeller, SellerApi } from './support/http-client';
import { EngineStore, embeddedStore, postgresStore } from './support/stores';
import { openApiSurfaces, Target } from './support/surfaces';
import { verifyStoreIntegrity } from './support/workload';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
const AUTH_FAILURES_PER_MINUTE = 10;
const suite = 'security';

function expectProblem(response: HttpResult, status: number, code: string): void {
  expect({ status: response.status, type: response.contentType.split(';')[0], code: response.body['code'] }).toEqual({ status, type: PROBLEM_JSON, code });
}

/**
 * What sellers and the platform rely on against each other and against strangers: one seller
 * never reaches another's orders, OTPs cannot be guessed, secrets stay out of logs and events, and
 * uploads, bodies and failed logins are bounded.
 */
describe('security of the seller API', () => {
  let store: EngineStore;
  let engine: EngineProcess;
  let owner: SellerApi;
  let ownerId: string;
  let intruder: SellerApi;
  let platformKey: string;
  let otp: DeliveryOtpGenerator;
  /** Every OTP the engine could have issued in this run, for the "never in clear" check. */
  const otps = new Set<string>();
  const issuedKeys: string[] = [];

  beforeAll(async () => {
    store = postgresStore() ?? embeddedStore();
    const secrets = newEngineSecrets();
    platformKey = secrets.platformApiKey;
    otp = new DeliveryOtpGenerator(Buffer.from(secrets.deliveryOtpSecret, 'hex'));
    engine = new EngineProcess({ dataDir: store.dataDir, env: { ...store.env, AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE) }, ...secrets });
    await engine.start();
    const [a, b] = [await registerSeller(engine.baseUrl, platformKey), await registerSeller(engine.baseUrl, platformKey)];
    issuedKeys.push(a.apiKey, b.apiKey);
    ownerId = a.sellerId;
    owner = new SellerApi(engine.baseUrl, a.apiKey);
    intruder = new SellerApi(engine.baseUrl, b.apiKey);
  });

  afterAll(async () => {
    await engine.kill();
    await store.dispose();
  });

  /** An off-network shipment marked shipped: every order and shipment route has something to act on. */
  async function shipped(): Promise<Target> {
    const target = await owner.packedOrder('off-network');
    await owner.expect(200, owner.post(`/v1/orders/${target.orderId}/shipments/${target.shipmentId}/ship`, { courierName: 'DTDC', trackingNumber: 'DT123456' }));
    for (const sequence of [1, 2, 3]) otps.add(otp.otpFor({ sellerId: ownerId, ...target, sequence }));
    return target;
  }

  it("answers another seller's order as not found on every order route, and changes nothing", async () => {
    const target = await shipped();
    const before = await owner.eventTypes(target.orderId);
    const routes = openApiSurfaces().filter((s) => s.path.includes('{orderId}'));
    for (const route of routes) {
      const path = route.path.replace('{orderId}', target.orderId).replace('{shipmentId}', target.shipmentId).replace('{number}', 'CN-00001').replace('{sha256}', 'a'.repeat(64)).replace('{returnId}', 'ret_1');
      const body = route.valid?.(target) ?? (route.method === 'GET' ? undefined : {});
      // The upload route wants multipart before anything else: send it a real image, so the order lookup is what answers.
      const raw = path.endsWith('/package-images') ? { raw: { body: imageForm(PNG, 'parcel.png', 'image/png') } } : {};
      const response = await call(engine.baseUrl, route.method, path, body, { key: intruder.apiKey, ...raw });
      expect({ route: route.name, status: response.status, code: response.body['code'] }).toEqual({ route: route.name, status: 404, code: 'ORDER_NOT_FOUND' });
    }
    const bulk = await intruder.expect(200, intruder.post('/v1/shipments/ready-to-ship', { items: [target] }));
    expect((bulk.body['results'] as Array<Record<string, unknown>>)[0]).toMatchObject({ ok: false, status: 404, code: 'ORDER_NOT_FOUND' });
    const labels = await call(engine.baseUrl, 'GET', `/v1/labels.pdf?shipmentIds=${target.shipmentId}`, undefined, { key: intruder.apiKey });
    expectProblem(labels, 404, 'SHIPMENT_NOT_FOUND');
    // The lists read the read models: wait for them to hold the owner's order before asking.
    const position = (await owner.get(`/v1/orders/${target.orderId}/events`)).body['events'] as Array<{ position: string }>;
    const list = await intruder.expect(200, intruder.get(`/v1/orders?minPosition=${position[position.length - 1]!.position}`));
    expect(JSON.stringify(list.body)).not.toContain(target.orderId);
    const register = await intruder.expect(200, intruder.get('/v1/invoice-register?from=2020-04-01&to=2040-03-31'));
    expect(JSON.stringify(register.body)).not.toContain(target.orderId);
    expect(await owner.eventTypes(target.orderId)).toEqual(before);
    recordFigure(suite, 'order routes refusing another seller (404)', routes.length + 2);
  });

  it('locks the delivery OTP after a few wrong tries, even when they arrive all at once, until a fresh one is issued', async () => {
    const target = await shipped();
    const right = otp.otpFor({ sellerId: ownerId, ...target, sequence: 1 });
    const wrong = Array.from({ length: 20 }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));
    const verify = (code: string) => owner.post(`/v1/orders/${target.orderId}/shipments/${target.shipmentId}/delivery-otp/verify`, { otp: code });
    const answers = await Promise.all(wrong.map(verify));
    for (const answer of answers) {
      expect(answer.contentType.split(';')[0]).toBe(PROBLEM_JSON);
      // A guess that lost the race for the order's revision too often is told so; it counted as no try.
      expect(['DELIVERY_OTP_INCORRECT', 'DELIVERY_OTP_LOCKED', 'CONCURRENT_MODIFICATION']).toContain(answer.body['code']);
    }
    const rejected = (await owner.eventTypes(target.orderId)).filter((t) => t === 'DeliveryOtpRejected').length;
    // Concurrent guesses are serialised by the order's stream revision: no more than the allowed tries are ever counted.
    expect(rejected).toBeLessThanOrEqual(5);
    expect((await verify(right)).body['code']).toBe('DELIVERY_OTP_LOCKED');
    await owner.expect(200, owner.post(`/v1/orders/${target.orderId}/shipments/${target.shipmentId}/delivery-otp/resend`));
    const delivered = await owner.expect(200, verify(otp.otpFor({ sellerId: ownerId, ...target, sequence: 2 })));
    expect(delivered.body['orderStatus']).toBe('delivered');
    recordFigure(suite, 'OTP guesses refused by the lock', answers.length);
  });

  it('sniffs uploads by content and bounds their size', async () => {
    const target = await owner.packedOrder('off-network');
    await owner.expect(200, owner.post(`/v1/orders/${target.orderId}/shipments/${target.shipmentId}/ready-to-ship`));
    const upload = (content: Buffer, filename: string, type: string) =>
      call(engine.baseUrl, 'POST', `/v1/orders/${target.orderId}/shipments/${target.shipmentId}/package-images`, undefined, {
        key: owner.apiKey,
        raw: { body: imageForm(content, filename, type) },
      });
    const before = await owner.eventTypes(target.orderId);
    const refusals: Array<[string, Promise<HttpResult>, number, string]> = [
      ['a PDF named .png', upload(Buffer.from('%PDF-1.4 not an image'), 'parcel.png', 'image/png'), 415, 'NOT_AN_IMAGE'],
      ['an SVG with a script', upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'parcel.svg', 'image/svg+xml'), 415, 'NOT_AN_IMAGE'],
      ['HTML posing as JPEG', upload(Buffer.from('<html><body onload="alert(1)"></body></html>'), 'parcel.jpg', 'image/jpeg'), 415, 'NOT_AN_IMAGE'],
      // Several at once: the parser's size limit once raced the end of the stream and let a cut file through.
      ...[1, 2, 3, 4].map((n): [string, Promise<HttpResult>, number, string] => [
        `image ${n} over 5 MB`,
        upload(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + n * 100_000)]), 'huge.png', 'image/png'),
        413,
        'PAYLOAD_TOO_LARGE',
      ]),
    ];
    for (const [, pending, status, code] of refusals) expectProblem(await pending, status, code);
    expect(await owner.eventTypes(target.orderId)).toEqual(before);
    // The declared type is not trusted either way: a real PNG sent as JPEG is stored as what it is.
    const accepted = await upload(PNG, 'parcel.jpg', 'image/jpeg');
    expect(accepted.status).toBe(201);
    expect(accepted.body['image']).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
    const shipForm = new FormData();
    shipForm.append('courierName', 'DTDC');
    shipForm.append('trackingNumber', 'DT99999');
    shipForm.append('images', new Blob([new Uint8Array(Buffer.from('%PDF-1.4'))], { type: 'image/png' }), 'photo.png');
    const shipImages = await call(engine.baseUrl, 'POST', `/v1/orders/${target.orderId}/shipments/${target.shipmentId}/ship`, undefined, {
      key: owner.apiKey,
      raw: { body: shipForm },
    });
    expectProblem(shipImages, 415, 'NOT_AN_IMAGE');
    recordFigure(suite, 'hostile uploads refused', refusals.length + 1);
  });

  it('refuses a JSON body over 1 MB before reading it, and writes nothing', async () => {
    const target = await owner.packedOrder('off-network');
    const before = await owner.eventTypes(target.orderId);
    const response = await owner.post(`/v1/orders/${target.orderId}/cancel`, { reason: 'x'.repeat(1_100_000) }).catch(() => undefined);
    // Refused on its Content-Length: the client sees the 413, or only the connection closing mid-upload.
    if (response) expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(await owner.eventTypes(target.orderId)).toEqual(before);
  });

  it('stops an address that keeps failing from trying those keys again, says when to retry, and still lets a valid key in', async () => {
    const forged = `fes_${'x'.repeat(8)}.abcdef0123456789.${'y'.repeat(43)}`;
    for (let attempt = 0; attempt < AUTH_FAILURES_PER_MINUTE; attempt++) {
      expectProblem(await call(engine.baseUrl, 'GET', '/v1/seller', undefined, { key: forged }), 401, 'UNAUTHORIZED');
    }
    const limited = await fetch(`${engine.baseUrl}/v1/seller`, { headers: { authorization: `Bearer ${forged}` } });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Someone else's failures from the same address do not lock the owner out.
    expect((await owner.get('/v1/seller')).status).toBe(200);
    // Guessing the owner's secret from the locked address gets one answer, then none, and that key waits out the window here.
    const [prefix] = owner.apiKey.split(/\.(?=[^.]*$)/);
    const guessed = `${prefix}.${'z'.repeat(43)}`;
    expectProblem(await call(engine.baseUrl, 'GET', '/v1/seller', undefined, { key: guessed }), 401, 'UNAUTHORIZED');
    expectProblem(await call(engine.baseUrl, 'GET', '/v1/seller', undefined, { key: guessed }), 429, 'TOO_MANY_AUTH_FAILURES');
    expectProblem(await owner.get('/v1/seller'), 429, 'TOO_MANY_AUTH_FAILURES');
    // Health stays public: probes are not locked out with the address.
    expect((await call(engine.baseUrl, 'GET', '/health/live')).status).toBe(200);
    recordFigure(suite, 'failed logins allowed per address and minute', AUTH_FAILURES_PER_MINUTE);
  });

  it('never writes an API key or a delivery OTP in clear, in logs or in events', async () => {
    await engine.terminate();
    const secrets = [platformKey, ...issuedKeys, ...issuedKeys.map((key) => key.slice(key.lastIndexOf('.') + 1))];
    // An OTP is six digits: looked for as a JSON string or after "otp", so an amount in paise that happens to match is not mistaken for one.
    const otpPatterns = [...otps].map((code) => new RegExp(`"${code}"|otp\\W{0,3}${code}`, 'i'));
    const logs = engine.output.join('');
    expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
    expect(otpPatterns.filter((pattern) => pattern.test(logs)).map(String)).toEqual([]);
    const events = await store.openEventStore();
    try {
      const all = JSON.stringify(await events.readAll({ maxCount: 100_000 }), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      expect(secrets.filter((secret) => all.includes(secret))).toEqual([]);
      expect(otpPatterns.filter((pattern) => pattern.test(all)).map(String)).toEqual([]);
      expect((await verifyStoreIntegrity(events)).problems).toEqual([]);
    } finally {
      await events.close();
    }
    recordFigure(suite, 'secrets looked for in logs and events (found: 0)', secrets.length + otps.size);
  });
});
