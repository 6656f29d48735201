import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PARTNER_REPORTS } from '@fulfil/domain';
import {
  FULFILLMENT_STATES,
  ONDC_ERRORS,
  OndcMessage,
  checkInitQuote,
  normaliseFulfillmentState,
  parseCatalog,
  readOrderCallback,
  readTracking,
  validateOndcMessage,
} from '@fulfil/ondc';
import type { CallbackAction, FulfillmentState } from '@fulfil/ondc';
import { sampleOffer } from './support/shipments';

const FIXTURES = join(__dirname, 'fixtures');
function fixture<A extends CallbackAction>(file: string, _action: A): OndcMessage<A> {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as OndcMessage<A>;
}
const clone = <T>(value: T): T => structuredClone(value);

describe('callback fixtures (shaped like the contract’s examples)', () => {
  it.each(readdirSync(FIXTURES))('%s passes the schema of its action', (file) => {
    const body = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { context: { action: CallbackAction } };
    expect(validateOndcMessage(body.context.action, body)).toEqual({ valid: true, errors: [] });
  });
});

describe('on_search → priced offers', () => {
  const onSearch = fixture('on_search.json', 'on_search');

  it('offers each forward item with the partner, price in paise, TAT and the RTO price of its RTO item', () => {
    const { offers } = parseCatalog(onSearch);
    expect(offers).toHaveLength(2);
    expect(offers[0]).toEqual({
      bppId: 'lsp.example',
      bppUri: 'https://lsp.example/ondc',
      domain: 'ONDC:LOG10',
      providerId: 'P1',
      providerName: 'LSP Courier Inc',
      itemId: 'I1',
      fulfillmentId: '1',
      category: 'Immediate Delivery',
      type: 'P2P',
      pricePaise: 5_900,
      // The item's own TAT (45 min) overrides its category's (60 min).
      tatMinutes: 45,
      tat: { duration: 'PT45M', timestamp: '2026-03-02' },
      pickupMinutes: 15,
      pickupDuration: 'PT15M',
      rto: { itemId: 'I2', pricePaise: 2_360 },
      locationIds: [],
    });
  });

  it('takes the category TAT when the item has none, and one decimal as ten paise', () => {
    const sameDay = parseCatalog(onSearch).offers[1];
    expect(sameDay).toMatchObject({ itemId: 'I3', category: 'Same Day Delivery', pricePaise: 4_130, tatMinutes: 240 });
    expect(sameDay?.rto).toBeUndefined();
  });

  it('skips, with the reason, items it cannot price or whose fulfillment is no delivery', () => {
    const odd = clone(onSearch);
    const [provider] = odd.message.catalog['bpp/providers'];
    if (!provider) throw new Error('fixture has a provider');
    provider.items[0]!.price.value = '59.001';
    provider.items[2]!.fulfillment_id = '2';
    const reading = parseCatalog(odd);
    expect(reading.offers).toEqual([]);
    expect(reading.skipped).toEqual([
      { providerId: 'P1', itemId: 'I1', reason: 'price INR 59.001 is not rupees with at most two decimals' },
      { providerId: 'P1', itemId: 'I3', reason: 'fulfillment 2 is not a Delivery fulfillment of the provider' },
    ]);
  });
});

describe('on_search → a surge fee (1.2.5 surge item)', () => {
  const onSearch = fixture('on_search.json', 'on_search');
  const withSurge = (surge: Record<string, unknown>) => {
    const copy = clone(onSearch);
    copy.message.catalog['bpp/providers'][0]!.items.push({ id: 'S1', category_id: 'Immediate Delivery', fulfillment_id: '1', descriptor: { code: 'P2P' }, price: { currency: 'INR', value: '15.00' }, tags: [{ code: 'type', list: [{ code: 'type', value: 'surge' }] }], ...surge } as never);
    return copy;
  };

  it("is no offer of its own: it rides with the provider's offers, its price before tax, its category and TAT as the catalog has them", () => {
    const { offers } = parseCatalog(withSurge({}));
    expect(offers.map((o) => o.itemId)).toEqual(['I1', 'I3']);
    expect(offers[0]?.surge).toEqual({ itemId: 'S1', pricePaise: 1_500, categoryId: 'Immediate Delivery', fulfillmentId: '1', tat: { duration: 'PT60M', timestamp: '2026-03-02' } });
  });

  it('with a parent item applies to that item only', () => {
    const { offers } = parseCatalog(withSurge({ parent_item_id: 'I3' }));
    expect(offers.map((o) => [o.itemId, o.surge?.itemId])).toEqual([['I1', undefined], ['I3', 'S1']]);
  });
});

