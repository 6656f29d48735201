import type { SqlConnection } from './sql-connection';

/** The layout this version writes; recorded in `event_store_schema` so a later version knows what it opens. */
export const EVENT_STORE_SCHEMA_VERSION = 2;

const TABLES = `
CREATE TABLE IF NOT EXISTS events (
  position bigint PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  stream_name text NOT NULL,
  stream_revision bigint NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS event_store_schema (
  version integer NOT NULL
);`;

/** Serves revision checks, stream reads (equality) and stream-prefix filters (LIKE 'prefix%') with one index. */
const INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision_unique ON events (stream_name text_pattern_ops, stream_revision);
CREATE INDEX IF NOT EXISTS events_type_position ON events (event_type text_pattern_ops, position);`;

/**
 * Creates the events table, or upgrades one written by version 1 (positions from an identity
 * column, handed out in commit order under a global lock). Version 1's positions are kept, so
 * every checkpoint stored against them stays valid; new positions start above them because they
 * carry the writing transaction's id.
 */
export async function migrateEventsTable(db: SqlConnection, eventIndexBits: number): Promise<void> {
  await db.exec(TABLES);
  const [identity] = await db.query<{ is_identity: string }>(
    `SELECT is_identity FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'events' AND column_name = 'position'`,
  );
  if (identity?.is_identity === 'YES') {
    await db.transaction(async (tx) => {
      // Version 1 writers still running would insert without a position and fail, rather than interleave.
      await tx.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const [span] = await tx.query<{ fits: boolean }>(
        `SELECT coalesce(max(position), 0) < (pg_current_xact_id()::text::bigint << ${eventIndexBits}) AS fits FROM events`,
      );
      if (!span?.fits) throw new Error('The events table holds positions above what this version can write after; upgrade cannot keep their order');
      await tx.query('ALTER TABLE events ALTER COLUMN position DROP IDENTITY IF EXISTS');
      await tx.query('ALTER TABLE events DROP CONSTRAINT IF EXISTS events_stream_revision_unique');
      await tx.query('DROP INDEX IF EXISTS events_stream_prefix');
      for (const statement of INDEXES.split(';').filter((sql) => sql.trim())) await tx.query(statement);
    });
  }
  await db.exec(INDEXES);
  await db.transaction(async (tx) => {
    await tx.query('LOCK TABLE event_store_schema IN EXCLUSIVE MODE');
    const [row] = await tx.query<{ version: number }>('SELECT max(version) AS version FROM event_store_schema');
    const version = row?.version ?? null;
    if (version !== null && version > EVENT_STORE_SCHEMA_VERSION) {
      throw new Error(`The events table was written by a newer version of the engine (schema ${version}); this version reads schema ${EVENT_STORE_SCHEMA_VERSION}`);
    }
    if (version === null || version < EVENT_STORE_SCHEMA_VERSION) await tx.query('INSERT INTO event_store_schema (version) VALUES ($1)', [EVENT_STORE_SCHEMA_VERSION]);
  });
}
