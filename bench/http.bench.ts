import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiRootModule, createHttpApp } from '@fulfil/fulfillment-api';
import type { EventStoreConfig } from '@fulfil/platform';
import type { ReadModelsDatabaseConfig } from '@fulfil/read-models';
import type { BenchResult, BenchSection } from './bench-result';
import { load } from './load-generator';
import { SqlStatementCounter } from './sql-statement-counter';

const ORDER = {
  salesChannel: 'bench',
  items: [{ sku: 'SKU', name: 'Saree', hsnCode: '5007', quantity: 1, unitPricePaise: 100000, taxRatePercent: 5 }],
  buyer: { name: 'Asha', phone: '9123456780' },
  deliveryAddress: { name: 'Asha', phone: '9123456780', line1: '4B Lotus Residency', city: 'Pune', stateCode: '27', pincode: '411045' },
  paymentMethod: 'prepaid',
};

interface ProjectionHealth {
  kind: 'projection' | 'reaction';
  position: string;
  lagSeconds: number;
}

interface ReadyReport {
  info?: { eventStore?: { headPosition?: string }; projections?: Record<string, ProjectionHealth | string> };
  error?: { projections?: Record<string, ProjectionHealth | string> };
}

/** Every projection's position and lag, as `/health/ready` reports them (ready or not). */
async function projectionsOf(url: string): Promise<{ head: bigint; projections: ProjectionHealth[] }> {
  const report = (await (await fetch(`${url}/health/ready`)).json()) as ReadyReport;
  const entries = { ...report.info?.projections, ...report.error?.projections };
  const projections = Object.values(entries).filter((p): p is ProjectionHealth => typeof p === 'object' && p !== null && 'position' in p);
  return { head: BigInt(report.info?.eventStore?.headPosition ?? '0'), projections };
}

const maxLagMs = (entries: ProjectionHealth[], kind: ProjectionHealth['kind']): number => Math.max(0, ...entries.filter((p) => p.kind === kind).map((p) => p.lagSeconds * 1000));

/**
 * Samples the lag every 100 ms while `work` runs: the read models' (what a reader would see) and,
 * apart, the reactions' (how late a WhatsApp message or an automatic step comes).
 */
async function sampledLag<T>(url: string, work: () => Promise<T>): Promise<{ result: T; projectionLagMs: number[]; reactionLagMs: number[] }> {
  const projectionLagMs: number[] = [];
  const reactionLagMs: number[] = [];
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { projections } = await projectionsOf(url);
      projectionLagMs.push(maxLagMs(projections, 'projection'));
      reactionLagMs.push(maxLagMs(projections, 'reaction'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await work(), projectionLagMs, reactionLagMs };
  } finally {
    running = false;
    await sampler;
  }
}

/** Milliseconds until every projection, then every reaction too, has applied everything up to the store's head. */
async function catchUpMs(url: string): Promise<{ projections: number; reactions: number }> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const { head } = await projectionsOf(url);
  let projectionsMs: number | undefined;
  for (;;) {
    const { projections } = await projectionsOf(url);
    const done = (kind: ProjectionHealth['kind']) => projections.some((p) => p.kind === kind) && projections.every((p) => p.kind !== kind || BigInt(p.position) >= head);
    if (projectionsMs === undefined && done('projection')) projectionsMs = elapsed();
    if (projectionsMs !== undefined && done('reaction')) return { projections: projectionsMs, reactions: elapsed() };
    if (elapsed() > 120_000) throw new Error('The subscribers did not catch up within 120 s of the load');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const p99 = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
};

/**
 * Requests per second and p99 latency through the whole HTTP stack (auth, validation, command
 * bus, store) for a command route and a query route, beside a bare health route in the same run.
 * The read models live where production keeps them: beside a PostgreSQL store on the same
 * server, under the data directory with the embedded store. The command load's projection lag is
 * sampled throughout, and the figures count only once the projections have caught up.
 */
