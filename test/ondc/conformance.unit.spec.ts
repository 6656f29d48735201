import { ContextBuilder, buildCancel, buildConfirm, buildInit, buildReadyToShipUpdate, buildSearch, buildStatus, buildTrack, checkSentMessage, checkTransaction } from '@fulfil/ondc';
import type { BuyerBilling, CatalogOffer, ConformanceFinding, OndcMessage, Quote, ShipmentDescription, TransactionMessage } from '@fulfil/ondc';
import { BUYER_BILLING, hyperlocalShipment, intercityShipment, sampleOffer } from './support/shipments';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0, 123);
const contexts = new ContextBuilder({ bapId: 'buyer.fulfilment-engine.example', bapUri: 'https://buyer.fulfilment-engine.example/ondc', nowMs: () => NOW });
const bpp = { id: 'lsp.example', uri: 'https://lsp.example/ondc' };
const BILLING: BuyerBilling = { ...BUYER_BILLING, settlement: { type: 'upi', beneficiaryName: 'Fulfilment Engine', upiAddress: 'engine@upi' } };
const quote: Quote = {
  price: { currency: 'INR', value: '59.00' },
  breakup: [
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'delivery', price: { currency: 'INR', value: '50.00' } },
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'tax', price: { currency: 'INR', value: '9.00' } },
  ],
  ttl: 'PT15M',
};
const PARTNER_TERMS = { code: 'bpp_terms', list: [{ code: 'max_liability', value: '2' }] };
const PARTNER_ACCOUNT = { settlement_counterparty: 'lsp', settlement_type: 'upi', beneficiary_name: 'LSP Courier', upi_address: 'lsp@upi' } as const;

/** The partner's side, as much of it as the cross-message rules read. */
function onSearchOf(domain: string, search: OndcMessage<'search'>): unknown {
  return {
    context: { ...search.context, action: 'on_search', bpp_id: bpp.id, bpp_uri: bpp.uri, domain },
    message: {
      catalog: {
        'bpp/providers': [
          {
            id: 'P1',
            items: [{ id: 'I1', fulfillment_id: '1', category_id: 'Same Day Delivery', time: { label: 'TAT', duration: 'PT45M', timestamp: '2026-03-02' } }],
            fulfillments: [{ id: '1', type: 'Delivery', start: { time: { duration: 'PT15M' } } }],
          },
        ],
      },
    },
  };
}

const onInitOf = (init: OndcMessage<'init'>): OndcMessage<'on_init'> => ({
  context: { ...init.context, action: 'on_init' },
  message: { order: { quote, payment: { ...init.message.order.payment, '@ondc/org/settlement_details': [PARTNER_ACCOUNT] }, tags: [PARTNER_TERMS] } },
});

interface Flow {
  shipment: ShipmentDescription;
  offer: CatalogOffer;
  messages: TransactionMessage[];
}

/** A whole transaction as the adapter conducts it: search to cancel, each request built from what came before. */
function conformantFlow(shipment: ShipmentDescription = hyperlocalShipment({ pickupCode: '482193' }), domain: 'ONDC:LOG10' | 'ONDC:LOG11' = 'ONDC:LOG10'): Flow {
  const offer = sampleOffer({ domain, pickupDuration: 'PT15M' });
  const partner = <A extends 'init' | 'confirm' | 'update' | 'cancel' | 'status' | 'track'>(action: A) => contexts.build(action, { domain, city: 'std:080', transactionId: 'T1', bpp } as never);
  const search = buildSearch(contexts.build('search', { domain, city: 'std:080', transactionId: 'T1' }), shipment);
  const init = buildInit(partner('init'), shipment, offer, BILLING);
  const onInit = onInitOf(init);
  const confirm = buildConfirm(partner('confirm'), { shipment, offer, quote, buyer: BILLING, networkOrderId: 'NETORDER1', onInit });
  const update = buildReadyToShipUpdate(partner('update'), { shipment: { ...shipment, readyToShip: true }, offer, networkOrderId: 'NETORDER1', buyer: BILLING });
  const sent = (body: unknown): TransactionMessage => ({ direction: 'sent', body });
  return {
    shipment,
    offer,
    messages: [
      sent(search),
      { direction: 'received', body: onSearchOf(domain, search) },
      sent(init),
      { direction: 'received', body: onInit },
      sent(confirm),
      sent(update),
      sent(buildStatus(partner('status'), 'NETORDER1')),
      sent(buildTrack(partner('track'), 'NETORDER1')),
      sent(buildCancel(partner('cancel'), 'NETORDER1', '007')),
    ],
  };
}

// A breakage reaches any field of the JSON as sent: typing each path would restate the very types it breaks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/** The flow with one message changed. */
function withChanged(flow: Flow, action: string, change: (body: Body) => void): TransactionMessage[] {
  return flow.messages.map((m) => {
    const body = m.body as { context: { action: string } };
    if (body.context.action !== action) return m;
    const copy = structuredClone(body) as Body;
    change(copy);
    return { ...m, body: copy };
  });
}

