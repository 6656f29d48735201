import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { STREAMS_SCOPED_TO_SELLERS, StreamUpgradeError, UPGRADES_STREAM, scopeStreamsToSellers, scopedConversationStream } from '@fulfil/commands';
import { orderStream } from '@fulfil/domain';
import { EsdbEventStore, createEventStore, type EventStore, type NewEvent } from '@fulfil/event-store';
import { conversationStream } from '@fulfil/whatsapp';
import { loadEventSchemas } from '../../libs/domain/src/testing/event-contracts';
import { startEsdbDouble } from '../esdb-double';
import { recordingLogger } from '../esdb-double/test-helpers';

type OpenedStore = { store: EventStore; close: () => Promise<void> };

const stores: Array<[string, () => Promise<OpenedStore>]> = [
  ['embedded PGlite', async () => {
    const store = await createEventStore({ kind: 'embedded' });
    return { store, close: () => store.close() };
  }],
  ['EventStoreDB (protocol double)', async () => {
    const double = await startEsdbDouble();
    const store = new EsdbEventStore(double.connectionString, { logger: recordingLogger() });
    return { store, close: async () => { await store.close(); await double.stop(); } };
  }],
];
const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  stores.push(['PostgreSQL', async () => {
    const store = await createEventStore({ kind: 'postgres', databaseUrl, schema: `upgrade_${randomBytes(4).toString('hex')}` });
    return { store, close: () => store.close() };
  }]);
}

const bySeller = (sellerId: string) => ({ actor: { type: 'seller', id: sellerId }, channel: 'api', correlationId: randomUUID(), causationId: randomUUID() });
const legacy = (type: string, data: Record<string, string>, sellerId: string): NewEvent => ({ id: randomUUID(), type, data, metadata: bySeller(sellerId) });

describe.each(stores)('a store written before ids were scoped to sellers (%s)', (_name, open) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    await opened.close();
  });

  it('gets every order and WhatsApp conversation stream under its seller, same events and revisions, once', async () => {
    const { store } = opened;
    // Given what the previous version wrote: a seller id holding "-" makes the old conversation name ambiguous.
    const order = [legacy('OrderReceived', { sellerId: 'sel-a-b', orderId: '1001' }, 'sel-a-b'), legacy('InvoiceGenerated', { orderId: '1001' }, 'sel-a-b')];
    await store.append('order-1001', order, { expectedRevision: 'no_stream' });
    await store.append('order-ord_x9', [legacy('OrderReceived', { sellerId: 'seller-c', orderId: 'ord_x9' }, 'seller-c')], { expectedRevision: 'no_stream' });
    await store.append('whatsapp-conversation-sel-a-b-1001', [legacy('WhatsAppShippingStarted', { shipmentId: 'shp_1', messageId: 'wamid.1' }, 'sel-a-b')], { expectedRevision: 'no_stream' });
    await store.append('seller-sel-a-b', [legacy('SellerRegistered', { sellerId: 'sel-a-b' }, 'sel-a-b')], { expectedRevision: 'no_stream' });

    // When this version opens it
    const report = await scopeStreamsToSellers(store);

    // Then
    expect(report).toEqual({ renamed: 3 });
    const upgraded = await store.readStream(orderStream('sel-a-b', '1001'));
    expect(upgraded.map((e) => [e.id, e.type, e.revision])).toEqual(order.map((e, i) => [e.id, e.type, BigInt(i)]));
    expect(await store.readStream(orderStream('seller-c', 'ord_x9'))).toHaveLength(1);
    expect(await store.readStream(conversationStream('sel-a-b', '1001'))).toHaveLength(1);
    expect((await store.readStream('seller-sel-a-b')).map((e) => e.type)).toEqual(['SellerRegistered']);
    // Commands carry on at the next revision.
    await store.append(orderStream('sel-a-b', '1001'), [legacy('ShipmentCreated', { orderId: '1001' }, 'sel-a-b')], { expectedRevision: 1n });
    // A second start finds the upgrade recorded and scans nothing.
    expect(await scopeStreamsToSellers(store)).toBeUndefined();
    const recorded = await store.readStream(UPGRADES_STREAM);
    expect(recorded.map((e) => [e.type, e.data['renamedStreams']])).toEqual([[STREAMS_SCOPED_TO_SELLERS, 3]]);
    expect(loadEventSchemas().validate(recorded[0]!, 1)).toEqual({ valid: true, errors: [] });
    expect(loadEventSchemas().validateMetadata(recorded[0]!.metadata)).toEqual({ valid: true, errors: [] });
  });

  it('records the upgrade on a new store too, so later starts skip the scan', async () => {
    expect(await scopeStreamsToSellers(opened.store)).toEqual({ renamed: 0 });
    expect(await scopeStreamsToSellers(opened.store)).toBeUndefined();
  });

  it('refuses a legacy order stream that does not name its seller, renaming nothing', async () => {
    const { store } = opened;
    await store.append('order-good', [legacy('OrderReceived', { sellerId: 'seller-a', orderId: 'good' }, 'seller-a')], { expectedRevision: 'no_stream' });
    await store.append('order-odd', [legacy('OrderTeleported', { orderId: 'odd' }, 'seller-a')], { expectedRevision: 'no_stream' });

    await expect(scopeStreamsToSellers(store)).rejects.toThrow(StreamUpgradeError);
    expect(await store.readStream('order-good')).toHaveLength(1);
    expect(await store.readStream(UPGRADES_STREAM)).toHaveLength(0);
  });
});

// Only a PostgreSQL server has other clients' transactions; the suite exists where the server does, as the PostgreSQL store cases above.
if (databaseUrl) describe('the upgrade on PostgreSQL beside a transaction another client holds open', () => {
  let store: EventStore;
  let other: Client;
  beforeEach(async () => {
    store = await createEventStore({ kind: 'postgres', databaseUrl: databaseUrl!, schema: `upgrade_${randomBytes(4).toString('hex')}` });
    // An open transaction with an id anywhere on the server hides every later append from readAll, as one still committing might.
    other = new Client({ connectionString: databaseUrl });
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT txid_current()');
    await store.append('order-good', [legacy('OrderReceived', { sellerId: 'seller-a', orderId: 'good' }, 'seller-a')], { expectedRevision: 'no_stream' });
    await store.append('order-odd', [legacy('OrderTeleported', { orderId: 'odd' }, 'seller-a')], { expectedRevision: 'no_stream' });
  });
  afterEach(async () => {
    await other.end();
    await store.close();
  });

  it('refuses to record a scan that could not see up to the head, naming the reason', async () => {
    await expect(scopeStreamsToSellers(store, () => new Date(), { heldBackLimitMs: 300 })).rejects.toThrow(/stay hidden behind a transaction open on the database server/);
    expect(await store.readStream(UPGRADES_STREAM)).toHaveLength(0);
  });

  it('waits for the transaction to end, then sees every legacy stream', async () => {
    const upgrade = scopeStreamsToSellers(store);
    await other.query('ROLLBACK');
    await expect(upgrade).rejects.toThrow('order-odd does not start with OrderReceived naming its seller');
    expect(await store.readStream('order-good')).toHaveLength(1);
  });
});

it('names WhatsApp conversations as the WhatsApp library does', () => {
  expect(scopedConversationStream('seller-a', 'ord-1')).toBe(conversationStream('seller-a', 'ord-1'));
});
