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
  /** Minutes the seller needs before the parcel can be picked up (order preparation time, sent in /search). */
  preparationMinutes?: number;
}

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
  /** The partner's price for a return to origin, should one be needed. */
  rto?: { itemId: string; pricePaise: number };
  /** Partner locations the catalog named; init and confirm must name them back. */
  locationIds: string[];
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
}

const DEFAULT_GOODS_CATEGORY = 'Grocery';
/** The contract caps name + building + locality below 190 characters. */
const MAX_ADDRESS_TEXT = 189;

/**
 * ONDC addresses split a street address into name (house or building) and locality (street, area),
 * which must differ. We take the first comma-separated part of the lines as the name and the rest,
 * or the city when there is no rest, as the locality.
 */
function addressOf(stop: { line1: string; line2?: string; city: string; state: string; pincode: string }): OndcAddress {
  const parts = [stop.line1, stop.line2 ?? '']
    .join(',')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const name = (parts[0] ?? stop.city).slice(0, Math.floor(MAX_ADDRESS_TEXT / 2));
  const rest = parts.slice(1).join(', ');
  const locality = (rest && rest !== name ? rest : stop.city).slice(0, MAX_ADDRESS_TEXT - name.length);
  return { name, locality, city: stop.city, state: stop.state, country: 'India', area_code: stop.pincode };
}

const kilograms = (grams: number): Measure<WeightUnit> => ({ unit: 'kilogram', value: grams / 1000 });

const dimensionsOf = (pkg: ShipmentDescription['package']): Dimensions => ({
  length: { unit: 'centimeter', value: pkg.lengthCm },
  breadth: { unit: 'centimeter', value: pkg.widthCm },
  height: { unit: 'centimeter', value: pkg.heightCm },
});

/** Prepaid: we pay the partner with the order. COD: the partner collects from the buyer and settles with us. */
function paymentOf(shipment: ShipmentDescription): Payment {
  if (!shipment.cod) return { type: 'ON-ORDER', collected_by: 'BAP' };
  return { type: 'ON-FULFILLMENT', collected_by: 'BPP', '@ondc/org/collection_amount': inr(shipment.cod.amountPaise).value };
}

function billingOf(buyer: BuyerBilling): Billing {
  return {
    name: buyer.name,
    address: addressOf(buyer.address),
    tax_number: buyer.gstin,
    phone: buyer.phone,
    email: buyer.email,
    created_at: buyer.updatedAt,
    updated_at: buyer.updatedAt,
  };
}

const contactOf = (stop: ShipmentStop) => (stop.email ? { phone: stop.phone, email: stop.email } : { phone: stop.phone });
const locationOf = (stop: ShipmentStop) => ({ gps: formatGps(stop.gps), address: addressOf(stop) });

const readyToShipTag = (ready: boolean): TagGroup => ({ code: 'state', list: [{ code: 'ready_to_ship', value: ready ? 'yes' : 'no' }] });
/** Our sellers want undelivered parcels back, so a return to origin is a real return. */
const RETURN_TO_ORIGIN_TAG: TagGroup = { code: 'rto_action', list: [{ code: 'return_to_origin', value: 'yes' }] };
/** Type "3" of the contract's pickup confirmation codes: a code other than the merchant order number or an OTP. */
const PICKUP_CODE_TYPE = '3';
const pickupInstructions = (shipment: ShipmentDescription) => ({ code: PICKUP_CODE_TYPE, short_desc: shipment.pickupCode });

function orderItemOf(offer: CatalogOffer, withTat: boolean): OrderItem {
  const item: OrderItem = { id: offer.itemId, fulfillment_id: offer.fulfillmentId, category_id: offer.category, descriptor: { code: offer.type } };
  if (withTat && offer.tat) item.time = { label: 'TAT', ...offer.tat };
  return item;
}

const providerOf = (offer: CatalogOffer) =>
  offer.locationIds.length > 0 ? { id: offer.providerId, locations: offer.locationIds.map((id) => ({ id })) } : { id: offer.providerId };

export function buildSearch(context: ContextOf<'search'>, shipment: ShipmentDescription): OndcMessage<'search'> {
  const payment = paymentOf(shipment);
  const intent: OndcMessage<'search'>['message']['intent'] = {
    category: { id: shipment.category },
    fulfillment: {
      type: 'Delivery',
      start: { location: { gps: formatGps(shipment.pickup.gps), address: { area_code: shipment.pickup.pincode } } },
      end: { location: { gps: formatGps(shipment.drop.gps), address: { area_code: shipment.drop.pincode } } },
    },
    payment: payment['@ondc/org/collection_amount'] ? { type: payment.type, '@ondc/org/collection_amount': payment['@ondc/org/collection_amount'] } : { type: payment.type },
    '@ondc/org/payload_details': {
      weight: kilograms(shipment.package.weightGrams),
      dimensions: dimensionsOf(shipment.package),
      category: shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY,
      value: inr(shipment.valuePaise),
    },
  };
  if (shipment.preparationMinutes !== undefined) intent.provider = { time: { duration: minutesToIsoDuration(shipment.preparationMinutes) } };
  return { context, message: { intent } };
}

