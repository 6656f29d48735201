/**
 * EventStoreDB adapter behaviour the shared contract suite cannot reach: dropped subscriptions,
 * several clients, both append RPCs, and the ordering of server checkpoints. Real client, real gRPC,
 * against the in-repo protocol double.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import {
  EsdbEventStore,
  EventStoreUnavailableError,
  StreamRevisionConflictError,
  type EsdbEventStoreOptions,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '@fulfil/event-store';
import { startEsdbDouble, type EsdbDouble } from '../esdb-double';
import { recordingLogger, waitFor, waitForAsync, type RecordingLogger } from '../esdb-double/test-helpers';

const event = (type: string, n: number): NewEvent => ({ type, data: { n } });
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('EsdbEventStore against the protocol double', () => {
  let double: EsdbDouble;
  let logger: RecordingLogger;
  const stores: EsdbEventStore[] = [];

  const openStore = (options: EsdbEventStoreOptions = {}): EsdbEventStore => {
    const store = new EsdbEventStore(double.connectionString, { logger, resubscribe: { initialDelayMs: 20, maxDelayMs: 200 }, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    double = await startEsdbDouble();
    logger = recordingLogger();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await double.stop();
  });

  describe('port details the contract suite leaves out', () => {
    it('appends, then reads a stream back with ids, metadata and positions', async () => {
      const store = openStore();
      const stream = `order-${randomUUID()}`;
      const id = randomUUID();
      const { nextExpectedRevision, position } = await store.append(
        stream,
        [{ id, type: 'OrderPlaced', data: { total: 100 }, metadata: { causationId: 'c-1' } }, event('OrderPaid', 1)],
        { expectedRevision: 'no_stream' },
      );

      const events = await store.readStream(stream);
      expect(nextExpectedRevision).toBe(1n);
      expect(events.map((e) => [e.revision, e.type])).toEqual([
        [0n, 'OrderPlaced'],
        [1n, 'OrderPaid'],
      ]);
      expect(events[0]).toMatchObject({ id, stream, data: { total: 100 }, metadata: { causationId: 'c-1' } });
      expect(events[1]?.metadata).toEqual({});
      expect(events[1]?.position).toBe(position);
      expect(events[0]?.recordedAt).toBeInstanceOf(Date);
      expect(await store.readStream(stream, { fromRevision: 1n, maxCount: 5 })).toHaveLength(1);
      expect(await store.readStream(`missing-${randomUUID()}`)).toEqual([]);
    });

    it('pages through $all with an exclusive `after`, a filter, and the head position', async () => {
      const store = openStore();
      expect(await store.headPosition()).toBe(0n);
      const stream = `mixed-${randomUUID()}`;
      await store.append(stream, range(30).map((n) => event(n % 2 === 0 ? 'Even' : 'Odd', n)), { expectedRevision: 'no_stream' });

      const firstPage = await store.readAll({ maxCount: 10 });
      const secondPage = await store.readAll({ after: firstPage.at(-1)?.position, maxCount: 10 });
      const odd = await store.readAll({ maxCount: 100, filter: { kind: 'eventType', prefixes: ['Odd'] } });

      expect([...firstPage, ...secondPage].map((e) => e.data.n)).toEqual(range(20));
      expect(odd.map((e) => e.data.n)).toEqual(range(15).map((n) => 2 * n + 1));
      expect(await store.headPosition()).toBe((await store.readStream(stream)).at(-1)?.position);
    });
  });

  describe('a subscription the server drops', () => {
    it.each([
      ['the server restarts', (d: EsdbDouble) => d.restart()],
      ['the server ends the subscription call', async (d: EsdbDouble) => d.dropSubscriptions()],
    ])('resumes without loss or duplicates when %s', async (_case, drop) => {
      const subscriber = openStore();
      const stream = `order-${randomUUID()}`;
      await openStore().append(stream, range(5).map((n) => event('OrderNoted', n)), { expectedRevision: 'no_stream' });

      const delivered: RecordedEvent[] = [];
      const subscription = subscriber.subscribe({ onEvent: async (e) => void delivered.push(e) });
      await subscription.caughtUp;
      await drop(double);
      // A fresh writer: the first request on a connection the restart broke fails (see the outage test below).
      const writer = openStore();
      for (const n of range(5)) await writer.append(stream, [event('OrderNoted', 5 + n)], { expectedRevision: BigInt(4 + n) });

      await waitFor('all ten events', () => delivered.length >= 10);
      expect(delivered.map((e) => e.data.n)).toEqual(range(10));
      expectStrictlyIncreasing(delivered.map((e) => e.position));
      expect(logger.warnings).toContain('EventStoreDB subscription dropped; resubscribing');
      await waitFor('the resumption log line', () => logger.messages.includes('EventStoreDB subscription resumed'));
      await subscription.stop();
    });

    it('keeps retrying with backoff while the server is down, then resumes', async () => {
      const writer = openStore();
      const subscriber = openStore();
      const delivered: RecordedEvent[] = [];
      const subscription = subscriber.subscribe({ onEvent: async (e) => void delivered.push(e) });
      await subscription.caughtUp;

      await double.stop();
      await waitFor('several failed attempts', () => logger.warnings.length >= 3);
      await double.restart();
      await writer.append(`order-${randomUUID()}`, [event('OrderNoted', 1)], { expectedRevision: 'any' });

      await waitFor('the event appended after the outage', () => delivered.length === 1);
      await subscription.stop();
    });
  });

  it('reports EventStoreUnavailableError while the server is down, and works again once it is back', async () => {
    const store = openStore();
    const stream = `order-${randomUUID()}`;
    await store.append(stream, [event('OrderPlaced', 0)], { expectedRevision: 'no_stream' });

    await double.stop();
    await expect(store.append(stream, [event('OrderPaid', 1)], { expectedRevision: 0n })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await double.restart();

    await waitForAsync('the store to answer again', () => store.ping());
    await store.append(stream, [event('OrderPaid', 1)], { expectedRevision: 0n });
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPaid']);
  });

  it('reports the conflict, with the actual revision, when two clients append at the same expected revision', async () => {
    const alice = openStore();
    const bob = openStore();
    const stream = `order-${randomUUID()}`;
    await alice.append(stream, [event('OrderPlaced', 0)], { expectedRevision: 'no_stream' });

    const outcomes = await Promise.allSettled([
      alice.append(stream, [event('OrderPacked', 1)], { expectedRevision: 0n }),
      bob.append(stream, [event('OrderCancelled', 1)], { expectedRevision: 0n }),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(StreamRevisionConflictError);
    expect(rejected?.reason).toMatchObject({ stream, expected: 0n, actual: 1n });
    expect(await alice.readStream(stream)).toHaveLength(2);
  });

  it('maps conflicts the same way through the older Streams.Append RPC', async () => {
    await double.stop();
    double = await startEsdbDouble({ batchAppend: false });
    const store = openStore();
    const stream = `order-${randomUUID()}`;

    await expect(store.append(stream, [event('OrderPacked', 1)], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    const { nextExpectedRevision } = await store.append(stream, [event('OrderPlaced', 0), event('OrderPaid', 1)], { expectedRevision: 'no_stream' });
    expect(nextExpectedRevision).toBe(1n);
    await expect(store.append(stream, [event('OrderPacked', 2)], { expectedRevision: 0n })).rejects.toMatchObject({ actual: 1n });
  });

  it('checkpoints only after delivering every earlier matching event the client had buffered', async () => {
    const store = openStore({ checkpoints: { checkpointInterval: 1, maxSearchWindow: 2 } });
    const stream = `mixed-${randomUUID()}`;
    const types = range(60).map((n) => (n % 3 === 0 ? 'Wanted' : 'Other'));
    await store.append(stream, types.map((type, n) => event(type, n)), { expectedRevision: 'no_stream' });
    const wanted = (await store.readStream(stream)).filter((e) => e.type === 'Wanted');

    // Holding the first event until the server has sent everything makes the client buffer events ahead of checkpoints.
    const serverDone = waitFor('the server to send the whole history', () => double.caughtUpSubscriptions === 1);
    const delivered: Position[] = [];
    const violations: string[] = [];
    const subscription = store.subscribe({
      filter: { kind: 'eventType', prefixes: ['Wanted'] },
      onEvent: async (e) => {
        if (delivered.length === 0) await serverDone;
        delivered.push(e.position);
      },
      onCheckpoint: async (checkpoint) => {
        const missed = wanted.filter((e) => e.position < checkpoint && !delivered.includes(e.position));
        if (missed.length > 0) violations.push(`checkpoint ${checkpoint} passed ${missed.length} undelivered events`);
      },
    });
    await subscription.caughtUp;

    expect(delivered).toHaveLength(wanted.length);
    expect(violations).toEqual([]);
    await subscription.stop();
  });

  it('resumes from a checkpoint that lies between two events without skipping the next one', async () => {
    const store = openStore();
    const stream = `mixed-${randomUUID()}`;
    await store.append(stream, range(40).map((n) => event('Other', n)), { expectedRevision: 'no_stream' });

    let checkpoint: Position | undefined;
    const first = store.subscribe({
      filter: { kind: 'eventType', prefixes: ['Wanted'] },
      onEvent: async () => undefined,
      onCheckpoint: async (position) => void (checkpoint = position),
    });
    await first.caughtUp;
    await first.stop();
    expect(checkpoint).toBeDefined();
    const { position: wantedPosition } = await store.append(stream, [event('Wanted', 40)], { expectedRevision: 39n });
    expect(wantedPosition).toBeGreaterThan(checkpoint as Position);

    const delivered: RecordedEvent[] = [];
    const second = store.subscribe({
      after: checkpoint,
      filter: { kind: 'eventType', prefixes: ['Wanted'] },
      onEvent: async (e) => void delivered.push(e),
    });
    await second.caughtUp;
    expect(delivered.map((e) => e.position)).toEqual([wantedPosition]);
    await second.stop();
  });

  it('ends the subscription for good, through onError, when the handler throws', async () => {
    const store = openStore();
    await store.append(`order-${randomUUID()}`, [event('OrderPlaced', 0)], { expectedRevision: 'no_stream' });
    const failure = new Error('projection bug');
    const errors: Error[] = [];

    const subscription = store.subscribe({ onEvent: async () => Promise.reject(failure), onError: (e) => errors.push(e) });

    await expect(subscription.caughtUp).rejects.toBe(failure);
    expect(errors).toEqual([failure]);
    await subscription.stop();
  });

  it('hides system events from reads, subscriptions and the head position', async () => {
    const store = openStore();
    const stream = `order-${randomUUID()}`;
    const { position } = await store.append(stream, [event('OrderPlaced', 0)], { expectedRevision: 'no_stream' });
    const raw = EventStoreDBClient.connectionString(double.connectionString);
    await raw.appendToStream(`$$${stream}`, jsonEvent({ type: '$metadata', data: { $maxCount: 10 } }));
    await raw.appendToStream('$stats-127.0.0.1:2113', jsonEvent({ type: 'StatsCollected', data: {} }));
    await raw.dispose();

    expect(await store.headPosition()).toBe(position);
    expect((await store.readAll({ maxCount: 10 })).map((e) => e.stream)).toEqual([stream]);
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribe({ onEvent: async (e) => void delivered.push(e) });
    await subscription.caughtUp;
    expect(delivered.map((e) => e.stream)).toEqual([stream]);
    await subscription.stop();
  });
});

function expectStrictlyIncreasing(positions: Position[]): void {
  positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i] as Position));
}
