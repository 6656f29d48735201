import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import { OndcTransactionLog } from '@fulfil/ondc';
import { openReadModelsDatabase } from '@fulfil/read-models';
import { orderInput, sellerProfile } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { buildEngine, dropSchemas, productionEnv, runToExit, startBuilt, startEngine, stopEngine, type RunningEngine } from './support/engine-process';

const API = 'apps/fulfillment-api/src/main.js';
const API_READY = 'Fulfilment API listening';

beforeAll(() => buildEngine(), 120_000);

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the production shape fails closed at start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-closed-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // Configuration is refused before any database is opened, so no server need be there.
  const base = (): NodeJS.ProcessEnv => ({ ...productionEnv('postgres://postgres@127.0.0.1:1/nowhere', dataDir), PORT: '0', METRICS_TOKEN: randomBytes(18).toString('hex') });
  const refusal = (env: NodeJS.ProcessEnv) => {
    const result = runToExit(API, [], env);
    return { status: result.status, lines: result.stderr.trim().split('\n') };
  };

  it('refuses to start without WhatsApp credentials, in one line, unless the sandbox is chosen by name', () => {
    expect(refusal(base())).toEqual({
      status: 1,
      lines: ['Invalid configuration: WHATSAPP_ACCESS_TOKEN is required outside the embedded default: set the Cloud API credentials, or WHATSAPP_MODE=sandbox for the local sandbox sink'],
    });
    expect(refusal({ ...base(), WHATSAPP_MODE: 'cloud' })).toEqual({ status: 1, lines: ['Invalid configuration: WHATSAPP_ACCESS_TOKEN is required when WHATSAPP_MODE=cloud'] });
    expect(refusal({ ...base(), WHATSAPP_MODE: 'cloud', WHATSAPP_ACCESS_TOKEN: 'token' })).toEqual({
      status: 1,
      lines: ['Invalid configuration: WHATSAPP_PHONE_NUMBER_ID is required when WHATSAPP_ACCESS_TOKEN is set'],
    });
  });

  it('refuses a WHATSAPP_MODE other than cloud or sandbox', () => {
    expect(refusal({ ...base(), WHATSAPP_MODE: 'test' })).toEqual({ status: 1, lines: ['Invalid configuration: WHATSAPP_MODE must be one of cloud, sandbox (got "test")'] });
  });

  it('refuses to serve /metrics open on the API port', () => {
    const { METRICS_TOKEN: _none, ...env } = base();
    expect(refusal({ ...env, WHATSAPP_MODE: 'sandbox' })).toEqual({
      status: 1,
      lines: ['Invalid configuration: METRICS_TOKEN or METRICS_PORT is required outside the embedded default (/metrics must not be open on the API port)'],
    });
  });
});

describe('the embedded engine as the image runs it (NODE_ENV=production)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-image-'));
  let engine: RunningEngine | undefined;
  afterAll(async () => {
    if (engine && engine.child.exitCode === null) await stopEngine(engine);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the files holding its generated keys instead of printing them', async () => {
    engine = await startEngine(dataDir, await freePort(), { NODE_ENV: 'production' });
    const { platformApiKey } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { platformApiKey: string };
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    expect(engine.output()).toContain(`platform key  kept in ${join(dataDir, 'secrets.json')}`);
    expect(engine.output()).toContain(`API key kept in ${join(dataDir, 'demo-seller.json')}`);
    expect(engine.output()).not.toContain(platformApiKey);
    expect(engine.output()).not.toContain(apiKey);
  }, 90_000);
});

