/**
 * Why a seller cancels, as the seller chooses it: on the buyer's side (the buyer asked) or the
 * merchant's (the seller cannot or will not fulfil). Each names the ONDC retail cancellation reason
 * id it corresponds to, for the record and for a retail buyer app; what a logistics partner is told
 * is the logistics buyer's own reason (1.2.5 allows it "007" only, see libs/ondc error-codes).
 */
export type CancellationSide = 'buyer' | 'merchant';

export interface CancellationReasonEntry {
  side: CancellationSide;
  /** The ONDC retail reason id (buyer app 001–010, seller app 002/005 and on). */
  ondcRetailReasonId: string;
  /** What the seller reads, and the cancellation's reason when the seller gives no text of their own. */
  text: string;
}

export const SELLER_CANCELLATION_REASONS = {
  'buyer-changed-mind': { side: 'buyer', ondcRetailReasonId: '012', text: 'The buyer does not want the product any more' },
  'buyer-wants-changes': { side: 'buyer', ondcRetailReasonId: '010', text: 'The buyer wants to change the order details' },
  'buyer-found-lower-price': { side: 'buyer', ondcRetailReasonId: '003', text: 'The buyer found the product at a lower price' },
  'item-out-of-stock': { side: 'merchant', ondcRetailReasonId: '002', text: 'One or more items are not available' },
  'merchant-rejected': { side: 'merchant', ondcRetailReasonId: '005', text: 'The merchant rejected the order' },
} as const satisfies Record<string, CancellationReasonEntry>;

export type SellerCancellationReason = keyof typeof SELLER_CANCELLATION_REASONS;

export const SELLER_CANCELLATION_REASON_CODES = Object.keys(SELLER_CANCELLATION_REASONS) as SellerCancellationReason[];

export const isSellerCancellationReason = (value: unknown): value is SellerCancellationReason =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(SELLER_CANCELLATION_REASONS, value);
