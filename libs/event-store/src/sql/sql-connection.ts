import { Client, Pool } from 'pg';
import { inPgTransaction } from './pg-transaction';
import { PgliteInWorker } from './pglite-in-worker';
import { PostgresListener } from './postgres-listener';

export type SqlValue = string | number | boolean | null | string[];

export interface SqlRunner {
  query<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
}

/** A statement run often enough to be parsed and planned once per connection, under a name unique to its text. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/**
 * The few things the event store needs from PostgreSQL, over a server (`pg`) or the embedded
 * PGlite, so the store's SQL is written once.
 */
export interface SqlConnection extends SqlRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Several statements without parameters (schema set-up). */
  exec(sql: string): Promise<void>;
  run<R extends object>(statement: PreparedStatement, params: readonly SqlValue[]): Promise<R[]>;
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload whenever a session sends NOTIFY on the channel, and with
   * `undefined` when notifications may have been missed (the connection was re-established).
   */
  listen(channel: string, onNotify: (payload: string | undefined) => void): Promise<NotificationChannel>;
  close(): Promise<void>;
}

export interface NotificationChannel {
  /** Sends NOTIFY with `payload`, coalescing calls made while one is in flight into one more. */
  notify(payload: string): void;
  stop(): Promise<void>;
}

/**
 * PGlite is one connection whose `transaction` excludes every other query: appends are serial by
 * construction. It runs in a worker thread, so its engine does not hold up the caller's thread.
 */
export async function openPglite(dataDir?: string): Promise<SqlConnection> {
  const db = await PgliteInWorker.open(dataDir);
  const query = async <R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> => (await db.query<R>(sql, params)).rows;
  return {
    kind: 'pglite',
    query,
    // PGlite answers in-process: parsing is not where its time goes.
    run: <R extends object>(statement: PreparedStatement, params: readonly SqlValue[]) => query<R>(statement.text, params),
    exec: (sql) => db.exec(sql),
    transaction: (work) => db.transaction((tx) => work({ query: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => (await tx.query<R>(sql, params)).rows })),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, onNotify);
      return {
        notify: (payload) => void db.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => undefined),
        stop: unlisten,
      };
    },
    close: () => db.close(),
  };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/**
 * Pooled connections are replaced this often, so a "smart" server shutdown, which waits for every
 * session to end, is never held up for long by this process.
 */
const CONNECTION_LIFETIME_S = 60;

/** A pool on a PostgreSQL server; every connection works in `schema` (created when missing). */
export async function openPostgres(databaseUrl: string, schema = 'public', pgOptions: PostgresOptions = {}): Promise<SqlConnection> {
  if (!IDENTIFIER.test(schema)) throw new Error(`Schema name "${schema}" must be lower-case letters, digits and underscores`);
  const options = `-c search_path=${schema}`;
  const pool = new Pool({ connectionString: databaseUrl, options, max: pgOptions.poolSize ?? 10, maxLifetimeSeconds: CONNECTION_LIFETIME_S });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const runner: SqlRunner = {
    async query<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      return (await pool.query<R>(sql, [...params])).rows;
    },
  };
  return {
    kind: 'postgres',
    ...runner,
    // On every append's path: no copy of the parameters, no extra promise.
    run: <R extends object>(statement: PreparedStatement, params: readonly SqlValue[]) =>
      pool.query<R>({ name: statement.name, text: statement.text, values: params as SqlValue[] }).then((result) => result.rows),
    async exec(sql) {
      await pool.query(sql);
    },
    transaction: (work) => inPgTransaction(pool, (client) => work({ query: async (sql, params = []) => (await client.query(sql, [...params])).rows })),
    listen: (channel, onNotify) => PostgresListener.start(() => new Client({ connectionString: databaseUrl, options }), channel, onNotify),
    close: () => pool.end(),
  };
}
