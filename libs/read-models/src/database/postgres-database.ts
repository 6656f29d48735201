import { Pool, type PoolClient } from 'pg';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlResult } from './sql-database';

function executor(target: Pool | PoolClient): SqlExecutor {
  return {
    async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult<R>> {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

async function inTransaction<T>(pool: Pool, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a connection the server ends between two queries
  // would otherwise crash the process. The next query fails instead, and the pool discards the
  // broken client on release.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const result = await work(executor(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    client.release();
  }
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
    transaction: (work) => inTransaction(pool, work),
    close: () => pool.end(),
  };
}
