import { FULFILLMENT_STATES, ORDER_STATES } from '../fulfillment-states';
import { LBNP_CANCELLATION_REASON_IDS } from '../error-codes';
import { checkIgmAgainstTransaction, checkIgmMessage } from './check-igm-message';
import { checkRsfAgainstTransaction, checkRsfMessage } from './check-rsf-message';
import { FindingList, arrayAt, at, isObject, tagsAt, textAt } from './conformance-finding';
import type { ConformanceFinding } from './conformance-finding';
import type { TransactionMessage } from './check-transaction';

/**
 * The ONDC logistics 1.2.5 rules for a callback a logistics partner sends us (on_search to
 * on_track), as ONDC's log verification utility states them (its 1.2.5 schemas and
 * `utils/logistics/v1.2.5/logOn*.js`; docs/adr/0034 lists where we read them and where we differ),
 * and the cross-message rules a buyer app relies on: what a callback must repeat from the messages
 * of its transaction before it. Pure: the callback and what came before it in, the findings out.
 */

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const GPS = /^-?[0-9]{1,3}\.[0-9]{6,15},\s*-?[0-9]{1,3}\.[0-9]{6,15}$/;
const TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;
/** LVU's TITLE_TYPE, with the lines its later flow checks add (COD, surge, weight differential). */
const TITLE_TYPES = ['delivery', 'rto', 'reverseqc', 'tax', 'cod', 'surge', 'diff', 'tax_diff'];
const FULFILLMENT_TYPES = ['Delivery', 'Return', 'RTO'];
const SHIPMENT_TYPES = ['P2P', 'P2H2P'];
/** LVU's LSP_CANCELLATION_CODES: the reasons a partner may give when it cancels. */
const LSP_CANCELLATION_REASON_IDS = ['008', '011', '012', '013', '014', '015', '016', '017', '020', '021', '997'];
const RTO_EVENT_FIELDS = ['retry_count', 'rto_id', 'cancellation_reason_id', 'cancelled_by'];
/** A cancellation in one of these states comes before any pickup: no return to origin follows (LVU PRECANCEL_BEFORE_RTO). */
const BEFORE_PICKUP = ['Pending', 'Packed', 'Searching-for-Agent', 'Agent-assigned', 'Out-for-pickup', 'At-pickup'];
/** The order state a forward fulfillment state implies (LVU logOnStatus, logOnCancel). */
const ORDER_STATE_FOR: Readonly<Record<string, string>> = {
  'Searching-for-Agent': 'In-progress',
  'Agent-assigned': 'In-progress',
  'Order-picked-up': 'In-progress',
  'Out-for-delivery': 'In-progress',
  'Order-delivered': 'Completed',
  Cancelled: 'Cancelled',
};
/** Callbacks that answer one request of ours, always with its message id. */
const ANSWERS: Readonly<Record<string, string>> = { on_search: 'search', on_init: 'init', on_confirm: 'confirm', on_track: 'track' };
const ORDER_CALLBACKS = ['on_confirm', 'on_update', 'on_status', 'on_cancel'];

const decimal = (value: string | undefined): number => (value === undefined ? NaN : Number(value));
const dateOf = (timestamp: string, plusDays = 0): string => new Date(Date.parse(timestamp.slice(0, 10)) + plusDays * 86_400_000).toISOString().slice(0, 10);

function checkContext(f: FindingList, body: unknown): void {
  f.require('context.required', 'context', ['domain', 'country', 'city', 'action', 'core_version', 'bap_id', 'bap_uri', 'bpp_id', 'bpp_uri', 'transaction_id', 'message_id', 'timestamp']);
  const domain = textAt(body, 'context.domain');
  f.check('context.domain', 'context.domain', domain === 'ONDC:LOG10' || domain === 'ONDC:LOG11', 'domain is neither ONDC:LOG10 nor ONDC:LOG11');
  f.check('context.core-version', 'context.core_version', textAt(body, 'context.core_version') === '1.2.5', 'core_version must be 1.2.5');
  const timestamp = textAt(body, 'context.timestamp');
  if (timestamp !== undefined) f.check('context.timestamp', 'context.timestamp', RFC3339_MS.test(timestamp), 'timestamp is not RFC 3339 UTC with milliseconds');
  const ttl = textAt(body, 'context.ttl');
  if (ttl !== undefined) f.check('context.ttl', 'context.ttl', ttl === 'PT30S', 'ttl must be PT30S');
  const messageId = textAt(body, 'context.message_id');
  if (messageId !== undefined) f.check('context.message-id', 'context.message_id', messageId !== textAt(body, 'context.transaction_id'), 'message_id must differ from transaction_id');
}

/** Prices with at most two decimals (LVU hasTwoOrLessDecimalPlaces). */
function checkPrice(f: FindingList, rule: string, path: string, body: unknown): void {
  f.require(rule, path, ['currency', 'value']);
  const value = textAt(body, `${path}.value`);
  if (value !== undefined) f.check(rule, `${path}.value`, TWO_DECIMALS.test(value), 'a price has at most two decimals');
}

