import { formatRupees, parseRupees } from '../money';
import type { ContextOf, OndcMessage, RsfAmount, RsfSettlement, RsfSettlementStatus } from '../types';

/**
 * The COD reconciliation of one delivered shipment (RSF 2.0): our /recon states what the partner
 * collected for us and owes, its /on_recon agrees (recon_accord) or gives its own figure
 * (diff_value), and says whether it has settled. Pure.
 */

const rsf = (paise: number): RsfAmount => ({ currency: 'INR', value: formatRupees(paise) });
const NOTHING = rsf(0);

/** Our ids for the COD of a network order: stable, so every round of a recon names the same settlement. */
export const codPaymentId = (networkOrderId: string): string => `${networkOrderId}-cod`;
export const codSettlementId = (networkOrderId: string): string => `${networkOrderId}-cod-1`;

export interface CodReconInput {
  networkOrderId: string;
  /** The cash the buyer owed at delivery, which the partner is to remit. */
  claimedPaise: number;
  /** When it was collected: the delivery. */
  collectedAt: string;
}

/** No commission, withholding or tax is taken from a COD remittance: the delivery is paid for apart. */
export function buildRecon(context: ContextOf<'recon'>, input: CodReconInput): OndcMessage<'recon'> {
  const settlement: RsfSettlement = {
    id: codSettlementId(input.networkOrderId),
    payment_id: codPaymentId(input.networkOrderId),
    status: 'PENDING',
    amount: rsf(input.claimedPaise),
    commission: NOTHING,
    withholding_amount: NOTHING,
    tcs: NOTHING,
    tds: NOTHING,
    updated_at: input.collectedAt,
  };
  return { context, message: { orders: [{ id: input.networkOrderId, amount: rsf(input.claimedPaise), settlements: [settlement] }] } };
}

/** What the partner answered about our COD settlement. */
export interface ReconAnswer {
  accord: boolean;
  /** Its figure for what it remits: its diff_value where it differs, else the value we sent. */
  partnerPaise: number;
  status: 'pending' | 'settled';
  settlementRef?: string;
}

const STATUSES: Record<RsfSettlementStatus, ReconAnswer['status']> = { PENDING: 'pending', SETTLED: 'settled' };

/** The answer for one network order, or why there is none (the schema has vouched for the shape). */
export function readOnRecon(body: OndcMessage<'on_recon'>, networkOrderId: string): ReconAnswer | { problem: string } {
  const order = body.message.orders.find((o) => o.id === networkOrderId);
  if (!order) return { problem: `no order ${networkOrderId} in the on_recon` };
  const settlement = order.settlements.find((s) => s.id === codSettlementId(networkOrderId));
  if (!settlement) return { problem: `no settlement ${codSettlementId(networkOrderId)} for order ${networkOrderId}` };
  const partnerPaise = parseRupees(settlement.amount.diff_value ?? settlement.amount.value);
  if (partnerPaise === undefined) return { problem: `settlement amount ${settlement.amount.diff_value ?? settlement.amount.value} is not rupees` };
  const status = STATUSES[settlement.status];
  if (!status) return { problem: `settlement status ${String(settlement.status)} is not one we read` };
  return {
    accord: order.recon_accord,
    partnerPaise,
    status,
    ...(settlement.settlement_ref_no ? { settlementRef: settlement.settlement_ref_no } : {}),
  };
}
