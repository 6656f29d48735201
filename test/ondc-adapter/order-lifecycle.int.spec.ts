import type { RecordedEvent } from '@fulfil/event-store';
import { AdapterHarness, eventually } from './support/adapter-harness';

const sentOf = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.data['message'] as { message: Record<string, unknown> });
const readyToShipTag = (fulfillment: unknown): string | undefined =>
  (fulfillment as { tags?: Array<{ code: string; list: Array<{ code: string; value: string }> }> }).tags?.find((t) => t.code === 'state')?.list.find((i) => i.code === 'ready_to_ship')?.value;

describe('ONDC adapter: after the partner is confirmed', () => {
  describe('a partner that moves slowly', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      // Steps a minute apart: nothing happens after the confirmation unless the test makes it.
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 60_000, env: { ONDC_STATUS_POLL_MS: '400' } });
    });
    afterAll(async () => harness.close());

    it('the seller cancelling before pickup sends /cancel with reason 007 (the one 1.2.5 lets a logistics buyer give) and the partner confirms the cancellation', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'partner_assigned');

      await harness.cancelShipment(placed);

      const onCancel = await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_cancel'), 'the on_cancel');
      expect(onCancel.data['body']).toMatchObject({ message: { order: { state: 'Cancelled', cancellation: { reason: { id: '007' } } } } });
      const [cancel] = sentOf(await harness.conversationEvents(placed.shipmentId), 'CancelSent');
      expect(cancel?.message).toMatchObject({ cancellation_reason_id: '007' });
      expect((await harness.shipment(placed))?.status).toBe('cancelled');
      expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
    });

    it('a partner silent for longer than the poll interval is asked with /status, and its answer is recorded', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'partner_assigned');

      const onStatus = await eventually(
        async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_status' && e.data['solicited'] === true),
        'a solicited on_status',
      );
      const polls = (await harness.conversationEvents(placed.shipmentId)).filter((e) => e.type === 'StatusSent');
      expect(polls.map((e) => e.data['messageId'])).toContain(onStatus.data['messageId']);
      expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
      await harness.cancelShipment(placed);
    });
  });

  describe('partners that give up', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'cancel' }], stepMs: 50 });
    });
    afterAll(async () => harness.close());

    it('a partner cancellation becomes "cancelled by partner" with its reason', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);

      await harness.statusReaches(placed, 'cancelled');

      const cancelled = (await harness.orderEvents(placed)).find((e) => e.type === 'ShipmentCancelledByPartner');
      expect(cancelled?.data['reason']).toMatch(/reason 016/);
    });
  });

  describe('returns to origin', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'rto' }], stepMs: 50 });
    });
    afterAll(async () => harness.close());

    it('a refused delivery comes back: RTO initiated, then RTO delivered', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);

      await harness.statusReaches(placed, 'rto_delivered');

      const types = (await harness.orderEvents(placed)).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['ShipmentPickedUp', 'ShipmentRtoInitiated', 'ShipmentRtoDelivered']));
      expect(types).not.toContain('ShipmentDelivered');
    });
  });

  describe('sellers who confirm early (deferred ready to ship)', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 50, env: { ONDC_READY_TO_SHIP_AT_CONFIRM: 'no' } });
    });
    afterAll(async () => harness.close());

    it('confirms with ready_to_ship "no", then says "yes" with /update, and the shipment is delivered', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);

      await harness.statusReaches(placed, 'delivered');

      const events = await harness.conversationEvents(placed.shipmentId);
      const [confirm] = sentOf(events, 'ConfirmSent');
      const [update] = sentOf(events, 'UpdateSent');
      const confirmOrder = confirm?.message['order'] as { fulfillments: unknown[] };
      const updateOrder = update?.message['order'] as { fulfillments: unknown[] };
      expect(readyToShipTag(confirmOrder.fulfillments[0])).toBe('no');
      expect(update?.message['update_target']).toBe('fulfillment');
      expect(readyToShipTag(updateOrder.fulfillments[0])).toBe('yes');
      expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
    });
  });
});
