import type { RecordedEvent } from '@fulfil/event-store';
import type { SqlProjection } from '@fulfil/read-models';
import { evolveOutbox, type OutboxEntry, type OutboxEvent, type PlannedMessage } from './outbox-message';

const OUTBOX_EVENT_TYPES: ReadonlySet<string> = new Set(['WhatsAppMessageQueued', 'WhatsAppSendStarted', 'WhatsAppMessageSent', 'WhatsAppSendFailed', 'WhatsAppDeliveryStatusRecorded']);
const HANDLED = 'WhatsAppMessageHandled';
const TABLE = 'whatsapp_messages';

const withButtons = (body: string, titles: string[]): string => (titles.length ? `${body} [${titles.join(' | ')}]` : body);

/**
 * What a queued message says, as the seller reads it on the order page. Codes are derived only
 * when sent and never stand in the plan, so none can appear here: the OTP message says it was sent.
 */
export function plannedMessageText(plan: PlannedMessage): string {
  switch (plan.kind) {
    case 'text':
      return plan.body;
    case 'buttons':
      return withButtons(plan.body, plan.buttons.map((b) => b.title));
    case 'order-template':
      return withButtons(`New order ${plan.orderId}: ${plan.amount}, ${plan.payment}`, plan.quickReplies.map((q) => q.text));
    case 'attempt-failed-template':
      return withButtons(`Order ${plan.orderId}: ${plan.failed} failed (${plan.reason}). Next attempt: ${plan.nextAttempt}`, plan.quickReplies.map((q) => q.text));
    case 'delivery-attempt-template':
      return `Order ${plan.orderId}: the next delivery attempt is ${plan.nextAttempt}`;
    case 'invoice-document':
    case 'label-document':
      return `Document: ${plan.caption}`;
    case 'delivery-otp':
      return `The buyer's delivery OTP for order ${plan.orderId} (the code is not kept)`;
    case 'whatsapp-number-code':
      return 'A verification code for the WhatsApp number (the code is not kept)';
  }
}

/** The row of one message: a sent one keyed by its outbox id, a received one by Meta's id. */
interface MessageRow {
  message_key: string;
  seller_id: string;
  order_id: string;
  direction: 'sent' | 'received';
  number: string;
  purpose: string;
  text: string;
  phase: string;
  at: string;
  first_position: string;
  last_position: string;
  entry: OutboxEntry | null;
}

const keyOf = (event: RecordedEvent): string => (event.type === HANDLED ? `in:${String(event.data['messageId'])}` : String(event.data['outboxId']));

/** A message's new row after one event; undefined when the event concerns no order (a number code, a message before it was kept). */
function applied(row: MessageRow | undefined, event: RecordedEvent): MessageRow | undefined {
  const position = event.position.toString();
  if (row && BigInt(row.last_position) >= event.position) return row;
  if (event.type === HANDLED) {
    const d = event.data;
    if (typeof d['sellerId'] !== 'string' || typeof d['orderId'] !== 'string') return row;
    return {
      message_key: keyOf(event),
      seller_id: d['sellerId'],
      order_id: d['orderId'],
      direction: 'received',
      number: String(d['from']),
      purpose: String(d['kind']),
      text: typeof d['text'] === 'string' ? d['text'] : `(${String(d['kind'])})`,
      phase: String(d['outcome']),
      at: String(d['handledAt']),
      first_position: position,
      last_position: position,
      entry: null,
    };
  }
  const outboxEvent = { type: event.type, data: event.data } as unknown as OutboxEvent;
  if (outboxEvent.type === 'WhatsAppMessageQueued') {
    const q = outboxEvent.data;
    if (!q.sellerId || !q.orderId) return row;
    const entry = evolveOutbox(undefined, outboxEvent)!;
    return {
      message_key: q.outboxId,
      seller_id: q.sellerId,
      order_id: q.orderId,
      direction: 'sent',
      number: q.to,
      purpose: q.purpose,
      text: plannedMessageText(q.message),
      phase: entry.phase,
      at: q.queuedAt,
      first_position: position,
      last_position: position,
      entry,
    };
  }
  if (!row?.entry) return row;
  const entry = evolveOutbox(row.entry, outboxEvent) ?? row.entry;
  return { ...row, phase: entry.phase, last_position: position, entry };
}

/**
 * The WhatsApp messages of each order, sent and received, so the order page finds them by seller
 * and order (the outbox streams are keyed by message). A received message is kept when the
 * inbox recorded which order it was about, with its text as the inbox kept it (codes masked).
 */
export const whatsAppMessagesProjection: SqlProjection = {
  kind: 'projection',
  name: 'whatsapp_messages',
  filter: { kind: 'eventType', prefixes: [...OUTBOX_EVENT_TYPES, HANDLED] },
  tables: [TABLE],
  async apply(tx, events) {
    const relevant = events.filter((e) => OUTBOX_EVENT_TYPES.has(e.type) || e.type === HANDLED);
    if (relevant.length === 0) return;
    const keys = [...new Set(relevant.map(keyOf))];
    const { rows } = await tx.sql.query<MessageRow>(
      `SELECT message_key, seller_id, order_id, direction, number, purpose, text, phase, at::text AS at, first_position::text AS first_position,
              last_position::text AS last_position, entry
         FROM ${tx.table(TABLE)} WHERE message_key = ANY($1::text[])`,
      [keys],
    );
    const current = new Map(rows.map((r) => [r.message_key, r]));
    const changed = new Set<string>();
    for (const event of relevant) {
      const key = keyOf(event);
      const before = current.get(key);
      const after = applied(before, event);
      if (after && after !== before) {
        current.set(key, after);
        changed.add(key);
      }
    }
    if (changed.size === 0) return;
    await tx.sql.query(
      `INSERT INTO ${tx.table(TABLE)} (message_key, seller_id, order_id, direction, number, purpose, text, phase, at, first_position, last_position, entry)
       SELECT message_key, seller_id, order_id, direction, number, purpose, text, phase, at, first_position, last_position, entry
         FROM jsonb_to_recordset($1::jsonb) AS r(message_key text, seller_id text, order_id text, direction text, number text, purpose text, text text,
                                                  phase text, at timestamptz, first_position numeric, last_position numeric, entry jsonb)
       ON CONFLICT (message_key) DO UPDATE SET phase = excluded.phase, last_position = excluded.last_position, entry = excluded.entry`,
      [JSON.stringify([...changed].map((key) => current.get(key)))],
    );
  },
};
