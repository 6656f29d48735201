import { ContextBuilder, buildConfirm, buildInit, buildReadyToShipUpdate, buildSearch, buildTrack, checkReceivedMessage, checkReceivedTransaction } from '@fulfil/ondc';
import type { BuyerBilling, ConformanceFinding, OndcMessage, Quote, TransactionMessage } from '@fulfil/ondc';
import { BUYER_BILLING, hyperlocalShipment, sampleOffer } from './support/shipments';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0, 123);
const at = (minutes: number): string => new Date(NOW + minutes * 60_000).toISOString();
const contexts = new ContextBuilder({ bapId: 'buyer.fulfilment-engine.example', bapUri: 'https://buyer.fulfilment-engine.example/ondc', nowMs: () => NOW });
const bpp = { id: 'lsp.example', uri: 'https://lsp.example/ondc' };
const BILLING: BuyerBilling = { ...BUYER_BILLING, settlement: { type: 'upi', beneficiaryName: 'Fulfilment Engine', upiAddress: 'engine@upi' } };
const TAT = { label: 'TAT', duration: 'PT45M', timestamp: '2026-03-02' };
const quote: Quote = {
  price: { currency: 'INR', value: '59.00' },
  breakup: [
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'delivery', price: { currency: 'INR', value: '50.00' } },
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'tax', price: { currency: 'INR', value: '9.00' } },
  ],
  ttl: 'PT15M',
};

// A breakage reaches any field of the JSON as received: typing each path would restate the very types it breaks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/** A callback from the partner, answering `request` (its message id) or unasked (a new one). */
const callback = (request: { context: object }, action: string, minutes: number, messageId?: string): Body => ({
  context: { ...request.context, action, bpp_id: bpp.id, bpp_uri: bpp.uri, timestamp: at(minutes), ...(messageId ? { message_id: messageId } : {}) },
});

interface Step {
  name: string;
  message: TransactionMessage;
}

