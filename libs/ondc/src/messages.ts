import { formatGps, type GeoPoint } from './context';
import { minutesToIsoDuration } from './duration';
import { inr } from './money';
import type {
  Billing,
  ContextOf,
  Dimensions,
  Fulfillment,
  LinkedOrder,
  LogisticsCategory,
  Measure,
  OndcAddress,
  OndcMessage,
  OrderItem,
  Payment,
  Quote,
  SettlementDetail,
  ShipmentType,
  TagGroup,
  WeightUnit,
} from './types';

/**
 * Pure builders of the requests we send. They take a typed description of the shipment, the offer
 * chosen from a partner's catalog and a context from ContextBuilder, and return the message to sign
 * and send. Nothing here reads a clock or the network.
 */

/** One end of a shipment: the seller's pickup point or the buyer's drop point. */
export interface ShipmentStop {
  /** Person or store at the stop. */
  name: string;
  phone: string;
  email?: string;
  /** House or building and street, as the seller or buyer wrote it. */
  line1: string;
  line2?: string;
  city: string;
  /** State name, e.g. "Karnataka". */
  state: string;
  pincode: string;
  gps: GeoPoint;
}

export interface ShipmentDescription {
  shipmentId: string;
  orderId: string;
  sellerId: string;
  pickup: ShipmentStop;
  drop: ShipmentStop;
  package: { weightGrams: number; lengthCm: number; widthCm: number; heightCm: number };
  /** Declared value of the goods. */
  valuePaise: number;
  /** Cash the partner collects from the buyer at delivery. */
  cod?: { amountPaise: number };
  /** The delivery category wanted; partners answer Standard and Express with their sub-categories too. */
  category: LogisticsCategory;
  readyToShip: boolean;
  /** Pickup confirmation code the rider must quote to the seller. */
  pickupCode: string;
  /** Goods category of the retail order for payload_details and the linked order; "Grocery" when not given. */
  goodsCategory?: string;
  /** Lines of the retail order for the linked order; one line for the whole parcel when not given. */
  items?: Array<{ name: string; quantity: number; pricePaise: number }>;
  /** Minutes the seller needs before the parcel can be picked up (order preparation time, sent in /search); DEFAULT_PREPARATION_MINUTES when not given. */
  preparationMinutes?: number;
  /** The seller's pickup hours and days; DEFAULT_PICKUP_HOURS when not given. */
  pickupHours?: PickupHours;
  /** The most a partner's surge fee (its surge item's price, before tax) may be; 0 or absent: no surge accepted. */
  maxSurgeFeePaise?: number;
}

/** When a partner may come for parcels: 1.2.5 asks /search for the store's days, hours and holidays. */
export interface PickupHours {
  /** ISO weekdays, 1 (Monday) to 7. */
  days: number[];
  /** `HHMM`, 24-hour clock. */
  open: string;
  close: string;
  /** `YYYY-MM-DD`; only dates from the search on are sent (1.2.5 refuses past holidays). */
  holidays: string[];
}

/** Every day, 09:00 to 21:00: the hours a small seller's store usually keeps when it told us none. */
export const DEFAULT_PICKUP_HOURS: PickupHours = { days: [1, 2, 3, 4, 5, 6, 7], open: '0900', close: '2100', holidays: [] };
/** Half an hour to pack: the time a parcel marked ready still needs before the rider can take it. */
export const DEFAULT_PREPARATION_MINUTES = 30;

/** A priced option from a partner's catalog (see parseCatalog), as chosen for init and confirm. */
export interface CatalogOffer {
  bppId: string;
  bppUri: string;
  domain: string;
  providerId: string;
  providerName: string;
  itemId: string;
  fulfillmentId: string;
  category: string;
  type: ShipmentType;
  /** Tax inclusive. */
  pricePaise: number;
  /** Ship-to-delivery turnaround time. */
  tatMinutes?: number;
  /** The TAT exactly as the catalog gave it, echoed in /confirm. */
  tat?: { duration: string; timestamp?: string };
  /** Average time for the partner to reach the pickup point. */
  pickupMinutes?: number;
  /** That time exactly as the catalog wrote it (`PT2H` stays `PT2H`): /confirm must send it back unchanged. */
  pickupDuration?: string;
  /** The partner's price for a return to origin, should one be needed. */
  rto?: { itemId: string; pricePaise: number };
  /** Partner locations the catalog named; init and confirm must name them back. */
  locationIds: string[];
  /** The partner's surge fee item for this offer (price before tax), which init and confirm name as a second item, as the catalog has it. */
  surge?: { itemId: string; pricePaise: number; categoryId: string; fulfillmentId: string; tat?: { duration: string; timestamp?: string } };
}

