import { randomUUID } from 'node:crypto';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import {
  DEFAULT_SENDER_TUNING,
  WhatsAppApiError,
  WhatsAppSender,
  appendOutboxEvent,
  loadOutboxEntry,
  outboxIdFor,
  queueMessage,
  type OutgoingMessage,
  type QueuedMessage,
  type SendPhase,
  type SendResult,
  type WhatsAppApi,
  type WhatsAppSenderTuning,
} from '@fulfil/whatsapp';
import { eventually } from './whatsapp-harness';

/** A Cloud API double: records what it was asked to send, and can refuse by error code. */
class FakeApi implements WhatsAppApi {
  readonly sent: Array<{ message: OutgoingMessage; at: number }> = [];
  readonly refusals = new Map<string, number[]>();
  private inFlight = new Map<string, number>();
  maxInFlightPerRecipient = 0;

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const now = this.inFlight.get(message.to) ?? 0;
    this.inFlight.set(message.to, now + 1);
    this.maxInFlightPerRecipient = Math.max(this.maxInFlightPerRecipient, now + 1);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const body = message.type === 'text' ? message.body : '';
      const code = this.refusals.get(body)?.shift();
      if (code !== undefined) throw new WhatsAppApiError(`refused ${code}`, code, 400);
      this.sent.push({ message, at: Date.now() });
      return { messageId: `wamid.${randomUUID()}` };
    } finally {
      this.inFlight.set(message.to, (this.inFlight.get(message.to) ?? 1) - 1);
    }
  }

  async uploadMedia(): Promise<{ mediaId: string }> {
    return { mediaId: 'm' };
  }

  async downloadMedia(): Promise<{ content: Buffer; mimeType: string }> {
    throw new Error('not used');
  }

  bodies(to?: string): string[] {
    return this.sent.filter((s) => to === undefined || s.message.to === to).map((s) => (s.message.type === 'text' ? s.message.body : ''));
  }
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('WhatsApp sender queue (driven from the store)', () => {
  let store: EventStore;
  const senders: WhatsAppSender[] = [];
  beforeAll(async () => {
    store = await createEventStore({ kind: 'embedded' });
  });
  afterAll(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    await store.close();
  });

  function startSender(api: FakeApi, tuning: Partial<WhatsAppSenderTuning> = {}, results: SendResult[] = []): WhatsAppSender {
    const sender = new WhatsAppSender({
      store,
      api,
      resolve: async (queued) => ({ type: 'text', to: queued.to, body: queued.message.kind === 'text' ? queued.message.body : '' }),
      tuning: { ...DEFAULT_SENDER_TUNING, pairIntervalMs: 0, baseBackoffMs: 20, maxBackoffMs: 100, ...tuning },
      logger: quiet,
      onResult: (result) => results.push(result),
    });
    senders.push(sender);
    sender.start();
    return sender;
  }

  const number = () => `91${Math.floor(7_000_000_000 + Math.random() * 2_999_999_999)}`;
  async function queue(to: string, body: string): Promise<QueuedMessage> {
    const message: QueuedMessage = { outboxId: outboxIdFor(`${to}:${body}:${randomUUID()}`), to, purpose: 'test', message: { kind: 'text', body } };
    await queueMessage(store, message, new Date(), { actor: { type: 'system', id: 'test' }, correlationId: message.outboxId, causationId: message.outboxId });
    return message;
  }
  const phaseOf = async (m: QueuedMessage): Promise<SendPhase | undefined> => (await loadOutboxEntry(store, m.outboxId)).entry?.phase;
  const until = (m: QueuedMessage, phase: SendPhase) => eventually(async () => ((await phaseOf(m)) === phase ? true : undefined), `${m.outboxId} ${phase}`);

  it('sends to each person one message at a time, in the order queued, within the global rate', async () => {
    const api = new FakeApi();
    const sender = startSender(api, { messagesPerSecond: 4 });
    const a = number();
    const b = number();
    const queued: QueuedMessage[] = [];
    for (let i = 1; i <= 4; i++) {
      queued.push(await queue(a, `a${i}`));
      queued.push(await queue(b, `b${i}`));
    }
    for (const m of queued) await until(m, 'sent');
    expect(api.bodies(a)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(api.bodies(b)).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(api.maxInFlightPerRecipient).toBe(1);
    // A bucket of 4 per second: the 8th send cannot come before about one second after the first.
    expect(api.sent[7]!.at - api.sent[0]!.at).toBeGreaterThanOrEqual(900);
    await sender.stop();
  });

  it('retries a rate-limited send with backoff, and reports re-engagement and undeliverable for good', async () => {
    const api = new FakeApi();
    const results: SendResult[] = [];
    const sender = startSender(api, {}, results);
    const to = number();
    api.refusals.set('limited', [130429, 131056]);
    api.refusals.set('outside window', [131047]);
    api.refusals.set('nobody', [131026]);
    const limited = await queue(to, 'limited');
    const outside = await queue(to, 'outside window');
    const nobody = await queue(to, 'nobody');
    const after = await queue(to, 'after');
    await until(limited, 'sent');
    await until(outside, 'failed');
    await until(nobody, 'failed');
    await until(after, 'sent');
    expect(api.bodies(to)).toEqual(['limited', 'after']);
    expect((await loadOutboxEntry(store, limited.outboxId)).entry).toMatchObject({ attempts: 3 });
    expect((await loadOutboxEntry(store, outside.outboxId)).entry?.lastError).toMatchObject({ code: 131047, reason: expect.stringContaining('re-engagement') });
    expect((await loadOutboxEntry(store, nobody.outboxId)).entry?.lastError).toEqual({ code: 131026, reason: 'undeliverable' });
    expect(results.filter((r) => r === 'retrying')).toHaveLength(2);
    await sender.stop();
  });

  it('sends nothing twice after a restart, and does not resend a send cut off mid-way', async () => {
    const first = new FakeApi();
    const to = number();
    const one = await queue(to, 'one');
    const two = await queue(to, 'two');
    const sender = startSender(first);
    await until(one, 'sent');
    await until(two, 'sent');
    await sender.stop();

    // A crash between "started" and the call's answer: nobody knows whether Meta got it.
    const cut = await queue(to, 'cut off');
    const loaded = await loadOutboxEntry(store, cut.outboxId);
    await appendOutboxEvent(store, cut.outboxId, { type: 'WhatsAppSendStarted', data: { outboxId: cut.outboxId, attempt: 1, startedAt: new Date().toISOString() } }, loaded.revision!);

    const second = new FakeApi();
    const results: SendResult[] = [];
    const restarted = startSender(second, {}, results);
    const three = await queue(to, 'three');
    await until(three, 'sent');
    await until(cut, 'unknown');
    expect(second.bodies(to)).toEqual(['three']);
    expect(first.bodies(to)).toEqual(['one', 'two']);
    expect(results).toContain('unknown');
    await restarted.stop();
  });
});
