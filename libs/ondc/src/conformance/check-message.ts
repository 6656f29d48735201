import { LBNP_CANCELLATION_REASON_IDS } from '../error-codes';
import { checkIgmMessage } from './check-igm-message';
import { checkRsfMessage } from './check-rsf-message';
import { FindingList, arrayAt, at, isObject, tagsAt, textAt } from './conformance-finding';
import type { ConformanceFinding } from './conformance-finding';

/**
 * The ONDC logistics 1.2.5 rules for one request a logistics buyer sends (LOG10 and LOG11), as
 * ONDC's log verification utility and the Protocol Workbench's LOG10/LOG11 validations state them
 * (docs/adr/0033 lists the sources). Pure: the message in, the findings out.
 */

const REQUIRED_ADDRESS = ['name', 'building', 'locality', 'city', 'state', 'country', 'area_code'] as const;
const GPS = /^-?[0-9]{1,3}\.[0-9]{6,15},-?[0-9]{1,3}\.[0-9]{6,15}$/;
const HHMM = /^(?:[01][0-9]|2[0-3])[0-5][0-9]$/;
const WEEKDAYS = /^(?!.*(\d).*\1)[1-7](?:,[1-7])*$/;
const NATIONAL_PHONE = /^[0-9]{10,11}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ORDER_ID = /^[a-zA-Z0-9-_]{1,32}$/;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const GOODS_CATEGORIES = ['Grocery', 'F&B', 'Fashion', 'BPC', 'Electronics', 'Home & Kitchen', 'Pharma', 'Agriculture', 'Mobility'];
/** Pickup codes other than an order number (type 1, ten digits) are at most six letters or digits. */
const SHORT_CODE = /^[a-zA-Z0-9]{1,6}$/;
const MAX_ADDRESS_TEXT = 190;

function checkContext(f: FindingList, body: unknown): void {
  const action = textAt(body, 'context.action');
  f.require('context.required', 'context', ['domain', 'country', 'city', 'action', 'core_version', 'bap_id', 'bap_uri', 'transaction_id', 'message_id', 'timestamp', 'ttl']);
  if (action !== 'search') f.require('context.required', 'context', ['bpp_id', 'bpp_uri']);
  const domain = textAt(body, 'context.domain');
  f.check('context.domain', 'context.domain', domain === 'ONDC:LOG10' || domain === 'ONDC:LOG11', `domain ${String(domain)} is neither ONDC:LOG10 nor ONDC:LOG11`);
  f.check('context.core-version', 'context.core_version', textAt(body, 'context.core_version') === '1.2.5', 'core_version must be 1.2.5');
  f.check('context.ttl', 'context.ttl', textAt(body, 'context.ttl') === 'PT30S', 'ttl must be PT30S');
}

function checkAddress(f: FindingList, rule: string, path: string, body: unknown): void {
  f.require(rule, path, REQUIRED_ADDRESS);
  const address = at(body, path);
  const length = ['name', 'building', 'locality'].reduce((n, field) => n + (textAt(address, field)?.length ?? 0), 0);
  f.check(rule, path, length <= MAX_ADDRESS_TEXT, `name, building and locality together are ${length} characters, above ${MAX_ADDRESS_TEXT}`);
}

function checkContact(f: FindingList, rule: string, path: string, body: unknown): void {
  f.require(rule, path, ['phone', 'email']);
  const phone = textAt(body, `${path}.phone`);
  if (phone !== undefined) f.check(rule, `${path}.phone`, NATIONAL_PHONE.test(phone), `phone ${phone} is not 10 or 11 digits`);
  const email = textAt(body, `${path}.email`);
  if (email !== undefined) f.check(rule, `${path}.email`, EMAIL.test(email), `email ${email} is not an e-mail address`);
}