/** Our invoicing details as logistics buyer (`billing`): the same in /init and /confirm. */
export interface BuyerBilling {
  name: string;
  gstin: string;
  phone: string;
  email: string;
  address: { line1: string; line2?: string; city: string; state: string; pincode: string };
  /** When these details last changed; billing.created_at and updated_at must not move between /init and /confirm. */
  updatedAt: string;
  /** Where partners settle cash they collected for us (COD); without it a COD /confirm cannot name our account. */
  settlement?: SettlementAccount;
}

/** Our account for a partner's settlement: UPI, or a bank account for NEFT and RTGS. */
export type SettlementAccount =
  | { type: 'upi'; beneficiaryName: string; upiAddress: string }
  | { type: 'neft' | 'rtgs'; beneficiaryName: string; accountNo: string; ifsc: string; bankName: string; branchName: string };

/** Partners settle with us, and we with them, one day after the fulfillment by default. */
export const DEFAULT_SETTLEMENT_WINDOW = 'P1D';

const DEFAULT_GOODS_CATEGORY = 'Grocery';
/** 1.2.5 caps name + building + locality at 190 characters. */
const MAX_ADDRESS_TEXT = 189;

/**
 * 1.2.5 wants every address split in name (house or number), building and locality (street, area),
 * the locality differing from the name. Three or more comma-separated parts fill the three in order;
 * fewer name the building after the house (its only identification) and fall back to the city for
 * the locality.
 */
function addressOf(stop: { line1: string; line2?: string; city: string; state: string; pincode: string }): OndcAddress {
  const parts = [stop.line1, stop.line2 ?? '']
    .join(',')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const third = Math.floor(MAX_ADDRESS_TEXT / 3);
  const name = (parts[0] ?? stop.city).slice(0, third);
  const building = (parts.length >= 3 ? (parts[1] ?? name) : name).slice(0, third);
  const rest = parts.slice(parts.length >= 3 ? 2 : 1).join(', ');
  const locality = (rest && rest !== name ? rest : stop.city).slice(0, MAX_ADDRESS_TEXT - name.length - building.length);
  return { name, building, locality, city: stop.city, state: stop.state, country: 'India', area_code: stop.pincode };
}

const kilograms = (grams: number): Measure<WeightUnit> => ({ unit: 'kilogram', value: grams / 1000 });

const dimensionsOf = (pkg: ShipmentDescription['package']): Dimensions => ({
  length: { unit: 'centimeter', value: pkg.lengthCm },
  breadth: { unit: 'centimeter', value: pkg.widthCm },
  height: { unit: 'centimeter', value: pkg.heightCm },
});

/**
 * Prepaid: we pay the partner. COD: the partner collects from the buyer and settles with us. Either
 * way 1.2.5 wants the basis and window of that settlement from /init on.
 */
function paymentOf(shipment: ShipmentDescription): Payment {
  const settlement = { '@ondc/org/settlement_basis': 'invoicing', '@ondc/org/settlement_window': DEFAULT_SETTLEMENT_WINDOW } as const;
  if (!shipment.cod) return { type: 'ON-ORDER', collected_by: 'BAP', ...settlement };
  return { type: 'ON-FULFILLMENT', collected_by: 'BPP', '@ondc/org/collection_amount': inr(shipment.cod.amountPaise).value, ...settlement };
}

function settlementDetailOf(account: SettlementAccount): SettlementDetail {
  if (account.type === 'upi') return { settlement_counterparty: 'lbnp', settlement_type: 'upi', beneficiary_name: account.beneficiaryName, upi_address: account.upiAddress };
  return {
    settlement_counterparty: 'lbnp',
    settlement_type: account.type,
    beneficiary_name: account.beneficiaryName,
    settlement_bank_account_no: account.accountNo,
    settlement_ifsc_code: account.ifsc,
    bank_name: account.bankName,
    branch_name: account.branchName,
  };
}

