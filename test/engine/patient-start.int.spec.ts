import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { until } from '../support/until';
import { buildEngine, dropSchemas, productionEnv, runToExit } from './support/engine-process';

const API = 'apps/fulfillment-api/src/main.js';
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const server = new URL(databaseUrl);

beforeAll(() => buildEngine(), 120_000);

/** PostgreSQL "coming up later": a relay to the real server on a port nothing answers on until `open`. */
function laterDatabase(port: number) {
  let relay: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    url: Object.assign(new URL(databaseUrl), { port: String(port) }).toString(),
    open: () =>
      new Promise<void>((done) => {
        relay = createServer((client) => {
          const upstream = connect(Number(server.port || 5432), server.hostname);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on('error', () => undefined);
            socket.on('close', () => sockets.delete(socket));
          }
          client.pipe(upstream).pipe(client);
        }).listen(port, '127.0.0.1', () => done());
      }),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((done) => (relay ? relay.close(() => done()) : done()));
    },
  };
}

describe('a process whose database is not up yet', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-patient-'));
  let child: ChildProcess | undefined;
  let output = '';
  let database: ReturnType<typeof laterDatabase>;
  let env: ReturnType<typeof productionEnv>;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (env) await dropSchemas(databaseUrl, [env.DATABASE_SCHEMA, env.READ_MODELS_SCHEMA]);
  });

  it('waits with one line per attempt, answers live but not ready meanwhile, and serves once the database answers', async () => {
    const [port, databasePort] = [await freePort(), await freePort()];
    database = laterDatabase(databasePort);
    env = productionEnv(database.url, dataDir);
    child = spawn(process.execPath, [resolve(__dirname, '../../dist', API)], {
      env: { PATH: process.env['PATH'], ...env, PORT: String(port), WHATSAPP_MODE: 'sandbox', METRICS_TOKEN: randomBytes(18).toString('hex') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;

    await until('two attempts logged', () => /attempt 2:/.test(output), 30_000);
    expect(output).toMatch(/^Fulfilment API: waiting for PostgreSQL \(event store\) \(attempt 1: .+\); trying again in \d+ ms$/m);
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(await ready.json()).toMatchObject({ status: 503, detail: 'Waiting for PostgreSQL (event store) before serving' });
    expect((await fetch(url('/health/live'))).status).toBe(200);
    expect(child.exitCode).toBeNull();

    await database.open();
    await until('the API listening', () => output.includes('Fulfilment API listening'), 60_000);
    expect(output).toMatch(/Fulfilment API: PostgreSQL \(event store\) answers after \d+ attempts/);
    await until('ready', async () => (await fetch(url('/health/ready'))).status === 200, 30_000);
  }, 150_000);

  it('does not wait for a server that refuses it for good: a missing database ends the start with one line', () => {
    const missing = Object.assign(new URL(databaseUrl), { pathname: `/no_such_db_${randomBytes(4).toString('hex')}` }).toString();
    const result = runToExit(API, [], { ...productionEnv(missing, dataDir), PORT: '0', WHATSAPP_MODE: 'sandbox', METRICS_TOKEN: randomBytes(18).toString('hex') });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Fulfilment API failed to start: PostgreSQL \(event store\) refused the connection: database "no_such_db_[0-9a-f]+" does not exist$/)]);
  });
});
