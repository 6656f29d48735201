import { IllegalStepError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { OrderCommandOf, PARTNER_REPORTS } from './order-commands';
import type { AttemptStage, OrderEvent, PartnerReport } from './order-events';
import { ActiveOrder, ShipmentState, ShipmentStatus, isTerminal } from './order-state';
import { requireShipment } from './shipment-decisions';

/** How far along the partner's journey a status is; a report never moves a shipment to a lower rank. */
const RANK: Partial<Record<ShipmentStatus, number>> = {
  ready_to_ship: 1,
  partner_assigned: 2,
  agent_assigned: 3,
  // A failed pickup sits between the agent's arrival and the pickup it failed to make; likewise below.
  pickup_failed: 3.5,
  picked_up: 4,
  in_transit: 5,
  out_for_delivery: 6,
  delivery_failed: 6.5,
  delivered: 7,
  rto_initiated: 8,
  rto_delivered: 9,
  rto_disposed: 9,
  cancelled: 10,
};

type AttemptReport = 'pickup_failed' | 'pickup_rescheduled' | 'delivery_failed' | 'delivery_rescheduled';
type StatusReport = Exclude<PartnerReport, AttemptReport>;

const STATUS_OF_REPORT: Record<StatusReport, ShipmentStatus> = {
  agent_assigned: 'agent_assigned',
  picked_up: 'picked_up',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  cancelled: 'cancelled',
  rto_initiated: 'rto_initiated',
  rto_delivered: 'rto_delivered',
  rto_disposed: 'rto_disposed',
};

const isTimestamp = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));

function requireOnNetwork(shipment: ShipmentState): void {
  if (shipment.mode !== 'on-network') {
    throw new IllegalStepError('SHIPMENT_IS_OFF_NETWORK', `Shipment ${shipment.shipmentId} is shipped by the seller's own courier`);
  }
}

export function decideAssignPartner(order: ActiveOrder, command: OrderCommandOf<'AssignLogisticsPartner'>, now: Date): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .nonEmptyString(command.partnerName, 'partnerName', 200)
    .matches(command.networkOrderId, /^[A-Za-z0-9]{1,32}$/, 'networkOrderId', 'must be 1 to 32 letters or digits')
    .optionalString(command.awb, 'awb', 64)
    .optionalString(command.trackingUrl, 'trackingUrl', 500)
    .check(
      command.pickupSlot === undefined || (isTimestamp(command.pickupSlot.start) && isTimestamp(command.pickupSlot.end)),
      'pickupSlot',
      'must have ISO 8601 start and end',
    )
    .check(command.surgeFeePaise === undefined || (Number.isInteger(command.surgeFeePaise) && command.surgeFeePaise >= 0), 'surgeFeePaise', 'must be a whole number of paise, 0 or more')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  requireOnNetwork(shipment);
  if (shipment.partner) {
    if (shipment.partner.id === command.partnerId && shipment.partner.networkOrderId === command.networkOrderId) return [];
    throw new IllegalStepError('PARTNER_ALREADY_ASSIGNED', `Shipment ${shipment.shipmentId} is already confirmed with ${shipment.partner.name}`, {
      partnerId: shipment.partner.id,
    });
  }
  if (shipment.status !== 'ready_to_ship') {
    throw new IllegalStepError('SHIPMENT_NOT_AWAITING_PARTNER', `Shipment ${shipment.shipmentId} is ${shipment.status}, not waiting for a partner`, {
      shipmentStatus: shipment.status,
    });
  }
  const at = now.toISOString();
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  const assigned: OrderEvent = {
    type: 'LogisticsPartnerAssigned',
    data: {
      ...ref,
      partnerId: command.partnerId,
      partnerName: command.partnerName,
      networkOrderId: command.networkOrderId,
      ...(command.awb ? { awb: command.awb } : {}),
      ...(command.trackingUrl ? { trackingUrl: command.trackingUrl } : {}),
      ...(command.pickupSlot
        ? { pickupSlot: { start: new Date(command.pickupSlot.start).toISOString(), end: new Date(command.pickupSlot.end).toISOString() } }
        : {}),
      ...(command.surgeFeePaise ? { surgeFeePaise: command.surgeFeePaise } : {}),
      assignedAt: at,
    },
  };
  if (!command.awb) return [assigned];
  return [
    assigned,
    { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: shipment.labelVersion + 1, awb: command.awb, carrierName: command.partnerName, generatedAt: at } },
  ];
}

