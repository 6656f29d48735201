import { Pool, type PoolClient } from 'pg';
import { inPgTransaction } from '@fulfil/event-store';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlResult } from './sql-database';

function executor(target: Pool | PoolClient): SqlExecutor {
  return {
    async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult<R>> {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

/**
 * A transaction's connection takes one statement at a time. Projections send independent
 * statements together (on PGlite they pipeline); here they wait their turn, in the order sent,
 * rather than leaning on `pg`'s own queue, which pg 9 removes.
 */
function inOrder(client: PoolClient): SqlExecutor {
  const direct = executor(client);
  let last: Promise<unknown> = Promise.resolve();
  return {
    query<R extends object>(sql: string, params?: readonly SqlParam[]): Promise<SqlResult<R>> {
      const next = last.then(() => direct.query<R>(sql, params));
      last = next.catch(() => undefined);
      return next;
    },
  };
}

export interface PostgresDatabaseOptions {
  databaseUrl: string;
  /** Connections kept: one per projection runner plus a few for queries. */
  maxConnections?: number;
  applicationName?: string;
}

export function openPostgresDatabase(options: PostgresDatabaseOptions): SqlDatabase {
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'fulfilment-read-models',
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const plain = executor(pool);
  return {
    query: plain.query,
    transaction: (work) => inPgTransaction(pool, (client) => work(inOrder(client))),
    close: () => pool.end(),
  };
}