/**
 * /confirm names who is paid where: the partner's account from its /on_init when we pay (prepaid),
 * ours when it collects the cash (COD). What the partner gave is kept as it gave it.
 */
function confirmPaymentOf(shipment: ShipmentDescription, buyer: BuyerBilling, onInitPayment: Payment | undefined): Payment {
  const payment = paymentOf(shipment);
  const theirs = (onInitPayment?.['@ondc/org/settlement_details'] ?? []).filter((d) => d.settlement_counterparty === 'lsp');
  const ours = shipment.cod && buyer.settlement ? [settlementDetailOf(buyer.settlement)] : [];
  const details = shipment.cod ? ours : theirs;
  if (onInitPayment?.['@ondc/org/settlement_window']) payment['@ondc/org/settlement_window'] = onInitPayment['@ondc/org/settlement_window'];
  return details.length > 0 ? { ...payment, '@ondc/org/settlement_details': details } : payment;
}

function billingOf(buyer: BuyerBilling): Billing {
  return {
    name: buyer.name,
    address: addressOf(buyer.address),
    tax_number: buyer.gstin,
    phone: nationalPhone(buyer.phone),
    email: buyer.email,
    created_at: buyer.updatedAt,
    updated_at: buyer.updatedAt,
  };
}

/** 1.2.5 takes 10 or 11 digits: an Indian number without its +91 (or the 0 of a trunk prefix). */
export function nationalPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  if (digits.length === 12 && digits.startsWith('91')) return digits.slice(2);
  if (digits.length === 11 && digits.startsWith('0')) return digits.slice(1);
  return digits;
}

/**
 * 1.2.5 requires an e-mail at both stops. When the seller or buyer gave none, the partner gets our
 * own desk's (billing) address: mail about the parcel then reaches someone who can act on it.
 */
const contactOf = (stop: ShipmentStop, buyer: BuyerBilling) => ({ phone: nationalPhone(stop.phone), email: stop.email ?? buyer.email });

/** The seller's store, as the network knows it from /search on (one pickup point per seller). */
const pickupLocationId = (shipment: ShipmentDescription): string => shipment.sellerId;
const pickupLocationOf = (shipment: ShipmentDescription) => ({ id: pickupLocationId(shipment), gps: formatGps(shipment.pickup.gps), address: addressOf(shipment.pickup) });
const dropLocationOf = (shipment: ShipmentDescription) => ({ gps: formatGps(shipment.drop.gps), address: addressOf(shipment.drop) });

const readyToShipTag = (ready: boolean): TagGroup => ({ code: 'state', list: [{ code: 'ready_to_ship', value: ready ? 'yes' : 'no' }] });
/** Our sellers want undelivered parcels back, so a return to origin is a real return. */
const RETURN_TO_ORIGIN_TAG: TagGroup = { code: 'rto_action', list: [{ code: 'return_to_origin', value: 'yes' }] };
/** Type "3" of the contract's pickup confirmation codes: a code other than the merchant order number or an OTP. */
const PICKUP_CODE_TYPE = '3';
const pickupInstructions = (shipment: ShipmentDescription) => ({ code: PICKUP_CODE_TYPE, short_desc: shipment.pickupCode });

/** Features we ask partners for: COD ("008"), prepaid ("00D") and answering failed attempts ("00E"). */
const LBNP_FEATURES_TAG: TagGroup = {
  code: 'lbnp_features',
  list: [
    { code: '008', value: 'yes' },
    { code: '00D', value: 'yes' },
    { code: '00E', value: 'yes' },
  ],
};

const decimal = (value: number): string => String(value);

/** The retail seller whose parcel it is. */
function linkedProviderTag(shipment: ShipmentDescription, withAddress: boolean): TagGroup {
  const list = [
    { code: 'id', value: shipment.sellerId },
    { code: 'name', value: shipment.pickup.name },
  ];
  if (withAddress) {
    const a = addressOf(shipment.pickup);
    list.push({ code: 'address', value: [a.name, a.building, a.locality, a.city, a.state, a.area_code].filter(Boolean).join(', ') });
  }
  return { code: 'linked_provider', list };
}

