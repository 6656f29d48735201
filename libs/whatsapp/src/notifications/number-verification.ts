import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import type { Reaction } from '@fulfil/read-models';
import { outboxIdFor } from '../outbox/outbox-message';
import { queueMessage } from '../outbox/whatsapp-outbox';
import { NOTIFIER_ACTOR } from '../whatsapp-metadata';

const REQUESTED = 'SellerWhatsAppNumberVerificationRequested';

/**
 * Queues the verification code for a WhatsApp number a seller set. Only the request's sequence is
 * queued; the sender derives the code, so it never stands in an event. Keyed by the event id, so
 * handling it again queues nothing new.
 */
export async function queueWhatsAppNumberCode(store: EventStore, event: RecordedEvent, now: Date): Promise<void> {
  const { sellerId, number, codeSequence } = event.data as { sellerId: string; number: string; codeSequence: number };
  await queueMessage(
    store,
    { outboxId: outboxIdFor(`whatsapp-number-code:${event.id}`), to: number, purpose: 'whatsapp-number-code', sellerId, message: { kind: 'whatsapp-number-code', sellerId, number, codeSequence } },
    now,
    { actor: NOTIFIER_ACTOR, correlationId: typeof event.metadata['correlationId'] === 'string' ? event.metadata['correlationId'] : event.id, causationId: event.id },
  );
}

export const whatsAppNumberCodesReaction = (store: EventStore, clock: () => Date = () => new Date()): Reaction => ({
  kind: 'reaction',
  name: 'whatsapp-number-codes',
  filter: { kind: 'eventType', prefixes: [REQUESTED] },
  handle: (event) => (event.type === REQUESTED ? queueWhatsAppNumberCode(store, event, clock()) : Promise.resolve()),
});
