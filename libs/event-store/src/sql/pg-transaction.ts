import type { Pool, PoolClient } from 'pg';

/** Runs `work` on one client of `pool` inside a transaction: committed when it resolves, rolled back when it throws. */
export async function inPgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a connection the server ends between two queries
  // would otherwise crash the process. The next query fails instead, and the pool discards the
  // broken client on release.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const result = await work(client);
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
