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

/** What a seller can tap on a partner's proposed resolution of their issue (ONDC IGM 2.0). */
export type SellerIssueAction = 'accept_resolution' | 'escalate';

/** Codes apart from the order actions', so an issue button never parses as an order one, nor the reverse. */
const ISSUE_CODES: Record<SellerIssueAction, string> = { accept_resolution: 'iok', escalate: 'iup' };
const ISSUE_ACTIONS = new Map(Object.entries(ISSUE_CODES).map(([action, code]) => [code, action as SellerIssueAction]));

/** Button titles: at most 20 characters each (Meta's limit). */
export const ISSUE_ACTION_TITLES: Record<SellerIssueAction, string> = {
  accept_resolution: 'Accept offer',
  escalate: 'Escalate',
};

export interface IssueRef {
  sellerId: string;
  issueId: string;
}

/**
 * `fulfil:{iok|iup}:{sellerId}:{issueId}`: issue ids are seller-scoped like order ids (ADR 0015) and
 * share their charset (`iss_…`, at most 64 letters, digits, `_` or `-`), so the id stays under 256.
 * Like an order button, it is only a pointer: whose issue it is gets checked on arrival.
 */
export const issueActionPayload = (action: SellerIssueAction, issue: IssueRef): string => `fulfil:${ISSUE_CODES[action]}:${issue.sellerId}:${issue.issueId}`;

export function parseIssueActionPayload(payload: string): ({ action: SellerIssueAction } & IssueRef) | undefined {
  const match = /^fulfil:([a-z]+):([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(payload);
  const action = match ? ISSUE_ACTIONS.get(match[1]!) : undefined;
  return action && match ? { action, sellerId: match[2]!, issueId: match[3]! } : undefined;
}

export const issueReplyButton = (action: SellerIssueAction, issue: IssueRef) => ({ id: issueActionPayload(action, issue), title: ISSUE_ACTION_TITLES[action] });
