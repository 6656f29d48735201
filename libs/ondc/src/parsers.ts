import type { PartnerReport } from '@fulfil/domain';
import { isoDurationToMinutes } from './duration';
import { ONDC_ERRORS, type OndcErrorCode } from './error-codes';
import { FulfillmentState, OrderState, normaliseFulfillmentState, normaliseOrderState } from './fulfillment-states';
import type { CatalogOffer } from './messages';
import { parseRupees } from './money';
import { INTERCITY_DOMAIN } from './types';
import type { CancellationTerm, CatalogItem, CatalogProvider, Fulfillment, OndcCallback, OndcError, OndcMessage, Quote, ShipmentType } from './types';

/**
 * Readers of the callbacks partners send, into the engine's terms. They expect a message that has
 * passed its JSON Schema (validateOndcMessage) and judge what a schema cannot: sums, prices, states.
 */

// ---- on_search ---------------------------------------------------------------------------

export interface SkippedCatalogItem {
  providerId: string;
  itemId: string;
  reason: string;
}

export interface CatalogReading {
  offers: CatalogOffer[];
  /** Items that could not be offered, and why (kept for the conversation log). */
  skipped: SkippedCatalogItem[];
}

/** 1.2.5's mark of a surge fee item: a `type` tag whose `type` is `surge`. */
export const isSurgeItem = (item: { tags?: Array<{ code: string; list: Array<{ code: string; value: string }> }> }): boolean =>
  (item.tags ?? []).some((t) => t.code === 'type' && t.list.some((i) => i.code === 'type' && i.value === 'surge'));

const isForward = (item: CatalogItem): boolean => !item.parent_item_id && !isSurgeItem(item);

/** The surge item that applies to a forward item: its own (parent_item_id), else the provider's one for all. */
function surgeOf(provider: CatalogProvider, forward: CatalogItem): CatalogOffer['surge'] {
  const surges = provider.items.filter(isSurgeItem);
  const surge = surges.find((i) => i.parent_item_id === forward.id) ?? surges.find((i) => !i.parent_item_id || i.parent_item_id === '');
  const pricePaise = surge ? parseRupees(surge.price.value) : undefined;
  if (!surge || pricePaise === undefined || pricePaise <= 0) return undefined;
  const tat = tatOf(provider, surge);
  return { itemId: surge.id, pricePaise, categoryId: surge.category_id, fulfillmentId: surge.fulfillment_id, ...(tat ? { tat } : {}) };
}

function fulfillmentTypeOf(provider: CatalogProvider, fulfillmentId: string): string | undefined {
  return provider.fulfillments.find((f) => f.id === fulfillmentId)?.type;
}

/** The item's own TAT, else its category's (the contract lets item TATs override category TATs). */
function tatOf(provider: CatalogProvider, item: CatalogItem): { duration: string; timestamp?: string } | undefined {
  const time = item.time?.duration ? item.time : provider.categories.find((c) => c.id === item.category_id)?.time;
  if (!time?.duration) return undefined;
  return time.timestamp ? { duration: time.duration, timestamp: time.timestamp } : { duration: time.duration };
}

function rtoOf(provider: CatalogProvider, forward: CatalogItem): CatalogOffer['rto'] {
  const rto = provider.items.find((i) => i.parent_item_id === forward.id && fulfillmentTypeOf(provider, i.fulfillment_id) === 'RTO');
  const pricePaise = rto ? parseRupees(rto.price.value) : undefined;
  return rto && pricePaise !== undefined ? { itemId: rto.id, pricePaise } : undefined;
}

