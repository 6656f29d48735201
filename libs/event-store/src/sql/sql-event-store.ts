import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { EventStoreUnavailableError, StreamRevisionConflictError } from '../errors';
import { newEventId } from '../new-event-id';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamName,
  StreamRename,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import type { PreparedStatement, SqlConnection, SqlValue } from './sql-connection';
import { migrateEventsTable } from './sql-event-store-schema';
import { SqlSubscription, TAIL_PAGE_SIZE, type PageSource, type StablePage } from './sql-subscription';

const CHANNEL = 'fulfilment_events_appended';

/**
 * A position is the writing transaction's id shifted left by this many bits, plus the event's
 * index within its append: position order is transaction order, and every transaction that may
 * still commit has an id at or above the oldest one in flight. See ADR 0014.
 */
const EVENT_INDEX_BITS = 20;
export const MAX_EVENTS_PER_APPEND = 2 ** EVENT_INDEX_BITS - 1;

/** Positions below this are final: no transaction that may still commit can write one. */
const STABLE_BOUND = `(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << ${EVENT_INDEX_BITS})`;

interface EventRow {
  position: string;
  event_id: string;
  stream_name: string;
  stream_revision: string;
  event_type: string;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date | string;
}

const COLUMNS = 'position, event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at';

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_name,
    type: row.event_type,
    revision: BigInt(row.stream_revision),
    position: BigInt(row.position),
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The SQL condition and parameters of a server-side filter, numbered from `firstParam`. */
export function filterClause(filter: EventFilter | undefined, firstParam: number): { sql: string; params: SqlValue[] } {
  if (!filter || filter.prefixes.length === 0) return { sql: '', params: [] };
  const column = filter.kind === 'eventType' ? 'event_type' : 'stream_name';
  return { sql: ` AND ${column} LIKE ANY($${firstParam}::text[])`, params: [filter.prefixes.map(likePrefix)] };
}

