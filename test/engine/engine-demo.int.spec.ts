import { createServer, type IncomingMessage } from 'node:http';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, type DemoResult } from '../../apps/engine/src/demo';
import { freePort } from '../support/free-port';
import { buildEngine, runEngineToExit, runToExit, startEngine, stopEngine, type RunningEngine } from './support/engine-process';

// One build for both suites: two builds at once would write the same dist/ under each other's feet.
beforeAll(() => buildEngine(), 120_000);

describe('npm start: the all-in-one engine as a newcomer meets it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-engine-'));
  let port: number;
  let engine: RunningEngine;
  let demo: DemoResult;
  const log: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    engine = await startEngine(dataDir, port);
  }, 120_000);

  afterAll(async () => {
    if (engine.child.exitCode === null) await stopEngine(engine);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the demo seller, its key, the platform key and the URLs on first start', () => {
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    expect(engine.output()).toContain(`API key ${apiKey}`);
    for (const path of ['/v1', '/docs', '/health/ready', '/metrics']) expect(engine.output()).toContain(`http://localhost:${port}${path}`);
  });

  it('takes an off-network and an on-network order to delivered through HTTP alone (npm run demo)', async () => {
    const credentials = (file: string) => JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as Record<string, string>;
    demo = await runDemo({
      baseUrl: `http://127.0.0.1:${port}`,
      sellerApiKey: credentials('demo-seller.json')['apiKey']!,
      platformApiKey: credentials('secrets.json')['platformApiKey']!,
      deliveryTimeoutMs: 90_000,
      log: (line) => log.push(line),
    });
    expect(log.join('\n')).toContain('Both orders delivered');
  }, 150_000);

  it('stops cleanly on SIGTERM and keeps every order across a restart', async () => {
    expect(await stopEngine(engine)).toBe(0);
    engine = await startEngine(dataDir, port);
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    for (const orderId of [demo.offNetworkOrderId, demo.onNetworkOrderId]) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status: string }).status).toBe('delivered');
    }
  }, 90_000);

  it('projections:rebuild all, with the engine stopped, rebuilds every projection, and the orders and their messages read the same after', async () => {
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    const read = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
    const reads = () => Promise.all([demo.offNetworkOrderId, demo.onNetworkOrderId].flatMap((orderId) => [read(`/v1/orders/${orderId}`), read(`/v1/orders/${orderId}/whatsapp-messages`)]));
    const before = await reads();
    expect(JSON.stringify(before)).toContain('"direction"');
    expect(await stopEngine(engine)).toBe(0);

    const rebuild = runToExit('apps/projector/src/rebuild.js', ['all'], { DATA_DIR: dataDir });
    expect(rebuild.stderr).not.toMatch(/error/i);
    expect(rebuild.status).toBe(0);
    for (const name of ['orders', 'seller_dashboard', 'invoice_register', 'fulfilment_sla']) expect(rebuild.stdout).toMatch(new RegExp(`^  ${name}: [1-9][0-9]* events applied`, 'm'));

    engine = await startEngine(dataDir, port);
    expect(await reads()).toEqual(before);
  }, 120_000);
});