/** The retail order the parcel carries, as tags (1.2.5 repeats @ondc/org/linked_order there). */
function linkedOrderTag(shipment: ShipmentDescription, withId: boolean): TagGroup {
  const pkg = shipment.package;
  const list = [
    ...(withId ? [{ code: 'id', value: shipment.orderId }] : []),
    { code: 'cod_order', value: shipment.cod ? 'yes' : 'no' },
    ...(shipment.cod ? [{ code: 'collection_amount', value: inr(shipment.cod.amountPaise).value }] : []),
    { code: 'currency', value: 'INR' },
    { code: 'declared_value', value: inr(shipment.valuePaise).value },
    ...(withId ? [] : [{ code: 'category', value: shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY }]),
    { code: 'weight_unit', value: 'kilogram' },
    { code: 'weight_value', value: decimal(pkg.weightGrams / 1000) },
    { code: 'dim_unit', value: 'centimeter' },
    { code: 'length', value: decimal(pkg.lengthCm) },
    { code: 'breadth', value: decimal(pkg.widthCm) },
    { code: 'height', value: decimal(pkg.heightCm) },
  ];
  return { code: 'linked_order', list };
}

function linkedOrderItemTags(shipment: ShipmentDescription): TagGroup[] {
  const { items, unitWeight } = linkedLines(shipment);
  return items.map((line) => ({
    code: 'linked_order_item',
    list: [
      { code: 'category', value: shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY },
      { code: 'name', value: line.name },
      { code: 'currency', value: 'INR' },
      { code: 'value', value: inr(line.pricePaise).value },
      { code: 'quantity', value: String(line.quantity) },
      { code: 'weight_unit', value: unitWeight.unit },
      { code: 'weight_value', value: decimal(unitWeight.value) },
    ],
  }));
}

/** Where a partner settles the cash it collected with us (COD). */
function codSettlementTag(account: SettlementAccount): TagGroup {
  const list = [
    { code: 'settlement_window', value: DEFAULT_SETTLEMENT_WINDOW },
    { code: 'settlement_type', value: account.type },
    { code: 'beneficiary_name', value: account.beneficiaryName },
    ...(account.type === 'upi'
      ? [{ code: 'upi_address', value: account.upiAddress }]
      : [
          { code: 'bank_account_no', value: account.accountNo },
          { code: 'ifsc_code', value: account.ifsc },
          { code: 'bank_name', value: account.bankName },
          { code: 'branch_name', value: account.branchName },
        ]),
  ];
  return { code: 'cod_settlement_detail', list };
}

function orderItemOf(offer: CatalogOffer, withTat: boolean): OrderItem {
  const item: OrderItem = { id: offer.itemId, fulfillment_id: offer.fulfillmentId, category_id: offer.category, descriptor: { code: offer.type } };
  if (withTat && offer.tat) item.time = { label: 'TAT', ...offer.tat };
  return item;
}

export const SURGE_ITEM_TAG: TagGroup = { code: 'type', list: [{ code: 'type', value: 'surge' }] };

/** The offer's item, and its surge item when it has one: 1.2.5 wants the surge item in the order, marked as such. */
function orderItemsOf(offer: CatalogOffer, withTat: boolean): OrderItem[] {
  const forward = orderItemOf(offer, withTat);
  const { surge } = offer;
  if (!surge) return [forward];
  const item: OrderItem = { id: surge.itemId, fulfillment_id: surge.fulfillmentId, category_id: surge.categoryId, descriptor: { code: offer.type }, tags: [SURGE_ITEM_TAG] };
  if (withTat && surge.tat) item.time = { label: 'TAT', ...surge.tat };
  return [forward, item];
}

const providerOf = (offer: CatalogOffer) =>
  offer.locationIds.length > 0 ? { id: offer.providerId, locations: offer.locationIds.map((id) => ({ id })) } : { id: offer.providerId };

/** The seller's pickup hours for /search; holidays before the search's own date are left out. */
function providerTimeOf(shipment: ShipmentDescription, searchedAt: string) {
  const hours = shipment.pickupHours ?? DEFAULT_PICKUP_HOURS;
  const today = searchedAt.slice(0, 10);
  return {
    days: hours.days.join(','),
    schedule: { holidays: hours.holidays.filter((day) => day >= today) },
    duration: minutesToIsoDuration(shipment.preparationMinutes ?? DEFAULT_PREPARATION_MINUTES),
    range: { start: hours.open, end: hours.close },
  };
}

