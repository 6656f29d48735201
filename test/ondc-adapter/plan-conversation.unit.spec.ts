import { ContextBuilder, formatRupees , foldConversation , choosePartner , planConversation, recordOfCommand, settlesConversation } from '@fulfil/ondc';
import type { CatalogOffer, OndcMessage , ConversationEvent , PlanContext, Step , PartnerPolicy } from '@fulfil/ondc';
import { evolveIssue, initialIssueState } from '@fulfil/domain';
import type { IssueEvent, OpenedIssue } from '@fulfil/domain';
import { BUYER_BILLING, hyperlocalShipment, sampleOffer } from '../ondc/support/shipments';

const foldIssue = (events: IssueEvent[]): OpenedIssue => {
  const state = events.reduce(evolveIssue, initialIssueState());
  if (state.status === 'none') throw new Error('no issue');
  return state;
};

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
      tatGraceMs: 5 * 60_000,
      cancelTimeoutMs: 2_000,
      cancelRetry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_500 },
      requestBudgetMs: 5_000,
      settlementWindowMs: 86_400_000,
      reconRounds: 3,
      issueTimes: { response: 'PT2H', resolution: 'P1D' },
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

  describe('a search after the partner cancelled the shipment', () => {
    const TX2 = 'tx-2';
    const inSecondAttempt = (events: ConversationEvent[]): ConversationEvent[] =>
      events.map((e) => ({ ...e, data: { ...e.data, transactionId: TX2, ...(e.type === 'LogisticsSearchStarted' ? { attempt: 2, rtsEventId: 'rts-2' } : {}) } }) as ConversationEvent);
    const cheapCancelled: ConversationEvent = {
      type: 'CallbackProcessed',
      data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'cancel-1', timestamp: at(5), result: 'reported', report: 'cancelled', settles: true, processedAt: at(6) },
    };
    const retried = (...offers: CatalogOffer[]) => [started, cheapCancelled, ...inSecondAttempt(searchedWith(...offers))];

    it('is a new transaction that tries the other partners before the one that cancelled', () => {
      expect(plan(retried(CHEAP, FAST), 1_100)).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'fast.lsp', transactionId: TX2 } });
    });

    it('still takes the partner that cancelled when nobody else offers', () => {
      expect(plan(retried(CHEAP), 1_100)).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'cheap.lsp', transactionId: TX2 } });
    });
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

  it('cancels with the partner (reason 007, the one a logistics buyer may give) an order the domain refused to assign, e.g. switched to the seller\'s own courier meanwhile', () => {
    const events: ConversationEvent[] = [
      ...searchedWith(CHEAP),
      chosen(CHEAP, 1_100),
      { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
      { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: 'ondc-assign:cheap.lsp:NETORDER1', result: 'refused', detail: 'SHIPMENT_IS_OFF_NETWORK', notifiedAt: at(1_600) } },
    ];
    expect(plan(events, 1_700)).toMatchObject({ kind: 'send', request: { action: 'cancel', bppId: 'cheap.lsp', message: { message: { order_id: 'NETORDER1', cancellation_reason_id: '007' } } } });
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

describe('planning after the partner confirmed', () => {
  const NET = 'NETORDER1';
  const confirmed: ConversationEvent[] = [
    ...searchedWith(CHEAP),
    chosen(CHEAP, 1_100),
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: NET, callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
  ];
  const assigned: ConversationEvent[] = [
    ...confirmed,
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: `ondc-assign:cheap.lsp:${NET}`, result: 'applied', notifiedAt: at(1_600) } },
  ];
  /** An order callback from the confirmed partner: a fulfillment state, and whatever else it says. */
  const orderCallback = (messageId: string, ms: number, fulfillment: Record<string, unknown>, extra: { action?: 'on_status' | 'on_update' | 'on_cancel'; orderState?: string } = {}): ConversationEvent => ({
    type: 'CallbackReceived',
    data: {
      transactionId: TX,
      action: extra.action ?? 'on_status',
      bppId: 'cheap.lsp',
      bppUri: CHEAP.bppUri,
      messageId,
      timestamp: at(ms),
      solicited: false,
      body: { context: { domain: 'ONDC:LOG10', timestamp: at(ms) }, message: { order: { id: NET, state: extra.orderState ?? 'Accepted', fulfillments: [{ id: 'F1', type: 'Delivery', ...fulfillment }] } } },
      receivedAt: at(ms),
    },
  });
  const pending = { state: { descriptor: { code: 'Pending' } } };

  it('an AWB in an on_update with nothing else to report goes to the domain, once', () => {
    const events = [...assigned, orderCallback('upd-1', 2_000, { ...pending, '@ondc/org/awb_no': '12345678901234' }, { action: 'on_update' })];

    const step = plan(events, 2_100);

    expect(step).toMatchObject({
      kind: 'command',
      spec: { command: 'RecordPartnerDetails', idempotencyKey: 'ondc-details:cheap.lsp:upd-1', data: { partnerId: 'cheap.lsp', awb: '12345678901234' } },
    });
    const told: ConversationEvent = {
      type: 'DomainNotified',
      data: { transactionId: TX, command: 'RecordPartnerDetails', idempotencyKey: 'ondc-details:cheap.lsp:upd-1', result: 'applied', details: { awb: '12345678901234' }, notifiedAt: at(2_100) },
    };
    const processed = plan([...events, told], 2_200);
    expect(processed).toMatchObject({ kind: 'append', events: [{ type: 'CallbackProcessed', data: { messageId: 'upd-1', result: 'nothing-to-report' } }] });
    // Every later callback repeats the AWB: it is known, so nothing goes to the domain for it.
    const repeat = orderCallback('st-2', 3_000, { ...pending, '@ondc/org/awb_no': '12345678901234' });
    expect(plan([...events, told, ...(processed.kind === 'append' ? processed.events : []), repeat], 3_100)).toEqual({ kind: 'wait', untilMs: T0 + 3_000 + 60_000 });
  });

  it('a callback with new facts and a report sends the facts first, then the report', () => {
    const slot = { range: { start: at(5_000), end: at(9_000) } };
    const events = [...assigned, orderCallback('st-1', 2_000, { state: { descriptor: { code: 'Order-picked-up' } }, start: { time: { ...slot, timestamp: at(1_900) } } })];

    expect(plan(events, 2_100)).toMatchObject({ kind: 'command', spec: { command: 'RecordPartnerDetails', data: { pickupSlot: slot.range } } });
    const told: ConversationEvent = {
      type: 'DomainNotified',
      data: { transactionId: TX, command: 'RecordPartnerDetails', idempotencyKey: 'ondc-details:cheap.lsp:st-1', result: 'applied', details: { pickupSlot: slot.range }, notifiedAt: at(2_100) },
    };
    expect(plan([...events, told], 2_200)).toMatchObject({ kind: 'command', spec: { command: 'RecordPartnerReport', data: { report: 'picked_up' } } });
  });

  it('a callback that comes before the assignment is recorded waits for it: the domain hears of the partner first', () => {
    const events = [...confirmed, orderCallback('upd-1', 1_550, { ...pending, '@ondc/org/awb_no': '12345678901234' }, { action: 'on_update' })];

    expect(plan(events, 1_600)).toMatchObject({ kind: 'command', spec: { command: 'AssignLogisticsPartner' } });
  });

  describe('the seller\'s cancellation', () => {
    const cancelling: ConversationEvent[] = [...assigned, { type: 'SellerCancelled', data: { reason: 'buyer changed their mind', cancelEventId: 'ev-c', cancelledAt: at(2_000) } }];
    const cancelSent = (messageId: string, ms: number): ConversationEvent => ({
      type: 'CancelSent',
      data: { transactionId: TX, messageId, to: CHEAP.bppUri, bppId: 'cheap.lsp', message: { context: { message_id: messageId } }, sentAt: at(ms), sentBy: 'me' },
    });
    const answered = (messageId: string, ms: number, outcome: 'ack' | 'nack' | 'unreachable'): ConversationEvent => ({
      type: 'RequestAnswered',
      data: { transactionId: TX, action: 'cancel', messageId, outcome, ...(outcome === 'nack' ? { error: { type: 'CORE-ERROR', code: '66001' } } : {}), attempts: 1, answeredAt: at(ms) },
    });

    it('sends /cancel with reason 007, the one 1.2.5 lets a logistics buyer give', () => {
      expect(plan(cancelling, 2_000)).toMatchObject({ kind: 'send', request: { action: 'cancel', message: { message: { order_id: NET, cancellation_reason_id: '007' } } } });
    });

    it('a NACK is retried after a backoff that doubles, with a new message id', () => {
      const once = [...cancelling, cancelSent('c-1', 2_000), answered('c-1', 2_010, 'nack')];
      expect(plan(once, 2_500)).toEqual({ kind: 'wait', untilMs: T0 + 2_010 + 1_000 });
      const retry = plan(once, 3_010);
      expect(retry).toMatchObject({ kind: 'send', request: { action: 'cancel' } });
      expect(retry.kind === 'send' && retry.request.message.context.message_id).not.toBe('c-1');
      const twice = [...once, cancelSent('c-2', 3_010), answered('c-2', 3_020, 'unreachable')];
      // The second wait is twice the first, capped at the policy's maximum.
      expect(plan(twice, 3_100)).toEqual({ kind: 'wait', untilMs: T0 + 3_020 + 1_500 });
    });

    it('an ACK with no on_cancel within the timeout counts as a failed try', () => {
      const acked = [...cancelling, cancelSent('c-1', 2_000), answered('c-1', 2_010, 'ack')];
      expect(plan(acked, 3_000)).toEqual({ kind: 'wait', untilMs: T0 + 2_010 + 2_000 });
      expect(plan(acked, 4_010)).toEqual({ kind: 'wait', untilMs: T0 + 4_010 + 1_000 });
      expect(plan(acked, 5_010)).toMatchObject({ kind: 'send', request: { action: 'cancel' } });
    });

    it('a /cancel recorded but never answered (the sender died) is sent again as it was', () => {
      const lost = [...cancelling, cancelSent('c-1', 2_000)];
      expect(plan(lost, 3_000)).toEqual({ kind: 'wait', untilMs: T0 + 2_000 + 5_000 });
      expect(plan(lost, 7_000)).toMatchObject({ kind: 'send', request: { action: 'cancel', resend: true } });
    });

    it('after the last try it is given up, and the domain is told it failed', () => {
      const spent = [
        ...cancelling,
        cancelSent('c-1', 2_000),
        answered('c-1', 2_010, 'nack'),
        cancelSent('c-2', 3_010),
        answered('c-2', 3_020, 'nack'),
        cancelSent('c-3', 4_520),
        answered('c-3', 4_530, 'nack'),
      ];
      const abandoned = plan(spent, 4_600);
      expect(abandoned).toMatchObject({
        kind: 'append',
        events: [{ type: 'PartnerCancellationAbandoned', data: { bppId: 'cheap.lsp', networkOrderId: NET, attempts: 3, reason: expect.stringContaining('NACK CORE-ERROR 66001') } }],
      });
      const after = [...spent, ...(abandoned.kind === 'append' ? abandoned.events : [])];
      expect(plan(after, 4_600)).toMatchObject({
        kind: 'command',
        spec: { command: 'RecordPartnerCancellationOutcome', idempotencyKey: `ondc-cancel-failed:cheap.lsp:${NET}`, data: { outcome: 'failed', attempts: 3 } },
      });
    });

    it('the partner\'s on_cancel is the outcome: confirmed, and the conversation settles', () => {
      const events = [
        ...cancelling,
        cancelSent('c-1', 2_000),
        answered('c-1', 2_010, 'ack'),
        orderCallback('c-1', 2_100, { state: { descriptor: { code: 'Cancelled' } } }, { action: 'on_cancel', orderState: 'Cancelled' }),
      ];
      expect(plan(events, 2_200)).toMatchObject({
        kind: 'command',
        spec: { command: 'RecordPartnerCancellationOutcome', idempotencyKey: `ondc-cancel-confirmed:cheap.lsp:${NET}`, data: { outcome: 'confirmed', attempts: 1 } },
      });
    });
  });
});

