import { SURGE_ITEM_TAG, inr, rfc3339 } from '@fulfil/ondc';
import type {
  CallbackAction,
  CancellationTerm,
  ContextOf,
  Fulfillment,
  InitMessage,
  OndcContext,
  OnTrackMessage,
  OrderCallbackMessage,
  OrderItem,
  Payment,
  Quote,
  QuoteBreakupLine,
  SettlementDetail,
  TagGroup,
} from '@fulfil/ondc';
import { FORWARD_FULFILLMENT_ID, PROVIDER_ID, QuotedOption, RTO_FULFILLMENT_ID } from './partner-catalog';
import type { SandboxOrder } from './partner-book';

/** GST on logistics services: catalog prices include it, the on_init breakup shows it. */
const GST_RATE = 0.18;

export function callbackContext<A extends CallbackAction>(request: OndcContext, partner: { subscriberId: string; url: string }, action: A, messageId: string, nowMs: number): ContextOf<A> {
  return {
    domain: request.domain,
    country: request.country,
    city: request.city,
    action,
    core_version: request.core_version,
    bap_id: request.bap_id,
    bap_uri: request.bap_uri,
    bpp_id: partner.subscriberId,
    bpp_uri: partner.url,
    transaction_id: request.transaction_id,
    message_id: messageId,
    timestamp: rfc3339(nowMs),
    // An RSF answer keeps the request's version and its ttl in days.
    ttl: request.version ? (request.ttl ?? 'P1D') : 'PT30S',
    ...(request.location ? { location: request.location } : {}),
    ...(request.version ? { version: request.version } : {}),
  };
}

/** Splits a tax-inclusive price into delivery charge and tax, in whole paise, adding up exactly. */
function chargeLines(itemId: string, pricePaise: number, title: 'delivery' | 'rto'): QuoteBreakupLine[] {
  const charge = Math.round(pricePaise / (1 + GST_RATE));
  return [
    { '@ondc/org/item_id': itemId, '@ondc/org/title_type': title, price: inr(charge) },
    { '@ondc/org/item_id': itemId, '@ondc/org/title_type': 'tax', price: inr(pricePaise - charge) },
  ];
}

/** A surge item's price is before tax (1.2.5 quotes it as the catalog's price), its GST a line of its own. */
function surgeLines(option: QuotedOption): QuoteBreakupLine[] {
  if (!option.surge) return [];
  const { itemId, pricePaise } = option.surge;
  return [
    { '@ondc/org/item_id': itemId, '@ondc/org/title_type': 'surge', price: inr(pricePaise) },
    { '@ondc/org/item_id': itemId, '@ondc/org/title_type': 'tax', price: inr(Math.round(pricePaise * GST_RATE)) },
  ];
}

export const initQuoteOf = (option: QuotedOption): Quote => {
  const breakup = [...chargeLines(option.itemId, option.pricePaise, 'delivery'), ...surgeLines(option)];
  const totalPaise = breakup.reduce((n, line) => n + Math.round(Number(line.price.value) * 100), 0);
  return { price: inr(totalPaise), breakup, ttl: 'PT15M' };
};

/** A differential charge (tax inclusive) split into its `diff` and `tax_diff` lines. */
export function differentialCharge(chargePaise: number): { amountPaise: number; taxPaise: number } {
  const amountPaise = Math.round(chargePaise / (1 + GST_RATE));
  return { amountPaise, taxPaise: chargePaise - amountPaise };
}

/** Free before an agent is assigned; the delivery charge after. */
function cancellationTerms(option: QuotedOption): CancellationTerm[] {
  const charge = inr(Math.round(option.pricePaise / (1 + GST_RATE)));
  return [
    { fulfillment_state: { descriptor: { code: 'Pending', short_desc: '*' } }, cancellation_fee: { percentage: '0.00', amount: inr(0) } },
    { fulfillment_state: { descriptor: { code: 'Agent-assigned', short_desc: '*' } }, cancellation_fee: { percentage: '100.00', amount: charge } },
    { fulfillment_state: { descriptor: { code: 'Order-picked-up', short_desc: '*' } }, cancellation_fee: { percentage: '100.00', amount: charge } },
  ];
}