function checkSearch(f: FindingList, body: unknown): void {
  const intent = 'message.intent';
  f.require('search.intent', intent, ['category.id', 'fulfillment.type', 'payment.type', '@ondc/org/payload_details.weight', '@ondc/org/payload_details.category', '@ondc/org/payload_details.value']);
  f.require('search.dangerous-goods', `${intent}.@ondc/org/payload_details`, ['dangerous_goods']);
  const time = `${intent}.provider.time`;
  f.require('search.provider-time', time, ['days', 'duration', 'range.start', 'range.end']);
  const days = textAt(body, `${time}.days`);
  if (days !== undefined) f.check('search.provider-time', `${time}.days`, WEEKDAYS.test(days), `days ${days} is not a list of distinct weekdays 1 to 7`);
  const [open, close] = [textAt(body, `${time}.range.start`), textAt(body, `${time}.range.end`)];
  if (open !== undefined && close !== undefined) {
    f.check('search.provider-time', `${time}.range`, HHMM.test(open) && HHMM.test(close) && open < close, `range ${open}-${close} is not HHMM with the end after the start`);
  }
  const duration = textAt(body, `${time}.duration`);
  if (duration !== undefined) f.check('search.provider-time', `${time}.duration`, ISO_DURATION.test(duration), `duration ${duration} is not an ISO 8601 duration`);
  const holidays = at(body, `${time}.schedule.holidays`);
  f.check('search.holidays', `${time}.schedule.holidays`, Array.isArray(holidays), 'schedule.holidays is required (an empty list when there are none)');
  const today = (textAt(body, 'context.timestamp') ?? '').slice(0, 10);
  arrayAt(body, `${time}.schedule.holidays`).forEach((day, i) =>
    f.check('search.holidays', `${time}.schedule.holidays[${i}]`, typeof day === 'string' && day >= today, `holiday ${String(day)} is past dated`),
  );
  f.require('search.start-location-id', `${intent}.fulfillment.start.location`, ['id']);
  for (const stop of ['start', 'end']) {
    const gps = textAt(body, `${intent}.fulfillment.${stop}.location.gps`);
    f.check('search.gps', `${intent}.fulfillment.${stop}.location.gps`, gps !== undefined && GPS.test(gps), `gps ${String(gps)} needs six or more decimals`);
    f.require('search.area-code', `${intent}.fulfillment.${stop}.location.address`, ['area_code']);
  }
  const fulfillmentTags = tagsAt(body, `${intent}.fulfillment.tags`);
  f.check('search.fulfillment-tags', `${intent}.fulfillment.tags`, fulfillmentTags.length > 0, 'fulfillment tags (linked_provider, linked_order) are required');
  fulfillmentTags.forEach((tag, i) =>
    f.check('search.fulfillment-tags', `${intent}.fulfillment.tags[${i}].code`, ['linked_provider', 'linked_order', 'fulfill_request'].includes(tag.code), `tag ${tag.code} is not allowed here`),
  );
  const linkedCategory = fulfillmentTags.find((t) => t.code === 'linked_order')?.values.get('category');
  if (linkedCategory !== undefined) f.check('search.goods-category', `${intent}.fulfillment.tags`, GOODS_CATEGORIES.includes(linkedCategory), `linked_order category ${linkedCategory} is not a 1.2.5 goods category`);
  const provider = fulfillmentTags.find((t) => t.code === 'linked_provider');
  if (provider) f.check('search.fulfillment-tags', `${intent}.fulfillment.tags`, provider.values.has('id'), 'linked_provider needs an id');
  const intentTags = tagsAt(body, `${intent}.tags`);
  const features = intentTags.find((t) => t.code === 'lbnp_features');
  f.check('search.lbnp-features', `${intent}.tags`, features !== undefined && features.values.size > 0, 'intent tags need lbnp_features with at least one feature');
  for (const [code, value] of features?.values ?? []) f.check('search.lbnp-features', `${intent}.tags`, value === 'yes' || value === 'no', `feature ${code} must be yes or no`);
  const category = textAt(body, `${intent}.@ondc/org/payload_details.category`);
  if (category !== undefined) f.check('search.goods-category', `${intent}.@ondc/org/payload_details.category`, GOODS_CATEGORIES.includes(category), `category ${category} is not a 1.2.5 goods category`);
}

function checkStops(f: FindingList, body: unknown, withPerson: boolean): void {
  arrayAt(body, 'message.order.fulfillments').forEach((_, i) => {
    const base = `message.order.fulfillments[${i}]`;
    f.require('order.fulfillment', base, ['id', 'type']);
    for (const stop of ['start', 'end']) {
      f.require('order.stop-location', `${base}.${stop}.location`, ['gps']);
      checkAddress(f, 'order.stop-address', `${base}.${stop}.location.address`, body);
      checkContact(f, 'order.stop-contact', `${base}.${stop}.contact`, body);
      if (withPerson) f.require('order.stop-person', `${base}.${stop}.person`, ['name']);
    }
  });
}