describe('a promised pickup or delivery time that passes (TAT breach)', () => {
  const NET = 'NETORDER1';
  // Confirmed ready to ship at 1.5 s, with a pickup slot ending at 10 min; the catalog promises delivery 300 minutes after ready to ship.
  const SLOT = { start: at(1_500), end: at(600_000) };
  const assigned: ConversationEvent[] = [
    ...searchedWith(CHEAP),
    chosen(CHEAP, 1_100),
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: NET, callbackMessageId: 'confirm-1', pickupSlot: SLOT, confirmedAt: at(1_500) } },
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: `ondc-assign:cheap.lsp:${NET}`, result: 'applied', notifiedAt: at(1_600) } },
  ];
  const GRACE = 5 * 60_000;
  const statusCallback = (messageId: string, ms: number, fulfillment: Record<string, unknown>, action: 'on_status' | 'on_cancel' = 'on_status', orderState = 'In-progress', extra: Record<string, unknown> = {}): ConversationEvent => ({
    type: 'CallbackReceived',
    data: {
      transactionId: TX,
      action,
      bppId: 'cheap.lsp',
      bppUri: CHEAP.bppUri,
      messageId,
      timestamp: at(ms),
      solicited: false,
      body: { context: { domain: 'ONDC:LOG10', timestamp: at(ms) }, message: { order: { id: NET, state: orderState, fulfillments: [{ id: 'F1', type: 'Delivery', ...fulfillment }], ...extra } } },
      receivedAt: at(ms),
    },
  });
  const processed = (messageId: string, ms: number, report: string): ConversationEvent => ({
    type: 'CallbackProcessed',
    data: { transactionId: TX, bppId: 'cheap.lsp', messageId, timestamp: at(ms), result: 'reported', report: report as 'picked_up', processedAt: at(ms + 10) },
  });
  const pickedUp = [
    ...assigned,
    statusCallback('st-1', 300_000, { state: { descriptor: { code: 'Order-picked-up' } }, start: { time: { timestamp: at(299_000) } }, end: { time: { range: { start: at(300_000), end: at(1_800_000) } } } }),
    processed('st-1', 300_000, 'picked_up'),
  ];

  it('waits for the end of the pickup slot and the grace (or the status poll, if sooner)', () => {
    expect(plan(assigned, 2_000, { statusPollMs: 3_600_000 })).toEqual({ kind: 'wait', untilMs: T0 + 600_000 + GRACE });
    expect(plan(assigned, 2_000)).toEqual({ kind: 'wait', untilMs: T0 + 1_500 + 60_000 });
  });

  it('not picked up by then: TatBreached and the /cancel with 007 are one step, appended before it leaves', () => {
    const step = plan(assigned, 600_000 + GRACE, { statusPollMs: 3_600_000 });

    expect(step).toMatchObject({
      kind: 'send',
      decisions: [{ type: 'TatBreached', data: { transactionId: TX, bppId: 'cheap.lsp', networkOrderId: NET, stage: 'pickup', promisedBy: SLOT.end, breachedAt: at(600_000 + GRACE) } }],
      request: { action: 'cancel', message: { message: { order_id: NET, cancellation_reason_id: '007' } } },
    });
  });

  it('once recorded, a restart does not breach again: the /cancel is tried and retried like the seller\'s', () => {
    const breached: ConversationEvent = {
      type: 'TatBreached',
      data: { transactionId: TX, bppId: 'cheap.lsp', networkOrderId: NET, stage: 'pickup', promisedBy: SLOT.end, breachedAt: at(900_000) },
    };
    const cancelSent: ConversationEvent = {
      type: 'CancelSent',
      data: { transactionId: TX, messageId: 'c-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message: { context: { message_id: 'c-1' } }, sentAt: at(900_000), sentBy: 'me' },
    };
    const nacked: ConversationEvent = {
      type: 'RequestAnswered',
      data: { transactionId: TX, action: 'cancel', messageId: 'c-1', outcome: 'nack', error: { type: 'POLICY-ERROR', code: '60007' }, attempts: 1, answeredAt: at(900_010) },
    };
    const events = [...assigned, breached, cancelSent, nacked];

    expect(plan(events, 900_100)).toEqual({ kind: 'wait', untilMs: T0 + 900_010 + 1_000 });
    const retry = plan(events, 901_010);
    expect(retry).toMatchObject({ kind: 'send', decisions: [], request: { action: 'cancel', message: { message: { cancellation_reason_id: '007' } } } });
  });

  it("the partner's on_cancel goes to the domain as its cancellation, with 007 and what was missed", () => {
    const events = [
      ...assigned,
      { type: 'TatBreached', data: { transactionId: TX, bppId: 'cheap.lsp', networkOrderId: NET, stage: 'pickup', promisedBy: SLOT.end, breachedAt: at(900_000) } } as ConversationEvent,
      statusCallback('c-1', 900_100, { state: { descriptor: { code: 'Cancelled' } } }, 'on_cancel', 'Cancelled', { cancellation: { cancelled_by: 'buyer.example', reason: { id: '007' } } }),
    ];

    expect(plan(events, 900_200)).toMatchObject({
      kind: 'command',
      spec: { command: 'RecordPartnerReport', data: { report: 'cancelled', reasonCode: '007', reason: `TAT breached: not picked up by ${SLOT.end} (ONDC cancellation reason 007)` } },
    });
  });

  it('picked up in time: the delivery window the partner gave is the next promise', () => {
    expect(plan(pickedUp, 700_000, { statusPollMs: 3_600_000 })).toEqual({ kind: 'wait', untilMs: T0 + 1_800_000 + GRACE });
    expect(plan(pickedUp, 1_800_000 + GRACE, { statusPollMs: 3_600_000 })).toMatchObject({
      kind: 'send',
      decisions: [{ type: 'TatBreached', data: { stage: 'delivery', promisedBy: at(1_800_000) } }],
      request: { action: 'cancel', message: { message: { cancellation_reason_id: '007' } } },
    });
  });

  it('without a delivery window, the catalog TAT after ready to ship is the promise', () => {
    const withoutWindow = [...assigned, statusCallback('st-1', 300_000, { state: { descriptor: { code: 'Order-picked-up' } } }), processed('st-1', 300_000, 'picked_up')];

    expect(plan(withoutWindow, 700_000, { statusPollMs: 86_400_000 })).toEqual({ kind: 'wait', untilMs: T0 + 1_500 + CHEAP.tatMinutes! * 60_000 + GRACE });
  });

  it('a delivery breach after pickup does not lose the parcel: the return to origin is reported, then polled to its end, never cancelled again', () => {
    const breached: ConversationEvent = {
      type: 'TatBreached',
      data: { transactionId: TX, bppId: 'cheap.lsp', networkOrderId: NET, stage: 'delivery', promisedBy: at(1_800_000), breachedAt: at(2_100_000) },
    };
    const rtoBody = {
      state: { descriptor: { code: 'Cancelled' } },
      tags: [{ code: 'rto_event', list: [{ code: 'retry_count', value: '0' }, { code: 'rto_id', value: 'F1-RTO' }, { code: 'cancellation_reason_id', value: '007' }, { code: 'cancelled_by', value: 'buyer.example' }] }],
    };
    const onCancel: ConversationEvent = {
      type: 'CallbackReceived',
      data: {
        transactionId: TX,
        action: 'on_cancel',
        bppId: 'cheap.lsp',
        bppUri: CHEAP.bppUri,
        messageId: 'c-1',
        timestamp: at(2_100_100),
        solicited: true,
        body: {
          context: { domain: 'ONDC:LOG10', timestamp: at(2_100_100) },
          message: {
            order: {
              id: NET,
              state: 'Cancelled',
              cancellation: { cancelled_by: 'buyer.example', reason: { id: '007' } },
              fulfillments: [{ id: 'F1', type: 'Delivery', ...rtoBody }, { id: 'F1-RTO', type: 'RTO', state: { descriptor: { code: 'RTO-Initiated' } }, start: { time: { timestamp: at(2_100_050) } } }],
            },
          },
        },
        receivedAt: at(2_100_100),
      },
    };
    const events = [...pickedUp, breached, onCancel];

    expect(plan(events, 2_100_200)).toMatchObject({
      kind: 'command',
      spec: { command: 'RecordPartnerReport', data: { report: 'rto_initiated', reasonCode: '007', reason: expect.stringContaining('TAT breached: not delivered by') } },
    });
    const returning = [...events, processed('c-1', 2_100_100, 'rto_initiated')];
    // No more /cancel: the parcel is on its way back, and the conversation polls until it is delivered back or disposed of.
    expect(plan(returning, 2_100_300)).toEqual({ kind: 'wait', untilMs: T0 + 2_100_100 + 60_000 });
    expect(plan(returning, 2_160_100)).toMatchObject({ kind: 'send', request: { action: 'status' } });
  });
});

