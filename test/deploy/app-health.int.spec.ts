import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSigningKeyPair } from '@fulfil/ondc';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { buildEngine, dropSchemas, productionEnv, runToExit, startBuilt, stopEngine, type RunningEngine } from '../engine/support/engine-process';

/**
 * The compose file probes every app on `/health/ready` (and the image on `/health/live`): each
 * built app answers both, the projector and the standalone ONDC adapter and sandbox included.
 */
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

beforeAll(() => buildEngine(), 120_000);

describe('the health routes the compose file probes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-health-'));
  const env = productionEnv(databaseUrl, dataDir);
  const keys = generateSigningKeyPair();
  const running: RunningEngine[] = [];
  let sandboxPort: number;
  let adapterPort: number;

  beforeAll(async () => {
    [sandboxPort, adapterPort] = [await freePort(), await freePort()];
  });

  const start = async (script: string, ready: string, extra: NodeJS.ProcessEnv) => {
    const port = await freePort();
    running.push(await startBuilt(script, ready, { ...extra, PORT: String(port) }));
    return port;
  };
  const probes = async (port: number) => ({
    live: (await fetch(`http://127.0.0.1:${port}/health/live`)).status,
    ready: (await fetch(`http://127.0.0.1:${port}/health/ready`)).status,
  });
  const adapterEnv = (sandbox: number, adapter: number): NodeJS.ProcessEnv => ({
    ...env,
    ONDC_SUBSCRIBER_ID: 'seller-app.example.in',
    ONDC_SIGNING_PRIVATE_KEY: keys.signingPrivateKey,
    ONDC_SIGNING_PUBLIC_KEY: keys.signingPublicKey,
    ONDC_BAP_URI: `http://127.0.0.1:${adapter}/ondc`,
    ONDC_REGISTRY_URL: `http://127.0.0.1:${sandbox}/registry`,
    ONDC_BILLING_NAME: 'Kaveri Traders',
    ONDC_BILLING_GSTIN: '29ABCDE1234F1Z5',
    ONDC_BILLING_PHONE: '9876543210',
    ONDC_BILLING_EMAIL: 'accounts@kaveri.example.in',
    ONDC_BILLING_ADDRESS: '12 MG Road',
    ONDC_BILLING_CITY: 'Bengaluru',
    ONDC_BILLING_STATE: 'Karnataka',
    ONDC_BILLING_PINCODE: '560001',
  });

  afterAll(async () => {
    for (const app of running) if (app.child.exitCode === null) await stopEngine(app);
    rmSync(dataDir, { recursive: true, force: true });
    await dropSchemas(databaseUrl, [env.DATABASE_SCHEMA, env.READ_MODELS_SCHEMA]);
  });

  it('the projector answers live and ready on its port once its projections run', async () => {
    const port = await start('apps/projector/src/main.js', 'Projector running', env);
    expect(await probes(port)).toEqual({ live: 200, ready: 200 });
  }, 90_000);

  it('the standalone sandbox answers live and ready', async () => {
    const sandbox = { ENGINE_SUBSCRIBER_ID: 'seller-app.example.in', ENGINE_SIGNING_PUBLIC_KEY: keys.signingPublicKey, ENGINE_BAP_URI: `http://127.0.0.1:${adapterPort}/ondc` };
    running.push(await startBuilt('apps/ondc-sandbox/src/main.js', 'ONDC sandbox ready', { ...sandbox, PORT: String(sandboxPort) }));
    expect(await probes(sandboxPort)).toEqual({ live: 200, ready: 200 });
  }, 90_000);

  it('the standalone ONDC adapter answers live and ready over the shared store', async () => {
    running.push(await startBuilt('apps/ondc-logistics-adapter/src/main.js', 'ONDC logistics adapter ready', { ...adapterEnv(sandboxPort, adapterPort), PORT: String(adapterPort) }));
    expect(await probes(adapterPort)).toEqual({ live: 200, ready: 200 });
  }, 90_000);

  it('the ONDC adapter without its signing key refuses to start, naming the variable, without a stack trace', () => {
    const { ONDC_SIGNING_PRIVATE_KEY: _key, ONDC_SIGNING_PUBLIC_KEY: _public, ...withoutKey } = adapterEnv(1, 2);
    const result = runToExit('apps/ondc-logistics-adapter/src/main.js', [], { ...withoutKey, PORT: '0', METRICS_TOKEN: randomBytes(18).toString('hex') });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid ONDC configuration:',
      expect.stringMatching(/^ {2}ONDC_SIGNING_PRIVATE_KEY is required outside the embedded default/),
    ]);
  });

  it('the projector and the ONDC adapter wait for an unreachable PostgreSQL, one line per attempt, live but not ready meanwhile', async () => {
    const nowhere = Object.assign(new URL(databaseUrl), { port: String(await freePort()) }).toString();
    for (const [script, name, extra] of [
      ['apps/projector/src/main.js', 'Projector', {}],
      ['apps/ondc-logistics-adapter/src/main.js', 'ONDC logistics adapter', adapterEnv(sandboxPort, adapterPort)],
    ] as const) {
      const port = await freePort();
      const child = spawn(process.execPath, [resolve(__dirname, '../../dist', script)], {
        env: { PATH: process.env['PATH'], ...extra, ...env, DATABASE_URL: nowhere, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await until(`${name} logging two attempts`, () => /attempt 2:/.test(output), 30_000);
        expect(output).toMatch(new RegExp(`^${name}: waiting for PostgreSQL \\(event store\\) \\(attempt 1: .+\\); trying again in \\d+ ms$`, 'm'));
        expect(await probes(port)).toEqual({ live: 200, ready: 503 });
        expect(child.exitCode).toBeNull();
      } finally {
        child.kill('SIGKILL');
      }
    }
  }, 90_000);
});
