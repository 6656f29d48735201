import { ContextBuilder, formatRupees } from '@fulfil/ondc';
import type { CatalogOffer, OndcMessage } from '@fulfil/ondc';
import type { ConversationEvent } from '../../apps/ondc-logistics-adapter/src/conversation/conversation-events';
import { foldConversation } from '../../apps/ondc-logistics-adapter/src/conversation/conversation-state';
import { choosePartner } from '../../apps/ondc-logistics-adapter/src/conversation/choose-partner';
import { planConversation } from '../../apps/ondc-logistics-adapter/src/conversation/plan-conversation';
import type { PlanContext, Step } from '../../apps/ondc-logistics-adapter/src/conversation/steps';
import type { PartnerPolicy } from '../../apps/ondc-logistics-adapter/src/ondc-config';
import { BUYER_BILLING, hyperlocalShipment, sampleOffer } from '../ondc/support/shipments';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const TX = 'tx-1';
const POLICY: PartnerPolicy = { chooseBy: 'price', preferredPartners: [], excludedPartners: [], maxCandidates: 2, recentFailureWindowMs: 3_600_000 };
const CHEAP = sampleOffer({ bppId: 'cheap.lsp', bppUri: 'https://cheap.example/ondc', pricePaise: 5_000, tatMinutes: 300 });
const FAST = sampleOffer({ bppId: 'fast.lsp', bppUri: 'https://fast.example/ondc', pricePaise: 9_000, tatMinutes: 45 });
const DEAR = sampleOffer({ bppId: 'dear.lsp', bppUri: 'https://dear.example/ondc', pricePaise: 12_000, tatMinutes: 60 });

function context(nowMs: number, overrides: Partial<PlanContext['settings']> = {}): PlanContext {
  return {
    nowMs: T0 + nowMs,
    settings: {
      searchWindowMs: 1_000,
      enoughQuotes: 3,
      initTimeoutMs: 2_000,
      confirmTimeoutMs: 2_000,
      statusPollMs: 60_000,
      cancelTimeoutMs: 2_000,
      cancelRetry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_500 },
      requestBudgetMs: 5_000,
      policy: POLICY,
      ...overrides,
    },
    inFlight: new Set(),
    recentFailures: () => 0,
    contexts: new ContextBuilder({ bapId: 'buyer.example', bapUri: 'https://buyer.example/ondc', nowMs: () => T0 + nowMs }),
    newNetworkOrderId: () => 'NETORDER1',
  };
}

const started: ConversationEvent = {
  type: 'LogisticsSearchStarted',
  data: { shipmentId: 'shp-1', orderId: 'ord-1', sellerId: 'seller-1', attempt: 1, rtsEventId: 'rts-1', transactionId: TX, domain: 'ONDC:LOG10', city: 'std:080', shipment: hyperlocalShipment(), billing: BUYER_BILLING, startedAt: at(0) },
};
const sent = (type: 'SearchSent' | 'InitSent', messageId: string, ms: number, bppId?: string): ConversationEvent => ({
  type,
  data: { transactionId: TX, messageId, to: 'https://gateway.example', ...(bppId ? { bppId } : {}), message: {}, sentAt: at(ms), sentBy: 'me' },
});
const acked = (action: 'search' | 'init', messageId: string, ms: number): ConversationEvent => ({
  type: 'RequestAnswered',
  data: { transactionId: TX, action, messageId, outcome: 'ack', attempts: 1, answeredAt: at(ms) },
});
const catalog = (offer: CatalogOffer, ms: number): ConversationEvent => ({
  type: 'CatalogReceived',
  data: { transactionId: TX, action: 'on_search', bppId: offer.bppId, bppUri: offer.bppUri, messageId: 'search-1', timestamp: at(ms), solicited: true, body: {}, receivedAt: at(ms), offers: [offer], skipped: [] },
});
const chosen = (offer: CatalogOffer, ms: number): ConversationEvent => ({ type: 'PartnerChosen', data: { transactionId: TX, offer, reason: 'test', ranking: [], chosenAt: at(ms) } });
/** An on_init whose quote totals `totalPaise` with one breakup line of the same amount. */
const onInit = (offer: CatalogOffer, messageId: string, totalPaise: number, ms: number): ConversationEvent => {
  const price = { currency: 'INR', value: formatRupees(totalPaise) };
  const body = { context: {}, message: { order: { quote: { price, breakup: [{ '@ondc/org/item_id': offer.itemId, '@ondc/org/title_type': 'delivery', price }] } } } } as unknown as OndcMessage<'on_init'>;
  return { type: 'CallbackReceived', data: { transactionId: TX, action: 'on_init', bppId: offer.bppId, bppUri: offer.bppUri, messageId, timestamp: at(ms), solicited: true, body, receivedAt: at(ms) } };
};

const plan = (events: ConversationEvent[], nowMs: number, settings?: Partial<PlanContext['settings']>): Step =>
  planConversation(foldConversation(events.map((event, i) => ({ id: `e${i}`, event }))), context(nowMs, settings));

const searchedWith = (...offers: CatalogOffer[]): ConversationEvent[] => [started, sent('SearchSent', 'search-1', 0), acked('search', 'search-1', 10), ...offers.map((o, i) => catalog(o, 20 + i))];

