import type { Address, DeliveryCategory, PackageDetails, PaymentMethod, ShippingMode } from '../shared/values';
import type {
  AttemptStage,
  Buyer,
  CodSettlementStatus,
  FailedAttemptAnswer,
  InvoiceSnapshot,
  InvoiceTotals,
  OrderCharge,
  OrderEvent,
  OrderEventOf,
  OrderItem,
  RejectedReturnLine,
  ReturnLine,
  StoredImage,
  WeightDifferentialReport,
} from './order-events';

export type ShipmentStatus =
  | 'created'
  | 'ready_to_ship'
  | 'no_partner_found'
  | 'partner_assigned'
  | 'agent_assigned'
  | 'pickup_failed'
  | 'picked_up'
  | 'in_transit'
  | 'out_for_delivery'
  | 'delivery_failed'
  | 'shipped'
  | 'delivered'
  | 'rto_initiated'
  | 'rto_delivered'
  | 'rto_disposed'
  | 'cancelled';

export interface InvoiceRevision {
  revision: number;
  invoiceNumber: string;
  financialYear: string;
  invoiceDate: string;
  snapshot: InvoiceSnapshot;
  totals: InvoiceTotals;
  reason?: string;
  /** A corrected copy under the same number (no tax fact changed): when it was made. It prints as "Revised". */
  revisedAt?: string;
}

export interface CreditNote {
  creditNoteNumber: string;
  financialYear: string;
  issuedAt: string;
  reason: string;
  originalInvoiceNumber: string;
  originalInvoiceDate: string;
  originalRevision: number;
  /** A credit note for goods returned: the return, and the lines credited. */
  returnId?: string;
  items?: OrderItem[];
}

export type ReturnStatus = 'requested' | 'shipped' | 'received' | 'cancelled';

export interface ReturnState {
  returnId: string;
  /** The delivered shipment the goods came in. */
  shipmentId: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  reason: string;
  requestedAt: string;
  courier?: { name: string; trackingNumber: string; trackingUrl?: string };
  accepted?: ReturnLine[];
  rejected?: RejectedReturnLine[];
  receivedAt?: string;
}

export interface InvoiceState {
  current: InvoiceRevision;
  revisions: InvoiceRevision[];
  creditNotes: CreditNote[];
}

export interface DeliveryOtpState {
  sequence: number;
  expiresAt: string;
  failedAttempts: number;
  locked: boolean;
  lockedAt?: string;
  verified: boolean;
  /** When each reissue of this shipment's OTP happened, for the rolling reissue limit. */
  reissuedAt: string[];
}

/** The latest failed attempt of a shipment, and the seller's answer to it once given. */
export interface FailedAttempt {
  stage: AttemptStage;
  attempt: number;
  reason: string;
  reasonCode?: string;
  nextAttemptAt?: string;
  reportedAt: string;
  answer?: FailedAttemptAnswer;
}

/** The partner confirmed for an on-network shipment, with what it told us since. */
export interface PartnerState {
  id: string;
  name: string;
  networkOrderId: string;
  awb?: string;
  trackingUrl?: string;
  /** The partner's own shipping label (P2H2P). */
  labelUrl?: string;
  pickupSlot?: { start: string; end: string };
  agent?: { name: string; phone?: string };
  /** What came of the seller's cancellation at the partner, once known. */
  cancellation?: 'confirmed' | 'failed';
  /** The surge fee of the confirmed quote, GST included. */
  surgeFeePaise?: number;
}

/** A partner's charge for a parcel heavier or bigger than declared, and the seller's answer. */
export interface WeightDifferentialState extends WeightDifferentialReport {
  status: 'pending' | 'accepted' | 'disputed';
  answeredAt?: string;
  disputeReason?: string;
}

/** What the partner's last COD reconciliation (RSF 2.0 /on_recon) settled for the shipment. */
export interface CodSettlementState {
  /** Reconciled: the partner remits what we claimed and accords; mismatched: anything else. */
  outcome: 'reconciled' | 'mismatched';
  /** Reconciled only: remittance pending or settled (a mismatch carries no status). */
  status?: CodSettlementStatus;
  /** What we asked the partner to remit, and what it says it remits (the same when reconciled). */
  claimedPaise: number;
  partnerPaise: number;
  /** The partner's reference for the remittance (a UTR), when it gave one. */
  settlementRef?: string;
}

