import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { EventStoreUnavailableError, StreamRevisionConflictError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamName,
  StreamRevision,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import type { SqlConnection, SqlRunner, SqlValue } from './sql-connection';
import { SqlSubscription, TAIL_PAGE_SIZE, type TailRead, type TailSource } from './sql-subscription';

const CHANNEL = 'fulfilment_events_appended';
/** Any constant works: it only has to be the same for every writer of this database. */
const APPEND_LOCK = 7_270_041;

const SCHEMA = `
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

/** Connection failures (as opposed to SQL errors) are reported as the store being unavailable. */
function unavailable(error: unknown): Error {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  // FATAL ends the session whatever the code: the server refusing connections (55000 while the database is closed, 53300 when full) is an outage too.
  const transient =
    severity === 'FATAL' || (typeof code === 'string' && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) || /^(08|57P)/.test(code)));
  // pg reports a client whose connection already failed as "not queryable", without a code.
  if (transient || (error instanceof Error && /Connection terminated|connection.*closed|not queryable/i.test(error.message))) {
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

function checkExpected(stream: StreamName, expected: ExpectedRevision, current: StreamRevision | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'bigint' && current === expected);
  if (!ok) throw new StreamRevisionConflictError(stream, expected, current ?? 'no_stream');
}

/**
 * The event store on PostgreSQL, for a server and for embedded PGlite alike.
 *
 * Ordering: appends take one transaction-scoped advisory lock, so positions are handed out in
 * commit order and an event becomes visible only after every event with a lower position. A
 * reader therefore never sees position N+1 while N could still commit; see ADR 0002.
 */
export class SqlEventStore implements EventStore, TailSource {
  private readonly appended = new EventEmitter();
  /** Sent with each NOTIFY, so this store does not take its own appends, already announced, for another process's. */
  private readonly instanceId = randomUUID();
  private stopListening: (() => Promise<void>) | undefined;
  /** Counts the appends this process has heard of; a tail read serves only readers of its own count. */
  private generation = 0;
  private sharedTail: { generation: number; after: Position; read: Promise<TailRead> } | undefined;

  private constructor(private readonly db: SqlConnection) {
    this.appended.setMaxListeners(0);
  }

  static async open(db: SqlConnection): Promise<SqlEventStore> {
    const store = new SqlEventStore(db);
    await guarded(() => db.exec(SCHEMA));
    // Other processes appending to the same server wake our subscriptions; our own appends do it
    // directly. An embedded database has no other process.
    if (db.kind === 'postgres') {
      store.stopListening = await db.listen(CHANNEL, (payload) => {
        if (payload !== store.instanceId) store.announceAppend();
      });
    }
    return store;
  }

  async append(stream: StreamName, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const payload = JSON.stringify(events.map((e) => ({ id: e.id ?? randomUUID(), type: e.type, data: e.data, metadata: e.metadata ?? {} })));
    const result = await guarded(() =>
      this.db.transaction(async (tx) => {
        if (this.db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
        const current = await this.currentRevision(tx, stream);
        checkExpected(stream, options.expectedRevision, current);
        const first = current === undefined ? 0n : current + 1n;
        const rows = await tx.query<{ position: string }>(
          `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata)
           SELECT (e.value->>'id')::uuid, $1, $2::bigint + e.ordinality - 1, e.value->>'type', e.value->'data', e.value->'metadata'
           FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e
           ORDER BY e.ordinality
           RETURNING position`,
          [stream, first.toString(), payload],
        );
        await tx.query(`SELECT pg_notify('${CHANNEL}', $1)`, [this.instanceId]);
        const last = rows.reduce((max, r) => (BigInt(r.position) > max ? BigInt(r.position) : max), 0n);
        return { nextExpectedRevision: first + BigInt(events.length) - 1n, position: last };
      }),
    );
    this.announceAppend();
    return result;
  }

  private announceAppend(): void {
    this.generation++;
    this.appended.emit('appended');
  }

  /**
   * The head, then every event after `after` up to a page. One append wakes every live projection
   * and reaction of this process at the same position: they share the read in flight instead of
   * each querying the store. A read is shared only while it runs and only with readers that heard
   * of no later append, so none gets an answer older than its own wake-up.
   */
  readTail(after: Position): Promise<TailRead> {
    const shared = this.sharedTail;
    if (shared && shared.generation === this.generation && shared.after === after) return shared.read;
    const read = (async (): Promise<TailRead> => {
      const head = await this.headPosition();
      const events = await this.readAll({ after, maxCount: TAIL_PAGE_SIZE });
      return { head, events, complete: events.length < TAIL_PAGE_SIZE };
    })();
    this.sharedTail = { generation: this.generation, after, read };
    const forget = () => {
      if (this.sharedTail?.read === read) this.sharedTail = undefined;
    };
    read.then(forget, forget);
    return read;
  }

  private async currentRevision(tx: SqlRunner, stream: StreamName): Promise<StreamRevision | undefined> {
    const [row] = await tx.query<{ revision: string | null }>('SELECT max(stream_revision)::text AS revision FROM events WHERE stream_name = $1', [stream]);
    return row?.revision == null ? undefined : BigInt(row.revision);
  }

  async readStream(stream: StreamName, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await guarded(() =>
      this.db.query<EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_name = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
        [stream, (options.fromRevision ?? 0n).toString(), options.maxCount ?? 1_000_000],
      ),
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const filter = filterClause(options.filter, 3);
    const rows = await guarded(() =>
      this.db.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > $1${filter.sql} ORDER BY position LIMIT $2`, [
        (options.after ?? 0n).toString(),
        options.maxCount,
        ...filter.params,
      ]),
    );
    return rows.map(toRecorded);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return SqlSubscription.start(this, this.appended, options);
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