describe('failed attempts and the seller’s answer', () => {
  const confirmed: ConversationEvent[] = [
    ...searchedWith(CHEAP),
    chosen(CHEAP, 1_100),
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: 'ondc-assign:cheap.lsp:NETORDER1', result: 'applied', notifiedAt: at(1_600) } },
  ];
  const failedBody = {
    context: { domain: 'ONDC:LOG11', timestamp: at(2_000) },
    message: {
      order: {
        id: 'NETORDER1',
        state: 'In-progress',
        fulfillments: [
          {
            id: '1',
            type: 'Delivery',
            state: { descriptor: { code: 'Delivery-failed' } },
            end: { time: { range: { start: '2026-11-24T04:30:00.000Z', end: '2026-11-24T08:30:00.000Z' } } },
            tags: [{ code: 'fulfillment_delay', list: [{ code: 'state', value: 'Order-delivered' }, { code: 'reason_id', value: '011' }, { code: 'timestamp', value: at(1_900) }, { code: 'attempt', value: 'yes' }] }],
          },
        ],
      },
    },
  };
  const failedCallback: ConversationEvent = {
    type: 'CallbackReceived',
    data: { transactionId: TX, action: 'on_status', bppId: 'cheap.lsp', bppUri: CHEAP.bppUri, messageId: 'status-9', timestamp: at(2_000), solicited: false, body: failedBody, receivedAt: at(2_000) },
  };
  const processed: ConversationEvent = {
    type: 'CallbackProcessed',
    data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'status-9', timestamp: at(2_000), result: 'reported', report: 'delivery_failed', processedAt: at(2_100) },
  };
  const answered: ConversationEvent = {
    type: 'SellerAnsweredAttempt',
    data: { answer: 'reattempt', stage: 'delivery', attempt: 1, answerEventId: 'domain-evt-7', messageId: 'answer-1', answeredAt: at(3_000) },
  };

  it('a Delivery-failed callback becomes the domain report with the delay reason and the next attempt', () => {
    expect(plan([...confirmed, failedCallback], 2_050)).toMatchObject({
      kind: 'command',
      spec: { command: 'RecordPartnerReport', data: { report: 'delivery_failed', reasonCode: '011', nextAttemptAt: '2026-11-24T04:30:00.000Z', reportedAt: at(1_900) } },
    });
  });

  it('the seller’s answer goes out once as /update under the message id chosen for it, with the ndr_action tag', () => {
    const step = plan([...confirmed, failedCallback, processed, answered], 3_100);
    expect(step).toMatchObject({
      kind: 'send',
      request: {
        action: 'update',
        bppId: 'cheap.lsp',
        message: {
          context: { message_id: 'answer-1', transaction_id: TX },
          message: {
            update_target: 'fulfillment',
            order: { id: 'NETORDER1', fulfillments: [{ tags: [{ code: 'ndr_action', list: [{ code: 'state', value: 'Order-delivered' }, { code: 'action', value: 'reattempt' }] }] }] },
          },
        },
      },
    });
    const updateSent: ConversationEvent = { type: 'UpdateSent', data: { transactionId: TX, messageId: 'answer-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message: {}, sentAt: at(3_100), sentBy: 'me' } };
    const after = plan([...confirmed, failedCallback, processed, answered, updateSent], 3_200);
    expect(after).not.toMatchObject({ kind: 'send', request: { action: 'update' } });
  });
});

