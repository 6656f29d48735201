import { randomUUID } from 'node:crypto';
import type { EventFilter, EventStore, NewEvent, Position, RecordedEvent, StreamName, Subscription } from '../event-store';
import { StreamRevisionConflictError } from '../errors';

export interface ContractSetup {
  store: EventStore;
  teardown?: () => Promise<void>;
}

/** A writer's transaction that has appended and not yet ended: only a store with transactions (a PostgreSQL server) offers one. */
export interface HeldTransaction {
  append(stream: StreamName, events: NewEvent[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface ContractOptions {
  /** Writers × appends per writer in the concurrency case; smaller for slow adapters. */
  concurrentWriters?: number;
  appendsPerWriter?: number;
  /** Deadline for waiting on a subscription, in ms. */
  deadlineMs?: number;
  /** Opens a slow writer's transaction, for the cases of an append still in flight or rolled back. */
  openTransaction?: () => Promise<HeldTransaction>;
  /** How long the slow writer keeps its transaction open while others commit (default 10 s). */
  holdMs?: number;
  /** Whether `returnEvents` gives the appended events back (default true); an adapter that cannot leaves them out. */
  returnsAppendedEvents?: boolean;
}

/** Fresh names per test, so tests share one store without seeing each other's events. */
const fresh = (prefix: string): string => `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 16)}`;

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data: data as NewEvent['data'], metadata: { test: true } });

/** Resolves when `predicate` holds, polled on each call of the returned `check`, or rejects at the deadline. */
function until(predicate: () => boolean, deadlineMs: number, what: string): { promise: Promise<void>; check: () => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`)), deadlineMs);
  // A wait nobody ends up awaiting (a stopped subscription's) must neither hold the process open nor report later.
  timer.unref();
  promise.catch(() => undefined);
  const check = () => {
    if (predicate()) {
      clearTimeout(timer);
      resolve();
    }
  };
  check();
  return { promise, check };
}

/** Collects a filtered subscription's events until `count` have arrived. */
function collect(store: EventStore, options: { after?: Position; typePrefix: string; count: number; deadlineMs: number; filter?: EventFilter }) {
  const seen: RecordedEvent[] = [];
  const done = until(() => seen.length >= options.count, options.deadlineMs, `${options.count} events of ${options.typePrefix}`);
  const subscription = store.subscribe({
    ...(options.after !== undefined ? { after: options.after } : {}),
    filter: options.filter ?? { kind: 'eventType', prefixes: [options.typePrefix] },
    onEvent: async (e) => {
      seen.push(e);
      done.check();
    },
  });
  return { seen, subscription, done: done.promise };
}

/**
 * `readAll` returns a stable prefix: on a server an event committed a moment ago may wait behind
 * another session's open transaction. Reads until `count` events are there, or fails at the deadline.
 */
async function readAllOf(store: EventStore, options: { after: Position; typePrefix: string; count: number; deadlineMs: number; kind?: EventFilter['kind'] }): Promise<RecordedEvent[]> {
  const deadline = Date.now() + options.deadlineMs;
  const read: RecordedEvent[] = [];
  for (;;) {
    const after = read.at(-1)?.position ?? options.after;
    const page = await store.readAll({ after, maxCount: 1000, filter: { kind: options.kind ?? 'eventType', prefixes: [options.typePrefix] } });
    read.push(...page);
    if (read.length >= options.count || Date.now() > deadline) return read;
    if (page.length < 1000) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Increasing positions and no event twice. */
function expectStoreOrder(events: RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(events[i]!.position > events[i - 1]!.position).toBe(true);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
}

/**
 * The behaviour every event store adapter promises, run against each of them (PGlite, a
 * PostgreSQL server, EventStoreDB through its protocol double or a real server).
 */
export function describeEventStoreContract(name: string, setup: () => Promise<ContractSetup>, options: ContractOptions = {}): void {
  const writers = options.concurrentWriters ?? 8;
  const appendsPerWriter = options.appendsPerWriter ?? 40;
  const deadlineMs = options.deadlineMs ?? 20_000;

  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let teardown: (() => Promise<void>) | undefined;
    const subscriptions: Subscription[] = [];

    beforeAll(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });
    afterAll(async () => {
      await teardown?.();
    });

    describe('renaming streams for an upgrade', () => {
      it('gives the new name the events of the old stream, with their ids and revisions, and appends carry on there; repeating changes nothing', async () => {
        const [from, to, absent] = [fresh('legacy'), fresh('scoped'), fresh('legacy')];
        await store.append(from, [event('Opened'), event('Changed')], { expectedRevision: 'no_stream' });
        const before = await store.readStream(from);

        await store.renameStreams([{ from, to }, { from: absent, to: fresh('scoped') }]);
        await store.renameStreams([{ from, to }]);

        const renamed = await store.readStream(to);
        expect(renamed.map((e) => [e.id, e.type, e.revision, e.data, e.metadata])).toEqual(before.map((e) => [e.id, e.type, e.revision, e.data, e.metadata]));
        expect(renamed.every((e) => e.stream === to)).toBe(true);
        expect((await store.append(to, [event('Later')], { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
      });
    });

    describe('appending with an expected revision', () => {
      it('creates a stream expecting no stream, numbering revisions from 0', async () => {
        const stream = fresh('order');
        const result = await store.append(stream, [event('Opened'), event('Changed')], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1n);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n]);
      });

      it('refuses no_stream when the stream exists, reporting its revision', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        const error = await store.append(stream, [event('Again')], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamRevisionConflictError);
        expect((error as StreamRevisionConflictError).actual).toBe(0n);
      });

      it('accepts the exact revision and refuses a stale one', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Opened'), event('Changed')], { expectedRevision: 'no_stream' });
        await store.append(stream, [event('Changed')], { expectedRevision: 1n });
        const error = await store.append(stream, [event('Late')], { expectedRevision: 1n }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamRevisionConflictError);
        expect(error).toMatchObject({ stream, expected: 1n, actual: 2n });
      });

      it('refuses a revision the stream has not reached, and one on a stream that does not exist, leaving no gap', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event('Ahead')], { expectedRevision: 3n })).rejects.toMatchObject({ stream, expected: 3n, actual: 0n });
        await expect(store.append(fresh('order'), [event('Nowhere')], { expectedRevision: 0n })).rejects.toMatchObject({ expected: 0n, actual: 'no_stream' });
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n]);
      });

      it('appends with any, whatever the revision', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('One')], { expectedRevision: 'any' });
        const result = await store.append(stream, [event('Two')], { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('refuses stream_exists on a missing stream and accepts it on an existing one', async () => {
        const stream = fresh('order');
        await expect(store.append(stream, [event('One')], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(StreamRevisionConflictError);
        await store.append(stream, [event('One')], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event('Two')], { expectedRevision: 'stream_exists' })).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });

      it('writes a conflicting batch not at all', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event('A'), event('B'), event('C')], { expectedRevision: 5n })).rejects.toBeInstanceOf(StreamRevisionConflictError);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Opened']);
      });

      it('lets exactly one of many concurrent writers win each expected revision', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.append(stream, [event('Raced', { i })], { expectedRevision: 0n })));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(StreamRevisionConflictError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('gives back, when asked and able, the appended events exactly as reading the stream returns them, for one event and for a batch', async () => {
        const stream = fresh('order');
        const one = await store.append(stream, [event('Placed', { n: 1 })], { expectedRevision: 'no_stream', returnEvents: true });
        const batch = await store.append(stream, [event('Packed', { n: 2, nested: { b: 1, a: [2] } }), event('Shipped', { n: 3 })], { expectedRevision: 0n, returnEvents: true });
        const any = await store.append(stream, [event('Noted')], { expectedRevision: 'any', returnEvents: true });
        const plain = await store.append(stream, [event('Delivered')], { expectedRevision: 3n });
        const read = await store.readStream(stream);
        // An adapter that cannot have them leaves them out rather than read them again.
        const returned = options.returnsAppendedEvents !== false;
        expect([one.events, batch.events, any.events, plain.events]).toEqual(returned ? [read.slice(0, 1), read.slice(1, 3), read.slice(3, 4), undefined] : [undefined, undefined, undefined, undefined]);
        expect([one.position, batch.position, any.position]).toEqual([read[0]!.position, read[2]!.position, read[3]!.position]);
      });

      it('asked for the appended events, still refuses a stale revision and writes nothing', async () => {
        const stream = fresh('order');
        await store.append(stream, [event('Placed')], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event('Late')], { expectedRevision: 'no_stream', returnEvents: true })).rejects.toBeInstanceOf(StreamRevisionConflictError);
        await expect(store.append(stream, [event('Late'), event('Later')], { expectedRevision: 5n, returnEvents: true })).rejects.toMatchObject({ actual: 0n });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Placed']);
      });

      it('returns positions that grow with every append', async () => {
        const first = await store.append(fresh('order'), [event('One')], { expectedRevision: 'no_stream' });
        const second = await store.append(fresh('order'), [event('Two'), event('Three')], { expectedRevision: 'no_stream' });
        expect(second.position).toBeGreaterThan(first.position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(second.position);
      });
    });

    describe('reading', () => {
      it('reads a missing stream as empty', async () => {
        expect(await store.readStream(fresh('missing'))).toEqual([]);
      });

      it('round-trips data and metadata, unicode and nesting included', async () => {
        const stream = fresh('order');
        const data = { name: 'आशा कुलकर्णी ✓', nested: { list: [1, 'two', { three: null }], flag: true }, amountPaise: 123456789 };
        await store.append(stream, [{ id: randomUUID(), type: 'Detailed', data, metadata: { correlationId: 'c-1', actor: { type: 'seller', id: 's' } } }], {
          expectedRevision: 'no_stream',
        });
        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({ stream, type: 'Detailed', revision: 0n, data, metadata: { correlationId: 'c-1', actor: { type: 'seller', id: 's' } } });
        expect(read!.recordedAt).toBeInstanceOf(Date);
        expect(typeof read!.id).toBe('string');
      });

      it('reads a stream from a revision, at most maxCount events', async () => {
        const stream = fresh('order');
        await store.append(stream, ['A', 'B', 'C', 'D'].map((t) => event(t)), { expectedRevision: 'no_stream' });
        expect((await store.readStream(stream, { fromRevision: 1n, maxCount: 2 })).map((e) => e.type)).toEqual(['B', 'C']);
      });

      it('reads all events after a position, in position order, the start excluded', async () => {
        const type = fresh('ReadAll');
        const head = await store.headPosition();
        for (let i = 0; i < 5; i++) await store.append(fresh('order'), [event(type, { i })], { expectedRevision: 'no_stream' });
        const all = await readAllOf(store, { after: head, typePrefix: type, count: 5, deadlineMs });
        expect(all.map((e) => e.data['i'])).toEqual([0, 1, 2, 3, 4]);
        const after = await store.readAll({ after: all[1]!.position, maxCount: 1000, filter: { kind: 'eventType', prefixes: [type] } });
        expect(after.map((e) => e.data['i'])).toEqual([2, 3, 4]);
      });

      it('counts what a read of all events would return, up to its page size, without reading them', async () => {
        const type = fresh('Counted');
        const head = await store.headPosition();
        for (let i = 0; i < 4; i++) await store.append(fresh('order'), [event(type, { i }), event('OtherType')], { expectedRevision: 'no_stream' });
        const all = await readAllOf(store, { after: head, typePrefix: type, count: 4, deadlineMs });
        const filter = { kind: 'eventType' as const, prefixes: [type] };
        expect(await store.countAll({ after: head, maxCount: 1000, filter })).toBe(4);
        expect(await store.countAll({ after: all[0]!.position, maxCount: 1000, filter })).toBe(3);
        expect(await store.countAll({ after: head, maxCount: 2, filter })).toBe(2);
        expect(await store.countAll({ after: all[3]!.position, maxCount: 1000, filter })).toBe(0);
      });

      it('filters by event type prefix and by stream name prefix', async () => {
        const prefix = fresh('shop');
        const type = fresh('Filtered');
        const head = await store.headPosition();
        await store.append(`${prefix}-a`, [event(`${type}Yes`), event('OtherType')], { expectedRevision: 'no_stream' });
        await store.append(fresh('elsewhere'), [event(`${type}Also`)], { expectedRevision: 'no_stream' });
        const byType = await readAllOf(store, { after: head, typePrefix: type, count: 2, deadlineMs });
        expect(byType.map((e) => e.type).sort()).toEqual([`${type}Also`, `${type}Yes`]);
        const byStream = await readAllOf(store, { after: head, typePrefix: prefix, count: 2, deadlineMs, kind: 'streamName' });
        expect(byStream.map((e) => e.type)).toEqual([`${type}Yes`, 'OtherType']);
      });
    });

    describe('subscribing', () => {
      it('catches up, then delivers live events, in order', async () => {
        const type = fresh('Sub');
        const head = await store.headPosition();
        await store.append(fresh('order'), [event(type, { n: 1 }), event(type, { n: 2 })], { expectedRevision: 'no_stream' });
        const { seen, subscription, done } = collect(store, { after: head, typePrefix: type, count: 4, deadlineMs });
        subscriptions.push(subscription);
        await subscription.caughtUp;
        await store.append(fresh('order'), [event(type, { n: 3 })], { expectedRevision: 'no_stream' });
        await store.append(fresh('order'), [event(type, { n: 4 })], { expectedRevision: 'no_stream' });
        await done;
        expect(seen.map((e) => e.data['n'])).toEqual([1, 2, 3, 4]);
      });

      it('resumes from a checkpoint without skipping or repeating', async () => {
        const type = fresh('Resume');
        const head = await store.headPosition();
        for (let n = 1; n <= 3; n++) await store.append(fresh('order'), [event(type, { n })], { expectedRevision: 'no_stream' });
        const first = collect(store, { after: head, typePrefix: type, count: 2, deadlineMs });
        subscriptions.push(first.subscription);
        await first.done;
        await first.subscription.stop();
        const checkpoint = first.seen[1]!.position;
        for (let n = 4; n <= 5; n++) await store.append(fresh('order'), [event(type, { n })], { expectedRevision: 'no_stream' });
        const resumed = collect(store, { after: checkpoint, typePrefix: type, count: 3, deadlineMs });
        subscriptions.push(resumed.subscription);
        await resumed.done;
        expect(resumed.seen.map((e) => e.data['n'])).toEqual([3, 4, 5]);
      });

      it('hands a batch handler every event once, in order, in batches of what each read found', async () => {
        const type = fresh('Batch');
        const head = await store.headPosition();
        await store.append(fresh('order'), [1, 2, 3].map((n) => event(type, { n })), { expectedRevision: 'no_stream' });
        const batches: RecordedEvent[][] = [];
        const done = until(() => batches.flat().length >= 8, deadlineMs, '8 batched events');
        const subscription = store.subscribe({
          after: head,
          filter: { kind: 'eventType', prefixes: [type] },
          onEvents: async (events) => {
            batches.push(events);
            done.check();
          },
        });
        subscriptions.push(subscription);
        await subscription.caughtUp;
        await Promise.all([4, 5, 6, 7, 8].map((n) => store.append(fresh('order'), [event(type, { n })], { expectedRevision: 'no_stream' })));
        await done.promise;
        expect(batches.every((batch) => batch.length > 0)).toBe(true);
        const delivered = batches.flat();
        expectStoreOrder(delivered);
        expect(delivered.map((e) => e.data['n']).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(delivered.slice(0, 3).map((e) => e.data['n'])).toEqual([1, 2, 3]);
      });

      it('delivers nothing more once stopped', async () => {
        const type = fresh('Stop');
        const head = await store.headPosition();
        const { seen, subscription } = collect(store, { after: head, typePrefix: type, count: 1, deadlineMs });
        await subscription.caughtUp;
        await subscription.stop();
        await store.append(fresh('order'), [event(type)], { expectedRevision: 'no_stream' });
        // A fresh subscription that sees the event proves it was committed and deliverable.
        const probe = collect(store, { after: head, typePrefix: type, count: 1, deadlineMs });
        subscriptions.push(probe.subscription);
        await probe.done;
        expect(seen).toHaveLength(0);
      });

      it('ends with onError when the handler throws, delivering nothing after', async () => {
        const type = fresh('Poison');
        const head = await store.headPosition();
        await store.append(fresh('order'), [event(type, { n: 1 }), event(type, { n: 2 })], { expectedRevision: 'no_stream' });
        const handled: number[] = [];
        let failure: Error | undefined;
        const failed = until(() => failure !== undefined, deadlineMs, 'onError');
        const subscription = store.subscribe({
          after: head,
          filter: { kind: 'eventType', prefixes: [type] },
          onEvent: async (e) => {
            handled.push(e.data['n'] as number);
            throw new Error('handler refuses');
          },
          onError: (error) => {
            failure = error;
            failed.check();
          },
        });
        subscriptions.push(subscription);
        await failed.promise;
        expect(failure?.message).toContain('handler refuses');
        expect(handled).toEqual([1]);
      });

      it('sees every event of many concurrent writers exactly once, in store order, with a subscriber restarted from its checkpoint midway', async () => {
        const type = fresh('Concurrent');
        const streamPrefix = fresh('writer');
        const head = await store.headPosition();
        const total = writers * appendsPerWriter + writers; // each writer also appends one batch of two
        const byType = collect(store, { after: head, typePrefix: type, count: total, deadlineMs: deadlineMs * 3 });
        const byStream = collect(store, { after: head, typePrefix: streamPrefix, count: total, deadlineMs: deadlineMs * 3, filter: { kind: 'streamName', prefixes: [streamPrefix] } });
        subscriptions.push(byType.subscription, byStream.subscription);
        // This one stops a third of the way in and resumes from what it had stored: its last event or checkpoint.
        const restarted: RecordedEvent[] = [];
        let checkpoint = head;
        const halted = until(() => restarted.length >= Math.floor(total / 3), deadlineMs * 3, 'a third of the events before the restart');
        const first = store.subscribe({
          after: head,
          filter: { kind: 'eventType', prefixes: [type] },
          onEvent: async (e) => {
            if (restarted.length >= Math.floor(total / 3)) return halted.check();
            restarted.push(e);
            checkpoint = e.position;
            halted.check();
          },
          onCheckpoint: async (position) => {
            if (restarted.length < Math.floor(total / 3)) checkpoint = position;
          },
        });
        subscriptions.push(first);
        await Promise.all([byType.subscription.caughtUp, byStream.subscription.caughtUp, first.caughtUp]);
        const writing = Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const stream = `${streamPrefix}-${w}`;
            for (let i = 0; i < appendsPerWriter - 1; i++) {
              await store.append(stream, [event(type, { w, i })], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) });
            }
            await store.append(stream, [event(type, { w, i: appendsPerWriter - 1 }), event(type, { w, i: appendsPerWriter })], {
              expectedRevision: BigInt(appendsPerWriter - 2),
            });
          }),
        );
        await halted.promise;
        await first.stop();
        const resumed = collect(store, { after: checkpoint, typePrefix: type, count: total - restarted.length, deadlineMs: deadlineMs * 3 });
        subscriptions.push(resumed.subscription);
        await writing;
        await Promise.all([byType.done, byStream.done, resumed.done]);
        const final = await readAllOf(store, { after: head, typePrefix: type, count: total, deadlineMs });
        expect(final).toHaveLength(total);
        expectStoreOrder(final);
        const ids = final.map((e) => e.id);
        expect(byType.seen.map((e) => e.id)).toEqual(ids);
        expect(byStream.seen.map((e) => e.id)).toEqual(ids);
        expect([...restarted, ...resumed.seen].map((e) => e.id)).toEqual(ids);
      });
    });

    if (options.openTransaction) {
      const openTransaction = options.openTransaction;
      const holdMs = options.holdMs ?? 10_000;

      describe('with a writer whose transaction stays open', () => {
        it(`delivers nothing past an append still in flight for ${holdMs} ms, then everything in store order once it commits`, async () => {
          const type = fresh('Held');
          const head = await store.headPosition();
          const { seen, subscription, done } = collect(store, { after: head, typePrefix: type, count: 21, deadlineMs: holdMs + deadlineMs });
          subscriptions.push(subscription);
          await subscription.caughtUp;
          const slow = await openTransaction();
          await slow.append(fresh('slow'), [event(type, { slow: true })]);
          const holdUntil = Date.now() + holdMs;
          let written = 0;
          // Others keep committing while the slow writer holds its transaction: none of theirs may be delivered or read before it.
          while (Date.now() < holdUntil) {
            if (written < 20) await store.append(fresh('fast'), [event(type, { fast: written++ })], { expectedRevision: 'no_stream' });
            else await new Promise((resolve) => setTimeout(resolve, 50));
            expect(seen).toHaveLength(0);
            expect(await store.readAll({ after: head, maxCount: 100, filter: { kind: 'eventType', prefixes: [type] } })).toHaveLength(0);
          }
          expect(written).toBe(20);
          await slow.commit();
          await done;
          expectStoreOrder(seen);
          expect(seen[0]!.data).toEqual({ slow: true });
          expect(seen.slice(1).map((e) => e.data['fast'])).toEqual(Array.from({ length: 20 }, (_, i) => i));
          expect(seen.map((e) => e.id)).toEqual((await readAllOf(store, { after: head, typePrefix: type, count: 21, deadlineMs })).map((e) => e.id));
        });

        it('never delivers a rolled-back append, and delivers what committed around it', async () => {
          const type = fresh('RolledBack');
          const head = await store.headPosition();
          const { seen, subscription, done } = collect(store, { after: head, typePrefix: type, count: 10, deadlineMs });
          subscriptions.push(subscription);
          await subscription.caughtUp;
          const slow = await openTransaction();
          await slow.append(fresh('slow'), [event(type, { slow: true })]);
          for (let n = 0; n < 5; n++) await store.append(fresh('fast'), [event(type, { n })], { expectedRevision: 'no_stream' });
          await slow.rollback();
          for (let n = 5; n < 10; n++) await store.append(fresh('fast'), [event(type, { n })], { expectedRevision: 'no_stream' });
          await done;
          expect(seen.map((e) => e.data['n'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          expectStoreOrder(seen);
          expect((await readAllOf(store, { after: head, typePrefix: type, count: 10, deadlineMs })).map((e) => e.id)).toEqual(seen.map((e) => e.id));
        });

        it('lets appends to different streams commit while one writer holds its transaction', async () => {
          const slow = await openTransaction();
          await slow.append(fresh('slow'), [event('Slow')]);
          try {
            // With one lock for every append these would queue behind the slow writer until the test timed out.
            const streams = Array.from({ length: 8 }, () => fresh('fast'));
            await Promise.all(streams.map((stream) => store.append(stream, [event('Fast')], { expectedRevision: 'no_stream' })));
            for (const stream of streams) expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Fast']);
          } finally {
            await slow.rollback();
          }
        });
      });
    }
  });
}
