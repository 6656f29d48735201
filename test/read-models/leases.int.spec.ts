/**
 * Single-owner work runs in one instance at a time: a second instance stands by, takes over at
 * once when the holder gives its lease up, and within the lease's life when the holder goes
 * silent, which stops its own work first so the two never overlap.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { LeaseKeeper, migrate, openReadModelsDatabase, quoteIdent, type LeasedWorker, type LeaseLogger, type ReadModelSchemas, type SqlDatabase, type SqlExecutor, type SqlParam } from '@fulfil/read-models';
import { until } from '../support/until';

const quiet: LeaseLogger = { log: () => undefined, warn: () => undefined };
const TUNING = { ttlMs: 900, renewEveryMs: 150 };

interface Interval {
  instance: string;
  startedAt: number;
  stoppedAt?: number;
}

/** A worker that records when it ran in which instance, into a log both instances share. */
function recordingWorker(name: string, instance: string, log: Interval[]): LeasedWorker {
  let current: Interval | undefined;
  return {
    kind: 'worker',
    name,
    start: () => {
      current = { instance, startedAt: Date.now() };
      log.push(current);
    },
    stop: async () => {
      if (current) current.stoppedAt = Date.now();
      current = undefined;
    },
  };
}

/** The database as an instance sees it, with a switch that cuts it off (a network partition, a frozen process's view). */
function severable(db: SqlDatabase): SqlDatabase & { sever(): void } {
  let severed = false;
  const guard = () => {
    if (severed) return Promise.reject(new Error('connection lost'));
    return undefined;
  };
  return {
    sever: () => {
      severed = true;
    },
    query: <R extends object>(sql: string, params?: readonly SqlParam[]) => guard() ?? db.query<R>(sql, params),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => guard() ?? db.transaction(work),
    close: () => db.close(),
  };
}

interface Setup {
  db: SqlDatabase;
  schemas: ReadModelSchemas;
  dispose(): Promise<void>;
}

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'PGlite',
    async () => {
      const db = await openReadModelsDatabase({ kind: 'embedded' });
      const schemas = { internal: 'read_models', analytics: 'analytics' };
      await migrate(db, schemas);
      return { db, schemas, dispose: () => db.close() };
    },
  ],
];
const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  setups.push([
    'PostgreSQL',
    async () => {
      const suffix = randomBytes(4).toString('hex');
      const schemas = { internal: `lease_${suffix}`, analytics: `lease_${suffix}_analytics` };
      const db = await openReadModelsDatabase({ kind: 'postgres', databaseUrl, schema: schemas.internal });
      await migrate(db, schemas);
      return {
        db,
        schemas,
        async dispose() {
          await db.close();
          const client = new Client({ connectionString: databaseUrl });
          await client.connect();
          for (const schema of [schemas.internal, schemas.analytics]) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
          await client.end();
        },
      };
    },
  ]);
}

describe.each(setups)('leases on %s', (_name, open) => {
  let setup: Setup;
  const keepers: LeaseKeeper[] = [];
  beforeEach(async () => {
    setup = await open();
  });
  afterEach(async () => {
    for (const keeper of keepers.splice(0)) await keeper.stop();
    await setup.dispose();
  });

  function instance(db: SqlDatabase, names: string[], label: string, log: Interval[]): LeaseKeeper {
    const keeper = new LeaseKeeper(db, setup.schemas, quiet, TUNING);
    for (const name of names) keeper.add(recordingWorker(name, label, log));
    keepers.push(keeper);
    return keeper;
  }

  it('given two instances, when both start, then each worker runs in exactly one of them, and the table names its holder', async () => {
    const log: Interval[] = [];
    const names = ['orders', 'whatsapp-sender', 'ondc-conversation-driver'];
    const a = instance(setup.db, names, 'a', log);
    const b = instance(setup.db, names, 'b', log);
    a.start();
    b.start();
    await until('every lease to be taken', () => a.held().length + b.held().length === names.length, 10_000, 20);
    // A few rounds of renewal later, nothing has moved and nothing runs twice.
    await new Promise((resolve) => setTimeout(resolve, 4 * TUNING.renewEveryMs));
    expect([...a.held(), ...b.held()].sort()).toEqual([...names].sort());
    expect(log).toHaveLength(names.length);
    const holdings = await a.holdings();
    expect(holdings.map((h) => h.name).sort()).toEqual([...names].sort());
    for (const h of holdings) expect(h.holder).toBe(a.held().includes(h.name) ? a.holder : b.holder);
  });

  it('given a holder, when it stops, then it gives its leases up and the standby instance takes over within one renewal round', async () => {
    const log: Interval[] = [];
    const a = instance(setup.db, ['sender'], 'a', log);
    a.start();
    await until('a to hold the lease', () => a.held().length === 1, 10_000, 10);
    const b = instance(setup.db, ['sender'], 'b', log);
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 2 * TUNING.renewEveryMs));
    expect(b.held()).toEqual([]);

    const stoppedAt = Date.now();
    await a.stop();
    await until('b to take over', () => b.held().length === 1, 10_000, 5);
    expect(Date.now() - stoppedAt).toBeLessThan(TUNING.renewEveryMs + 500);
    expect(log.map((i) => i.instance)).toEqual(['a', 'b']);
    expect(log[0]!.stoppedAt).toBeLessThanOrEqual(log[1]!.startedAt);
  });

  it('given a holder cut off from the database, when its lease runs out, then it has stopped its worker before the other instance starts it, and within the lease life', async () => {
    const log: Interval[] = [];
    const cutOff = severable(setup.db);
    const a = instance(cutOff, ['projector'], 'a', log);
    a.start();
    await until('a to hold the lease', () => a.held().length === 1, 10_000, 10);
    const b = instance(setup.db, ['projector'], 'b', log);
    b.start();

    const severedAt = Date.now();
    cutOff.sever();
    await until('b to take over', () => b.held().length === 1, 10_000, 5);
    const takeoverMs = Date.now() - severedAt;
    expect(takeoverMs).toBeLessThan(TUNING.ttlMs + 2 * TUNING.renewEveryMs + 500);
    expect(a.held()).toEqual([]);
    expect(log.map((i) => i.instance)).toEqual(['a', 'b']);
    expect(log[0]!.stoppedAt).toBeDefined();
    expect(log[0]!.stoppedAt!).toBeLessThanOrEqual(log[1]!.startedAt);
    const [holding] = await b.holdings();
    expect(holding).toMatchObject({ name: 'projector', holder: b.holder, epoch: 2 });
  });

  it('refuses two workers under one name, as one lease cannot cover both', () => {
    const keeper = new LeaseKeeper(setup.db, setup.schemas, quiet, TUNING);
    keeper.add(recordingWorker('orders', 'a', []));
    expect(() => keeper.add(recordingWorker('orders', 'a', []))).toThrow('Two workers are named orders');
  });
});
