import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import { describeEventStoreContract, openHeldSqlTransaction } from '@fulfil/event-store/testing';
import { until } from '../support/until';

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

  describe('the listening connection on a PostgreSQL server', () => {
    const listenSchema = `listen_${randomBytes(4).toString('hex')}`;
    const appName = `fulfil_listen_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: databaseUrl });
    let subscriber: EventStore;
    let writer: EventStore;
    beforeAll(async () => {
      await admin.connect();
      const url = new URL(databaseUrl);
      url.searchParams.set('application_name', appName);
      subscriber = await createEventStore({ kind: 'postgres', databaseUrl: url.toString(), schema: listenSchema });
      writer = await createEventStore({ kind: 'postgres', databaseUrl, schema: listenSchema });
    });
    afterAll(async () => {
      await subscriber.close();
      await writer.close();
      await admin.query(`DROP SCHEMA ${listenSchema} CASCADE`);
      await admin.end();
    });

    /** Backend pids of the subscriber's listening connection (its last statement was the LISTEN). */
    const listenerPids = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`, [appName])).rows.map((r) => r.pid);

    it("comes back after the server drops it, and another process's appends wake subscribers again without waiting for the poll", async () => {
      await until('the listener to be connected', async () => (await listenerPids()).length === 1, 10_000);
      const [before] = await listenerPids();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
      await until('the listener to reconnect', async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== before;
      }, 10_000);

      const received = new Set<bigint>();
      const subscription = subscriber.subscribe({ after: await writer.headPosition(), onEvent: async (event) => void received.add(event.position) });
      await subscription.caughtUp;
      const latencies: number[] = [];
      try {
        for (let i = 0; i < 5; i++) {
          const started = Date.now();
          const { position } = await writer.append(`listen-${i}`, [{ type: 'Woken', data: { i } }], { expectedRevision: 'any' });
          await until('delivery to the other process', () => received.has(position), 5_000, 5);
          latencies.push(Date.now() - started);
        }
      } finally {
        await subscription.stop();
      }
      // Without notifications a subscriber finds an append by its poll, a second later.
      expect([...latencies].sort((a, b) => a - b)[2]).toBeLessThan(500);
    });
  });
} else {
  it('runs the contract on a PostgreSQL server only when DATABASE_URL is set', () => {
    expect(databaseUrl).toBeUndefined();
  });
}
