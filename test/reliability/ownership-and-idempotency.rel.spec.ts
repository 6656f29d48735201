/**
 * The built engine's answers to the failures issue 16 found: a kill during the very first boot, a
 * second process on one data directory, a seller whose answer was lost, concurrent requests under
 * one Idempotency-Key, and another seller re-sending a key.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sellerProfile } from '../support/fixtures';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { budget } from './support/budget';
import { call, orderBody, registerSeller, SellerApi } from './support/http-client';
import { embeddedStore, postgresStore, type EngineStore } from './support/stores';

const suite = 'ownership and idempotency';

describe('a first boot killed at any moment, and a second process on the same data directory (embedded PGlite)', () => {
  let store: EngineStore;
  let engine: EngineProcess;

  beforeAll(() => {
    store = embeddedStore();
    // No secrets from the environment: the first boot generates them and registers the demo seller, as `npm start` does.
    engine = new EngineProcess({ dataDir: store.dataDir, deliveryOtpSecret: '', platformApiKey: '' });
  });
  afterAll(async () => {
    await engine.kill();
    await store.dispose();
  });

  it('starts after SIGKILLs at every stage of its first boots, with a demo seller whose key works', async () => {
    const kills = budget().bootKillDelaysMs;
    for (const afterMs of kills) await engine.bootAndKill(afterMs);
    await engine.start();
    const demo = JSON.parse(readFileSync(join(store.dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    expect((await call(engine.baseUrl, 'GET', '/v1/seller', undefined, { key: demo.apiKey })).status).toBe(200);
    recordFigure(suite, 'SIGKILLs during first boots survived', kills.length);
  });

  it('refuses a second engine on the same data directory with one line naming it and the owner, and the first keeps serving', async () => {
    expect(engine.running).toBe(true);
    const second = new EngineProcess({ dataDir: store.dataDir, deliveryOtpSecret: '', platformApiKey: '' });
    await expect(second.start(30_000)).rejects.toThrow(/exited during start/);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Data directory ${store.dataDir} is in use by process`)]);
    expect(existsSync(join(store.dataDir, 'owner.lock'))).toBe(true);
    expect((await call(engine.baseUrl, 'GET', '/health/ready')).status).toBe(200);
  });
});

const stores: Array<[string, () => EngineStore]> = [['embedded PGlite', embeddedStore]];
if (process.env['DATABASE_URL']) stores.push(['PostgreSQL', () => postgresStore()!]);

describe.each(stores)('idempotency and lost answers on the built engine (%s)', (_name, makeStore) => {
  let store: EngineStore;
  let engine: EngineProcess;
  let platformKey: string;

  beforeAll(async () => {
    store = makeStore();
    const secrets = newEngineSecrets();
    platformKey = secrets.platformApiKey;
    engine = new EngineProcess({ dataDir: store.dataDir, env: store.env, ...secrets });
    await engine.start();
  });
  afterAll(async () => {
    await engine.kill();
    await store.dispose();
  });

  it('recovers a seller whose answer was lost by repeating the request under its key: the same seller, with a key that works', async () => {
    const idempotencyKey = randomUUID();
    const body = { profile: sellerProfile(), settings: { invoicePrefix: 'INV/' } };
    const lost = await call(engine.baseUrl, 'POST', '/v1/sellers', body, { key: platformKey, idempotencyKey });
    expect(lost.status).toBe(201);
    const again = await call(engine.baseUrl, 'POST', '/v1/sellers', body, { key: platformKey, idempotencyKey });
    expect(again.body['sellerId']).toBe(lost.body['sellerId']);
    expect((await call(engine.baseUrl, 'GET', '/v1/seller', undefined, { key: String(again.body['apiKey']) })).status).toBe(200);
  });

  it('runs one of many concurrent requests under one key with different bodies, and answers identical ones with the first answer', async () => {
    const seller = new SellerApi(engine.baseUrl, (await registerSeller(engine.baseUrl, platformKey)).apiKey);
    const n = budget().concurrentKeyRequests;
    const differing = randomUUID();
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => call(engine.baseUrl, 'POST', '/v1/orders', { ...orderBody(), externalRef: `differing-${i}` }, { key: seller.apiKey, idempotencyKey: differing })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body['code']])).toEqual(Array(n - 1).fill([422, 'IDEMPOTENCY_KEY_REUSED']));

    const same = randomUUID();
    const body = orderBody();
    const repeats = await Promise.all(Array.from({ length: n }, () => call(engine.baseUrl, 'POST', '/v1/orders', body, { key: seller.apiKey, idempotencyKey: same })));
    expect(new Set(repeats.map((r) => `${r.status} ${r.text}`)).size).toBe(1);
    expect(repeats[0]!.status).toBe(201);
    recordFigure(suite, 'concurrent requests under one key (one executed)', 2 * n);
  });

  it("never answers one seller's key with another seller's response", async () => {
    const [a, b] = [await registerSeller(engine.baseUrl, platformKey), await registerSeller(engine.baseUrl, platformKey)];
    const key = randomUUID();
    const body = orderBody();
    const first = await call(engine.baseUrl, 'POST', '/v1/orders', body, { key: a.apiKey, idempotencyKey: key });
    const other = await call(engine.baseUrl, 'POST', '/v1/orders', body, { key: b.apiKey, idempotencyKey: key });
    expect([first.status, other.status]).toEqual([201, 201]);
    // Same order id, two sellers: each got its own order, written at its own position.
    expect(other.body['position']).not.toBe(first.body['position']);
    const own = await call(engine.baseUrl, 'GET', `/v1/orders/${String(other.body['orderId'])}/events`, undefined, { key: b.apiKey });
    expect((own.body['events'] as Array<{ type: string }>).map((e) => e.type)).toEqual(['OrderReceived']);
  });
});
