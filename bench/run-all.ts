import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventStoreConfig } from '@fulfil/platform';
import type { BenchResult, BenchSection } from './bench-result';
import { runCommandSideBench } from './command-side.bench';
import { runDocumentsBench } from './documents.bench';
import { runEsdbBench } from './esdb.bench';
import { runHttpBench } from './http.bench';
import { runOndcAdapterBench } from './ondc-adapter.bench';
import { runProjectionsBench } from './projections.bench';
import { runStoreBench } from './store.bench';
import { BenchReport, machine, markdown, writeReport } from './report';

/** Sizes are environment-tunable so CI can run a short pass and a workstation a long one. */
const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const scratch = mkdtempSync(join(tmpdir(), 'fulfilment-bench-'));
  // BENCH_STORES=postgres (or embedded) measures one store only, to profile it.
  const storeKinds = process.env['BENCH_STORES']?.split(',') ?? ['embedded', 'postgres'];
  const stores: Array<[string, EventStoreConfig]> = [];
  if (storeKinds.includes('embedded')) stores.push(['PGlite', { kind: 'embedded', dataDir: join(scratch, 'pglite') }]);
  if (process.env['DATABASE_URL'] && storeKinds.includes('postgres')) {
    stores.push(['PostgreSQL', { kind: 'postgres', databaseUrl: process.env['DATABASE_URL'], schema: `bench_${randomBytes(4).toString('hex')}` }]);
  }
  const results: BenchResult[] = [];
  const figures: BenchSection['figures'] = {};
  const section = async (name: string, run: () => Promise<BenchResult[] | BenchSection>) => {
    process.stdout.write(`… ${name}\n`);
    const outcome = await run();
    if (Array.isArray(outcome)) results.push(...outcome);
    else {
      results.push(...outcome.results);
      Object.assign(figures, outcome.figures);
    }
  };
  // BENCH_ONLY=store,http runs some sections; a full run is what a report is compared by.
  const only = process.env['BENCH_ONLY']?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  try {
    const databaseUrl = process.env['DATABASE_URL'];
    if (databaseUrl && wanted('store')) {
      await section('event store against plain SQL (PostgreSQL)', () =>
        runStoreBench({ databaseUrl, appends: size('BENCH_STORE_APPENDS', 10_000), streams: size('BENCH_STORE_STREAMS', 1000), rounds: 5, concurrency: 8 }),
      );
    }
    if (wanted('command')) await section('command side', () => runCommandSideBench({ events: size('BENCH_EVENTS', 2000), orders: size('BENCH_ORDERS', 200), stores }));
    if (wanted('http')) await section('HTTP API', () => runHttpBench({ seconds: size('BENCH_HTTP_SECONDS', 5), connections: 10, stores }));
    if (wanted('esdb')) await section('EventStoreDB adapter (against the protocol double)', () => runEsdbBench({ events: size('BENCH_EVENTS', 2000) }));
    if (wanted('documents')) await section('documents', () => runDocumentsBench({ count: size('BENCH_DOCUMENTS', 100) }));
    if (wanted('projections')) await section('projection rebuilds', () => runProjectionsBench({ events: size('BENCH_PROJECTION_EVENTS', 200_000) }));
    if (wanted('ondc')) await section('ONDC logistics adapter (against the sandbox)', () => runOndcAdapterBench({ shipments: size('BENCH_ONDC_SHIPMENTS', 40), callbacks: size('BENCH_ONDC_CALLBACKS', 1000), concurrency: 10 }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const report: BenchReport = { startedAt, machine: machine(), results, figures };
  process.stdout.write(`\n${markdown(report)}`);
  const files = writeReport(report, resolve(process.env['BENCH_RESULTS_DIR'] ?? 'bench/results'));
  process.stdout.write(`Report written to ${files.markdownFile} and ${files.jsonFile}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