/** A quote whose lines are 1.2.5 title types, carry their item and price, and add up to its total. */
function checkQuote(f: FindingList, action: string, path: string, body: unknown): void {
  f.require(`${action}.quote`, path, ['price', 'breakup']);
  checkPrice(f, `${action}.quote`, `${path}.price`, body);
  const lines = arrayAt(body, `${path}.breakup`);
  f.check(`${action}.quote`, `${path}.breakup`, lines.length > 0, 'the breakup has at least one line');
  lines.forEach((_, i) => {
    const line = `${path}.breakup[${i}]`;
    f.require(`${action}.quote`, line, ['@ondc/org/item_id', '@ondc/org/title_type', 'price']);
    const title = textAt(body, `${line}.@ondc/org/title_type`);
    if (title !== undefined) f.check('order.quote-title-type', `${line}.@ondc/org/title_type`, TITLE_TYPES.includes(title), `title_type ${title} is not a 1.2.5 title type`);
    checkPrice(f, `${action}.quote`, `${line}.price`, body);
  });
  const total = decimal(textAt(body, `${path}.price.value`));
  const sum = lines.reduce<number>((n, line) => n + decimal(textAt(line, 'price.value')), 0);
  f.check('order.quote-adds-up', path, total.toFixed(2) === sum.toFixed(2), `the breakup adds up to ${sum.toFixed(2)}, not ${total.toFixed(2)}`);
  f.check('order.quote-tax', `${path}.breakup`, lines.some((line) => textAt(line, '@ondc/org/title_type') === 'tax'), 'the charges need a separate tax line');
}

function checkCancellationTerms(f: FindingList, body: unknown): void {
  arrayAt(body, 'message.order.cancellation_terms').forEach((_, i) => {
    const path = `message.order.cancellation_terms[${i}]`;
    f.require('order.cancellation-terms', path, ['fulfillment_state.descriptor.code', 'fulfillment_state.descriptor.short_desc', 'cancellation_fee.percentage', 'cancellation_fee.amount.currency', 'cancellation_fee.amount.value']);
    const state = textAt(body, `${path}.fulfillment_state.descriptor.code`);
    if (state !== undefined) f.check('order.cancellation-terms', `${path}.fulfillment_state.descriptor.code`, (FULFILLMENT_STATES as readonly string[]).includes(state), `${state} is not a fulfillment state`);
  });
}

function checkOnSearch(f: FindingList, body: unknown): void {
  const catalog = 'message.catalog';
  f.require('on_search.catalog', catalog, ['bpp/descriptor.name']);
  const providers = arrayAt(body, `${catalog}.bpp/providers`);
  f.check('on_search.catalog', `${catalog}.bpp/providers`, providers.length > 0, 'the catalog names at least one provider');
  const timestamp = textAt(body, 'context.timestamp') ?? '';
  providers.forEach((provider, p) => {
    const base = `${catalog}.bpp/providers[${p}]`;
    f.require('on_search.catalog', base, ['id', 'descriptor.name']);
    const fulfillments = arrayAt(provider, 'fulfillments');
    const types = fulfillments.map((x) => textAt(x, 'type'));
    f.check('on_search.forward-and-rto', `${base}.fulfillments`, types.includes('Delivery'), 'a forward (Delivery) fulfillment is required');
    f.check('on_search.forward-and-rto', `${base}.fulfillments`, types.includes('RTO'), 'a backward (RTO) fulfillment is required');
    fulfillments.forEach((x, j) => {
      const duration = textAt(x, 'start.time.duration');
      if (duration !== undefined) f.check('on_search.pickup-time', `${base}.fulfillments[${j}].start.time.duration`, ISO_DURATION.test(duration), 'the average pickup time is not an ISO 8601 duration');
    });
    const ids = new Set(fulfillments.map((x) => textAt(x, 'id')));
    const categories = arrayAt(provider, 'categories');
    const items = arrayAt(provider, 'items');
    f.check('on_search.catalog', `${base}.items`, items.length > 0, 'a provider offers at least one item');
    items.forEach((item, i) => {
      const path = `${base}.items[${i}]`;
      f.require('on_search.item', path, ['id', 'category_id', 'fulfillment_id', 'descriptor.code', 'price']);
      f.check('on_search.fulfillment-ids', `${path}.fulfillment_id`, ids.has(textAt(item, 'fulfillment_id')), 'fulfillment_id names no fulfillment of the provider');
      const code = textAt(item, 'descriptor.code');
      if (code !== undefined) f.check('on_search.item', `${path}.descriptor.code`, SHIPMENT_TYPES.includes(code), `descriptor.code ${code} is neither P2P nor P2H2P`);
      if (at(item, 'price') !== undefined) checkPrice(f, 'on_search.item', `${path}.price`, body);
      const category = textAt(item, 'category_id');
      const time = at(item, 'time') ?? at(categories.find((c) => textAt(c, 'id') === category), 'time');
      f.check('on_search.tat', `${path}.time`, time !== undefined, 'a TAT is required at the item or its category');
      const tat = textAt(time, 'timestamp');
      if (tat === undefined || timestamp === '') return;
      const days = /^P(\d+)D$/.exec(textAt(time, 'duration') ?? '');
      const expected = category === 'Same Day Delivery' || category === 'Immediate Delivery' ? dateOf(timestamp) : category === 'Next Day Delivery' ? dateOf(timestamp, 1) : days ? dateOf(timestamp, Number(days[1])) : undefined;
      if (expected !== undefined) f.check('on_search.tat', `${path}.time.timestamp`, tat.slice(0, 10) === expected, `the TAT date is ${tat.slice(0, 10)}, not ${expected} counted from context.timestamp`);
    });
  });
}