function offerOf(onSearch: OndcMessage<'on_search'>, provider: CatalogProvider, item: CatalogItem): CatalogOffer | string {
  const { context } = onSearch;
  if (!context.bpp_id || !context.bpp_uri) return 'the callback does not name its partner (bpp_id, bpp_uri)';
  if (fulfillmentTypeOf(provider, item.fulfillment_id) !== 'Delivery') return `fulfillment ${item.fulfillment_id} is not a Delivery fulfillment of the provider`;
  const pricePaise = parseRupees(item.price.value);
  if (pricePaise === undefined || item.price.currency !== 'INR') return `price ${item.price.currency} ${item.price.value} is not rupees with at most two decimals`;
  const tat = tatOf(provider, item);
  const pickupMinutes = provider.fulfillments.find((f) => f.id === item.fulfillment_id)?.start?.time?.duration;
  const offer: CatalogOffer = {
    bppId: context.bpp_id,
    bppUri: context.bpp_uri,
    domain: context.domain,
    providerId: provider.id,
    providerName: provider.descriptor.name,
    itemId: item.id,
    fulfillmentId: item.fulfillment_id,
    category: item.category_id,
    type: item.descriptor.code as ShipmentType,
    pricePaise,
    locationIds: (provider.locations ?? []).flatMap((l) => (l.id ? [l.id] : [])),
  };
  if (tat) {
    offer.tat = tat;
    const minutes = isoDurationToMinutes(tat.duration);
    if (minutes !== undefined) offer.tatMinutes = minutes;
  }
  const pickup = pickupMinutes ? isoDurationToMinutes(pickupMinutes) : undefined;
  if (pickup !== undefined && pickupMinutes) {
    offer.pickupMinutes = pickup;
    offer.pickupDuration = pickupMinutes;
  }
  const rto = rtoOf(provider, item);
  if (rto) offer.rto = rto;
  const surge = surgeOf(provider, item);
  if (surge) offer.surge = surge;
  return offer;
}

/** Every forward item of every provider in a catalog, priced, with its TAT and RTO price when given. */
export function parseCatalog(onSearch: OndcMessage<'on_search'>): CatalogReading {
  const reading: CatalogReading = { offers: [], skipped: [] };
  for (const provider of onSearch.message.catalog['bpp/providers']) {
    for (const item of provider.items.filter(isForward)) {
      const offer = offerOf(onSearch, provider, item);
      if (typeof offer === 'string') reading.skipped.push({ providerId: provider.id, itemId: item.id, reason: offer });
      else reading.offers.push(offer);
    }
  }
  return reading;
}

// ---- on_init -----------------------------------------------------------------------------

export type QuoteProblem =
  /** A price is not rupees with at most two decimals. */
  | 'unreadable-amount'
  /** The breakup does not add up to the total. */
  | 'breakup-mismatch'
  /** The total differs from the catalog price of the offer. */
  | 'price-mismatch'
  /** The quote is for an item we did not choose. */
  | 'wrong-item'
  /** A surge the catalog did not show, a different one, or one above the seller's cap. */
  | 'surge-mismatch';

export type QuoteCheck =
  | { ok: true; quote: Quote; totalPaise: number; cancellationTerms: CancellationTerm[]; /** The surge and its tax, when the quote has one. */ surgePaise?: number }
  | { ok: false; problem: QuoteProblem; detail: string; /** The code to NACK the on_init with. */ nack: OndcErrorCode };

const quoteFailure = (problem: QuoteProblem, detail: string, nack: OndcErrorCode): QuoteCheck => ({ ok: false, problem, detail, nack });

/**
 * An on_init quote is acceptable when every amount has at most two decimals, the breakup adds up to
 * the total, every line is for the offered item, and the total is the catalog's (tax inclusive) price.
 */
