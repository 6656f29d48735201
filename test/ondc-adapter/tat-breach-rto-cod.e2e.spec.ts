import { formatRupees } from '@fulfil/ondc';
import { AdapterHarness, DADAR_DROP, eventually } from './support/adapter-harness';
import { findingsOnReceived, findingsOnSent, receivedActions } from './support/conformance-findings';

/**
 * The ONDC 1.2.5 certification flows of a partner that does not keep its word, over the in-process
 * sandbox: a pickup that never comes and a delivery that never comes (the adapter cancels with
 * 007), a return to origin that ends disposed of, and a COD delivery that collected less than due.
 * Every message either way passes the conformance rules.
 */

/** The adapter's conversation events of one type, data only. */
const eventsOf = async (harness: AdapterHarness, shipmentId: string, type: string) => (await harness.conversationEvents(shipmentId)).filter((e) => e.type === type).map((e) => e.data);

describe('a promised pickup time that passes: the adapter cancels with 007, the seller has the ways forward', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    // No grace: the partner's slot (three 80 ms steps) is the whole promise.
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'miss-pickup' }], stepMs: 80, env: { ONDC_TAT_GRACE_MS: '0' } });
  });
  afterAll(async () => harness.close());

  it('no pickup by the end of the slot: /cancel 007, the partner cancels, the shipment reads "TAT breached", and may be searched for again', async () => {
    const { sellerId, apiKey } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId);

    const cancelled = await harness.statusReaches(placed, 'cancelled');

    expect(cancelled).toMatchObject({ cancelledBy: 'partner', cancellationReason: { code: '007', text: expect.stringMatching(/^TAT breached: not picked up by /) } });
    const [breach] = await eventsOf(harness, placed.shipmentId, 'TatBreached');
    expect(breach).toMatchObject({ stage: 'pickup', bppId: harness.partnerId('troublemaker') });
    const cancels = await eventsOf(harness, placed.shipmentId, 'CancelSent');
    expect(cancels.map((c) => (c['message'] as { message: { cancellation_reason_id: string } }).message.cancellation_reason_id)).toEqual(['007']);
    const order = await harness.http().get(`/v1/orders/${placed.orderId}`).set('authorization', `Bearer ${apiKey}`).expect(200);
    expect(order.body.shipments[0]).toMatchObject({ status: 'cancelled', cancelledBy: 'partner', cancellationReason: { code: '007', side: null }, allowed: expect.arrayContaining(['retry-partner-search', 'reship']) });
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });
});

describe('a promised delivery time that passes after pickup: 1.2.5 returns the parcel to origin', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'stall-in-transit' }], stepMs: 80, env: { ONDC_TAT_GRACE_MS: '0' } });
  });
  afterAll(async () => harness.close());

  it('not delivered by the window it gave: /cancel 007, the partner starts the return (rto_event), the parcel comes back, the order is returned', async () => {
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid' });

    // rto_initiated passes in one 80 ms step: the order's events below show it happened.
    await harness.statusReaches(placed, 'rto_delivered');

    const [breach] = await eventsOf(harness, placed.shipmentId, 'TatBreached');
    expect(breach).toMatchObject({ stage: 'delivery' });
    const types = (await harness.orderEvents(placed)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ShipmentPickedUp', 'ShipmentRtoInitiated', 'ShipmentRtoDelivered']));
    expect(types).not.toContain('ShipmentCancelledByPartner');
    const rto = (await harness.orderEvents(placed)).find((e) => e.type === 'ShipmentRtoInitiated');
    expect(rto?.data).toMatchObject({ reasonCode: '007', reason: expect.stringMatching(/^TAT breached: not delivered by /) });
    // One /cancel: once the partner is returning the parcel there is nothing more to cancel.
    expect(await eventsOf(harness, placed.shipmentId, 'CancelSent')).toHaveLength(1);
    expect(await receivedActions(harness, placed)).toEqual(expect.arrayContaining(['on_cancel']));
    // The automatic steps close an order whose parcel came back (ADR 0027).
    await eventually(async () => (await harness.orderEvents(placed)).some((e) => e.type === 'OrderCancelled'), 'the order closed as returned');
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });
});

describe('a return to origin that ends with the parcel disposed of (RTO-Disposed)', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'rto-disposed' }], stepMs: 60 });
  });
  afterAll(async () => harness.close());

  it('RTO-Initiated then RTO-Disposed reach the shipment, and the order reads returned', async () => {
    const { sellerId, apiKey } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid', drop: DADAR_DROP });

    await harness.statusReaches(placed, 'rto_disposed', 40_000);

    const types = (await harness.orderEvents(placed)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ShipmentRtoInitiated', 'ShipmentRtoDisposed']));
    const rto = (await harness.orderEvents(placed)).find((e) => e.type === 'ShipmentRtoInitiated');
    expect(rto?.data).toMatchObject({ reasonCode: '013' });
    const order = await eventually(async () => {
      const body = (await harness.http().get(`/v1/orders/${placed.orderId}`).set('authorization', `Bearer ${apiKey}`).expect(200)).body;
      return body.shipments[0]?.status === 'rto_disposed' ? body : undefined;
    }, 'the read model to show the disposal');
    expect(order.status).toBe('returned');
    expect(order.timeline.map((t: { eventType: string }) => t.eventType)).toEqual(expect.arrayContaining(['ShipmentRtoInitiated', 'ShipmentRtoDisposed']));
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });
});

describe('cash on delivery: the amount to collect, and what the partner says it collected', () => {
  let harness: AdapterHarness;
  const SHORTFALL = 5_000;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'cheap-slow', codShortfallPaise: SHORTFALL }], stepMs: 50 });
  });
  afterAll(async () => harness.close());

  it('sends the COD amount as the collection amount; a short collection is recorded and shown to the seller', async () => {
    const { sellerId, apiKey } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod' });

    const delivered = await harness.statusReaches(placed, 'delivered');

    const due = delivered.codAmountPaise;
    expect(due).toBeGreaterThan(SHORTFALL);
    const [confirm] = await eventsOf(harness, placed.shipmentId, 'ConfirmSent');
    expect(confirm?.['message']).toMatchObject({ message: { order: { payment: { type: 'ON-FULFILLMENT', collected_by: 'BPP', '@ondc/org/collection_amount': formatRupees(due) } } } });
    expect(delivered.codCollection).toEqual({ collectedPaise: due - SHORTFALL, mismatched: true });
    const mismatch = (await harness.orderEvents(placed)).find((e) => e.type === 'CodCollectionMismatched');
    expect(mismatch?.data).toMatchObject({ duePaise: due, collectedPaise: due - SHORTFALL, partnerId: harness.partnerId('cheap-slow') });
    const order = await eventually(async () => {
      const body = (await harness.http().get(`/v1/orders/${placed.orderId}`).set('authorization', `Bearer ${apiKey}`).expect(200)).body;
      return body.shipments[0]?.codCollection ? body : undefined;
    }, 'the read model to show the collection');
    expect(order.shipments[0].codCollection).toEqual({ duePaise: due, collectedPaise: due - SHORTFALL, mismatched: true });
    expect(order.timeline.map((t: { eventType: string }) => t.eventType)).toContain('CodCollectionMismatched');
    expect(await findingsOnSent(harness, placed)).toEqual([]);
    expect(await findingsOnReceived(harness, placed)).toEqual([]);
  });
});
