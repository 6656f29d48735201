import { randomUUID } from 'node:crypto';
import { signWebhookBody, SIGNATURE_HEADER } from '../webhook/webhook-signature';

/** One message a person sends, as Meta's webhook carries it. */
export type PlayedContent =
  | { text: string }
  /** A tap on a template's quick-reply button. */
  | { quickReply: { payload: string; text: string } }
  /** A tap on an interactive reply button; `contextId` is the message that held the buttons. */
  | { buttonReply: { id: string; title: string }; contextId?: string }
  | { image: { mediaId: string; mimeType: string; caption?: string } };

export interface PlayedMessage {
  from: string;
  content: PlayedContent;
  /** Meta's message id; a fresh one unless a redelivery is being played. */
  id?: string;
  profileName?: string;
}

export interface PlayedStatus {
  /** The id of the message the engine sent. */
  id: string;
  recipient: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  errors?: Array<{ code: number; title: string }>;
}

export interface WebhookEnvelopeOptions {
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** Unix seconds, as a string like Meta sends. */
  timestamp?: string;
}

export const freshMessageId = (): string => `wamid.${Buffer.from(randomUUID()).toString('base64')}`;

function messageJson(message: PlayedMessage, timestamp: string): Record<string, unknown> {
  const base = { from: message.from, id: message.id ?? freshMessageId(), timestamp };
  const c = message.content;
  if ('text' in c) return { ...base, type: 'text', text: { body: c.text } };
  if ('quickReply' in c) return { ...base, type: 'button', button: { payload: c.quickReply.payload, text: c.quickReply.text } };
  if ('buttonReply' in c) {
    return { ...base, ...(c.contextId ? { context: { from: message.from, id: c.contextId } } : {}), type: 'interactive', interactive: { type: 'button_reply', button_reply: c.buttonReply } };
  }
  return { ...base, type: 'image', image: { id: c.image.mediaId, mime_type: c.image.mimeType, sha256: 'c2FuZGJveA==', ...(c.image.caption ? { caption: c.image.caption } : {}) } };
}

/** A webhook delivery as Meta shapes it: one entry, one change, any number of messages and statuses. */
export function webhookDelivery(messages: PlayedMessage[], statuses: PlayedStatus[] = [], options: WebhookEnvelopeOptions = {}): Record<string, unknown> {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: options.displayPhoneNumber ?? '15550000000', phone_number_id: options.phoneNumberId ?? '100000000000001' },
  };
  if (messages.length > 0) {
    value['contacts'] = messages.map((m) => ({ profile: { name: m.profileName ?? 'Seller' }, wa_id: m.from }));
    value['messages'] = messages.map((m) => messageJson(m, timestamp));
  }
  if (statuses.length > 0) {
    value['statuses'] = statuses.map((s) => ({
      id: s.id,
      status: s.status,
      timestamp,
      recipient_id: s.recipient,
      ...(s.errors ? { errors: s.errors.map((e) => ({ code: e.code, title: e.title, message: e.title, error_data: { details: e.title } })) } : {}),
    }));
  }
  return { object: 'whatsapp_business_account', entry: [{ id: '200000000000002', changes: [{ value, field: 'messages' }] }] };
}

/**
 * JSON serialised the way Meta sends it: "/" escaped as "\/" and, optionally, non-ASCII as
 * \uXXXX. A signature must be computed over exactly these bytes, never over a re-serialisation.
 */
export function metaJson(value: unknown, options: { escapeNonAscii?: boolean } = {}): string {
  const json = JSON.stringify(value).replace(/\//g, '\\/');
  return options.escapeNonAscii ? json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** The raw body and headers of a delivery signed with the app secret, ready to POST to `/webhooks/whatsapp`. */
export function signedDelivery(rawBody: string, appSecret: string): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(rawBody, 'utf8');
  return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhookBody(body, appSecret) } };
}
