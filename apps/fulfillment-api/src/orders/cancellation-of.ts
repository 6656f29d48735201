import { SELLER_CANCELLATION_REASONS, type SellerCancellationReason } from '@fulfil/domain';

/** The reason and its code as the commands take them: the chosen reason's text stands in for the seller's own words when they gave none. */
export function cancellationOf(body: { reason?: string; reasonCode?: SellerCancellationReason }): { reason: string; reasonCode?: SellerCancellationReason } {
  const text = body.reasonCode ? SELLER_CANCELLATION_REASONS[body.reasonCode].text : '';
  return { reason: body.reason ?? text, ...(body.reasonCode ? { reasonCode: body.reasonCode } : {}) };
}
