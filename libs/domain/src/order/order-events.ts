import type { Address, DeliveryCategory, PackageDetails, PaymentMethod, ShippingMode } from '../shared/values';
import type { ShipmentStatus } from './order-state';
import type { SellerCancellationReason } from './cancellation-reasons';

/** The prefix of every order stream, and of no other stream. */
export const ORDER_STREAM_PREFIX = 'order:';

/** An order is named by its seller and the seller's own id for it: two sellers may both have order "1001". */
export interface OrderRef {
  sellerId: string;
  orderId: string;
}

const ID_IN_STREAM = /^[A-Za-z0-9_-]{1,64}$/;

/** `order:{sellerId}:{orderId}`. Neither id may hold a `:`, so a stream name parses back to one pair. */
export function orderStream(sellerId: string, orderId: string): string {
  if (!ID_IN_STREAM.test(sellerId) || !ID_IN_STREAM.test(orderId)) throw new Error(`Not an order stream's ids: seller "${sellerId}", order "${orderId}"`);
  return `${ORDER_STREAM_PREFIX}${sellerId}:${orderId}`;
}

/** The seller and order of an order stream's name; undefined for any other stream. */
export function orderRefOfStream(stream: string): OrderRef | undefined {
  if (!stream.startsWith(ORDER_STREAM_PREFIX)) return undefined;
  const [sellerId, orderId, ...rest] = stream.slice(ORDER_STREAM_PREFIX.length).split(':');
  return sellerId && orderId && rest.length === 0 ? { sellerId, orderId } : undefined;
}

export interface OrderItem {
  sku: string;
  name: string;
  hsnCode: string;
  quantity: number;
  /** Unit of measure as printed on the invoice, e.g. "NOS", "PCS", "KGS". */
  unit: string;
  /** Price of one unit before GST, in paise. */
  unitPricePaise: number;
  /** Discount for the whole line, in paise. */
  discountPaise: number;
  taxRatePercent: number;
}

export interface OrderCharge {
  description: string;
  sacCode?: string;
  amountPaise: number;
  taxRatePercent: number;
}

export interface Buyer {
  name: string;
  phone: string;
  email?: string;
  gstin?: string;
  /**
   * Bill-to: the address the invoice is made out to, when it is not where the goods go. For a
   * registered buyer it is the registered address in the GSTIN's state, and the place of supply
   * (IGST Act s. 10(1)(b), "bill to, ship to"); for a consumer the delivery state stays the place
   * of supply (s. 10(1)(ca), Circular 209/3/2024-GST).
   */
  billingAddress?: Address;
}

export interface InvoiceParty {
  legalName: string;
  gstin: string;
  stateCode: string;
  address: Address;
}

/** Everything printed on one invoice revision, frozen so that later profile changes never alter it. */
export interface InvoiceSnapshot {
  supplier: InvoiceParty;
  buyer: Buyer;
  deliveryAddress: Address;
  placeOfSupplyStateCode: string;
  items: OrderItem[];
  charges: OrderCharge[];
  paymentMethod: PaymentMethod;
}

export interface InvoiceTotals {
  intraState: boolean;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  /** The state half of an intra-UT supply in a union territory without a legislature; absent in events from before UTGST, read as 0. */
  utgstPaise?: number;
  igstPaise: number;
  grandTotalPaise: number;
}

export interface StoredImage {
  sha256: string;
  contentType: string;
  sizeBytes: number;
}

export type GpsDerivedAddress = 'pickupAddress' | 'deliveryAddress';

export type PartnerReport =
  | 'agent_assigned'
  | 'picked_up'
  | 'in_transit'
  | 'out_for_delivery'
  | 'delivered'
  | 'cancelled'
  | 'rto_initiated'
  | 'rto_delivered'
  | 'rto_disposed'
  | 'pickup_failed'
  | 'pickup_rescheduled'
  | 'delivery_failed'
  | 'delivery_rescheduled';

/** What a partner reports of a parcel heavier or bigger than declared: the measure and its charge. */
export interface WeightDifferentialReport {
  partnerId: string;
  declaredWeightGrams: number;
  measuredWeightGrams: number;
  measuredDimensionsCm?: { length: number; width: number; height: number };
  amountPaise: number;
  taxPaise: number;
  proofUrl?: string;
  reportedAt: string;
}

