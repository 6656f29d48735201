import { loadStream, orderDecider } from '@fulfil/commands';
import { orderRefOfStream, orderStream, type OrderEvent, type OrderState, type RegisteredSeller } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import type { Reaction } from '@fulfil/read-models';
import { outboxIdFor } from '../outbox/outbox-message';
import { queueMessage } from '../outbox/whatsapp-outbox';
import { NOTIFIER_ACTOR } from '../whatsapp-metadata';
import { NOTIFYING_EVENT_TYPES, notificationsFor } from './order-notifications';

export interface WhatsAppNotifierDeps {
  store: EventStore;
  findSeller: (sellerId: string) => Promise<RegisteredSeller | undefined>;
  defaultCountryCode: string;
  clock?: () => Date;
}

/**
 * Queues the messages order events call for. It only queues (the sender sends), and each message's
 * outbox id comes from the event id, so handling an event again after a crash queues nothing new.
 */
export class WhatsAppNotifier {
  constructor(private readonly deps: WhatsAppNotifierDeps) {}

  async handle(event: RecordedEvent): Promise<void> {
    const ref = orderRefOfStream(event.stream);
    if (!ref) return;
    const { orderId } = ref;
    const { state: order } = await loadStream<OrderState, OrderEvent>(this.deps.store, orderStream(ref.sellerId, orderId), orderDecider);
    if (order.status !== 'active') return;
    const seller = await this.deps.findSeller(order.sellerId);
    const notifications = notificationsFor(event.id, { type: event.type, data: event.data } as unknown as OrderEvent, order, {
      sellerNumber: seller?.settings.whatsappNumber,
      defaultCountryCode: this.deps.defaultCountryCode,
    });
    const now = (this.deps.clock ?? (() => new Date()))();
    for (const n of notifications) {
      await queueMessage(this.deps.store, { outboxId: outboxIdFor(n.key), to: n.to, purpose: n.purpose, sellerId: order.sellerId, orderId, message: n.message }, now, {
        actor: NOTIFIER_ACTOR,
        correlationId: typeof event.metadata['correlationId'] === 'string' ? event.metadata['correlationId'] : event.id,
        causationId: event.id,
      });
    }
  }
}

/** The notifier as a reaction of the read-model runner, with its own checkpoint. */
export const whatsAppNotificationsReaction = (notifier: WhatsAppNotifier): Reaction => ({
  kind: 'reaction',
  name: 'whatsapp-notifications',
  filter: { kind: 'eventType', prefixes: [...NOTIFYING_EVENT_TYPES] },
  handle: (event) => notifier.handle(event),
});
