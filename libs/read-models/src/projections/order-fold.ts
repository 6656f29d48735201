import { evolveOrder, initialOrderState, type ActiveOrder, type OrderEvent } from '@fulfil/domain';
import type { RecordedEvent, StreamRevision } from '@fulfil/event-store';
import { toOrderEvent } from './order-event-facts';
import { alreadyApplied } from './stream-revision';

/** An order folded with the domain's own `evolveOrder`, and the last revision of its stream folded in. */
export interface FoldedOrder {
  state: ActiveOrder;
  revision: StreamRevision;
}

export interface FoldStep extends FoldedOrder {
  event: OrderEvent;
}

export class OrderStreamStartError extends Error {
  constructor(readonly stream: string, readonly type: string) {
    super(`Order stream ${stream} starts with ${type}, not OrderReceived`);
    this.name = 'OrderStreamStartError';
  }
}

/** Folds the next event of an order's stream; undefined when the event was folded before (a redelivery). */
export function foldOrderEvent(current: FoldedOrder | undefined, recorded: RecordedEvent): FoldStep | undefined {
  if (alreadyApplied(current?.revision, recorded)) return undefined;
  const event = toOrderEvent(recorded);
  const state = evolveOrder(current?.state ?? initialOrderState(), event);
  if (state.status !== 'active') throw new OrderStreamStartError(recorded.stream, recorded.type);
  return { state, revision: recorded.revision, event };
}

/** A fold read back from a projection's table (`state` jsonb, `last_revision` as text). */
export const storedFold = (row: { state: ActiveOrder; last_revision: string }): FoldedOrder => ({
  state: row.state,
  revision: BigInt(row.last_revision),
});
