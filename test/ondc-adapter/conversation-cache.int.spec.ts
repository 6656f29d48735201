/**
 * The conversation cache folds what this process appends when it follows what was folded, so the
 * driver plans on it without reading it back; anything written in between is read from the store,
 * and nothing is folded twice.
 */
import { randomUUID } from 'node:crypto';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import { ConversationCache } from '@fulfil/ondc-logistics-adapter';
import { conversationStream } from '@fulfil/ondc';

const answer = () => ({
  type: 'SellerAnsweredAttempt',
  data: { answer: 'reattempt', stage: 'delivery', attempt: 1, answerEventId: randomUUID(), messageId: randomUUID(), answeredAt: new Date().toISOString() },
});

describe('the conversation cache', () => {
  let store: EventStore;
  let cache: ConversationCache;
  const shipmentId = 'shp-cache';
  const stream = conversationStream(shipmentId);

  beforeEach(async () => {
    store = await createEventStore({ kind: 'embedded' });
    cache = new ConversationCache(store);
    await store.append(stream, [answer()], { expectedRevision: 'no_stream' });
  });

  afterEach(() => store.close());

  it('folds its own append that follows what it holds, and then serves that revision without a read', async () => {
    expect((await cache.load(shipmentId)).revision).toBe(0n);
    const appended = await store.append(stream, [answer()], { expectedRevision: 0n, returnEvents: true });
    cache.appended(shipmentId, appended.events);
    const reads = jest.spyOn(store, 'readStream');
    const loaded = await cache.loadAtLeast(shipmentId, appended.nextExpectedRevision);
    expect(reads).not.toHaveBeenCalled();
    expect(loaded.revision).toBe(1n);
    expect(loaded.state.answers).toHaveLength(2);
    expect(loaded.events.map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it('reads what another writer appended in between, in order and once, instead of folding across the gap', async () => {
    await cache.load(shipmentId);
    await store.append(stream, [answer()], { expectedRevision: 'any' });
    const ours = await store.append(stream, [answer()], { expectedRevision: 'any', returnEvents: true });
    cache.appended(shipmentId, ours.events);
    const reads = jest.spyOn(store, 'readStream');
    const loaded = await cache.loadAtLeast(shipmentId, ours.nextExpectedRevision);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(loaded.events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect(loaded.state.answers).toHaveLength(3);
  });

  it('folds nothing twice when its own append lands while a read of the same events is out', async () => {
    await cache.load(shipmentId);
    const ours = await store.append(stream, [answer()], { expectedRevision: 0n, returnEvents: true });
    // The read goes out first (it will find revision 1); the append's own copy is folded before it answers.
    const read = store.readStream.bind(store);
    let readOut!: () => void;
    const out = new Promise<void>((resolve) => (readOut = resolve));
    jest.spyOn(store, 'readStream').mockImplementation((...args) => {
      const events = read(...args);
      readOut();
      return events;
    });
    const reading = cache.load(shipmentId);
    await out;
    cache.appended(shipmentId, ours.events);
    const loaded = await reading;
    expect(loaded.events.map((e) => e.revision)).toEqual([0n, 1n]);
    expect(loaded.state.answers).toHaveLength(2);
  });

  it('reads when asked for a revision it does not hold yet', async () => {
    await cache.load(shipmentId);
    const later = await store.append(stream, [answer()], { expectedRevision: 0n });
    const loaded = await cache.loadAtLeast(shipmentId, later.nextExpectedRevision);
    expect(loaded.revision).toBe(1n);
    expect(loaded.state.answers).toHaveLength(2);
  });
});