function checkBilling(f: FindingList, body: unknown): void {
  f.require('order.billing', 'message.order.billing', ['name', 'tax_number', 'phone', 'email', 'created_at', 'updated_at']);
  checkAddress(f, 'order.billing', 'message.order.billing.address', body);
  const created = textAt(body, 'message.order.billing.created_at');
  const sent = textAt(body, 'context.timestamp') ?? '';
  if (created !== undefined) f.check('order.billing-dates', 'message.order.billing.created_at', created <= sent, 'billing.created_at is after the message');
  f.check('order.billing-dates', 'message.order.billing.updated_at', created === textAt(body, 'message.order.billing.updated_at'), 'billing.created_at and updated_at differ');
}

function checkSettlement(f: FindingList, body: unknown, detailsRequired: boolean): void {
  const payment = 'message.order.payment';
  f.require('order.payment', payment, ['type', 'collected_by']);
  f.check('order.settlement-basis', `${payment}.@ondc/org/settlement_basis`, textAt(body, `${payment}.@ondc/org/settlement_basis`) === 'invoicing', 'settlement_basis must be invoicing');
  const window = textAt(body, `${payment}.@ondc/org/settlement_window`);
  f.check('order.settlement-window', `${payment}.@ondc/org/settlement_window`, window !== undefined && ISO_DURATION.test(window), 'settlement_window must be an ISO 8601 duration');
  const details = arrayAt(body, `${payment}.@ondc/org/settlement_details`);
  if (detailsRequired) f.check('order.settlement-details', `${payment}.@ondc/org/settlement_details`, details.length > 0, 'settlement_details are required in /confirm');
  details.forEach((_, i) => {
    const path = `${payment}.@ondc/org/settlement_details[${i}]`;
    const counterparty = textAt(body, `${path}.settlement_counterparty`);
    f.check('order.settlement-details', `${path}.settlement_counterparty`, counterparty === 'lbnp' || counterparty === 'lsp', `settlement_counterparty ${String(counterparty)} is neither lbnp nor lsp`);
    const type = textAt(body, `${path}.settlement_type`);
    if (type === 'upi') f.require('order.settlement-details', path, ['upi_address']);
    else if (type === 'neft' || type === 'rtgs') f.require('order.settlement-details', path, ['settlement_ifsc_code', 'settlement_bank_account_no', 'bank_name', 'branch_name']);
    else f.add('order.settlement-details', `${path}.settlement_type`, `settlement_type ${String(type)} is not upi, neft or rtgs`);
  });
}

function checkTermsAccepted(f: FindingList, body: unknown): void {
  const accepted = tagsAt(body, 'message.order.tags').find((t) => t.code === 'bap_terms')?.values.get('accept_bpp_terms');
  f.check('order.bap-terms', 'message.order.tags', accepted === 'yes' || accepted === 'no', 'bap_terms.accept_bpp_terms must be yes or no');
}

function checkInit(f: FindingList, body: unknown): void {
  f.require('init.order', 'message.order', ['provider.id']);
  arrayAt(body, 'message.order.items').forEach((_, i) => f.require('init.items', `message.order.items[${i}]`, ['id', 'fulfillment_id', 'category_id']));
  checkStops(f, body, false);
  checkBilling(f, body);
  checkSettlement(f, body, false);
  checkTermsAccepted(f, body);
}

function checkPickupInstructions(f: FindingList, base: string, body: unknown): void {
  const ready = tagsAt(body, `${base}.tags`).find((t) => t.code === 'state')?.values.get('ready_to_ship');
  if (ready !== 'yes') return;
  f.require('order.pickup-code', `${base}.start.instructions`, ['code', 'short_desc']);
  const code = textAt(body, `${base}.start.instructions.code`);
  const value = textAt(body, `${base}.start.instructions.short_desc`) ?? '';
  if (code === '1') f.check('order.pickup-code', `${base}.start.instructions.short_desc`, /^[0-9]{10}$/.test(value), 'an order-number pickup code is ten digits');
  else f.check('order.pickup-code', `${base}.start.instructions`, ['2', '3', '4'].includes(code ?? '') && SHORT_CODE.test(value), `pickup code type ${String(code)} "${value}" is not type 2, 3 or 4 with at most six letters or digits`);
}

function checkLinkedTags(f: FindingList, base: string, body: unknown, required: readonly string[]): void {
  const tags = tagsAt(body, `${base}.tags`);
  const codes = new Set(tags.map((t) => t.code));
  for (const code of required) f.check('order.fulfillment-tags', `${base}.tags`, codes.has(code), `the ${code} tag is required`);
  const order = tags.find((t) => t.code === 'linked_order');
  for (const field of ['id', 'currency', 'declared_value', 'weight_unit', 'weight_value']) {
    if (order) f.check('order.linked-order-tag', `${base}.tags`, order.values.has(field), `linked_order needs ${field}`);
  }
  for (const item of tags.filter((t) => t.code === 'linked_order_item')) {
    for (const field of ['category', 'name', 'currency', 'value', 'quantity']) f.check('order.linked-order-item-tag', `${base}.tags`, item.values.has(field), `linked_order_item needs ${field}`);
  }
  const provider = tags.find((t) => t.code === 'linked_provider');
  for (const field of ['id', 'name']) if (provider) f.check('order.linked-provider-tag', `${base}.tags`, provider.values.has(field), `linked_provider needs ${field}`);
}

