/**
 * Read-model rebuild throughput: each projection rebuilt from position zero over a store of
 * `events` order events (a mixed workload made by the domain's deciders), on PGlite and, when
 * DATABASE_URL is set, on PostgreSQL. Every figure stands beside the rate at which the same run
 * merely reads those events back from the same store (`readAll` in pages of the rebuild's size):
 * the ratio is how close a rebuild comes to the store's own read rate.
 *
 * `node dist/bench/projections.bench.js [events]` prints the table (default 200,000 events).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createEventStore, type EventFilter, type EventStore } from '@fulfil/event-store';
import { ORDER_STREAMS, ReadModels, quoteIdent, type ReadModelsDatabaseConfig, type RunnerLogger } from '@fulfil/read-models';
import { appendOrderWorkload } from '../libs/read-models/src/testing/order-workload';
import type { BenchResult, BenchSection } from './bench-result';
import { machine, markdown } from './report';

const PAGE = 500;
const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface Backend {
  name: string;
  store: EventStore;
  database: ReadModelsDatabaseConfig;
  dispose(): Promise<void>;
}

async function pgliteBackend(): Promise<Backend> {
  const scratch = mkdtempSync(join(tmpdir(), 'projections-bench-'));
  const store = await createEventStore({ kind: 'embedded', dataDir: join(scratch, 'events') });
  return {
    name: 'PGlite',
    store,
    database: { kind: 'embedded', dataDir: join(scratch, 'read-models') },
    async dispose() {
      await store.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(databaseUrl: string): Promise<Backend> {
  const suffix = randomBytes(4).toString('hex');
  const storeSchema = `bench_es_${suffix}`;
  const readModelSchema = `bench_rm_${suffix}`;
  const store = await createEventStore({ kind: 'postgres', databaseUrl, schema: storeSchema });
  return {
    name: 'PostgreSQL',
    store,
    database: { kind: 'postgres', databaseUrl, schema: readModelSchema },
    async dispose() {
      await store.close();
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      for (const schema of [storeSchema, readModelSchema, `${readModelSchema}_analytics`]) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await client.end();
    },
  };
}

/** Events per second at which the store hands back its whole log page by page (optionally filtered on its side): the ceiling for a rebuild. */
async function readAllRate(store: EventStore, filter?: EventFilter): Promise<number> {
  const started = performance.now();
  let events = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ maxCount: PAGE, ...(filter ? { filter } : {}), ...(after !== undefined ? { after } : {}) });
    events += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.position;
  }
  return events / ((performance.now() - started) / 1000);
}

async function benchBackend(backend: Backend, events: number, figures: BenchSection['figures']): Promise<BenchResult[]> {
  const populated = performance.now();
  const workload = await appendOrderWorkload(backend.store, { sellerIds: ['seller-1', 'seller-2', 'seller-3', 'seller-4'], events, concurrentOrders: 64, commandsPerAppend: 4 });
  const populateSeconds = (performance.now() - populated) / 1000;
  const readModels = await ReadModels.open({ database: backend.database, store: backend.store, logger: quiet, tuning: { batchSize: PAGE } });
  try {
    const readAll = { name: `store.readAll.${backend.name}`, value: await readAllRate(backend.store) };
    const results: BenchResult[] = [
      {
        name: `store.readAll.order-streams-filter.${backend.name}`,
        unit: 'events/s',
        value: await readAllRate(backend.store, ORDER_STREAMS),
        baseline: readAll,
        notes: 'the same pages with the store filtering on stream prefix (rebuilds read unfiltered pages and filter in process)',
      },
      {
        name: `store.append.workload.${backend.name}`,
        unit: 'events/s',
        value: workload.events / populateSeconds,
        notes: `${workload.events} events of ${workload.orders} orders, 4 commands of an order per append (setup, for scale)`,
      },
    ];
    let separateSeconds = 0;
    for (const projection of readModels.projections) {
      const [result] = await readModels.rebuildAll([projection.name]);
      const seconds = result!.durationMs / 1000;
      separateSeconds += seconds;
      results.push({
        name: `projections.rebuild.${projection.name}.${backend.name}`,
        unit: 'events/s',
        value: workload.events / seconds,
        baseline: readAll,
        notes: `${workload.events} store events in ${seconds.toFixed(1)} s (${result!.events} applied), pages of ${PAGE}, swap included`,
      });
    }
    const together = await readModels.rebuildAll();
    const allSeconds = together[0]!.durationMs / 1000;
    const allRate = workload.events / allSeconds;
    results.push({
      name: `projections.rebuild.all.${backend.name}`,
      unit: 'events/s',
      value: allRate,
      baseline: readAll,
      notes: `all ${readModels.projections.length} projections in one pass over the store: ${allSeconds.toFixed(1)} s (one after another: ${separateSeconds.toFixed(1)} s)`,
    });
    const key = backend.name === 'PostgreSQL' ? 'postgres' : 'embedded';
    figures[`projections.rebuild_all_events_per_s.${key}`] = allRate;
    figures[`projections.rebuild_all_over_raw_read.${key}`] = allRate / readAll.value;
    return results;
  } finally {
    await readModels.close();
  }
}

export async function runProjectionsBench(opts: { events: number }): Promise<BenchSection> {
  const backends: Array<() => Promise<Backend>> = [pgliteBackend];
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) backends.push(() => postgresBackend(databaseUrl));
  const results: BenchResult[] = [];
  const figures: BenchSection['figures'] = {};
  for (const open of backends) {
    const backend = await open();
    try {
      results.push(...(await benchBackend(backend, opts.events, figures)));
    } finally {
      await backend.dispose();
    }
  }
  return { results, figures };
}

if (require.main === module) {
  const events = Number(process.argv[2] ?? process.env['BENCH_EVENTS'] ?? 200_000);
  runProjectionsBench({ events })
    .then(({ results, figures }) => process.stdout.write(markdown({ startedAt: new Date().toISOString(), machine: machine(), results, figures })))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
