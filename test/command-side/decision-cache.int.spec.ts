import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DecisionCache, handleCommand, loadStream, type Decider } from '@fulfil/commands';
import type { EventMetadata } from '@fulfil/domain';
import {
  createEventStore,
  type AppendOptions,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamName,
  type StreamRename,
  type SubscribeOptions,
} from '@fulfil/event-store';

/** One engine process's handle on the store, counting the stream reads its commands make. */
class CountingStore implements EventStore {
  streamReads = 0;
  constructor(private readonly inner: EventStore) {}
  append(stream: StreamName, events: NewEvent[], options: AppendOptions) {
    return this.inner.append(stream, events, options);
  }
  readStream(stream: StreamName, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.streamReads++;
    return this.inner.readStream(stream, options);
  }
  readAll(options: ReadAllOptions) {
    return this.inner.readAll(options);
  }
  countAll(options: ReadAllOptions) {
    return this.inner.countAll(options);
  }
  subscribe(options: SubscribeOptions) {
    return this.inner.subscribe(options);
  }
  headPosition() {
    return this.inner.headPosition();
  }
  renameStreams(renames: readonly StreamRename[]) {
    return this.inner.renameStreams(renames);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

type Steps = { steps: number };
type StepTaken = { type: 'StepTaken'; data: { n: number } };
const decider: Decider<Steps, StepTaken> = { initialState: () => ({ steps: 0 }), evolve: (state) => ({ steps: state.steps + 1 }) };
const step = (state: Steps): StepTaken[] => [{ type: 'StepTaken', data: { n: state.steps } }];
const metadata = (idempotencyKey?: string): EventMetadata => ({
  actor: { type: 'seller', id: 'seller-1' },
  channel: 'api',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  ...(idempotencyKey ? { idempotencyKey } : {}),
});
const run = (store: EventStore, stream: string, decide: (state: Steps) => StepTaken[] = step, idempotencyKey?: string, d: Decider<Steps, StepTaken> = decider) =>
  handleCommand(store, stream, d, decide, { metadata: metadata(idempotencyKey), retryOnConflict: false });

const stores: Array<[string, () => Promise<{ store: EventStore; close: () => Promise<void> }>]> = [
  ['PGlite', async () => {
    const store = await createEventStore({ kind: 'embedded' });
    return { store, close: () => store.close() };
  }],
];
const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  stores.push(['PostgreSQL', async () => {
    const schema = `cache_${randomBytes(4).toString('hex')}`;
    const store = await createEventStore({ kind: 'postgres', databaseUrl, schema });
    return {
      store,
      close: async () => {
        await store.close();
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      },
    };
  }]);
}

describe.each(stores)('deciding on the events a command appended (%s)', (_name, open) => {
  let shared: EventStore;
  let close: () => Promise<void>;
  /** This process; `other` stands for another instance writing to the same store. */
  let ours: CountingStore;
  let other: CountingStore;
  let stream: string;

  beforeAll(async () => ({ store: shared, close } = await open()));
  afterAll(() => close());
  beforeEach(() => {
    ours = new CountingStore(shared);
    other = new CountingStore(shared);
    stream = `order:seller-1:${randomUUID()}`;
  });

  it('given a stream this process appended to, when the next commands run, then they decide without reading it and reach the state a read gives', async () => {
    await run(ours, stream);
    const readsAfterFirst = ours.streamReads;
    const results = [await run(ours, stream), await run(ours, stream)];
    expect(ours.streamReads).toBe(readsAfterFirst);
    expect(results.map((r) => r.state.steps)).toEqual([2, 3]);
    expect((await loadStream(other, stream, decider)).state).toEqual(results[1]!.state);
    expect((await shared.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
  });

  it('given a command that starts a stream, when it runs, then it decides on no events without reading; when it is repeated or the stream exists, then it reads and replays or decides on what is there', async () => {
    const starts = (key?: string) => handleCommand(ours, stream, decider, step, { metadata: metadata(key), retryOnConflict: false, assumeNewStream: true });
    const first = await starts('key-start');
    expect(ours.streamReads).toBe(0);
    expect(first.state.steps).toBe(1);
    // Another instance's handle on the same store has no cached events: its repeat must find the stream there.
    const repeated = await handleCommand(other, stream, decider, step, { metadata: metadata('key-start'), retryOnConflict: false, assumeNewStream: true });
    expect(repeated).toMatchObject({ replayed: true, position: first.position });
    expect(other.streamReads).toBe(1);
    const anew = await handleCommand(other, stream, decider, step, { metadata: metadata('key-other'), retryOnConflict: false, assumeNewStream: true });
    expect(anew.state.steps).toBe(2);
    expect((await shared.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it('given another instance moved the stream on, when a command decides on the cached events, then the store refuses that and the command decides again on the stream as it is', async () => {
    await run(ours, stream);
    await run(other, stream);
    const result = await run(ours, stream);
    expect(result.state.steps).toBe(3);
    expect((await shared.readStream(stream)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
  });

  it('given another instance moved the stream on, when the decision on the cached events is a refusal or changes nothing, then it is decided again on a fresh read', async () => {
    await run(ours, stream);
    await run(other, stream);
    const needsTwo = (state: Steps) => {
      if (state.steps < 2) throw new Error('needs two steps first');
      return step(state);
    };
    expect((await run(ours, stream, needsTwo)).state.steps).toBe(3);
    await run(other, stream);
    const onlyOnce = (state: Steps) => (state.steps >= 4 ? [] : step(state));
    const noOp = await run(ours, stream, onlyOnce);
    expect(noOp).toMatchObject({ events: [], revision: 3n, state: { steps: 4 } });
  });

  it('given a command already appended under an idempotency key, when it is repeated, then the earlier outcome is replayed from the cached events', async () => {
    const first = await run(ours, stream, step, 'key-1');
    const reads = ours.streamReads;
    const repeat = await run(ours, stream, step, 'key-1');
    expect(ours.streamReads).toBe(reads);
    expect(repeat).toMatchObject({ replayed: true, position: first.position, events: first.events });
    expect(await shared.readStream(stream)).toHaveLength(1);
  });

  it('given a decider that needs only the latest events, when many commands run, then the cache holds that window and decides as a read of it would', async () => {
    const lastTwo: Decider<Steps, StepTaken> = { ...decider, latestEvents: 2 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await run(ours, stream, step, undefined, lastTwo));
    // Folding only the latest two events caps the count at 2, as a fresh read of two events does.
    expect(results.map((r) => r.state.steps)).toEqual([1, 2, 3, 3, 3]);
    expect((await shared.readStream(stream)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 2, 2]);
    expect((await loadStream(other, stream, lastTwo)).state.steps).toBe(2);
  });
});

describe('the decision cache', () => {
  const events = (stream: string, count: number): RecordedEvent[] =>
    Array.from({ length: count }, (_, i) => ({ id: randomUUID(), stream, type: 'StepTaken', revision: BigInt(i), position: BigInt(i + 1), data: {}, metadata: {}, recordedAt: new Date() }));

  it('given more events than it may hold, when another stream is cached, then the least recently used streams are dropped first', () => {
    const cache = new DecisionCache(10);
    cache.set('a', events('a', 4));
    cache.set('b', events('b', 4));
    cache.get('a');
    cache.set('c', events('c', 4));
    expect([cache.get('a')?.length, cache.get('b'), cache.get('c')?.length]).toEqual([4, undefined, 4]);
  });

  it('given a stream longer than the whole cache, when it is cached, then it is not kept and nothing else is dropped', () => {
    const cache = new DecisionCache(10);
    cache.set('a', events('a', 4));
    cache.set('huge', events('huge', 11));
    expect([cache.get('a')?.length, cache.get('huge')]).toEqual([4, undefined]);
  });
});
