import type { Actor, EventMetadata } from '@fulfil/domain';
import type { JsonObject, RecordedEvent } from '@fulfil/event-store';

/** The adapter itself: its decisions, the requests it sends and what it records of their answers. */
export const ADAPTER_ACTOR: Actor = { type: 'system', id: 'ondc-logistics-adapter' };

/** A partner on the network, for the callbacks it sent. */
export const partnerActor = (bppId: string): Actor => ({ type: 'ondc-partner', id: bppId });

/**
 * Like every event, the adapter's own say who caused them and why: the correlation is the ONDC
 * transaction (or the causing event's correlation), the causation the event or message id that led to it.
 */
export function ondcMetadata(actor: Actor, correlationId: string, causationId: string): JsonObject {
  const metadata: EventMetadata = { actor, channel: 'ondc', correlationId, causationId };
  return metadata as unknown as JsonObject;
}

/** A reaction's metadata: the causing event's correlation, the event itself as the cause. */
export function reactionMetadata(cause: RecordedEvent): JsonObject {
  const correlation = cause.metadata['correlationId'];
  return ondcMetadata(ADAPTER_ACTOR, typeof correlation === 'string' ? correlation : cause.id, cause.id);
}
