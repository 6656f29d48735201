import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { createEventStore, type EventStore, type RecordedEvent } from '@fulfil/event-store';
import { until } from '../support/until';

/** The events table exactly as version 1 of the store created it (positions from an identity column, commit order under a global lock). */
const VERSION_1_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  stream_name text NOT NULL,
  stream_revision bigint NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT events_stream_revision_unique UNIQUE (stream_name, stream_revision)
);
CREATE INDEX IF NOT EXISTS events_type_position ON events (event_type text_pattern_ops, position);
CREATE INDEX IF NOT EXISTS events_stream_prefix ON events (stream_name text_pattern_ops, position);
`;

/** Version 1's insert of one event. */
const VERSION_1_INSERT = `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`;

interface Sql {
  exec(sql: string): Promise<void>;
  query(sql: string, params: unknown[]): Promise<void>;
}

/** Three events in two streams, written the way version 1 did: positions 1, 2, 3. */
async function writeVersion1Data(sql: Sql): Promise<void> {
  await sql.exec(VERSION_1_SCHEMA);
  const rows: Array<[string, number, string]> = [
    ['order-a', 0, 'OrderReceived'],
    ['order-a', 1, 'InvoiceGenerated'],
    ['order-b', 0, 'OrderReceived'],
  ];
  for (const [stream, revision, type] of rows) {
    await sql.query(VERSION_1_INSERT, [randomUUID(), stream, revision, type, JSON.stringify({ stream, revision }), JSON.stringify({ actor: 'v1' })]);
  }
}

/** What every upgraded store must show: old positions kept, old checkpoints still valid, new appends after them, revisions continued. */
async function expectUpgraded(store: EventStore): Promise<void> {
  const old = await store.readAll({ maxCount: 10 });
  expect(old.map((e) => [e.position, e.stream, e.revision, e.type])).toEqual([
    [1n, 'order-a', 0n, 'OrderReceived'],
    [2n, 'order-a', 1n, 'InvoiceGenerated'],
    [3n, 'order-b', 0n, 'OrderReceived'],
  ]);
  const appended = await store.append('order-a', [{ type: 'ShipmentCreated', data: { after: 'upgrade' } }], { expectedRevision: 1n });
  expect(appended.nextExpectedRevision).toBe(2n);
  expect(appended.position).toBeGreaterThan(3n);
  await expect(store.append('order-b', [{ type: 'Duplicate', data: {} }], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ actual: 0n });
  // A projection that had stored checkpoint 2 under version 1 resumes with exactly what followed it.
  const delivered: RecordedEvent[] = [];
  const subscription = store.subscribe({ after: 2n, onEvent: async (e) => void delivered.push(e) });
  try {
    await until('the events after the old checkpoint', () => delivered.length >= 2, 20_000);
    expect(delivered.map((e) => e.type)).toEqual(['OrderReceived', 'ShipmentCreated']);
  } finally {
    await subscription.stop();
  }
}

describe('opening an events table written by version 1 of the store', () => {
  it('upgrades an embedded data directory in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-upgrade-'));
    try {
      const v1 = await PGlite.create(join(dir, 'events'));
      await writeVersion1Data({ exec: async (sql) => void (await v1.exec(sql)), query: async (sql, params) => void (await v1.query(sql, params)) });
      await v1.close();
      const store = await createEventStore({ kind: 'embedded', dataDir: join(dir, 'events') });
      try {
        await expectUpgraded(store);
      } finally {
        await store.close();
      }
      // A second start finds the upgraded layout and changes nothing.
      const again = await createEventStore({ kind: 'embedded', dataDir: join(dir, 'events') });
      try {
        expect((await again.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['OrderReceived', 'InvoiceGenerated', 'OrderReceived', 'ShipmentCreated']);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an events table written by a newer version, naming both schema versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-upgrade-'));
    try {
      await (await createEventStore({ kind: 'embedded', dataDir: dir })).close();
      const newer = await PGlite.create(dir);
      await newer.query('INSERT INTO event_store_schema (version) VALUES (3)');
      await newer.close();
      await expect(createEventStore({ kind: 'embedded', dataDir: dir })).rejects.toThrow('written by a newer version of the engine (schema 3); this version reads schema 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) {
    it('upgrades a PostgreSQL schema in place', async () => {
      const schema = `upgrade_${randomBytes(4).toString('hex')}`;
      const admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.query(`SET search_path = ${schema}`);
        await writeVersion1Data({ exec: async (sql) => void (await admin.query(sql)), query: async (sql, params) => void (await admin.query(sql, params)) });
        const store = await createEventStore({ kind: 'postgres', databaseUrl, schema });
        try {
          await expectUpgraded(store);
        } finally {
          await store.close();
        }
        const { rows } = await admin.query<{ version: number }>(`SELECT max(version) AS version FROM ${schema}.event_store_schema`);
        expect(rows[0]!.version).toBe(2);
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    });
  }
});