/** True for a PostgreSQL connection failure (as opposed to an SQL error): the database cannot be reached now. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  // FATAL ends the session whatever the code: the server refusing connections (55000 while the database is closed, 53300 when full) is an outage too.
  const transient =
    severity === 'FATAL' || (typeof code === 'string' && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) || /^(08|57P)/.test(code)));
  // pg reports a client whose connection already failed as "not queryable", without a code.
  return transient || (error instanceof Error && /Connection terminated|connection.*closed|not queryable/i.test(error.message));
}

/** Connection failures (as opposed to SQL errors) are reported as the store being unavailable. */
export function unavailable(error: unknown): Error {
  if (isDatabaseUnreachable(error)) {
    return new EventStoreUnavailableError(`The event store database cannot be reached: ${(error as Error).message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof StreamRevisionConflictError ? error : unavailable(error);
  }
}

/** True for the unique violation of (stream, revision): another writer took the revision first. */
function lostRevisionRace(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'events_stream_revision_unique';
}

/**
 * One statement per append: it reads the stream's revision, checks the expectation and inserts the
 * whole batch, so the common case is one round trip and one implicit transaction. A concurrent
 * writer at the same revision makes the unique index refuse the loser.
 */
const appendStatement = (name: string, returning: string, select: string): PreparedStatement => ({
  name,
  text: `
WITH current AS (
  SELECT max(stream_revision) AS revision FROM events WHERE stream_name = $1
), accepted AS (
  SELECT revision FROM current
  WHERE CASE $2::text
    WHEN 'any' THEN true
    WHEN 'no_stream' THEN revision IS NULL
    WHEN 'stream_exists' THEN revision IS NOT NULL
    ELSE revision = $3::bigint
  END
), inserted AS (
  INSERT INTO events (position, event_id, stream_name, stream_revision, event_type, data, metadata)
  SELECT (pg_current_xact_id()::text::bigint << ${EVENT_INDEX_BITS}) + e.ordinality, (e.value->>'id')::uuid, $1,
         coalesce(accepted.revision, -1) + e.ordinality, e.value->>'type', e.value->'data', e.value->'metadata'
  FROM accepted, jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e
  RETURNING ${returning}
)
${select}`,
});

export const APPEND = appendStatement(
  'fulfilment_append_v2',
  'position, stream_revision',
  `SELECT (SELECT revision::text FROM current) AS current,
       (SELECT max(position)::text FROM inserted) AS position,
       (SELECT max(stream_revision)::text FROM inserted) AS revision`,
);

/** The same append, answering with the inserted rows (none when the expectation failed) beside the revision it found. */
const APPEND_RETURNING = appendStatement(
  'fulfilment_append_returning_v2',
  COLUMNS,
  `SELECT (SELECT revision::text FROM current) AS current, inserted.* FROM (SELECT) AS one LEFT JOIN inserted ON true ORDER BY inserted.position`,
);

/**
 * One event at revision 0 (`$3` null: no stream yet) or right after an existing revision `$3`,
 * with no read first: the unique index refuses a revision that is taken, and the `EXISTS` probe
 * one whose predecessor is missing. Commands append this way, so it is what their cost rests on.
 */
const appendOneStatement = (name: string, returning: string): PreparedStatement => ({
  name,
  text: `
INSERT INTO events (position, event_id, stream_name, stream_revision, event_type, data, metadata)
SELECT (pg_current_xact_id()::text::bigint << ${EVENT_INDEX_BITS}) + 1, $2::uuid, $1, coalesce($3::bigint + 1, 0), $4, $5::jsonb, $6::jsonb
WHERE $3::bigint IS NULL OR EXISTS (SELECT FROM events WHERE stream_name = $1 AND stream_revision = $3::bigint)
RETURNING ${returning}`,
});

const APPEND_ONE = appendOneStatement('fulfilment_append_one_v3', 'position::text AS position');
const APPEND_ONE_RETURNING = appendOneStatement('fulfilment_append_one_returning_v2', COLUMNS);

const STREAM_REVISION: PreparedStatement = {
  name: 'fulfilment_stream_revision_v2',
  text: 'SELECT max(stream_revision)::text AS revision FROM events WHERE stream_name = $1',
};

const READ_STREAM: PreparedStatement = {
  name: 'fulfilment_read_stream_v2',
  text: `SELECT ${COLUMNS} FROM events WHERE stream_name = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
};

/** The batch as the append statement takes it: one JSON array parameter. */
export const appendPayload = (events: NewEvent[]): string =>
  JSON.stringify(events.map((e) => ({ id: e.id ?? newEventId(), type: e.type, data: e.data, metadata: e.metadata ?? {} })));

/** How often an `any` append re-reads the revision after losing a race for it. */
const ANY_ATTEMPTS = 20;

/**
 * The event store on PostgreSQL, for a server and for embedded PGlite alike.
 *
 * Ordering: appends run in parallel; a position carries its transaction's id, and readers stop
 * below the oldest transaction still in flight, so a reader never passes a position that may
 * still commit and never sees one that rolled back. See ADR 0014.
 */
export class SqlEventStore implements EventStore, PageSource {
  private readonly appended = new EventEmitter();
  /** Sent with each NOTIFY, so this store does not take its own appends, already announced, for another process's. */
  private readonly instanceId = randomUUID();
  private stopListening: (() => Promise<void>) | undefined;
  private notify: (() => void) | undefined;
  /** Counts the appends this process has heard of; a tail read serves only readers of its own count. */
  private generation = 0;
  private sharedTail: { generation: number; after: Position; read: Promise<StablePage> } | undefined;

  private constructor(private readonly db: SqlConnection) {
    this.appended.setMaxListeners(0);
  }

  static async open(db: SqlConnection): Promise<SqlEventStore> {
    const store = new SqlEventStore(db);
    await guarded(() => migrateEventsTable(db, EVENT_INDEX_BITS));
    // Other processes appending to the same server wake our subscriptions; our own appends do it
    // directly. An embedded database has no other process.
    if (db.kind === 'postgres') {
      const channel = await db.listen(CHANNEL, (payload) => {
        // `undefined`: the connection was re-established and notifications may have been missed.
        if (payload !== store.instanceId) store.announceAppend();
      });
      store.stopListening = () => channel.stop();
      store.notify = () => channel.notify(store.instanceId);
    }
    return store;
  }

  async append(stream: StreamName, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (events.length > MAX_EVENTS_PER_APPEND) throw new Error(`append takes at most ${MAX_EVENTS_PER_APPEND} events at once`);
    const expected = options.expectedRevision;
    const returning = options.returnEvents === true;
    const [event] = events;
    const result =
      events.length === 1 && event && (expected === 'no_stream' || typeof expected === 'bigint')
        ? await this.appendOne(stream, event, expected, returning)
        : await this.appendBatch(stream, events, expected, returning);
    this.announceAppend();
    this.notify?.();
    return result;
  }

  private async appendOne(stream: StreamName, event: NewEvent, expected: 'no_stream' | bigint, returning: boolean): Promise<AppendResult> {
    const after = expected === 'no_stream' ? null : expected.toString();
    const params = [stream, event.id ?? newEventId(), after, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata ?? {})];
    let rows: Array<EventRow | { position: string }>;
    try {
      rows = await this.db.run<EventRow | { position: string }>(returning ? APPEND_ONE_RETURNING : APPEND_ONE, params);
    } catch (error) {
      if (!lostRevisionRace(error)) throw unavailable(error);
      rows = [];
    }
    const [row] = rows;
    if (row && 'event_id' in row) {
      const recorded = toRecorded(row);
      return { nextExpectedRevision: recorded.revision, position: recorded.position, events: [recorded] };
    }
    if (row) return { nextExpectedRevision: expected === 'no_stream' ? 0n : expected + 1n, position: BigInt(row.position) };
    // The rare path: read what the stream is at, for the conflict to say so.
    const [current] = await guarded(() => this.db.run<{ revision: string | null }>(STREAM_REVISION, [stream]));
    throw new StreamRevisionConflictError(stream, expected, current?.revision == null ? 'no_stream' : BigInt(current.revision));
  }

  private async appendBatch(stream: StreamName, events: NewEvent[], expected: AppendOptions['expectedRevision'], returning: boolean): Promise<AppendResult> {
    const payload = appendPayload(events);
    const [kind, revision] = typeof expected === 'bigint' ? ['exact', expected.toString()] : [expected, null];
    const conflict = (current: string | null | undefined) => new StreamRevisionConflictError(stream, expected, current == null ? 'no_stream' : BigInt(current));
    for (let attempt = 1; ; attempt++) {
      try {
        return await guarded(async () => {
          if (returning) {
            const rows = await this.db.run<Partial<EventRow> & { current: string | null }>(APPEND_RETURNING, [stream, kind, revision, payload]);
            const inserted = rows.filter((r): r is EventRow & { current: string | null } => r.position != null).map(toRecorded);
            const last = inserted[inserted.length - 1];
            if (!last) throw conflict(rows[0]?.current);
            return { nextExpectedRevision: last.revision, position: last.position, events: inserted };
          }
          const [row] = await this.db.run<{ current: string | null; position: string | null; revision: string | null }>(APPEND, [stream, kind, revision, payload]);
          if (!row?.position || !row.revision) throw conflict(row?.current);
          return { nextExpectedRevision: BigInt(row.revision), position: BigInt(row.position) };
        });
      } catch (error) {
        if (!lostRevisionRace(error)) throw error;
        // The unique index refused a revision another writer committed first: only `any` may take the next one.
        if (expected !== 'any' || attempt >= ANY_ATTEMPTS) throw new StreamRevisionConflictError(stream, expected, undefined);
      }
    }
  }

  private announceAppend(): void {
    this.generation++;
    this.appended.emit('appended');
  }

  /**
   * The stable head, then every event after `after` up to a page. One append wakes every live
   * projection and reaction of this process at the same position: they share the read in flight
   * instead of each querying the store. A read is shared only while it runs and only with readers
   * that heard of no later append, so none gets an answer older than its own wake-up.
   */
  readTail(after: Position): Promise<StablePage> {
    const shared = this.sharedTail;
    if (shared && shared.generation === this.generation && shared.after === after) return shared.read;
    const read = this.readStablePage({ after, maxCount: TAIL_PAGE_SIZE });
    this.sharedTail = { generation: this.generation, after, read };
    const forget = () => {
      if (this.sharedTail?.read === read) this.sharedTail = undefined;
    };
    read.then(forget, forget);
    return read;
  }

  /**
   * One statement: the newest stable position and a page of stable events after `after`. Both are
   * read under one snapshot, so the head proves that nothing matching the filter up to it was
   * left out of a short page.
   */
  async readStablePage(options: ReadAllOptions): Promise<StablePage> {
    const filter = filterClause(options.filter, 3);
    const rows = await guarded(() =>
      this.db.query<EventRow & { stable_head: string; held_back: boolean }>(
        this.db.kind === 'pglite'
          ? // One connection, and a statement runs only while no transaction is open: everything committed is stable.
            `SELECT (SELECT coalesce(max(position), 0) FROM events)::text AS stable_head, false AS held_back, page.* FROM (SELECT) AS one LEFT JOIN LATERAL (
               SELECT ${COLUMNS} FROM events WHERE position > $1${filter.sql} ORDER BY position LIMIT $2
             ) AS page ON true`
          : `WITH bound AS MATERIALIZED (SELECT ${STABLE_BOUND} AS below),
              head AS (
                SELECT coalesce(max(position), 0)::text AS stable_head,
                       coalesce((SELECT max(position) FROM events) >= (SELECT below FROM bound), false) AS held_back
                FROM events WHERE position < (SELECT below FROM bound)
              )
         SELECT head.stable_head, head.held_back, page.* FROM head LEFT JOIN LATERAL (
           SELECT ${COLUMNS} FROM events
           WHERE position > $1 AND position < (SELECT below FROM bound)${filter.sql}
           ORDER BY position LIMIT $2
         ) AS page ON true`,
        [(options.after ?? 0n).toString(), options.maxCount, ...filter.params],
      ),
    );
    const head = BigInt(rows[0]?.stable_head ?? '0');
    const events = rows.filter((row) => row.position !== null).map(toRecorded);
    return { head, events, complete: events.length < options.maxCount, heldBack: rows[0]?.held_back === true };
  }

  async readStream(stream: StreamName, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? 1_000_000;
    if (options.direction === 'backwards') {
      const rows = await guarded(() =>
        this.db.query<EventRow>(
          `SELECT ${COLUMNS} FROM events WHERE stream_name = $1${options.fromRevision === undefined ? '' : ' AND stream_revision <= $3'} ORDER BY stream_revision DESC LIMIT $2`,
          [stream, limit, ...(options.fromRevision === undefined ? [] : [options.fromRevision.toString()])],
        ),
      );
      return rows.map(toRecorded);
    }
    const rows = await guarded(() => this.db.run<EventRow>(READ_STREAM, [stream, (options.fromRevision ?? 0n).toString(), limit]));
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.readStablePage(options)).events;
  }

  /** The same stable prefix as `readAll`, counted in the database: no event leaves it. */
  async countAll(options: ReadAllOptions): Promise<number> {
    const filter = filterClause(options.filter, 3);
    const [row] = await guarded(() =>
      this.db.query<{ count: string }>(
        `WITH bound AS MATERIALIZED (SELECT ${STABLE_BOUND} AS below)
         SELECT count(*)::text AS count FROM (
           SELECT 1 FROM events WHERE position > $1 AND position < (SELECT below FROM bound)${filter.sql} ORDER BY position LIMIT $2
         ) AS page`,
        [(options.after ?? 0n).toString(), options.maxCount, ...filter.params],
      ),
    );
    return Number(row?.count ?? 0);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return SqlSubscription.start(this, this.appended, options);
  }

  async renameStreams(renames: readonly StreamRename[]): Promise<void> {
    if (renames.length === 0) return;
    await guarded(() =>
      this.db.transaction((tx) =>
        tx.query(
          `UPDATE events e SET stream_name = r.new_name FROM jsonb_to_recordset($1::jsonb) AS r(old_name text, new_name text) WHERE e.stream_name = r.old_name`,
          [JSON.stringify(renames.map((r) => ({ old_name: r.from, new_name: r.to })))],
        ),
      ),
    );
  }

  async headPosition(): Promise<Position> {
    const [row] = await guarded(() => this.db.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM events'));
    return BigInt(row?.head ?? '0');
  }

  async ping(): Promise<void> {
    await guarded(() => this.db.query('SELECT 1'));
  }

  async close(): Promise<void> {
    this.appended.emit('closed');
    await this.stopListening?.();
    await this.db.close();
  }
}
