import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, loadStream, orderDecider } from '@fulfil/commands';
import { ActiveOrder, OrderEvent, OrderState, orderStream, requireOrder } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';

/** Reads one order of the calling seller from its stream; another seller's order is "not found". */
@Injectable()
export class OrderReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(sellerId: string, orderId: string): Promise<{ order: ActiveOrder; events: readonly RecordedEvent[] }> {
    const { state, events } = await loadStream<OrderState, OrderEvent>(this.store, orderStream(sellerId, orderId), orderDecider);
    return { order: requireOrder(state, sellerId, orderId), events };
  }
}