export function buildSearch(context: ContextOf<'search'>, shipment: ShipmentDescription): OndcMessage<'search'> {
  const payment = paymentOf(shipment);
  const intent: OndcMessage<'search'>['message']['intent'] = {
    category: { id: shipment.category },
    provider: { time: providerTimeOf(shipment, context.timestamp) },
    fulfillment: {
      type: 'Delivery',
      start: { location: { id: pickupLocationId(shipment), gps: formatGps(shipment.pickup.gps), address: { area_code: shipment.pickup.pincode } } },
      end: { location: { gps: formatGps(shipment.drop.gps), address: { area_code: shipment.drop.pincode } } },
      tags: [linkedProviderTag(shipment, false), linkedOrderTag(shipment, false)],
    },
    payment: payment['@ondc/org/collection_amount'] ? { type: payment.type, '@ondc/org/collection_amount': payment['@ondc/org/collection_amount'] } : { type: payment.type },
    '@ondc/org/payload_details': {
      weight: kilograms(shipment.package.weightGrams),
      dimensions: dimensionsOf(shipment.package),
      category: shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY,
      value: inr(shipment.valuePaise),
      dangerous_goods: false,
    },
    tags: [LBNP_FEATURES_TAG],
  };
  return { context, message: { intent } };
}

/** We accept the partner's terms (its bpp_terms of /on_init) before confirming; saying so from /init on. */
const ACCEPT_TERMS_TAG: TagGroup = { code: 'bap_terms', list: [{ code: 'accept_bpp_terms', value: 'yes' }] };

export function buildInit(context: ContextOf<'init'>, shipment: ShipmentDescription, offer: CatalogOffer, buyer: BuyerBilling): OndcMessage<'init'> {
  return {
    context,
    message: {
      order: {
        provider: providerOf(offer),
        items: orderItemsOf(offer, false),
        fulfillments: [
          {
            id: offer.fulfillmentId,
            type: 'Delivery',
            start: { location: pickupLocationOf(shipment), contact: contactOf(shipment.pickup, buyer) },
            end: { location: dropLocationOf(shipment), contact: contactOf(shipment.drop, buyer) },
            tags: [linkedProviderTag(shipment, false)],
          },
        ],
        billing: billingOf(buyer),
        payment: paymentOf(shipment),
        tags: [ACCEPT_TERMS_TAG],
      },
    },
  };
}

/** The retail order's lines, each with its share of the parcel's weight (the contract's quantity.measure is a unit weight). */
function linkedLines(shipment: ShipmentDescription) {
  const items = shipment.items ?? [{ name: `Order ${shipment.orderId}`, quantity: 1, pricePaise: shipment.valuePaise }];
  const units = Math.max(1, items.reduce((n, line) => n + line.quantity, 0));
  return { items, unitWeight: kilograms(shipment.package.weightGrams / units) };
}

function linkedOrderOf(shipment: ShipmentDescription, withProvider: boolean): LinkedOrder {
  const goodsCategory = shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY;
  const { items, unitWeight } = linkedLines(shipment);
  const linked: LinkedOrder = {
    items: items.map((line) => ({
      category_id: goodsCategory,
      descriptor: { name: line.name },
      quantity: { count: line.quantity, measure: unitWeight },
      price: inr(line.pricePaise),
    })),
    order: { id: shipment.orderId, weight: kilograms(shipment.package.weightGrams), dimensions: dimensionsOf(shipment.package) },
  };
  if (withProvider) linked.provider = { descriptor: { name: shipment.pickup.name }, address: addressOf(shipment.pickup) };
  return linked;
}

function fulfillmentTags(shipment: ShipmentDescription, buyer: BuyerBilling, ready: boolean): TagGroup[] {
  const tags = [readyToShipTag(ready), RETURN_TO_ORIGIN_TAG, linkedProviderTag(shipment, true), linkedOrderTag(shipment, true), ...linkedOrderItemTags(shipment)];
  if (shipment.cod && buyer.settlement) tags.push(codSettlementTag(buyer.settlement));
  return tags;
}

