import { StreamRevisionConflictError, newEventId, type EventStore, type JsonObject } from '@fulfil/event-store';
import type { StatusUpdate } from '../webhook/webhook-payload';
import { evolveOutbox, outboxStream, sentMessageStream, type OutboxEntry, type OutboxEvent, type QueuedMessage } from './outbox-message';
import { judgeSendFailure } from './send-failure-policy';
import type { WhatsAppSenderTuning } from '../whatsapp-config';
import { SENDER_ACTOR, whatsAppMetadata } from '../whatsapp-metadata';
import type { Actor } from '@fulfil/domain';

/** What caused an outbox write: the order event, inbound message or send it follows from. */
export interface OutboxCause {
  actor: Actor;
  correlationId: string;
  causationId: string;
}

const toNew = (event: OutboxEvent, cause: OutboxCause) => ({
  id: newEventId(),
  type: event.type,
  data: event.data as unknown as JsonObject,
  metadata: whatsAppMetadata(cause.actor, cause.correlationId, cause.causationId),
});

const senderCause = (outboxId: string): OutboxCause => ({ actor: SENDER_ACTOR, correlationId: outboxId, causationId: outboxId });

export interface LoadedEntry {
  entry: OutboxEntry | undefined;
  revision: bigint | undefined;
}

export async function loadOutboxEntry(store: EventStore, outboxId: string): Promise<LoadedEntry> {
  const events = await store.readStream(outboxStream(outboxId));
  const entry = events.reduce<OutboxEntry | undefined>((e, r) => evolveOutbox(e, { type: r.type, data: r.data } as unknown as OutboxEvent), undefined);
  return { entry, revision: events[events.length - 1]?.revision };
}

/** Queues a message once: the outbox id is derived from its cause, and a second queueing finds the stream taken. */
export async function queueMessage(store: EventStore, message: QueuedMessage, now: Date, cause: OutboxCause): Promise<boolean> {
  try {
    await store.append(outboxStream(message.outboxId), [toNew({ type: 'WhatsAppMessageQueued', data: { ...message, queuedAt: now.toISOString() } }, cause)], { expectedRevision: 'no_stream' });
    return true;
  } catch (error) {
    if (error instanceof StreamRevisionConflictError) return false;
    throw error;
  }
}

export async function appendOutboxEvent(store: EventStore, outboxId: string, event: OutboxEvent, expectedRevision: bigint): Promise<bigint> {
  const result = await store.append(outboxStream(outboxId), [toNew(event, senderCause(outboxId))], { expectedRevision });
  return result.nextExpectedRevision;
}

/** Remembers which outbox entry a Meta message id belongs to. */
export async function indexSentMessage(store: EventStore, waMessageId: string, outboxId: string): Promise<void> {
  const metadata = whatsAppMetadata(SENDER_ACTOR, outboxId, outboxId);
  await store.append(sentMessageStream(waMessageId), [{ id: newEventId(), type: 'WhatsAppMessageIdAssigned', data: { waMessageId, outboxId }, metadata }], { expectedRevision: 'any' });
}

export type StatusOutcome = 'recorded' | 'duplicate' | 'unknown-message';

/**
 * Records a status webhook against the message it reports on. Duplicates (same message and
 * status) change nothing; a `failed` status is judged like a failed send: retried after a backoff
 * (rate limits) or reported for good (re-engagement needed, undeliverable).
 */
export async function recordDeliveryStatus(store: EventStore, update: StatusUpdate, tuning: WhatsAppSenderTuning, now: Date): Promise<StatusOutcome> {
  for (let attempt = 1; ; attempt++) {
    const index = await store.readStream(sentMessageStream(update.messageId), { maxCount: 1 });
    const outboxId = index[0]?.data['outboxId'];
    if (typeof outboxId !== 'string') return 'unknown-message';
    const { entry, revision } = await loadOutboxEntry(store, outboxId);
    if (!entry || revision === undefined) return 'unknown-message';
    if (entry.waMessageId !== update.messageId || entry.statuses.includes(update.status)) return 'duplicate';
    const at = now.toISOString();
    const events: OutboxEvent[] = [{ type: 'WhatsAppDeliveryStatusRecorded', data: { outboxId, waMessageId: update.messageId, status: update.status, errors: update.errors, at } }];
    if (update.status === 'failed') {
      const code = update.errors[0]?.code;
      const verdict = judgeSendFailure(code, undefined, entry.attempts, tuning);
      events.push({
        type: 'WhatsAppSendFailed',
        data: {
          outboxId,
          attempt: entry.attempts,
          ...(code !== undefined ? { code } : {}),
          reason: verdict.reason,
          final: verdict.final,
          ...(verdict.final ? {} : { retryAt: new Date(now.getTime() + verdict.retryInMs).toISOString() }),
          failedAt: at,
        },
      });
    }
    try {
      const cause: OutboxCause = { actor: { type: 'system', id: 'whatsapp-webhook' }, correlationId: outboxId, causationId: update.messageId };
      await store.append(outboxStream(outboxId), events.map((e) => toNew(e, cause)), { expectedRevision: revision });
      return 'recorded';
    } catch (error) {
      // The sender or another delivery wrote in between: read again and judge afresh.
      if (!(error instanceof StreamRevisionConflictError) || attempt >= 5) throw error;
    }
  }
}