describe('one owner per data directory, and a first start that survives a kill at any step (ADR 0016)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-owner-'));
  let port: number;
  let engine: RunningEngine;
  const demoKey = () => (JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string }).apiKey;
  const status = async (apiKey: string) => (await fetch(`http://127.0.0.1:${port}/v1/seller`, { headers: { authorization: `Bearer ${apiKey}` } })).status;

  beforeAll(async () => {
    port = await freePort();
    engine = await startEngine(dataDir, port);
  }, 120_000);
  afterAll(async () => {
    if (engine.child.exitCode === null) await stopEngine(engine);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second engine on the directory with one line naming it and the holder, and the first keeps serving', async () => {
    const second = runEngineToExit({ DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' });
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Data directory ${dataDir} is in use by process ${engine.child.pid} (fulfilment engine`)]);
    expect(await status(demoKey())).toBe(200);
  }, 60_000);

  it('says exactly why projections:rebuild cannot run against the running engine, and changes nothing', async () => {
    const rebuild = runToExit('apps/projector/src/rebuild.js', ['all'], { DATA_DIR: dataDir });
    expect(rebuild.status).not.toBe(0);
    expect(rebuild.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^Cannot rebuild while process ${engine.child.pid} \\(fulfilment engine\\) runs on .*Stop it`))]);
    expect(await status(demoKey())).toBe(200);
  }, 60_000);

  it('starts over a stale lock, an empty PGlite pid file and a demo seller registered without its key file', async () => {
    const oldKey = demoKey();
    engine.child.kill('SIGKILL');
    await engine.exited;
    // What a kill leaves at its worst: the lock of a dead process, PGlite's emptied pid file, and no demo-seller.json.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dataDir, 'owner.lock'), JSON.stringify({ pid: Number(dead), app: 'fulfilment engine', since: new Date().toISOString() }));
    writeFileSync(join(dataDir, 'events', 'postmaster.pid'), '');
    rmSync(join(dataDir, 'demo-seller.json'));
    engine = await startEngine(dataDir, port);
    expect(existsSync(join(dataDir, 'events', 'postmaster.pid'))).toBe(true);
    expect(demoKey()).not.toBe(oldKey);
    expect(engine.output()).toContain(`API key ${demoKey()}`);
    expect(await status(demoKey())).toBe(200);
    expect(await status(oldKey)).toBe(401);
  }, 120_000);

  it('names the directory, the cause and the fix when the data directory cannot be used', () => {
    const parent = mkdtempSync(join(tmpdir(), 'fulfilment-notadir-'));
    try {
      const file = join(parent, 'data');
      writeFileSync(file, 'not a directory');
      const result = runEngineToExit({ DATA_DIR: file, PORT: '0' });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`${file}.*(ENOTDIR|EEXIST).*set DATA_DIR`))]);
      const torn = join(parent, 'torn');
      mkdirSync(torn);
      writeFileSync(join(torn, 'secrets.json'), '');
      const secrets = runEngineToExit({ DATA_DIR: torn, PORT: '0' });
      expect(secrets.status).toBe(1);
      expect(secrets.stderr.trim().split('\n')).toEqual([expect.stringMatching(/secrets\.json cannot be read as JSON .*restore it from a backup/)]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 60_000);
});

interface OtlpSpan {
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

describe('configuration checked at start', () => {
  it('stops on a bad variable with one line naming it and exit code 1', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-badconfig-'));
    try {
      const result = runEngineToExit({ DATA_DIR: dataDir, EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://db/x' });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual(['Invalid configuration: DATABASE_URL must use postgres or postgresql (got "mysql:")']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tracing, on when an OTLP endpoint is configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-traced-'));
  const exports: OtlpExport[] = [];
  let received: () => void = () => undefined;
  const collector = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      received();
    });
  });
  let engine: RunningEngine;

  afterAll(async () => {
    if (engine && engine.child.exitCode === null) await stopEngine(engine);
    collector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports a server span for each API request, named after the engine', async () => {
    await new Promise<void>((done) => collector.listen(0, '127.0.0.1', done));
    const collectorPort = (collector.address() as { port: number }).port;
    const port = await freePort();
    engine = await startEngine(dataDir, port, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}` });
    const { apiKey } = JSON.parse(readFileSync(join(dataDir, 'demo-seller.json'), 'utf8')) as { apiKey: string };
    expect((await fetch(`http://127.0.0.1:${port}/v1/seller`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);

    const spans = () => exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ span, resource: r.resource })))));
    const sellerSpan = () => spans().find(({ span }) => span.kind === 2 && span.attributes.some((a) => a.key === 'http.target' || a.key === 'url.path') && JSON.stringify(span.attributes).includes('/v1/seller'));
    const deadline = Date.now() + 20_000;
    while (!sellerSpan() && Date.now() < deadline) {
      await new Promise<void>((done) => {
        received = done;
        setTimeout(done, deadline - Date.now());
      });
    }
    const found = sellerSpan();
    expect(found).toBeDefined();
    expect(found!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'fulfilment-engine' } });
    expect(spans().some(({ span }) => JSON.stringify(span.attributes).includes('/health/'))).toBe(false);
  }, 60_000);
});
