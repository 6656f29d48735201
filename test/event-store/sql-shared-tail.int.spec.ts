import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventStore, SqlEventStore, type EventFilter, type EventStore, type Position, type RecordedEvent } from '@fulfil/event-store';
import { until } from '../support/until';

/**
 * Live subscriptions of one process share their reads of the store's tail (one append wakes them
 * all at the same position). Sharing must never cost an event, reorder one, or hand a reader an
 * answer older than the append that woke it.
 */
describe('live subscriptions sharing reads of the SQL store tail (PGlite)', () => {
  let store: EventStore;
  let sql: SqlEventStore;

  beforeEach(async () => {
    store = await createEventStore({ kind: 'embedded' });
    if (!(store instanceof SqlEventStore)) throw new Error('the embedded store is the SQL store');
    sql = store;
  });

  afterEach(() => store.close());

  it('gives every subscription exactly its filtered events in order, and a checkpoint at the head, while appends race their wake-ups', async () => {
    const filters: Array<EventFilter | undefined> = [
      undefined,
      { kind: 'eventType', prefixes: ['Parcel'] },
      { kind: 'eventType', prefixes: ['Order', 'Invoice'] },
      { kind: 'streamName', prefixes: ['order-1'] },
      { kind: 'streamName', prefixes: ['nothing-matches-'] },
    ];
    await store.append('order-0', [{ type: 'OrderReceived', data: { n: 0 } }], { expectedRevision: 'no_stream' });
    const received = filters.map(() => [] as RecordedEvent[]);
    const checkpoints = filters.map(() => 0n as Position);
    const subscriptions = filters.map((filter, i) =>
      store.subscribe({
        ...(filter ? { filter } : {}),
        onEvent: async (event) => {
          received[i]!.push(event);
        },
        onCheckpoint: async (position) => {
          checkpoints[i] = position;
        },
      }),
    );
    try {
      await Promise.all(subscriptions.map((s) => s.caughtUp));
      const types = ['OrderReceived', 'InvoiceGenerated', 'ParcelPicked', 'ShipmentCreated'];
      // Concurrent appends: subscriptions wake while others are still reading.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.append(`order-${(i % 4) + 1}-${i}`, [{ type: types[i % types.length]!, data: { n: i } }, { type: types[(i + 1) % types.length]!, data: { n: i } }], { expectedRevision: 'no_stream' }),
        ),
      );
      const head = await store.headPosition();
      const all = await store.readAll({ maxCount: 10_000 });
      const expected = filters.map((filter) => all.filter((e) => matches(filter, e)).map((e) => e.position));
      const reachedHead = (i: number) => (received[i]!.at(-1)?.position ?? 0n) >= head || checkpoints[i]! >= head;
      await until('every subscription to reach the head', () => filters.every((_, i) => reachedHead(i)), 20_000, 10);
      expect(received.map((events) => events.map((e) => e.position))).toEqual(expected);
    } finally {
      await Promise.all(subscriptions.map((s) => s.stop()));
    }
  });

  it('shares a read in flight only with readers that heard of no later append', async () => {
    const first = await store.append('order-a', [{ type: 'OrderReceived', data: {} }], { expectedRevision: 'no_stream' });
    const reading = sql.readTail(0n);
    expect(sql.readTail(0n)).toBe(reading);
    // Another position is another read.
    expect(sql.readTail(first.position)).not.toBe(reading);
    const second = await store.append('order-b', [{ type: 'OrderReceived', data: {} }], { expectedRevision: 'no_stream' });
    const afterAppend = sql.readTail(0n);
    expect(afterAppend).not.toBe(reading);
    expect((await afterAppend).events.map((e) => e.position)).toEqual([first.position, second.position]);
    expect(await afterAppend).toMatchObject({ head: second.position, complete: true });
  });
});

function matches(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (!filter) return true;
  const value = filter.kind === 'eventType' ? event.type : event.stream;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

const databaseUrl = process.env['DATABASE_URL'];
// Only where a server is configured (CI always has one); sql.int.spec.ts states the same rule.
if (databaseUrl) {
  describe('live subscriptions of two processes on one PostgreSQL server', () => {
    const schema = `tail_${randomBytes(4).toString('hex')}`;

    afterAll(async () => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it("deliver each other's appends, in order, besides their own", async () => {
      const [mine, theirs] = [await createEventStore({ kind: 'postgres', databaseUrl, schema }), await createEventStore({ kind: 'postgres', databaseUrl, schema })];
      const received: Position[] = [];
      const subscription = mine.subscribe({
        onEvent: async (event) => {
          received.push(event.position);
        },
      });
      try {
        await subscription.caughtUp;
        const written: Position[] = [];
        for (let i = 0; i < 10; i++) written.push((await (i % 2 ? mine : theirs).append(`order-${i}`, [{ type: 'OrderReceived', data: {} }], { expectedRevision: 'no_stream' })).position);
        await until('both processes’ appends to arrive', () => received.length >= written.length, 20_000, 10);
        expect(received).toEqual(written);
      } finally {
        await subscription.stop();
        await theirs.close();
        await mine.close();
      }
    });
  });
}
