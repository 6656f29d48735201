import {
  ContextBuilder,
  OndcMessage,
  RequestAction,
  buildCancel,
  buildConfirm,
  buildInit,
  buildReadyToShipUpdate,
  buildSearch,
  buildStatus,
  buildTrack,
  newNetworkOrderId,
  validateOndcMessage,
} from '@fulfil/ondc';
import type { ContextInput, Quote, ShipmentDescription } from '@fulfil/ondc';
import { BUYER_BILLING, hyperlocalShipment, intercityShipment, sampleOffer } from './support/shipments';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0, 123);
let sequence = 0;
const contexts = new ContextBuilder({
  bapId: 'buyer.fulfilment-engine.example',
  bapUri: 'https://buyer.fulfilment-engine.example/ondc',
  nowMs: () => NOW,
  newId: () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
});
const bpp = { id: 'lsp.example', uri: 'https://lsp.example/ondc' };
const quote: Quote = {
  price: { currency: 'INR', value: '59.00' },
  breakup: [
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'delivery', price: { currency: 'INR', value: '50.00' } },
    { '@ondc/org/item_id': 'I1', '@ondc/org/title_type': 'tax', price: { currency: 'INR', value: '9.00' } },
  ],
};
const offer = sampleOffer();
const networkOrderId = newNetworkOrderId();

const search = (shipment: ShipmentDescription, domain: 'ONDC:LOG10' | 'ONDC:LOG11' = 'ONDC:LOG10') =>
  buildSearch(contexts.build('search', { domain, city: 'std:080', transactionId: 'T1' }), shipment);
const init = (shipment: ShipmentDescription) => buildInit(contexts.build('init', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp }), shipment, offer, BUYER_BILLING);
const confirm = (shipment: ShipmentDescription, domain: 'ONDC:LOG10' | 'ONDC:LOG11' = 'ONDC:LOG10') =>
  buildConfirm(contexts.build('confirm', { domain, city: 'std:080', transactionId: 'T1', bpp }), { shipment, offer, quote, buyer: BUYER_BILLING, networkOrderId });
const orderContext = <A extends Exclude<RequestAction, 'search'>>(action: A) => contexts.build<A>(action, { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp } as ContextInput<A>);

/** What every builder produces, for every payment and readiness we send. */
const everyRequest: Array<[string, OndcMessage<RequestAction>]> = [
  ['search, prepaid, hyperlocal', search(hyperlocalShipment())],
  ['search, cash on delivery, intercity', search(intercityShipment({ cod: { amountPaise: 450_000 } }), 'ONDC:LOG11')],
  ['search with preparation time', search(hyperlocalShipment({ preparationMinutes: 20 }))],
  ['init, prepaid', init(hyperlocalShipment())],
  ['init, cash on delivery', init(hyperlocalShipment({ cod: { amountPaise: 120_050 } }))],
  ['confirm, ready to ship', confirm(hyperlocalShipment())],
  ['confirm, not yet ready to ship', confirm(hyperlocalShipment({ readyToShip: false }))],
  ['confirm, intercity with order lines', confirm(intercityShipment({ items: [{ name: 'Mysore silk saree', quantity: 1, pricePaise: 400_000 }, { name: 'Cotton stole', quantity: 2, pricePaise: 25_000 }] }), 'ONDC:LOG11')],
  ['update, ready to ship', buildReadyToShipUpdate(orderContext('update'), { shipment: hyperlocalShipment(), offer, networkOrderId, buyer: BUYER_BILLING })],
  ['status', buildStatus(orderContext('status'), networkOrderId)],
  ['track', buildTrack(orderContext('track'), networkOrderId)],
  ['cancel, the seller cancelled', buildCancel(orderContext('cancel'), networkOrderId, '007')],
];

