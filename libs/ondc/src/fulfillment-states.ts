/**
 * Fulfillment and order states with the exact spellings of the logistics contract
 * ("Fulfillment states & mapping to order states"). We send these spellings; on input we accept
 * the case and separator variants some tooling emits (`ORDER-PICKED-UP`, `order_picked_up`).
 */

export const HYPERLOCAL_FULFILLMENT_STATES = [
  'Pending',
  'Searching-for-Agent',
  'Agent-assigned',
  'At-pickup',
  'Order-picked-up',
  'Out-for-delivery',
  'At-delivery',
  'Order-delivered',
  'Cancelled',
] as const;

/** States only intercity (P2H2P) shipments pass through. */
export const INTERCITY_ONLY_FULFILLMENT_STATES = [
  'Out-for-pickup',
  'Pickup-failed',
  'Pickup-rescheduled',
  'In-transit',
  'At-destination-hub',
  'Delivery-failed',
  'Delivery-rescheduled',
] as const;

export const RTO_FULFILLMENT_STATES = ['RTO-Initiated', 'RTO-Delivered', 'RTO-Disposed'] as const;

export const FULFILLMENT_STATES = [...HYPERLOCAL_FULFILLMENT_STATES, ...INTERCITY_ONLY_FULFILLMENT_STATES, ...RTO_FULFILLMENT_STATES] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];

export const ORDER_STATES = ['Created', 'Accepted', 'In-progress', 'Completed', 'Cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Lower case with every run of spaces, underscores or hyphens as one hyphen: the form variants share. */
const canonicalKey = (value: string): string => value.trim().toLowerCase().replace(/[\s_-]+/g, '-');

function lookupBySpelling<T extends string>(spellings: readonly T[]): (value: string) => T | undefined {
  const byKey = new Map(spellings.map((s) => [canonicalKey(s), s] as const));
  return (value) => byKey.get(canonicalKey(value));
}

/** The exact spelling of a fulfillment state code, whatever its case or separators; undefined when it is no state. */
export const normaliseFulfillmentState: (code: string) => FulfillmentState | undefined = lookupBySpelling(FULFILLMENT_STATES);

/** The exact spelling of an order state, whatever its case or separators; undefined when it is no state. */
export const normaliseOrderState: (state: string) => OrderState | undefined = lookupBySpelling(ORDER_STATES);
