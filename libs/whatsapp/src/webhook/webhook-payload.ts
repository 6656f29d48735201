/**
 * Meta's webhook envelope, reduced to what the engine reads: `entry[].changes[].value` with
 * `messages[]` or `statuses[]`. Every array is walked; fields we do not read are ignored.
 */
export type InboundContent =
  | { kind: 'text'; text: string }
  /** Interactive reply button (`interactive.button_reply`) or template quick reply (`button.payload`). */
  | { kind: 'button'; payload: string; title: string }
  | { kind: 'image'; mediaId: string; mimeType?: string; caption?: string }
  | { kind: 'unsupported'; type: string };

export interface InboundMessage {
  /** Meta's message id (`wamid...`): the key for deduplicating redeliveries. */
  id: string;
  /** The sender's number, digits only. */
  from: string;
  /** Our business number that received it. */
  phoneNumberId: string;
  timestamp: string;
  content: InboundContent;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusUpdate {
  /** The id of the message we sent. */
  messageId: string;
  status: DeliveryStatus;
  recipient: string;
  timestamp: string;
  errors: Array<{ code: number; title: string }>;
}

export interface WebhookDelivery {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function contentOf(message: Json): InboundContent {
  const type = str(message['type']) ?? 'unknown';
  if (type === 'text' && isObject(message['text'])) return { kind: 'text', text: str(message['text']['body']) ?? '' };
  if (type === 'button' && isObject(message['button'])) {
    const button = message['button'];
    return { kind: 'button', payload: str(button['payload']) ?? '', title: str(button['text']) ?? '' };
  }
  if (type === 'interactive' && isObject(message['interactive'])) {
    const reply = message['interactive']['button_reply'];
    if (isObject(reply)) return { kind: 'button', payload: str(reply['id']) ?? '', title: str(reply['title']) ?? '' };
  }
  if (type === 'image' && isObject(message['image'])) {
    const image = message['image'];
    const mimeType = str(image['mime_type']);
    const caption = str(image['caption']);
    return { kind: 'image', mediaId: str(image['id']) ?? '', ...(mimeType ? { mimeType } : {}), ...(caption ? { caption } : {}) };
  }
  return { kind: 'unsupported', type };
}

const STATUSES: readonly DeliveryStatus[] = ['sent', 'delivered', 'read', 'failed'];

/** Every message and status of a delivery, across all entries and changes. Malformed items are skipped. */
export function readWebhookDelivery(body: unknown): WebhookDelivery {
  const delivery: WebhookDelivery = { messages: [], statuses: [] };
  if (!isObject(body) || body['object'] !== 'whatsapp_business_account') return delivery;
  for (const entry of arrayOf(body['entry'])) {
    for (const change of arrayOf(entry['changes'])) {
      const value = change['value'];
      if (change['field'] !== 'messages' || !isObject(value)) continue;
      const metadata = isObject(value['metadata']) ? value['metadata'] : {};
      const phoneNumberId = str(metadata['phone_number_id']) ?? '';
      for (const message of arrayOf(value['messages'])) {
        const id = str(message['id']);
        const from = str(message['from'])?.replace(/\D/g, '');
        if (!id || !from) continue;
        delivery.messages.push({ id, from, phoneNumberId, timestamp: str(message['timestamp']) ?? '', content: contentOf(message) });
      }
      for (const status of arrayOf(value['statuses'])) {
        const messageId = str(status['id']);
        const state = str(status['status']) as DeliveryStatus | undefined;
        if (!messageId || !state || !STATUSES.includes(state)) continue;
        const errors = arrayOf(status['errors']).flatMap((e) => (typeof e['code'] === 'number' ? [{ code: e['code'], title: str(e['title']) ?? '' }] : []));
        delivery.statuses.push({ messageId, status: state, recipient: str(status['recipient_id']) ?? '', timestamp: str(status['timestamp']) ?? '', errors });
      }
    }
  }
  return delivery;
}