/** The account a buyer paying us up front settles into (1.2.5: the partner names it in on_init). */
const SANDBOX_ACCOUNT: SettlementDetail = { settlement_counterparty: 'lsp', settlement_type: 'upi', beneficiary_name: 'ONDC Sandbox Logistics', upi_address: 'sandbox-lsp@upi' };

const paymentOf = (asked: Payment): Payment => (asked.collected_by === 'BAP' ? { ...asked, '@ondc/org/settlement_details': [SANDBOX_ACCOUNT] } : asked);

export function onInitMessage(option: QuotedOption, init: InitMessage): OrderCallbackMessage {
  const [fulfillment] = init.order.fulfillments;
  const fulfillments: Fulfillment[] = fulfillment ? [{ ...fulfillment, tags: [{ code: 'rider_check', list: [{ code: 'inline_check_for_rider', value: 'yes' }] }] }] : [];
  const surgeItem = option.surge ? [{ id: option.surge.itemId, fulfillment_id: FORWARD_FULFILLMENT_ID }] : [];
  return {
    order: {
      provider: { id: PROVIDER_ID },
      items: [{ id: option.itemId, fulfillment_id: FORWARD_FULFILLMENT_ID }, ...surgeItem],
      fulfillments,
      quote: initQuoteOf(option),
      payment: paymentOf(init.order.payment),
      cancellation_terms: cancellationTerms(option),
      tags: [{ code: 'bpp_terms', list: [{ code: 'max_liability', value: '2' }, { code: 'court_jurisdiction', value: 'Bengaluru' }] }],
    },
  };
}

function itemsOf(order: SandboxOrder): OrderItem[] {
  const item = (id: string, fulfillmentId: string): OrderItem => ({
    id,
    fulfillment_id: fulfillmentId,
    category_id: order.option.category,
    descriptor: { code: order.option.type },
    time: { label: 'TAT', ...order.option.tat },
  });
  // 1.2.5 keeps the surge item, marked as such, among the order's items.
  const surge = order.option.surge ? [{ ...item(order.option.surge.itemId, FORWARD_FULFILLMENT_ID), tags: [SURGE_ITEM_TAG] }] : [];
  const forward = [item(order.option.itemId, FORWARD_FULFILLMENT_ID), ...surge];
  return order.rto ? [...forward, item(order.option.rtoItemId, RTO_FULFILLMENT_ID)] : forward;
}

/** The differential still charged: reported, and not disputed (a disputed charge is taken back, as 1.2.5 has the partner revert it). */
const chargedDifferential = (order: SandboxOrder) => (order.differential && order.differential.answer !== 'disputed' ? order.differential : undefined);

function differentialLines(order: SandboxOrder): QuoteBreakupLine[] {
  const diff = chargedDifferential(order);
  if (!diff) return [];
  return [
    { '@ondc/org/item_id': order.option.itemId, '@ondc/org/title_type': 'diff', price: inr(diff.amountPaise) },
    { '@ondc/org/item_id': order.option.itemId, '@ondc/org/title_type': 'tax_diff', price: inr(diff.taxPaise) },
  ];
}

/** 1.2.5's record of what the partner measured (`linked_order_diff`) and its proof, beside a differential charge. */
function differentialTags(order: SandboxOrder): TagGroup[] {
  const diff = chargedDifferential(order);
  if (!diff) return [];
  const linked = order.confirmed['@ondc/org/linked_order'];
  const id = linked?.order.id ?? order.id;
  const dims = linked?.order.dimensions;
  return [
    {
      code: 'linked_order_diff',
      list: [
        { code: 'id', value: id },
        { code: 'weight_unit', value: 'kilogram' },
        { code: 'weight_value', value: String(diff.measuredGrams / 1000) },
        { code: 'dim_unit', value: 'centimeter' },
        { code: 'length', value: String(dims?.length.value ?? 1) },
        { code: 'breadth', value: String(dims?.breadth.value ?? 1) },
        { code: 'height', value: String(dims?.height.value ?? 1) },
      ],
    },
    {
      code: 'linked_order_diff_proof',
      list: [
        { code: 'id', value: id },
        { code: 'type', value: 'image' },
        { code: 'url', value: `${order.trackingUrl.replace(/\/track\/.*$/, '')}/weighing/${order.id}.jpg` },
      ],
    },
  ];
}

