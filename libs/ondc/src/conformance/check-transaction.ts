import { checkSentMessage } from './check-message';
import { checkIgmAgainstTransaction } from './check-igm-message';
import { checkRsfAgainstTransaction } from './check-rsf-message';
import { FindingList, arrayAt, at, isObject, tagsAt, textAt } from './conformance-finding';
import type { ConformanceFinding } from './conformance-finding';

/**
 * The 1.2.5 rules across the messages of one transaction: what a request must repeat from the
 * messages before it (the catalog's ids and durations, on_init's quote and terms, init's billing)
 * and what must not move between init, confirm and update (billing, weight, ids). ONDC's log
 * verification reads a transaction this way, each request against what preceded it.
 */

export interface TransactionMessage {
  direction: 'sent' | 'received';
  body: unknown;
}

/** Equal as JSON values: key order is no difference (stores and partners reorder keys). */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}

/** The last message of an action before position `before`, from the partner the request went to when named. */
function last(messages: readonly TransactionMessage[], action: string, before: number, bppId?: string): unknown {
  for (let i = before - 1; i >= 0; i--) {
    const body = messages[i]?.body;
    if (textAt(body, 'context.action') !== action) continue;
    if (bppId !== undefined && textAt(body, 'context.bpp_id') !== undefined && textAt(body, 'context.bpp_id') !== bppId) continue;
    return body;
  }
  return undefined;
}

/** The catalog item an order names, and its fulfillment, from the partner's on_search. */
function catalogItemOf(onSearch: unknown, providerId: string | undefined, itemId: string | undefined) {
  const provider = arrayAt(onSearch, 'message.catalog.bpp/providers').find((p) => textAt(p, 'id') === providerId);
  const item = arrayAt(provider, 'items').find((i) => textAt(i, 'id') === itemId);
  const fulfillment = arrayAt(provider, 'fulfillments').find((x) => textAt(x, 'id') === textAt(item, 'fulfillment_id'));
  return { provider, item, fulfillment };
}

function checkAgainstSearch(f: FindingList, body: unknown, search: unknown): void {
  for (const field of ['transaction_id', 'domain', 'city', 'bap_id', 'bap_uri']) {
    f.check('transaction.context', `context.${field}`, textAt(body, `context.${field}`) === textAt(search, `context.${field}`), `context.${field} differs from the /search`);
  }
  const fulfillment = arrayAt(body, 'message.order.fulfillments')[0];
  for (const stop of ['start', 'end']) {
    const gps = textAt(fulfillment, `${stop}.location.gps`);
    if (gps !== undefined) {
      f.check('transaction.stops', `message.order.fulfillments[0].${stop}.location.gps`, gps === textAt(search, `message.intent.fulfillment.${stop}.location.gps`), `${stop} gps differs from the /search`);
      f.check('transaction.stops', `message.order.fulfillments[0].${stop}.location.address.area_code`, textAt(fulfillment, `${stop}.location.address.area_code`) === textAt(search, `message.intent.fulfillment.${stop}.location.address.area_code`), `${stop} PIN code differs from the /search`);
    }
  }
  const paymentType = textAt(body, 'message.order.payment.type');
  if (paymentType !== undefined) f.check('transaction.payment-type', 'message.order.payment.type', paymentType === textAt(search, 'message.intent.payment.type'), 'payment type differs from the /search');
}

