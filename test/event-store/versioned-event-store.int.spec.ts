import { randomUUID } from 'node:crypto';
import { ENGINE_UPCASTERS, UPGRADES_STREAM, engineSchemaVersion, openEngineEventStore } from '@fulfil/commands';
import { VersionedEventStore, createEventStore, upcastEvent, type EventStore, type RecordedEvent, type Upcaster } from '@fulfil/event-store';
import { describeEventStoreContract } from '@fulfil/event-store/testing';
import { until } from '../support/until';

/**
 * The seam every engine process reads and writes through (ADR 0017): writes record the schema
 * version of their type, reads map older versions to the current shape.
 */

describeEventStoreContract('versioned, over PGlite', async () => ({ store: new VersionedEventStore(await createEventStore({ kind: 'embedded' }), () => 1) }));

/** A test type whose v2 splits v1's `name` into given and family names. */
const TYPE = 'ParcelLabelled';
const splitName: Upcaster = {
  type: TYPE,
  fromVersion: 1,
  upcast: (data) => {
    const [given = '', ...family] = String(data['name']).split(' ');
    const { name: _name, ...rest } = data;
    return { ...rest, givenName: given, familyName: family.join(' ') };
  },
};
const version = (v1: number) => (type: string) => (type === TYPE ? v1 : 1);

describe('VersionedEventStore', () => {
  let raw: EventStore;
  beforeEach(async () => {
    raw = await createEventStore({ kind: 'embedded' });
  });
  afterEach(() => raw.close());

  it('records on each appended event the version its type is written at, beside the metadata it was given', async () => {
    const store = new VersionedEventStore(raw, version(3), [splitName]);
    await store.append('parcel-1', [{ type: TYPE, data: { givenName: 'Asha', familyName: 'Kulkarni' }, metadata: { correlationId: 'c-1' } }, { type: 'Other', data: {} }], { expectedRevision: 'no_stream' });
    const [labelled, other] = await raw.readStream('parcel-1');
    expect(labelled!.metadata).toEqual({ correlationId: 'c-1', schemaVersion: 3 });
    expect(other!.metadata).toEqual({ schemaVersion: 1 });
  });

  it('reads events as written when no upcaster is registered and every type is at the version it was written with', async () => {
    const store = new VersionedEventStore(raw, version(1));
    await store.append('parcel-2', [{ type: TYPE, data: { name: 'Asha Kulkarni' } }], { expectedRevision: 'no_stream' });
    expect(await store.readStream('parcel-2')).toEqual(await raw.readStream('parcel-2'));
    expect(await store.readAll({ maxCount: 10 })).toEqual(await raw.readAll({ maxCount: 10 }));
  });

  it('reads a v1 event in the v2 shape, by stream, from the log and by subscription, and keeps the version it was written with', async () => {
    // Written by the previous version of the engine, where the type was at v1.
    await new VersionedEventStore(raw, version(1)).append('parcel-3', [{ type: TYPE, data: { name: 'Asha Kulkarni', weightGrams: 800 } }], { expectedRevision: 'no_stream' });
    const store = new VersionedEventStore(raw, version(2), [splitName]);
    await store.append('parcel-3', [{ type: TYPE, data: { givenName: 'Ravi', familyName: 'Menon', weightGrams: 500 } }], { expectedRevision: 0n });
    const upcast = { givenName: 'Asha', familyName: 'Kulkarni', weightGrams: 800 };

    const byStream = await store.readStream('parcel-3');
    expect(byStream.map((e) => [e.data, e.metadata['schemaVersion']])).toEqual([
      [upcast, 1],
      [{ givenName: 'Ravi', familyName: 'Menon', weightGrams: 500 }, 2],
    ]);
    expect((await store.readAll({ maxCount: 10 }))[0]!.data).toEqual(upcast);
    const delivered: RecordedEvent[] = [];
    const one = store.subscribe({ onEvent: async (e) => void delivered.push(e) });
    const batched: RecordedEvent[] = [];
    const many = store.subscribe({ onEvents: async (events) => void batched.push(...events) });
    await until('both subscriptions deliver both events', () => delivered.length === 2 && batched.length === 2);
    await Promise.all([one.stop(), many.stop()]);
    expect([delivered[0]!.data, batched[0]!.data]).toEqual([upcast, upcast]);
  });

  it('reads an event stored before versions were recorded as version 1', () => {
    const old: RecordedEvent = { id: randomUUID(), stream: 'parcel-4', type: TYPE, revision: 0n, position: 1n, data: { name: 'Asha Kulkarni' }, metadata: {}, recordedAt: new Date() };
    expect(upcastEvent(old, version(2), [splitName]).data).toEqual({ givenName: 'Asha', familyName: 'Kulkarni' });
  });

  it('fails loudly on an old event no upcaster can read', () => {
    const old: RecordedEvent = { id: 'e-1', stream: 'parcel-5', type: TYPE, revision: 0n, position: 1n, data: { name: 'Asha' }, metadata: { schemaVersion: 1 }, recordedAt: new Date() };
    expect(() => upcastEvent(old, version(3), [splitName])).toThrow('ParcelLabelled event e-1 is at schema version 2; no upcaster reads it into version 3');
  });
});

describe('the engine opens its store through the seam', () => {
  it('stamps the upgrade record it writes on open with its schema version, and upcasts nothing yet', async () => {
    const store = await openEngineEventStore({ kind: 'embedded' });
    try {
      const [upgrade] = await store.readStream(UPGRADES_STREAM);
      expect(upgrade!.metadata['schemaVersion']).toBe(engineSchemaVersion(upgrade!.type));
      expect(ENGINE_UPCASTERS).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
