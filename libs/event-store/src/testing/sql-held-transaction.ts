import { Client } from 'pg';
import type { NewEvent, StreamName } from '../event-store';
import { APPEND, appendPayload } from '../sql/sql-event-store';
import type { HeldTransaction } from './event-store-contract';

/**
 * A transaction on a PostgreSQL server that appends with the store's own statement and then stays
 * open until told to commit or roll back: a slow writer, for the contract's visibility cases.
 */
export async function openHeldSqlTransaction(databaseUrl: string, schema: string): Promise<HeldTransaction> {
  const client = new Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('BEGIN');
  const end = async (statement: 'COMMIT' | 'ROLLBACK') => {
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    async append(stream: StreamName, events: NewEvent[]) {
      await client.query(APPEND.text, [stream, 'any', null, appendPayload(events)]);
    },
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
  };
}