export function buildInit(context: ContextOf<'init'>, shipment: ShipmentDescription, offer: CatalogOffer, buyer: BuyerBilling): OndcMessage<'init'> {
  return {
    context,
    message: {
      order: {
        provider: providerOf(offer),
        items: [orderItemOf(offer, false)],
        fulfillments: [
          {
            id: offer.fulfillmentId,
            type: 'Delivery',
            start: { location: locationOf(shipment.pickup), contact: contactOf(shipment.pickup) },
            end: { location: locationOf(shipment.drop), contact: contactOf(shipment.drop) },
          },
        ],
        billing: billingOf(buyer),
        payment: paymentOf(shipment),
      },
    },
  };
}

function linkedOrderOf(shipment: ShipmentDescription): LinkedOrder {
  const goodsCategory = shipment.goodsCategory ?? DEFAULT_GOODS_CATEGORY;
  const lines = shipment.items ?? [{ name: `Order ${shipment.orderId}`, quantity: 1, pricePaise: shipment.valuePaise }];
  // The contract's quantity.measure is a unit weight; we know the parcel's, so each line carries its share.
  const unitWeight = kilograms(shipment.package.weightGrams / Math.max(1, lines.reduce((n, line) => n + line.quantity, 0)));
  return {
    items: lines.map((line) => ({
      category_id: goodsCategory,
      descriptor: { name: line.name },
      quantity: { count: line.quantity, measure: unitWeight },
      price: inr(line.pricePaise),
    })),
    provider: { descriptor: { name: shipment.pickup.name }, address: addressOf(shipment.pickup) },
    order: { id: shipment.orderId, weight: kilograms(shipment.package.weightGrams), dimensions: dimensionsOf(shipment.package) },
  };
}

function confirmFulfillment(shipment: ShipmentDescription, offer: CatalogOffer): Fulfillment {
  const start: Fulfillment['start'] = { person: { name: shipment.pickup.name }, location: locationOf(shipment.pickup), contact: contactOf(shipment.pickup) };
  if (shipment.readyToShip) start.instructions = pickupInstructions(shipment);
  if (offer.pickupMinutes !== undefined) start.time = { duration: minutesToIsoDuration(offer.pickupMinutes) };
  return {
    id: offer.fulfillmentId,
    type: 'Delivery',
    start,
    end: { person: { name: shipment.drop.name }, location: locationOf(shipment.drop), contact: contactOf(shipment.drop) },
    tags: [readyToShipTag(shipment.readyToShip), RETURN_TO_ORIGIN_TAG],
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
}

export function buildConfirm(context: ContextOf<'confirm'>, input: ConfirmInput): OndcMessage<'confirm'> {
  const { shipment, offer } = input;
  return {
    context,
    message: {
      order: {
        id: input.networkOrderId,
        state: 'Created',
        provider: providerOf(offer),
        items: [orderItemOf(offer, true)],
        quote: input.quote,
        fulfillments: [confirmFulfillment(shipment, offer)],
        billing: billingOf(input.buyer),
        payment: paymentOf(shipment),
        '@ondc/org/linked_order': linkedOrderOf(shipment),
        tags: [{ code: 'bap_terms', list: [{ code: 'accept_bpp_terms', value: 'Y' }] }],
        created_at: context.timestamp,
        updated_at: context.timestamp,
      },
    },
  };
}

/** Ready to ship after confirming with ready_to_ship "no": the pickup code rides along, the partner answers with a pickup slot. */
export function buildReadyToShipUpdate(
  context: ContextOf<'update'>,
  input: { shipment: ShipmentDescription; offer: CatalogOffer; networkOrderId: string },
): OndcMessage<'update'> {
  return {
    context,
    message: {
      update_target: 'fulfillment',
      order: {
        id: input.networkOrderId,
        items: [orderItemOf(input.offer, false)],
        fulfillments: [{ id: input.offer.fulfillmentId, type: 'Delivery', start: { instructions: pickupInstructions(input.shipment) }, tags: [readyToShipTag(true)] }],
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
        items: [orderItemOf(input.offer, false)],
        fulfillments: [{ id: input.offer.fulfillmentId, type: 'Delivery', tags: [tag] }],
        updated_at: context.timestamp,
      },
    },
  };
}

export const NDR_ACTION_TAG = 'ndr_action';

/** What an `/update` says about a failed attempt: the seller's answer, or nothing. */
export function readAttemptAnswer(update: OndcMessage<'update'>): 'reattempt' | 'rto' | undefined {
  const list = update.message.order.fulfillments?.[0]?.tags?.find((t) => t.code === NDR_ACTION_TAG)?.list ?? [];
  const action = list.find((i) => i.code === 'action')?.value;
  return action === 'reattempt' || action === 'rto' ? action : undefined;
}

export const buildStatus = (context: ContextOf<'status'>, networkOrderId: string): OndcMessage<'status'> => ({ context, message: { order_id: networkOrderId } });

export const buildTrack = (context: ContextOf<'track'>, networkOrderId: string): OndcMessage<'track'> => ({ context, message: { order_id: networkOrderId } });

/** `reasonId` is an ONDC cancellation reason id, e.g. "005" (merchant rejected) or "007" (TAT breached); see CANCELLATION_REASONS. */
export const buildCancel = (context: ContextOf<'cancel'>, networkOrderId: string, reasonId: string): OndcMessage<'cancel'> => ({
  context,
  message: { order_id: networkOrderId, cancellation_reason_id: reasonId },
});
