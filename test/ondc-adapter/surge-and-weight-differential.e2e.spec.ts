import { checkReceivedTransaction, checkTransaction } from '@fulfil/ondc';
import type { ConformanceFinding, TransactionMessage } from '@fulfil/ondc';
import type { RecordedEvent } from '@fulfil/event-store';
import { AdapterHarness, PlacedShipment, eventually } from './support/adapter-harness';

/**
 * ONDC logistics 1.2.5 certification flows for the seller's money: a partner's surge fee taken only
 * up to the seller's cap, and a weight differential after pickup that the seller accepts or
 * disputes over HTTP, the answer reaching the partner once as /update. Every transaction, both
 * ways, passes the 1.2.5 rules with the adapter strict.
 */

interface ShipmentRow {
  shipmentId: string;
  partner: { id: string; name: string; surgeFeePaise: number | null } | null;
  weightDifferential: { status: string; declaredWeightGrams: number; measuredWeightGrams: number; amountPaise: number; taxPaise: number; proofUrl: string | null; disputeReason: string | null } | null;
}

async function seller(harness: AdapterHarness, settings: object = {}) {
  const { sellerId, apiKey } = await harness.newSeller();
  const auth = (r: ReturnType<ReturnType<AdapterHarness['http']>['get']>) => r.set('authorization', `Bearer ${apiKey}`);
  if (Object.keys(settings).length > 0) await auth(harness.http().patch('/v1/seller')).send({ settings }).expect(200);
  const get = (path: string) => auth(harness.http().get(path));
  const post = (path: string, body: object = {}) => auth(harness.http().post(path)).send(body);
  const shipmentView = async (placed: PlacedShipment) => ((await get(`/v1/orders/${placed.orderId}`).expect(200)).body as { shipments: ShipmentRow[] }).shipments.find((s) => s.shipmentId === placed.shipmentId);
  return { sellerId, get, post, shipmentView };
}

async function findings(harness: AdapterHarness, placed: PlacedShipment, check: (messages: readonly TransactionMessage[]) => ConformanceFinding[]): Promise<ConformanceFinding[]> {
  await harness.driver.idle();
  const all: ConformanceFinding[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) all.push(...check(await harness.transactionMessages(transactionId)));
  return all;
}

type Quote = { price: { value: string }; breakup: Array<{ '@ondc/org/title_type': string; price: { value: string } }> };
const updatesSent = (events: readonly RecordedEvent[]) =>
  events.filter((e) => e.type === 'UpdateSent').map((e) => (e.data['message'] as { message: { order: { quote?: Quote } } }).message.order.quote);
const titles = (quote: Quote | undefined) => quote?.breakup.map((l) => l['@ondc/org/title_type']) ?? [];

describe('Surge fee accepted up to the seller-set cap', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    // cheap-slow is the cheapest even with its surge; hyperlocal charges none.
    harness = await AdapterHarness.start({ participants: [{ name: 'cheap-slow', surgePaise: 1_500 }, 'hyperlocal'], stepMs: 50 });
  });
  afterAll(async () => harness.close());

  it('a seller who accepts no surge (the default) gets the partner without one, and the choice says why', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.statusReaches(placed, 'delivered');

    const view = await s.shipmentView(placed);
    expect(view?.partner).toMatchObject({ id: harness.partnerId('hyperlocal'), surgeFeePaise: null });
    const chosen = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'PartnerChosen');
    expect(chosen?.data['reason']).toContain(`left out for a surge above the seller's cap of ₹0.00: ${harness.partnerId('cheap-slow')}`);
    expect(await findings(harness, placed, checkTransaction)).toEqual([]);
    expect(await findings(harness, placed, checkReceivedTransaction)).toEqual([]);
  });

  it('a seller whose cap covers the surge gets the cheaper partner, and the order shows the surge paid with its GST', async () => {
    const s = await seller(harness, { maxSurgeFeePaise: 2_000 });
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.statusReaches(placed, 'delivered');

    const view = await s.shipmentView(placed);
    expect(view?.partner).toMatchObject({ id: harness.partnerId('cheap-slow'), surgeFeePaise: 1_770 });
    const confirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'ConfirmSent')?.data['message'] as { message: { order: { items: Array<{ id: string; tags?: unknown }>; quote: Quote } } };
    expect(confirm.message.order.items.map((i) => i.id)).toEqual([expect.any(String), 'surge']);
    expect(titles(confirm.message.order.quote)).toEqual(['delivery', 'tax', 'surge', 'tax']);
    expect(await findings(harness, placed, checkTransaction)).toEqual([]);
    expect(await findings(harness, placed, checkReceivedTransaction)).toEqual([]);
  });

  it('a cap below the surge leaves the surge partner out, as no cap does', async () => {
    const s = await seller(harness, { maxSurgeFeePaise: 1_000 });
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.partnerAssigned(placed);
    expect((await s.shipmentView(placed))?.partner).toMatchObject({ id: harness.partnerId('hyperlocal'), surgeFeePaise: null });
  });

  it('refuses a cap that is not whole paise or beyond ₹10,000, naming the field', async () => {
    const { apiKey } = await harness.newSeller();
    const refused = await harness.http().patch('/v1/seller').set('authorization', `Bearer ${apiKey}`).send({ settings: { maxSurgeFeePaise: 2_000_000 } }).expect(400);
    expect(JSON.stringify(refused.body)).toContain('maxSurgeFeePaise');
  });
});