describe('on_init → a quote checked against the catalog', () => {
  const onInit = fixture('on_init.json', 'on_init');
  const offer = sampleOffer({ itemId: 'I1', pricePaise: 5_900 });

  it('accepts a breakup that adds up to the total, at the catalog price, with its cancellation terms', () => {
    const check = checkInitQuote(onInit, offer);
    expect(check).toMatchObject({ ok: true, totalPaise: 5_900 });
    expect(check.ok && check.cancellationTerms).toHaveLength(2);
  });

  it('refuses a breakup that does not add up to the total', () => {
    const bad = clone(onInit);
    bad.message.order.quote!.breakup[1]!.price.value = '9.01';
    expect(checkInitQuote(bad, offer)).toMatchObject({ ok: false, problem: 'breakup-mismatch', nack: ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE });
  });

  it('refuses a total other than the catalog price, with the code for a quote difference (62508)', () => {
    expect(checkInitQuote(onInit, { ...offer, pricePaise: 5_500 })).toMatchObject({ ok: false, problem: 'price-mismatch', nack: { code: '62508' } });
  });

  it('refuses amounts with more than two decimals, and lines for items we did not choose', () => {
    const precise = clone(onInit);
    precise.message.order.quote!.price.value = '59.000';
    expect(checkInitQuote(precise, offer)).toMatchObject({ ok: false, problem: 'unreadable-amount' });
    expect(checkInitQuote(onInit, { ...offer, itemId: 'I3' })).toMatchObject({ ok: false, problem: 'wrong-item' });
  });
});

