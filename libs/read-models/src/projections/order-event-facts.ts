import { ORDER_STREAM_PREFIX, orderRefOfStream, type OrderEvent, type OrderEventType, type OrderRef } from '@fulfil/domain';
import type { EventFilter, JsonObject, RecordedEvent } from '@fulfil/event-store';

/** Every projection here reads the order streams only. */
export const ORDER_STREAMS: EventFilter = { kind: 'streamName', prefixes: [ORDER_STREAM_PREFIX] };

const KNOWN_ORDER_EVENTS: Record<OrderEventType, true> = {
  OrderReceived: true,
  InvoiceGenerated: true,
  InvoiceRegenerated: true,
  CreditNoteIssued: true,
  ShipmentCreated: true,
  ShippingLabelGenerated: true,
  ShipmentMarkedReadyToShip: true,
  PackageImageRecorded: true,
  ShipmentModeSwitched: true,
  LogisticsPartnerAssigned: true,
  NoLogisticsPartnerFound: true,
  DeliveryAgentAssigned: true,
  ShipmentPickedUp: true,
  ShipmentInTransit: true,
  ShipmentOutForDelivery: true,
  ShipmentDelivered: true,
  CodCollectionMismatched: true,
  CodSettlementReconciled: true,
  CodSettlementMismatched: true,
  ShipmentCancelledByPartner: true,
  ShipmentRtoInitiated: true,
  ShipmentRtoDelivered: true,
  ShipmentRtoDisposed: true,
  LatePartnerReportRecorded: true,
  ShipmentAttemptFailed: true,
  ShipmentAttemptRescheduled: true,
  ShipmentReattemptRequested: true,
  ShipmentReturnRequested: true,
  PartnerDetailsUpdated: true,
  WeightDifferentialReported: true,
  WeightDifferentialAccepted: true,
  WeightDifferentialDisputed: true,
  PartnerCancellationConfirmed: true,
  PartnerCancellationFailed: true,
  ShipmentMarkedShipped: true,
  DeliveryOtpIssued: true,
  DeliveryOtpReissued: true,
  DeliveryOtpVerified: true,
  DeliveryOtpRejected: true,
  DeliveryOtpLocked: true,
  OrderReshipped: true,
  ShipmentCancelled: true,
  OrderCancelled: true,
  ReturnRequested: true,
  ReturnShipped: true,
  ReturnReceived: true,
  ReturnCancelled: true,
};

/** An event on an order stream that this code does not know: a projection must not guess, so it fails loudly. */
export class UnknownOrderEventError extends Error {
  constructor(readonly event: RecordedEvent) {
    super(`Unknown event type ${event.type} on ${event.stream}`);
    this.name = 'UnknownOrderEventError';
  }
}

/** The domain event carried by a stored one. Data was validated against its schema when appended, so it is trusted here. */
export function toOrderEvent(event: RecordedEvent): OrderEvent {
  if (!Object.prototype.hasOwnProperty.call(KNOWN_ORDER_EVENTS, event.type)) throw new UnknownOrderEventError(event);
  return { type: event.type, data: event.data } as unknown as OrderEvent;
}

/** The seller and order of an event on an order stream (the filter lets no other through). */
export function orderRefOf(event: RecordedEvent): OrderRef {
  const ref = orderRefOfStream(event.stream);
  if (!ref) throw new Error(`${event.stream} is not an order stream`);
  return ref;
}

export const shipmentIdOf = (event: OrderEvent): string | undefined => ('shipmentId' in event.data ? event.data.shipmentId : undefined);

export interface OrderEventFacts {
  /** When it happened by the event's own clock (a partner's report time, say), not when it was stored. */
  occurredAt: string;
  /** What the timeline shows besides the type: identifiers and amounts, never contact details. */
  detail: JsonObject;
}

const present = <T extends object>(value: T): JsonObject =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as JsonObject;

const units = (lines: readonly { quantity: number }[]): number => lines.reduce((n, l) => n + l.quantity, 0);

