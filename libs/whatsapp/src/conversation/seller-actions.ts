import type { OrderRef } from '@fulfil/domain';

/** What a seller can tap: in a new-order template (quick replies) or in a reply (interactive buttons). */
export type SellerAction =
  | 'ready_to_ship'
  | 'mark_shipped'
  | 'photos_done'
  | 'resend_otp'
  | 'reattempt'
  | 'return_to_me'
  | 'delivery_failed'
  | 'parcel_returned'
  | 'retry_search'
  | 'own_courier'
  | 'cancel_shipment';

const CODES: Record<SellerAction, string> = {
  ready_to_ship: 'rts',
  mark_shipped: 'ship',
  photos_done: 'done',
  resend_otp: 'otp',
  reattempt: 'again',
  return_to_me: 'back',
  delivery_failed: 'fail',
  parcel_returned: 'rtn',
  retry_search: 'retry',
  own_courier: 'own',
  cancel_shipment: 'cxl',
};
const ACTIONS = new Map(Object.entries(CODES).map(([action, code]) => [code, action as SellerAction]));

/** Button titles: at most 20 characters each (Meta's limit). */
export const ACTION_TITLES: Record<SellerAction, string> = {
  ready_to_ship: 'Ready to Ship',
  mark_shipped: 'Mark as Shipped',
  photos_done: 'Done',
  resend_otp: 'Resend OTP',
  reattempt: 'Re-attempt',
  return_to_me: 'Return to me',
  delivery_failed: 'Delivery failed',
  parcel_returned: 'Parcel came back',
  retry_search: 'Search again',
  own_courier: 'Use own courier',
  cancel_shipment: 'Cancel shipment',
};

/**
 * A button's id or quick-reply payload names the action and the order, so a tap always reaches
 * the order it was shown for. It is only a pointer: whose order it is gets checked on arrival.
 */
/** `fulfil:{action}:{sellerId}:{orderId}`: an order id alone names no order. */
export const actionPayload = (action: SellerAction, order: OrderRef): string => `fulfil:${CODES[action]}:${order.sellerId}:${order.orderId}`;

export function parseActionPayload(payload: string): ({ action: SellerAction } & OrderRef) | undefined {
  const match = /^fulfil:([a-z]+):([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(payload);
  const action = match ? ACTIONS.get(match[1]!) : undefined;
  return action && match ? { action, sellerId: match[2]!, orderId: match[3]! } : undefined;
}