function checkOnInit(f: FindingList, body: unknown): void {
  const order = 'message.order';
  f.require('on_init.order', order, ['provider.id', 'items', 'quote', 'payment.type', 'payment.collected_by']);
  arrayAt(body, `${order}.items`).forEach((_, i) => f.require('on_init.order', `${order}.items[${i}]`, ['id', 'fulfillment_id']));
  checkQuote(f, 'on_init', `${order}.quote`, body);
  checkCancellationTerms(f, body);
  // We pay a prepaid order into the account the partner names here; our /confirm repeats it (ADR 0033).
  if (textAt(body, `${order}.payment.collected_by`) === 'BAP') {
    const accounts = arrayAt(body, `${order}.payment.@ondc/org/settlement_details`).filter((d) => textAt(d, 'settlement_counterparty') === 'lsp');
    f.check('on_init.settlement-details', `${order}.payment.@ondc/org/settlement_details`, accounts.length > 0, 'a prepaid order needs the partner\'s settlement account (counterparty lsp)');
  }
}

function forwardOf(body: unknown): { fulfillment: unknown; index: number } {
  const fulfillments = arrayAt(body, 'message.order.fulfillments');
  const index = fulfillments.findIndex((x) => textAt(x, 'type') === 'Delivery');
  return { fulfillment: fulfillments[index], index };
}

/** What each fulfillment state says about its pickup and delivery times (LVU logOnStatus, logOnCancel). */
function checkStateTimes(f: FindingList, body: unknown, base: string, fulfillment: unknown, rto: boolean): void {
  const state = textAt(fulfillment, 'state.descriptor.code') ?? '';
  const now = textAt(body, 'context.timestamp') ?? '';
  const picked = textAt(fulfillment, 'start.time.timestamp');
  const delivered = textAt(fulfillment, 'end.time.timestamp');
  const pickedUp = !['Pending', 'Searching-for-Agent', 'Agent-assigned', 'At-pickup', 'Out-for-pickup', 'Pickup-failed', 'Pickup-rescheduled'].includes(state);
  if (!pickedUp) f.check('order.state-times', `${base}.start.time.timestamp`, picked === undefined, `no pickup time before the parcel is picked up (${state})`);
  if (['Order-picked-up', 'Out-for-delivery', 'Order-delivered'].includes(state) || (state === 'Cancelled' && rto)) {
    f.check('order.state-times', `${base}.start.time.timestamp`, picked !== undefined, `${state} needs the pickup time`);
  }
  if (picked !== undefined) f.check('order.state-times', `${base}.start.time.timestamp`, picked <= now, 'the pickup time is after the message');
  if (state === 'Order-delivered') {
    f.check('order.state-times', `${base}.end.time.timestamp`, delivered !== undefined, 'Order-delivered needs the delivery time');
    if (delivered !== undefined) f.check('order.state-times', `${base}.end.time.timestamp`, delivered <= now && (picked === undefined || picked < delivered), 'the delivery time is after the message or not after the pickup');
  } else {
    f.check('order.state-times', `${base}.end.time.timestamp`, delivered === undefined, `no delivery time while the fulfillment is ${state}`);
  }
}

function checkRto(f: FindingList, body: unknown, rtoIndex: number): void {
  const order = 'message.order';
  const rto = arrayAt(body, `${order}.fulfillments`)[rtoIndex];
  const base = `${order}.fulfillments[${rtoIndex}]`;
  const rtoId = textAt(rto, 'id');
  const state = textAt(rto, 'state.descriptor.code');
  f.check('order.rto-state', `${base}.state.descriptor.code`, state === 'RTO-Initiated' || state === 'RTO-Delivered' || state === 'RTO-Disposed', `an RTO fulfillment in ${String(state)}`);
  f.check('order.rto-state', `${order}.state`, textAt(body, `${order}.state`) === 'Cancelled', 'an order returning to origin is Cancelled');
  const forward = forwardOf(body);
  if (forward.fulfillment !== undefined) f.check('order.rto-state', `${order}.fulfillments[${forward.index}].state.descriptor.code`, textAt(forward.fulfillment, 'state.descriptor.code') === 'Cancelled', 'the forward fulfillment of a return to origin is Cancelled');
  const item = arrayAt(body, `${order}.items`).find((i) => textAt(i, 'fulfillment_id') === rtoId);
  f.check('order.rto-item', `${order}.items`, item !== undefined, 'the RTO item is missing from the order');
  const lines = arrayAt(body, `${order}.quote.breakup`).filter((l) => textAt(l, '@ondc/org/item_id') === textAt(item, 'id'));
  for (const title of ['rto', 'tax']) f.check('order.rto-quote', `${order}.quote.breakup`, lines.some((l) => textAt(l, '@ondc/org/title_type') === title), `the RTO charge needs its ${title} line`);
  const started = textAt(rto, 'start.time.timestamp');
  const ended = textAt(rto, 'end.time.timestamp');
  f.check('order.rto-times', `${base}.start.time.timestamp`, started !== undefined && started <= (textAt(body, 'context.timestamp') ?? ''), 'the RTO needs its start time, not after the message');
  if (state === 'RTO-Initiated') f.check('order.rto-times', `${base}.end.time.timestamp`, ended === undefined, 'no RTO end time before it is delivered');
  if (state === 'RTO-Delivered') f.check('order.rto-times', `${base}.end.time.timestamp`, ended !== undefined, 'RTO-Delivered needs its end time');
}