function confirmFulfillment(shipment: ShipmentDescription, offer: CatalogOffer, buyer: BuyerBilling): Fulfillment {
  const start: Fulfillment['start'] = { person: { name: shipment.pickup.name }, location: pickupLocationOf(shipment), contact: contactOf(shipment.pickup, buyer) };
  if (shipment.readyToShip) start.instructions = pickupInstructions(shipment);
  // The partner's own words: a re-encoded duration (PT2H as PT120M) reads as a different promise.
  const pickupDuration = offer.pickupDuration ?? (offer.pickupMinutes !== undefined ? minutesToIsoDuration(offer.pickupMinutes) : undefined);
  if (pickupDuration) start.time = { duration: pickupDuration };
  return {
    id: offer.fulfillmentId,
    type: 'Delivery',
    start,
    end: { person: { name: shipment.drop.name }, location: dropLocationOf(shipment), contact: contactOf(shipment.drop, buyer) },
    tags: fulfillmentTags(shipment, buyer, shipment.readyToShip),
  };
}

export interface ConfirmInput {
  shipment: ShipmentDescription;
  offer: CatalogOffer;
  /** The quote of the partner's on_init, accepted as it was (see checkInitQuote). */
  quote: Quote;
  buyer: BuyerBilling;
  /** Our order id on the network (newNetworkOrderId), kept for every later call. */
  networkOrderId: string;
  /** The partner's /on_init: its terms (bpp_terms) are accepted by repeating them, its settlement account is paid. */
  onInit?: OndcMessage<'on_init'>;
}

export function buildConfirm(context: ContextOf<'confirm'>, input: ConfirmInput): OndcMessage<'confirm'> {
  const { shipment, offer, onInit } = input;
  // The quote is the order's price, not an offer any more: its ttl does not belong in the order.
  const { ttl: _ttl, ...quote } = input.quote;
  const partnerTerms = onInit?.message.order.tags?.filter((tag) => tag.code === 'bpp_terms') ?? [];
  return {
    context,
    message: {
      order: {
        id: input.networkOrderId,
        state: 'Created',
        provider: providerOf(offer),
        items: orderItemsOf(offer, true),
        quote,
        fulfillments: [confirmFulfillment(shipment, offer, input.buyer)],
        billing: billingOf(input.buyer),
        payment: confirmPaymentOf(shipment, input.buyer, onInit?.message.order.payment),
        '@ondc/org/linked_order': linkedOrderOf(shipment, true),
        tags: [ACCEPT_TERMS_TAG, ...partnerTerms],
        created_at: context.timestamp,
        updated_at: context.timestamp,
      },
    },
  };
}

/** The confirmed fulfillment, ready to ship, as a fulfillment `/update` repeats it: pickup code, stops and the required tags. */
function readyFulfillmentOf(shipment: ShipmentDescription, offer: CatalogOffer, buyer: BuyerBilling, extraTags: TagGroup[] = []) {
  return {
    id: offer.fulfillmentId,
    type: 'Delivery' as const,
    start: { instructions: pickupInstructions(shipment) },
    end: { person: { name: shipment.drop.name }, location: dropLocationOf(shipment), contact: contactOf(shipment.drop, buyer) },
    tags: [readyToShipTag(true), linkedProviderTag(shipment, true), linkedOrderTag(shipment, true), ...extraTags],
  };
}

/**
 * Ready to ship after confirming with ready_to_ship "no": the pickup code rides along and the stops
 * and tags are repeated as confirmed; the partner answers with a pickup slot.
 */
export function buildReadyToShipUpdate(
  context: ContextOf<'update'>,
  input: { shipment: ShipmentDescription; offer: CatalogOffer; networkOrderId: string; buyer: BuyerBilling },
): OndcMessage<'update'> {
  const { shipment, buyer } = input;
  return {
    context,
    message: {
      update_target: 'fulfillment',
      order: {
        id: input.networkOrderId,
        items: orderItemsOf(input.offer, false),
        fulfillments: [readyFulfillmentOf(shipment, input.offer, buyer, linkedOrderItemTags(shipment))],
        '@ondc/org/linked_order': linkedOrderOf(shipment, false),
        updated_at: context.timestamp,
      },
    },
  };
}

