import type { Actor, EventMetadata } from '@fulfil/domain';
import type { JsonObject } from '@fulfil/event-store';

/** Like every event, the channel's own events say who caused them and why (domain.md, "Actors"). */
export function whatsAppMetadata(actor: Actor, correlationId: string, causationId: string): JsonObject {
  const metadata: EventMetadata = { actor, channel: 'whatsapp', correlationId, causationId };
  return metadata as unknown as JsonObject;
}

export const SENDER_ACTOR: Actor = { type: 'system', id: 'whatsapp-sender' };
export const NOTIFIER_ACTOR: Actor = { type: 'system', id: 'whatsapp-notifications' };
