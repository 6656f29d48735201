import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@fulfil/event-store';
import { createAuthorizationHeader } from '@fulfil/ondc';
import type { OndcMessage } from '@fulfil/ondc';
import { freshNumber, textOf } from '../whatsapp/whatsapp-harness';
import { AdapterHarness, PlacedShipment, eventually } from './support/adapter-harness';
import { findingsOnReceived, findingsOnSent, sentActions } from './support/conformance-findings';
import { SellerHttp } from './support/seller-http';

/**
 * The cash a partner collects on a COD delivery, reconciled with it (RSF 2.0) over the in-process
 * sandbox: a settlement window after the delivery the adapter sends /recon with what the partner
 * owes, the partner's /on_recon goes to the order (settled in accord, or a mismatch the seller is
 * told of on WhatsApp), and rounds follow each window until it has settled in accord. Every message
 * either way passes the conformance rules.
 */

const WINDOW_MS = 400;
const START_TIMEOUT_MS = 180_000;

const ofType = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.data);

async function orderEventsOf(harness: AdapterHarness, placed: PlacedShipment, type: string, count: number, what: string) {
  return eventually(async () => {
    const found = ofType(await harness.orderEvents(placed), type);
    return found.length >= count && found;
  }, what);
}

describe('COD reconciliation (RSF 2.0): a partner that settles in accord, after one pending round', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({
      participants: [{ name: 'cheap-slow', settleAfterRecons: 1 }],
      stepMs: 50,
      env: { ONDC_SETTLEMENT_WINDOW_MS: String(WINDOW_MS), ONDC_RECON_ROUNDS: '5' },
    });
  }, START_TIMEOUT_MS);
  afterAll(async () => harness.close());

  it('is asked a window after the delivery and again a window later; its settlement with the bank reference is in the order, and it is not asked again', async () => {
    const { sellerId, apiKey } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod' });
    const delivered = await harness.statusReaches(placed, 'delivered');
    const due = delivered.codAmountPaise;

    const [pending, settled] = await orderEventsOf(harness, placed, 'CodSettlementReconciled', 2, 'the pending and then the settled reconciliation');
    expect(pending).toMatchObject({ shipmentId: placed.shipmentId, partnerId: harness.partnerId('cheap-slow'), amountPaise: due, status: 'pending' });
    expect(settled).toMatchObject({ amountPaise: due, status: 'settled', settlementRef: expect.stringMatching(/^SBXUTR/) });

    const order = await eventually(async () => {
      const body = (await harness.http().get(`/v1/orders/${placed.orderId}`).set('authorization', `Bearer ${apiKey}`).expect(200)).body;
      return body.shipments[0]?.codSettlement?.status === 'settled' && body;
    }, 'the read model to show the settlement');
    expect(order.shipments[0].codSettlement).toMatchObject({ outcome: 'reconciled', status: 'settled', claimedPaise: due, partnerPaise: due });
    expect(order.timeline.map((t: { eventType: string }) => t.eventType)).toEqual(expect.arrayContaining(['CodSettlementReconciled']));

    // Settled in accord: two more windows pass, and no third /recon goes out.
    const deliveredAt = Date.now();
    await eventually(async () => Date.now() > deliveredAt + 2 * WINDOW_MS, 'two more settlement windows', 5_000);
    await harness.driver.idle();
    expect((await sentActions(harness, placed)).filter((a) => a === 'recon')).toHaveLength(2);
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });

  it('sends no /recon for a prepaid delivery', async () => {
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid' });
    await harness.statusReaches(placed, 'delivered');
    const after = Date.now();
    await eventually(async () => Date.now() > after + 2 * WINDOW_MS, 'two settlement windows', 5_000);
    await harness.driver.idle();
    expect(await sentActions(harness, placed)).not.toContain('recon');
    expect(ofType(await harness.orderEvents(placed), 'CodSettlementReconciled')).toEqual([]);
  });
});

describe('COD reconciliation (RSF 2.0): a partner that remits less than it collected', () => {
  let harness: AdapterHarness;
  const SHORT = 2_500;
  beforeAll(async () => {
    harness = await AdapterHarness.start({
      participants: [{ name: 'cheap-slow', reconShortPaise: SHORT }],
      stepMs: 50,
      env: { ONDC_SETTLEMENT_WINDOW_MS: String(WINDOW_MS), ONDC_RECON_ROUNDS: '2' },
    });
  }, START_TIMEOUT_MS);
  afterAll(async () => harness.close());

  it('records the mismatch once and tells the seller on WhatsApp; after the rounds allowed the adapter stops asking', async () => {
    const seller = await SellerHttp.register(harness, { whatsapp: freshNumber() });
    const placed = await harness.placeOnNetworkOrder(seller.sellerId, { paymentMethod: 'cod' });
    const due = (await harness.statusReaches(placed, 'delivered')).codAmountPaise;

    const [mismatch] = await orderEventsOf(harness, placed, 'CodSettlementMismatched', 1, 'the mismatch');
    expect(mismatch).toMatchObject({ partnerId: harness.partnerId('cheap-slow'), claimedPaise: due, partnerPaise: due - SHORT, accord: false });
    const told = await eventually(
      async () => (await seller.outbox()).find((m) => m.purpose === 'cod-settlement-mismatched' && m.orderId === placed.orderId),
      'the WhatsApp message telling the seller',
    );
    expect(textOf(told)).toContain(`Order ${placed.orderId}`);
    expect(textOf(told)).toContain('Cheap & Slow Logistics');

    await eventually(async () => ofType(await harness.conversationEvents(placed.shipmentId), 'CodReconciliationAbandoned')[0], 'the reconciliation given up', 10_000);
    const abandoned = ofType(await harness.conversationEvents(placed.shipmentId), 'CodReconciliationAbandoned');
    expect(abandoned).toEqual([expect.objectContaining({ rounds: 2 })]);
    await harness.driver.idle();
    expect((await sentActions(harness, placed)).filter((a) => a === 'recon')).toHaveLength(2);
    // The second round said the same: one fact, one message.
    expect(ofType(await harness.orderEvents(placed), 'CodSettlementMismatched')).toHaveLength(1);
    expect((await seller.outbox()).filter((m) => m.purpose === 'cod-settlement-mismatched')).toHaveLength(1);
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });

  it('refuses with a NACK, changing nothing, an /on_recon that answers no /recon of ours, speaks another domain, or repeats a taken answer\'s message id with other figures', async () => {
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod' });
    await orderEventsOf(harness, placed, 'CodSettlementMismatched', 1, 'the first answer');
    await harness.driver.idle();
    const answered = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_recon');
    const genuine = answered?.data['body'] as unknown as OndcMessage<'on_recon'>;
    const partner = harness.network.signerOf(harness.network.partners.get('cheap-slow')!);
    const fresh = () => ({ ...structuredClone(genuine), context: { ...genuine.context, timestamp: new Date().toISOString() } });
    const unasked = fresh();
    unasked.context.message_id = randomUUID();
    const elsewhere = fresh();
    elsewhere.context.domain = 'ONDC:LOG10';
    const changed = fresh();
    changed.message.orders[0]!.settlements[0]!.amount.diff_value = '1.00';

    for (const body of [unasked, elsewhere, changed]) {
      const before = await harness.store.headPosition();
      const text = JSON.stringify(body);
      const response = await harness.http().post('/ondc/on_recon').set({ 'content-type': 'application/json', authorization: createAuthorizationHeader(text, partner) }).send(text);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'CONTEXT-ERROR' } });
      await harness.driver.idle();
      expect(await harness.store.headPosition()).toEqual(before);
    }
  });
});
