import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { ConversationCache, ConversationDriver, buyerRegistration } from '@fulfil/ondc-logistics-adapter';
import { OndcOutbound } from '../../apps/ondc-logistics-adapter/src/driver/ondc-outbound';
import { startSandbox } from '@fulfil/ondc-sandbox';
import type { RunningSandbox } from '@fulfil/ondc-sandbox';
import { freePort } from '../support/free-port';
import { AdapterHarness, adapterConfigFor, eventually } from './support/adapter-harness';

/** Partners answer a little after the ACK, so a stop right after a request leaves its callback to arrive while the adapter is down. */
const ENV = { ONDC_STATUS_POLL_MS: '1000' };

describe('ONDC adapter: a restart in the middle of a conversation', () => {
  let sandbox: RunningSandbox;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'ondc-restart-'));
    const config = adapterConfigFor(port, dataDir, ENV);
    // The network keeps running while the adapter restarts, and retries its callbacks meanwhile as a partner would: an
    // on_confirm nobody took (the adapter was down) would otherwise be a cancellation (997), not the delivery this is about.
    sandbox = await startSandbox({
      participants: ['cheap-slow', 'fast-dear'],
      stepMs: 50,
      replyDelayMs: 150,
      callbackRetry: { attempts: 30, baseDelayMs: 200, maxDelayMs: 1_000 },
      buyers: [buyerRegistration(config)],
      logger: false,
    });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => AdapterHarness.start({ participants: [], port, dataDir, external: sandbox.network, env: ENV });

  it.each([['search', 'SearchSent'], ['init', 'InitSent'], ['confirm', 'ConfirmSent']])(
    'stopped right after its /%s went out, it carries on from its stream: delivered, confirmed with one partner only',
    async (_action, sentType) => {
      const first = await start();
      const { sellerId } = await first.newSeller();
      const placed = await first.placeOnNetworkOrder(sellerId);
      await eventually(async () => (await first.conversationEvents(placed.shipmentId)).some((e) => e.type === sentType), `${sentType} to be recorded`);
      await first.stop();

      const second = await start();
      try {
        await second.statusReaches(placed, 'delivered', 30_000);
        const conversation = await second.conversationEvents(placed.shipmentId);
        expect(conversation.filter((e) => e.type === 'OrderConfirmed')).toHaveLength(1);
        const orderEvents = await second.orderEvents(placed);
        expect(orderEvents.filter((e) => e.type === 'LogisticsPartnerAssigned')).toHaveLength(1);
        // Any other partner sent a confirm either refused it (an NACK, or an on_confirm saying cancelled) or was told to cancel (996).
        const assigned = orderEvents.find((e) => e.type === 'LogisticsPartnerAssigned')?.data['partnerId'];
        const confirmedWith = new Set(conversation.filter((e) => e.type === 'ConfirmSent').map((e) => e.data['bppId']));
        const cancelledWith = new Set(conversation.filter((e) => e.type === 'CancelSent').map((e) => e.data['bppId']));
        const refusedBy = new Set(conversation.filter((e) => e.type === 'CandidateFailed' && ['nack', 'rejected'].includes(String(e.data['why']))).map((e) => e.data['bppId']));
        expect([...confirmedWith].filter((p) => p !== assigned && !cancelledWith.has(p) && !refusedBy.has(p))).toEqual([]);
        expect(await second.invalidSentMessages(placed.shipmentId)).toEqual([]);
      } finally {
        await second.stop();
      }
    },
  );
});

