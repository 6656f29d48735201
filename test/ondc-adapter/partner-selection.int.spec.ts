import type { RecordedEvent } from '@fulfil/event-store';
import { AdapterHarness, DADAR_DROP } from './support/adapter-harness';

const failures = (events: readonly RecordedEvent[]) => events.filter((e) => e.type === 'CandidateFailed').map((e) => ({ bppId: e.data['bppId'], step: e.data['step'], why: e.data['why'] }));
const confirmsSent = (events: readonly RecordedEvent[]) => events.filter((e) => e.type === 'ConfirmSent').map((e) => e.data['bppId']);

describe('ONDC adapter: choosing a partner and falling back', () => {
  describe('when the cheapest partners are silent or refuse', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'silent', silentFrom: 'init' }, 'nacker', 'cheap-slow'], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('passes over the silent one (init timeout) and the NACKing one, and confirms the next', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);

      const delivered = await harness.statusReaches(placed, 'delivered');

      expect(delivered.partner?.id).toBe(harness.partnerId('cheap-slow'));
      const events = await harness.conversationEvents(placed.shipmentId);
      expect(failures(events)).toEqual([
        { bppId: harness.partnerId('silent'), step: 'init', why: 'timeout' },
        { bppId: harness.partnerId('nacker'), step: 'init', why: 'nack' },
      ]);
      expect(confirmsSent(events)).toEqual([harness.partnerId('cheap-slow')]);
      expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
    });
  });

  describe('when the chosen partner refuses the confirm', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: [{ name: 'nacker', nackAt: 'confirm' }, 'cheap-slow'], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('falls back to the next partner, and the shipment is confirmed with that one only', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);

      await harness.statusReaches(placed, 'delivered');

      const events = await harness.conversationEvents(placed.shipmentId);
      expect(failures(events)).toEqual([{ bppId: harness.partnerId('nacker'), step: 'confirm', why: 'nack' }]);
      expect(events.filter((e) => e.type === 'OrderConfirmed').map((e) => e.data['bppId'])).toEqual([harness.partnerId('cheap-slow')]);
      const assigned = (await harness.orderEvents(placed)).filter((e) => e.type === 'LogisticsPartnerAssigned');
      expect(assigned.map((e) => e.data['partnerId'])).toEqual([harness.partnerId('cheap-slow')]);
    });
  });

  describe('when nobody can carry the parcel', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: ['hyperlocal', 'nacker'], stepMs: 40 });
    });
    afterAll(async () => harness.close());

    it('records no partner found with the reason, and a retried ready to ship searches again', async () => {
      const { sellerId } = await harness.newSeller();
      // Mumbai is beyond the hyperlocal riders; the nacker offers but refuses at init.
      const placed = await harness.placeOnNetworkOrder(sellerId, { drop: DADAR_DROP });

      await harness.statusReaches(placed, 'no_partner_found');

      const found = (await harness.orderEvents(placed)).find((e) => e.type === 'NoLogisticsPartnerFound');
      expect(found?.data).toMatchObject({ candidatesTried: 1, reason: expect.stringMatching(/no partner left to try.*NACK/) });

      await harness.markReadyToShip(placed);
      await harness.statusReaches(placed, 'no_partner_found');
      await harness.driver.idle();
      const searches = (await harness.conversationEvents(placed.shipmentId)).filter((e) => e.type === 'LogisticsSearchStarted');
      expect(searches.map((e) => e.data['attempt'])).toEqual([1, 2]);
      const notFound = (await harness.orderEvents(placed)).filter((e) => e.type === 'NoLogisticsPartnerFound');
      expect(notFound).toHaveLength(2);
    });
  });
});