export function decideNoPartnerFound(order: ActiveOrder, command: OrderCommandOf<'RecordNoPartnerFound'>, now: Date): OrderEvent[] {
  new Validator().nonEmptyString(command.reason, 'reason', 500).integer(command.candidatesTried, 'candidatesTried', 0, 1000).throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  requireOnNetwork(shipment);
  if (shipment.status === 'no_partner_found') return [];
  if (shipment.status !== 'ready_to_ship') {
    throw new IllegalStepError('SHIPMENT_NOT_AWAITING_PARTNER', `Shipment ${shipment.shipmentId} is ${shipment.status}, not waiting for a partner`, {
      shipmentStatus: shipment.status,
    });
  }
  return [
    {
      type: 'NoLogisticsPartnerFound',
      data: { orderId: order.orderId, shipmentId: shipment.shipmentId, reason: command.reason, candidatesTried: command.candidatesTried, reportedAt: now.toISOString() },
    },
  ];
}

function reportEvent(order: ActiveOrder, shipment: ShipmentState, command: OrderCommandOf<'RecordPartnerReport'> & { report: StatusReport }): OrderEvent {
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  // Partners send assorted timestamp spellings; events keep one.
  const reportedAt = new Date(command.reportedAt).toISOString();
  switch (command.report) {
    case 'agent_assigned':
      return {
        type: 'DeliveryAgentAssigned',
        data: { ...ref, agentName: command.agentName || 'Delivery agent', ...(command.agentPhone ? { agentPhone: command.agentPhone } : {}), reportedAt },
      };
    case 'picked_up':
      return { type: 'ShipmentPickedUp', data: { ...ref, reportedAt } };
    case 'in_transit':
      return { type: 'ShipmentInTransit', data: { ...ref, reportedAt } };
    case 'out_for_delivery':
      return { type: 'ShipmentOutForDelivery', data: { ...ref, reportedAt } };
    case 'delivered':
      return {
        type: 'ShipmentDelivered',
        data: { ...ref, via: 'partner', ...(shipment.codAmountPaise > 0 && command.codCollectedPaise !== undefined ? { codCollectedPaise: command.codCollectedPaise } : {}), deliveredAt: reportedAt },
      };
    case 'cancelled':
      return {
        type: 'ShipmentCancelledByPartner',
        data: { ...ref, reason: command.reason || 'Cancelled by the logistics partner', ...(command.reasonCode ? { reasonCode: command.reasonCode } : {}), reportedAt },
      };
    case 'rto_initiated':
      return {
        type: 'ShipmentRtoInitiated',
        data: { ...ref, ...(command.reason ? { reason: command.reason } : {}), ...(command.reasonCode ? { reasonCode: command.reasonCode } : {}), reportedAt },
      };
    case 'rto_delivered':
      return { type: 'ShipmentRtoDelivered', data: { ...ref, reportedAt } };
    case 'rto_disposed':
      return { type: 'ShipmentRtoDisposed', data: { ...ref, reportedAt } };
  }
}

/** A COD delivery whose collected amount is not what was due: the seller has money to settle with the partner. */
function codMismatch(order: ActiveOrder, shipment: ShipmentState, command: OrderCommandOf<'RecordPartnerReport'>): OrderEvent[] {
  const collected = command.codCollectedPaise;
  if (command.report !== 'delivered' || shipment.codAmountPaise <= 0 || collected === undefined || collected === shipment.codAmountPaise) return [];
  return [
    {
      type: 'CodCollectionMismatched',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        partnerId: command.partnerId,
        duePaise: shipment.codAmountPaise,
        collectedPaise: collected,
        reportedAt: new Date(command.reportedAt).toISOString(),
      },
    },
  ];
}

/** Does a report move the shipment forward from where it stands? */
function advances(shipment: ShipmentState, report: StatusReport, reportedAt: string): boolean {
  const current = shipment.status;
  const target = STATUS_OF_REPORT[report];
  const from = RANK[current] ?? 0;
  const to = RANK[target] ?? 0;
  if (current === 'rto_initiated') return target === 'rto_delivered' || target === 'rto_disposed';
  if (report === 'cancelled') return from < RANK.picked_up!;
  if (report === 'rto_initiated') return from >= RANK.partner_assigned! && from <= RANK.delivery_failed!;
  // After a failed delivery the next attempt goes out for delivery again; an older report does not.
  if (current === 'delivery_failed' && report === 'out_for_delivery') return Date.parse(reportedAt) > Date.parse(shipment.lastFailure?.reportedAt ?? '');
  return to > from;
}

/** Where a failed or rescheduled attempt of each stage may be reported: from assignment until the stage is done. */
const STAGE_OPEN: Record<AttemptStage, readonly ShipmentStatus[]> = {
  pickup: ['partner_assigned', 'agent_assigned', 'pickup_failed'],
  delivery: ['picked_up', 'in_transit', 'out_for_delivery', 'delivery_failed'],
};

const ONDC_DELAY_REASON = (code: string | undefined): string => (code ? `ONDC delay reason ${code}` : 'No reason given by the logistics partner');