describe('outgoing messages', () => {
  it.each(everyRequest)('%s passes its schema in contracts/ondc', (_name, message) => {
    expect(validateOndcMessage(message.context.action, message)).toEqual({ valid: true, errors: [] });
  });

  it('contexts are 1.2.5, IND, PT30S, with an RFC 3339 millisecond timestamp and a fresh UUID message id', () => {
    const { context } = search(hyperlocalShipment());
    expect(context).toEqual({
      domain: 'ONDC:LOG10',
      country: 'IND',
      city: 'std:080',
      action: 'search',
      core_version: '1.2.5',
      bap_id: 'buyer.fulfilment-engine.example',
      bap_uri: 'https://buyer.fulfilment-engine.example/ondc',
      transaction_id: 'T1',
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: '2026-03-02T10:00:00.123Z',
      ttl: 'PT30S',
    });
    expect(search(hyperlocalShipment()).context.message_id).not.toBe(context.message_id);
  });

  it('search carries the intent: category, pickup hours, gps with six decimals, PIN codes, the store, the retail order, COD amount, parcel in kg and cm, value', () => {
    const { intent } = search(hyperlocalShipment({ cod: { amountPaise: 120_050 } })).message;
    expect(intent).toEqual({
      category: { id: 'Standard Delivery' },
      provider: { time: { days: '1,2,3,4,5,6,7', schedule: { holidays: [] }, duration: 'PT30M', range: { start: '0900', end: '2100' } } },
      fulfillment: {
        type: 'Delivery',
        start: { location: { id: 'seller-kaveri', gps: '12.935200,77.624500', address: { area_code: '560034' } } },
        end: { location: { gps: '12.978400,77.640800', address: { area_code: '560038' } } },
        tags: [
          { code: 'linked_provider', list: [{ code: 'id', value: 'seller-kaveri' }, { code: 'name', value: 'Kaveri Handlooms' }] },
          {
            code: 'linked_order',
            list: [
              { code: 'cod_order', value: 'yes' },
              { code: 'collection_amount', value: '1200.50' },
              { code: 'currency', value: 'INR' },
              { code: 'declared_value', value: '4500.00' },
              { code: 'category', value: 'Fashion' },
              { code: 'weight_unit', value: 'kilogram' },
              { code: 'weight_value', value: '1.2' },
              { code: 'dim_unit', value: 'centimeter' },
              { code: 'length', value: '30' },
              { code: 'breadth', value: '20' },
              { code: 'height', value: '8' },
            ],
          },
        ],
      },
      payment: { type: 'ON-FULFILLMENT', '@ondc/org/collection_amount': '1200.50' },
      '@ondc/org/payload_details': {
        weight: { unit: 'kilogram', value: 1.2 },
        dimensions: { length: { unit: 'centimeter', value: 30 }, breadth: { unit: 'centimeter', value: 20 }, height: { unit: 'centimeter', value: 8 } },
        category: 'Fashion',
        value: { currency: 'INR', value: '4500.00' },
        dangerous_goods: false,
      },
      tags: [{ code: 'lbnp_features', list: [{ code: '008', value: 'yes' }, { code: '00D', value: 'yes' }, { code: '00E', value: 'yes' }] }],
    });
  });

  it('search leaves out the seller\'s holidays already past', () => {
    const hours = { days: [1, 2, 3, 4, 5, 6], open: '1000', close: '1900', holidays: ['2000-01-26', '2999-08-15'] };
    expect(search(hyperlocalShipment({ pickupHours: hours })).message.intent.provider?.time).toMatchObject({ days: '1,2,3,4,5,6', schedule: { holidays: ['2999-08-15'] }, range: { start: '1000', end: '1900' } });
  });

  it('confirm carries our order id, the on_init quote, the ready-to-ship tag and the pickup code', () => {
    const { order } = confirm(hyperlocalShipment()).message;
    expect(order.id).toBe(networkOrderId);
    expect(order.id).toMatch(/^[A-Za-z0-9]{1,32}$/);
    expect(order.quote).toEqual(quote);
    const [fulfillment] = order.fulfillments;
    expect(fulfillment?.tags).toContainEqual({ code: 'state', list: [{ code: 'ready_to_ship', value: 'yes' }] });
    expect(fulfillment?.start?.instructions).toEqual({ code: '3', short_desc: 'PKP4821' });
    expect(fulfillment?.start?.time).toEqual({ duration: 'PT15M' });
    expect(order.items).toEqual([{ id: 'I1', fulfillment_id: '1', category_id: 'Same Day Delivery', descriptor: { code: 'P2P' }, time: { label: 'TAT', duration: 'PT45M', timestamp: '2026-03-02' } }]);
    expect(order.payment).toEqual({ type: 'ON-ORDER', collected_by: 'BAP', '@ondc/org/settlement_basis': 'invoicing', '@ondc/org/settlement_window': 'P1D' });
    expect(order['@ondc/org/linked_order'].order).toEqual({
      id: expect.any(String),
      weight: { unit: 'kilogram', value: 1.2 },
      dimensions: { length: { unit: 'centimeter', value: 30 }, breadth: { unit: 'centimeter', value: 20 }, height: { unit: 'centimeter', value: 8 } },
    });
  });

  it('confirm before ready to ship says "no" and holds the pickup code back for the update', () => {
    const [fulfillment] = confirm(hyperlocalShipment({ readyToShip: false })).message.order.fulfillments;
    expect(fulfillment?.tags).toContainEqual({ code: 'state', list: [{ code: 'ready_to_ship', value: 'no' }] });
    expect(fulfillment?.start?.instructions).toBeUndefined();
  });

  it('billing is the same in init and confirm', () => {
    expect(confirm(hyperlocalShipment()).message.order.billing).toEqual(init(hyperlocalShipment()).message.order.billing);
  });

  it('addresses split into a name, a building and a different locality, within the contract’s length', () => {
    const { address } = init(hyperlocalShipment()).message.order.fulfillments[0]?.start?.location ?? {};
    expect(address).toEqual({ name: 'No. 12', building: '3rd Cross', locality: 'Koramangala 4th Block', city: 'Bengaluru', state: 'Karnataka', country: 'India', area_code: '560034' });
    const long = init(hyperlocalShipment({ pickup: { ...hyperlocalShipment().pickup, line1: 'x'.repeat(300), line2: undefined } })).message.order.fulfillments[0]?.start?.location?.address;
    expect((long?.name ?? '').length + (long?.building ?? '').length + (long?.locality ?? '').length).toBeLessThan(190);
    expect(long?.locality).toBe('Bengaluru');
  });
});

