import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { EsdbEventStore, EventStoreUnavailableError, isDatabaseUnreachable, type EventStoreConfig } from '@fulfil/event-store';
import type { ReadModelsDatabaseConfig } from '@fulfil/read-models';
import { StartupError } from './data-dir-lock';

/** Something a process needs before it can serve: a probe that resolves once it answers. */
export interface Dependency {
  name: string;
  probe(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 5_000;

function postgresDependency(name: string, databaseUrl: string): Dependency {
  return {
    name,
    async probe() {
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

function esdbDependency(connectionString: string): Dependency {
  return {
    name: 'EventStoreDB',
    async probe() {
      const store = new EsdbEventStore(connectionString);
      try {
        await store.ping();
      } finally {
        await store.close().catch(() => undefined);
      }
    },
  };
}

/** The servers a process's stores live on; the embedded stores need none. One PostgreSQL URL is probed once. */
export function storeDependencies(config: { eventStore: EventStoreConfig; readModels?: ReadModelsDatabaseConfig }): Dependency[] {
  const dependencies: Dependency[] = [];
  const { eventStore, readModels } = config;
  if (eventStore.kind === 'postgres') dependencies.push(postgresDependency('PostgreSQL (event store)', eventStore.databaseUrl));
  if (eventStore.kind === 'esdb') dependencies.push(esdbDependency(eventStore.connectionString));
  if (readModels?.kind === 'postgres' && !(eventStore.kind === 'postgres' && eventStore.databaseUrl === readModels.databaseUrl)) {
    dependencies.push(postgresDependency('PostgreSQL (read models)', readModels.databaseUrl));
  }
  return dependencies;
}

/** True for a server that may answer later (down, starting, unreachable), as opposed to one refusing us for good (bad password, no such database). */
function mayAnswerLater(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === '57P03') return true; // the database system is starting up
  if (code === '28P01' || code === '28000' || code === '3D000') return false;
  return isDatabaseUnreachable(error) || error instanceof EventStoreUnavailableError || (error instanceof Error && /timeout/i.test(error.message));
}

/**
 * While a process waits for its stores its port answers: `/health/live` 200, everything else 503
 * with a problem saying what it waits for, so an orchestrator sees "alive, not ready" instead of a
 * refused connection.
 */
async function holdPort(port: number, waitingFor: () => string): Promise<Server> {
  const server = createServer((request, response) => {
    const live = request.url === '/health/live';
    response.writeHead(live ? 200 : 503, { 'content-type': live ? 'application/json' : 'application/problem+json', 'retry-after': '2' });
    response.end(
      JSON.stringify(
        live ? { status: 'ok', starting: true } : { type: 'about:blank', title: 'Starting', status: 503, detail: `Waiting for ${waitingFor()} before serving` },
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  return server;
}

async function release(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface WaitOptions {
  /** One line per attempt, and one when a dependency answers after waiting. */
  log: (line: string) => void;
  /** Where to answer "not ready" meanwhile; absent for a process without a port (the projector). */
  port?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Waits, with doubling delays, until every dependency answers. A server that refuses us for good
 * (wrong password, missing database) ends the wait with one clear line instead: waiting would not
 * change the answer.
 */
export async function waitForDependencies(app: string, dependencies: readonly Dependency[], options: WaitOptions): Promise<void> {
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let current = dependencies[0]?.name ?? '';
  let held: Server | undefined;
  try {
    for (const dependency of dependencies) {
      current = dependency.name;
      for (let attempt = 1; ; attempt++) {
        try {
          await dependency.probe();
          if (attempt > 1) options.log(`${app}: ${dependency.name} answers after ${attempt} attempts`);
          break;
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          if (!mayAnswerLater(error)) throw new StartupError(`${app} failed to start: ${dependency.name} refused the connection: ${reason}`);
          if (options.port !== undefined && !held) held = await holdPort(options.port, () => current);
          const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
          options.log(`${app}: waiting for ${dependency.name} (attempt ${attempt}: ${reason}); trying again in ${delay} ms`);
          await sleep(delay);
        }
      }
    }
  } finally {
    if (held) await release(held);
  }
}