/**
 * A failed or rescheduled pickup or delivery attempt. A failure later than the last one of its
 * stage is a new attempt; the same failure again (or an older one) changes nothing but the timeline.
 */
function attemptEvents(order: ActiveOrder, shipment: ShipmentState, command: OrderCommandOf<'RecordPartnerReport'> & { report: AttemptReport }): OrderEvent[] {
  const stage: AttemptStage = command.report.startsWith('pickup') ? 'pickup' : 'delivery';
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  const reportedAt = new Date(command.reportedAt).toISOString();
  const nextAttemptAt = command.nextAttemptAt ? new Date(command.nextAttemptAt).toISOString() : undefined;
  const late: OrderEvent = { type: 'LatePartnerReportRecorded', data: { ...ref, report: command.report, statusWhenReceived: shipment.status, reportedAt } };
  if (!STAGE_OPEN[stage].includes(shipment.status)) return [late];
  const last = shipment.lastFailure?.stage === stage ? shipment.lastFailure : undefined;
  if (command.report.endsWith('rescheduled')) {
    if (last && last.nextAttemptAt === nextAttemptAt) return [];
    return [
      {
        type: 'ShipmentAttemptRescheduled',
        data: { ...ref, stage, ...(nextAttemptAt ? { nextAttemptAt } : {}), ...(command.reasonCode ? { reasonCode: command.reasonCode } : {}), reportedAt },
      },
    ];
  }
  if (last && Date.parse(reportedAt) <= Date.parse(last.reportedAt)) return last.reportedAt === reportedAt ? [] : [late];
  return [
    {
      type: 'ShipmentAttemptFailed',
      data: {
        ...ref,
        stage,
        attempt: (shipment.failedAttempts?.[stage] ?? 0) + 1,
        reason: command.reason || ONDC_DELAY_REASON(command.reasonCode),
        ...(command.reasonCode ? { reasonCode: command.reasonCode } : {}),
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
        by: 'partner',
        reportedAt,
      },
    },
  ];
}

const isAttemptReport = (command: OrderCommandOf<'RecordPartnerReport'>): command is OrderCommandOf<'RecordPartnerReport'> & { report: AttemptReport } =>
  !(command.report in STATUS_OF_REPORT);

/**
 * Partner reports arrive late, twice and out of order. A report that moves the shipment forward
 * becomes its status event; a repeat of the current status changes nothing; anything older is
 * kept for the timeline only.
 */
export function decidePartnerReport(order: ActiveOrder, command: OrderCommandOf<'RecordPartnerReport'>): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .oneOf(command.report, PARTNER_REPORTS, 'report')
    .check(isTimestamp(command.reportedAt), 'reportedAt', 'must be an ISO 8601 timestamp')
    .check(command.nextAttemptAt === undefined || isTimestamp(command.nextAttemptAt), 'nextAttemptAt', 'must be an ISO 8601 timestamp')
    .optionalString(command.reasonCode, 'reasonCode', 16)
    .optionalString(command.reason, 'reason', 500)
    .check(
      command.codCollectedPaise === undefined || (Number.isSafeInteger(command.codCollectedPaise) && command.codCollectedPaise >= 0),
      'codCollectedPaise',
      'must be a whole number of paise, 0 or more',
    )
    .check(command.codCollectedPaise === undefined || command.report === 'delivered', 'codCollectedPaise', 'is reported with a delivery only')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  requireOnNetwork(shipment);
  if (!shipment.partner || shipment.partner.id !== command.partnerId) {
    throw new IllegalStepError('PARTNER_NOT_ASSIGNED', `Partner ${command.partnerId} is not the partner of shipment ${shipment.shipmentId}`, {
      partnerId: command.partnerId,
    });
  }
  if (isAttemptReport(command)) return attemptEvents(order, shipment, command);
  const report = command as OrderCommandOf<'RecordPartnerReport'> & { report: StatusReport };
  if (shipment.status === STATUS_OF_REPORT[report.report]) return [];
  if (!isTerminal(shipment) && advances(shipment, report.report, report.reportedAt)) return [reportEvent(order, shipment, report), ...codMismatch(order, shipment, report)];
  return [
    {
      type: 'LatePartnerReportRecorded',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        report: command.report,
        statusWhenReceived: shipment.status,
        reportedAt: new Date(command.reportedAt).toISOString(),
      },
    },
  ];
}

const sameSlot = (a: { start: string; end: string } | undefined, b: { start: string; end: string }): boolean =>
  a !== undefined && Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);

function requireAssignedPartner(shipment: ShipmentState, partnerId: string): NonNullable<ShipmentState['partner']> {
  requireOnNetwork(shipment);
  if (!shipment.partner || shipment.partner.id !== partnerId) {
    throw new IllegalStepError('PARTNER_NOT_ASSIGNED', `Partner ${partnerId} is not the partner of shipment ${shipment.shipmentId}`, { partnerId });
  }
  return shipment.partner;
}