/** The settlement a reconciliation event records; the decision compares it with the one held to stay idempotent. */
export function codSettlementOf(event: OrderEventOf<'CodSettlementReconciled' | 'CodSettlementMismatched'>): CodSettlementState {
  if (event.type === 'CodSettlementMismatched') return { outcome: 'mismatched', claimedPaise: event.data.claimedPaise, partnerPaise: event.data.partnerPaise };
  const { amountPaise, status, settlementRef } = event.data;
  return { outcome: 'reconciled', status, claimedPaise: amountPaise, partnerPaise: amountPaise, ...(settlementRef !== undefined ? { settlementRef } : {}) };
}

export interface ShipmentState {
  shipmentId: string;
  mode: ShippingMode;
  status: ShipmentStatus;
  package: PackageDetails;
  codAmountPaise: number;
  readyAttempts: number;
  labelVersion: number;
  label?: { awb?: string; carrierName?: string; generatedAt: string };
  pickupAddress: Address;
  deliveryAddress: Address;
  createdAt: string;
  reshipOf?: string;
  /** Addresses whose GPS is the PIN code's, not the buyer's or seller's own: a rough point. */
  gpsFromPincode?: Array<'pickupAddress' | 'deliveryAddress'>;
  /** The delivery category searched for on-network; absent: the ONDC adapter's default. */
  deliveryCategory?: DeliveryCategory;
  /** On-network: the surge cap the adapter applies to this shipment's offers. */
  maxSurgeFeePaise?: number;
  partner?: PartnerState;
  /** The latest weight differential the partner reported; absent until one is. */
  weightDifferential?: WeightDifferentialState;
  courier?: { name: string; trackingNumber: string; trackingUrl?: string };
  images: StoredImage[];
  otp?: DeliveryOtpState;
  deliveredAt?: string;
  /** A COD delivery: what the partner said it collected, and whether that differs from what was due. */
  codCollection?: { collectedPaise: number; mismatched: boolean };
  /** On-network COD after the settlement window: the partner's latest reconciliation; absent until one. */
  codSettlement?: CodSettlementState;
  /** Failed attempts so far, by stage; absent until the first one. */
  failedAttempts?: Record<AttemptStage, number>;
  lastFailure?: FailedAttempt;
  /**
   * Who cancelled a cancelled shipment (a field, not a status: order status and read models stay as
   * they are). The partner's cancellation leaves the seller ways forward with the same shipment
   * (search again, own courier); the seller's is final. Absent while not cancelled.
   */
  cancelledBy?: 'seller' | 'partner';
  /** Why it was cancelled, as the canceller said it: the seller's text and chosen code, or the partner's text and ONDC reason id (007 for a breached TAT). */
  cancellationReason?: { text: string; code?: string };
}

export interface ActiveOrder {
  status: 'active';
  orderId: string;
  sellerId: string;
  items: OrderItem[];
  charges: OrderCharge[];
  buyer: Buyer;
  deliveryAddress: Address;
  paymentMethod: PaymentMethod;
  totalPaise: number;
  package?: PackageDetails;
  receivedAt: string;
  invoice?: InvoiceState;
  shipments: ShipmentState[];
  cancelled: boolean;
  /** Customer returns, oldest first; absent in folds stored before returns existed. */
  returns?: ReturnState[];
}

export type OrderState = { status: 'none' } | ActiveOrder;

export const initialOrderState = (): OrderState => ({ status: 'none' });

/** Statuses after which a shipment never moves again (except reporting late news for the timeline). */
export const TERMINAL_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['delivered', 'rto_delivered', 'rto_disposed', 'cancelled'];

/** Statuses in which the parcel has left the seller. */
export const DISPATCHED_SHIPMENT_STATUSES: readonly ShipmentStatus[] = [
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivery_failed',
  'shipped',
  'delivered',
  'rto_initiated',
  'rto_delivered',
  'rto_disposed',
];