export async function runHttpBench(opts: { seconds: number; connections: number; stores: Array<[string, EventStoreConfig]> }): Promise<BenchSection> {
  const results: BenchResult[] = [];
  const figures: BenchSection['figures'] = {};
  const statements = SqlStatementCounter.install();
  for (const [label, eventStore] of opts.stores) {
    const key = eventStore.kind === 'postgres' ? 'postgres' : 'embedded';
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
    const platformApiKey = randomBytes(24).toString('hex');
    const readModels: ReadModelsDatabaseConfig =
      eventStore.kind === 'postgres'
        ? { kind: 'postgres', databaseUrl: eventStore.databaseUrl, schema: `bench_rm_${randomBytes(4).toString('hex')}` }
        : { kind: 'embedded', dataDir: join(dataDir, 'read-models') };
    const app = await createHttpApp(
      ApiRootModule.forConfig({ port: 0, dataDir, eventStore, deliveryOtpSecret: randomBytes(32), platformApiKey, readModels, uploadsDir: join(dataDir, 'uploads'), logLevel: 'silent' }),
    );
    try {
      await app.listen(0, '127.0.0.1');
      const url = await app.getUrl();
      const seller = await fetch(`${url}/v1/sellers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platformApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          profile: { legalName: 'Bench Traders', gstin: '29ABCDE1234F1ZW', stateCode: '29', pickupAddress: { ...ORDER.deliveryAddress, stateCode: '29', city: 'Bengaluru', pincode: '560001' } },
        }),
      }).then((r) => r.json() as Promise<{ apiKey: string }>);
      const auth = { authorization: `Bearer ${seller.apiKey}`, 'content-type': 'application/json' };
      const created = await fetch(`${url}/v1/orders`, { method: 'POST', headers: auth, body: JSON.stringify(ORDER) }).then((r) => r.json() as Promise<{ orderId: string }>);
      await catchUpMs(url);
      const common = { url, connections: opts.connections, duration: opts.seconds };
      const health = await load({ options: { ...common, url: `${url}/health/live` } });
      statements.take();
      const { result: command, projectionLagMs, reactionLagMs } = await sampledLag(url, () =>
        load({ options: { ...common, method: 'POST', headers: auth }, newOrders: { path: '/v1/orders', body: ORDER } }),
      );
      const caughtUp = await catchUpMs(url);
      const accepted = command.requests.total - command.non2xx;
      // Counted from the start of the order load to the catch-up: everything the accepted orders cost, all subscribers included.
      const statementsPerOrder = statements.take() / Math.max(accepted, 1);
      const query = await load({ options: { ...common, url: `${url}/v1/orders/${created.orderId}`, headers: auth } });
      const baseline = { name: 'GET /health/live', value: health.requests.average };
      const lagP99 = p99(projectionLagMs);
      const sustained = (command.requests.total / (opts.seconds * 1000 + caughtUp.projections)) * 1000;
      results.push(
        {
          name: `${label}: POST /v1/orders (command)`,
          unit: 'req/s',
          value: command.requests.average,
          baseline,
          notes: `p99 ${command.latency.p99} ms, non-2xx ${command.non2xx}; projection lag p99 ${Math.round(lagP99)} ms (${projectionLagMs.length} samples), caught up ${Math.round(caughtUp.projections)} ms after; reactions' lag p99 ${Math.round(p99(reactionLagMs))} ms, caught up ${Math.round(caughtUp.reactions)} ms after; ${Math.round(sustained)} orders/s including the projections' catch-up`,
        },
        { name: `${label}: GET /v1/orders/{id} (query)`, unit: 'req/s', value: query.requests.average, baseline, notes: `p99 ${query.latency.p99} ms, non-2xx ${query.non2xx}` },
        { name: `${label}: POST /v1/orders p99 latency`, unit: 'ms', value: command.latency.p99 },
        ...(key === 'postgres' ? [{ name: `${label}: SQL statements per received order`, unit: 'statements', value: statementsPerOrder, notes: `${accepted} orders, every subscriber caught up` }] : []),
        { name: `${label}: GET /v1/orders/{id} p99 latency`, unit: 'ms', value: query.latency.p99 },
      );
      Object.assign(figures, {
        [`http.${key}.post_orders_req_s`]: command.requests.average,
        [`http.${key}.post_orders_over_health`]: command.requests.average / health.requests.average,
        [`http.${key}.post_orders_p99_ms`]: command.latency.p99,
        [`http.${key}.projection_lag_p99_ms`]: lagP99,
        [`http.${key}.catch_up_ms`]: caughtUp.projections,
        [`http.${key}.reaction_lag_p99_ms`]: p99(reactionLagMs),
        [`http.${key}.reactions_catch_up_ms`]: caughtUp.reactions,
        [`http.${key}.get_order_over_health`]: query.requests.average / health.requests.average,
        [`http.${key}.health_req_s`]: health.requests.average,
        // Only the PostgreSQL store and read models speak through the pg client; PGlite runs in-process.
        ...(key === 'postgres' ? { 'pipeline.sql_statements_per_order': statementsPerOrder } : {}),
      });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { results, figures };
}
