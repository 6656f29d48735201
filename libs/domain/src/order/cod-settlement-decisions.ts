import { IllegalStepError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { COD_SETTLEMENT_STATUSES, type OrderCommandOf } from './order-commands';
import type { OrderEvent, OrderEventOf } from './order-events';
import { codSettlementOf, type ActiveOrder, type CodSettlementState } from './order-state';
import { requireShipment } from './shipment-decisions';

/** A UTR is 16 to 22 characters; 100 leaves room for a partner's own scheme, not for a document. */
const MAX_SETTLEMENT_REF = 100;
const CONTROL_CHARACTER = /\p{Cc}/u;

const validSettlementRef = (value: unknown): boolean =>
  value === undefined || (typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_SETTLEMENT_REF && !CONTROL_CHARACTER.test(value));

const sameSettlement = (known: CodSettlementState, next: CodSettlementState): boolean =>
  known.outcome === next.outcome &&
  known.status === next.status &&
  known.claimedPaise === next.claimedPaise &&
  known.partnerPaise === next.partnerPaise &&
  known.settlementRef === next.settlementRef;

/** Money paid out is not unpaid again: a pending answer for the amount already settled is an older /on_recon arriving late. */
const staleAfterSettled = (known: CodSettlementState, next: CodSettlementState): boolean =>
  known.outcome === 'reconciled' && known.status === 'settled' && next.outcome === 'reconciled' && next.status === 'pending' && next.partnerPaise === known.partnerPaise;

/**
 * The partner's answer to the COD remittance we claimed for a delivered shipment (ONDC RSF 2.0):
 * reconciled when it accords and remits exactly the claim, a mismatch for the seller otherwise.
 * Only the shipment's own partner, only for COD it delivered. The same answer again (the adapter
 * retries, the partner repeats its /on_recon) changes nothing; a different one is recorded.
 */
export function decideRecordCodSettlement(order: ActiveOrder, command: OrderCommandOf<'RecordCodSettlement'>, now: Date): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .integer(command.claimedPaise, 'claimedPaise', 0)
    .integer(command.partnerPaise, 'partnerPaise', 0)
    .oneOf(command.status, COD_SETTLEMENT_STATUSES, 'status')
    .check(validSettlementRef(command.settlementRef), 'settlementRef', `must be a non-empty string of at most ${MAX_SETTLEMENT_REF} characters without control characters`)
    .check(typeof command.accord === 'boolean', 'accord', 'must be true or false')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  const partner = shipment.mode === 'on-network' ? shipment.partner : undefined;
  if (!partner) {
    throw new IllegalStepError('COD_SETTLEMENT_NO_PARTNER', `Shipment ${shipment.shipmentId} has no ONDC logistics partner to settle cash on delivery with`, {
      shipmentId: shipment.shipmentId,
      mode: shipment.mode,
    });
  }
  if (partner.id !== command.partnerId) {
    throw new IllegalStepError('COD_SETTLEMENT_WRONG_PARTNER', `Shipment ${shipment.shipmentId} is not with partner ${command.partnerId}`, { shipmentId: shipment.shipmentId });
  }
  if (shipment.codAmountPaise <= 0) {
    throw new IllegalStepError('COD_SETTLEMENT_NOT_COD', `Shipment ${shipment.shipmentId} is prepaid: the partner collected no cash to settle`, { shipmentId: shipment.shipmentId });
  }
  if (shipment.status !== 'delivered') {
    throw new IllegalStepError('COD_SETTLEMENT_NOT_DELIVERED', `Shipment ${shipment.shipmentId} is ${shipment.status}: cash is settled for a delivered parcel`, {
      shipmentId: shipment.shipmentId,
      shipmentStatus: shipment.status,
    });
  }
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId, partnerId: partner.id, partnerName: partner.name };
  const event: OrderEventOf<'CodSettlementReconciled' | 'CodSettlementMismatched'> =
    command.accord && command.partnerPaise === command.claimedPaise
      ? {
          type: 'CodSettlementReconciled',
          data: {
            ...ref,
            amountPaise: command.partnerPaise,
            status: command.status,
            ...(command.settlementRef !== undefined ? { settlementRef: command.settlementRef } : {}),
            reconciledAt: now.toISOString(),
          },
        }
      : {
          type: 'CodSettlementMismatched',
          data: { ...ref, claimedPaise: command.claimedPaise, partnerPaise: command.partnerPaise, accord: command.accord, reportedAt: now.toISOString() },
        };
  const known = shipment.codSettlement;
  const next = codSettlementOf(event);
  if (known && (sameSettlement(known, next) || staleAfterSettled(known, next))) return [];
  return [event];
}
