/**
 * The shared event store contract against a real EventStoreDB / KurrentDB server, when
 * `ESDB_CONNECTION_STRING` names one (e.g. `esdb://localhost:2113?tls=false`; the user must be
 * allowed to read `$all`). Also checks the server facts the adapter's position mapping relies on
 * (docs/adr/0003-eventstoredb-adapter.md), which the protocol double can only assume.
 */
import { randomUUID } from 'node:crypto';
import { EsdbEventStore, type NewEvent, type Position, type RecordedEvent } from '@fulfil/event-store';
import { describeEventStoreContract } from '@fulfil/event-store/testing';

const connectionString = process.env['ESDB_CONNECTION_STRING'];
const event = (type: string, n: number): NewEvent => ({ type, data: { n } });

if (connectionString === undefined || connectionString === '') {
  describe('EventStoreDB adapter on a real server', () => {
    it('is not configured: set ESDB_CONNECTION_STRING to run the contract suite against a server', () => {
      expect(connectionString ?? '').toBe('');
    });
  });
} else {
  describeEventStoreContract('EventStoreDB adapter on a real server', async () => {
    const store = new EsdbEventStore(connectionString);
    return { store, teardown: () => store.close() };
  }, { returnsAppendedEvents: false });

  describe('EventStoreDB server facts the adapter relies on', () => {
    let store: EsdbEventStore;
    beforeAll(() => {
      store = new EsdbEventStore(connectionString);
    });
    afterAll(() => store.close());

    it("reports an append's position as its last event's position in the stream and in $all", async () => {
      const stream = `order-${randomUUID()}`;
      const head = await store.headPosition();
      const { position } = await store.append(stream, [event('FactChecked', 0), event('FactChecked', 1)], { expectedRevision: 'no_stream' });

      expect((await store.readStream(stream)).at(-1)?.position).toBe(position);
      const fromAll = await store.readAll({ after: head, maxCount: 100, filter: { kind: 'streamName', prefixes: [stream] } });
      expect(fromAll.at(-1)?.position).toBe(position);
    });

    it('resumes after a filtered checkpoint without skipping the next matching event', async () => {
      const wanted = `Wanted${randomUUID().replace(/-/g, '')}`;
      const stream = `mixed-${randomUUID()}`;
      const head = await store.headPosition();
      await store.append(stream, Array.from({ length: 40 }, (_, n) => event('Other', n)), { expectedRevision: 'no_stream' });

      let checkpoint: Position | undefined;
      const first = store.subscribe({
        after: head,
        filter: { kind: 'eventType', prefixes: [wanted] },
        onEvent: async () => undefined,
        onCheckpoint: async (position) => void (checkpoint = position),
      });
      await first.caughtUp;
      await first.stop();
      const { position } = await store.append(stream, [event(wanted, 40)], { expectedRevision: 39n });

      const delivered: RecordedEvent[] = [];
      const second = store.subscribe({ after: checkpoint ?? head, filter: { kind: 'eventType', prefixes: [wanted] }, onEvent: async (e) => void delivered.push(e) });
      await second.caughtUp;
      await second.stop();
      expect(delivered.map((e) => e.position)).toEqual([position]);
    });
  });
}
