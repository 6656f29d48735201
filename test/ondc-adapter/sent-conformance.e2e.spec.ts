import { AdapterHarness, DADAR_DROP, eventually } from './support/adapter-harness';
import { findingsOnReceived, findingsOnSent, receivedActions, sentActions } from './support/conformance-findings';

/**
 * What ONDC's log checks will read, flow by flow: what we send, and what the sandbox partners send
 * back, checked against the 1.2.5 rules (support/conformance-findings).
 */
describe('ONDC logistics 1.2.5: every message the adapter sends, and every callback the sandbox sends back, passes the conformance rules', () => {
  describe('confirming ready to ship', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: ['cheap-slow', 'intercity'], stepMs: 50 });
    });
    afterAll(async () => harness.close());

    it('a prepaid hyperlocal shipment (LOG10), search to delivered, has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid' });
      await harness.statusReaches(placed, 'delivered');

      expect(await sentActions(harness, placed)).toEqual(expect.arrayContaining(['search', 'init', 'confirm']));
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });

    it('a cash-on-delivery intercity shipment (LOG11), search to delivered, has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod', drop: DADAR_DROP });
      await harness.statusReaches(placed, 'delivered', 40_000);

      const confirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'ConfirmSent');
      expect(confirm?.data['message']).toMatchObject({ context: { domain: 'ONDC:LOG11' }, message: { order: { payment: { type: 'ON-FULFILLMENT', collected_by: 'BPP' } } } });
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('the seller cancelling after the partner confirmed', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      // Steps a minute apart: the parcel waits for pickup while the seller cancels.
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 60_000 });
    });
    afterAll(async () => harness.close());

    it('sends /cancel with a reason a logistics buyer may give (007, whatever the seller chose), and the transaction has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'partner_assigned');
      await harness.cancelShipment(placed, 'The merchant rejected the order', 'merchant-rejected');
      // The domain cancels at once; the partner's confirmation of our /cancel follows.
      await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_cancel'), 'the on_cancel');

      expect(await sentActions(harness, placed)).toContain('cancel');
      const conversation = await harness.conversationEvents(placed.shipmentId);
      expect(conversation.find((e) => e.type === 'SellerCancelled')?.data).toMatchObject({ reasonCode: 'merchant-rejected' });
      expect(conversation.find((e) => e.type === 'CancelSent')?.data['message']).toMatchObject({ message: { cancellation_reason_id: '007' } });
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('confirming early and saying ready to ship later (deferred RTS)', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 50, env: { ONDC_READY_TO_SHIP_AT_CONFIRM: 'no' } });
    });
    afterAll(async () => harness.close());

    it('the /update that says ready to ship, and everything around it, has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid' });
      await harness.statusReaches(placed, 'delivered');

      expect(await sentActions(harness, placed)).toContain('update');
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('a partner returning the parcel to origin (RTO)', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'rto' }], stepMs: 50 });
    });
    afterAll(async () => harness.close());

    it('the on_cancel that starts the return and the on_status that ends it have no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'prepaid' });
      await harness.statusReaches(placed, 'rto_delivered');

      expect(await receivedActions(harness, placed)).toEqual(expect.arrayContaining(['on_cancel', 'on_status']));
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('a partner cancelling after it was assigned', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'cancel' }], stepMs: 50 });
    });
    afterAll(async () => harness.close());

    it('its unsolicited on_cancel has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await eventually(async () => (await receivedActions(harness, placed)).includes('on_cancel'), 'the partner\'s on_cancel');

      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('falling back after a partner is silent and another NACKs', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'silent', silentFrom: 'init' }, 'nacker', 'cheap-slow'], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('every catalog and every callback of the partner confirmed has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'delivered');

      expect((await receivedActions(harness, placed)).filter((a) => a === 'on_search').length).toBeGreaterThanOrEqual(3);
      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('a pickup that fails once and is rescheduled', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'fail-pickup-once' }], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('the failed and rescheduled attempts have no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'delivered');

      expect(await findingsOnSent(harness, placed)).toEqual([]);
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });

  describe('a delivery that fails and is re-attempted at the seller\'s word (NDR)', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'troublemaker', trouble: 'fail-delivery-once' }], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('the failed attempt, the answer to our re-attempt /update and the delivery have no finding', async () => {
      const { sellerId, apiKey } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'delivery_failed');
      await harness.http().post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/reattempt`).set('authorization', `Bearer ${apiKey}`).send({}).expect(200);
      await harness.statusReaches(placed, 'delivered');

      expect(await receivedActions(harness, placed)).toContain('on_update');
      // Only the partner's side: our attempt-answer /update carries ndr_action, which 1.2.5 does not list (ADR 0033).
      expect(await findingsOnReceived(harness, placed)).toEqual([]);
    });
  });
});