export const isTerminal = (s: ShipmentState): boolean => TERMINAL_SHIPMENT_STATUSES.includes(s.status);

export const returnsOf = (order: ActiveOrder): ReturnState[] => order.returns ?? [];

/** Returns still under way: requested, or on their way back to the seller. */
export const OPEN_RETURN_STATUSES: readonly ReturnStatus[] = ['requested', 'shipped'];

function updateReturn(order: ActiveOrder, returnId: string, change: (r: ReturnState) => ReturnState): ActiveOrder {
  return { ...order, returns: returnsOf(order).map((r) => (r.returnId === returnId ? change(r) : r)) };
}

/** A failed attempt the seller has not answered yet: the shipment waits on the seller's word (or the partner's next try). */
export const needsAttention = (s: ShipmentState): boolean =>
  (s.status === 'pickup_failed' || s.status === 'delivery_failed') && s.lastFailure !== undefined && s.lastFailure.answer === undefined;

/** The shipment the order's status follows: the newest one. */
export const currentShipment = (order: ActiveOrder): ShipmentState | undefined => order.shipments[order.shipments.length - 1];

function updateShipment(order: ActiveOrder, shipmentId: string, change: (s: ShipmentState) => ShipmentState): ActiveOrder {
  return { ...order, shipments: order.shipments.map((s) => (s.shipmentId === shipmentId ? change(s) : s)) };
}

function updatePartner(order: ActiveOrder, shipmentId: string, change: (p: PartnerState) => PartnerState): ActiveOrder {
  return updateShipment(order, shipmentId, (s) => (s.partner ? { ...s, partner: change(s.partner) } : s));
}

/** A shipment taken up again after its partner cancelled: that partner and its cancellation are behind it (a new search finds the next). */
function withoutCancelledPartner(s: ShipmentState): ShipmentState {
  if (s.cancelledBy !== 'partner') return s;
  const { partner: _partner, cancelledBy: _cancelledBy, cancellationReason: _reason, ...rest } = s;
  return rest;
}

/** The partner, not the seller, cancelled the shipment: the seller may take the same shipment up again. */
export const isCancelledByPartner = (s: ShipmentState): boolean => s.status === 'cancelled' && s.cancelledBy === 'partner';

const withStatus = (status: ShipmentStatus) => (s: ShipmentState): ShipmentState => ({ ...s, status });

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderReceived') {
    const d = event.data;
    return {
      status: 'active',
      orderId: d.orderId,
      sellerId: d.sellerId,
      items: d.items,
      charges: d.charges,
      buyer: d.buyer,
      deliveryAddress: d.deliveryAddress,
      paymentMethod: d.paymentMethod,
      totalPaise: d.totalPaise,
      ...(d.package ? { package: d.package } : {}),
      receivedAt: d.receivedAt,
      shipments: [],
      cancelled: false,
      returns: [],
    };
  }
  if (state.status !== 'active') return state;
  return evolveActiveOrder(state, event);
}