export function checkInitQuote(onInit: OndcMessage<'on_init'>, offer: CatalogOffer, maxSurgeFeePaise = 0): QuoteCheck {
  const quote = onInit.message.order.quote;
  if (!quote) return quoteFailure('breakup-mismatch', 'on_init carries no quote', ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE);
  const totalPaise = parseRupees(quote.price.value);
  const lines = quote.breakup.map((line) => ({ line, paise: parseRupees(line.price.value) }));
  const unreadable = lines.find((l) => l.paise === undefined);
  if (totalPaise === undefined || unreadable) {
    const value = unreadable ? unreadable.line.price.value : quote.price.value;
    return quoteFailure('unreadable-amount', `amount "${value}" is not rupees with at most two decimals`, ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE);
  }
  const surgeItemId = offer.surge?.itemId;
  const foreign = lines.find((l) => l.line['@ondc/org/item_id'] !== offer.itemId && l.line['@ondc/org/item_id'] !== surgeItemId);
  if (foreign) return quoteFailure('wrong-item', `breakup line for item ${foreign.line['@ondc/org/item_id']}, we chose ${offer.itemId}`, ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE);
  const sum = lines.reduce((total, l) => total + (l.line['@ondc/org/title_type'] === 'discount' ? -1 : 1) * (l.paise ?? 0), 0);
  if (sum !== totalPaise) return quoteFailure('breakup-mismatch', `breakup adds up to ${sum} paise, the total says ${totalPaise}`, ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE);
  // A surge line may be for the offer's item too: whatever its item, the surge is what the seller would pay on top.
  const surgeLine = lines.find((l) => l.line['@ondc/org/title_type'] === 'surge');
  const surgePaise = lines.filter((l) => surgeItemId !== undefined && l.line['@ondc/org/item_id'] === surgeItemId).reduce((n, l) => n + (l.paise ?? 0), 0);
  if (surgeLine && (!offer.surge || surgeLine.paise !== offer.surge.pricePaise)) {
    const catalog = offer.surge ? `${offer.surge.pricePaise} paise` : 'none';
    return quoteFailure('surge-mismatch', `surge of ${surgeLine.paise ?? 0} paise, the catalog's surge was ${catalog}`, ONDC_ERRORS.LBNP_QUOTE_DIFFERENCE);
  }
  if (surgeLine && offer.surge && offer.surge.pricePaise > maxSurgeFeePaise) {
    return quoteFailure('surge-mismatch', `surge of ${offer.surge.pricePaise} paise is above the seller's cap of ${maxSurgeFeePaise}`, ONDC_ERRORS.LBNP_QUOTE_DIFFERENCE);
  }
  if (totalPaise - surgePaise !== offer.pricePaise) return quoteFailure('price-mismatch', `quote of ${totalPaise - surgePaise} paise without surge, the catalog said ${offer.pricePaise}`, ONDC_ERRORS.LBNP_QUOTE_DIFFERENCE);
  return { ok: true, quote, totalPaise, cancellationTerms: onInit.message.order.cancellation_terms ?? [], ...(surgeLine ? { surgePaise } : {}) };
}

// ---- order callbacks -----------------------------------------------------------------------

export type OrderCallbackAction = 'on_confirm' | 'on_status' | 'on_update' | 'on_cancel';
const ORDER_CALLBACKS: ReadonlySet<string> = new Set<OrderCallbackAction>(['on_confirm', 'on_status', 'on_update', 'on_cancel']);

/** The callbacks that report an order (all but on_search and on_track), for readOrderCallback. */
export const isOrderCallback = (callback: OndcCallback): callback is OndcMessage<OrderCallbackAction> => ORDER_CALLBACKS.has(callback.context.action);

