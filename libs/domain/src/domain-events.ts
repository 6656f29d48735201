import type { InvoiceNumberReservationEvent, NumberSeriesEvent } from './invoicing/invoice-numbering';
import type { IssueEvent } from './issue/shipment-issue';
import type { OrderEvent } from './order/order-events';
import type { SellerEvent } from './seller/seller';
import type { WhatsAppNumberClaimEvent } from './seller/whatsapp-number';

/** Every event the domain can emit, across all of its streams. */
export type DomainEvent = OrderEvent | IssueEvent | SellerEvent | WhatsAppNumberClaimEvent | NumberSeriesEvent | InvoiceNumberReservationEvent;
export type DomainEventType = DomainEvent['type'];

/** Schema version of each event's data; bump with a new schema file when a shape changes incompatibly. */
const EVENT_SCHEMA_VERSIONS: Record<DomainEventType, number> = {
  SellerRegistered: 1,
  SellerProfileUpdated: 1,
  SellerSettingsChanged: 1,
  SellerApiKeyIssued: 1,
  SellerApiKeyRevoked: 1,
  SellerWhatsAppNumberVerificationRequested: 1,
  SellerWhatsAppNumberCodeRejected: 1,
  SellerWhatsAppNumberVerified: 1,
  WhatsAppNumberClaimed: 1,
  WhatsAppNumberReleased: 1,
  DocumentNumberAllocated: 1,
  InvoiceNumberReserved: 1,
  OrderReceived: 1,
  IssueRaised: 1,
  IssuePartnerResponded: 1,
  IssueInfoProvided: 1,
  IssueResolutionAccepted: 1,
  IssueEscalated: 1,
  IssueClosed: 1,
  InvoiceGenerated: 1,
  InvoiceRegenerated: 1,
  CreditNoteIssued: 1,
  ShipmentCreated: 1,
  ShippingLabelGenerated: 1,
  ShipmentMarkedReadyToShip: 1,
  PackageImageRecorded: 1,
  ShipmentModeSwitched: 1,
  LogisticsPartnerAssigned: 1,
  NoLogisticsPartnerFound: 1,
  DeliveryAgentAssigned: 1,
  ShipmentPickedUp: 1,
  ShipmentInTransit: 1,
  ShipmentOutForDelivery: 1,
  ShipmentDelivered: 1,
  CodCollectionMismatched: 1,
  CodSettlementReconciled: 1,
  CodSettlementMismatched: 1,
  ShipmentCancelledByPartner: 1,
  WeightDifferentialReported: 1,
  WeightDifferentialAccepted: 1,
  WeightDifferentialDisputed: 1,
  ShipmentRtoInitiated: 1,
  ShipmentRtoDelivered: 1,
  ShipmentRtoDisposed: 1,
  LatePartnerReportRecorded: 1,
  ShipmentAttemptFailed: 1,
  ShipmentAttemptRescheduled: 1,
  ShipmentReattemptRequested: 1,
  ShipmentReturnRequested: 1,
  PartnerDetailsUpdated: 1,
  PartnerCancellationConfirmed: 1,
  PartnerCancellationFailed: 1,
  ShipmentMarkedShipped: 1,
  DeliveryOtpIssued: 1,
  DeliveryOtpReissued: 1,
  DeliveryOtpVerified: 1,
  DeliveryOtpRejected: 1,
  DeliveryOtpLocked: 1,
  OrderReshipped: 1,
  ShipmentCancelled: 1,
  OrderCancelled: 1,
  ReturnRequested: 1,
  ReturnShipped: 1,
  ReturnReceived: 1,
  ReturnCancelled: 1,
};

export const DOMAIN_EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSIONS) as DomainEventType[];

export const eventSchemaVersion = (type: DomainEventType): number => EVENT_SCHEMA_VERSIONS[type];

export const isDomainEventType = (type: string): type is DomainEventType => Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
