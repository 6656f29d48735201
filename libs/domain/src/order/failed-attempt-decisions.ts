import { IllegalStepError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import type { OrderCommandOf } from './order-commands';
import type { OrderEvent } from './order-events';
import { ActiveOrder, FailedAttempt, ShipmentState } from './order-state';
import { requireShipment } from './shipment-decisions';

const isTimestamp = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** The failed attempt a seller's answer is about: the shipment must be waiting after one. */
function requireFailure(shipment: ShipmentState, stages: ReadonlyArray<FailedAttempt['stage']>, action: string): FailedAttempt {
  const failure = shipment.lastFailure;
  const waiting = (shipment.status === 'pickup_failed' || shipment.status === 'delivery_failed') && failure && stages.includes(failure.stage);
  if (!waiting || !failure) {
    throw new IllegalStepError('NO_FAILED_ATTEMPT', `Cannot ${action}: shipment ${shipment.shipmentId} is ${shipment.status}, not after a failed ${stages.join(' or ')} attempt`, {
      shipmentId: shipment.shipmentId,
      shipmentStatus: shipment.status,
    });
  }
  return failure;
}

function refuseOtherAnswer(shipment: ShipmentState, failure: FailedAttempt): void {
  if (failure.answer !== undefined) {
    throw new IllegalStepError('FAILED_ATTEMPT_ANSWERED', `Attempt ${failure.attempt} of shipment ${shipment.shipmentId} was already answered: ${failure.answer}`, {
      shipmentId: shipment.shipmentId,
      answer: failure.answer,
    });
  }
}

/** The seller asks for another attempt after a failed pickup or delivery; the same answer again changes nothing. */
export function decideRequestReattempt(order: ActiveOrder, command: OrderCommandOf<'RequestReattempt'>, now: Date): OrderEvent[] {
  new Validator().optionalString(command.note, 'note', 500).throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  const failure = requireFailure(shipment, ['pickup', 'delivery'], 'ask for another attempt');
  if (failure.answer === 'reattempt') return [];
  refuseOtherAnswer(shipment, failure);
  return [
    {
      type: 'ShipmentReattemptRequested',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        stage: failure.stage,
        attempt: failure.attempt,
        ...(command.note ? { note: command.note } : {}),
        requestedAt: now.toISOString(),
      },
    },
  ];
}

/** The seller asks an on-network partner to bring the parcel back after a failed delivery; the partner then reports the return. */
export function decideRequestReturnToOrigin(order: ActiveOrder, command: OrderCommandOf<'RequestReturnToOrigin'>, now: Date): OrderEvent[] {
  new Validator().optionalString(command.note, 'note', 500).throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.mode !== 'on-network') {
    throw new IllegalStepError('SHIPMENT_IS_OFF_NETWORK', `Shipment ${shipment.shipmentId} is with the seller's own courier: record the return to origin once the parcel is back`);
  }
  const failure = requireFailure(shipment, ['delivery'], 'ask for the parcel back');
  if (failure.answer === 'return') return [];
  refuseOtherAnswer(shipment, failure);
  return [
    {
      type: 'ShipmentReturnRequested',
      data: { orderId: order.orderId, shipmentId: shipment.shipmentId, attempt: failure.attempt, ...(command.note ? { note: command.note } : {}), requestedAt: now.toISOString() },
    },
  ];
}

function requireOffNetworkInFlight(shipment: ShipmentState, action: string): void {
  if (shipment.mode !== 'off-network') {
    throw new IllegalStepError('SHIPMENT_IS_ON_NETWORK', `Cannot ${action}: shipment ${shipment.shipmentId} is with an ONDC partner, who reports its attempts`);
  }
  if (shipment.status !== 'shipped' && shipment.status !== 'delivery_failed') {
    throw new IllegalStepError('SHIPMENT_NOT_SHIPPED', `Cannot ${action}: shipment ${shipment.shipmentId} is ${shipment.status}`, {
      shipmentId: shipment.shipmentId,
      shipmentStatus: shipment.status,
    });
  }
}

/** Off-network: the seller records that the courier could not deliver. */
export function decideRecordFailedAttempt(order: ActiveOrder, command: OrderCommandOf<'RecordFailedAttempt'>, now: Date): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.reason, 'reason', 500)
    .check(command.nextAttemptAt === undefined || isTimestamp(command.nextAttemptAt), 'nextAttemptAt', 'must be an ISO 8601 timestamp')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  requireOffNetworkInFlight(shipment, 'record a failed delivery attempt');
  return [
    {
      type: 'ShipmentAttemptFailed',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        stage: 'delivery',
        attempt: (shipment.failedAttempts?.delivery ?? 0) + 1,
        reason: command.reason,
        ...(command.nextAttemptAt ? { nextAttemptAt: new Date(command.nextAttemptAt).toISOString() } : {}),
        by: 'seller',
        reportedAt: now.toISOString(),
      },
    },
  ];
}

/** Off-network: the courier brought the parcel back to the seller. */
export function decideRecordReturnToOrigin(order: ActiveOrder, command: OrderCommandOf<'RecordReturnToOrigin'>, now: Date): OrderEvent[] {
  new Validator().nonEmptyString(command.reason, 'reason', 500).throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.status === 'rto_delivered') return [];
  requireOffNetworkInFlight(shipment, 'record a return to origin');
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  const at = now.toISOString();
  return [
    { type: 'ShipmentRtoInitiated', data: { ...ref, reason: command.reason, reportedAt: at } },
    { type: 'ShipmentRtoDelivered', data: { ...ref, reportedAt: at } },
  ];
}