/** What a partner told us about an order, in the engine's terms. */
export interface PartnerUpdate {
  networkOrderId: string;
  orderState?: OrderState;
  /** State of the forward (Delivery) fulfillment. */
  fulfillmentState?: FulfillmentState;
  /** State of the return-to-origin fulfillment, once there is one. */
  rtoState?: FulfillmentState;
  /** The report for RecordPartnerReport; undefined when the states say nothing the domain records (Pending, say). */
  report?: PartnerReport;
  /** When it happened: the state's own time when the partner gives one, else the callback's. */
  reportedAt: string;
  awb?: string;
  /** For P2H2P: the shipping label, the first image of the pickup instructions. */
  labelUrl?: string;
  trackingUrl?: string;
  agent?: { name?: string; phone?: string };
  pickupSlot?: { start: string; end: string };
  cancellation?: { reasonId: string; cancelledBy: string };
  /**
   * For a failed or rescheduled pickup or delivery: the `fulfillment_delay` tag's reason id for that
   * stage, and the start of the next attempt's window (`start.time.range` for pickup, `end.time.range` for delivery).
   */
  delay?: { reasonId?: string; nextAttemptAt?: string };
  /** The end of the delivery window the partner promises (`end.time.range.end` of the forward fulfillment), before delivery. */
  deliveryBy?: string;
  /** On a COD delivery: what the partner says it collected (the `cod_collection_detail` tag's value), in paise. */
  codCollectedPaise?: number;
  /** State codes we could not read, verbatim. */
  unreadableStates: string[];
  /** An error the partner sent with the callback (e.g. an on_confirm that refuses the order). */
  error?: OndcError;
  /** A charge for weight or size above the declared: the quote's `diff` and `tax_diff` lines and the `linked_order_diff` tags. */
  weightDifferential?: WeightDifferentialReading;
}

/** What a partner's `diff` lines and `linked_order_diff` tags say, in grams, centimetres and paise. */
export interface WeightDifferentialReading {
  amountPaise: number;
  taxPaise: number;
  measuredWeightGrams?: number;
  measuredDimensionsCm?: { length: number; width: number; height: number };
  proofUrl?: string;
}

const REPORT_BY_STATE: Partial<Record<FulfillmentState, PartnerReport>> = {
  'Agent-assigned': 'agent_assigned',
  'At-pickup': 'agent_assigned',
  'Out-for-pickup': 'agent_assigned',
  'Order-picked-up': 'picked_up',
  'In-transit': 'in_transit',
  'At-destination-hub': 'in_transit',
  'Out-for-delivery': 'out_for_delivery',
  'At-delivery': 'out_for_delivery',
  'Order-delivered': 'delivered',
  'Pickup-failed': 'pickup_failed',
  'Pickup-rescheduled': 'pickup_rescheduled',
  'Delivery-failed': 'delivery_failed',
  'Delivery-rescheduled': 'delivery_rescheduled',
  Cancelled: 'cancelled',
  'RTO-Initiated': 'rto_initiated',
  'RTO-Delivered': 'rto_delivered',
  'RTO-Disposed': 'rto_disposed',
};

/** A return to origin outranks what the forward fulfillment says; an order cancelled as a whole is cancelled. */
function reportOf(forward: FulfillmentState | undefined, rto: FulfillmentState | undefined, order: OrderState | undefined): PartnerReport | undefined {
  if (rto && REPORT_BY_STATE[rto]) return REPORT_BY_STATE[rto];
  if (forward && REPORT_BY_STATE[forward]) return REPORT_BY_STATE[forward];
  return order === 'Cancelled' ? 'cancelled' : undefined;
}

const PICKUP_ATTEMPT_STATES: ReadonlySet<FulfillmentState> = new Set(['Pickup-failed', 'Pickup-rescheduled']);
const DELIVERY_ATTEMPT_STATES: ReadonlySet<FulfillmentState> = new Set(['Delivery-failed', 'Delivery-rescheduled']);

/**
 * The `fulfillment_delay` tag of the stage a failed or rescheduled state is about. 1.2.5 names the
 * stage by the state it delays (`Order-picked-up`, `Order-delivered`); a Delivery-rescheduled
 * carries both stages' tags.
 */
function delayTagOf(fulfillment: Fulfillment, state: FulfillmentState): Map<string, string> | undefined {
  const delayed = PICKUP_ATTEMPT_STATES.has(state) ? 'Order-picked-up' : 'Order-delivered';
  const tags = (fulfillment.tags ?? []).filter((t) => t.code === 'fulfillment_delay').map((t) => new Map(t.list.map((i) => [i.code, i.value] as const)));
  return tags.find((t) => t.get('state') !== undefined && normaliseFulfillmentState(t.get('state') ?? '') === delayed) ?? (tags.length === 1 ? tags[0] : undefined);
}