describe('choosing a partner (the configurable policy)', () => {
  const choose = (policy: Partial<PartnerPolicy>, failures: Record<string, number> = {}) =>
    choosePartner({ offers: [DEAR, FAST, CHEAP], policy: { ...POLICY, ...policy }, tried: new Set(), recentFailures: (id) => failures[id] ?? 0, readyToShipAtConfirm: true })?.offer.bppId;

  it('takes the cheapest by price, the quickest by speed', () => {
    expect(choose({ chooseBy: 'price' })).toBe('cheap.lsp');
    expect(choose({ chooseBy: 'speed' })).toBe('fast.lsp');
  });

  it('puts preferred partners first, never takes excluded ones, and ranks those that failed lately last', () => {
    expect(choose({ preferredPartners: ['dear.lsp'] })).toBe('dear.lsp');
    expect(choose({ excludedPartners: ['cheap.lsp'] })).toBe('fast.lsp');
    expect(choose({}, { 'cheap.lsp': 2 })).toBe('fast.lsp');
  });
});

describe('planning a shipment conversation', () => {
  it('starts by searching through the gateway of the domain', () => {
    const step = plan([started], 0);
    expect(step).toMatchObject({ kind: 'send', request: { action: 'search', target: { gateway: 'ONDC:LOG10' }, message: { context: { transaction_id: TX, action: 'search' } } } });
  });

  it('collects catalogs until the window closes unless enough quotes are in, then chooses and sends /init', () => {
    expect(plan(searchedWith(CHEAP, FAST), 500)).toEqual({ kind: 'wait', untilMs: T0 + 10 + 1_000 });
    const early = plan(searchedWith(CHEAP, FAST, DEAR), 500);
    expect(early).toMatchObject({ kind: 'send', decisions: [{ type: 'PartnerChosen', data: { offer: { bppId: 'cheap.lsp' } } }], request: { action: 'init', bppId: 'cheap.lsp' } });
    expect(plan(searchedWith(FAST), 1_100)).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'fast.lsp' } });
  });

  it('searches once more when no catalog came at all, then reports that no partner was found', () => {
    expect(plan(searchedWith(), 1_100)).toMatchObject({ kind: 'send', request: { action: 'search', resend: true } });
    const searchedTwice = [...searchedWith(), sent('SearchSent', 'search-1', 1_100), acked('search', 'search-1', 1_110)];
    expect(plan(searchedTwice, 2_200)).toMatchObject({ kind: 'append', events: [{ type: 'PartnerSearchExhausted' }] });
  });

  it('accepts a quote that matches the catalog and confirms with a fresh network order id', () => {
    const events = [...searchedWith(CHEAP), chosen(CHEAP, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110), onInit(CHEAP, 'init-1', CHEAP.pricePaise, 1_200)];
    const acceptance = plan(events, 1_300);
    expect(acceptance).toMatchObject({ kind: 'append', events: [{ type: 'QuoteAccepted', data: { totalPaise: CHEAP.pricePaise } }] });
    const confirm = plan([...events, ...(acceptance.kind === 'append' ? acceptance.events : [])], 1_300);
    expect(confirm).toMatchObject({ kind: 'send', request: { action: 'confirm', bppId: 'cheap.lsp', message: { message: { order: { id: 'NETORDER1' } } } } });
  });

  it('rejects a quote that differs from the catalog, and falls back to the next partner', () => {
    const events = [...searchedWith(CHEAP, FAST), chosen(CHEAP, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110), onInit(CHEAP, 'init-1', CHEAP.pricePaise + 100, 1_200)];
    const rejection = plan(events, 1_300);
    expect(rejection).toMatchObject({ kind: 'append', events: [{ type: 'QuoteRejected', data: { bppId: 'cheap.lsp', problem: 'price-mismatch' } }] });
    const after = [...events, ...(rejection.kind === 'append' ? rejection.events : [])];
    expect(plan(after, 1_300)).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'fast.lsp' } });
  });

  it('cancels with the partner (reason 005) an order the domain refused to assign, e.g. switched to the seller\'s own courier meanwhile', () => {
    const events: ConversationEvent[] = [
      ...searchedWith(CHEAP),
      chosen(CHEAP, 1_100),
      { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
      { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: 'ondc-assign:cheap.lsp:NETORDER1', result: 'refused', detail: 'SHIPMENT_IS_OFF_NETWORK', notifiedAt: at(1_600) } },
    ];
    expect(plan(events, 1_700)).toMatchObject({ kind: 'send', request: { action: 'cancel', bppId: 'cheap.lsp', message: { message: { order_id: 'NETORDER1', cancellation_reason_id: '005' } } } });
  });

  it('gives a partner that never answers /init up after the timeout, and stops after the policy\'s number of candidates', () => {
    const events = [...searchedWith(CHEAP, FAST, DEAR), chosen(CHEAP, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110)];
    expect(plan(events, 2_000)).toEqual({ kind: 'wait', untilMs: T0 + 1_100 + 2_000 });
    expect(plan(events, 3_200)).toMatchObject({ kind: 'append', events: [{ type: 'CandidateFailed', data: { bppId: 'cheap.lsp', step: 'init', why: 'timeout' } }] });
    const twoFailed: ConversationEvent[] = [
      ...events,
      { type: 'CandidateFailed', data: { transactionId: TX, bppId: 'cheap.lsp', step: 'init', why: 'timeout', detail: 'silent', failedAt: at(3_200) } },
      chosen(FAST, 3_200),
      sent('InitSent', 'init-2', 3_200, 'fast.lsp'),
      { type: 'RequestAnswered', data: { transactionId: TX, action: 'init', messageId: 'init-2', outcome: 'nack', attempts: 1, answeredAt: at(3_210) } },
    ];
    const failed = plan(twoFailed, 3_300);
    expect(failed).toMatchObject({ kind: 'append', events: [{ type: 'CandidateFailed', data: { bppId: 'fast.lsp', why: 'nack' } }] });
    const exhausted = plan([...twoFailed, ...(failed.kind === 'append' ? failed.events : [])], 3_300);
    expect(exhausted).toMatchObject({ kind: 'append', events: [{ type: 'PartnerSearchExhausted', data: { candidatesTried: 2 } }] });
  });
});