const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  describe('the production shape with WHATSAPP_MODE=sandbox', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-prod-'));
    const env = { ...productionEnv(databaseUrl, dataDir), WHATSAPP_MODE: 'sandbox', METRICS_TOKEN: `mt_${randomBytes(18).toString('hex')}` };
    let port: number;
    let api: RunningEngine;
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    const call = async (method: string, path: string, key: string, body?: object) => {
      const response = await fetch(url(path), {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      port = await freePort();
      api = await startBuilt(API, API_READY, { ...env, PORT: String(port) });
    }, 90_000);
    afterAll(async () => {
      if (api && api.child.exitCode === null) await stopEngine(api);
      rmSync(dataDir, { recursive: true, force: true });
      await dropSchemas(databaseUrl, [env.DATABASE_SCHEMA, env.READ_MODELS_SCHEMA]);
    });

    it('serves /metrics only with the token', async () => {
      const open = await fetch(url('/metrics'));
      expect(open.status).toBe(401);
      expect(open.headers.get('content-type')).toContain('application/problem+json');
      expect(((await open.json()) as { code: string }).code).toBe('METRICS_TOKEN_REQUIRED');
      expect((await fetch(url('/metrics'), { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
      const scraped = await fetch(url('/metrics'), { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('# TYPE');
    });

    it('serves the ONDC transaction log the adapter keeps beside the read models, to the platform key only, with the adapter in another process', async () => {
      // What an adapter running apart writes: its log in the read-model database both processes share.
      const db = await openReadModelsDatabase({ kind: 'postgres', databaseUrl, schema: env.READ_MODELS_SCHEMA });
      const transactionId = `txn-${randomBytes(6).toString('hex')}`;
      const body = Buffer.from(JSON.stringify({ context: { action: 'search', transaction_id: transactionId, message_id: 'msg-1' }, message: {} }));
      try {
        await new OndcTransactionLog(() => ({ db, schema: env.READ_MODELS_SCHEMA })).sent({
          transactionId, direction: 'sent', action: 'search', messageId: 'msg-1', timestamp: new Date().toISOString(),
          sellerId: 'seller-1', orderId: 'order-1', shipmentId: 'shp-1', peer: 'https://gateway.example/search', body,
        });
      } finally {
        await db.close();
      }
      const path = `/v1/admin/ondc/transactions/${transactionId}/log`;
      const exported = await fetch(url(path), { headers: { authorization: `Bearer ${env.PLATFORM_API_KEY}` } });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('application/zip');
      const files = unzipSync(new Uint8Array(await exported.arrayBuffer()));
      expect(Object.values(files).some((file) => Buffer.from(file).equals(body))).toBe(true);

      const seller = await call('POST', '/v1/sellers', env.PLATFORM_API_KEY, { profile: sellerProfile(), settings: { invoicePrefix: 'INV/' } });
      expect((await fetch(url(path), { headers: { authorization: `Bearer ${seller.body['apiKey'] as string}` } })).status).toBe(401);
      expect((await fetch(url('/v1/admin/ondc/transactions/txn-nobody-knows/log'), { headers: { authorization: `Bearer ${env.PLATFORM_API_KEY}` } })).status).toBe(404);
    });

    it('keeps no plain delivery OTP on disk or in its output after a full off-network flow', async () => {
      const created = await call('POST', '/v1/sellers', env.PLATFORM_API_KEY, { profile: sellerProfile(), settings: { invoicePrefix: 'INV/' } });
      expect(created.status).toBe(201);
      const sellerKey = created.body['apiKey'] as string;
      const buyerPhone = `7${randomBytes(4).readUInt32BE() % 1_000_000_000}`.padEnd(10, '0');
      const { sellerId: _ignored, orderId: _generated, ...order } = { ...orderInput('ignored'), buyer: { name: 'Asha Kulkarni', phone: buyerPhone } };
      const received = await call('POST', '/v1/orders', sellerKey, order);
      expect(received.status).toBe(201);
      const orderId = received.body['orderId'] as string;
      expect((await call('POST', `/v1/orders/${orderId}/invoice`, sellerKey)).status).toBe(201);
      const shipment = await call('POST', `/v1/orders/${orderId}/shipments`, sellerKey, { mode: 'off-network' });
      const shipmentId = shipment.body['shipmentId'] as string;
      expect((await call('POST', `/v1/orders/${orderId}/shipments/${shipmentId}/ship`, sellerKey, { courierName: 'DTDC', trackingNumber: 'D123456' })).status).toBe(200);

      // The OTP the buyer was sent, as the server derives it.
      const otp = new DeliveryOtpGenerator(Buffer.from(env.DELIVERY_OTP_SECRET, 'hex')).otpFor({ sellerId: created.body['sellerId'] as string, orderId, shipmentId, sequence: 1 });
      type Sent = { type: string; message: { bodyParameters?: string[] } };
      let sent: Sent | undefined;
      await until('the buyer OTP in the sandbox outbox', async () => {
        const outbox = await call('GET', `/v1/admin/outbox?recipient=91${buyerPhone}`, env.PLATFORM_API_KEY);
        sent = (outbox.body['messages'] as Sent[]).find((m) => m.type === 'template');
        return sent !== undefined;
      });
      expect(sent!.message.bodyParameters).toEqual(['••••••', orderId]);

      const verified = await call('POST', `/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, sellerKey, { otp });
      expect(verified).toMatchObject({ status: 200, body: { shipmentStatus: 'delivered' } });

      const files = filesUnder(dataDir);
      expect(files.some((file) => file.endsWith('outbox.jsonl'))).toBe(true);
      expect(files.filter((file) => readFileSync(file).includes(otp))).toEqual([]);
      // Nor any secret in what the process printed (its logs).
      for (const secret of [otp, env.PLATFORM_API_KEY, env.METRICS_TOKEN, env.DELIVERY_OTP_SECRET, sellerKey]) expect(api.output()).not.toContain(secret);
    }, 90_000);
  });

  describe('the production shape with METRICS_PORT', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-metrics-'));
    const env = { ...productionEnv(databaseUrl, dataDir), WHATSAPP_MODE: 'sandbox' };
    let api: RunningEngine;
    afterAll(async () => {
      if (api && api.child.exitCode === null) await stopEngine(api);
      rmSync(dataDir, { recursive: true, force: true });
      await dropSchemas(databaseUrl, [env.DATABASE_SCHEMA, env.READ_MODELS_SCHEMA]);
    });

    it('serves /metrics on its own port, not on the API port', async () => {
      const [port, metricsPort] = [await freePort(), await freePort()];
      api = await startBuilt(API, API_READY, { ...env, PORT: String(port), METRICS_PORT: String(metricsPort) });
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('http_request');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/seller`)).status).toBe(404);
      expect(await stopEngine(api)).toBe(0);
    }, 90_000);
  });
}
