import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlParam, SqlResult } from './sql-database';

type PgliteQueryable = Pick<PGlite | Transaction, 'query'>;

function executor(target: PgliteQueryable): SqlExecutor {
  return {
    async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult<R>> {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
    },
  };
}

/**
 * PGlite is one connection: its `transaction` holds a lock that plain queries wait for, so a
 * projection's transaction and the API's queries never interleave inside one another.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<SqlDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const plain = executor(db);
  return {
    query: plain.query,
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    close: () => db.close(),
  };
}
