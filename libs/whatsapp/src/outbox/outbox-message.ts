import { createHash } from 'node:crypto';
import type { QuickReplyButton, ReplyButton } from '../cloud-api/outgoing-message';

/**
 * A message as queued in the store. It names what to send, not always the final bytes: documents
 * are rendered and uploaded when sent, and the delivery OTP is derived only then, so the plain OTP
 * never stands in an event.
 */
export type PlannedMessage =
  | { kind: 'text'; body: string }
  | { kind: 'buttons'; body: string; buttons: ReplyButton[] }
  | { kind: 'order-template'; orderId: string; amount: string; payment: string; quickReplies: QuickReplyButton[] }
  | { kind: 'invoice-document'; orderId: string; caption: string }
  | { kind: 'label-document'; orderId: string; shipmentId: string; caption: string }
  | { kind: 'delivery-otp'; orderId: string; shipmentId: string; otpSequence: number }
  /** To the seller: a pickup or delivery failed, with quick replies for their answer. */
  | { kind: 'attempt-failed-template'; orderId: string; failed: string; reason: string; nextAttempt: string; quickReplies: QuickReplyButton[] }
  /** To the buyer: when the next delivery attempt comes. */
  | { kind: 'delivery-attempt-template'; orderId: string; nextAttempt: string }
  /** A seller's WhatsApp number verification code, derived like the delivery OTP when sent. */
  | { kind: 'whatsapp-number-code'; sellerId: string; number: string; codeSequence: number };

export interface QueuedMessage {
  outboxId: string;
  to: string;
  /** Why it is sent, e.g. `order-received`, `reply`; for the outbox listing and metrics. */
  purpose: string;
  sellerId?: string;
  orderId?: string;
  message: PlannedMessage;
}

export const outboxStream = (outboxId: string): string => `whatsapp-outbox-${outboxId}`;
export const OUTBOX_STREAM_PREFIX = 'whatsapp-outbox-';
/** Maps Meta's message id back to our outbox entry, for status webhooks. */
export const sentMessageStream = (waMessageId: string): string => `whatsapp-sent-${createHash('sha256').update(waMessageId).digest('hex').slice(0, 40)}`;

/** The same cause always names the same outbox entry, so queueing it twice queues it once. */
export const outboxIdFor = (cause: string): string => createHash('sha256').update(cause).digest('hex').slice(0, 32);

export type SendPhase = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';

export type OutboxEvent =
  | { type: 'WhatsAppMessageQueued'; data: QueuedMessage & { queuedAt: string } }
  | { type: 'WhatsAppSendStarted'; data: { outboxId: string; attempt: number; startedAt: string } }
  | { type: 'WhatsAppMessageSent'; data: { outboxId: string; attempt: number; waMessageId: string; sentAt: string } }
  | { type: 'WhatsAppSendFailed'; data: { outboxId: string; attempt: number; code?: number; reason: string; final: boolean; retryAt?: string; failedAt: string } }
  | { type: 'WhatsAppDeliveryStatusRecorded'; data: { outboxId: string; waMessageId: string; status: 'sent' | 'delivered' | 'read' | 'failed'; errors: Array<{ code: number; title: string }>; at: string } };

export interface OutboxEntry extends QueuedMessage {
  phase: SendPhase;
  attempts: number;
  /** When a retry is due (ISO), while `phase` is `queued` after a failure. */
  retryAt?: string;
  waMessageId?: string;
  lastError?: { code?: number; reason: string };
  statuses: string[];
}

const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/** Folds an outbox entry's stream; statuses only move forward, whatever order they arrive in. */
export function evolveOutbox(entry: OutboxEntry | undefined, event: OutboxEvent): OutboxEntry | undefined {
  if (event.type === 'WhatsAppMessageQueued') {
    const { queuedAt: _queuedAt, ...queued } = event.data;
    return { ...queued, phase: 'queued', attempts: 0, statuses: [] };
  }
  if (!entry) return entry;
  switch (event.type) {
    case 'WhatsAppSendStarted':
      return { ...entry, phase: 'sending', attempts: event.data.attempt };
    case 'WhatsAppMessageSent':
      // Statuses are about one Meta message id; a resend starts afresh.
      return { ...entry, phase: 'sent', waMessageId: event.data.waMessageId, statuses: [] };
    case 'WhatsAppSendFailed': {
      const { retryAt: _retryAt, ...rest } = entry;
      const lastError = { ...(event.data.code !== undefined ? { code: event.data.code } : {}), reason: event.data.reason };
      if (event.data.final) return { ...rest, phase: event.data.code === undefined && event.data.reason === 'outcome unknown' ? 'unknown' : 'failed', lastError };
      return { ...rest, phase: 'queued', lastError, ...(event.data.retryAt ? { retryAt: event.data.retryAt } : {}) };
    }
    case 'WhatsAppDeliveryStatusRecorded': {
      const statuses = [...entry.statuses, event.data.status];
      if (event.data.status === 'failed') return { ...entry, statuses };
      const phase = (STATUS_RANK[event.data.status] ?? 0) > (STATUS_RANK[entry.phase] ?? 0) ? event.data.status : entry.phase;
      return { ...entry, phase, statuses };
    }
  }
}