function checkCancellation(f: FindingList, body: unknown): void {
  const order = 'message.order';
  if (textAt(body, `${order}.state`) !== 'Cancelled') return;
  f.require('order.cancellation', `${order}.cancellation`, ['cancelled_by', 'reason.id']);
  const reason = textAt(body, `${order}.cancellation.reason.id`);
  const by = textAt(body, `${order}.cancellation.cancelled_by`);
  if (reason === undefined || by === undefined) return;
  const allowed = by === textAt(body, 'context.bap_id') ? LBNP_CANCELLATION_REASON_IDS : LSP_CANCELLATION_REASON_IDS;
  f.check('order.cancellation-reason', `${order}.cancellation.reason.id`, allowed.includes(reason), `reason ${reason} is not one ${by === textAt(body, 'context.bap_id') ? 'the logistics buyer' : 'a logistics partner'} may give`);
}

const DIFF_TAG_FIELDS = ['id', 'weight_unit', 'weight_value', 'dim_unit', 'length', 'breadth', 'height'];
const DIFF_PROOF_FIELDS = ['id', 'type', 'url'];

/**
 * LOG11's weight differential (flow 021): a `diff` line with its `tax_diff`, only once the partner
 * has the parcel and never in the confirmation, and the forward fulfillment saying what it measured
 * (`linked_order_diff`) and how it proves it (`linked_order_diff_proof`), with the codes LVU asks.
 */
function checkWeightDifferential(f: FindingList, body: unknown, action: string): void {
  const order = 'message.order';
  const titles = arrayAt(body, `${order}.quote.breakup`).map((l) => textAt(l, '@ondc/org/title_type'));
  if (!titles.includes('diff') && !titles.includes('tax_diff')) return;
  f.check('order.weight-differential', `${order}.quote.breakup`, titles.includes('diff') && titles.includes('tax_diff'), 'a weight differential needs both its diff and tax_diff lines');
  f.check('order.weight-differential', 'context.action', action !== 'on_confirm', 'a weight differential comes after the confirmation, not in it');
  const forward = forwardOf(body);
  if (!forward.fulfillment) return;
  const base = `${order}.fulfillments[${forward.index}]`;
  const state = textAt(forward.fulfillment, 'state.descriptor.code') ?? '';
  f.check('order.weight-differential', `${base}.state.descriptor.code`, !BEFORE_PICKUP.includes(state), `a parcel is weighed once picked up, not while ${state}`);
  const tags = tagsAt(forward.fulfillment, 'tags');
  const diff = tags.find((t) => t.code === 'linked_order_diff');
  const proof = tags.find((t) => t.code === 'linked_order_diff_proof');
  f.check('order.weight-differential-tags', `${base}.tags`, diff !== undefined && DIFF_TAG_FIELDS.every((c) => diff.values.has(c)), `linked_order_diff needs ${DIFF_TAG_FIELDS.join(', ')}`);
  f.check('order.weight-differential-tags', `${base}.tags`, proof !== undefined && DIFF_PROOF_FIELDS.every((c) => proof.values.has(c)), `linked_order_diff_proof needs ${DIFF_PROOF_FIELDS.join(', ')}`);
  const weight = Number(diff?.values.get('weight_value'));
  if (diff) f.check('order.weight-differential-tags', `${base}.tags`, Number.isFinite(weight) && weight > 0 && ['kilogram', 'gram'].includes(diff.values.get('weight_unit') ?? ''), 'the measured weight is a positive number of kilograms or grams');
}