export function orderEventFacts(event: OrderEvent): OrderEventFacts {
  switch (event.type) {
    case 'OrderReceived': {
      const d = event.data;
      return { occurredAt: d.receivedAt, detail: present({ itemCount: d.items.length, totalPaise: d.totalPaise, paymentMethod: d.paymentMethod, salesChannel: d.salesChannel }) };
    }
    case 'InvoiceGenerated': {
      const d = event.data;
      return { occurredAt: d.invoiceDate, detail: { invoiceNumber: d.invoiceNumber, revision: d.revision, grandTotalPaise: d.totals.grandTotalPaise, auto: d.auto } };
    }
    case 'InvoiceRegenerated': {
      const d = event.data;
      return {
        occurredAt: d.regeneratedAt,
        detail: present({
          invoiceNumber: d.invoiceNumber,
          previousInvoiceNumber: d.previousInvoiceNumber,
          revision: d.revision,
          reason: d.reason,
          taxRelevantChange: d.taxRelevantChange,
          creditNoteNumber: d.creditNoteNumber,
        }),
      };
    }
    case 'CreditNoteIssued': {
      const d = event.data;
      return { occurredAt: d.issuedAt, detail: present({ creditNoteNumber: d.creditNoteNumber, originalInvoiceNumber: d.originalInvoiceNumber, reason: d.reason, returnId: d.returnId }) };
    }
    case 'ShipmentCreated':
      return { occurredAt: event.data.createdAt, detail: present({ mode: event.data.mode, reshipOf: event.data.reshipOf }) };
    case 'ShippingLabelGenerated':
      return { occurredAt: event.data.generatedAt, detail: present({ labelVersion: event.data.labelVersion, awb: event.data.awb }) };
    case 'ShipmentMarkedReadyToShip':
      return { occurredAt: event.data.markedAt, detail: { attempt: event.data.attempt, bulk: event.data.bulk } };
    case 'PackageImageRecorded':
      return { occurredAt: event.data.recordedAt, detail: { sha256: event.data.image.sha256 } };
    case 'ShipmentModeSwitched':
      return { occurredAt: event.data.switchedAt, detail: { from: event.data.from, to: event.data.to } };
    case 'LogisticsPartnerAssigned':
      return { occurredAt: event.data.assignedAt, detail: present({ partnerId: event.data.partnerId, partnerName: event.data.partnerName, awb: event.data.awb, surgeFeePaise: event.data.surgeFeePaise }) };
    case 'WeightDifferentialReported': {
      const d = event.data;
      return {
        occurredAt: d.reportedAt,
        detail: present({ declaredWeightGrams: d.declaredWeightGrams, measuredWeightGrams: d.measuredWeightGrams, amountPaise: d.amountPaise, taxPaise: d.taxPaise, proofUrl: d.proofUrl }),
      };
    }
    case 'WeightDifferentialAccepted':
      return { occurredAt: event.data.acceptedAt, detail: { amountPaise: event.data.amountPaise, taxPaise: event.data.taxPaise } };
    case 'WeightDifferentialDisputed':
      return { occurredAt: event.data.disputedAt, detail: present({ amountPaise: event.data.amountPaise, taxPaise: event.data.taxPaise, reason: event.data.reason }) };
    case 'NoLogisticsPartnerFound':
      return { occurredAt: event.data.reportedAt, detail: { reason: event.data.reason, candidatesTried: event.data.candidatesTried } };
    case 'DeliveryAgentAssigned':
      return { occurredAt: event.data.reportedAt, detail: { agentName: event.data.agentName } };
    case 'ShipmentPickedUp':
    case 'ShipmentInTransit':
    case 'ShipmentOutForDelivery':
    case 'ShipmentRtoDelivered':
    case 'ShipmentRtoDisposed':
      return { occurredAt: event.data.reportedAt, detail: {} };
    case 'ShipmentDelivered':
      return { occurredAt: event.data.deliveredAt, detail: present({ via: event.data.via, codCollectedPaise: event.data.codCollectedPaise }) };
    case 'CodCollectionMismatched': {
      const d = event.data;
      return { occurredAt: d.reportedAt, detail: { partnerId: d.partnerId, duePaise: d.duePaise, collectedPaise: d.collectedPaise } };
    }
    case 'CodSettlementReconciled': {
      const d = event.data;
      return { occurredAt: d.reconciledAt, detail: present({ partnerId: d.partnerId, amountPaise: d.amountPaise, status: d.status, settlementRef: d.settlementRef }) };
    }
    case 'CodSettlementMismatched': {
      const d = event.data;
      return { occurredAt: d.reportedAt, detail: { partnerId: d.partnerId, claimedPaise: d.claimedPaise, partnerPaise: d.partnerPaise, accord: d.accord } };
    }
    case 'ShipmentCancelledByPartner':
      return { occurredAt: event.data.reportedAt, detail: present({ reason: event.data.reason, reasonCode: event.data.reasonCode }) };
    case 'ShipmentRtoInitiated':
      return { occurredAt: event.data.reportedAt, detail: present({ reason: event.data.reason, reasonCode: event.data.reasonCode }) };
    case 'ShipmentAttemptFailed': {
      const d = event.data;
      return { occurredAt: d.reportedAt, detail: present({ stage: d.stage, attempt: d.attempt, reason: d.reason, reasonCode: d.reasonCode, nextAttemptAt: d.nextAttemptAt, by: d.by }) };
    }
    case 'ShipmentAttemptRescheduled':
      return { occurredAt: event.data.reportedAt, detail: present({ stage: event.data.stage, nextAttemptAt: event.data.nextAttemptAt, reasonCode: event.data.reasonCode }) };
    case 'ShipmentReattemptRequested':
      return { occurredAt: event.data.requestedAt, detail: present({ stage: event.data.stage, attempt: event.data.attempt, note: event.data.note }) };
    case 'ShipmentReturnRequested':
      return { occurredAt: event.data.requestedAt, detail: present({ attempt: event.data.attempt, note: event.data.note }) };
    case 'LatePartnerReportRecorded':
      return { occurredAt: event.data.reportedAt, detail: { report: event.data.report, statusWhenReceived: event.data.statusWhenReceived } };
    case 'PartnerDetailsUpdated': {
      // The agent's phone is a contact detail: the timeline names the agent only.
      const { awb, labelUrl, trackingUrl, pickupSlot, agentName } = event.data;
      return { occurredAt: event.data.reportedAt, detail: present({ awb, labelUrl, trackingUrl, pickupSlotStart: pickupSlot?.start, pickupSlotEnd: pickupSlot?.end, agentName }) };
    }
    case 'PartnerCancellationConfirmed':
      return { occurredAt: event.data.confirmedAt, detail: { partnerId: event.data.partnerId, attempts: event.data.attempts } };
    case 'PartnerCancellationFailed':
      return { occurredAt: event.data.failedAt, detail: { partnerId: event.data.partnerId, partnerName: event.data.partnerName, attempts: event.data.attempts, reason: event.data.reason } };
    case 'ShipmentMarkedShipped':
      return { occurredAt: event.data.shippedAt, detail: { courierName: event.data.courierName, trackingNumber: event.data.trackingNumber } };
    case 'DeliveryOtpIssued':
    case 'DeliveryOtpReissued':
      return { occurredAt: event.data.issuedAt, detail: { otpSequence: event.data.otpSequence, expiresAt: event.data.expiresAt } };
    case 'DeliveryOtpVerified':
      return { occurredAt: event.data.verifiedAt, detail: { otpSequence: event.data.otpSequence } };
    case 'DeliveryOtpRejected':
      return { occurredAt: event.data.rejectedAt, detail: { otpSequence: event.data.otpSequence, attemptsLeft: event.data.attemptsLeft } };
    case 'DeliveryOtpLocked':
      return { occurredAt: event.data.lockedAt, detail: { otpSequence: event.data.otpSequence } };
    case 'OrderReshipped':
      return { occurredAt: event.data.reshippedAt, detail: present({ previousShipmentId: event.data.previousShipmentId, reason: event.data.reason, note: event.data.note }) };
    case 'ShipmentCancelled':
      return { occurredAt: event.data.cancelledAt, detail: present({ reason: event.data.reason, reasonCode: event.data.reasonCode }) };
    case 'OrderCancelled':
      return { occurredAt: event.data.cancelledAt, detail: present({ reason: event.data.reason, reasonCode: event.data.reasonCode }) };
    case 'ReturnRequested':
      return { occurredAt: event.data.requestedAt, detail: { returnId: event.data.returnId, units: units(event.data.lines), reason: event.data.reason } };
    case 'ReturnShipped':
      return { occurredAt: event.data.shippedAt, detail: { returnId: event.data.returnId, courierName: event.data.courierName, trackingNumber: event.data.trackingNumber } };
    case 'ReturnReceived':
      return { occurredAt: event.data.receivedAt, detail: { returnId: event.data.returnId, accepted: units(event.data.accepted), rejected: units(event.data.rejected) } };
    case 'ReturnCancelled':
      return { occurredAt: event.data.cancelledAt, detail: { returnId: event.data.returnId, reason: event.data.reason } };
  }
}