/** Once a return to origin starts, its charge (the catalog's RTO price) joins the quote. */
function quoteOf(order: SandboxOrder): Quote {
  const { ttl: _ttl, ...confirmed } = order.quote;
  const extra = [...differentialLines(order), ...(order.rto ? chargeLines(order.option.rtoItemId, order.option.rtoPricePaise, 'rto') : [])];
  if (extra.length === 0) return confirmed;
  const breakup = [...confirmed.breakup, ...extra];
  return { price: inr(breakup.reduce((n, line) => n + Math.round(Number(line.price.value) * 100), 0)), breakup };
}

/**
 * What 1.2.5 asks of a cancelled forward fulfillment: the state it was in (`precancel_state`), and
 * for a return to origin (a cancellation after pickup) the `rto_event` naming the RTO fulfillment.
 */
function cancellationTags(order: SandboxOrder): TagGroup[] {
  const { cancellation } = order;
  if (!cancellation) return [];
  const before: TagGroup = { code: 'precancel_state', list: [{ code: 'fulfillment_state', value: cancellation.precancelState }, { code: 'updated_at', value: cancellation.at }] };
  if (!order.rto) return [before];
  const event: TagGroup = {
    code: 'rto_event',
    list: [
      { code: 'retry_count', value: String(order.deliveryFailures ?? 0) },
      { code: 'rto_id', value: RTO_FULFILLMENT_ID },
      { code: 'cancellation_reason_id', value: cancellation.reasonId },
      { code: 'cancelled_by', value: cancellation.cancelledBy },
    ],
  };
  return [before, event];
}

/** 1.2.5's trail of failed or rescheduled attempts: one `fulfillment_delay` tag per stage, named by the state it delays. */
function delayTags(order: SandboxOrder): TagGroup[] {
  const tag = (state: 'Order-picked-up' | 'Order-delivered', delay: { reasonId: string; at: string }): TagGroup => ({
    code: 'fulfillment_delay',
    list: [
      { code: 'state', value: state },
      { code: 'reason_id', value: delay.reasonId },
      { code: 'timestamp', value: delay.at },
      { code: 'attempt', value: 'yes' },
    ],
  });
  return [...(order.delays?.pickup ? [tag('Order-picked-up', order.delays.pickup)] : []), ...(order.delays?.delivery ? [tag('Order-delivered', order.delays.delivery)] : [])];
}

/** 1.2.5's COD flow: the delivered fulfillment says what was collected (`cod_collection_detail`). */
function codTags(order: SandboxOrder): TagGroup[] {
  if (!order.codCollected) return [];
  return [
    {
      code: 'cod_collection_detail',
      list: [
        { code: 'currency', value: 'INR' },
        { code: 'value', value: order.codCollected.value },
        { code: 'transaction_id', value: `COD${order.id}` },
        { code: 'timestamp', value: order.codCollected.at },
      ],
    },
  ];
}