/** on_confirm, on_update, on_status and on_cancel all report the whole order. */
function checkOrder(f: FindingList, body: unknown, action: string): void {
  const order = 'message.order';
  f.require('order.required', order, ['id', 'state', 'provider.id', 'items', 'quote', 'fulfillments', 'created_at', 'updated_at']);
  const state = textAt(body, `${order}.state`);
  if (state !== undefined) f.check('order.state', `${order}.state`, (ORDER_STATES as readonly string[]).includes(state), `${state} is not an order state`);
  const now = textAt(body, 'context.timestamp') ?? '';
  const [created, updated] = [textAt(body, `${order}.created_at`), textAt(body, `${order}.updated_at`)];
  if (created !== undefined) f.check('order.dates', `${order}.created_at`, created <= now && (updated === undefined || created <= updated), 'created_at is after the message or after updated_at');
  if (updated !== undefined) f.check('order.dates', `${order}.updated_at`, updated <= now, 'updated_at is after the message');
  const domain = textAt(body, 'context.domain');
  arrayAt(body, `${order}.items`).forEach((_, i) => {
    f.require('order.items', `${order}.items[${i}]`, ['id', 'fulfillment_id', 'category_id', 'time.label', 'time.duration']);
    if (domain === 'ONDC:LOG10') f.require('order.items', `${order}.items[${i}]`, ['time.timestamp']);
  });
  if (at(body, `${order}.quote`) !== undefined) checkQuote(f, action, `${order}.quote`, body);
  const rtoIndex = arrayAt(body, `${order}.fulfillments`).findIndex((x) => textAt(x, 'type') === 'RTO');
  arrayAt(body, `${order}.fulfillments`).forEach((fulfillment, i) => {
    const base = `${order}.fulfillments[${i}]`;
    f.require('order.fulfillment', base, ['id', 'type', 'state.descriptor.code']);
    const type = textAt(fulfillment, 'type');
    if (type !== undefined) f.check('order.fulfillment', `${base}.type`, FULFILLMENT_TYPES.includes(type), `fulfillment type ${type} is not Delivery, Return or RTO`);
    const code = textAt(fulfillment, 'state.descriptor.code');
    if (code !== undefined) f.check('order.fulfillment-state', `${base}.state.descriptor.code`, (FULFILLMENT_STATES as readonly string[]).includes(code), `${code} is not a 1.2.5 fulfillment state`);
    for (const stop of ['start', 'end']) {
      for (const field of ['timestamp', 'range.start', 'range.end']) {
        const value = textAt(fulfillment, `${stop}.time.${field}`);
        if (value !== undefined) f.check('order.times', `${base}.${stop}.time.${field}`, RFC3339_MS.test(value), 'a time is RFC 3339 UTC with milliseconds');
      }
      const gps = textAt(fulfillment, `${stop}.location.gps`);
      if (gps !== undefined) f.check('order.gps', `${base}.${stop}.location.gps`, GPS.test(gps), 'gps needs six or more decimals');
    }
    if (type !== 'Delivery') return;
    if (domain === 'ONDC:LOG10') f.check('order.awb', `${base}.@ondc/org/awb_no`, at(fulfillment, '@ondc/org/awb_no') === undefined, 'a P2P (LOG10) shipment has no AWB');
    const implied = code === undefined ? undefined : ORDER_STATE_FOR[code];
    // A return to origin has its own rule for the order state (checkRto).
    if (implied !== undefined && rtoIndex < 0) f.check('order.state-for-fulfillment', `${order}.state`, state === implied, `a ${code} fulfillment needs the order ${implied}, not ${String(state)}`);
  });
  const forward = forwardOf(body);
  if (forward.fulfillment !== undefined) checkStateTimes(f, body, `${order}.fulfillments[${forward.index}]`, forward.fulfillment, rtoIndex >= 0);
  if (rtoIndex >= 0) checkRto(f, body, rtoIndex);
  if (forward.fulfillment !== undefined) checkCodCollection(f, body, `${order}.fulfillments[${forward.index}]`, forward.fulfillment);
  checkCodPaid(f, body);
  checkCancellation(f, body);
  checkWeightDifferential(f, body, action);
}

/** LVU's COD flow: a delivered cash-on-delivery order says what was collected, in `cod_collection_detail` (currency, value, timestamp). */
function checkCodCollection(f: FindingList, body: unknown, base: string, forward: unknown): void {
  if (textAt(forward, 'state.descriptor.code') !== 'Order-delivered' || textAt(body, 'message.order.payment.type') !== 'ON-FULFILLMENT') return;
  const detail = tagsAt(forward, 'tags').find((t) => t.code === 'cod_collection_detail');
  f.check('order.cod-collection', `${base}.tags`, detail !== undefined, 'a delivered COD order carries the cod_collection_detail tag');
  if (!detail) return;
  for (const field of ['currency', 'value', 'timestamp']) f.check('order.cod-collection', `${base}.tags`, detail.values.has(field), `cod_collection_detail needs ${field}`);
  const value = detail.values.get('value');
  if (value !== undefined) f.check('order.cod-collection', `${base}.tags`, TWO_DECIMALS.test(value), 'the collected value has at most two decimals');
}

/** LVU's on_status: the order says where its payment stands. */
function checkOnStatus(f: FindingList, body: unknown): void {
  checkOrder(f, body, 'on_status');
  const status = textAt(body, 'message.order.payment.status');
  f.check('on_status.payment-status', 'message.order.payment.status', status === 'PAID' || status === 'NOT-PAID', 'an on_status says whether the order is PAID or NOT-PAID');
}

/** LVU's COD flow: a completed cash-on-delivery order is paid, and says when the cash was taken. */
function checkCodPaid(f: FindingList, body: unknown): void {
  const payment = 'message.order.payment';
  if (textAt(body, 'message.order.state') !== 'Completed' || textAt(body, `${payment}.type`) !== 'ON-FULFILLMENT') return;
  f.check('order.cod-paid', `${payment}.status`, textAt(body, `${payment}.status`) === 'PAID', 'a completed COD order has payment status PAID');
  const paidAt = textAt(body, `${payment}.time.timestamp`);
  f.check('order.cod-paid', `${payment}.time.timestamp`, paidAt !== undefined && RFC3339_MS.test(paidAt), 'a completed COD order says when it was paid (RFC 3339 UTC with milliseconds)');
}

function checkOnConfirm(f: FindingList, body: unknown): void {
  checkOrder(f, body, 'on_confirm');
  const forward = forwardOf(body);
  if (!forward.fulfillment) return;
  const base = `message.order.fulfillments[${forward.index}]`;
  // LVU: hyperlocal riders are tracked; the buyer app shows the rider from the start.
  if (textAt(body, 'context.domain') === 'ONDC:LOG10') f.check('on_confirm.tracking', `${base}.tracking`, at(forward.fulfillment, 'tracking') === true, 'tracking must be enabled (true) for a P2P order');
}

