import { PgliteInWorker } from '@fulfil/event-store';
import type { SqlDatabase, SqlExecutor } from './sql-database';

const executor = (target: Pick<PgliteInWorker, 'query'>): SqlExecutor => ({
  async query(sql, params = []) {
    const result = await target.query<never>(sql, params);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  },
});

/**
 * PGlite is one connection: its `transaction` holds a lock that plain queries wait for, so a
 * projection's transaction and the API's queries never interleave inside one another. It runs in
 * a worker thread, so projecting never holds up the thread that answers requests.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<SqlDatabase> {
  const db = await PgliteInWorker.open(dataDir);
  const plain = executor(db);
  return {
    query: plain.query,
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    close: () => db.close(),
  };
}
