import { IllegalStepError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import type { OrderCommandOf } from './order-commands';
import type { OrderEvent } from './order-events';
import { ActiveOrder, DISPATCHED_SHIPMENT_STATUSES, ShipmentState, WeightDifferentialState } from './order-state';
import { requireShipment } from './shipment-decisions';

/** Weights up to 1,000 kg and charges up to ₹1,00,000: anything above is a unit mistake, not a parcel. */
const MAX_GRAMS = 1_000_000;
const MAX_PAISE = 10_000_000;
const MAX_CM = 1_000;

const isTimestamp = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));

const sameReport = (known: WeightDifferentialState, command: OrderCommandOf<'RecordWeightDifferential'>): boolean =>
  known.partnerId === command.partnerId &&
  known.measuredWeightGrams === command.measuredWeightGrams &&
  known.amountPaise === command.amountPaise &&
  known.taxPaise === command.taxPaise;

/**
 * The partner says the parcel weighs (or measures) more than declared and charges the difference.
 * Only the shipment's own partner, and only once it holds the parcel; the same report again (a
 * partner repeats its quote in later callbacks) changes nothing. A new figure replaces a pending one.
 */
export function decideRecordWeightDifferential(order: ActiveOrder, command: OrderCommandOf<'RecordWeightDifferential'>): OrderEvent[] {
  const dims = command.measuredDimensionsCm;
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .integer(command.measuredWeightGrams, 'measuredWeightGrams', 1, MAX_GRAMS)
    .integer(command.amountPaise, 'amountPaise', 1, MAX_PAISE)
    .integer(command.taxPaise, 'taxPaise', 0, MAX_PAISE)
    .optionalString(command.proofUrl, 'proofUrl', 500)
    .check(dims === undefined || [dims.length, dims.width, dims.height].every((n) => typeof n === 'number' && n > 0 && n <= MAX_CM), 'measuredDimensionsCm', `must be lengths above 0 and up to ${MAX_CM} cm`)
    .check(isTimestamp(command.reportedAt), 'reportedAt', 'must be an ISO 8601 timestamp')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.mode !== 'on-network' || shipment.partner?.id !== command.partnerId) {
    throw new IllegalStepError('NOT_THE_SHIPMENT_PARTNER', `Shipment ${shipment.shipmentId} is not with partner ${command.partnerId}`, { shipmentId: shipment.shipmentId });
  }
  if (!DISPATCHED_SHIPMENT_STATUSES.includes(shipment.status)) {
    throw new IllegalStepError('SHIPMENT_NOT_PICKED_UP', `Shipment ${shipment.shipmentId} is ${shipment.status}: a partner weighs a parcel once it has it`, {
      shipmentId: shipment.shipmentId,
      shipmentStatus: shipment.status,
    });
  }
  const known = shipment.weightDifferential;
  if (known && sameReport(known, command)) return [];
  if (known && known.status !== 'pending') {
    throw new IllegalStepError('WEIGHT_DIFFERENTIAL_ANSWERED', `The seller already ${known.status} the weight differential of shipment ${shipment.shipmentId}`, {
      shipmentId: shipment.shipmentId,
      status: known.status,
    });
  }
  return [
    {
      type: 'WeightDifferentialReported',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        partnerId: command.partnerId,
        declaredWeightGrams: shipment.package.weightGrams,
        measuredWeightGrams: command.measuredWeightGrams,
        ...(dims ? { measuredDimensionsCm: { length: dims.length, width: dims.width, height: dims.height } } : {}),
        amountPaise: command.amountPaise,
        taxPaise: command.taxPaise,
        ...(command.proofUrl ? { proofUrl: command.proofUrl } : {}),
        reportedAt: new Date(command.reportedAt).toISOString(),
      },
    },
  ];
}

/** The differential a seller's answer is about; the same answer twice changes nothing, the other one is refused. */
function requirePending(shipment: ShipmentState, answer: 'accepted' | 'disputed'): WeightDifferentialState | undefined {
  const known = shipment.weightDifferential;
  if (!known) {
    throw new IllegalStepError('NO_WEIGHT_DIFFERENTIAL', `No weight differential was reported for shipment ${shipment.shipmentId}`, { shipmentId: shipment.shipmentId });
  }
  if (known.status === answer) return undefined;
  if (known.status !== 'pending') {
    throw new IllegalStepError('WEIGHT_DIFFERENTIAL_ANSWERED', `The weight differential of shipment ${shipment.shipmentId} was already ${known.status}`, {
      shipmentId: shipment.shipmentId,
      status: known.status,
    });
  }
  return known;
}

export function decideAcceptWeightDifferential(order: ActiveOrder, command: OrderCommandOf<'AcceptWeightDifferential'>, now: Date): OrderEvent[] {
  const shipment = requireShipment(order, command.shipmentId);
  const pending = requirePending(shipment, 'accepted');
  if (!pending) return [];
  return [
    { type: 'WeightDifferentialAccepted', data: { orderId: order.orderId, shipmentId: shipment.shipmentId, amountPaise: pending.amountPaise, taxPaise: pending.taxPaise, acceptedAt: now.toISOString() } },
  ];
}

export function decideDisputeWeightDifferential(order: ActiveOrder, command: OrderCommandOf<'DisputeWeightDifferential'>, now: Date): OrderEvent[] {
  new Validator().optionalString(command.reason, 'reason', 500).throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  const pending = requirePending(shipment, 'disputed');
  if (!pending) return [];
  return [
    {
      type: 'WeightDifferentialDisputed',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        amountPaise: pending.amountPaise,
        taxPaise: pending.taxPaise,
        ...(command.reason ? { reason: command.reason } : {}),
        disputedAt: now.toISOString(),
      },
    },
  ];
}
