import type { RecordedEvent } from '@fulfil/event-store';
import { binaryBody } from '../support/binary-body';
import { assertDocumentToolsInstalled, flattened, pdfText } from '../documents/pdf-tools';
import { AdapterHarness, PlacedShipment, eventually } from './support/adapter-harness';

/**
 * Failed pickups and deliveries (NDR) end to end: the sandbox's troublemaker fails as configured,
 * the adapter reports it, the seller answers over HTTP, the answer reaches the partner as /update,
 * and the order ends delivered, or returned with a credit note.
 */

interface TimelineRow {
  eventType: string;
  detail: Record<string, unknown>;
}

const answersSent = (events: readonly RecordedEvent[]): string[] =>
  events
    .filter((e) => e.type === 'UpdateSent')
    .map((e) => (e.data['message'] as { message: { order: { fulfillments: Array<{ tags?: Array<{ code: string; list: Array<{ code: string; value: string }> }> }> } } }).message)
    .map((m) => m.order.fulfillments[0]?.tags?.find((t) => t.code === 'ndr_action')?.list.find((i) => i.code === 'action')?.value ?? 'none');

async function seller(harness: AdapterHarness) {
  const { sellerId, apiKey } = await harness.newSeller();
  const get = (path: string) => harness.http().get(path).set('authorization', `Bearer ${apiKey}`);
  const post = (path: string, body: object = {}) => harness.http().post(path).set('authorization', `Bearer ${apiKey}`).send(body);
  const order = async (placed: PlacedShipment) => (await get(`/v1/orders/${placed.orderId}`).expect(200)).body as { status: string; timeline: TimelineRow[]; invoice: { creditNotes: Array<{ creditNoteNumber: string; reason: string }> } };
  const dashboard = async () => (await get('/v1/seller/dashboard').expect(200)).body as { needsAttention: number };
  return { sellerId, get, post, order, dashboard };
}

const failures = async (harness: AdapterHarness, placed: PlacedShipment, count: number) =>
  eventually(async () => {
    const shipment = await harness.shipment(placed);
    return shipment?.status === 'delivery_failed' && shipment.failedAttempts?.delivery === count && shipment;
  }, `failed delivery attempt ${count}`);

describe('Failed delivery, re-attempted by the seller, then delivered', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'fail-delivery-once' }], stepMs: 40 });
  });
  afterAll(async () => harness.close());

  it('shows the failure with its reason and next attempt, counts it as needing attention, and delivers after the re-attempt', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await failures(harness, placed, 1);

    const failed = await eventually(async () => (await s.order(placed)).timeline.find((t) => t.eventType === 'ShipmentAttemptFailed'), 'the failure in the timeline');
    expect(failed.detail).toMatchObject({ stage: 'delivery', attempt: 1, reasonCode: '005', reason: 'ONDC delay reason 005', by: 'partner' });
    expect(Date.parse(failed.detail['nextAttemptAt'] as string)).toBeGreaterThan(Date.now());
    expect((await eventually(async () => (await s.dashboard()).needsAttention === 1 && s.dashboard(), 'the needs-attention count'))).toMatchObject({ needsAttention: 1 });

    const answered = await s.post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/reattempt`, { note: 'Buyer is home after 6 pm' }).expect(200);
    expect(answered.body).toMatchObject({ shipmentStatus: 'delivery_failed', lastFailedAttempt: { attempt: 1, answer: 'reattempt' } });

    await harness.statusReaches(placed, 'delivered');
    expect(answersSent(await harness.conversationEvents(placed.shipmentId))).toEqual(['reattempt']);
    expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
    const delivered = await eventually(async () => {
      const view = await s.order(placed);
      return view.status === 'delivered' && view;
    }, 'the delivered order');
    expect(delivered.timeline.map((t) => t.eventType)).toEqual(
      expect.arrayContaining(['ShipmentAttemptFailed', 'ShipmentReattemptRequested', 'ShipmentAttemptRescheduled', 'ShipmentOutForDelivery', 'ShipmentDelivered']),
    );
    expect((await s.dashboard()).needsAttention).toBe(0);
  });

  it('refuses a re-attempt when no attempt failed, changing nothing', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId, { readyToShip: false });
    const refused = await s.post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/reattempt`).expect(409);
    expect(refused.body).toMatchObject({ code: 'NO_FAILED_ATTEMPT' });
    expect((await harness.orderEvents(placed)).map((e) => e.type)).not.toContain('ShipmentReattemptRequested');
  });
});

describe('Failed delivery three times, then returned to origin and closed with a credit note', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    assertDocumentToolsInstalled();
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'fail-delivery-until-rto' }], stepMs: 40 });
  });
  afterAll(async () => harness.close());

  it('after the partner’s last attempt the parcel comes back, and the order ends returned with a credit note for all its lines', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}`;
    await failures(harness, placed, 1);
    await s.post(`${path}/reattempt`).expect(200);
    await failures(harness, placed, 2);
    await s.post(`${path}/reattempt`).expect(200);
    await failures(harness, placed, 3);

    await harness.statusReaches(placed, 'rto_delivered');
    const returned = await eventually(async () => {
      const view = await s.order(placed);
      return view.status === 'returned' && view.invoice.creditNotes.length === 1 && view;
    }, 'the order returned with its credit note');
    const [creditNote] = returned.invoice.creditNotes;
    expect(creditNote!.reason).toBe('Order cancelled: Returned to origin');
    expect(returned.timeline.filter((t) => t.eventType === 'ShipmentAttemptFailed')).toHaveLength(3);
    expect(answersSent(await harness.conversationEvents(placed.shipmentId))).toEqual(['reattempt', 'reattempt']);

    const orderEvents = await harness.orderEvents(placed);
    const invoice = orderEvents.find((e) => e.type === 'InvoiceGenerated')!;
    const pdf = await s.get(`/v1/orders/${placed.orderId}/credit-notes/${encodeURIComponent(creditNote!.creditNoteNumber)}.pdf`).buffer(true).parse(binaryBody as never).expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain(creditNote!.creditNoteNumber);
    expect(text).toContain(invoice.data['invoiceNumber'] as string);
    for (const item of (invoice.data['snapshot'] as { items: Array<{ name: string }> }).items) expect(flattened(text)).toContain(item.name);
    expect(flattened(text)).toContain('Returned to origin');
  });
});

describe('A failed pickup the partner makes good by itself', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'fail-pickup-once' }], stepMs: 40 });
  });
  afterAll(async () => harness.close());

  it('records the failed pickup and the new pickup window, then picks up and delivers', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);

    await harness.statusReaches(placed, 'delivered');
    const types = (await harness.orderEvents(placed)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ShipmentAttemptFailed', 'ShipmentAttemptRescheduled', 'ShipmentPickedUp', 'ShipmentDelivered']));
    const failed = (await harness.orderEvents(placed)).find((e) => e.type === 'ShipmentAttemptFailed')!;
    expect(failed.data).toMatchObject({ stage: 'pickup', attempt: 1, reasonCode: '004' });
    expect(types.indexOf('ShipmentAttemptFailed')).toBeLessThan(types.indexOf('ShipmentPickedUp'));
  });
});