/** A prepaid hyperlocal transaction as a 1.2.5 partner answers it: search to delivered, or to a return to origin. */
function conformantFlow(ending: 'delivered' | 'rto' = 'delivered'): Step[] {
  const shipment = hyperlocalShipment({ pickupCode: '482193' });
  const offer = sampleOffer({ pickupDuration: 'PT15M' });
  const partner = <A extends 'init' | 'confirm' | 'update' | 'track'>(action: A) => contexts.build(action, { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp } as never);
  const search = buildSearch(contexts.build('search', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1' }), shipment);
  const onSearch: Body = {
    ...callback(search, 'on_search', 0, search.context.message_id),
    message: {
      catalog: {
        'bpp/descriptor': { name: 'LSP Courier' },
        'bpp/providers': [
          {
            id: 'P1',
            descriptor: { name: 'LSP Courier' },
            categories: [{ id: 'Same Day Delivery', time: TAT }],
            fulfillments: [
              { id: '1', type: 'Delivery', start: { time: { duration: 'PT15M' } } },
              { id: '1-RTO', type: 'RTO' },
            ],
            items: [
              { id: 'I1', category_id: 'Same Day Delivery', fulfillment_id: '1', descriptor: { code: 'P2P' }, price: { currency: 'INR', value: '59.00' }, time: TAT },
              { id: 'I2', parent_item_id: 'I1', category_id: 'Same Day Delivery', fulfillment_id: '1-RTO', descriptor: { code: 'P2P' }, price: { currency: 'INR', value: '23.60' }, time: TAT },
            ],
          },
        ],
      },
    },
  };
  const init = buildInit(partner('init'), shipment, offer, BILLING);
  const onInit: Body = {
    ...callback(init, 'on_init', 1, init.context.message_id),
    message: {
      order: {
        provider: { id: 'P1' },
        items: [{ id: 'I1', fulfillment_id: '1' }],
        quote,
        payment: { ...init.message.order.payment, '@ondc/org/settlement_details': [{ settlement_counterparty: 'lsp', settlement_type: 'upi', beneficiary_name: 'LSP Courier', upi_address: 'lsp@upi' }] },
        cancellation_terms: [{ fulfillment_state: { descriptor: { code: 'Pending', short_desc: '*' } }, cancellation_fee: { percentage: '0.00', amount: { currency: 'INR', value: '0.00' } } }],
        tags: [{ code: 'bpp_terms', list: [{ code: 'max_liability', value: '2' }] }],
      },
    },
  };
  const confirm = buildConfirm(partner('confirm'), { shipment, offer, quote, buyer: BILLING, networkOrderId: 'NETORDER1', onInit: onInit as OndcMessage<'on_init'> });
  const confirmed = confirm.message.order;
  const [sent] = confirmed.fulfillments;
  /** The order as the partner reports it: the forward fulfillment in `state`, the order in `orderState`. */
  const order = (state: string, orderState: string, minutes: number, times: { picked?: string; delivered?: string } = {}): Body => ({
    order: {
      id: 'NETORDER1',
      state: orderState,
      provider: { id: 'P1' },
      items: [{ id: 'I1', fulfillment_id: '1', category_id: 'Same Day Delivery', descriptor: { code: 'P2P' }, time: TAT }],
      quote: { price: quote.price, breakup: quote.breakup },
      fulfillments: [
        {
          ...sent,
          state: { descriptor: { code: state } },
          tracking: true,
          start: { ...sent?.start, time: { duration: 'PT15M', range: { start: at(1), end: at(16) }, ...(times.picked ? { timestamp: times.picked } : {}) } },
          end: { ...sent?.end, time: times.delivered ? { timestamp: times.delivered } : { range: { start: at(16), end: at(61) } } },
        },
      ],
      billing: confirmed.billing,
      // A prepaid delivery is paid on invoicing: not paid while it travels.
      payment: { ...confirmed.payment, status: 'NOT-PAID' },
      created_at: confirmed.created_at,
      updated_at: at(minutes),
    },
  });
  const update = buildReadyToShipUpdate(partner('update'), { shipment, offer, networkOrderId: 'NETORDER1', buyer: BILLING });
  const track = buildTrack(partner('track'), 'NETORDER1');
  const picked = at(20);
  const steps: Step[] = [
    { name: 'search', message: { direction: 'sent', body: search } },
    { name: 'on_search', message: { direction: 'received', body: onSearch } },
    { name: 'init', message: { direction: 'sent', body: init } },
    { name: 'on_init', message: { direction: 'received', body: onInit } },
    { name: 'confirm', message: { direction: 'sent', body: confirm } },
    { name: 'on_confirm', message: { direction: 'received', body: { ...callback(confirm, 'on_confirm', 2, confirm.context.message_id), message: order('Pending', 'Accepted', 2) } } },
    { name: 'update', message: { direction: 'sent', body: update } },
    { name: 'on_update', message: { direction: 'received', body: { ...callback(update, 'on_update', 3, update.context.message_id), message: order('Agent-assigned', 'In-progress', 3) } } },
    { name: 'on_status picked-up', message: { direction: 'received', body: { ...callback(confirm, 'on_status', 21, 'M-picked'), message: order('Order-picked-up', 'In-progress', 21, { picked }) } } },
    { name: 'track', message: { direction: 'sent', body: track } },
    {
      name: 'on_track',
      message: {
        direction: 'received',
        body: { ...callback(track, 'on_track', 22, track.context.message_id), message: { tracking: { id: '1', url: 'https://lsp.example/track/NETORDER1', status: 'active', location: { gps: '12.956800,77.632600', time: { timestamp: at(22) }, updated_at: at(22) } } } },
      },
    },
  ];
  if (ending === 'delivered') {
    return [...steps, { name: 'on_status delivered', message: { direction: 'received', body: { ...callback(confirm, 'on_status', 51, 'M-delivered'), message: order('Order-delivered', 'Completed', 51, { picked, delivered: at(50) }) } } }];
  }
  /** The parcel refused at the door and coming back: the forward fulfillment cancelled, an RTO fulfillment and its charge. */
  const returning = (rtoState: string, minutes: number): Body => {
    const message = order('Cancelled', 'Cancelled', minutes, { picked });
    message['order'].items.push({ id: 'I2', fulfillment_id: '1-RTO', category_id: 'Same Day Delivery', descriptor: { code: 'P2P' }, time: TAT });
    message['order'].quote = {
      price: { currency: 'INR', value: '82.60' },
      breakup: [...quote.breakup, { '@ondc/org/item_id': 'I2', '@ondc/org/title_type': 'rto', price: { currency: 'INR', value: '20.00' } }, { '@ondc/org/item_id': 'I2', '@ondc/org/title_type': 'tax', price: { currency: 'INR', value: '3.60' } }],
    };
    message['order'].cancellation = { cancelled_by: bpp.id, reason: { id: '013' } };
    message['order'].fulfillments[0].tags = [
      { code: 'precancel_state', list: [{ code: 'fulfillment_state', value: 'Out-for-delivery' }, { code: 'updated_at', value: at(40) }] },
      { code: 'rto_event', list: [{ code: 'retry_count', value: '0' }, { code: 'rto_id', value: '1-RTO' }, { code: 'cancellation_reason_id', value: '013' }, { code: 'cancelled_by', value: bpp.id }] },
    ];
    message['order'].fulfillments.push({ id: '1-RTO', type: 'RTO', state: { descriptor: { code: rtoState } }, start: { time: { timestamp: at(40) } }, ...(rtoState === 'RTO-Delivered' ? { end: { time: { timestamp: at(80) } } } : {}) });
    return message;
  };
  return [
    ...steps,
    { name: 'on_cancel rto', message: { direction: 'received', body: { ...callback(confirm, 'on_cancel', 41, 'M-rto'), message: returning('RTO-Initiated', 41) } } },
    { name: 'on_status rto-delivered', message: { direction: 'received', body: { ...callback(confirm, 'on_status', 81, 'M-rto-delivered'), message: returning('RTO-Delivered', 81) } } },
  ];
}

/** The flow's messages with one step changed. */
function withChanged(steps: readonly Step[], name: string, change: (body: Body) => void): TransactionMessage[] {
  if (!steps.some((s) => s.name === name)) throw new Error(`no step ${name}`);
  return steps.map((s) => {
    if (s.name !== name) return s.message;
    const copy = structuredClone(s.message.body) as Body;
    change(copy);
    return { ...s.message, body: copy };
  });
}

const forward = (b: Body): Body => b['message'].order.fulfillments[0];
const rules = (findings: ConformanceFinding[]) => findings.map((f) => f.rule);

describe('conformance of what partners send us (ONDC logistics 1.2.5)', () => {
  it('given a partner answering search to delivered, and another returning the parcel, as 1.2.5 asks, when checked, then nothing is found', () => {
    expect(checkReceivedTransaction(conformantFlow().map((s) => s.message))).toEqual([]);
    expect(checkReceivedTransaction(conformantFlow('rto').map((s) => s.message))).toEqual([]);
  });

  // Each row: a rule, the callback broken, how, and the path the finding must point at.
  const breakages: Array<[string, string, (body: Body) => void, string]> = [
    ['context.required', 'on_init', (b) => delete b['context'].bpp_uri, 'context.bpp_uri'],
    ['context.domain', 'on_search', (b) => (b['context'].domain = 'nic2004:60232'), 'context.domain'],
    ['context.core-version', 'on_confirm', (b) => (b['context'].core_version = '1.2.0'), 'context.core_version'],
    ['context.timestamp', 'on_status picked-up', (b) => (b['context'].timestamp = '2026-03-02T10:21:00Z'), 'context.timestamp'],
    ['context.ttl', 'on_update', (b) => (b['context'].ttl = 'PT10S'), 'context.ttl'],
    ['context.message-id', 'on_status picked-up', (b) => (b['context'].message_id = b['context'].transaction_id), 'context.message_id'],
    ['on_search.catalog', 'on_search', (b) => delete b['message'].catalog['bpp/descriptor'], 'message.catalog.bpp/descriptor.name'],
    ['on_search.forward-and-rto', 'on_search', (b) => b['message'].catalog['bpp/providers'][0].fulfillments.pop(), 'message.catalog.bpp/providers[0].fulfillments'],
    ['on_search.fulfillment-ids', 'on_search', (b) => (b['message'].catalog['bpp/providers'][0].items[0].fulfillment_id = '9'), 'message.catalog.bpp/providers[0].items[0].fulfillment_id'],
    ['on_search.pickup-time', 'on_search', (b) => (b['message'].catalog['bpp/providers'][0].fulfillments[0].start.time.duration = '2 hours'), 'message.catalog.bpp/providers[0].fulfillments[0].start.time.duration'],
    ['on_search.item', 'on_search', (b) => (b['message'].catalog['bpp/providers'][0].items[0].descriptor.code = 'P2P2P'), 'message.catalog.bpp/providers[0].items[0].descriptor.code'],
    ['on_search.tat', 'on_search', (b) => (b['message'].catalog['bpp/providers'][0].items[0].time = { ...TAT, timestamp: '2026-03-03' }), 'message.catalog.bpp/providers[0].items[0].time.timestamp'],
    ['on_init.order', 'on_init', (b) => delete b['message'].order.provider, 'message.order.provider.id'],
    ['on_init.quote', 'on_init', (b) => (b['message'].order.quote.price.value = '59.000'), 'message.order.quote.price.value'],
    ['order.quote-adds-up', 'on_init', (b) => (b['message'].order.quote.breakup[1].price.value = '9.50'), 'message.order.quote'],
    ['order.quote-tax', 'on_init', (b) => (b['message'].order.quote.breakup[1]['@ondc/org/title_type'] = 'delivery'), 'message.order.quote.breakup'],
    ['order.quote-title-type', 'on_init', (b) => (b['message'].order.quote.breakup[0]['@ondc/org/title_type'] = 'fee'), 'message.order.quote.breakup[0].@ondc/org/title_type'],
    ['order.cancellation-terms', 'on_init', (b) => (b['message'].order.cancellation_terms[0].fulfillment_state.descriptor.code = 'Lost'), 'message.order.cancellation_terms[0].fulfillment_state.descriptor.code'],
    ['on_init.settlement-details', 'on_init', (b) => delete b['message'].order.payment['@ondc/org/settlement_details'], 'message.order.payment.@ondc/org/settlement_details'],
    ['transaction.stable-ids', 'on_init', (b) => (b['message'].order.items[0].id = 'I9'), 'message.order.items'],
    ['transaction.payment-echoed', 'on_init', (b) => (b['message'].order.payment.collected_by = 'BPP'), 'message.order.payment.collected_by'],
    ['transaction.catalog-price', 'on_init', (b) => (b['message'].order.quote = { price: { currency: 'INR', value: '69.00' }, breakup: [{ ...quote.breakup[0], price: { currency: 'INR', value: '60.00' } }, quote.breakup[1]] }), 'message.order.quote.price.value'],
    ['order.required', 'on_status picked-up', (b) => delete b['message'].order.created_at, 'message.order.created_at'],
    ['order.state', 'on_status delivered', (b) => (b['message'].order.state = 'Delivered'), 'message.order.state'],
    ['order.dates', 'on_update', (b) => (b['message'].order.updated_at = at(90)), 'message.order.updated_at'],
    ['order.items', 'on_confirm', (b) => delete b['message'].order.items[0].time.timestamp, 'message.order.items[0].time.timestamp'],
    ['order.fulfillment', 'on_status picked-up', (b) => (forward(b)['type'] = 'Forward'), 'message.order.fulfillments[0].type'],
    ['order.fulfillment-state', 'on_status picked-up', (b) => (forward(b)['state'].descriptor.code = 'Picked'), 'message.order.fulfillments[0].state.descriptor.code'],
    ['order.times', 'on_status picked-up', (b) => (forward(b)['start'].time.timestamp = '2026-03-02 10:20'), 'message.order.fulfillments[0].start.time.timestamp'],
    ['order.gps', 'on_confirm', (b) => (forward(b)['end'].location.gps = '12.97,77.64'), 'message.order.fulfillments[0].end.location.gps'],
    ['order.awb', 'on_confirm', (b) => (forward(b)['@ondc/org/awb_no'] = '12345678901'), 'message.order.fulfillments[0].@ondc/org/awb_no'],
    ['order.state-for-fulfillment', 'on_status picked-up', (b) => (b['message'].order.state = 'Accepted'), 'message.order.state'],
    ['order.state-times', 'on_status picked-up', (b) => delete forward(b)['start'].time.timestamp, 'message.order.fulfillments[0].start.time.timestamp'],
    ['order.state-times', 'on_status delivered', (b) => (forward(b)['end'].time = { range: { start: at(16), end: at(61) } }), 'message.order.fulfillments[0].end.time.timestamp'],
    ['order.state-times', 'on_update', (b) => (forward(b)['start'].time.timestamp = at(2)), 'message.order.fulfillments[0].start.time.timestamp'],
    ['on_confirm.tracking', 'on_confirm', (b) => (forward(b)['tracking'] = false), 'message.order.fulfillments[0].tracking'],
    ['on_confirm.pickup-slot', 'on_confirm', (b) => delete forward(b)['start'].time.range, 'message.order.fulfillments[0].start.time.range.start'],
    ['on_update.rts-slots', 'on_update', (b) => delete forward(b)['end'].time.range, 'message.order.fulfillments[0].end.time.range.start'],
    // A P2H2P (LOG11) answer to ready to ship without the label: the domain is the switch.
    ['on_update.shipping-label', 'on_update', (b) => (b['context'].domain = 'ONDC:LOG11'), 'message.order.fulfillments[0].start.instructions.images'],
    ['on_track.tracking', 'on_track', (b) => (b['message'].tracking.status = 'live'), 'message.tracking.status'],
    ['on_track.location', 'on_track', (b) => (b['message'].tracking.location.gps = '12.95,77.63'), 'message.tracking.location.gps'],
    ['transaction.context', 'on_status picked-up', (b) => (b['context'].city = 'std:011'), 'context.city'],
    ['transaction.context', 'on_confirm', (b) => (b['context'].bpp_uri = 'https://elsewhere.example/ondc'), 'context.bpp_uri'],
    ['transaction.message-id', 'on_confirm', (b) => (b['context'].message_id = 'M-unasked'), 'context.message_id'],
    ['transaction.stable-ids', 'on_status delivered', (b) => (b['message'].order.id = 'NETORDER2'), 'message.order.id'],
    ['transaction.stable-ids', 'on_update', (b) => (forward(b)['id'] = '2'), 'message.order.fulfillments[0].id'],
    ['transaction.stable-ids', 'on_track', (b) => (b['message'].tracking.id = '2'), 'message.tracking.id'],
    ['transaction.quote-echoed', 'on_confirm', (b) => (b['message'].order.quote = { price: { currency: 'INR', value: '69.00' }, breakup: [{ ...quote.breakup[0], price: { currency: 'INR', value: '60.00' } }, quote.breakup[1]] }), 'message.order.quote.price'],
    ['transaction.stable-pickup-time', 'on_status delivered', (b) => (forward(b)['start'].time.timestamp = at(25)), 'message.order.fulfillments[0].start.time.timestamp'],
  ];

  it.each(breakages)('given a %s breach in %s, when checked, then the finding names the rule and the field', (rule, name, change, path) => {
    const findings = checkReceivedTransaction(withChanged(conformantFlow(), name, change));
    expect(findings).toContainEqual(expect.objectContaining({ rule, path }));
  });

  const rtoBreakages: Array<[string, string, (body: Body) => void, string]> = [
    ['order.rto-state', 'on_cancel rto', (b) => (forward(b)['state'].descriptor.code = 'Out-for-delivery'), 'message.order.fulfillments[0].state.descriptor.code'],
    ['order.rto-state', 'on_status rto-delivered', (b) => (b['message'].order.state = 'Completed'), 'message.order.state'],
    ['order.rto-item', 'on_cancel rto', (b) => b['message'].order.items.pop(), 'message.order.items'],
    ['order.rto-quote', 'on_cancel rto', (b) => (b['message'].order.quote = { price: { currency: 'INR', value: '59.00' }, breakup: quote.breakup }), 'message.order.quote.breakup'],
    ['order.rto-times', 'on_status rto-delivered', (b) => delete b['message'].order.fulfillments[1].end, 'message.order.fulfillments[1].end.time.timestamp'],
    ['order.rto-times', 'on_cancel rto', (b) => delete b['message'].order.fulfillments[1].start, 'message.order.fulfillments[1].start.time.timestamp'],
    ['order.cancellation', 'on_cancel rto', (b) => delete b['message'].order.cancellation, 'message.order.cancellation.cancelled_by'],
    ['order.cancellation-reason', 'on_cancel rto', (b) => (b['message'].order.cancellation.reason.id = '007'), 'message.order.cancellation.reason.id'],
    ['on_cancel.state', 'on_cancel rto', (b) => (b['message'].order.state = 'In-progress'), 'message.order.state'],
    ['on_cancel.precancel-state', 'on_cancel rto', (b) => (forward(b)['tags'] = forward(b)['tags'].filter((t: { code: string }) => t.code !== 'precancel_state')), 'message.order.fulfillments[0].tags'],
    ['on_cancel.rto-event', 'on_cancel rto', (b) => (forward(b)['tags'] = forward(b)['tags'].filter((t: { code: string }) => t.code !== 'rto_event')), 'message.order.fulfillments[0].tags'],
    ['on_cancel.rto-event', 'on_cancel rto', (b) => (forward(b)['tags'][1].list[1].value = '9-RTO'), 'message.order.fulfillments[0].tags'],
  ];

  it.each(rtoBreakages)('given a %s breach in %s of a return to origin, when checked, then the finding names the rule and the field', (rule, name, change, path) => {
    const findings = checkReceivedTransaction(withChanged(conformantFlow('rto'), name, change));
    expect(findings).toContainEqual(expect.objectContaining({ rule, path }));
  });

  it('given an Immediate Delivery /init, when the on_init has no inline rider check, then the rider_check finding names the fulfillments', () => {
    const steps = conformantFlow();
    const messages = withChanged(steps, 'init', (b) => (b['message'].order.items[0].category_id = 'Immediate Delivery'));
    expect(checkReceivedTransaction(messages)).toContainEqual(expect.objectContaining({ rule: 'on_init.rider-check', path: 'message.order.fulfillments', action: 'on_init' }));
  });

  it('given two partners confirmed in one transaction (one told to cancel), when each reports its own pickup time, then neither is held to the other\'s', () => {
    const messages = withChanged(conformantFlow(), 'on_status picked-up', (b) => {
      b['context'].bpp_id = 'other.lsp.example';
      forward(b)['start'].time.timestamp = at(19);
    });
    const delivered = messages.at(-1);
    expect(checkReceivedMessage(delivered?.body, messages.slice(0, -1))).toEqual([]);
  });

  describe('a cash-on-delivery order delivered', () => {
    const delivered = (): Body => {
      const body = structuredClone(conformantFlow().find((s) => s.name === 'on_status delivered')?.message.body) as Body;
      body['message'].order.payment = { type: 'ON-FULFILLMENT', collected_by: 'BPP', '@ondc/org/collection_amount': '4250.00', status: 'PAID', time: { timestamp: at(50) } };
      return body;
    };
    const collected = (value: string) => ({
      code: 'cod_collection_detail',
      list: [
        { code: 'currency', value: 'INR' },
        { code: 'value', value },
        { code: 'transaction_id', value: 'COD1' },
        { code: 'timestamp', value: at(50) },
      ],
    });

    it('given the amount collected in cod_collection_detail, when checked, then nothing is found', () => {
      const body = delivered();
      forward(body)['tags'] = [...(forward(body)['tags'] ?? []), collected('4250.00')];
      expect(checkReceivedMessage(body)).toEqual([]);
    });

    it.each<[string, (body: Body) => void]>([
      ['without cod_collection_detail', () => undefined],
      ['with a value of three decimals', (b) => (forward(b)['tags'] = [...(forward(b)['tags'] ?? []), collected('4250.005')])],
      ['without the value', (b) => (forward(b)['tags'] = [...(forward(b)['tags'] ?? []), { ...collected('1.00'), list: collected('1.00').list.filter((i) => i.code !== 'value') }])],
    ])('given it %s, when checked, then order.cod-collection names the tags', (_how, change) => {
      const body = delivered();
      change(body);
      expect(checkReceivedMessage(body)).toContainEqual(expect.objectContaining({ rule: 'order.cod-collection', path: 'message.order.fulfillments[0].tags' }));
    });

    it('given an on_status without its payment status, when checked, then on_status.payment-status names it', () => {
      const body = delivered();
      forward(body)['tags'] = [...(forward(body)['tags'] ?? []), collected('4250.00')];
      delete body['message'].order.payment.status;
      expect(checkReceivedMessage(body).map((x) => x.rule)).toContain('on_status.payment-status');
    });

    it.each<[string, (body: Body) => void, string]>([
      ['not PAID', (b) => (b['message'].order.payment.status = 'NOT-PAID'), 'message.order.payment.status'],
      ['without the time it was paid', (b) => delete b['message'].order.payment.time, 'message.order.payment.time.timestamp'],
    ])('given the completed order %s, when checked, then order.cod-paid names the payment', (_how, change, path) => {
      const body = delivered();
      forward(body)['tags'] = [...(forward(body)['tags'] ?? []), collected('4250.00')];
      change(body);
      expect(checkReceivedMessage(body).filter((x) => x.rule === 'order.cod-paid').map((x) => x.path)).toEqual([path]);
    });
  });

  it('given a callback checked alone, when it is conformant, then only its own rules apply and nothing is found', () => {
    const onConfirm = conformantFlow().find((s) => s.name === 'on_confirm')?.message.body;
    expect(checkReceivedMessage(onConfirm)).toEqual([]);
  });

  it('given a request action posted as a callback, when checked, then the action is the finding', () => {
    const confirm = conformantFlow().find((s) => s.name === 'confirm')?.message.body;
    expect(rules(checkReceivedMessage(confirm))).toContain('context.action');
  });

  describe('a weight differential (LOG11 flow 021) and a surge fee', () => {
    /** The partner weighed the parcel after pickup: its quote with the diff lines, its fulfillment with what it measured and the proof. */
    const weighed = (b: Body): void => {
      const order = b['message'].order;
      order.quote = {
        price: { currency: 'INR', value: '106.20' },
        breakup: [...order.quote.breakup, { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'diff', price: { currency: 'INR', value: '40.00' } }, { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'tax_diff', price: { currency: 'INR', value: '7.20' } }],
      };
      forward(b)['tags'] = [
        { code: 'linked_order_diff', list: ['id:O1', 'weight_unit:kilogram', 'weight_value:2.6', 'dim_unit:centimeter', 'length:30', 'breadth:25', 'height:5'].map((kv) => ({ code: kv.split(':')[0], value: kv.split(':')[1] })) },
        { code: 'linked_order_diff_proof', list: [{ code: 'id', value: 'O1' }, { code: 'type', value: 'image' }, { code: 'url', value: 'https://lsp.example/weighing/1.jpg' }] },
      ];
    };
    const weighedFlow = (also: (b: Body) => void = () => undefined) =>
      withChanged(conformantFlow(), 'on_status picked-up', (b) => {
        weighed(b);
        also(b);
      });

    it('given the differential as 1.2.5 has it, after pickup, when checked, then nothing is found', () => {
      expect(checkReceivedTransaction(weighedFlow())).toEqual([]);
    });

    const differentialBreakages: Array<[string, (b: Body) => void, string]> = [
      ['order.weight-differential', (b) => b['message'].order.quote.breakup.pop(), 'message.order.quote.breakup'],
      ['order.weight-differential', (b) => (forward(b)['state'].descriptor.code = 'Agent-assigned'), 'message.order.fulfillments[0].state.descriptor.code'],
      ['order.weight-differential-tags', (b) => forward(b)['tags'].pop(), 'message.order.fulfillments[0].tags'],
      ['order.weight-differential-tags', (b) => (forward(b)['tags'][0].list = forward(b)['tags'][0].list.filter((i: { code: string }) => i.code !== 'height')), 'message.order.fulfillments[0].tags'],
    ];
    it.each(differentialBreakages)('given a %s breach, when checked, then the finding names the rule and the field', (rule, change, path) => {
      expect(checkReceivedTransaction(weighedFlow(change))).toContainEqual(expect.objectContaining({ rule, path }));
    });

    it('given diff lines in the confirmation itself, when checked, then they are a finding', () => {
      const messages = withChanged(conformantFlow(), 'on_confirm', (b) => weighed(b));
      expect(checkReceivedTransaction(messages)).toContainEqual(expect.objectContaining({ rule: 'order.weight-differential', path: 'context.action', action: 'on_confirm' }));
    });

    it('given a surge item taken in /init, when the on_init prices the surge unlike the catalog or leaves its tax out, then each is a finding', () => {
      const surgeItem = { id: 'S1', category_id: 'Same Day Delivery', fulfillment_id: '1', descriptor: { code: 'P2P', name: 'Surge' }, price: { currency: 'INR', value: '15.00' }, time: TAT, tags: [{ code: 'type', list: [{ code: 'type', value: 'surge' }] }] };
      const withSurge = (onInit: (b: Body) => void) => {
        let messages = withChanged(conformantFlow(), 'on_search', (b) => b['message'].catalog['bpp/providers'][0].items.push(surgeItem));
        const steps = conformantFlow().map((step, i) => ({ ...step, message: messages[i]! }));
        messages = withChanged(steps, 'init', (b) => b['message'].order.items.push({ id: 'S1', fulfillment_id: '1' }));
        const again = steps.map((step, i) => ({ ...step, message: messages[i]! }));
        return withChanged(again, 'on_init', (b) => {
          b['message'].order.items.push({ id: 'S1', fulfillment_id: '1' });
          b['message'].order.quote = {
            price: { currency: 'INR', value: '76.70' },
            breakup: [...quote.breakup, { '@ondc/org/item_id': 'S1', '@ondc/org/title_type': 'surge', price: { currency: 'INR', value: '15.00' } }, { '@ondc/org/item_id': 'S1', '@ondc/org/title_type': 'tax', price: { currency: 'INR', value: '2.70' } }],
          };
          onInit(b);
        });
      };
      const onInitFindings = (messages: TransactionMessage[]) => checkReceivedTransaction(messages).filter((f) => f.action === 'on_init');
      expect(onInitFindings(withSurge(() => undefined))).toEqual([]);
      const dearer = withSurge((b) => {
        b['message'].order.quote.breakup[2].price.value = '20.00';
        b['message'].order.quote.price.value = '81.70';
      });
      expect(onInitFindings(dearer)).toContainEqual(expect.objectContaining({ rule: 'order.surge', path: 'message.order.quote.breakup' }));
      const untaxed = withSurge((b) => {
        b['message'].order.quote.breakup.pop();
        b['message'].order.quote.price.value = '74.00';
      });
      expect(onInitFindings(untaxed)).toContainEqual(expect.objectContaining({ rule: 'order.surge', message: 'the surge needs its tax line for item S1' }));
    });
  });
});