/**
 * Facts a partner sends after it was assigned, in any callback: an AWB (deferred ready to ship),
 * its own label, a pickup slot, the agent. Only what differs from what the shipment has is
 * recorded, whatever the shipment's status (an AWB that arrives with the delivery still belongs on
 * the label); a new AWB reissues the shipping label with it.
 */
export function decidePartnerDetails(order: ActiveOrder, command: OrderCommandOf<'RecordPartnerDetails'>, now: Date): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .check(isTimestamp(command.reportedAt), 'reportedAt', 'must be an ISO 8601 timestamp')
    .optionalString(command.awb, 'awb', 64)
    .optionalString(command.labelUrl, 'labelUrl', 500)
    .optionalString(command.trackingUrl, 'trackingUrl', 500)
    .optionalString(command.agentName, 'agentName', 200)
    .optionalString(command.agentPhone, 'agentPhone', 20)
    .check(
      command.pickupSlot === undefined || (isTimestamp(command.pickupSlot.start) && isTimestamp(command.pickupSlot.end)),
      'pickupSlot',
      'must have ISO 8601 start and end',
    )
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  const partner = requireAssignedPartner(shipment, command.partnerId);
  const slot = command.pickupSlot ? { start: new Date(command.pickupSlot.start).toISOString(), end: new Date(command.pickupSlot.end).toISOString() } : undefined;
  const agentChanged = command.agentName !== undefined && command.agentName !== '' && (partner.agent?.name !== command.agentName || (command.agentPhone !== undefined && partner.agent?.phone !== command.agentPhone));
  const changed = {
    ...(command.awb && command.awb !== partner.awb ? { awb: command.awb } : {}),
    ...(command.labelUrl && command.labelUrl !== partner.labelUrl ? { labelUrl: command.labelUrl } : {}),
    ...(command.trackingUrl && command.trackingUrl !== partner.trackingUrl ? { trackingUrl: command.trackingUrl } : {}),
    ...(slot && !sameSlot(partner.pickupSlot, slot) ? { pickupSlot: slot } : {}),
    ...(agentChanged ? { agentName: command.agentName!, ...(command.agentPhone ? { agentPhone: command.agentPhone } : {}) } : {}),
  };
  if (Object.keys(changed).length === 0) return [];
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  const updated: OrderEvent = { type: 'PartnerDetailsUpdated', data: { ...ref, partnerId: partner.id, ...changed, reportedAt: new Date(command.reportedAt).toISOString() } };
  if (!changed.awb) return [updated];
  return [
    updated,
    { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: shipment.labelVersion + 1, awb: changed.awb, carrierName: partner.name, generatedAt: now.toISOString() } },
  ];
}

/**
 * What came of the seller's cancellation at the partner. A confirmation is recorded once, even
 * after the cancellation was given up on (a late on_cancel still lands); a failure only while
 * nothing is known yet.
 */
export function decidePartnerCancellationOutcome(order: ActiveOrder, command: OrderCommandOf<'RecordPartnerCancellationOutcome'>): OrderEvent[] {
  new Validator()
    .nonEmptyString(command.partnerId, 'partnerId', 200)
    .check(command.outcome === 'confirmed' || command.outcome === 'failed', 'outcome', 'must be confirmed or failed')
    .integer(command.attempts, 'attempts', 0, 1000)
    .optionalString(command.reason, 'reason', 500)
    .check(command.outcome !== 'failed' || (typeof command.reason === 'string' && command.reason.trim() !== ''), 'reason', 'is required when the cancellation failed')
    .check(isTimestamp(command.reportedAt), 'reportedAt', 'must be an ISO 8601 timestamp')
    .throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  const partner = requireAssignedPartner(shipment, command.partnerId);
  if (shipment.status !== 'cancelled') {
    throw new IllegalStepError('SHIPMENT_NOT_CANCELLED', `Shipment ${shipment.shipmentId} is ${shipment.status}; the seller did not cancel it`, { shipmentStatus: shipment.status });
  }
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId, partnerId: partner.id };
  const at = new Date(command.reportedAt).toISOString();
  if (command.outcome === 'confirmed') {
    return partner.cancellation === 'confirmed' ? [] : [{ type: 'PartnerCancellationConfirmed', data: { ...ref, attempts: command.attempts, confirmedAt: at } }];
  }
  if (partner.cancellation !== undefined) return [];
  return [{ type: 'PartnerCancellationFailed', data: { ...ref, partnerName: partner.name, attempts: command.attempts, reason: command.reason!, failedAt: at } }];
}
