import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { Client, Pool } from 'pg';
import { inPgTransaction } from './pg-transaction';

export type SqlValue = string | number | boolean | null | string[];

export interface SqlRunner {
  query<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
}

/**
 * The few things the event store needs from PostgreSQL, over a server (`pg`) or the embedded
 * PGlite, so the store's SQL is written once.
 */
export interface SqlConnection extends SqlRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Several statements without parameters (schema set-up). */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Calls `onNotify` with the payload whenever another session (or this one) sends NOTIFY on the channel. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type PgliteQueryable = Pick<PGlite | Transaction, 'query'>;

const pgliteRunner = (target: PgliteQueryable): SqlRunner => ({
  async query<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await target.query<R>(sql, [...params])).rows;
  },
});

/** PGlite is one connection whose `transaction` excludes every other query: appends are serial by construction. */
export async function openPglite(dataDir?: string): Promise<SqlConnection> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return {
    kind: 'pglite',
    ...pgliteRunner(db),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (work) => db.transaction((tx) => work(pgliteRunner(tx))),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, onNotify);
      return unlisten;
    },
    close: () => db.close(),
  };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A pool on a PostgreSQL server; every connection works in `schema` (created when missing). */
export async function openPostgres(databaseUrl: string, schema = 'public'): Promise<SqlConnection> {
  if (!IDENTIFIER.test(schema)) throw new Error(`Schema name "${schema}" must be lower-case letters, digits and underscores`);
  const options = `-c search_path=${schema}`;
  const pool = new Pool({ connectionString: databaseUrl, options, max: 10 });
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
    async exec(sql) {
      await pool.query(sql);
    },
    transaction: (work) => inPgTransaction(pool, (client) => work({ query: async (sql, params = []) => (await client.query(sql, [...params])).rows })),
    async listen(channel, onNotify) {
      const client = new Client({ connectionString: databaseUrl, options });
      client.on('error', () => undefined);
      await client.connect();
      client.on('notification', (message) => onNotify(message.payload ?? ''));
      await client.query(`LISTEN ${channel}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    close: () => pool.end(),
  };
}