describe('ONDC adapter: two instances driving the same shipment', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    // Both quotes end the search; the long window keeps a loaded machine's late catalog from counting as none (which rightly searches again).
    harness = await AdapterHarness.start({ participants: ['cheap-slow', 'fast-dear'], stepMs: 50, env: { ONDC_ENOUGH_QUOTES: '2', ONDC_SEARCH_WINDOW_MS: '10000' } });
  });
  afterAll(async () => harness.close());

  it('send every request once between them: one search, one init, one confirm, one partner', async () => {
    // A second driver on the same store, CommandBus and network: what another adapter process would be.
    const rival = new ConversationDriver({
      config: harness.config,
      store: harness.store,
      conversations: new ConversationCache(harness.store),
      commands: harness.app.get(CommandBus),
      outbound: harness.app.get(OndcOutbound),
    });
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId);
    await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).length > 0, 'the conversation to open');
    const nudgeRival = setInterval(() => rival.nudge(placed.shipmentId), 5);
    try {
      await harness.statusReaches(placed, 'delivered');
    } finally {
      clearInterval(nudgeRival);
      await rival.stop();
    }

    const sent = (await harness.conversationEvents(placed.shipmentId)).filter((e) => e.type.endsWith('Sent')).map((e) => e.type);
    expect(sent).toEqual(['SearchSent', 'InitSent', 'ConfirmSent']);
    expect((await harness.orderEvents(placed)).filter((e) => e.type === 'LogisticsPartnerAssigned')).toHaveLength(1);
  });
});

describe('ONDC adapter: a promised pickup time that passes while it is down', () => {
  const TAT_ENV = { ONDC_TAT_GRACE_MS: '0' };
  let sandbox: RunningSandbox;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'ondc-restart-tat-'));
    // A pickup slot of three 400 ms steps, which the partner lets pass.
    sandbox = await startSandbox({ participants: [{ name: 'troublemaker', trouble: 'miss-pickup' }], stepMs: 400, buyers: [buyerRegistration(adapterConfigFor(port, dataDir, TAT_ENV))], logger: false });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => AdapterHarness.start({ participants: [], port, dataDir, external: sandbox.network, env: TAT_ENV });

  it('is breached once after the restart, from the slot in its stream: one TatBreached, one /cancel with 007, the shipment cancelled', async () => {
    const first = await start();
    const { sellerId } = await first.newSeller();
    const placed = await first.placeOnNetworkOrder(sellerId);
    const assigned = await first.statusReaches(placed, 'partner_assigned');
    const slotEnd = Date.parse(assigned.partner?.pickupSlot?.end ?? '');
    expect(Number.isNaN(slotEnd)).toBe(false);
    await first.stop();
    // Down until the promise has passed: the breach is the restarted adapter's to find.
    await eventually(async () => Date.now() > slotEnd, 'the pickup slot to end', 10_000);

    const second = await start();
    try {
      await second.statusReaches(placed, 'cancelled', 30_000);
      await second.driver.idle();
      const conversation = await second.conversationEvents(placed.shipmentId);
      expect(conversation.filter((e) => e.type === 'TatBreached')).toHaveLength(1);
      const cancels = conversation.filter((e) => e.type === 'CancelSent');
      expect(cancels.map((e) => (e.data['message'] as { message: { cancellation_reason_id: string } }).message.cancellation_reason_id)).toEqual(['007']);
      expect((await second.shipment(placed))?.cancellationReason).toMatchObject({ code: '007' });
    } finally {
      await second.stop();
    }
  });
});

describe('ONDC adapter: a COD delivery whose settlement window ends while it is down', () => {
  const RECON_ENV = { ONDC_SETTLEMENT_WINDOW_MS: '3000' };
  let sandbox: RunningSandbox;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'ondc-restart-recon-'));
    sandbox = await startSandbox({ participants: ['cheap-slow'], stepMs: 50, buyers: [buyerRegistration(adapterConfigFor(port, dataDir, RECON_ENV))], logger: false });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => AdapterHarness.start({ participants: [], port, dataDir, external: sandbox.network, env: RECON_ENV });

  it('is reconciled by the restarted adapter: the delivered stream stays open for it, and one /recon goes out', async () => {
    const first = await start();
    const { sellerId } = await first.newSeller();
    const placed = await first.placeOnNetworkOrder(sellerId, { paymentMethod: 'cod' });
    const delivered = await first.statusReaches(placed, 'delivered');
    await first.stop();

    const second = await start();
    try {
      const reconciled = await eventually(async () => (await second.orderEvents(placed)).find((e) => e.type === 'CodSettlementReconciled'), 'the reconciliation after the restart', 20_000);
      expect(reconciled.data).toMatchObject({ amountPaise: delivered.codAmountPaise, status: 'settled' });
      await second.driver.idle();
      expect((await second.conversationEvents(placed.shipmentId)).filter((e) => e.type === 'ReconSent')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
