import { checkTransaction } from '@fulfil/ondc';
import type { ConformanceFinding } from '@fulfil/ondc';
import { AdapterHarness, DADAR_DROP, PlacedShipment, eventually } from './support/adapter-harness';

/**
 * What ONDC's log checks will read: every transaction of a shipment as the transaction log holds it
 * (the exact bytes each way), checked against the 1.2.5 rules. Only what we send is ours to fix;
 * the sandbox partners' callbacks are read as the context our requests must repeat.
 */
async function findingsOnSent(harness: AdapterHarness, placed: PlacedShipment): Promise<ConformanceFinding[]> {
  await harness.driver.idle();
  const findings: ConformanceFinding[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) findings.push(...checkTransaction(await harness.transactionMessages(transactionId)));
  return findings;
}

async function sentActions(harness: AdapterHarness, placed: PlacedShipment): Promise<string[]> {
  const actions: string[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) {
    for (const m of await harness.transactionMessages(transactionId)) if (m.direction === 'sent') actions.push((m.body as { context: { action: string } }).context.action);
  }
  return actions;
}

describe('ONDC logistics 1.2.5: every message the adapter sends passes the conformance rules', () => {
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
    });

    it('a cash-on-delivery intercity shipment (LOG11), search to delivered, has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod', drop: DADAR_DROP });
      await harness.statusReaches(placed, 'delivered', 40_000);

      const confirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'ConfirmSent');
      expect(confirm?.data['message']).toMatchObject({ context: { domain: 'ONDC:LOG11' }, message: { order: { payment: { type: 'ON-FULFILLMENT', collected_by: 'BPP' } } } });
      expect(await findingsOnSent(harness, placed)).toEqual([]);
    });
  });

  describe('the seller cancelling after the partner confirmed', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      // Steps a minute apart: the parcel waits for pickup while the seller cancels.
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 60_000 });
    });
    afterAll(async () => harness.close());

    it('sends /cancel with a reason a logistics buyer may give, and the transaction has no finding', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'partner_assigned');
      await harness.cancelShipment(placed);
      // The domain cancels at once; the partner's confirmation of our /cancel follows.
      await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_cancel'), 'the on_cancel');

      expect(await sentActions(harness, placed)).toContain('cancel');
      expect(await findingsOnSent(harness, placed)).toEqual([]);
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
    });
  });
});