function checkOnCancel(f: FindingList, body: unknown): void {
  checkOrder(f, body, 'on_cancel');
  f.check('on_cancel.state', 'message.order.state', textAt(body, 'message.order.state') === 'Cancelled', 'an on_cancel reports the order Cancelled');
  const forward = forwardOf(body);
  if (!forward.fulfillment) return;
  const base = `message.order.fulfillments[${forward.index}]`;
  const tags = tagsAt(forward.fulfillment, 'tags');
  const before = tags.find((t) => t.code === 'precancel_state');
  f.check('on_cancel.precancel-state', `${base}.tags`, before !== undefined && before.values.has('updated_at'), 'the precancel_state tag (fulfillment_state, updated_at) is required');
  const previous = before?.values.get('fulfillment_state');
  if (before) f.check('on_cancel.precancel-state', `${base}.tags`, previous !== undefined && (FULFILLMENT_STATES as readonly string[]).includes(previous), 'precancel_state names no fulfillment state');
  const rto = arrayAt(body, 'message.order.fulfillments').find((x) => textAt(x, 'type') === 'RTO');
  if (!rto && (previous === undefined || BEFORE_PICKUP.includes(previous))) return;
  const event = tags.find((t) => t.code === 'rto_event');
  f.check('on_cancel.rto-event', `${base}.tags`, event !== undefined, 'a cancellation after pickup carries the rto_event tag');
  if (!event) return;
  for (const field of RTO_EVENT_FIELDS) f.check('on_cancel.rto-event', `${base}.tags`, event.values.has(field), `rto_event needs ${field}`);
  f.check('on_cancel.rto-event', `${base}.tags`, event.values.get('rto_id') === textAt(rto, 'id'), 'rto_id names no RTO fulfillment of the order');
  f.check('on_cancel.rto-event', `${base}.tags`, event.values.get('cancellation_reason_id') === textAt(body, 'message.order.cancellation.reason.id'), 'rto_event cancellation_reason_id differs from the order\'s cancellation');
}

function checkOnTrack(f: FindingList, body: unknown): void {
  f.require('on_track.tracking', 'message.tracking', ['id', 'status']);
  const status = textAt(body, 'message.tracking.status');
  if (status !== undefined) f.check('on_track.tracking', 'message.tracking.status', status === 'active' || status === 'inactive', 'status is neither active nor inactive');
  if (status === 'active') f.check('on_track.tracking', 'message.tracking', textAt(body, 'message.tracking.url') !== undefined || at(body, 'message.tracking.location') !== undefined, 'active tracking needs a url or a location');
  const gps = textAt(body, 'message.tracking.location.gps');
  if (gps !== undefined) f.check('on_track.location', 'message.tracking.location.gps', GPS.test(gps), 'gps needs six or more decimals');
  for (const field of ['time.timestamp', 'updated_at']) {
    const value = textAt(body, `message.tracking.location.${field}`);
    if (value !== undefined) f.check('on_track.location', `message.tracking.location.${field}`, RFC3339_MS.test(value) && value <= (textAt(body, 'context.timestamp') ?? ''), `location ${field} is not RFC 3339 or is after the message`);
  }
}

const BY_ACTION: Readonly<Record<string, (f: FindingList, body: unknown) => void>> = {
  on_search: checkOnSearch,
  on_init: checkOnInit,
  on_confirm: checkOnConfirm,
  on_update: (f, body) => checkOrder(f, body, 'on_update'),
  on_status: checkOnStatus,
  on_cancel: checkOnCancel,
  on_track: checkOnTrack,
};

/** The last message of an action among those before, from this partner when it names one. */
function lastOf(before: readonly TransactionMessage[], action: string, bppId: string | undefined): unknown {
  for (let i = before.length - 1; i >= 0; i--) {
    const body = before[i]?.body;
    if (textAt(body, 'context.action') !== action) continue;
    const theirs = textAt(body, 'context.bpp_id');
    if (bppId !== undefined && theirs !== undefined && theirs !== bppId) continue;
    return body;
  }
  return undefined;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
}

/** What a callback must repeat from its transaction: ids, the catalog, the quote agreed, the order confirmed. */
function checkAgainstTransaction(f: FindingList, body: unknown, before: readonly TransactionMessage[]): void {
  const action = textAt(body, 'context.action') ?? '';
  const bppId = textAt(body, 'context.bpp_id');
  const search = lastOf(before, 'search', undefined);
  for (const field of ['transaction_id', 'domain', 'city', 'bap_id', 'bap_uri']) {
    if (search) f.check('transaction.context', `context.${field}`, textAt(body, `context.${field}`) === textAt(search, `context.${field}`), `context.${field} differs from the /search`);
  }
  const asked = ANSWERS[action];
  if (asked) {
    const request = before.filter((m) => m.direction === 'sent' && textAt(m.body, 'context.action') === asked).some((m) => textAt(m.body, 'context.message_id') === textAt(body, 'context.message_id'));
    f.check('transaction.message-id', 'context.message_id', request, `an ${action} repeats the message_id of our /${asked}`);
  }
  if (action === 'on_search') return;
  const onSearch = lastOf(before, 'on_search', bppId);
  if (onSearch) f.check('transaction.context', 'context.bpp_uri', textAt(body, 'context.bpp_uri') === textAt(onSearch, 'context.bpp_uri'), 'bpp_uri differs from the partner\'s /on_search');
  const init = lastOf(before, 'init', bppId);
  const confirm = lastOf(before, 'confirm', bppId);
  if (action === 'on_init' && init) checkOnInitAgainst(f, body, init, onSearch);
  if (ORDER_CALLBACKS.includes(action) && confirm) checkOrderAgainst(f, body, action, confirm, before);
  if (action === 'on_track' && confirm) {
    const ids = arrayAt(lastOf(before, 'on_confirm', bppId), 'message.order.fulfillments').map((x) => textAt(x, 'id'));
    if (ids.length > 0) f.check('transaction.stable-ids', 'message.tracking.id', ids.includes(textAt(body, 'message.tracking.id')), 'tracking.id names no fulfillment of the order');
  }
}

