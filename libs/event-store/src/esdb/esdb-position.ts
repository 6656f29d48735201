/**
 * Mapping between the port's single `Position` (bigint) and EventStoreDB's `$all` position, a pair
 * `{ commit, prepare }` of unsigned 64-bit log offsets ordered by commit, then prepare.
 *
 * The pair is packed losslessly: `position = commit * 2^64 + prepare`. Numeric order of the packed
 * value is exactly EventStoreDB's order, and unpacking gives back the very pair the server sent. That
 * matters because not every position the server hands out is an event's: filtered subscriptions send
 * checkpoints such as `{ commit: nextRecord, prepare: 0 }`, which sort *before* the event stored at
 * `nextRecord`. Keeping only the commit position would turn that checkpoint into the event's own
 * position and a resume from it would skip the event. See docs/adr/0003-eventstoredb-adapter.md.
 */
import { START, type Position as EsdbPosition, type ReadPosition } from '@eventstore/db-client';
import type { Position } from '../event-store';

const HALF_WIDTH = 64n;
const LOW_MASK = (1n << HALF_WIDTH) - 1n;
/** What EventStoreDB before 22.6 sends (-1 as unsigned) for events read from a stream: "no position". */
const NO_POSITION = LOW_MASK;

export function toPortPosition({ commit, prepare }: EsdbPosition): Position {
  return (commit << HALF_WIDTH) | prepare;
}

export function toEsdbPosition(position: Position): EsdbPosition {
  return { commit: position >> HALF_WIDTH, prepare: position & LOW_MASK };
}

/** Where to start an exclusive read or subscription; no position, or 0n (the head of an empty store), means the very start. */
export function esdbStartAfter(after: Position | undefined): ReadPosition {
  return after === undefined || after <= 0n ? START : toEsdbPosition(after);
}

/**
 * An append reports `{ commit: last event's log position, prepare: first event's }`, not an event's
 * position; an event written by an append commits itself, so its own position is `{ commit: L, prepare: L }`.
 */
export function lastAppendedPosition(reported: EsdbPosition): Position {
  return toPortPosition({ commit: reported.commit, prepare: reported.commit });
}

export function isKnownPosition(position: EsdbPosition | undefined): position is EsdbPosition {
  return position !== undefined && position.commit !== NO_POSITION;
}
