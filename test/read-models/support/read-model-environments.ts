import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EsdbEventStore, createEventStore, type EventStore } from '@fulfil/event-store';
import { quoteIdent, type ReadModelsDatabaseConfig, type SqlDatabase, type SubscriptionRunner } from '@fulfil/read-models';
import { startEsdbDouble } from '../../esdb-double';

/** An event store and a read-model database to run a suite on; `dispose` removes whatever the run created. */
export interface ReadModelEnvironment {
  store: EventStore;
  database: ReadModelsDatabaseConfig;
  dispose(): Promise<void>;
}

export type EnvironmentFactory = () => Promise<ReadModelEnvironment>;

async function dropSchemas(databaseUrl: string, schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

const embedded: EnvironmentFactory = async () => {
  const store = await createEventStore({ kind: 'embedded' });
  return { store, database: { kind: 'embedded' }, dispose: () => store.close() };
};

/** The EventStoreDB adapter over the in-repo protocol double: positions are two 64-bit offsets packed in one, and filtered subscriptions skip ahead with checkpoints. */
const esdbDouble: EnvironmentFactory = async () => {
  const double = await startEsdbDouble();
  const store = new EsdbEventStore(double.connectionString, { logger: { warn: () => undefined, log: () => undefined } });
  return {
    store,
    database: { kind: 'embedded' },
    async dispose() {
      await store.close();
      await double.stop();
    },
  };
};

/** Fresh random schemas per run, for the events and for the read models (and their analytics views), dropped at the end. */
function postgres(databaseUrl: string): EnvironmentFactory {
  return async () => {
    const suffix = randomBytes(4).toString('hex');
    const storeSchema = `es_${suffix}`;
    const schema = `rm_${suffix}`;
    const store = await createEventStore({ kind: 'postgres', databaseUrl, schema: storeSchema });
    return {
      store,
      database: { kind: 'postgres', databaseUrl, schema },
      async dispose() {
        await store.close();
        await dropSchemas(databaseUrl, [storeSchema, schema, `${schema}_analytics`]);
      },
    };
  };
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set; the EventStoreDB double when asked for. */
export function environments(options: { esdbDouble?: boolean } = {}): Array<[string, EnvironmentFactory]> {
  const list: Array<[string, EnvironmentFactory]> = [['PGlite', embedded]];
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) list.push(['PostgreSQL', postgres(databaseUrl)]);
  if (options.esdbDouble) list.push(['the EventStoreDB double (read models on PGlite)', esdbDouble]);
  return list;
}

/** Every row of a table as JSON text, sorted: two tables are identical row for row when these are equal. */
export async function tableRows(db: SqlDatabase, table: string): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${table} t ORDER BY 1`);
  return rows.map((row) => row.r);
}

/** Resolves once `condition` holds for the runner, checked whenever it reports progress or a change of state. */
export function runnerReaches(runner: SubscriptionRunner, condition: (runner: SubscriptionRunner) => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition(runner)) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`Runner ${runner.name} did not reach the expected condition (state ${runner.state}, position ${runner.position})`));
    }, timeoutMs);
    const unsubscribe = runner.onProgress(check);
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check();
  });
}