function checkOnInitAgainst(f: FindingList, body: unknown, init: unknown, onSearch: unknown): void {
  const order = 'message.order';
  f.check('transaction.stable-ids', `${order}.provider.id`, textAt(body, `${order}.provider.id`) === textAt(init, `${order}.provider.id`), 'provider differs from the /init');
  const ids = (b: unknown) => arrayAt(b, `${order}.items`).map((i) => [textAt(i, 'id'), textAt(i, 'fulfillment_id')]);
  f.check('transaction.stable-ids', `${order}.items`, sameJson(ids(body), ids(init)), 'items differ from the /init');
  for (const field of ['type', 'collected_by']) {
    f.check('transaction.payment-echoed', `${order}.payment.${field}`, textAt(body, `${order}.payment.${field}`) === textAt(init, `${order}.payment.${field}`), `payment ${field} differs from the /init`);
  }
  const provider = arrayAt(onSearch, 'message.catalog.bpp/providers').find((p) => textAt(p, 'id') === textAt(body, `${order}.provider.id`));
  const item = arrayAt(provider, 'items').find((i) => textAt(i, 'id') === textAt(body, `${order}.items[0].id`));
  const surge = surgeTaken(provider, init);
  // A surge taken is priced on top of the catalog's (tax inclusive) item price: its line and its tax.
  const surgePrice = arrayAt(body, `${order}.quote.breakup`).filter((l) => surge !== undefined && textAt(l, '@ondc/org/item_id') === textAt(surge, 'id')).reduce<number>((n, l) => n + decimal(textAt(l, 'price.value')), 0);
  if (item) f.check('transaction.catalog-price', `${order}.quote.price.value`, (decimal(textAt(body, `${order}.quote.price.value`)) - surgePrice).toFixed(2) === decimal(textAt(item, 'price.value')).toFixed(2), 'the quote differs from the catalog price');
  if (surge) checkSurgeQuote(f, body, surge, false);
  // LVU: an Immediate Delivery partner says whether the rider checks the parcel inline.
  if (textAt(init, `${order}.items[0].category_id`) === 'Immediate Delivery') {
    const check = arrayAt(body, `${order}.fulfillments`).flatMap((x) => tagsAt(x, 'tags')).find((t) => t.code === 'rider_check');
    f.check('on_init.rider-check', `${order}.fulfillments`, check?.values.get('inline_check_for_rider') === 'yes', 'Immediate Delivery needs rider_check.inline_check_for_rider "yes"');
  }
}

/** The partner's surge item (1.2.5: an item whose `type` tag says `surge`), when our request took it as an item of the order. */
function surgeTaken(provider: unknown, request: unknown): unknown {
  const surge = arrayAt(provider, 'items').find((i) => tagsAt(i, 'tags').some((t) => t.code === 'type' && t.values.get('type') === 'surge'));
  if (!surge) return undefined;
  return arrayAt(request, 'message.order.items').some((i) => textAt(i, 'id') === textAt(surge, 'id')) ? surge : undefined;
}

/** LVU's surge rules: the surge line at the catalog's surge price, its own tax line, and (in the order) the surge item, marked. */
function checkSurgeQuote(f: FindingList, body: unknown, surge: unknown, inOrder: boolean): void {
  const order = 'message.order';
  const id = textAt(surge, 'id');
  const lines = arrayAt(body, `${order}.quote.breakup`);
  const line = lines.find((l) => textAt(l, '@ondc/org/title_type') === 'surge');
  f.check('order.surge', `${order}.quote.breakup`, line !== undefined && decimal(textAt(line, 'price.value')) === decimal(textAt(surge, 'price.value')), 'the surge line must be priced as the catalog\'s surge item');
  f.check('order.surge', `${order}.quote.breakup`, lines.some((l) => textAt(l, '@ondc/org/title_type') === 'tax' && textAt(l, '@ondc/org/item_id') === id), `the surge needs its tax line for item ${String(id)}`);
  if (!inOrder) return;
  const item = arrayAt(body, `${order}.items`).find((i) => textAt(i, 'id') === id);
  f.check('order.surge', `${order}.items`, item !== undefined && tagsAt(item, 'tags').some((t) => t.code === 'type' && t.values.get('type') === 'surge'), 'the surge item, marked type surge, is missing from the order');
}

function readyToShip(fulfillments: unknown[]): boolean {
  return fulfillments.some((x) => tagsAt(x, 'tags').find((t) => t.code === 'state')?.values.get('ready_to_ship') === 'yes');
}

