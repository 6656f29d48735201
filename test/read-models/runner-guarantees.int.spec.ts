/**
 * What the subscription runner promises whatever the store and database: a replay changes nothing,
 * a rebuild gives the live tables row for row, a crash between write and checkpoint counts nothing
 * twice, and a poison event stops the projection where everyone can see it.
 */
import { activeOrderStatus, orderStream, type ActiveOrder } from '@fulfil/domain';
import type { Position, RecordedEvent } from '@fulfil/event-store';
import {
  CheckpointStore,
  ReadModels,
  qualifiedName,
  sellerDashboardProjection,
  type ReadModelsOptions,
  type RunnerLogger,
  type SqlProjection,
  type SubscriptionRunner,
} from '@fulfil/read-models';
import { SCENARIOS, appendIssueWorkload, appendOrderWorkload } from '../../libs/read-models/src/testing/order-workload';
import { environments, runnerReaches, tableRows, type ReadModelEnvironment } from './support/read-model-environments';

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const SELLERS = ['seller-a', 'seller-b', 'seller-c'];

describe.each(environments({ esdbDouble: true }))('subscription runner on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  const opened: ReadModels[] = [];

  async function open(options: Partial<ReadModelsOptions> = {}): Promise<ReadModels> {
    const readModels = await ReadModels.open({ database: env.database, store: env.store, logger: quiet, tuning: { batchSize: 64, retryDelayMs: 5, rebuildChunkEvents: 256 }, ...options });
    opened.push(readModels);
    return readModels;
  }

  async function closeAll(): Promise<void> {
    for (const readModels of opened.splice(0)) await readModels.close();
  }

  async function allTables(readModels: ReadModels): Promise<Record<string, string[]>> {
    const tables = readModels.projections.flatMap((p) => p.tables);
    const entries = await Promise.all(tables.map(async (t) => [t, await tableRows(readModels.db, qualifiedName(readModels.schemas.internal, t))] as const));
    return Object.fromEntries(entries);
  }

  /** Each projection table's indexes as PostgreSQL prints them, without the names (a rebuilt table's indexes are named after its shadow). */
  async function allIndexes(readModels: ReadModels): Promise<string[]> {
    const tables = readModels.projections.flatMap((p) => p.tables);
    const { rows } = await readModels.db.query<{ tablename: string; definition: string }>(
      `SELECT tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX ON') AS definition
         FROM pg_indexes WHERE schemaname = $1 AND tablename IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      [readModels.schemas.internal, JSON.stringify(tables)],
    );
    return rows.map((r) => `${r.tablename}: ${r.definition}`).sort();
  }

  async function caughtUp(readModels: ReadModels, position: Position): Promise<void> {
    expect(await readModels.status.waitForPosition(position, 60_000)).toBe(true);
  }

  /** Counters the dashboard must show: every order once, under the status the domain gives its final state. */
  function expectedCounters(states: Iterable<ActiveOrder>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const state of states) {
      const key = `${state.sellerId}/${activeOrderStatus(state)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  async function storedCounters(readModels: ReadModels): Promise<Record<string, number>> {
    const { rows } = await readModels.db.query<{ seller_id: string; status: string; orders: number }>(
      `SELECT seller_id, status, orders FROM ${qualifiedName(readModels.schemas.internal, 'dashboard_counters')}`,
    );
    return Object.fromEntries(rows.map((r) => [`${r.seller_id}/${r.status}`, r.orders]));
  }

  beforeEach(async () => {
    env = await openEnvironment();
  });

  afterEach(async () => {
    await closeAll();
    await env.dispose();
  });

  it('replays the same events twice and leaves identical tables', async () => {
    const workload = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: 2 * SCENARIOS.length });
    const readModels = await open();
    readModels.start();
    await caughtUp(readModels, workload.lastPosition);
    const once = await allTables(readModels);

    await readModels.stop();
    await readModels.db.query(`UPDATE ${qualifiedName(readModels.schemas.internal, 'projection_checkpoints')} SET position = 0`);
    readModels.start();
    for (const runner of readModels.runners) await runnerReaches(runner, (r) => r.position >= workload.lastPosition);

    expect(await allTables(readModels)).toEqual(once);
    expect(await storedCounters(readModels)).toEqual(expectedCounters(workload.states.values()));
  });

  it('stores how far it passed over events it does not read when it stops, so a restart does not read them again', async () => {
    const readModels = await open();
    readModels.start();
    const workload = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: SCENARIOS.length });
    await caughtUp(readModels, workload.lastPosition);
    // Live appends no projection reads: each moves every runner on, while the stored checkpoint follows at most once a second.
    let last = workload.lastPosition;
    for (let i = 0; i < 5; i++) last = (await env.store.append(`unrelated-${i}`, [{ type: 'SomethingElse', data: {} }], { expectedRevision: 'no_stream' })).position;
    await caughtUp(readModels, last);
    await readModels.stop();
    const checkpoints = new CheckpointStore(readModels.schemas);
    for (const runner of readModels.runners) {
      expect({ name: runner.name, stored: (await checkpoints.load(readModels.db, runner.name)).position }).toEqual({ name: runner.name, stored: runner.position });
    }
  });

  // A correctness proof over a few thousand events; through the PGlite worker it takes most of a minute on a shared machine.
  it('rebuilds from zero into tables identical to the live ones, queries answering throughout', async () => {
    const readModels = await open();
    readModels.start();
    // Appended while the runners are live: the one-event-per-transaction path.
    const orders = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: 3 * SCENARIOS.length, orderIdPrefix: 'live-', numberPrefix: 'LIV/' });
    const first = { ...orders, lastPosition: await appendIssueWorkload(env.store, orders, 4), events: orders.events + 4 * 6 };
    await caughtUp(readModels, first.lastPosition);
    const live = await allTables(readModels);
    const liveIndexes = await allIndexes(readModels);
    expect(liveIndexes.filter((i) => !i.includes('UNIQUE')).length).toBeGreaterThan(0);

    const answered: Array<Promise<number>> = [];
    // Every projection in one pass: the store is read once, page by page, not once per projection.
    const reads = jest.spyOn(env.store, 'readAll');
    const results = await readModels.rebuildAll(undefined, (report) => {
      if (report.phase === 'copying') answered.push(readModels.queries.listOrders('seller-a', { limit: 5 }).then((page) => page.items.length));
    });
    const pages = Math.floor(first.events / 64) + 1;
    expect(reads.mock.calls.length).toBeLessThanOrEqual(pages + 2);
    reads.mockRestore();
    expect(results.map((r) => r.projection)).toEqual(readModels.projections.map((p) => p.name));
    expect(results.every((r) => r.events > 0 && r.position >= first.lastPosition)).toBe(true);
    expect(await allTables(readModels)).toEqual(live);
    // The secondary indexes, built after the copy, are all back.
    expect(await allIndexes(readModels)).toEqual(liveIndexes);
    expect(answered.length).toBeGreaterThan(0);
    expect(await Promise.all(answered)).toEqual(answered.map(() => 5));

    // A rebuild racing new events: the swap takes over the live checkpoint, and the live runner carries on from there.
    const [second] = await Promise.all([
      appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: SCENARIOS.length, orderIdPrefix: 'during-', numberPrefix: 'DUR/', seed: 7 }),
      readModels.rebuild('orders'),
    ]);
    await caughtUp(readModels, second.lastPosition);
    const afterRace = await allTables(readModels);
    for (const projection of readModels.projections) await readModels.rebuild(projection.name);
    expect(await allTables(readModels)).toEqual(afterRace);
    expect(readModels.runners.every((r) => r.state === 'live')).toBe(true);
  }, 180_000);

  it('counts nothing twice when a transaction fails after writing the read model and before the checkpoint', async () => {
    const workload = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: 2 * SCENARIOS.length });
    const events = await env.store.readAll({ maxCount: 10_000 });
    const target = events[Math.floor(events.length / 2)]!;
    const crashing = failingAfterWrite(sellerDashboardProjection, (batch) => batch.some((e) => e.position === target.position));

    const beforeCrash = await open({ subscribers: [crashing], tuning: { batchSize: 64, attemptsPerEvent: 1, retryDelayMs: 5 } });
    beforeCrash.start();
    const runner = beforeCrash.runners[0]!;
    await runnerReaches(runner, (r) => r.state === 'failed');
    const checkpoint = await new CheckpointStore(beforeCrash.schemas).load(beforeCrash.db, crashing.name);
    expect(checkpoint.position).toBeLessThan(target.position);
    // Everything before the crashed event is counted once; the crashed event's own write was rolled back with the checkpoint.
    const countedOrders = Object.values(await storedCounters(beforeCrash)).reduce((a, b) => a + b, 0);
    expect(countedOrders).toBe(new Set(events.filter((e) => e.position <= checkpoint.position).map((e) => e.stream)).size);
    await closeAll();

    const restarted = await open({ subscribers: [sellerDashboardProjection] });
    restarted.start();
    await caughtUp(restarted, workload.lastPosition);
    expect(await storedCounters(restarted)).toEqual(expectedCounters(workload.states.values()));
  });

  it('stops at a poison event, records its stream, position and error, and reports the projection failed', async () => {
    const before = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: SCENARIOS.length });
    const poisoned = orderStream(SELLERS[1]!, 'wl-1');
    const poison = await env.store.append(poisoned, [{ type: 'OrderTeleported', data: { orderId: 'wl-1' } }], { expectedRevision: 'any' });
    const after = await appendOrderWorkload(env.store, { sellerIds: SELLERS, orders: 1, orderIdPrefix: 'after-', numberPrefix: 'AFT/' });

    const readModels = await open({ tuning: { batchSize: 64, attemptsPerEvent: 2, retryDelayMs: 5 } });
    readModels.start();
    const orders = runnerNamed(readModels, 'orders');
    await runnerReaches(orders, (r) => r.state === 'failed');

    const status = (await readModels.status.status()).find((s) => s.name === 'orders')!;
    expect(status).toMatchObject({ state: 'failed', position: before.lastPosition });
    expect(status.error).toContain('OrderTeleported');
    expect(status.error).toContain(poisoned);
    expect(status.error).toContain(String(poison.position));
    const checkpoint = await new CheckpointStore(readModels.schemas).load(readModels.db, 'orders');
    expect(checkpoint.position).toBe(before.lastPosition);
    expect(checkpoint.failure).toMatchObject({ stream: poisoned, position: poison.position, eventType: 'OrderTeleported' });
    expect(checkpoint.failure?.error).toMatch(/Unknown event type OrderTeleported/);

    // Nothing behind the poison event is applied, and read-your-writes says so instead of waiting forever.
    expect(await readModels.queries.getOrder('seller-a', 'after-0')).toBeUndefined();
    expect(await readModels.status.waitForPosition(after.lastPosition, 100)).toBe(false);
    // The invoice register never reads that event type, so it carries on.
    await runnerReaches(runnerNamed(readModels, 'invoice_register'), (r) => r.state === 'live');
  });

  function runnerNamed(readModels: ReadModels, name: string): SubscriptionRunner {
    return readModels.runners.find((r) => r.name === name)!;
  }
});

/** The projection, except that the transaction fails right after its writes whenever `when` holds for the batch. */
function failingAfterWrite(projection: SqlProjection, when: (events: readonly RecordedEvent[]) => boolean): SqlProjection {
  return {
    ...projection,
    async apply(tx, events) {
      await projection.apply(tx, events);
      if (when(events)) throw new Error('simulated crash after the read-model write');
    },
  };
}
