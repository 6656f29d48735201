/**
 * The store's connections against a PostgreSQL server that is shut down "smart" (it waits for every
 * session to end) and started again. A private cluster is created for it (as root, with the
 * postgres user's initdb), so the shared server is never stopped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEventStore, type EventStore, type RecordedEvent } from '@fulfil/event-store';
import { until } from '../support/until';
import { recordFigure } from './support/figures';

const suite = 'PostgreSQL shutdown and restart';
const BIN = '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `runuser` arguments that run one of the server's binaries as the postgres user (initdb refuses root). */
const asPostgres = (binary: string, ...args: string[]): string[] => ['-u', 'postgres', '--', join(BIN, binary), ...args];

class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'fulfil-pg-'));
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    const cluster = new PrivateCluster(dir, await freePort());
    cluster.pg('initdb', '-D', cluster.data, '-A', 'trust', '-U', 'postgres');
    cluster.start();
    return cluster;
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.pg('pg_ctl', '-D', this.data, '-w', '-l', join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`, 'start');
  }

  /** A smart shutdown: new sessions are refused, and the server stops once the open ones have ended. Asynchronous, so the store's timers run meanwhile. */
  async stopSmart(timeoutSeconds: number): Promise<void> {
    await promisify(execFile)('runuser', asPostgres('pg_ctl', '-D', this.data, '-w', '-t', String(timeoutSeconds), '-m', 'smart', 'stop'));
  }

  destroy(): void {
    try {
      this.pg('pg_ctl', '-D', this.data, '-w', '-m', 'immediate', 'stop');
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pg(binary: string, ...args: string[]): void {
    execFileSync('runuser', asPostgres(binary, ...args), { stdio: 'pipe' });
  }
}

describe('the event store across a smart shutdown and a restart of its PostgreSQL server', () => {
  let cluster: PrivateCluster;
  let subscriber: EventStore;
  const schema = `smart_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    cluster = await PrivateCluster.create();
    subscriber = await createEventStore({ kind: 'postgres', databaseUrl: cluster.url, schema });
  });
  afterAll(async () => {
    await subscriber.close();
    cluster.destroy();
  });

  it('never holds the shutdown up, and wakes its subscribers from another process again once the server is back', async () => {
    const received: RecordedEvent[] = [];
    const subscription = subscriber.subscribe({ onEvent: async (event) => void received.push(event) });
    try {
      await subscription.caughtUp;
      await subscriber.append('before-shutdown', [{ type: 'Noted', data: {} }], { expectedRevision: 'no_stream' });

      // The store stays open: its pool and its LISTEN connection must end their sessions by themselves.
      const started = Date.now();
      await cluster.stopSmart(150);
      const shutdownMs = Date.now() - started;
      expect(shutdownMs).toBeLessThan(150_000);

      cluster.start();
      const writer = await createEventStore({ kind: 'postgres', databaseUrl: cluster.url, schema });
      try {
        const { position } = await writer.append('after-restart', [{ type: 'Noted', data: {} }], { expectedRevision: 'no_stream' });
        await until('the subscriber to see the other process\'s append', () => received.some((e) => e.position === position), 30_000);
        // Its own appends work again too.
        await subscriber.append('after-restart-own', [{ type: 'Noted', data: {} }], { expectedRevision: 'no_stream' });
      } finally {
        await writer.close();
      }
      recordFigure(suite, 'smart shutdown completed with the store open (s)', Math.round(shutdownMs / 1000));
    } finally {
      await subscription.stop();
    }
  });
});