function evolveActiveOrder(order: ActiveOrder, event: Exclude<OrderEvent, { type: 'OrderReceived' }>): ActiveOrder {
  switch (event.type) {
    case 'InvoiceGenerated': {
      const d = event.data;
      const revision: InvoiceRevision = {
        revision: d.revision,
        invoiceNumber: d.invoiceNumber,
        financialYear: d.financialYear,
        invoiceDate: d.invoiceDate,
        snapshot: d.snapshot,
        totals: d.totals,
      };
      return { ...order, invoice: { current: revision, revisions: [revision], creditNotes: [] } };
    }
    case 'InvoiceRegenerated': {
      if (!order.invoice) return order;
      const d = event.data;
      const revision: InvoiceRevision = {
        revision: d.revision,
        invoiceNumber: d.invoiceNumber,
        financialYear: d.financialYear,
        invoiceDate: d.invoiceDate,
        snapshot: d.snapshot,
        totals: d.totals,
        reason: d.reason,
        ...(d.taxRelevantChange ? {} : { revisedAt: d.regeneratedAt }),
      };
      return { ...order, invoice: { ...order.invoice, current: revision, revisions: [...order.invoice.revisions, revision] } };
    }
    case 'CreditNoteIssued': {
      if (!order.invoice) return order;
      const d = event.data;
      const note: CreditNote = {
        creditNoteNumber: d.creditNoteNumber,
        financialYear: d.financialYear,
        issuedAt: d.issuedAt,
        reason: d.reason,
        originalInvoiceNumber: d.originalInvoiceNumber,
        originalInvoiceDate: d.originalInvoiceDate,
        originalRevision: d.originalRevision,
        ...(d.returnId ? { returnId: d.returnId } : {}),
        ...(d.items ? { items: d.items } : {}),
      };
      return { ...order, invoice: { ...order.invoice, creditNotes: [...order.invoice.creditNotes, note] } };
    }
    case 'ShipmentCreated': {
      const d = event.data;
      const shipment: ShipmentState = {
        shipmentId: d.shipmentId,
        mode: d.mode,
        status: 'created',
        package: d.package,
        codAmountPaise: d.codAmountPaise,
        readyAttempts: 0,
        labelVersion: 0,
        pickupAddress: d.pickupAddress,
        deliveryAddress: d.deliveryAddress,
        createdAt: d.createdAt,
        ...(d.reshipOf ? { reshipOf: d.reshipOf } : {}),
        ...(d.gpsFromPincode ? { gpsFromPincode: d.gpsFromPincode } : {}),
        ...(d.deliveryCategory ? { deliveryCategory: d.deliveryCategory } : {}),
        ...(d.maxSurgeFeePaise !== undefined ? { maxSurgeFeePaise: d.maxSurgeFeePaise } : {}),
        images: [],
      };
      return { ...order, shipments: [...order.shipments, shipment] };
    }
    case 'ShippingLabelGenerated': {
      const d = event.data;
      const label = { ...(d.awb ? { awb: d.awb } : {}), ...(d.carrierName ? { carrierName: d.carrierName } : {}), generatedAt: d.generatedAt };
      return updateShipment(order, d.shipmentId, (s) => ({ ...s, labelVersion: d.labelVersion, label }));
    }
    case 'ShipmentMarkedReadyToShip':
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...withoutCancelledPartner(s), status: 'ready_to_ship', readyAttempts: event.data.attempt }));
    case 'PackageImageRecorded':
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, images: [...s.images, event.data.image] }));
    case 'ShipmentModeSwitched':
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...withoutCancelledPartner(s), mode: event.data.to, status: 'created' }));
    case 'LogisticsPartnerAssigned': {
      const d = event.data;
      const partner = {
        id: d.partnerId,
        name: d.partnerName,
        networkOrderId: d.networkOrderId,
        ...(d.awb ? { awb: d.awb } : {}),
        ...(d.trackingUrl ? { trackingUrl: d.trackingUrl } : {}),
        ...(d.pickupSlot ? { pickupSlot: d.pickupSlot } : {}),
        ...(d.surgeFeePaise ? { surgeFeePaise: d.surgeFeePaise } : {}),
      };
      return updateShipment(order, d.shipmentId, (s) => ({ ...s, status: 'partner_assigned', partner }));
    }
    case 'PartnerDetailsUpdated': {
      const { awb, labelUrl, trackingUrl, pickupSlot, agentName, agentPhone } = event.data;
      return updatePartner(order, event.data.shipmentId, (p) => ({
        ...p,
        ...(awb ? { awb } : {}),
        ...(labelUrl ? { labelUrl } : {}),
        ...(trackingUrl ? { trackingUrl } : {}),
        ...(pickupSlot ? { pickupSlot } : {}),
        ...(agentName ? { agent: { name: agentName, ...(agentPhone ? { phone: agentPhone } : {}) } } : {}),
      }));
    }
    case 'PartnerCancellationConfirmed':
      return updatePartner(order, event.data.shipmentId, (p) => ({ ...p, cancellation: 'confirmed' }));
    case 'PartnerCancellationFailed':
      return updatePartner(order, event.data.shipmentId, (p) => ({ ...p, cancellation: 'failed' }));
    case 'NoLogisticsPartnerFound':
      return updateShipment(order, event.data.shipmentId, withStatus('no_partner_found'));
    case 'DeliveryAgentAssigned': {
      const agent = { name: event.data.agentName, ...(event.data.agentPhone ? { phone: event.data.agentPhone } : {}) };
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, status: 'agent_assigned', ...(s.partner ? { partner: { ...s.partner, agent } } : {}) }));
    }
    case 'ShipmentPickedUp':
      return updateShipment(order, event.data.shipmentId, withStatus('picked_up'));
    case 'ShipmentInTransit':
      return updateShipment(order, event.data.shipmentId, withStatus('in_transit'));
    case 'ShipmentOutForDelivery':
      return updateShipment(order, event.data.shipmentId, withStatus('out_for_delivery'));
    case 'ShipmentDelivered': {
      const collected = event.data.codCollectedPaise;
      return updateShipment(order, event.data.shipmentId, (s) => ({
        ...s,
        status: 'delivered',
        deliveredAt: event.data.deliveredAt,
        ...(collected !== undefined ? { codCollection: { collectedPaise: collected, mismatched: collected !== s.codAmountPaise } } : {}),
      }));
    }
    case 'CodCollectionMismatched':
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, codCollection: { collectedPaise: event.data.collectedPaise, mismatched: true } }));
    case 'CodSettlementReconciled':
    case 'CodSettlementMismatched':
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, codSettlement: codSettlementOf(event) }));
    case 'ShipmentCancelledByPartner': {
      const { reason, reasonCode } = event.data;
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, status: 'cancelled', cancelledBy: 'partner', cancellationReason: { text: reason, ...(reasonCode ? { code: reasonCode } : {}) } }));
    }
    case 'ShipmentCancelled': {
      const { reason, reasonCode } = event.data;
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, status: 'cancelled', cancelledBy: 'seller', cancellationReason: { text: reason, ...(reasonCode ? { code: reasonCode } : {}) } }));
    }
    case 'ShipmentRtoInitiated':
      return updateShipment(order, event.data.shipmentId, withStatus('rto_initiated'));
    case 'ShipmentRtoDelivered':
      return updateShipment(order, event.data.shipmentId, withStatus('rto_delivered'));
    case 'ShipmentRtoDisposed':
      return updateShipment(order, event.data.shipmentId, withStatus('rto_disposed'));
    case 'ShipmentAttemptFailed': {
      const d = event.data;
      return updateShipment(order, d.shipmentId, (s) => ({
        ...s,
        status: d.stage === 'pickup' ? 'pickup_failed' : 'delivery_failed',
        failedAttempts: { ...(s.failedAttempts ?? { pickup: 0, delivery: 0 }), [d.stage]: d.attempt },
        lastFailure: {
          stage: d.stage,
          attempt: d.attempt,
          reason: d.reason,
          ...(d.reasonCode ? { reasonCode: d.reasonCode } : {}),
          ...(d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt } : {}),
          reportedAt: d.reportedAt,
        },
      }));
    }
    case 'ShipmentAttemptRescheduled':
      return updateShipment(order, event.data.shipmentId, (s) =>
        s.lastFailure && s.lastFailure.stage === event.data.stage && event.data.nextAttemptAt
          ? { ...s, lastFailure: { ...s.lastFailure, nextAttemptAt: event.data.nextAttemptAt } }
          : s,
      );
    case 'ShipmentReattemptRequested':
      // Off-network the seller's courier simply goes again: the parcel is out as shipped, its OTP still good.
      return updateShipment(order, event.data.shipmentId, (s) => ({
        ...s,
        ...(s.mode === 'off-network' ? { status: 'shipped' as const } : {}),
        ...(s.lastFailure ? { lastFailure: { ...s.lastFailure, answer: 'reattempt' as const } } : {}),
      }));
    case 'ShipmentReturnRequested':
      return updateShipment(order, event.data.shipmentId, (s) => (s.lastFailure ? { ...s, lastFailure: { ...s.lastFailure, answer: 'return' } } : s));
    case 'LatePartnerReportRecorded':
      return order;
    case 'WeightDifferentialReported': {
      const { orderId: _orderId, shipmentId, ...reported } = event.data;
      return updateShipment(order, shipmentId, (s) => ({ ...s, weightDifferential: { ...reported, status: 'pending' } }));
    }
    case 'WeightDifferentialAccepted':
      return updateShipment(order, event.data.shipmentId, (s) =>
        s.weightDifferential ? { ...s, weightDifferential: { ...s.weightDifferential, status: 'accepted', answeredAt: event.data.acceptedAt } } : s,
      );
    case 'WeightDifferentialDisputed':
      return updateShipment(order, event.data.shipmentId, (s) =>
        s.weightDifferential
          ? { ...s, weightDifferential: { ...s.weightDifferential, status: 'disputed', answeredAt: event.data.disputedAt, ...(event.data.reason ? { disputeReason: event.data.reason } : {}) } }
          : s,
      );
    case 'ShipmentMarkedShipped': {
      const d = event.data;
      const courier = { name: d.courierName, trackingNumber: d.trackingNumber, ...(d.trackingUrl ? { trackingUrl: d.trackingUrl } : {}) };
      return updateShipment(order, d.shipmentId, (s) => ({ ...s, status: 'shipped', courier, images: [...s.images, ...d.images] }));
    }
    case 'DeliveryOtpIssued': {
      const otp: DeliveryOtpState = { sequence: event.data.otpSequence, expiresAt: event.data.expiresAt, failedAttempts: 0, locked: false, verified: false, reissuedAt: [] };
      return updateShipment(order, event.data.shipmentId, (s) => ({ ...s, otp }));
    }
    case 'DeliveryOtpReissued':
      return updateShipment(order, event.data.shipmentId, (s) => {
        // Wrong tries carry over to the fresh code; only a reissue after a lockout starts them again.
        const previous = s.otp;
        const otp: DeliveryOtpState = {
          sequence: event.data.otpSequence,
          expiresAt: event.data.expiresAt,
          failedAttempts: previous && !previous.locked ? previous.failedAttempts : 0,
          locked: false,
          verified: false,
          reissuedAt: [...(previous?.reissuedAt ?? []), event.data.issuedAt],
        };
        return { ...s, otp };
      });
    case 'DeliveryOtpVerified':
      return updateShipment(order, event.data.shipmentId, (s) => (s.otp ? { ...s, otp: { ...s.otp, verified: true } } : s));
    case 'DeliveryOtpRejected':
      return updateShipment(order, event.data.shipmentId, (s) =>
        s.otp ? { ...s, otp: { ...s.otp, failedAttempts: event.data.failedAttempts } } : s,
      );
    case 'DeliveryOtpLocked':
      return updateShipment(order, event.data.shipmentId, (s) => (s.otp ? { ...s, otp: { ...s.otp, locked: true, lockedAt: event.data.lockedAt } } : s));
    case 'OrderReshipped':
      return order;
    case 'OrderCancelled':
      return { ...order, cancelled: true };
    case 'ReturnRequested': {
      const d = event.data;
      const opened: ReturnState = { returnId: d.returnId, shipmentId: d.shipmentId, status: 'requested', lines: d.lines, reason: d.reason, requestedAt: d.requestedAt };
      return { ...order, returns: [...returnsOf(order), opened] };
    }
    case 'ReturnShipped': {
      const d = event.data;
      const courier = { name: d.courierName, trackingNumber: d.trackingNumber, ...(d.trackingUrl ? { trackingUrl: d.trackingUrl } : {}) };
      return updateReturn(order, d.returnId, (r) => ({ ...r, status: 'shipped', courier }));
    }
    case 'ReturnReceived': {
      const d = event.data;
      return updateReturn(order, d.returnId, (r) => ({ ...r, status: 'received', accepted: d.accepted, rejected: d.rejected, receivedAt: d.receivedAt }));
    }
    case 'ReturnCancelled':
      return updateReturn(order, event.data.returnId, (r) => ({ ...r, status: 'cancelled' }));
  }
}
