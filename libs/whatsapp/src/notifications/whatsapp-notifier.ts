import { issueDecider, loadStream, orderDecider } from '@fulfil/commands';
import { issueRefOfStream, issueStream, orderRefOfStream, orderStream, type IssueEvent, type IssueState, type OrderEvent, type OrderState, type RegisteredSeller } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import type { Reaction } from '@fulfil/read-models';
import { outboxIdFor } from '../outbox/outbox-message';
import { queueMessage } from '../outbox/whatsapp-outbox';
import { NOTIFIER_ACTOR } from '../whatsapp-metadata';
import { NOTIFYING_ISSUE_EVENT_TYPES, issueNotificationsFor } from './issue-notifications';
import { NOTIFYING_EVENT_TYPES, notificationsFor, type Notification } from './order-notifications';

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
    if (issueRefOfStream(event.stream)) return this.handleIssueEvent(event);
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
    await this.queue(event, notifications, order.sellerId, orderId);
  }

  /** The partner's answers to the seller's issues, told on WhatsApp and kept with the order's messages. */
  private async handleIssueEvent(event: RecordedEvent): Promise<void> {
    const ref = issueRefOfStream(event.stream)!;
    const { state: issue } = await loadStream<IssueState, IssueEvent>(this.deps.store, issueStream(ref.sellerId, ref.issueId), issueDecider);
    if (issue.status === 'none') return;
    const seller = await this.deps.findSeller(issue.sellerId);
    const actor = event.metadata['actor'] as { type?: unknown } | undefined;
    const notifications = issueNotificationsFor(event.id, { type: event.type, data: event.data } as unknown as IssueEvent, issue, {
      sellerNumber: seller?.settings.whatsappNumber,
      defaultCountryCode: this.deps.defaultCountryCode,
      ...(typeof actor?.type === 'string' ? { actorType: actor.type } : {}),
    });
    await this.queue(event, notifications, issue.sellerId, issue.orderId);
  }

  private async queue(event: RecordedEvent, notifications: readonly Notification[], sellerId: string, orderId: string): Promise<void> {
    const now = (this.deps.clock ?? (() => new Date()))();
    for (const n of notifications) {
      await queueMessage(this.deps.store, { outboxId: outboxIdFor(n.key), to: n.to, purpose: n.purpose, sellerId, orderId, message: n.message }, now, {
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
  filter: { kind: 'eventType', prefixes: [...NOTIFYING_EVENT_TYPES, ...NOTIFYING_ISSUE_EVENT_TYPES] },
  handle: (event) => notifier.handle(event),
});