describe('Weight differential after pickup, accepted or disputed by the seller', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    // The order declares 800 g; the partner weighs 2.6 kg: two started kilograms more.
    harness = await AdapterHarness.start({ participants: [{ name: 'cheap-slow', measuredWeightGrams: 2_600 }], stepMs: 50 });
  });
  afterAll(async () => harness.close());

  const pendingDifferential = (s: Awaited<ReturnType<typeof seller>>, placed: PlacedShipment) =>
    eventually(async () => {
      const view = await s.shipmentView(placed);
      return view?.weightDifferential?.status === 'pending' && view.weightDifferential;
    }, 'the weight differential, pending for the seller');

  it('is shown pending with both weights, the charge and its GST and the proof; accepting sends the partner its updated quote once', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    const differential = await pendingDifferential(s, placed);
    expect(differential).toMatchObject({ declaredWeightGrams: 800, measuredWeightGrams: 2_600, amountPaise: 4_000, taxPaise: 720, proofUrl: expect.stringMatching(/^http.*\.jpg$/) });

    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/weight-differential`;
    const accepted = await s.post(`${path}/accept`).expect(200);
    expect(accepted.body).toMatchObject({ weightDifferential: { status: 'accepted' } });
    // The same answer again changes nothing; the other one is refused.
    await s.post(`${path}/accept`).expect(200);
    const refused = await s.post(`${path}/dispute`, { reason: 'too late' }).expect(409);
    expect(refused.body).toMatchObject({ code: 'WEIGHT_DIFFERENTIAL_ANSWERED' });

    await harness.statusReaches(placed, 'delivered');
    const sent = await eventually(async () => {
      const updates = updatesSent(await harness.conversationEvents(placed.shipmentId));
      return updates.length > 0 && updates;
    }, 'the answer sent to the partner');
    expect(sent).toHaveLength(1);
    expect(titles(sent[0])).toEqual(['delivery', 'tax', 'diff', 'tax_diff']);
    expect((await harness.orderEvents(placed)).filter((e) => e.type === 'WeightDifferentialReported')).toHaveLength(1);
    expect(await findings(harness, placed, checkTransaction)).toEqual([]);
    expect(await findings(harness, placed, checkReceivedTransaction)).toEqual([]);
  });

  it('disputing sends the quote as confirmed, and the partner takes the charge back', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await pendingDifferential(s, placed);

    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/weight-differential`;
    const disputed = await s.post(`${path}/dispute`, { reason: 'Weighed 800 g at dispatch, photo on file' }).expect(200);
    expect(disputed.body).toMatchObject({ weightDifferential: { status: 'disputed', disputeReason: 'Weighed 800 g at dispatch, photo on file' } });

    const [answer] = await eventually(async () => {
      const updates = updatesSent(await harness.conversationEvents(placed.shipmentId));
      return updates.length > 0 && updates;
    }, 'the dispute sent to the partner');
    expect(titles(answer)).toEqual(['delivery', 'tax']);
    await harness.statusReaches(placed, 'delivered');
    // The partner's answer to our /update has the differential taken back.
    const updateId = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'UpdateSent')?.data['messageId'];
    const answered = await eventually(
      async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['messageId'] === updateId),
      "the partner's on_update",
    );
    expect(titles((answered.data['body'] as { message: { order: { quote: Quote } } }).message.order.quote)).toEqual(['delivery', 'tax']);
    expect(await findings(harness, placed, checkTransaction)).toEqual([]);
    expect(await findings(harness, placed, checkReceivedTransaction)).toEqual([]);
  });

  it('refuses an answer when no differential was reported, and another seller\'s shipment is not found, changing nothing', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId, { readyToShip: false });
    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/weight-differential`;
    const none = await s.post(`${path}/accept`).expect(409);
    expect(none.body).toMatchObject({ code: 'NO_WEIGHT_DIFFERENTIAL' });
    expect(none.headers['content-type']).toContain('application/problem+json');
    const other = await seller(harness);
    const notFound = await other.post(`${path}/dispute`).expect(404);
    expect(notFound.body).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const tooLong = await s.post(`${path}/dispute`, { reason: 'x'.repeat(501) }).expect(400);
    expect(tooLong.headers['content-type']).toContain('application/problem+json');
    expect((await harness.orderEvents(placed)).map((e) => e.type)).not.toEqual(expect.arrayContaining(['WeightDifferentialAccepted']));
    expect((await harness.orderEvents(placed)).map((e) => e.type)).not.toEqual(expect.arrayContaining(['WeightDifferentialDisputed']));
  });
});