const rules = (findings: ConformanceFinding[]) => findings.map((f) => f.rule);

describe('conformance of what we send (ONDC logistics 1.2.5)', () => {
  it('given the transactions the builders make, prepaid P2P and COD P2H2P, when checked, then nothing is found', () => {
    expect(checkTransaction(conformantFlow().messages)).toEqual([]);
    const cod = conformantFlow(intercityShipment({ pickupCode: '482193', cod: { amountPaise: 120_050 } }), 'ONDC:LOG11');
    expect(checkTransaction(cod.messages)).toEqual([]);
  });

  // Each row: a rule, the message broken, how, and the path the finding must point at.
  const breakages: Array<[string, string, (body: Body) => void, string]> = [
    ['context.core-version', 'init', (b) => (b['context'].core_version = '1.2.0'), 'context.core_version'],
    ['context.ttl', 'confirm', (b) => delete b['context'].ttl, 'context.ttl'],
    ['search.provider-time', 'search', (b) => delete b['message'].intent.provider, 'message.intent.provider.time.days'],
    ['search.holidays', 'search', (b) => (b['message'].intent.provider.time.schedule.holidays = ['2020-01-26']), 'message.intent.provider.time.schedule.holidays[0]'],
    ['search.start-location-id', 'search', (b) => delete b['message'].intent.fulfillment.start.location.id, 'message.intent.fulfillment.start.location.id'],
    ['search.fulfillment-tags', 'search', (b) => delete b['message'].intent.fulfillment.tags, 'message.intent.fulfillment.tags'],
    ['search.lbnp-features', 'search', (b) => delete b['message'].intent.tags, 'message.intent.tags'],
    ['search.gps', 'search', (b) => (b['message'].intent.fulfillment.end.location.gps = '12.97,77.64'), 'message.intent.fulfillment.end.location.gps'],
    ['search.dangerous-goods', 'search', (b) => delete b['message'].intent['@ondc/org/payload_details'].dangerous_goods, 'message.intent.@ondc/org/payload_details.dangerous_goods'],
    ['order.stop-address', 'init', (b) => delete b['message'].order.fulfillments[0].start.location.address.building, 'message.order.fulfillments[0].start.location.address.building'],
    ['order.stop-contact', 'init', (b) => delete b['message'].order.fulfillments[0].end.contact.email, 'message.order.fulfillments[0].end.contact.email'],
    ['order.stop-contact', 'init', (b) => (b['message'].order.fulfillments[0].start.contact.phone = '+919876543210'), 'message.order.fulfillments[0].start.contact.phone'],
    ['order.settlement-basis', 'init', (b) => delete b['message'].order.payment['@ondc/org/settlement_basis'], 'message.order.payment.@ondc/org/settlement_basis'],
    ['order.settlement-window', 'confirm', (b) => delete b['message'].order.payment['@ondc/org/settlement_window'], 'message.order.payment.@ondc/org/settlement_window'],
    ['order.settlement-details', 'confirm', (b) => delete b['message'].order.payment['@ondc/org/settlement_details'], 'message.order.payment.@ondc/org/settlement_details'],
    ['order.bap-terms', 'init', (b) => delete b['message'].order.tags, 'message.order.tags'],
    ['order.billing', 'init', (b) => delete b['message'].order.billing.address.building, 'message.order.billing.address.building'],
    ['confirm.quote-shape', 'confirm', (b) => (b['message'].order.quote.ttl = 'PT15M'), 'message.order.quote'],
    ['confirm.quote-adds-up', 'confirm', (b) => (b['message'].order.quote.price.value = '60.00'), 'message.order.quote'],
    ['confirm.bpp-terms', 'confirm', (b) => (b['message'].order.tags = b['message'].order.tags.filter((t: { code: string }) => t.code !== 'bpp_terms')), 'message.order.tags'],
    ['confirm.order-id', 'confirm', (b) => (b['message'].order.id = 'an order id that is far too long for 1.2.5 rules'), 'message.order.id'],
    ['confirm.item-time', 'confirm', (b) => delete b['message'].order.items[0].time.timestamp, 'message.order.items[0].time.timestamp'],
    ['confirm.pickup-time', 'confirm', (b) => delete b['message'].order.fulfillments[0].start.time, 'message.order.fulfillments[0].start.time.duration'],
    ['order.pickup-code', 'confirm', (b) => (b['message'].order.fulfillments[0].start.instructions.short_desc = 'PKP48213'), 'message.order.fulfillments[0].start.instructions'],
    ['order.fulfillment-tags', 'confirm', (b) => (b['message'].order.fulfillments[0].tags = b['message'].order.fulfillments[0].tags.filter((t: { code: string }) => t.code !== 'rto_action')), 'message.order.fulfillments[0].tags'],
    ['order.linked-order-weight', 'confirm', (b) => (b['message'].order['@ondc/org/linked_order'].items[0].quantity.count = 5), 'message.order.@ondc/org/linked_order.order.weight'],
    ['update.fulfillment', 'update', (b) => delete b['message'].order.fulfillments[0].end, 'message.order.fulfillments[0].end'],
    ['update.fulfillment-tags', 'update', (b) => (b['message'].order.fulfillments[0].tags = [b['message'].order.fulfillments[0].tags[0]]), 'message.order.fulfillments[0].tags'],
    ['cancel.lbnp-reason', 'cancel', (b) => (b['message'].cancellation_reason_id = '005'), 'message.cancellation_reason_id'],
    ['order-id', 'track', (b) => (b['message'].callback_url = 'https://buyer.example/track'), 'message'],
    ['transaction.context', 'confirm', (b) => (b['context'].transaction_id = 'T2'), 'context.transaction_id'],
    ['transaction.stops', 'init', (b) => (b['message'].order.fulfillments[0].end.location.gps = '12.978401,77.640800'), 'message.order.fulfillments[0].end.location.gps'],
    ['transaction.catalog-ids', 'init', (b) => (b['message'].order.items[0].id = 'I9'), 'message.order.items[0].id'],
    ['transaction.catalog-pickup-time', 'confirm', (b) => (b['message'].order.fulfillments[0].start.time.duration = 'PT0H15M'), 'message.order.fulfillments[0].start.time.duration'],
    ['transaction.catalog-tat', 'confirm', (b) => (b['message'].order.items[0].time.duration = 'PT60M'), 'message.order.items[0].time'],
    ['transaction.stable-billing', 'confirm', (b) => (b['message'].order.billing.updated_at = '2026-03-02T10:00:00.000Z'), 'message.order.billing'],
    ['transaction.quote-echoed', 'confirm', (b) => (b['message'].order.quote.breakup[0]['@ondc/org/item_id'] = 'I2'), 'message.order.quote'],
    ['transaction.bpp-terms-echoed', 'confirm', (b) => (b['message'].order.tags[1].list[0].value = '1'), 'message.order.tags'],
    ['transaction.settlement-echoed', 'confirm', (b) => (b['message'].order.payment['@ondc/org/settlement_details'][0].upi_address = 'other@upi'), 'message.order.payment.@ondc/org/settlement_details'],
    ['transaction.stable-weight', 'confirm', (b) => (b['message'].order['@ondc/org/linked_order'].order.weight.value = 2), 'message.order.@ondc/org/linked_order.order.weight'],
    ['transaction.stable-ids', 'update', (b) => (b['message'].order.id = 'NETORDER2'), 'message.order.id'],
    ['transaction.stable-ids', 'cancel', (b) => (b['message'].order_id = 'NETORDER2'), 'message.order_id'],
    ['transaction.stable-pickup-code', 'update', (b) => (b['message'].order.fulfillments[0].start.instructions.short_desc = '111111'), 'message.order.fulfillments[0].start.instructions'],
  ];

  it.each(breakages)('given a %s breach in /%s, when checked, then the finding names the rule and the field', (rule, action, change, path) => {
    const findings = checkTransaction(withChanged(conformantFlow(), action, change));
    expect(findings).toContainEqual(expect.objectContaining({ rule, path, action }));
  });

  it('given a COD confirm without our settlement account, when checked, then the cod_settlement_detail tag and settlement details are missing', () => {
    const flow = conformantFlow(hyperlocalShipment({ pickupCode: '482193', cod: { amountPaise: 50_000 } }));
    const findings = checkTransaction(
      withChanged(flow, 'confirm', (b) => {
        b['message'].order.fulfillments[0].tags = b['message'].order.fulfillments[0].tags.filter((t: { code: string }) => t.code !== 'cod_settlement_detail');
        delete b['message'].order.payment['@ondc/org/settlement_details'];
      }),
    );
    expect(rules(findings)).toEqual(expect.arrayContaining(['confirm.cod-settlement', 'order.settlement-details']));
  });

  it('given a confirm to a partner that gave no terms, when it repeats terms anyway, then they are terms the partner never gave', () => {
    const flow = conformantFlow();
    const messages = flow.messages.map((m) => {
      const body = m.body as OndcMessage<'on_init'>;
      return body.context.action === 'on_init' ? { ...m, body: { ...body, message: { order: { ...body.message.order, tags: [] } } } } : m;
    });
    expect(checkTransaction(messages)).toContainEqual(expect.objectContaining({ rule: 'transaction.bpp-terms-echoed', message: 'bpp_terms accepted that the partner never gave' }));
  });

  it('given a request a logistics buyer does not send, when checked alone, then the action is the finding', () => {
    expect(rules(checkSentMessage({ context: { action: 'select', domain: 'ONDC:LOG10', core_version: '1.2.5', ttl: 'PT30S' } }))).toContain('context.action');
  });
});
