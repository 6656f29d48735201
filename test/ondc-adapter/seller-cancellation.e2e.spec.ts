import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@fulfil/event-store';
import { buyerRegistration } from '@fulfil/ondc-logistics-adapter';
import { startSandbox } from '@fulfil/ondc-sandbox';
import type { RunningSandbox } from '@fulfil/ondc-sandbox';
import { freePort } from '../support/free-port';
import { freshNumber, textOf } from '../whatsapp/whatsapp-harness';
import { AdapterHarness, adapterConfigFor, eventually } from './support/adapter-harness';
import { SellerHttp } from './support/seller-http';

/** The whole engine starts in beforeAll; on a busy machine that alone can take a minute. */
const START_TIMEOUT_MS = 180_000;

const cancelsOf = (events: readonly RecordedEvent[]) => events.filter((e) => e.type === 'CancelSent');
const answerOf = (events: readonly RecordedEvent[], messageId: unknown) => events.find((e) => e.type === 'RequestAnswered' && e.data['messageId'] === messageId);

describe('ONDC: the seller\'s cancellation lands at the partner', () => {
  describe('a partner that NACKs the first /cancel', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      // Steps an hour apart: the shipment waits for pickup while the seller cancels.
      harness = await AdapterHarness.start({ participants: [{ name: 'nacker', nackAt: 'cancel' }], stepMs: 3_600_000, env: { ONDC_CANCEL_RETRY_MS: '300' } });
    }, START_TIMEOUT_MS);
    afterAll(async () => harness.close());

    it('is sent /cancel again after a backoff, and the order timeline shows the cancellation confirmed at the partner', async () => {
      const seller = await SellerHttp.register(harness);
      const order = await seller.shipOnNetwork();
      await seller.shipmentWhere(order, (s) => s.status === 'partner_assigned', 'the partner assigned');

      await seller.post(`/v1/orders/${order.orderId}/cancel`, { reason: 'buyer changed their mind' }).expect(200);

      const shipment = await seller.shipmentWhere(order, (s) => s.partner?.cancellation === 'confirmed', 'the cancellation confirmed at the partner');
      expect(shipment.status).toBe('cancelled');
      const confirmed = shipment.tracking.find((e) => e.eventType === 'PartnerCancellationConfirmed');
      expect(confirmed?.detail).toEqual({ partnerId: harness.partnerId('nacker'), attempts: 2 });
      // Two /cancel requests with their own message ids: the first NACKed, the second, a backoff later, taken and confirmed.
      const events = await harness.conversationEvents(order.shipmentId);
      const [first, second, ...more] = cancelsOf(events);
      expect(more).toEqual([]);
      expect(first?.data['messageId']).not.toEqual(second?.data['messageId']);
      expect(answerOf(events, first?.data['messageId'])?.data).toMatchObject({ outcome: 'nack', error: { code: '60007' } });
      expect(answerOf(events, second?.data['messageId'])?.data).toMatchObject({ outcome: 'ack' });
      const nackedAt = Date.parse(answerOf(events, first?.data['messageId'])?.data['answeredAt'] as string);
      expect(Date.parse(second?.data['sentAt'] as string) - nackedAt).toBeGreaterThanOrEqual(300);
      expect(events.find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_cancel')).toBeDefined();
      expect(events.at(-1)).toMatchObject({ type: 'CallbackProcessed', data: { result: 'reported', report: 'cancelled', settles: true } });
      expect(await harness.invalidSentMessages(order.shipmentId)).toEqual([]);
    });
  });

  describe('a partner that never takes the /cancel', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({
        participants: [{ name: 'nacker', nackAt: 'cancel', cancelNacks: 1_000 }],
        stepMs: 3_600_000,
        env: { ONDC_CANCEL_ATTEMPTS: '3', ONDC_CANCEL_RETRY_MS: '100' },
      });
    }, START_TIMEOUT_MS);
    afterAll(async () => harness.close());

    it('is given up after the last try; the failure is in the order timeline and the seller is told on WhatsApp', async () => {
      const seller = await SellerHttp.register(harness, { whatsapp: freshNumber() });
      const order = await seller.shipOnNetwork();
      await seller.shipmentWhere(order, (s) => s.status === 'partner_assigned', 'the partner assigned');

      await seller.post(`/v1/orders/${order.orderId}/cancel`, { reason: 'out of stock' }).expect(200);

      const shipment = await seller.shipmentWhere(order, (s) => s.partner?.cancellation === 'failed', 'the cancellation failed for good');
      const failed = shipment.tracking.find((e) => e.eventType === 'PartnerCancellationFailed');
      expect(failed?.detail).toMatchObject({ partnerId: harness.partnerId('nacker'), attempts: 3, reason: expect.stringContaining('NACK POLICY-ERROR 60007') });
      expect(cancelsOf(await harness.conversationEvents(order.shipmentId))).toHaveLength(3);
      const told = await eventually(
        async () => (await seller.outbox()).find((m) => m.purpose === 'partner-cancellation-failed' && m.orderId === order.orderId),
        'the WhatsApp message telling the seller',
      );
      expect(textOf(told)).toContain(`Order ${order.orderId}: Nacker Logistics did not take your cancellation`);
      expect(textOf(told)).toContain('after 3 tries');
    });
  });

  describe('an adapter restarted between two tries', () => {
    // The backoff outlasts the restart: the second try can only come from what the stream holds.
    const ENV = { ONDC_CANCEL_RETRY_MS: '4000' };
    let sandbox: RunningSandbox;
    let port: number;
    let dataDir: string;
    beforeAll(async () => {
      port = await freePort();
      dataDir = mkdtempSync(join(tmpdir(), 'ondc-cancel-restart-'));
      sandbox = await startSandbox({ participants: [{ name: 'nacker', nackAt: 'cancel' }], stepMs: 3_600_000, buyers: [buyerRegistration(adapterConfigFor(port, dataDir, ENV))], logger: false });
    }, START_TIMEOUT_MS);
    afterAll(async () => {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const start = () => AdapterHarness.start({ participants: [], port, dataDir, external: sandbox.network, env: ENV });

    it('sends the next /cancel from its stream after the restart, and the cancellation lands', async () => {
      const first = await start();
      const seller = await SellerHttp.register(first);
      const order = await seller.shipOnNetwork();
      await seller.shipmentWhere(order, (s) => s.status === 'partner_assigned', 'the partner assigned');
      await seller.post(`/v1/orders/${order.orderId}/cancel`, { reason: 'buyer changed their mind' }).expect(200);
      await eventually(async () => {
        const events = await first.conversationEvents(order.shipmentId);
        return answerOf(events, cancelsOf(events)[0]?.data['messageId'])?.data['outcome'] === 'nack';
      }, 'the first /cancel NACKed');
      await first.stop();

      const second = await start();
      try {
        const events = await eventually(async () => {
          const found = await second.conversationEvents(order.shipmentId);
          const outcome = found.some((e) => (e.type === 'DomainNotified' && e.data['command'] === 'RecordPartnerCancellationOutcome') || (e.type === 'CallbackProcessed' && e.data['report'] === 'cancelled'));
          return outcome ? found : undefined;
        }, 'the outcome of the cancellation', 40_000);
        const [nacked, retried, ...more] = cancelsOf(events);
        expect(more).toEqual([]);
        // The retry was sent by the restarted driver, from what the stream held.
        expect(retried?.data['sentBy']).not.toBe(nacked?.data['sentBy']);
        expect((await second.orderEvents(order)).map((e) => e.type)).toContain('PartnerCancellationConfirmed');
      } finally {
        await second.stop();
      }
    }, 120_000);
  });
});
