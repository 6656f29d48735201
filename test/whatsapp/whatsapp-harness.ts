import type { WhatsAppConfig, PlayedMessage, PlayedStatus, SandboxMessage } from '@fulfil/whatsapp';
import { metaJson, placeSandboxMedia, signedDelivery, webhookDelivery } from '@fulfil/whatsapp';
import { WHATSAPP_CONFIG } from '@fulfil/fulfillment-api';
import { startApi, type ApiHarness } from '../support/api-harness';
import { freshId, orderInput } from '../support/fixtures';

export type OutboxMessage = SandboxMessage & { purpose?: string; orderId?: string; delivery?: string; statuses?: string[]; error?: { code?: number; reason: string } };

/** Polls until `probe` returns a value, or fails with the last value seen once the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, deadlineMs = 15_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let numberSeq = 0;
/** A fresh Indian WhatsApp number per call, so tests never share a conversation. */
export const freshNumber = (): string => `9198${String(Date.now() % 100_000_000).padStart(8, '0').slice(0, 6)}${String(++numberSeq).padStart(2, '0')}`;

export interface WhatsAppHarness {
  api: ApiHarness;
  config: WhatsAppConfig;
  /** Posts a delivery signed like Meta: the raw body escapes "/" (and non-ASCII when asked). */
  deliver(messages: PlayedMessage[], statuses?: PlayedStatus[], options?: { escapeNonAscii?: boolean }): Promise<{ status: number; body: Record<string, unknown> }>;
  postRaw(rawBody: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  outbox(recipient: string): Promise<OutboxMessage[]>;
  /** Waits for the first message to `recipient` (oldest first) that matches. */
  awaitMessage(recipient: string, match: (m: OutboxMessage) => boolean, what: string): Promise<OutboxMessage>;
  /** Places a file where the sandbox serves media from, as if a person had sent it; returns its media id. */
  placeMedia(content: Buffer, mimeType: string): string;
  seller(settings: object): Promise<{ sellerId: string; apiKey: string; number: string }>;
  receiveOrder(apiKey: string, overrides?: object): Promise<string>;
  eventTypes(apiKey: string, orderId: string): Promise<string[]>;
  close(): Promise<void>;
}

export const textOf = (m: OutboxMessage): string => {
  const message = m.message;
  switch (message.type) {
    case 'text':
    case 'buttons':
      return message.body;
    case 'template':
      return `${message.name}: ${message.bodyParameters.join(' | ')}`;
    case 'document':
      return `${message.filename}: ${message.caption ?? ''}`;
  }
};

/** The latest WhatsApp number verification code in these messages, as the seller would read it. */
export const isNumberCode = (m: OutboxMessage): boolean => m.message.type === 'template' && m.message.name === 'seller_number_code';

export const numberCodeIn = (messages: OutboxMessage[]): string | undefined => {
  const last = [...messages].reverse().find(isNumberCode);
  return last?.message.type === 'template' ? last.message.bodyParameters[0] : undefined;
};

export async function startWhatsAppApi(): Promise<WhatsAppHarness> {
  const api = await startApi({ kind: 'embedded' });
  const config = api.app.get<WhatsAppConfig>(WHATSAPP_CONFIG);
  const postRaw = async (rawBody: string, headers: Record<string, string>) => {
    let request = api.http().post('/webhooks/whatsapp');
    for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
    // A string goes out byte for byte; superagent would serialise a Buffer as JSON.
    const response = await request.send(rawBody);
    return { status: response.status, body: response.body as Record<string, unknown> };
  };
  const outbox = async (recipient: string) => {
    const response = await api.http().get('/v1/admin/outbox').query({ recipient, limit: 1000 }).set('authorization', `Bearer ${api.platformKey}`).expect(200);
    return response.body.messages as OutboxMessage[];
  };
  const harness: WhatsAppHarness = {
    api,
    config,
    postRaw,
    async deliver(messages, statuses = [], options = {}) {
      const raw = metaJson(webhookDelivery(messages, statuses), options);
      const { headers } = signedDelivery(raw, config.appSecret);
      return postRaw(raw, headers);
    },
    outbox,
    placeMedia(content, mimeType) {
      if (config.channel.kind !== 'sandbox') throw new Error('Media can be placed only in the sandbox');
      return placeSandboxMedia(config.channel.directory, content, mimeType, 'photo');
    },
    awaitMessage: (recipient, match, what) => eventually(async () => [...(await outbox(recipient))].reverse().find(match), what),
    async seller(settings) {
      const number = freshNumber();
      const created = await api.newSeller({ whatsappNumber: number, ...settings });
      // The number acts for the seller only once confirmed with the code WhatsApp brought to it.
      const code = await eventually(async () => numberCodeIn(await outbox(number)), `verification code to ${number}`);
      await api.http().post('/v1/seller/whatsapp/verify').set('authorization', `Bearer ${created.apiKey}`).send({ code }).expect(200);
      return { ...created, number };
    },
    async receiveOrder(apiKey, overrides = {}) {
      const { sellerId: _s, orderId: _o, ...body } = { ...orderInput('ignored', freshId('ord')), ...overrides };
      const response = await api.http().post('/v1/orders').set('authorization', `Bearer ${apiKey}`).send(body).expect(201);
      return response.body.orderId as string;
    },
    async eventTypes(apiKey, orderId) {
      const response = await api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${apiKey}`).expect(200);
      return (response.body.events as Array<{ type: string }>).map((e) => e.type);
    },
    close: () => api.close(),
  };
  return harness;
}
