import type { Address, DeliveryCategory, PackageDetails, PaymentMethod, ShippingMode } from '../shared/values';
import type { SellerCancellationReason } from './cancellation-reasons';
import type { Buyer, CodSettlementStatus, OrderCharge, OrderItem, PartnerReport, RejectedReturnLine, ReshipReason, ReturnLine, StoredImage, WeightDifferentialReport } from './order-events';

/** Every order command names the seller acting; an order of another seller is "not found". */
interface OrderCommandBase {
  sellerId: string;
  orderId: string;
}

interface ShipmentCommandBase extends OrderCommandBase {
  shipmentId: string;
}

export interface InvoiceCorrections {
  buyer?: Partial<Buyer>;
  deliveryAddress?: Partial<Address>;
  items?: OrderItem[];
  charges?: OrderCharge[];
}

export type OrderCommand =
  | (OrderCommandBase & {
      type: 'ReceiveOrder';
      externalRef?: string;
      salesChannel: string;
      items: OrderItem[];
      charges: OrderCharge[];
      buyer: Buyer;
      deliveryAddress: Address;
      paymentMethod: PaymentMethod;
      package?: PackageDetails;
    })
  | (OrderCommandBase & {
      type: 'GenerateInvoice';
      /** Allocated from the seller's series, or the seller's own number already reserved. */
      invoiceNumber: string;
      numberSource: 'sequence' | 'custom';
      auto: boolean;
    })
  | (OrderCommandBase & {
      type: 'RegenerateInvoice';
      reason: string;
      corrections: InvoiceCorrections;
      /** Required when the correction is tax-relevant: a new invoice number and a credit note number. */
      newInvoiceNumber?: string;
      creditNoteNumber?: string;
    })
  | (ShipmentCommandBase & { type: 'CreateShipment'; mode?: ShippingMode; package?: PackageDetails; deliveryCategory?: DeliveryCategory })
  | (ShipmentCommandBase & { type: 'MarkShipmentReadyToShip'; bulk?: boolean })
  | (ShipmentCommandBase & { type: 'RecordPackageImage'; image: StoredImage })
  | (ShipmentCommandBase & { type: 'SwitchShipmentToOffNetwork' })
  /** After no partner was found: search the network again (a new ready-to-ship attempt). */
  | (ShipmentCommandBase & { type: 'RetryPartnerSearch' })
  | (ShipmentCommandBase & {
      type: 'MarkShipmentShipped';
      courierName: string;
      trackingNumber: string;
      trackingUrl?: string;
      images?: StoredImage[];
    })
  | (ShipmentCommandBase & { type: 'VerifyDeliveryOtp'; otp: string })
  | (ShipmentCommandBase & { type: 'ReissueDeliveryOtp' })
  | (ShipmentCommandBase & {
      type: 'AssignLogisticsPartner';
      partnerId: string;
      partnerName: string;
      networkOrderId: string;
      awb?: string;
      trackingUrl?: string;
      pickupSlot?: { start: string; end: string };
      /** The surge fee of the confirmed quote, GST included. */
      surgeFeePaise?: number;
    })
  | (ShipmentCommandBase & { type: 'RecordNoPartnerFound'; reason: string; candidatesTried: number })
  | (ShipmentCommandBase & {
      type: 'RecordPartnerReport';
      partnerId: string;
      report: PartnerReport;
      reportedAt: string;
      agentName?: string;
      agentPhone?: string;
      reason?: string;
      /** Failed or rescheduled attempts: the partner's `fulfillment_delay` reason id and the next attempt's start. */
      reasonCode?: string;
      nextAttemptAt?: string;
      /** A COD delivery: what the partner says it collected from the buyer, in paise. */
      codCollectedPaise?: number;
    })
  | (ShipmentCommandBase & { type: 'RequestReattempt'; note?: string })
  | (ShipmentCommandBase & { type: 'RequestReturnToOrigin'; note?: string })
  | (ShipmentCommandBase & { type: 'RecordFailedAttempt'; reason: string; nextAttemptAt?: string })
  | (ShipmentCommandBase & { type: 'RecordReturnToOrigin'; reason: string })
  | (ShipmentCommandBase & {
      type: 'RecordPartnerDetails';
      partnerId: string;
      /** When the partner said it. */
      reportedAt: string;
      awb?: string;
      /** The partner's own shipping label (P2H2P). */
      labelUrl?: string;
      trackingUrl?: string;
      pickupSlot?: { start: string; end: string };
      agentName?: string;
      agentPhone?: string;
    })
  | (ShipmentCommandBase & {
      type: 'RecordPartnerCancellationOutcome';
      partnerId: string;
      /** The partner confirmed the seller's cancellation, or it could not be made to. */
      outcome: 'confirmed' | 'failed';
      /** How many /cancel requests it took (or were spent). */
      attempts: number;
      /** Why it failed, in words. */
      reason?: string;
      reportedAt: string;
    })
  /** The declared weight is the shipment's own: the partner reports only what it measured. */
  | (ShipmentCommandBase & Omit<WeightDifferentialReport, 'declaredWeightGrams'> & { type: 'RecordWeightDifferential' })
  | (ShipmentCommandBase & { type: 'AcceptWeightDifferential' })
  | (ShipmentCommandBase & { type: 'DisputeWeightDifferential'; reason?: string })
  /** The partner's answer (/on_recon) to the COD remittance the ONDC adapter claimed (/recon) once the settlement window ended. */
  | (ShipmentCommandBase & {
      type: 'RecordCodSettlement';
      /** The partner's bpp id: it must be the shipment's partner. */
      partnerId: string;
      /** What we asked the partner to remit: the shipment's COD due. */
      claimedPaise: number;
      /** What the partner says it remits, or remitted. */
      partnerPaise: number;
      status: CodSettlementStatus;
      /** The partner's reference for the remittance (a UTR), once settled. */
      settlementRef?: string;
      /** The partner's `recon_accord`: whether it agrees with our claim. */
      accord: boolean;
    })
  | (ShipmentCommandBase & {
      type: 'CancelShipment';
      reason: string;
      /** The seller's chosen reason, buyer- or merchant-side; unknown codes are refused. */
      reasonCode?: SellerCancellationReason;
    })
  | (OrderCommandBase & {
      type: 'ReshipOrder';
      /** Id of the new shipment. */
      shipmentId: string;
      reason: ReshipReason;
      note?: string;
      mode?: ShippingMode;
      package?: PackageDetails;
      deliveryCategory?: DeliveryCategory;
    })
  | (OrderCommandBase & {
      type: 'CancelOrder';
      reason: string;
      /** The seller's chosen reason, buyer- or merchant-side; unknown codes are refused. */
      reasonCode?: SellerCancellationReason;
      /** Required when the order is invoiced: the credit note that cancels the invoice, from the seller's credit-note series. */
      creditNoteNumber?: string;
    })
  /** The seller records a customer return of delivered goods, on the buyer's behalf. */
  | (OrderCommandBase & { type: 'RequestReturn'; returnId: string; lines: ReturnLine[]; reason: string })
  | (OrderCommandBase & { type: 'MarkReturnShipped'; returnId: string; courierName: string; trackingNumber: string; trackingUrl?: string })
  | (OrderCommandBase & {
      type: 'ReceiveReturn';
      returnId: string;
      /** Together, accepted and rejected account for every unit the return named. */
      accepted: ReturnLine[];
      rejected: RejectedReturnLine[];
      /** Required when any unit is accepted: the credit note for them, from the seller's credit-note series. */
      creditNoteNumber?: string;
    })
  | (OrderCommandBase & { type: 'CancelReturn'; returnId: string; reason: string });

export type OrderCommandType = OrderCommand['type'];
export type OrderCommandOf<T extends OrderCommandType> = Extract<OrderCommand, { type: T }>;

export const COD_SETTLEMENT_STATUSES: readonly CodSettlementStatus[] = ['pending', 'settled'];
export const RESHIP_REASONS: readonly ReshipReason[] = ['returned', 'lost', 'damaged', 'cancelled', 'other'];
export const PARTNER_REPORTS: readonly PartnerReport[] = [
  'agent_assigned',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'cancelled',
  'rto_initiated',
  'rto_delivered',
  'rto_disposed',
  'pickup_failed',
  'pickup_rescheduled',
  'delivery_failed',
  'delivery_rescheduled',
];
