import { createEventStore, type EventStore } from '@fulfil/event-store';
import { DEFAULT_SENDER_TUNING, WhatsAppInbox, readWebhookDelivery, webhookDelivery, type WhatsAppApi } from '@fulfil/whatsapp';

const api: WhatsAppApi = {
  send: async () => ({ messageId: 'unused' }),
  uploadMedia: async () => ({ mediaId: 'unused' }),
  downloadMedia: async () => {
    throw new Error('unused');
  },
};

describe('WhatsApp inbox', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await createEventStore({ kind: 'embedded' });
  });
  afterAll(() => store.close());

  const inbox = (phoneNumberId?: string) =>
    new WhatsAppInbox({
      store,
      api,
      findSeller: async () => undefined,
      execute: async () => {
        throw new Error('no command may run');
      },
      saveImage: async () => {
        throw new Error('unused');
      },
      tuning: DEFAULT_SENDER_TUNING,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      ...(phoneNumberId ? { phoneNumberId } : {}),
    });

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