/** The retail order's weight must be what its lines weigh (unit weight times count). */
function checkLinkedOrderWeight(f: FindingList, body: unknown): void {
  const linked = 'message.order.@ondc/org/linked_order';
  const grams = (unit: unknown, value: unknown) => (typeof value === 'number' ? value * (unit === 'kilogram' ? 1000 : 1) : NaN);
  const order = grams(at(body, `${linked}.order.weight.unit`), at(body, `${linked}.order.weight.value`));
  const lines = arrayAt(body, `${linked}.items`).reduce<number>(
    (sum, item) => sum + grams(at(item, 'quantity.measure.unit'), at(item, 'quantity.measure.value')) * Number(at(item, 'quantity.count') ?? NaN),
    0,
  );
  f.check('order.linked-order-weight', `${linked}.order.weight`, order.toFixed(2) === lines.toFixed(2), `the order weighs ${order} g, its lines ${lines} g`);
  arrayAt(body, `${linked}.items`).forEach((_, i) => {
    const category = textAt(body, `${linked}.items[${i}].category_id`);
    f.check('order.linked-order-category', `${linked}.items[${i}].category_id`, category !== undefined && GOODS_CATEGORIES.includes(category), `category ${String(category)} is not a 1.2.5 goods category`);
  });
}

function checkConfirm(f: FindingList, body: unknown): void {
  const order = 'message.order';
  f.require('confirm.order', order, ['id', 'state', 'provider.id', 'quote', '@ondc/org/linked_order', 'created_at', 'updated_at']);
  const id = textAt(body, `${order}.id`);
  if (id !== undefined) f.check('confirm.order-id', `${order}.id`, ORDER_ID.test(id), `order id ${id} is not up to 32 letters, digits, - or _`);
  const sent = textAt(body, 'context.timestamp') ?? '';
  for (const field of ['created_at', 'updated_at']) {
    const value = textAt(body, `${order}.${field}`);
    if (value !== undefined) f.check('confirm.order-dates', `${order}.${field}`, value <= sent, `${field} is after the message`);
  }
  const quote = at(body, `${order}.quote`);
  const extra = Object.keys(isObject(quote) ? quote : {}).filter((k) => k !== 'price' && k !== 'breakup');
  f.check('confirm.quote-shape', `${order}.quote`, extra.length === 0, `the order's quote carries ${extra.join(', ')}, which 1.2.5 does not allow`);
  const total = Number(textAt(body, `${order}.quote.price.value`));
  const parts = arrayAt(body, `${order}.quote.breakup`).reduce<number>((sum, line) => sum + Number(textAt(line, 'price.value')), 0);
  f.check('confirm.quote-adds-up', `${order}.quote`, total.toFixed(2) === parts.toFixed(2), `the breakup adds up to ${parts.toFixed(2)}, not ${total.toFixed(2)}`);
  const domain = textAt(body, 'context.domain');
  arrayAt(body, `${order}.items`).forEach((_, i) => {
    f.require('confirm.item-time', `${order}.items[${i}]`, ['id', 'fulfillment_id', 'category_id', 'time.label', 'time.duration']);
    if (domain === 'ONDC:LOG10') f.require('confirm.item-time', `${order}.items[${i}]`, ['time.timestamp']);
  });
  checkStops(f, body, true);
  arrayAt(body, `${order}.fulfillments`).forEach((_, i) => {
    const base = `${order}.fulfillments[${i}]`;
    f.require('confirm.pickup-time', `${base}.start.time`, ['duration']);
    checkPickupInstructions(f, base, body);
    checkLinkedTags(f, base, body, ['state', 'rto_action', 'linked_provider', 'linked_order', 'linked_order_item']);
    if (textAt(body, `${order}.payment.type`) === 'ON-FULFILLMENT') {
      f.check('confirm.cod-settlement', `${base}.tags`, tagsAt(body, `${base}.tags`).some((t) => t.code === 'cod_settlement_detail'), 'a COD order needs the cod_settlement_detail tag');
      const cod = tagsAt(body, `${base}.tags`).find((t) => t.code === 'linked_order')?.values.get('cod_order');
      f.check('confirm.cod-settlement', `${base}.tags`, cod === 'yes', 'a COD order says cod_order "yes" in linked_order');
    }
  });
  checkBilling(f, body);
  checkSettlement(f, body, true);
  checkTermsAccepted(f, body);
  f.check('confirm.bpp-terms', `${order}.tags`, tagsAt(body, `${order}.tags`).some((t) => t.code === 'bpp_terms'), 'the partner terms accepted (bpp_terms) must be repeated');
  f.require('confirm.linked-order', `${order}.@ondc/org/linked_order`, ['provider.descriptor.name', 'provider.address.name', 'provider.address.locality', 'provider.address.city', 'provider.address.state', 'provider.address.area_code', 'order.id', 'order.weight']);
  checkLinkedOrderWeight(f, body);
}

