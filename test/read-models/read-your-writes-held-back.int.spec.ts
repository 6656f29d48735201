/**
 * Read-your-writes on a PostgreSQL server while another writer's transaction is open: the write is
 * committed but sits above the store's stable bound, so no projection has read it yet, and the wait
 * must not report it as applied.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import { openHeldSqlTransaction } from '@fulfil/event-store/testing';
import { ReadModels, type RunnerLogger } from '@fulfil/read-models';
import { appendOrderWorkload } from '../../libs/read-models/src/testing/order-workload';

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const databaseUrl = process.env['DATABASE_URL'];

if (databaseUrl) {
  describe('waiting for a write while an older transaction is still open (PostgreSQL)', () => {
    const storeSchema = `ryw_es_${randomBytes(4).toString('hex')}`;
    const readModelsSchema = `ryw_rm_${randomBytes(4).toString('hex')}`;
    let store: EventStore;
    let readModels: ReadModels;

    beforeAll(async () => {
      store = await createEventStore({ kind: 'postgres', databaseUrl, schema: storeSchema });
      readModels = await ReadModels.open({ database: { kind: 'postgres', databaseUrl, schema: readModelsSchema }, store, logger: quiet });
      readModels.start();
    });
    afterAll(async () => {
      await readModels.close();
      await store.close();
      const admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      for (const schema of [storeSchema, readModelsSchema, `${readModelsSchema}_analytics`]) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });

    it('does not report a write as applied until the projections have read it', async () => {
      const held = await openHeldSqlTransaction(databaseUrl, storeSchema);
      try {
        await held.append('held-writer', [{ type: 'Noted', data: {} }]);
        const written = await appendOrderWorkload(store, { sellerIds: ['seller-a'], orders: 1 });

        expect(await readModels.status.waitForPosition(written.lastPosition, 300)).toBe(false);
      } finally {
        await held.commit();
      }
      expect(await readModels.status.waitForPosition((await store.headPosition()), 20_000)).toBe(true);
    });
  });
} else {
  it('runs only on a PostgreSQL server, when DATABASE_URL is set', () => {
    expect(databaseUrl).toBeUndefined();
  });
}