function forwardFulfillment(order: SandboxOrder): Fulfillment {
  const confirmed = order.confirmed.fulfillments[0];
  const start: NonNullable<Fulfillment['start']> = { ...confirmed?.start };
  start.time = { ...(order.pickupSlot ? { range: order.pickupSlot } : {}), ...(order.pickedUpAt ? { timestamp: order.pickedUpAt } : {}) };
  if (order.labelUrl) start.instructions = { ...start.instructions, images: [order.labelUrl] };
  const end: NonNullable<Fulfillment['end']> = { ...confirmed?.end };
  if (order.deliveryWindow) end.time = { range: order.deliveryWindow };
  if (order.deliveredAt) end.time = { timestamp: order.deliveredAt };
  const fulfillment: Fulfillment = {
    id: FORWARD_FULFILLMENT_ID,
    type: 'Delivery',
    state: { descriptor: { code: order.fulfillmentState } },
    // 1.2.5: a hyperlocal (P2P) rider is tracked from the confirmation on.
    tracking: order.option.type === 'P2P',
    start,
    end,
    tags: [{ code: 'tracking', list: [{ code: 'url_enabled', value: 'yes' }, { code: 'url', value: order.trackingUrl }] }, ...delayTags(order), ...differentialTags(order), ...cancellationTags(order), ...codTags(order)],
  };
  if (order.awb) fulfillment['@ondc/org/awb_no'] = order.awb;
  if (order.agent) fulfillment.agent = order.agent;
  return fulfillment;
}

function rtoFulfillment(rto: NonNullable<SandboxOrder['rto']>): Fulfillment {
  const fulfillment: Fulfillment = { id: RTO_FULFILLMENT_ID, type: 'RTO', state: { descriptor: { code: rto.state } }, start: { time: { timestamp: rto.at } } };
  if (rto.endedAt) fulfillment.end = { time: { timestamp: rto.endedAt } };
  return fulfillment;
}

/**
 * The payment as it stands (LVU: every on_status says PAID or NOT-PAID): a completed COD order is
 * paid from the moment the cash was taken, with its time; anything else is not paid yet (a prepaid
 * delivery is paid on invoicing, the settlement basis).
 */
function paymentNow(order: SandboxOrder): Payment {
  const asked = order.confirmed.payment;
  if (order.orderState !== 'Completed' || asked.type !== 'ON-FULFILLMENT' || !order.codCollected) return { ...asked, status: 'NOT-PAID' };
  return { ...asked, status: 'PAID', time: { timestamp: order.codCollected.at } };
}

/** The order as on_confirm, on_update, on_status and on_cancel report it. */
export function orderMessage(order: SandboxOrder, nowMs: number): OrderCallbackMessage {
  const message: OrderCallbackMessage = {
    order: {
      id: order.id,
      state: order.orderState,
      provider: { id: PROVIDER_ID },
      items: itemsOf(order),
      quote: quoteOf(order),
      fulfillments: order.rto ? [forwardFulfillment(order), rtoFulfillment(order.rto)] : [forwardFulfillment(order)],
      billing: order.confirmed.billing,
      payment: paymentNow(order),
      '@ondc/org/linked_order': order.confirmed['@ondc/org/linked_order'],
      created_at: order.confirmed.created_at,
      updated_at: rfc3339(nowMs),
    },
  };
  if (order.cancellation) message.order.cancellation = { cancelled_by: order.cancellation.cancelledBy, reason: { id: order.cancellation.reasonId } };
  return message;
}

/** Tracking by URL; hyperlocal riders also give a position (half way, for the sandbox). */
export function trackingMessage(order: SandboxOrder, nowMs: number): OnTrackMessage {
  const active = order.fulfillmentState !== 'Order-delivered' && order.fulfillmentState !== 'Cancelled';
  const tracking: OnTrackMessage['tracking'] = { id: FORWARD_FULFILLMENT_ID, url: order.trackingUrl, status: active ? 'active' : 'inactive' };
  const from = order.confirmed.fulfillments[0]?.start?.location?.gps;
  const to = order.confirmed.fulfillments[0]?.end?.location?.gps;
  if (active && order.option.type === 'P2P' && from && to) {
    const [a = 0, b = 0] = from.split(',').map(Number);
    const [c = 0, d = 0] = to.split(',').map(Number);
    tracking.location = { gps: `${((a + c) / 2).toFixed(6)},${((b + d) / 2).toFixed(6)}`, time: { timestamp: rfc3339(nowMs) }, updated_at: rfc3339(nowMs) };
  }
  return { tracking };
}