function delayOf(fulfillment: Fulfillment | undefined, state: FulfillmentState | undefined): PartnerUpdate['delay'] {
  if (!fulfillment || !state || !(PICKUP_ATTEMPT_STATES.has(state) || DELIVERY_ATTEMPT_STATES.has(state))) return undefined;
  const delay: NonNullable<PartnerUpdate['delay']> = {};
  assign(delay, 'reasonId', delayTagOf(fulfillment, state)?.get('reason_id'));
  assign(delay, 'nextAttemptAt', (PICKUP_ATTEMPT_STATES.has(state) ? fulfillment.start : fulfillment.end)?.time?.range?.start);
  return delay;
}

/** The time a state change happened, as the contract asks partners to give it. */
function stateTime(fulfillment: Fulfillment | undefined, state: FulfillmentState | undefined): string | undefined {
  if (!fulfillment || !state) return undefined;
  if (PICKUP_ATTEMPT_STATES.has(state) || DELIVERY_ATTEMPT_STATES.has(state)) return delayTagOf(fulfillment, state)?.get('timestamp');
  if (state === 'Order-picked-up') return fulfillment.start?.time?.timestamp;
  if (state === 'Order-delivered' || state === 'RTO-Delivered') return fulfillment.end?.time?.timestamp;
  if (state.startsWith('RTO-')) return fulfillment.start?.time?.timestamp;
  return undefined;
}

/** 1.2.5 (LVU, COD flow): the delivered forward fulfillment carries `cod_collection_detail` with the amount collected (`value`, rupees). */
function codCollectedOf(fulfillment: Fulfillment | undefined): number | undefined {
  const list = fulfillment?.tags?.find((t) => t.code === 'cod_collection_detail')?.list ?? [];
  const value = list.find((item) => item.code === 'value')?.value;
  return value === undefined ? undefined : parseRupees(value);
}

function trackingUrlOf(fulfillment: Fulfillment | undefined): string | undefined {
  const list = fulfillment?.tags?.find((t) => t.code === 'tracking')?.list ?? [];
  return list.find((item) => item.code === 'url')?.value || undefined;
}

function readState(fulfillment: Fulfillment | undefined, unreadable: string[]): FulfillmentState | undefined {
  const code = fulfillment?.state?.descriptor.code;
  if (code === undefined) return undefined;
  const state = normaliseFulfillmentState(code);
  if (!state) unreadable.push(code);
  return state;
}

/** Only P2H2P shipments have labels; a P2P partner's first image is a proof of pickup. */
const isIntercity = (callback: OndcMessage<OrderCallbackAction>): boolean =>
  callback.context.domain === INTERCITY_DOMAIN || (callback.message.order.items ?? []).some((item) => item.descriptor?.code === 'P2H2P');

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== '') target[key] = value;
}

