import type { Position } from '@fulfil/event-store';
import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';
import type { SqlExecutor } from '../database/sql-database';

/** The event a subscriber could not get past, as recorded for operators and health checks. */
export interface SubscriberFailure {
  stream: string;
  position: Position;
  eventId: string;
  eventType: string;
  error: string;
  failedAt: Date;
}

export interface Checkpoint {
  name: string;
  /** Everything at or below this position is applied; 0 means nothing yet. */
  position: Position;
  updatedAt: Date;
  failure?: SubscriberFailure;
}

/**
 * The stored checkpoint moved under a runner: a rebuild swapped the tables in, or another
 * instance runs the same subscriber. The runner must reload it rather than write over it.
 */
export class CheckpointMovedError extends Error {
  constructor(readonly subscriber: string, readonly expected: Position) {
    super(`Checkpoint of ${subscriber} is no longer at ${expected}: another writer moved it`);
    this.name = 'CheckpointMovedError';
  }
}

interface CheckpointRow {
  name: string;
  position: string;
  updated_at: Date;
  failed_at: Date | null;
  failed_stream: string | null;
  failed_position: string | null;
  failed_event_id: string | null;
  failed_event_type: string | null;
  failed_error: string | null;
}

const COLUMNS = `name, position::text AS position, updated_at, failed_at, failed_stream, failed_position::text AS failed_position,
  failed_event_id, failed_event_type, failed_error`;

function toCheckpoint(row: CheckpointRow): Checkpoint {
  const failed = row.failed_at !== null;
  return {
    name: row.name,
    position: BigInt(row.position),
    updatedAt: row.updated_at,
    ...(failed
      ? {
          failure: {
            stream: row.failed_stream ?? '',
            position: BigInt(row.failed_position ?? '0'),
            eventId: row.failed_event_id ?? '',
            eventType: row.failed_event_type ?? '',
            error: row.failed_error ?? '',
            failedAt: row.failed_at!,
          },
        }
      : {}),
  };
}

/** One row per subscriber (projection or reaction) in `projection_checkpoints`. */
export class CheckpointStore {
  private readonly table: string;

  constructor(schemas: ReadModelSchemas) {
    this.table = qualifiedName(schemas.internal, 'projection_checkpoints');
  }

  /** The subscriber's checkpoint, created at position 0 the first time it is asked for. */
  async load(sql: SqlExecutor, name: string): Promise<Checkpoint> {
    await sql.query(`INSERT INTO ${this.table} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
    const { rows } = await sql.query<CheckpointRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE name = $1`, [name]);
    return toCheckpoint(rows[0]!);
  }

  /** The stored checkpoint without creating it: what a standby instance reports. */
  async peek(sql: SqlExecutor, name: string): Promise<Checkpoint | undefined> {
    const { rows } = await sql.query<CheckpointRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  async all(sql: SqlExecutor): Promise<Checkpoint[]> {
    const { rows } = await sql.query<CheckpointRow>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY name`);
    return rows.map(toCheckpoint);
  }

  /**
   * Moves the checkpoint from `from` to `to` inside the caller's transaction, and only if it still
   * is at `from`. Issued first in the transaction, the update also locks the row, so a rebuild's
   * swap waits for (or blocks) this transaction instead of interleaving with it.
   */
  async advance(sql: SqlExecutor, name: string, from: Position, to: Position): Promise<void> {
    const { rowCount } = await sql.query(
      `UPDATE ${this.table} SET position = $3::numeric, updated_at = now() WHERE name = $1 AND position = $2::numeric`,
      [name, from.toString(), to.toString()],
    );
    if (rowCount !== 1) throw new CheckpointMovedError(name, from);
  }

  /** Locks the row for a rebuild's swap and reads where the live runner stands. */
  async lockForSwap(sql: SqlExecutor, name: string): Promise<Position> {
    await this.load(sql, name);
    const { rows } = await sql.query<{ position: string }>(`SELECT position::text AS position FROM ${this.table} WHERE name = $1 FOR UPDATE`, [name]);
    return BigInt(rows[0]!.position);
  }

  /** After a swap: the rebuilt tables stand at `position`, and any recorded failure is cleared. */
  async resetAfterRebuild(sql: SqlExecutor, name: string, position: Position): Promise<void> {
    await sql.query(
      `UPDATE ${this.table} SET position = $2::numeric, updated_at = now(), rebuilt_at = now(),
         failed_at = NULL, failed_stream = NULL, failed_position = NULL, failed_event_id = NULL, failed_event_type = NULL, failed_error = NULL
       WHERE name = $1`,
      [name, position.toString()],
    );
  }

  async recordFailure(sql: SqlExecutor, name: string, failure: SubscriberFailure): Promise<void> {
    await sql.query(
      `UPDATE ${this.table} SET failed_at = $2, failed_stream = $3, failed_position = $4::numeric, failed_event_id = $5,
         failed_event_type = $6, failed_error = $7 WHERE name = $1`,
      [name, failure.failedAt, failure.stream, failure.position.toString(), failure.eventId, failure.eventType, failure.error],
    );
  }

  /** A restarted runner tries the failed event again (the code may have been fixed); it records it anew if it still fails. */
  async clearFailure(sql: SqlExecutor, name: string): Promise<void> {
    await sql.query(
      `UPDATE ${this.table} SET failed_at = NULL, failed_stream = NULL, failed_position = NULL, failed_event_id = NULL,
         failed_event_type = NULL, failed_error = NULL WHERE name = $1`,
      [name],
    );
  }
}