function checkAgainstCatalog(f: FindingList, body: unknown, onSearch: unknown): void {
  const providerId = textAt(body, 'message.order.provider.id');
  arrayAt(body, 'message.order.items').forEach((orderItem, i) => {
    const { provider, item, fulfillment } = catalogItemOf(onSearch, providerId, textAt(orderItem, 'id'));
    if (!provider) return f.add('transaction.catalog-ids', 'message.order.provider.id', `provider ${String(providerId)} is not in the partner's /on_search`);
    if (!item) return f.add('transaction.catalog-ids', `message.order.items[${i}].id`, `item ${String(textAt(orderItem, 'id'))} is not in the partner's /on_search`);
    f.check('transaction.catalog-ids', `message.order.items[${i}].category_id`, textAt(orderItem, 'category_id') === textAt(item, 'category_id'), 'category_id differs from the catalog');
    f.check('transaction.catalog-ids', `message.order.items[${i}].fulfillment_id`, textAt(orderItem, 'fulfillment_id') === textAt(item, 'fulfillment_id'), 'fulfillment_id differs from the catalog');
    if (at(orderItem, 'time') !== undefined) {
      f.check('transaction.catalog-tat', `message.order.items[${i}].time`, same(at(orderItem, 'time.duration'), at(item, 'time.duration')) && same(at(orderItem, 'time.timestamp'), at(item, 'time.timestamp')), 'the TAT differs from the catalog');
    }
    const catalogPickup = textAt(fulfillment, 'start.time.duration');
    const pickup = textAt(body, 'message.order.fulfillments[0].start.time.duration');
    if (catalogPickup !== undefined && pickup !== undefined) {
      f.check('transaction.catalog-pickup-time', 'message.order.fulfillments[0].start.time.duration', pickup === catalogPickup, `average pickup time ${pickup} is not the catalog's ${catalogPickup}`);
    }
    const locations = arrayAt(provider, 'locations').map((l) => textAt(l, 'id'));
    const named = arrayAt(body, 'message.order.provider.locations').map((l) => textAt(l, 'id'));
    f.check('transaction.catalog-locations', 'message.order.provider.locations', named.every((id) => locations.includes(id)) && (locations.length === 0 || named.length > 0), 'provider locations must be the catalog\'s');
  });
}

function checkConfirmAgainstInit(f: FindingList, confirm: unknown, init: unknown, onInit: unknown): void {
  f.check('transaction.stable-billing', 'message.order.billing', same(at(confirm, 'message.order.billing'), at(init, 'message.order.billing')), 'billing differs from the /init');
  f.check('transaction.stable-ids', 'message.order.provider.id', textAt(confirm, 'message.order.provider.id') === textAt(init, 'message.order.provider.id'), 'provider differs from the /init');
  const ids = (body: unknown) => arrayAt(body, 'message.order.items').map((i) => [textAt(i, 'id'), textAt(i, 'fulfillment_id'), textAt(i, 'category_id')]);
  f.check('transaction.stable-ids', 'message.order.items', same(ids(confirm), ids(init)), 'items differ from the /init');
  if (!onInit) return f.add('transaction.on-init', 'message.order', 'a /confirm without the partner\'s /on_init before it');
  f.check('transaction.quote-echoed', 'message.order.quote', same(at(confirm, 'message.order.quote.price'), at(onInit, 'message.order.quote.price')) && same(at(confirm, 'message.order.quote.breakup'), at(onInit, 'message.order.quote.breakup')), 'the quote differs from the /on_init');
  const theirTerms = tagsAt(onInit, 'message.order.tags').filter((t) => t.code === 'bpp_terms');
  const echoed = tagsAt(confirm, 'message.order.tags').filter((t) => t.code === 'bpp_terms');
  f.check('transaction.bpp-terms-echoed', 'message.order.tags', same(echoed.map((t) => [...t.values]), theirTerms.map((t) => [...t.values])), theirTerms.length === 0 ? 'bpp_terms accepted that the partner never gave' : 'the partner\'s bpp_terms from /on_init are not repeated as given');
  for (const field of ['type', 'collected_by']) {
    const theirs = textAt(onInit, `message.order.payment.${field}`);
    if (theirs !== undefined) f.check('transaction.payment-echoed', `message.order.payment.${field}`, textAt(confirm, `message.order.payment.${field}`) === theirs, `payment ${field} differs from the /on_init`);
  }
  // We pay (prepaid): into the account the partner named; it pays us (COD): its own account is not ours to name.
  if (textAt(confirm, 'message.order.payment.collected_by') !== 'BAP') return;
  const theirDetails = arrayAt(onInit, 'message.order.payment.@ondc/org/settlement_details').filter((d) => textAt(d, 'settlement_counterparty') === 'lsp');
  const ourDetails = arrayAt(confirm, 'message.order.payment.@ondc/org/settlement_details').filter((d) => textAt(d, 'settlement_counterparty') === 'lsp');
  f.check('transaction.settlement-echoed', 'message.order.payment.@ondc/org/settlement_details', same(ourDetails, theirDetails), 'the partner\'s settlement details differ from its /on_init');
}