const UPDATE_TAGS = ['state', 'linked_provider', 'linked_order', 'linked_order_item'];

function checkUpdate(f: FindingList, body: unknown): void {
  const order = 'message.order';
  f.check('update.target', 'message.update_target', textAt(body, 'message.update_target') === 'fulfillment', 'update_target must be fulfillment');
  f.require('update.order', order, ['id', 'updated_at']);
  arrayAt(body, `${order}.items`).forEach((_, i) => f.require('update.order', `${order}.items[${i}]`, ['id', 'category_id']));
  const updated = textAt(body, `${order}.updated_at`);
  if (updated !== undefined) f.check('update.order', `${order}.updated_at`, updated <= (textAt(body, 'context.timestamp') ?? ''), 'updated_at is after the message');
  arrayAt(body, `${order}.fulfillments`).forEach((_, i) => {
    const base = `${order}.fulfillments[${i}]`;
    f.require('update.fulfillment', base, ['id', 'type', 'start', 'end']);
    const tags = tagsAt(body, `${base}.tags`);
    f.check('update.fulfillment-tags', `${base}.tags`, tags.length >= 2, 'a fulfillment update carries at least two tags');
    tags.forEach((tag, j) => f.check('update.fulfillment-tags', `${base}.tags[${j}].code`, UPDATE_TAGS.includes(tag.code), `tag ${tag.code} is not allowed in /update`));
    checkPickupInstructions(f, base, body);
  });
  if (at(body, `${order}.@ondc/org/linked_order`) !== undefined) checkLinkedOrderWeight(f, body);
}

function checkCancel(f: FindingList, body: unknown): void {
  f.require('cancel.order-id', 'message', ['order_id', 'cancellation_reason_id']);
  const reason = textAt(body, 'message.cancellation_reason_id');
  if (reason !== undefined) {
    f.check('cancel.lbnp-reason', 'message.cancellation_reason_id', LBNP_CANCELLATION_REASON_IDS.includes(reason), `reason ${reason} is not one a logistics buyer may give (${LBNP_CANCELLATION_REASON_IDS.join(', ')})`);
  }
}

function checkOrderIdOnly(f: FindingList, body: unknown): void {
  f.require('order-id', 'message', ['order_id']);
  const message = at(body, 'message');
  const extra = Object.keys(isObject(message) ? message : {}).filter((k) => k !== 'order_id');
  f.check('order-id', 'message', extra.length === 0, `/${textAt(body, 'context.action') ?? ''} carries ${extra.join(', ')} beside order_id`);
}

const BY_ACTION: Readonly<Record<string, (f: FindingList, body: unknown) => void>> = {
  search: checkSearch,
  init: checkInit,
  confirm: checkConfirm,
  update: checkUpdate,
  cancel: checkCancel,
  status: checkOrderIdOnly,
  track: checkOrderIdOnly,
};

/** The findings on one request we send; an action we do not send is a finding of its own. */
export function checkSentMessage(body: unknown): ConformanceFinding[] {
  const f = new FindingList(body);
  const action = textAt(body, 'context.action') ?? '';
  // An issue speaks IGM 2.0 in the logistics transaction: its own version and rules.
  if (action === 'issue') {
    checkIgmMessage(f, body, 'issue');
    return f.findings;
  }
  // A /recon speaks RSF 2.0: its own domain, version and rules.
  if (action === 'recon') {
    checkRsfMessage(f, body, 'recon');
    return f.findings;
  }
  checkContext(f, body);
  const check = BY_ACTION[action];
  if (check) check(f, body);
  else f.add('context.action', 'context.action', `${action} is not a request a logistics buyer sends`);
  return f.findings;
}