/**
 * The seller's answer to a failed pickup or delivery, as an `/update` of the fulfillment. 1.2.5
 * has no message of its own for it (ADR 0027): the answer rides in an `ndr_action` tag, naming the
 * stage by the state it delays (as `fulfillment_delay` does) and the action, `reattempt` or `rto`.
 */
export function buildAttemptAnswerUpdate(
  context: ContextOf<'update'>,
  input: { offer: CatalogOffer; networkOrderId: string; answer: 'reattempt' | 'return'; stage: 'pickup' | 'delivery' },
): OndcMessage<'update'> {
  const tag: TagGroup = {
    code: NDR_ACTION_TAG,
    list: [
      { code: 'state', value: input.stage === 'pickup' ? 'Order-picked-up' : 'Order-delivered' },
      { code: 'action', value: input.answer === 'reattempt' ? 'reattempt' : 'rto' },
    ],
  };
  return {
    context,
    message: {
      update_target: 'fulfillment',
      order: {
        id: input.networkOrderId,
        items: orderItemsOf(input.offer, false),
        fulfillments: [{ id: input.offer.fulfillmentId, type: 'Delivery', tags: [tag] }],
        updated_at: context.timestamp,
      },
    },
  };
}

export const NDR_ACTION_TAG = 'ndr_action';

/**
 * The seller's answer to a weight differential (ADR 0037), as an `/update` of the fulfillment that
 * carries the order's quote: the partner's updated quote, `diff` and `tax_diff` lines included, to
 * accept it; the quote as confirmed to refuse the charge (the dispute, ONDC code 62504). The rest is
 * the fulfillment as confirmed, which 1.2.5 asks of every fulfillment update (stops, pickup code and
 * at least two of its tags).
 */
export function buildWeightDifferentialAnswer(
  context: ContextOf<'update'>,
  input: { shipment: ShipmentDescription; offer: CatalogOffer; networkOrderId: string; buyer: BuyerBilling; quote: Quote },
): OndcMessage<'update'> {
  const { shipment, buyer } = input;
  const { ttl: _ttl, ...quote } = input.quote;
  return {
    context,
    message: {
      update_target: 'fulfillment',
      order: {
        id: input.networkOrderId,
        items: orderItemsOf(input.offer, false),
        quote,
        fulfillments: [readyFulfillmentOf(shipment, input.offer, buyer)],
        updated_at: context.timestamp,
      },
    },
  };
}

/** What an `/update` answers to a weight differential: accepted (its quote has `diff` lines), disputed (a quote without), or nothing. */
export function readWeightDifferentialAnswer(update: OndcMessage<'update'>): 'accepted' | 'disputed' | undefined {
  const quote = update.message.order.quote;
  if (!quote) return undefined;
  return quote.breakup.some((l) => l['@ondc/org/title_type'] === 'diff') ? 'accepted' : 'disputed';
}

/** What an `/update` says about a failed attempt: the seller's answer, or nothing. */
export function readAttemptAnswer(update: OndcMessage<'update'>): 'reattempt' | 'rto' | undefined {
  const list = update.message.order.fulfillments?.[0]?.tags?.find((t) => t.code === NDR_ACTION_TAG)?.list ?? [];
  const action = list.find((i) => i.code === 'action')?.value;
  return action === 'reattempt' || action === 'rto' ? action : undefined;
}

export const buildStatus = (context: ContextOf<'status'>, networkOrderId: string): OndcMessage<'status'> => ({ context, message: { order_id: networkOrderId } });

export const buildTrack = (context: ContextOf<'track'>, networkOrderId: string): OndcMessage<'track'> => ({ context, message: { order_id: networkOrderId } });

/**
 * `reasonId` is an ONDC cancellation reason id a buyer app may send: 1.2.5 allows a logistics buyer
 * "007" (TAT breached) and "996" (confirmation failure) only; see CANCELLATION_REASONS.
 */
export const buildCancel = (context: ContextOf<'cancel'>, networkOrderId: string, reasonId: string): OndcMessage<'cancel'> => ({
  context,
  message: { order_id: networkOrderId, cancellation_reason_id: reasonId },
});