/** Where a partner says its remittance of collected COD stands: promised for the settlement, or paid out. */
export type CodSettlementStatus = 'pending' | 'settled';

/** Which leg of the journey an attempt was for: collecting the parcel from the seller, or handing it to the buyer. */
export type AttemptStage = 'pickup' | 'delivery';

/** The seller's answer to a failed delivery: try again, or bring the parcel back. */
export type FailedAttemptAnswer = 'reattempt' | 'return';

export type ReshipReason = 'returned' | 'lost' | 'damaged' | 'cancelled' | 'other';

/** Units of one order line (named by its SKU) in a customer return. */
export interface ReturnLine {
  sku: string;
  quantity: number;
}

/** Units the seller refused on inspection, and why (they go back to the buyer, not into a credit note). */
export interface RejectedReturnLine extends ReturnLine {
  note: string;
}

interface ShipmentRef {
  orderId: string;
  shipmentId: string;
}

/** Events of the `order:{sellerId}:{orderId}` stream. Names are past-tense facts; data is plain JSON. */
export type OrderEvent =
  | {
      type: 'OrderReceived';
      data: {
        orderId: string;
        sellerId: string;
        externalRef?: string;
        salesChannel: string;
        items: OrderItem[];
        charges: OrderCharge[];
        buyer: Buyer;
        deliveryAddress: Address;
        paymentMethod: PaymentMethod;
        totalPaise: number;
        package?: PackageDetails;
        receivedAt: string;
      };
    }
  | {
      type: 'InvoiceGenerated';
      data: {
        orderId: string;
        sellerId: string;
        invoiceNumber: string;
        financialYear: string;
        invoiceDate: string;
        revision: number;
        numberSource: 'sequence' | 'custom';
        auto: boolean;
        snapshot: InvoiceSnapshot;
        totals: InvoiceTotals;
        documentSha256?: string;
      };
    }
  | {
      type: 'InvoiceRegenerated';
      data: {
        orderId: string;
        sellerId: string;
        revision: number;
        reason: string;
        taxRelevantChange: boolean;
        invoiceNumber: string;
        previousInvoiceNumber: string;
        financialYear: string;
        invoiceDate: string;
        creditNoteNumber?: string;
        snapshot: InvoiceSnapshot;
        totals: InvoiceTotals;
        regeneratedAt: string;
        documentSha256?: string;
      };
    }
  | {
      type: 'CreditNoteIssued';
      data: {
        orderId: string;
        sellerId: string;
        creditNoteNumber: string;
        financialYear: string;
        issuedAt: string;
        reason: string;
        originalInvoiceNumber: string;
        originalInvoiceDate: string;
        originalRevision: number;
        totals: InvoiceTotals;
        /** A credit note for goods returned: the return it settles. */
        returnId?: string;
        /** The lines credited when the note is for part of the invoice (their quantities and share of discount); absent: the whole invoice. */
        items?: OrderItem[];
        documentSha256?: string;
      };
    }
  | {
      type: 'ShipmentCreated';
      data: ShipmentRef & {
        sellerId: string;
        mode: ShippingMode;
        package: PackageDetails;
        pickupAddress: Address;
        deliveryAddress: Address;
        paymentMethod: PaymentMethod;
        codAmountPaise: number;
        reshipOf?: string;
        /** Addresses whose GPS was derived from the PIN code (approximate), not given. */
        gpsFromPincode?: GpsDerivedAddress[];
        /** On-network only: the delivery category asked for, the shipment's own or the seller's setting; absent: the ONDC adapter's default. */
        deliveryCategory?: DeliveryCategory;
        /** On-network only: the seller's surge cap at creation (settings.maxSurgeFeePaise); absent: no surge accepted. */
        maxSurgeFeePaise?: number;
        createdAt: string;
      };
    }
  | {
      type: 'ShippingLabelGenerated';
      data: ShipmentRef & { labelVersion: number; awb?: string; carrierName?: string; generatedAt: string; documentSha256?: string };
    }
  | { type: 'ShipmentMarkedReadyToShip'; data: ShipmentRef & { sellerId: string; mode: ShippingMode; attempt: number; bulk: boolean; markedAt: string } }
  | { type: 'PackageImageRecorded'; data: ShipmentRef & { image: StoredImage; recordedAt: string } }
  | { type: 'ShipmentModeSwitched'; data: ShipmentRef & { from: ShippingMode; to: ShippingMode; switchedAt: string } }
  | {
      type: 'LogisticsPartnerAssigned';
      data: ShipmentRef & {
        partnerId: string;
        partnerName: string;
        networkOrderId: string;
        awb?: string;
        trackingUrl?: string;
        pickupSlot?: { start: string; end: string };
        /** The partner's surge fee in the confirmed quote, GST included; absent: no surge. */
        surgeFeePaise?: number;
        assignedAt: string;
      };
    }
  | { type: 'NoLogisticsPartnerFound'; data: ShipmentRef & { reason: string; candidatesTried: number; reportedAt: string } }
  | { type: 'DeliveryAgentAssigned'; data: ShipmentRef & { agentName: string; agentPhone?: string; reportedAt: string } }
  | { type: 'ShipmentPickedUp'; data: ShipmentRef & { reportedAt: string } }
  | { type: 'ShipmentInTransit'; data: ShipmentRef & { reportedAt: string } }
  | { type: 'ShipmentOutForDelivery'; data: ShipmentRef & { reportedAt: string } }
  | {
      type: 'ShipmentDelivered';
      /** `codCollectedPaise`: on a COD delivery, what the partner says it collected. */
      data: ShipmentRef & { via: 'partner' | 'otp'; codCollectedPaise?: number; deliveredAt: string };
    }
  | {
      /** The partner collected a different amount than the shipment was due on delivery (COD): the seller must settle it with the partner. */
      type: 'CodCollectionMismatched';
      data: ShipmentRef & { partnerId: string; duePaise: number; collectedPaise: number; reportedAt: string };
    }
  | {
      /**
       * ONDC reconciliation (RSF 2.0 /recon, /on_recon) after the settlement window: the partner agrees
       * to remit, in full, the COD we claimed. `status`: pending until it has paid; `settlementRef` (a UTR) once it has.
       */
      type: 'CodSettlementReconciled';
      data: ShipmentRef & { partnerId: string; partnerName: string; amountPaise: number; status: CodSettlementStatus; settlementRef?: string; reconciledAt: string };
    }
  | {
      /** The partner's /on_recon does not settle what we claimed: it remits another amount, or does not accord. The seller takes it up with the partner. */
      type: 'CodSettlementMismatched';
      data: ShipmentRef & { partnerId: string; partnerName: string; claimedPaise: number; partnerPaise: number; accord: boolean; reportedAt: string };
    }
  | {
      type: 'ShipmentCancelledByPartner';
      /** `reasonCode`: the ONDC cancellation reason id (an LSP's, or our 007 when we cancelled for a breached TAT). */
      data: ShipmentRef & { reason: string; reasonCode?: string; reportedAt: string };
    }
  | { type: 'ShipmentRtoInitiated'; data: ShipmentRef & { reason?: string; reasonCode?: string; reportedAt: string } }
  | { type: 'ShipmentRtoDelivered'; data: ShipmentRef & { reportedAt: string } }
  | { type: 'ShipmentRtoDisposed'; data: ShipmentRef & { reportedAt: string } }
  | {
      type: 'ShipmentAttemptFailed';
      data: ShipmentRef & {
        stage: AttemptStage;
        /** 1 for the first failed attempt of this stage, 2 for the next, and so on. */
        attempt: number;
        reason: string;
        /** The partner's ONDC `fulfillment_delay` reason id, when it gave one. */
        reasonCode?: string;
        nextAttemptAt?: string;
        by: 'partner' | 'seller';
        reportedAt: string;
      };
    }
  | { type: 'ShipmentAttemptRescheduled'; data: ShipmentRef & { stage: AttemptStage; nextAttemptAt?: string; reasonCode?: string; reportedAt: string } }
  | { type: 'ShipmentReattemptRequested'; data: ShipmentRef & { stage: AttemptStage; attempt: number; note?: string; requestedAt: string } }
  | { type: 'ShipmentReturnRequested'; data: ShipmentRef & { attempt: number; note?: string; requestedAt: string } }
  | {
      type: 'PartnerDetailsUpdated';
      /** Only what changed: facts a partner sent after it was assigned (deferred ready to ship sends the AWB late). */
      data: ShipmentRef & {
        partnerId: string;
        awb?: string;
        labelUrl?: string;
        trackingUrl?: string;
        pickupSlot?: { start: string; end: string };
        agentName?: string;
        agentPhone?: string;
        reportedAt: string;
      };
    }
  | {
      type: 'WeightDifferentialReported';
      /** After pickup the partner weighed or measured the parcel above what was declared and charges the difference (ONDC `diff`, `tax_diff`). */
      data: ShipmentRef & WeightDifferentialReport;
    }
  | { type: 'WeightDifferentialAccepted'; data: ShipmentRef & { amountPaise: number; taxPaise: number; acceptedAt: string } }
  | { type: 'WeightDifferentialDisputed'; data: ShipmentRef & { amountPaise: number; taxPaise: number; reason?: string; disputedAt: string } }
  | { type: 'PartnerCancellationConfirmed'; data: ShipmentRef & { partnerId: string; attempts: number; confirmedAt: string } }
  | { type: 'PartnerCancellationFailed'; data: ShipmentRef & { partnerId: string; partnerName: string; attempts: number; reason: string; failedAt: string } }
  | { type: 'LatePartnerReportRecorded'; data: ShipmentRef & { report: PartnerReport; statusWhenReceived: ShipmentStatus; reportedAt: string } }
  | {
      type: 'ShipmentMarkedShipped';
      data: ShipmentRef & { courierName: string; trackingNumber: string; trackingUrl?: string; images: StoredImage[]; shippedAt: string };
    }
  | { type: 'DeliveryOtpIssued'; data: ShipmentRef & { otpSequence: number; issuedAt: string; expiresAt: string } }
  | { type: 'DeliveryOtpReissued'; data: ShipmentRef & { otpSequence: number; issuedAt: string; expiresAt: string } }
  | { type: 'DeliveryOtpVerified'; data: ShipmentRef & { otpSequence: number; verifiedAt: string } }
  | { type: 'DeliveryOtpRejected'; data: ShipmentRef & { otpSequence: number; failedAttempts: number; attemptsLeft: number; rejectedAt: string } }
  | { type: 'DeliveryOtpLocked'; data: ShipmentRef & { otpSequence: number; failedAttempts: number; lockedAt: string } }
  | { type: 'OrderReshipped'; data: ShipmentRef & { previousShipmentId: string; reason: ReshipReason; note?: string; reshippedAt: string } }
  | { type: 'ShipmentCancelled'; data: ShipmentRef & { reason: string; reasonCode?: SellerCancellationReason; partnerAssigned: boolean; cancelledAt: string } }
  | { type: 'OrderCancelled'; data: { orderId: string; sellerId: string; reason: string; reasonCode?: SellerCancellationReason; cancelledAt: string } }
  | {
      type: 'ReturnRequested';
      data: { orderId: string; sellerId: string; returnId: string; shipmentId: string; lines: ReturnLine[]; reason: string; windowEndsAt: string; requestedAt: string };
    }
  | { type: 'ReturnShipped'; data: { orderId: string; returnId: string; courierName: string; trackingNumber: string; trackingUrl?: string; shippedAt: string } }
  | { type: 'ReturnReceived'; data: { orderId: string; returnId: string; accepted: ReturnLine[]; rejected: RejectedReturnLine[]; receivedAt: string } }
  | { type: 'ReturnCancelled'; data: { orderId: string; returnId: string; reason: string; cancelledAt: string } };

export type OrderEventType = OrderEvent['type'];
export type OrderEventOf<T extends OrderEventType> = Extract<OrderEvent, { type: T }>;
