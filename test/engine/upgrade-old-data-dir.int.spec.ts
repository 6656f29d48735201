/**
 * A real data directory of the previous version (commit 4c6932e, before order ids were scoped to
 * sellers), written by its own `npm start` and `npm run demo`, with order "1001" added by hand:
 * test/fixtures/data-dir-0.1.0-4c6932e.tar.xz (its WhatsApp sandbox and ONDC keys left out).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderInput, sellerProfile } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { buildEngine, startEngine, stopEngine, type RunningEngine } from './support/engine-process';

const FIXTURE = join(__dirname, '../fixtures/data-dir-0.1.0-4c6932e.tar.xz');

beforeAll(() => buildEngine(), 120_000);

describe('the engine started on a data directory of the previous version', () => {
  let dataDir: string;
  let engine: RunningEngine;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-upgrade-'));
    execFileSync('tar', ['-xJf', FIXTURE, '-C', dataDir]);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    engine = await startEngine(dataDir, port, { LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await stopEngine(engine);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, key: string, body?: object) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('renames its order streams on start, serves every order it held and carries on with them; another seller may now use order "1001" too', async () => {
    // The log is asynchronous: it may land after the ready line.
    await until('the upgrade to be logged', () => engine.output().includes('Renamed 3 streams of the previous version to seller-scoped names'), 10_000);
    const demoKey = (JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string }).apiKey;
    const platformKey = (JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { platformApiKey: string }).platformApiKey;

    const listed = await call('GET', '/v1/orders?limit=10', demoKey);
    expect(listed.status).toBe(200);
    expect((listed.body['items'] as unknown[]).length).toBe(3);
    const order = await call('GET', '/v1/orders/1001', demoKey);
    expect(order).toMatchObject({ status: 200, body: { orderId: '1001', buyerName: 'Asha', status: 'received' } });
    const events = await call('GET', '/v1/orders/1001/events', demoKey);
    expect((events.body['events'] as Array<{ type: string }>).map((e) => e.type)).toEqual(['OrderReceived']);
    expect((await call('POST', '/v1/orders/1001/invoice', demoKey, {})).status).toBe(201);

    const other = await call('POST', '/v1/sellers', platformKey, { profile: sellerProfile(), settings: { invoicePrefix: 'B/' } });
    expect(other.status).toBe(201);
    const { sellerId: _ignored, ...body } = { ...orderInput(String(other.body['sellerId'])), orderId: '1001' };
    expect((await call('POST', '/v1/orders', String(other.body['apiKey']), body)).status).toBe(201);
    expect(await call('GET', '/v1/orders/1001', demoKey)).toMatchObject({ body: { buyerName: 'Asha', status: 'invoiced' } });
  });
});
