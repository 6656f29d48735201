import { createHash } from 'node:crypto';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import { DEFAULT_SENDER_TUNING, WhatsAppInbox, readWebhookDelivery, webhookDelivery, type WhatsAppApi } from '@fulfil/whatsapp';

const api: WhatsAppApi = {
  send: async () => ({ messageId: 'unused' }),
  uploadMedia: async () => ({ mediaId: 'unused' }),
  downloadMedia: async () => {
    throw new Error('unused');
  },
};

/** An inbox on `store` for numbers that belong to no seller: it may only answer, never run a command. */
const inboxOn = (store: EventStore, options: { phoneNumberId?: string; clock?: () => Date } = {}) =>
  new WhatsAppInbox({
    store,
    api,
    findSeller: async () => undefined,
    execute: async () => {
      throw new Error('no command may run');
    },
    executeIssue: async () => {
      throw new Error('no command may run');
    },
    saveImage: async () => {
      throw new Error('unused');
    },
    tuning: DEFAULT_SENDER_TUNING,
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    ...options,
  });

describe('WhatsApp inbox', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await createEventStore({ kind: 'embedded' });
  });
  afterAll(() => store.close());

  const inbox = (phoneNumberId?: string) => inboxOn(store, phoneNumberId ? { phoneNumberId } : {});

  it('leaves messages to another business number of the same app alone', async () => {
    const head = await store.headPosition();
    const delivery = readWebhookDelivery(webhookDelivery([{ from: '919800000009', content: { text: 'hi' } }], [], { phoneNumberId: '222' }));
    expect(await inbox('111').receive(delivery)).toEqual({ handled: 0, duplicates: 0, statuses: 0, ignored: 1 });
    expect(await store.headPosition()).toBe(head);
  });

  it('answers an unknown number once, however often Meta delivers the message', async () => {
    const delivery = readWebhookDelivery(webhookDelivery([{ from: '919800000010', id: 'wamid.once', content: { text: 'hi' } }], [], { phoneNumberId: '111' }));
    expect(await inbox('111').receive(delivery)).toMatchObject({ handled: 1, duplicates: 0 });
    expect(await inbox('111').receive(delivery)).toMatchObject({ handled: 0, duplicates: 1 });
    const queued = (await store.readAll({ maxCount: 1000 })).filter((e) => e.type === 'WhatsAppMessageQueued' && e.data['to'] === '919800000010');
    expect(queued).toHaveLength(1);
    expect(queued[0]!.metadata).toMatchObject({ channel: 'whatsapp', correlationId: 'wamid.once', causationId: 'wamid.once' });
  });
});

describe('WhatsApp inbox across processes', () => {
  const databaseUrl = process.env['DATABASE_URL'];
  const stores: Array<[string, () => Promise<EventStore[]>]> = [
    ['embedded PGlite', async () => {
      const one = await createEventStore({ kind: 'embedded' });
      return [one, one];
    }],
  ];
  if (databaseUrl) {
    stores.push(['two connections to PostgreSQL', async () => {
      const schema = `inbox_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
      return [await createEventStore({ kind: 'postgres', databaseUrl, schema }), await createEventStore({ kind: 'postgres', databaseUrl, schema })];
    }]);
  }

  it.each(stores)('answers a message Meta delivers to two instances at once exactly once (%s)', async (_name, open) => {
    const [first, second] = await open();
    try {
      const from = `9198${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
      const delivery = readWebhookDelivery(webhookDelivery([{ from, id: `wamid.${from}`, content: { text: 'hi' } }]));
      const reports = await Promise.all([inboxOn(first!).receive(delivery), inboxOn(second!).receive(delivery), inboxOn(first!).receive(delivery)]);
      expect(reports.map((r) => r.handled).reduce((a, b) => a + b)).toBe(1);
      const queued = (await first!.readAll({ maxCount: 10_000 })).filter((e) => e.type === 'WhatsAppMessageQueued' && e.data['to'] === from);
      expect(queued).toHaveLength(1);

      // A claim left by a process that died is taken over once its lease has passed; a handled message stays handled.
      const orphan = readWebhookDelivery(webhookDelivery([{ from, id: `wamid.orphan.${from}`, content: { text: 'hi' } }]));
      await first!.append(`whatsapp-inbound-${createHash('sha256').update(`wamid.orphan.${from}`).digest('hex').slice(0, 40)}`, [
        { type: 'WhatsAppMessageClaimed', data: { messageId: `wamid.orphan.${from}`, claimedAt: new Date().toISOString() }, metadata: {} },
      ], { expectedRevision: 'no_stream' });
      expect((await inboxOn(second!).receive(orphan)).handled).toBe(0);
      const later = () => new Date(Date.now() + 31_000);
      expect((await inboxOn(second!, { clock: later }).receive(orphan)).handled).toBe(1);
      expect((await inboxOn(first!, { clock: later }).receive(orphan)).handled).toBe(0);
    } finally {
      await first!.close();
      if (second !== first) await second!.close();
    }
  });
});
