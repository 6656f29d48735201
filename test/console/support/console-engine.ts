import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEngine, startEngine, stopEngine, type RunningEngine } from '../../engine/support/engine-process';
import { freePort } from '../../support/free-port';
import { bengaluruPickup, sellerProfile } from '../../support/fixtures';

/** A first start migrates two fresh PGlite databases: on a busy two-core machine that has taken over a minute. */
const START_TIMEOUT_MS = 150_000;

export interface ConsoleEngine {
  baseUrl: string;
  dataDir: string;
  platformKey: string;
  /** JSON over the public API, as any client would call it. */
  call<T = Record<string, unknown>>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }>;
  newSeller(settings?: object): Promise<{ sellerId: string; apiKey: string }>;
  /** Stops the engine, runs `meanwhile` (the data directory is free then), and starts it again on the same port. */
  restart(meanwhile: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `npm start`'s engine: built (console included), on an ephemeral port and a fresh embedded data
 * directory, hosting its own ONDC sandbox network. Partners step quickly so on-network orders finish
 * within a test.
 */
export async function startConsoleEngine(extraEnv: NodeJS.ProcessEnv = {}): Promise<ConsoleEngine> {
  buildEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-console-'));
  const port = await freePort();
  const env = { SANDBOX_STEP_MS: '200', ...extraEnv };
  let engine: RunningEngine = await startEngine(dataDir, port, env, START_TIMEOUT_MS);
  const baseUrl = `http://127.0.0.1:${port}`;
  const platformKey = (JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { platformApiKey: string }).platformApiKey;
  const call: ConsoleEngine['call'] = async (method, path, key, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as never };
  };
  return {
    baseUrl,
    dataDir,
    platformKey,
    call,
    async newSeller(settings = {}) {
      const { status, body } = await call<{ sellerId: string; apiKey: string }>('POST', '/v1/sellers', platformKey, { profile: { ...sellerProfile(), pickupAddress: { ...bengaluruPickup, gps: { lat: 12.9756, lng: 77.6066 } } }, settings: { invoicePrefix: 'CON/', ...settings } });
      if (status !== 201) throw new Error(`seller not created: ${status} ${JSON.stringify(body)}`);
      return body;
    },
    async restart(meanwhile) {
      await stopEngine(engine);
      await meanwhile();
      engine = await startEngine(dataDir, port, env, START_TIMEOUT_MS);
    },
    async stop() {
      if (engine.child.exitCode === null) await stopEngine(engine);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An order as a storefront would send it; the buyer's phone is the test's own so its OTP can be
 * found. Both ends have GPS, which ONDC partners quote by.
 */
export function orderBody(buyerPhone = '9123456780', buyerName = 'Asha Kulkarni') {
  return {
    items: [{ sku: 'SAREE-1', name: 'Silk saree', hsnCode: '5007', quantity: 1, unitPricePaise: 450000, taxRatePercent: 5 }],
    buyer: { name: buyerName, phone: buyerPhone },
    paymentMethod: 'prepaid',
    deliveryAddress: { name: buyerName, phone: buyerPhone, line1: 'Flat 4B', city: 'Pune', stateCode: '27', pincode: '411045', gps: { lat: 18.559, lng: 73.7868 } },
    package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
  };
}