describe('issues about the shipment (IGM 2.0)', () => {
  const delivered: ConversationEvent[] = [
    ...searchedWith(CHEAP),
    chosen(CHEAP, 1_100),
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: 'ondc-assign:cheap.lsp:NETORDER1', result: 'applied', notifiedAt: at(1_600) } },
    { type: 'CallbackProcessed', data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'status-1', timestamp: at(2_000), result: 'reported', report: 'delivered', settles: true, processedAt: at(2_000) } },
  ];
  const issue = foldIssue([
    {
      type: 'IssueRaised',
      data: { issueId: 'iss-1', sellerId: 'seller-1', orderId: 'ord-1', shipmentId: 'shp-1', kind: 'lost', description: 'Never arrived', partnerId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', actionId: 'iss-1-A1', raisedAt: at(3_000) },
    },
  ]);
  const acted: ConversationEvent = { type: 'SellerIssueActed', data: { issueId: 'iss-1', issueEventId: 'domain-evt-9', messageId: 'issue-1', issue, actedAt: at(3_000) } };

  it('the seller’s issue goes to the partner as one /issue under the message id chosen for it, even after delivery settled the order', () => {
    const step = plan([...delivered, acted], 3_100);
    expect(step).toMatchObject({ kind: 'send', request: { action: 'issue', transactionId: TX, bppId: 'cheap.lsp', target: { url: CHEAP.bppUri } } });
    const message = (step as Extract<Step, { kind: 'send' }>).request.message as OndcMessage<'issue'>;
    expect(message.context).toMatchObject({ message_id: 'issue-1', core_version: '2.0.0' });
    expect(message.message.issue).toMatchObject({ id: 'iss-1', status: 'OPEN', refs: expect.arrayContaining([{ ref_id: 'NETORDER1', ref_type: 'ORDER' }]) });

    const sentIssue: ConversationEvent = { type: 'IssueSent', data: { transactionId: TX, messageId: 'issue-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message, sentAt: at(3_100), sentBy: 'me' } };
    expect(plan([...delivered, acted, sentIssue], 3_200)).toMatchObject({ kind: 'wait' });
    // Nobody saw it answered, and its time is up: the same message goes again.
    expect(plan([...delivered, acted, sentIssue], 3_100 + 5_000)).toMatchObject({ kind: 'send', request: { action: 'issue', resend: true } });
  });

  it('each of the partner’s actions in an on_issue is told to the issue’s stream once, then the callback is done', () => {
    const first = plan([...delivered, acted], 3_100) as Extract<Step, { kind: 'send' }>;
    const ours = first.request.message as OndcMessage<'issue'>;
    const sentIssue: ConversationEvent = { type: 'IssueSent', data: { transactionId: TX, messageId: 'issue-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message: ours, sentAt: at(3_100), sentBy: 'me' } };
    const action = (id: string, code: 'PROCESSING' | 'INFO_REQUESTED', ms: number) => ({ id, descriptor: { code, short_desc: code }, updated_at: at(ms), action_by: 'lsp', actor_details: { name: 'LSP' } });
    const body = { context: ours.context, message: { issue: { ...ours.message.issue, actions: [...ours.message.issue.actions, action('L1', 'PROCESSING', 3_200), action('L2', 'INFO_REQUESTED', 3_300)] } } };
    const answer: ConversationEvent = { type: 'CallbackReceived', data: { transactionId: TX, action: 'on_issue', bppId: 'cheap.lsp', bppUri: CHEAP.bppUri, messageId: 'issue-1', timestamp: at(3_400), solicited: true, body, receivedAt: at(3_400) } };
    const told = (actionId: string): ConversationEvent => ({
      type: 'DomainNotified',
      data: { transactionId: TX, command: 'RecordIssueResponse', idempotencyKey: `ondc-issue:cheap.lsp:iss-1:${actionId}`, result: 'applied', notifiedAt: at(3_500) },
    });
    const history = [...delivered, acted, sentIssue, answer];
    expect(plan(history, 3_500)).toMatchObject({ kind: 'command', spec: { command: 'RecordIssueResponse', issueId: 'iss-1', data: { actionId: 'L1', response: 'processing' } } });
    expect(plan([...history, told('L1')], 3_500)).toMatchObject({ kind: 'command', spec: { data: { actionId: 'L2', response: 'info_requested' } } });
    expect(plan([...history, told('L1'), told('L2')], 3_500)).toMatchObject({ kind: 'append', events: [{ type: 'CallbackProcessed', data: { messageId: 'issue-1', result: 'reported' } }] });
  });

  describe('an issue whose partner lets its expected times pass', () => {
    const HOURS_2 = 2 * 3_600_000;
    const DAY = 24 * 3_600_000;
    const sentIssue = (): ConversationEvent => {
      const step = plan([...delivered, acted], 3_100) as Extract<Step, { kind: 'send' }>;
      return { type: 'IssueSent', data: { transactionId: TX, messageId: 'issue-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message: step.request.message, sentAt: at(3_100), sentBy: 'me' } };
    };
    const issueAcked: ConversationEvent = { type: 'RequestAnswered', data: { transactionId: TX, action: 'issue', messageId: 'issue-1', outcome: 'ack', attempts: 1, answeredAt: at(3_150) } };
    const answered = (code: 'PROCESSING' | 'RESOLUTION_PROPOSED', ms: number): ConversationEvent => {
      const ours = (sentIssue().data as { message: OndcMessage<'issue'> }).message;
      const action = { id: `L-${code}`, descriptor: { code, short_desc: code }, updated_at: at(ms), action_by: 'lsp', actor_details: { name: 'LSP' } };
      const resolutions = code === 'RESOLUTION_PROPOSED' ? [{ id: 'R1', descriptor: { code: 'REFUND', short_desc: 'Refund' }, updated_at: at(ms), proposed_by: 'lsp' }] : undefined;
      const body = { context: ours.context, message: { issue: { ...ours.message.issue, actions: [...ours.message.issue.actions, action], ...(resolutions ? { resolutions } : {}) } } };
      return { type: 'CallbackReceived', data: { transactionId: TX, action: 'on_issue', bppId: 'cheap.lsp', bppUri: CHEAP.bppUri, messageId: `on-issue-${code}`, timestamp: at(ms), solicited: false, body, receivedAt: at(ms) } };
    };
    const processedOf = (callback: ConversationEvent): ConversationEvent => ({
      type: 'CallbackProcessed',
      data: { transactionId: TX, bppId: 'cheap.lsp', messageId: (callback.data as { messageId: string }).messageId, timestamp: (callback.data as { timestamp: string }).timestamp, result: 'reported', processedAt: (callback.data as { timestamp: string }).timestamp },
    });
    const raisedAt = 3_000;

    it('unanswered, it waits for the expected response time (PT2H), then escalates once to the grievance officer', () => {
      const history = [...delivered, acted, sentIssue(), issueAcked];
      expect(plan(history, 3_200)).toEqual({ kind: 'wait', untilMs: T0 + raisedAt + HOURS_2 });
      expect(plan(history, raisedAt + HOURS_2)).toMatchObject({
        kind: 'command',
        spec: { command: 'EscalateIssue', issueId: 'iss-1', idempotencyKey: 'ondc-issue-escalate:iss-1', data: { reason: expect.stringContaining('did not respond within PT2H') } },
      });
      const told: ConversationEvent = { type: 'DomainNotified', data: { transactionId: TX, command: 'EscalateIssue', idempotencyKey: 'ondc-issue-escalate:iss-1', result: 'applied', notifiedAt: at(raisedAt + HOURS_2) } };
      expect(plan([...history, told], raisedAt + 2 * DAY)).toEqual({ kind: 'wait' });
    });

    it('taken up but with no resolution proposed, it escalates at the expected resolution time (P1D)', () => {
      const processing = answered('PROCESSING', 4_000);
      const history = [...delivered, acted, sentIssue(), issueAcked, processing, processedOf(processing)];
      expect(plan(history, raisedAt + HOURS_2)).toEqual({ kind: 'wait', untilMs: T0 + raisedAt + DAY });
      expect(plan(history, raisedAt + DAY)).toMatchObject({ kind: 'command', spec: { command: 'EscalateIssue', data: { reason: expect.stringContaining('proposed no resolution within P1D') } } });
    });

    it('with a resolution proposed, the seller decides: nothing escalates by itself', () => {
      const proposal = answered('RESOLUTION_PROPOSED', 4_000);
      const history = [...delivered, acted, sentIssue(), issueAcked, proposal, processedOf(proposal)];
      expect(plan(history, raisedAt + 2 * DAY)).toEqual({ kind: 'wait' });
    });
  });
});

describe('surge fees within the seller cap', () => {
  const SURGING = { ...CHEAP, surge: { itemId: 'surge', pricePaise: 1_500, categoryId: CHEAP.category, fulfillmentId: CHEAP.fulfillmentId } };
  const withCap = (maxSurgeFeePaise: number): ConversationEvent => ({
    ...started,
    data: { ...(started as Extract<ConversationEvent, { type: 'LogisticsSearchStarted' }>).data, shipment: { ...hyperlocalShipment(), maxSurgeFeePaise } },
  } as ConversationEvent);
  const searched = (first: ConversationEvent, ...offers: CatalogOffer[]) => [first, ...searchedWith(...offers).slice(1)];
  /** An on_init quoting the offer with its surge (and the surge's GST) on top. */
  const onInitWithSurge = (surgePaise: number, ms: number): ConversationEvent => {
    const line = (item: string, title: string, paise: number) => ({ '@ondc/org/item_id': item, '@ondc/org/title_type': title, price: { currency: 'INR', value: formatRupees(paise) } });
    const breakup = [line(CHEAP.itemId, 'delivery', 4_237), line(CHEAP.itemId, 'tax', 763), line('surge', 'surge', surgePaise), line('surge', 'tax', 270)];
    const price = { currency: 'INR', value: formatRupees(5_000 + surgePaise + 270) };
    const body = { context: {}, message: { order: { quote: { price, breakup } } } } as unknown as OndcMessage<'on_init'>;
    return { type: 'CallbackReceived', data: { transactionId: TX, action: 'on_init', bppId: CHEAP.bppId, bppUri: CHEAP.bppUri, messageId: 'init-1', timestamp: at(ms), solicited: true, body, receivedAt: at(ms) } };
  };

  it('leaves an offer whose surge is above the cap out of the choice, and says so', () => {
    const step = plan(searched(withCap(1_000), SURGING, FAST), 1_100);
    expect(step).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'fast.lsp' } });
    expect(step.kind === 'send' && step.decisions[0]?.type === 'PartnerChosen' && step.decisions[0].data.reason).toContain("left out for a surge above the seller's cap of ₹10.00: cheap.lsp");
  });

  it('takes a surge within the cap, ranking by the price with the surge, and names the surge item in /init', () => {
    const step = plan(searched(withCap(2_000), SURGING, FAST), 1_100);
    expect(step).toMatchObject({ kind: 'send', request: { action: 'init', bppId: 'cheap.lsp', message: { message: { order: { items: [{ id: CHEAP.itemId }, { id: 'surge', tags: [{ code: 'type' }] }] } } } } });
    expect(step.kind === 'send' && step.decisions[0]?.type === 'PartnerChosen' && step.decisions[0].data.ranking[0]).toMatchObject({ bppId: 'cheap.lsp', surgePaise: 1_500 });
  });

  it('accepts the on_init surge at the catalog price, recording the surge and its tax for the domain', () => {
    const events = [...searched(withCap(2_000), SURGING), chosen(SURGING, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110), onInitWithSurge(1_500, 1_200)];
    expect(plan(events, 1_300)).toMatchObject({ kind: 'append', events: [{ type: 'QuoteAccepted', data: { totalPaise: 6_770, surgePaise: 1_770 } }] });
  });

  it('rejects an on_init surge the catalog did not show (62508), and one above the cap', () => {
    const dearer = [...searched(withCap(5_000), SURGING), chosen(SURGING, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110), onInitWithSurge(2_500, 1_200)];
    expect(plan(dearer, 1_300)).toMatchObject({ kind: 'append', events: [{ type: 'QuoteRejected', data: { problem: 'surge-mismatch', code: '62508' } }] });
    // Chosen before the cap was lowered (a replay): the quote is still held to the cap.
    const capped = [...searched(withCap(1_000), SURGING), chosen(SURGING, 1_100), sent('InitSent', 'init-1', 1_100, 'cheap.lsp'), acked('init', 'init-1', 1_110), onInitWithSurge(1_500, 1_200)];
    expect(plan(capped, 1_300)).toMatchObject({ kind: 'append', events: [{ type: 'QuoteRejected', data: { problem: 'surge-mismatch', detail: expect.stringContaining("above the seller's cap") } }] });
  });

  it('tells the domain the surge paid with the partner', () => {
    const events: ConversationEvent[] = [
      ...searched(withCap(2_000), SURGING),
      chosen(SURGING, 1_100),
      { type: 'QuoteAccepted', data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'init-1', totalPaise: 6_770, surgePaise: 1_770, quote: { price: { currency: 'INR', value: '67.70' }, breakup: [] }, acceptedAt: at(1_300) } },
      { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
    ];
    expect(plan(events, 1_600)).toMatchObject({ kind: 'command', spec: { command: 'AssignLogisticsPartner', data: { surgeFeePaise: 1_770 } } });
  });
});

describe('a weight differential after pickup', () => {
  const NET = 'NETORDER1';
  const confirmedQuote = { price: { currency: 'INR' as const, value: '50.00' }, breakup: [{ '@ondc/org/item_id': CHEAP.itemId, '@ondc/org/title_type': 'delivery' as const, price: { currency: 'INR' as const, value: '50.00' } }] };
  const assigned: ConversationEvent[] = [
    ...searchedWith(CHEAP),
    chosen(CHEAP, 1_100),
    { type: 'QuoteAccepted', data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'init-1', totalPaise: 5_000, quote: confirmedQuote, acceptedAt: at(1_300) } },
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: NET, callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: `ondc-assign:cheap.lsp:${NET}`, result: 'applied', notifiedAt: at(1_600) } },
  ];
  const diffQuote = {
    price: { currency: 'INR', value: '97.20' },
    breakup: [...confirmedQuote.breakup, { '@ondc/org/item_id': CHEAP.itemId, '@ondc/org/title_type': 'diff', price: { currency: 'INR', value: '40.00' } }, { '@ondc/org/item_id': CHEAP.itemId, '@ondc/org/title_type': 'tax_diff', price: { currency: 'INR', value: '7.20' } }],
  };
  const weighed = (messageId: string, ms: number): ConversationEvent => ({
    type: 'CallbackReceived',
    data: {
      transactionId: TX,
      action: 'on_update',
      bppId: 'cheap.lsp',
      bppUri: CHEAP.bppUri,
      messageId,
      timestamp: at(ms),
      solicited: false,
      body: {
        context: { domain: 'ONDC:LOG10', timestamp: at(ms) },
        message: {
          order: {
            id: NET,
            state: 'In-progress',
            quote: diffQuote,
            fulfillments: [
              {
                id: 'F1',
                type: 'Delivery',
                state: { descriptor: { code: 'Order-picked-up' } },
                start: { time: { timestamp: at(1_900) } },
                tags: [
                  { code: 'linked_order_diff', list: [{ code: 'id', value: 'ord-1' }, { code: 'weight_unit', value: 'kilogram' }, { code: 'weight_value', value: '2.6' }, { code: 'dim_unit', value: 'centimeter' }, { code: 'length', value: '30' }, { code: 'breadth', value: '25' }, { code: 'height', value: '5' }] },
                  { code: 'linked_order_diff_proof', list: [{ code: 'id', value: 'ord-1' }, { code: 'type', value: 'image' }, { code: 'url', value: 'https://cheap.example/weighing/1.jpg' }] },
                ],
              },
            ],
          },
        },
      },
      receivedAt: at(ms),
    },
  });
  const told: ConversationEvent = {
    type: 'DomainNotified',
    data: { transactionId: TX, command: 'RecordWeightDifferential', idempotencyKey: 'ondc-weight-diff:cheap.lsp:upd-7', result: 'applied', differential: { amountPaise: 4_000, taxPaise: 720, measuredWeightGrams: 2_600 }, notifiedAt: at(2_100) },
  };
  const reported: ConversationEvent = {
    type: 'CallbackProcessed',
    data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'upd-7', timestamp: at(2_000), result: 'reported', report: 'picked_up', processedAt: at(2_200) },
  };
  const answered = (answer: 'accepted' | 'disputed'): ConversationEvent => ({ type: 'SellerAnsweredWeightDifferential', data: { answer, answerEventId: 'domain-evt-9', messageId: 'diff-answer-1', answeredAt: at(3_000) } });
  const updateSent: ConversationEvent = { type: 'UpdateSent', data: { transactionId: TX, messageId: 'diff-answer-1', to: CHEAP.bppUri, bppId: 'cheap.lsp', message: {}, sentAt: at(3_100), sentBy: 'me' } };

  it("is told to the domain once the callback's report is in (the callback may be the one that says picked up), with the measured weight and size, the charge, its tax and the proof", () => {
    expect(plan([...assigned, weighed('upd-7', 2_000)], 2_050)).toMatchObject({ kind: 'command', spec: { command: 'RecordPartnerReport', data: { report: 'picked_up' } } });
    expect(plan([...assigned, weighed('upd-7', 2_000), reported], 2_250)).toMatchObject({
      kind: 'command',
      spec: {
        command: 'RecordWeightDifferential',
        idempotencyKey: 'ondc-weight-diff:cheap.lsp:upd-7',
        data: { partnerId: 'cheap.lsp', measuredWeightGrams: 2_600, measuredDimensionsCm: { length: 30, width: 25, height: 5 }, amountPaise: 4_000, taxPaise: 720, proofUrl: 'https://cheap.example/weighing/1.jpg', reportedAt: at(2_000) },
      },
    });
    // Told, it is not told again; nor when a later callback repeats the same quote.
    expect(plan([...assigned, weighed('upd-7', 2_000), reported, told], 2_300)).not.toMatchObject({ kind: 'command' });
    const repeatedProcessed: ConversationEvent = { type: 'CallbackProcessed', data: { ...(reported as Extract<ConversationEvent, { type: 'CallbackProcessed' }>).data, messageId: 'st-8', timestamp: at(2_500) } };
    expect(plan([...assigned, weighed('upd-7', 2_000), reported, told, weighed('st-8', 2_500), repeatedProcessed], 2_600)).not.toMatchObject({ kind: 'command' });
  });

  it("the seller's acceptance goes out once as /update with the partner's updated quote; disputing sends the quote as confirmed", () => {
    const base = [...assigned, weighed('upd-7', 2_000), told, reported];
    expect(plan([...base, answered('accepted')], 3_050)).toMatchObject({
      kind: 'send',
      request: { action: 'update', message: { context: { message_id: 'diff-answer-1' }, message: { update_target: 'fulfillment', order: { id: NET, quote: { price: { value: '97.20' } } } } } },
    });
    const dispute = plan([...base, answered('disputed')], 3_050);
    expect(dispute).toMatchObject({ kind: 'send', request: { action: 'update', message: { message: { order: { quote: { price: { value: '50.00' } } } } } } });
    expect(plan([...base, answered('accepted'), updateSent], 3_200)).not.toMatchObject({ kind: 'send', request: { action: 'update' } });
  });

  it('an answer recorded but lost in flight (a restart) is sent again under the same message id once its budget is spent', () => {
    const base = [...assigned, weighed('upd-7', 2_000), told, reported, answered('accepted'), updateSent];
    // The recorded message goes again (its message id is in it), with a fresh timestamp.
    expect(plan(base, 3_100 + 5_000)).toMatchObject({ kind: 'send', request: { action: 'update', resend: true, target: { url: CHEAP.bppUri } } });
    expect(plan(base, 3_100 + 4_000)).not.toMatchObject({ kind: 'send' });
  });
});