describe('order callbacks → partner reports', () => {
  it('on_confirm of a P2H2P order: accepted, pending, with AWB, label and pickup slot; nothing to report yet', () => {
    const update = readOrderCallback(fixture('on_confirm.p2h2p.json', 'on_confirm'));
    expect(update).toEqual({
      networkOrderId: '5a94b8d592464d448a481f0af629925c',
      orderState: 'Accepted',
      fulfillmentState: 'Pending',
      reportedAt: '2026-03-02T10:02:30.000Z',
      awb: '1227262193237777',
      labelUrl: 'https://lsp.example/labels/5a94b8d5.pdf',
      pickupSlot: { start: '2026-03-02T11:00:00.000Z', end: '2026-03-02T13:00:00.000Z' },
      unreadableStates: [],
    });
  });

  it('on_status picked up (state in capitals): picked_up at the pickup time, with agent and tracking URL', () => {
    const update = readOrderCallback(fixture('on_status.picked-up.json', 'on_status'));
    expect(update).toMatchObject({
      fulfillmentState: 'Order-picked-up',
      orderState: 'In-progress',
      report: 'picked_up',
      reportedAt: '2026-03-02T11:30:00.000Z',
      agent: { name: 'Ravi Kumar', phone: '9876501234' },
      trackingUrl: 'https://lsp.example/track/5a94b8d5',
    });
  });

  it('on_status delivered (state in snake case): delivered at the delivery time', () => {
    expect(readOrderCallback(fixture('on_status.delivered.json', 'on_status'))).toMatchObject({
      fulfillmentState: 'Order-delivered',
      orderState: 'Completed',
      report: 'delivered',
      reportedAt: '2026-03-05T09:00:00.000Z',
    });
  });

  it('on_cancel with an RTO fulfillment: rto_initiated outranks the forward state, with the reason', () => {
    const update = readOrderCallback(fixture('on_cancel.rto.json', 'on_cancel'));
    expect(update).toMatchObject({
      orderState: 'Cancelled',
      fulfillmentState: 'Out-for-delivery',
      rtoState: 'RTO-Initiated',
      report: 'rto_initiated',
      reportedAt: '2026-03-02T14:00:00.000Z',
      cancellation: { reasonId: '013', cancelledBy: 'lsp.example' },
    });
    // A P2P partner's images are no labels.
    expect(update.labelUrl).toBeUndefined();
  });

  it('on_cancel by the partner before pickup: cancelled, with its reason', () => {
    expect(readOrderCallback(fixture('on_cancel.by-partner.json', 'on_cancel'))).toMatchObject({
      report: 'cancelled',
      cancellation: { reasonId: '016', cancelledBy: 'lsp.example' },
    });
  });

  it('on_update after ready to ship: still searching for an agent, nothing to report, slot known', () => {
    const update = readOrderCallback(fixture('on_update.ready-to-ship.json', 'on_update'));
    expect(update.report).toBeUndefined();
    expect(update).toMatchObject({ fulfillmentState: 'Searching-for-Agent', pickupSlot: { start: '2026-03-02T11:00:00.000Z' } });
  });

  it('on_status delivery rescheduled: the delivery stage’s delay reason and time, and the next window’s start', () => {
    const update = readOrderCallback(fixture('on_status.delivery-rescheduled.json', 'on_status'));
    expect(update).toMatchObject({
      fulfillmentState: 'Delivery-rescheduled',
      report: 'delivery_rescheduled',
      reportedAt: '2026-03-04T14:00:00.000Z',
      delay: { reasonId: '011', nextAttemptAt: '2026-03-05T04:30:00.000Z' },
    });
  });

  it('a failed pickup reads the pickup stage’s delay and the new pickup window', () => {
    const callback = fixture('on_status.delivery-rescheduled.json', 'on_status');
    const forward = callback.message.order.fulfillments![0]!;
    forward.state = { descriptor: { code: 'PICKUP_FAILED' } };
    forward.start = { ...forward.start, time: { range: { start: '2026-03-03T05:00:00.000Z', end: '2026-03-03T07:00:00.000Z' } } };
    expect(readOrderCallback(callback)).toMatchObject({
      report: 'pickup_failed',
      reportedAt: '2026-03-02T10:45:00.000Z',
      delay: { reasonId: '004', nextAttemptAt: '2026-03-03T05:00:00.000Z' },
    });
  });

  it('a failed delivery without a delay tag still reports, at the callback’s time', () => {
    const callback = fixture('on_status.picked-up.json', 'on_status');
    callback.message.order.fulfillments![0]!.state = { descriptor: { code: 'Delivery-failed' } };
    const update = readOrderCallback(callback);
    expect(update).toMatchObject({ report: 'delivery_failed', reportedAt: callback.context.timestamp, delay: {} });
  });

  it('reads the delivery window the partner promises, and no promise once delivered', () => {
    const picked = fixture('on_status.picked-up.json', 'on_status');
    const forward = picked.message.order.fulfillments![0]!;
    forward.end = { ...forward.end, time: { range: { start: '2026-03-02T12:00:00.000Z', end: '2026-03-02T16:00:00.000Z' } } };
    expect(readOrderCallback(picked).deliveryBy).toBe('2026-03-02T16:00:00.000Z');

    const delivered = fixture('on_status.delivered.json', 'on_status');
    const done = delivered.message.order.fulfillments![0]!;
    done.end = { ...done.end, time: { ...done.end?.time, range: { start: '2026-03-05T08:00:00.000Z', end: '2026-03-05T10:00:00.000Z' } } };
    expect(readOrderCallback(delivered).deliveryBy).toBeUndefined();
  });

  it('reads what a COD delivery collected from cod_collection_detail, in paise', () => {
    const delivered = fixture('on_status.delivered.json', 'on_status');
    const forward = delivered.message.order.fulfillments![0]!;
    forward.tags = [
      ...(forward.tags ?? []),
      { code: 'cod_collection_detail', list: [{ code: 'currency', value: 'INR' }, { code: 'value', value: '4200.50' }, { code: 'timestamp', value: '2026-03-05T09:00:00.000Z' }] },
    ];
    expect(readOrderCallback(delivered)).toMatchObject({ report: 'delivered', codCollectedPaise: 420_050 });
    expect(readOrderCallback(fixture('on_status.delivered.json', 'on_status')).codCollectedPaise).toBeUndefined();
  });

  it('keeps a state it cannot read, verbatim, rather than guessing', () => {
    const odd = fixture('on_status.picked-up.json', 'on_status');
    odd.message.order.fulfillments![0]!.state = { descriptor: { code: 'Teleported' } };
    const update = readOrderCallback(odd);
    expect(update.fulfillmentState).toBeUndefined();
    expect(update.report).toBeUndefined();
    expect(update.unreadableStates).toEqual(['Teleported']);
  });

  it('every report the domain knows is reachable from some fulfillment state', () => {
    const reportOf = (state: FulfillmentState) => {
      const callback = fixture('on_status.picked-up.json', 'on_status');
      callback.message.order.fulfillments![0]!.state = { descriptor: { code: state } };
      return readOrderCallback(callback).report;
    };
    const reachable = new Set(FULFILLMENT_STATES.map(reportOf).filter(Boolean));
    expect([...reachable].sort()).toEqual([...PARTNER_REPORTS].sort());
  });
});

describe('fulfillment state spellings', () => {
  it.each([
    ['Order-picked-up', 'Order-picked-up'],
    ['ORDER-PICKED-UP', 'Order-picked-up'],
    ['order_picked_up', 'Order-picked-up'],
    ['Searching-for-agent', 'Searching-for-Agent'],
    ['rto-initiated', 'RTO-Initiated'],
    [' In transit ', 'In-transit'],
  ])('%s reads as %s', (input, expected) => {
    expect(normaliseFulfillmentState(input)).toBe(expected);
  });
});

describe('on_track', () => {
  it('reads the tracking URL and the rider’s position', () => {
    expect(readTracking(fixture('on_track.json', 'on_track'))).toEqual({ active: true, url: 'https://lsp.example/track/5a94b8d5', gps: '12.974002,77.613458' });
  });
});
