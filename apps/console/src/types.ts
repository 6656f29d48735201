/** The shapes of the API answers the console reads (contracts/openapi.json, read models). */

export interface OrderSummary {
  orderId: string;
  status: string;
  shippingMode: 'on-network' | 'off-network' | null;
  buyerName: string;
  deliveryCity: string;
  paymentMethod: string;
  orderTotalPaise: number;
  invoiceTotalPaise: number | null;
  invoiceNumber: string | null;
  currentShipmentId: string | null;
  currentShipmentStatus: string | null;
  itemCount: number;
  receivedAt: string;
}

export interface OrderPage {
  items: OrderSummary[];
  nextCursor?: string;
}

export interface Dashboard {
  ordersTotal: number;
  ordersByStatus: Record<string, number>;
  awaitingInvoice: number;
  awaitingReadyToShip: number;
  needsAttention: number;
  overdue: number;
  overdueHours: number;
}

export interface Written {
  position: string | null;
  events?: string[];
}

export interface TimelineEntry {
  revision: number;
  eventType: string;
  occurredAt: string;
  orderStatus: string;
  shipmentId: string | null;
  shipmentStatus: string | null;
  actorType: string | null;
  channel: string | null;
  detail: Record<string, unknown>;
}

/** A shipment's steps, as the API names them (the domain's ways forward). */
export type WayForward =
  | 'ready-to-ship'
  | 'retry-partner-search'
  | 'switch-to-off-network'
  | 'ship'
  | 'cancel-shipment'
  | 'verify-delivery-otp'
  | 'resend-delivery-otp'
  | 'reattempt'
  | 'return-to-origin'
  | 'record-failed-attempt'
  | 'record-returned'
  | 'reship';

/** The order's own steps, as the API names them. */
export type OrderWayForward = 'generate-invoice' | 'regenerate-invoice' | 'create-shipment' | 'cancel-order';

export interface ShipmentView {
  shipmentId: string;
  mode: 'on-network' | 'off-network';
  status: string;
  /** Who cancelled a cancelled shipment: one the partner cancelled can be searched again or switched. */
  cancelledBy: 'seller' | 'partner' | null;
  /** Why it was cancelled: the seller's reason (code and side), or the partner's with its ONDC id (007: the promised time passed). */
  cancellationReason: { text: string; code: string | null; side: 'buyer' | 'merchant' | null } | null;
  /** Cash on delivery, once delivered: collected against due. */
  codCollection: { duePaise: number; collectedPaise: number; mismatched: boolean } | null;
  deliveryCategory: DeliveryCategory | null;
  reshipOf: string | null;
  partner: { id: string; name: string; networkOrderId: string | null; awb: string | null; surgeFeePaise?: number | null } | null;
  /** A partner's charge for a parcel heavier than declared; pending until the seller accepts or disputes it. */
  weightDifferential?: WeightDifferentialView | null;
  courier: { name: string; trackingNumber: string | null } | null;
  trackingUrl: string | null;
  imageCount: number;
  /** Empty for a shipment a later one followed, and in a cancelled order. */
  allowed: WayForward[];
  takesPackageImages: boolean;
}

export interface WeightDifferentialView {
  status: 'pending' | 'accepted' | 'disputed';
  declaredWeightGrams: number;
  measuredWeightGrams: number;
  amountPaise: number;
  taxPaise: number;
  proofUrl: string | null;
  disputeReason: string | null;
}

export interface InvoiceRevisionView {
  invoiceNumber: string;
  revision: number;
  invoiceDate: string;
  totals: { taxablePaise: number; grandTotalPaise: number };
  reason?: string;
}

export interface OrderDetail extends OrderSummary {
  buyer: { name: string; phone: string; gstin?: string };
  deliveryAddress: { name: string; line1: string; line2?: string; city: string; stateCode: string; pincode: string };
  items: Array<{ sku: string; name: string; quantity: number; unitPricePaise: number; taxRatePercent: number }>;
  invoice: { current: InvoiceRevisionView; revisions: InvoiceRevisionView[]; creditNotes: Array<{ creditNoteNumber: string; reason?: string }> } | null;
  shipments: ShipmentView[];
  timeline: TimelineEntry[];
  allowed: OrderWayForward[];
}

export interface OndcMessage {
  shipmentId: string;
  type: string;
  position: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

/** A WhatsApp message sent or received about an order (no code is ever in `text`). */
export interface WhatsAppMessage {
  direction: 'sent' | 'received';
  number: string;
  purpose: string;
  text: string;
  phase: string;
  at: string;
}

/** The ONDC delivery categories partners can be asked for (the API's DELIVERY_CATEGORIES). */
export const DELIVERY_CATEGORIES = ['Immediate Delivery', 'Same Day Delivery', 'Next Day Delivery', 'Standard Delivery', 'Express Delivery'] as const;
export type DeliveryCategory = (typeof DELIVERY_CATEGORIES)[number];

export const ISSUE_KINDS = ['lost', 'damaged', 'delayed', 'wrong_delivery'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** A resolution the partner proposed (GET /v1/orders/{id}/issues). */
export interface IssueResolution {
  resolutionId: string;
  kind: string;
  text: string;
  refundPaise?: number;
}

/** An issue about a shipment raised with its partner (ONDC IGM 2.0), with its whole history. */
export interface ShipmentIssue {
  issueId: string;
  shipmentId: string;
  kind: IssueKind;
  description: string;
  status: string;
  level: 'issue' | 'grievance';
  partnerName: string;
  raisedAt: string;
  updatedAt: string;
  infoRequest?: { actionId: string; text: string };
  proposal?: IssueResolution;
  accepted?: IssueResolution;
  resolutions: IssueResolution[];
  satisfied?: boolean;
  actions: Array<{ actionId: string; code: string; by: 'seller' | 'partner'; text: string; at: string }>;
}

/** A reason a seller may give for cancelling (GET /v1/cancellation-reasons). */
export interface CancellationReason {
  code: string;
  side: 'buyer' | 'merchant';
  text: string;
}