function checkOrderAgainst(f: FindingList, body: unknown, action: string, confirm: unknown, before: readonly TransactionMessage[]): void {
  const order = 'message.order';
  f.check('transaction.stable-ids', `${order}.id`, textAt(body, `${order}.id`) === textAt(confirm, `${order}.id`), 'order id differs from the /confirm');
  f.check('transaction.stable-ids', `${order}.provider.id`, textAt(body, `${order}.provider.id`) === textAt(confirm, `${order}.provider.id`), 'provider differs from the /confirm');
  const confirmedItem = arrayAt(confirm, `${order}.items`)[0];
  const item = arrayAt(body, `${order}.items`).find((i) => textAt(i, 'id') === textAt(confirmedItem, 'id'));
  f.check('transaction.stable-ids', `${order}.items`, item !== undefined && textAt(item, 'category_id') === textAt(confirmedItem, 'category_id') && textAt(item, 'fulfillment_id') === textAt(confirmedItem, 'fulfillment_id'), 'the confirmed item is missing or changed');
  const forward = forwardOf(body);
  const confirmedFulfillment = textAt(confirm, `${order}.fulfillments[0].id`);
  if (forward.fulfillment) f.check('transaction.stable-ids', `${order}.fulfillments[${forward.index}].id`, textAt(forward.fulfillment, 'id') === confirmedFulfillment, 'the fulfillment id differs from the /confirm');
  if (action === 'on_confirm') {
    f.check('transaction.quote-echoed', `${order}.quote.price`, sameJson(at(body, `${order}.quote.price`), at(confirm, `${order}.quote.price`)), 'the quote differs from the /confirm');
    // LVU: ready to ship at /confirm is answered with the pickup slot.
    if (forward.fulfillment && readyToShip(arrayAt(confirm, `${order}.fulfillments`))) f.require('on_confirm.pickup-slot', `${order}.fulfillments[${forward.index}].start.time`, ['range.start', 'range.end']);
  }
  // The ready-to-ship /update says ready_to_ship yes; the answer to a weight differential repeats it, but carries a quote and asks no slots.
  const bppId = textAt(body, 'context.bpp_id');
  const update = lastOf(before, 'update', bppId);
  const readyToShipUpdate = update !== undefined && readyToShip(arrayAt(update, `${order}.fulfillments`)) && at(update, `${order}.quote`) === undefined;
  if (action === 'on_update' && forward.fulfillment && readyToShipUpdate && textAt(body, 'context.message_id') === textAt(update, 'context.message_id')) {
    // LVU: the answer to ready to ship gives the pickup and delivery slots, and for P2H2P the shipping label.
    const base = `${order}.fulfillments[${forward.index}]`;
    f.require('on_update.rts-slots', `${base}.start.time`, ['range.start', 'range.end']);
    f.require('on_update.rts-slots', `${base}.end.time`, ['range.start', 'range.end']);
    if (textAt(body, 'context.domain') === 'ONDC:LOG11') f.check('on_update.shipping-label', `${base}.start.instructions.images`, arrayAt(forward.fulfillment, 'start.instructions.images').some((x) => typeof x === 'string' && x !== ''), 'a P2H2P shipment ready to ship needs its shipping label');
  }
  const onSearch = lastOf(before, 'on_search', bppId);
  const surge = surgeTaken(arrayAt(onSearch, 'message.catalog.bpp/providers').find((p) => textAt(p, 'id') === textAt(confirm, `${order}.provider.id`)), confirm);
  if (surge) checkSurgeQuote(f, body, surge, true);
  // LVU: once reported, the pickup time does not move (another partner of the transaction has its own).
  const picked = textAt(forward.fulfillment, 'start.time.timestamp');
  const earlier = before
    .filter((m) => m.direction === 'received' && ORDER_CALLBACKS.includes(textAt(m.body, 'context.action') ?? '') && textAt(m.body, 'context.bpp_id') === bppId)
    .map((m) => textAt(forwardOf(m.body).fulfillment, 'start.time.timestamp'))
    .find((t) => t !== undefined);
  if (picked !== undefined && earlier !== undefined) f.check('transaction.stable-pickup-time', `${order}.fulfillments[${forward.index}].start.time.timestamp`, picked === earlier, 'the pickup time differs from the one reported before');
}

/**
 * The findings on one callback we receive: its own rules, and (given the messages of its
 * transaction before it, in order) what it must repeat from them. An action that is no callback
 * is a finding of its own.
 */
export function checkReceivedMessage(body: unknown, before: readonly TransactionMessage[] = []): ConformanceFinding[] {
  const f = new FindingList(body);
  const action = textAt(body, 'context.action') ?? '';
  if (action === 'on_issue') {
    checkIgmMessage(f, body, 'on_issue');
    if (before.length > 0) checkIgmAgainstTransaction(f, body, before);
    return f.findings;
  }
  if (action === 'on_recon') {
    checkRsfMessage(f, body, 'on_recon');
    if (before.length > 0) checkRsfAgainstTransaction(f, body, before);
    return f.findings;
  }
  checkContext(f, body);
  const check = BY_ACTION[action];
  if (!check) {
    f.add('context.action', 'context.action', `${action} is not a callback a logistics partner sends`);
    return f.findings;
  }
  check(f, body);
  if (before.length > 0) checkAgainstTransaction(f, body, before);
  return f.findings;
}

/** Every finding on what partners sent in one transaction, each callback against what came before it. */
export function checkReceivedTransaction(messages: readonly TransactionMessage[]): ConformanceFinding[] {
  return messages.flatMap(({ direction, body }, index) => (direction === 'received' ? checkReceivedMessage(body, messages.slice(0, index)) : []));
}
