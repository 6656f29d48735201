import type { EventFilter, RecordedEvent } from '@fulfil/event-store';
import type { SqlExecutor } from '../database/sql-database';

/** What a projection writes through: the runner's transaction, and its own tables' names. */
export interface ProjectionTx {
  readonly sql: SqlExecutor;
  /** The qualified name of one of the projection's tables: the live one, or its shadow during a rebuild. */
  table(name: string): string;
}

/**
 * A reaction whose whole effect is SQL in the read-model database. The runner applies each batch
 * in the same transaction that moves the checkpoint, so an event's effect lands exactly once.
 * `apply` must still be idempotent per event (a replay of an applied event changes nothing), and
 * deterministic: it may read only the events and its own tables, never the clock.
 */
export interface SqlProjection {
  readonly kind: 'projection';
  readonly name: string;
  readonly filter?: EventFilter;
  /** The tables it owns; a rebuild replaces them together. */
  readonly tables: readonly string[];
  apply(tx: ProjectionTx, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * A reaction with an effect outside the database (auto invoice, WhatsApp, ONDC calls). The runner
 * stores the checkpoint in its own transaction after `handle` resolves, so after a crash the
 * event is handled again: `handle` must be idempotent, e.g. by sending commands whose idempotency
 * key is the event id.
 */
export interface Reaction {
  readonly kind: 'reaction';
  readonly name: string;
  readonly filter?: EventFilter;
  /**
   * How many events of different streams may be handled at once (default 1: one at a time, in
   * position order). Events of one stream are always handled one after another, in order, and the
   * checkpoint never passes an event that is not done, so a crash redoes whatever was in flight.
   */
  readonly concurrency?: number;
  handle(event: RecordedEvent): Promise<void>;
}

export type Subscriber = SqlProjection | Reaction;