describe('the schemas refuse what the contract forbids', () => {
  const problems = (message: unknown, action: RequestAction) => validateOndcMessage(action, message).errors.map((e) => e.path);

  it('a confirm ready to ship without its pickup code', () => {
    const message = structuredClone(confirm(hyperlocalShipment()));
    delete message.message.order.fulfillments[0]!.start!.instructions;
    expect(problems(message, 'confirm')).toContain('message.order.fulfillments[0].start.instructions');
  });

  it('an Immediate Delivery confirmed before ready to ship', () => {
    const message = buildConfirm(contexts.build('confirm', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp }), {
      shipment: hyperlocalShipment({ readyToShip: false, category: 'Immediate Delivery' }),
      offer: sampleOffer({ category: 'Immediate Delivery' }),
      quote,
      buyer: BUYER_BILLING,
      networkOrderId,
    });
    expect(validateOndcMessage('confirm', message).valid).toBe(false);
  });

  it('an intercity search or order without package dimensions', () => {
    const searched = structuredClone(search(intercityShipment(), 'ONDC:LOG11'));
    delete searched.message.intent['@ondc/org/payload_details'].dimensions;
    expect(problems(searched, 'search')).toContain('message.intent.@ondc/org/payload_details.dimensions');
    const confirmed = structuredClone(confirm(intercityShipment(), 'ONDC:LOG11'));
    delete confirmed.message.order['@ondc/org/linked_order'].order.dimensions;
    expect(problems(confirmed, 'confirm')).toContain('message.order.@ondc/org/linked_order.order.dimensions');
  });

  it('an order id that is not alphanumeric or longer than 32, and a COD without its amount', () => {
    const long = structuredClone(confirm(hyperlocalShipment()));
    long.message.order.id = 'a'.repeat(33);
    expect(problems(long, 'confirm')).toContain('message.order.id');
    const cod = structuredClone(init(hyperlocalShipment({ cod: { amountPaise: 100 } })));
    delete cod.message.order.payment['@ondc/org/collection_amount'];
    expect(problems(cod, 'init')).toContain('message.order.payment.@ondc/org/collection_amount');
  });

  it('gps with fewer than six decimals, amounts with three, and a 1.2.0 context on our requests', () => {
    const message = structuredClone(search(hyperlocalShipment()));
    message.message.intent.fulfillment.start.location.gps = '12.93,77.62';
    message.message.intent['@ondc/org/payload_details'].value.value = '4500.000';
    message.context.core_version = '1.2.0';
    expect(problems(message, 'search')).toEqual(
      expect.arrayContaining(['message.intent.fulfillment.start.location.gps', 'message.intent.@ondc/org/payload_details.value.value', 'context.core_version']),
    );
  });
});