/** Reads on_confirm, on_status, on_update and on_cancel, solicited or not. */
export function readOrderCallback(callback: OndcMessage<OrderCallbackAction>): PartnerUpdate {
  const order = callback.message.order;
  const fulfillments = order.fulfillments ?? [];
  const forward = fulfillments.find((f) => f.type === 'Delivery');
  const rto = fulfillments.find((f) => f.type === 'RTO');
  const unreadableStates: string[] = [];
  const fulfillmentState = readState(forward, unreadableStates);
  const rtoState = readState(rto, unreadableStates);
  const orderState = order.state ? normaliseOrderState(order.state) : undefined;
  if (order.state && !orderState) unreadableStates.push(order.state);
  const update: PartnerUpdate = {
    networkOrderId: order.id ?? '',
    reportedAt: (rtoState ? stateTime(rto, rtoState) : stateTime(forward, fulfillmentState)) ?? callback.context.timestamp,
    unreadableStates,
  };
  assign(update, 'orderState', orderState);
  assign(update, 'fulfillmentState', fulfillmentState);
  assign(update, 'rtoState', rtoState);
  assign(update, 'report', reportOf(fulfillmentState, rtoState, orderState));
  assign(update, 'awb', forward?.['@ondc/org/awb_no']);
  if (isIntercity(callback)) assign(update, 'labelUrl', forward?.start?.instructions?.images?.[0]);
  assign(update, 'trackingUrl', trackingUrlOf(forward));
  if (forward?.agent && (forward.agent.name || forward.agent.phone)) update.agent = { ...forward.agent };
  assign(update, 'pickupSlot', forward?.start?.time?.range);
  if (order.cancellation) update.cancellation = { reasonId: order.cancellation.reason.id, cancelledBy: order.cancellation.cancelled_by };
  assign(update, 'delay', rtoState ? undefined : delayOf(forward, fulfillmentState));
  if (fulfillmentState !== 'Order-delivered') assign(update, 'deliveryBy', forward?.end?.time?.range?.end);
  assign(update, 'codCollectedPaise', codCollectedOf(forward));
  assign(update, 'error', callback.error);
  assign(update, 'weightDifferential', readWeightDifferential(order));
  return update;
}

const GRAMS_PER: Readonly<Record<string, number>> = { kilogram: 1000, gram: 1 };
const CM_PER: Readonly<Record<string, number>> = { centimeter: 1, meter: 100 };

const tagValues = (fulfillment: Fulfillment | undefined, code: string): Map<string, string> | undefined => {
  const tag = fulfillment?.tags?.find((t) => t.code === code);
  return tag ? new Map(tag.list.map((i) => [i.code, i.value] as const)) : undefined;
};

const measured = (value: string | undefined, factor: number | undefined): number | undefined => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 && factor !== undefined ? Math.round(n * factor) : undefined;
};

/** The differential of a callback, when its quote has `diff` lines (LOG11 weight differential). */
export function readWeightDifferential(order: OndcMessage<OrderCallbackAction>['message']['order']): WeightDifferentialReading | undefined {
  const lines = order.quote?.breakup ?? [];
  const sum = (title: string) => lines.filter((l) => l['@ondc/org/title_type'] === title).reduce((n, l) => n + (parseRupees(l.price.value) ?? 0), 0);
  if (!lines.some((l) => l['@ondc/org/title_type'] === 'diff')) return undefined;
  const reading: WeightDifferentialReading = { amountPaise: sum('diff'), taxPaise: sum('tax_diff') };
  const forward = (order.fulfillments ?? []).find((f) => f.type === 'Delivery');
  const diff = tagValues(forward, 'linked_order_diff');
  assign(reading, 'measuredWeightGrams', measured(diff?.get('weight_value'), GRAMS_PER[diff?.get('weight_unit') ?? '']));
  const cm = CM_PER[diff?.get('dim_unit') ?? ''];
  const [length, width, height] = [diff?.get('length'), diff?.get('breadth'), diff?.get('height')].map((v) => measured(v, cm));
  if (length !== undefined && width !== undefined && height !== undefined) reading.measuredDimensionsCm = { length, width, height };
  assign(reading, 'proofUrl', tagValues(forward, 'linked_order_diff_proof')?.get('url'));
  return reading;
}

// ---- on_track ------------------------------------------------------------------------------

export interface TrackingReading {
  active: boolean;
  url?: string;
  gps?: string;
}

export function readTracking(onTrack: OndcMessage<'on_track'>): TrackingReading {
  const { tracking } = onTrack.message;
  const reading: TrackingReading = { active: tracking.status === 'active' };
  assign(reading, 'url', tracking.url);
  assign(reading, 'gps', tracking.location?.gps);
  return reading;
}
