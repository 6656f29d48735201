import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventStore } from '@fulfil/event-store';
import { describeEventStoreContract, openHeldSqlTransaction } from '@fulfil/event-store/testing';

describeEventStoreContract('PGlite (embedded, in memory)', async () => ({ store: await createEventStore({ kind: 'embedded' }) }));

const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  const schema = `contract_${randomBytes(4).toString('hex')}`;
  describeEventStoreContract('PostgreSQL server', async () => {
    const store = await createEventStore({ kind: 'postgres', databaseUrl, schema });
    return {
      store,
      teardown: async () => {
        await store.close();
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      },
    };
  }, { concurrentWriters: 64, appendsPerWriter: 20, openTransaction: () => openHeldSqlTransaction(databaseUrl, schema) });
} else {
  it('runs the contract on a PostgreSQL server only when DATABASE_URL is set', () => {
    expect(databaseUrl).toBeUndefined();
  });
}