const weightOf = (body: unknown, path: string): number => {
  const value = at(body, `${path}.value`);
  return typeof value === 'number' ? value * (textAt(body, `${path}.unit`) === 'kilogram' ? 1000 : 1) : NaN;
};

/** Every finding on what we sent in one transaction: each request's own, and each against what came before it. */
export function checkTransaction(messages: readonly TransactionMessage[]): ConformanceFinding[] {
  const findings: ConformanceFinding[] = [];
  messages.forEach(({ direction, body }, index) => {
    if (direction !== 'sent') return;
    findings.push(...checkSentMessage(body));
    const action = textAt(body, 'context.action');
    const bppId = textAt(body, 'context.bpp_id');
    const f = new FindingList(body);
    const search = last(messages, 'search', index);
    // A /recon is in RSF's own domain and place: only its order and transaction are the search's.
    if (action !== 'search' && action !== 'recon' && search) checkAgainstSearch(f, body, search);
    if (action === 'issue') checkIgmAgainstTransaction(f, body, messages.slice(0, index));
    if (action === 'recon') checkRsfAgainstTransaction(f, body, messages.slice(0, index));
    if (action === 'init' || action === 'confirm') {
      const onSearch = last(messages, 'on_search', index, bppId);
      if (onSearch) checkAgainstCatalog(f, body, onSearch);
      else f.add('transaction.on-search', 'message.order.provider.id', `/${action} to ${String(bppId)} without its /on_search`);
      const weight = weightOf(search, 'message.intent.@ondc/org/payload_details.weight');
      if (action === 'confirm') f.check('transaction.stable-weight', 'message.order.@ondc/org/linked_order.order.weight', weightOf(body, 'message.order.@ondc/org/linked_order.order.weight') === weight, 'the order weight differs from the /search payload');
    }
    if (action === 'confirm') {
      const init = last(messages, 'init', index, bppId);
      if (init) checkConfirmAgainstInit(f, body, init, last(messages, 'on_init', index, bppId));
      else f.add('transaction.init', 'message.order', '/confirm without an /init before it');
    }
    if (action === 'update' || action === 'cancel' || action === 'status' || action === 'track') {
      const confirm = last(messages, 'confirm', index, bppId);
      const orderId = textAt(body, action === 'update' ? 'message.order.id' : 'message.order_id');
      if (confirm) f.check('transaction.stable-ids', action === 'update' ? 'message.order.id' : 'message.order_id', orderId === textAt(confirm, 'message.order.id'), 'order id differs from the /confirm');
      if (action === 'update' && confirm) {
        const ids = (b: unknown) => arrayAt(b, 'message.order.items').map((i) => [textAt(i, 'id'), textAt(i, 'category_id')]);
        f.check('transaction.stable-ids', 'message.order.items', same(ids(body), ids(confirm)), 'items differ from the /confirm');
        f.check('transaction.stable-ids', 'message.order.fulfillments[0].id', textAt(body, 'message.order.fulfillments[0].id') === textAt(confirm, 'message.order.fulfillments[0].id'), 'fulfillment id differs from the /confirm');
        const pickup = (b: unknown) => at(b, 'message.order.fulfillments[0].start.instructions');
        if (pickup(confirm) !== undefined) f.check('transaction.stable-pickup-code', 'message.order.fulfillments[0].start.instructions', same(pickup(body), pickup(confirm)), 'the pickup code differs from the /confirm');
        if (at(body, 'message.order.@ondc/org/linked_order') !== undefined) {
          const path = 'message.order.@ondc/org/linked_order.order.weight';
          f.check('transaction.stable-weight', path, weightOf(body, path) === weightOf(confirm, path), 'the order weight differs from the /confirm');
        }
      }
    }
    findings.push(...f.findings);
  });
  return findings;
}