describe('the COD of a delivered shipment, reconciled with the partner (RSF 2.0)', () => {
  const WINDOW = 86_400_000;
  const codStarted: ConversationEvent = { ...started, data: { ...(started as Extract<ConversationEvent, { type: 'LogisticsSearchStarted' }>).data, shipment: { ...hyperlocalShipment(), cod: { amountPaise: 49_900 } } } } as ConversationEvent;
  const deliveredCod: ConversationEvent[] = [
    codStarted,
    sent('SearchSent', 'search-1', 0),
    acked('search', 'search-1', 10),
    catalog(CHEAP, 20),
    chosen(CHEAP, 1_100),
    { type: 'OrderConfirmed', data: { transactionId: TX, bppId: 'cheap.lsp', partnerName: 'Cheap', networkOrderId: 'NETORDER1', callbackMessageId: 'confirm-1', confirmedAt: at(1_500) } },
    { type: 'DomainNotified', data: { transactionId: TX, command: 'AssignLogisticsPartner', idempotencyKey: 'ondc-assign:cheap.lsp:NETORDER1', result: 'applied', notifiedAt: at(1_600) } },
    { type: 'CallbackProcessed', data: { transactionId: TX, bppId: 'cheap.lsp', messageId: 'status-1', timestamp: at(2_000), result: 'reported', report: 'delivered', settles: true, reconOwed: true, processedAt: at(2_000) } },
  ];
  const reconSent = (step: Step, ms: number): ConversationEvent => {
    const { request } = step as Extract<Step, { kind: 'send' }>;
    return { type: 'ReconSent', data: { transactionId: TX, messageId: request.message.context.message_id, to: CHEAP.bppUri, bppId: 'cheap.lsp', message: request.message, sentAt: at(ms), sentBy: 'me' } };
  };
  const reconAcked = (sentEvent: ConversationEvent, ms: number): ConversationEvent => ({
    type: 'RequestAnswered',
    data: { transactionId: TX, action: 'recon', messageId: (sentEvent.data as { messageId: string }).messageId, outcome: 'ack', attempts: 1, answeredAt: at(ms) },
  });
  const onRecon = (sentEvent: ConversationEvent, answer: { accord: boolean; status: 'PENDING' | 'SETTLED'; diff?: string; ref?: string }, ms: number): ConversationEvent => {
    const ours = (sentEvent.data as { message: OndcMessage<'recon'> }).message;
    const [order] = ours.message.orders;
    const settlement = order!.settlements[0]!;
    const body = {
      context: { ...ours.context, action: 'on_recon' },
      message: {
        orders: [
          {
            ...order,
            recon_accord: answer.accord,
            settlements: [{ ...settlement, status: answer.status, amount: { ...settlement.amount, ...(answer.diff ? { diff_value: answer.diff } : {}) }, ...(answer.ref ? { settlement_ref_no: answer.ref } : {}) }],
          },
        ],
      },
    };
    const messageId = (sentEvent.data as { messageId: string }).messageId;
    return { type: 'CallbackReceived', data: { transactionId: TX, action: 'on_recon', bppId: 'cheap.lsp', bppUri: CHEAP.bppUri, messageId, timestamp: at(ms), solicited: true, body, receivedAt: at(ms) } };
  };

  it('waits a settlement window after the delivery, then sends /recon claiming the COD amount in RSF 2.0’s context', () => {
    expect(plan(deliveredCod, 3_000)).toEqual({ kind: 'wait', untilMs: T0 + 2_000 + WINDOW });
    const step = plan(deliveredCod, 2_000 + WINDOW);
    expect(step).toMatchObject({ kind: 'send', request: { action: 'recon', transactionId: TX, bppId: 'cheap.lsp', target: { url: CHEAP.bppUri } } });
    const message = (step as Extract<Step, { kind: 'send' }>).request.message as OndcMessage<'recon'>;
    expect(message.context).toMatchObject({ domain: 'ONDC:NTS10', version: '2.0.0', location: { country: { code: 'IND' }, city: { code: '*' } }, ttl: 'P1D' });
    expect(message.message.orders).toEqual([
      expect.objectContaining({ id: 'NETORDER1', amount: { currency: 'INR', value: '499.00' }, settlements: [expect.objectContaining({ status: 'PENDING', amount: { currency: 'INR', value: '499.00' }, updated_at: at(2_000) })] }),
    ]);
  });

  it('a prepaid delivery owes nothing: no /recon', () => {
    const prepaid = deliveredCod.map((e) => (e.type === 'LogisticsSearchStarted' ? started : e));
    expect(plan(prepaid, 2_000 + 2 * WINDOW)).toEqual({ kind: 'wait' });
  });

  it('an answer in accord, settled, goes to the domain and closes the reconciliation; a short one is a mismatch and the next window asks again', () => {
    const first = reconSent(plan(deliveredCod, 2_000 + WINDOW), 2_000 + WINDOW);
    const asked = [...deliveredCod, first, reconAcked(first, 2_100 + WINDOW)];
    expect(plan(asked, 3_000 + WINDOW)).toEqual({ kind: 'wait', untilMs: T0 + 2_000 + 2 * WINDOW });

    const settled = [...asked, onRecon(first, { accord: true, status: 'SETTLED', ref: 'UTR123' }, 2_200 + WINDOW)];
    const command = plan(settled, 2_300 + WINDOW);
    expect(command).toMatchObject({
      kind: 'command',
      spec: { command: 'RecordCodSettlement', closes: true, data: { partnerId: 'cheap.lsp', claimedPaise: 49_900, partnerPaise: 49_900, status: 'settled', accord: true, settlementRef: 'UTR123' } },
    });
    const done = recordOfCommand((command as Extract<Step, { kind: 'command' }>).spec, { result: 'applied' }, context(2_300 + WINDOW));
    expect(done).toMatchObject({ type: 'CallbackProcessed', data: { result: 'reported', settles: true } });
    expect(settlesConversation(done as unknown as { type: string; data: Record<string, unknown> })).toBe(true);
    expect(plan([...settled, done], 2_000 + 5 * WINDOW)).toEqual({ kind: 'wait' });

    const short = [...asked, onRecon(first, { accord: false, status: 'SETTLED', diff: '474.00', ref: 'UTR123' }, 2_200 + WINDOW)];
    const mismatch = plan(short, 2_300 + WINDOW);
    expect(mismatch).toMatchObject({ kind: 'command', spec: { closes: false, data: { claimedPaise: 49_900, partnerPaise: 47_400, accord: false } } });
    const told = recordOfCommand((mismatch as Extract<Step, { kind: 'command' }>).spec, { result: 'applied' }, context(2_300 + WINDOW));
    expect(told).toMatchObject({ type: 'CallbackProcessed', data: { result: 'reported' } });
    expect((told.data as { settles?: boolean }).settles).toBeUndefined();
    expect(plan([...short, told], 2_000 + 2 * WINDOW)).toMatchObject({ kind: 'send', request: { action: 'recon' } });
  });

  it('after the rounds allowed without a settlement in accord, it stops asking and the stream settles', () => {
    let history = [...deliveredCod];
    for (let round = 1; round <= 3; round++) {
      const now = 2_000 + round * WINDOW;
      const sentRound = reconSent(plan(history, now), now);
      history = [...history, sentRound, reconAcked(sentRound, now + 100)];
    }
    const step = plan(history, 2_000 + 4 * WINDOW);
    expect(step).toMatchObject({ kind: 'append', events: [{ type: 'CodReconciliationAbandoned', data: { bppId: 'cheap.lsp', networkOrderId: 'NETORDER1', rounds: 3, reason: expect.stringContaining('0 answered') } }] });
    const [abandoned] = (step as Extract<Step, { kind: 'append' }>).events;
    expect(settlesConversation(abandoned as unknown as { type: string; data: Record<string, unknown> })).toBe(true);
    expect(plan([...history, abandoned!], 2_000 + 9 * WINDOW)).toEqual({ kind: 'wait' });
  });

  it('the delivery of a COD shipment leaves the stream open for its reconciliation', () => {
    const delivery = deliveredCod[deliveredCod.length - 1]!;
    expect(settlesConversation(delivery as unknown as { type: string; data: Record<string, unknown> })).toBe(false);
  });
});
