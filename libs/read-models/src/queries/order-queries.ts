import {
  ValidationError,
  orderWaysForward,
  shipmentWaysForward,
  takesPackageImages,
  type ActiveOrder,
  type Address,
  type Buyer,
  type CodSettlementStatus,
  type CreditNote,
  type DeliveryCategory,
  type Gstr1Document,
  type HsnSummaryLine,
  type InvoiceRevision,
  type InvoiceTotals,
  type OpenedIssue,
  type OrderCharge,
  type OrderItem,
  type OrderStatus,
  type OrderWayForward,
  type PaymentMethod,
  type RateSummary,
  type ShipmentState,
  type ShipmentStatus,
  type ShippingMode,
  type WayForward,
  SELLER_CANCELLATION_REASONS,
  isSellerCancellationReason,
} from '@fulfil/domain';
import type { JsonObject } from '@fulfil/event-store';
import { OPEN_ORDER_STATUSES, type SchemaNames } from '../schema/migrations';
import { decodeCursor, encodeCursor } from './order-cursor';
import { SellerScopedReader } from './seller-scoped-reader';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'received',
  'invoiced',
  'packed',
  'ready_for_pickup',
  'shipped',
  'out_for_delivery',
  'delivered',
  'cancelled',
  'rto_initiated',
  'returned',
];

export const MAX_PAGE_SIZE = 200;

export interface ListOrdersQuery {
  status?: OrderStatus;
  mode?: ShippingMode;
  /** Inclusive, ISO 8601. */
  receivedFrom?: string;
  /** Exclusive, ISO 8601. */
  receivedTo?: string;
  /** 1 to 200. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Order id, invoice number, AWB or tracking number (exact, any case), or part of the buyer's name or phone. */
  search?: string;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus;
  shippingMode: ShippingMode | null;
  buyerName: string;
  deliveryCity: string;
  deliveryStateCode: string;
  deliveryPincode: string;
  paymentMethod: PaymentMethod;
  salesChannel: string;
  externalRef: string | null;
  /** Paise, as received (before any invoice correction). */
  orderTotalPaise: number;
  /** Paise, of the current invoice revision; null before the invoice. */
  invoiceTotalPaise: number | null;
  invoiceNumber: string | null;
  currentShipmentId: string | null;
  currentShipmentStatus: ShipmentStatus | null;
  /** Units across all lines. */
  itemCount: number;
  receivedAt: string;
  updatedAt: string;
}

export interface OrderPage {
  items: OrderSummary[];
  nextCursor?: string;
}

export interface InvoiceRevisionView {
  invoiceNumber: string;
  revision: number;
  financialYear: string;
  invoiceDate: string;
  placeOfSupplyStateCode: string;
  totals: InvoiceTotals;
  /** Why it was regenerated; absent for the first revision. */
  reason?: string;
}

export interface OrderInvoiceView {
  current: InvoiceRevisionView;
  /** Every revision, oldest first; earlier ones stay readable. */
  revisions: InvoiceRevisionView[];
  creditNotes: CreditNote[];
}

export interface TimelineEntry {
  revision: number;
  eventType: string;
  occurredAt: string;
  recordedAt: string;
  /** The order's status right after this event. */
  orderStatus: OrderStatus;
  shipmentId: string | null;
  shipmentStatus: ShipmentStatus | null;
  actorType: string | null;
  channel: string | null;
  detail: JsonObject;
}

export interface PartnerView {
  id: string;
  name: string;
  networkOrderId: string | null;
  awb: string | null;
  /** The partner's own shipping label (P2H2P), once it sent one. */
  labelUrl: string | null;
  pickupSlot: { start: string; end: string } | null;
  agent: { name: string; phone: string | null } | null;
  /** What came of the seller's cancellation at the partner: confirmed, failed (the partner may still act), or null. */
  cancellation: 'confirmed' | 'failed' | null;
  /** The surge fee of the confirmed quote, GST included; null: no surge. */
  surgeFeePaise: number | null;
}

/** A partner's charge for a parcel heavier or bigger than declared, and where the seller's answer stands. */
export interface WeightDifferentialView {
  status: 'pending' | 'accepted' | 'disputed';
  declaredWeightGrams: number;
  measuredWeightGrams: number;
  measuredDimensionsCm: { length: number; width: number; height: number } | null;
  amountPaise: number;
  taxPaise: number;
  proofUrl: string | null;
  reportedAt: string;
  answeredAt: string | null;
  disputeReason: string | null;
}

/** The partner's answer to the COD remittance claimed for a shipment. */
export interface CodSettlementView {
  outcome: 'reconciled' | 'mismatched';
  status: CodSettlementStatus | null;
  claimedPaise: number;
  partnerPaise: number;
  settlementRef: string | null;
}

export interface ShipmentView {
  shipmentId: string;
  mode: ShippingMode;
  status: ShipmentStatus;
  reshipOf: string | null;
  partner: PartnerView | null;
  courier: { name: string; trackingNumber: string | null } | null;
  trackingUrl: string | null;
  labelVersion: number;
  readyAttempts: number;
  weightGrams: number;
  codAmountPaise: number;
  imageCount: number;
  createdAt: string;
  readyAt: string | null;
  partnerAssignedAt: string | null;
  pickedUpAt: string | null;
  outForDeliveryAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  /**
   * Who cancelled a cancelled shipment: after the partner's cancellation the seller may search again
   * or switch to their own courier. Null when not cancelled, or in a row folded before it was kept (until a rebuild).
   */
  cancelledBy: 'seller' | 'partner' | null;
  /**
   * Why it was cancelled: the seller's text with the reason code chosen (buyer-side or merchant-side), or the partner's text with
   * the ONDC reason id (`007`: the promised pickup or delivery time passed). Null when not cancelled, or folded before it was kept.
   */
  cancellationReason: { text: string; code: string | null; side: 'buyer' | 'merchant' | null } | null;
  /** Cash on delivery, once delivered: what the partner said it collected against what was due; `mismatched` when they differ. */
  codCollection: { duePaise: number; collectedPaise: number; mismatched: boolean } | null;
  /**
   * On-network COD after the settlement window: the partner's latest reconciliation (ONDC RSF 2.0), reconciled
   * or mismatched, with what we claimed and what it remits; `status` and `settlementRef` are null for a mismatch. Null: none yet.
   */
  codSettlement: CodSettlementView | null;
  /** On-network: the delivery category asked of partners, the shipment's or the seller's choice; null: the ONDC adapter's default. */
  deliveryCategory: DeliveryCategory | null;
  /** The latest weight differential the partner charged; null: none. Pending until the seller accepts or disputes it. */
  weightDifferential: WeightDifferentialView | null;
  rtoInitiatedAt: string | null;
  updatedAt: string;
  /** The steps the seller may take with this shipment now (the domain's ways forward); empty for one a later shipment followed. */
  allowed: WayForward[];
  /** Whether a photo of the packed parcel may be added now (a fact beside the journey, not a step of it). */
  takesPackageImages: boolean;
  /** This shipment's events, oldest first: its status history, late partner reports included. */
  tracking: TimelineEntry[];
}

export interface OrderDetail extends OrderSummary {
  buyer: Buyer;
  deliveryAddress: Address;
  items: OrderItem[];
  charges: OrderCharge[];
  invoice: OrderInvoiceView | null;
  shipments: ShipmentView[];
  timeline: TimelineEntry[];
  /** The steps the seller may take with the order itself now; a shipment's are on the shipment. */
  allowed: OrderWayForward[];
}

/** A WhatsApp message sent or received about an order, as the order's story shows it. */
export interface OrderWhatsAppMessage {
  direction: 'sent' | 'received';
  /** The other end: the seller's or the buyer's WhatsApp number for a sent message, the sender's for a received one. */
  number: string;
  /** Why it was sent (e.g. `order-received`, `delivery-otp`, `reply`); for a received one, what it was (`text`, `button`, `image`). */
  purpose: string;
  /** What it said, with codes left out: a delivery OTP is never in it. */
  text: string;
  /** Sent: queued, sending, sent, delivered, read, failed or unknown. Received: what came of it (e.g. `command`, `advanced`). */
  phase: string;
  at: string;
}

export interface DashboardQuery {
  /** Open orders (not yet picked up) received longer ago than this count as overdue. */
  overdueHours: number;
}

export interface SellerDashboard {
  ordersTotal: number;
  ordersByStatus: Record<OrderStatus, number>;
  awaitingInvoice: number;
  awaitingReadyToShip: number;
  /** Orders whose current shipment failed a pickup or delivery the seller has not answered yet (re-attempt or return). */
  needsAttention: number;
  overdue: number;
  overdueHours: number;
  asOf: string;
}

export interface Gstr1DocumentsQuery {
  /** Inclusive: the first instant of the return period. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** GSTR-1 is filed per registration; only documents issued under this GSTIN count. */
  supplierGstin: string;
}

export interface InvoiceRegisterQuery {
  /** Inclusive, ISO 8601 (document date). */
  from: string;
  /** Exclusive, ISO 8601. */
  to: string;
}

export interface InvoiceRegisterEntry {
  documentType: 'invoice' | 'credit_note';
  documentNumber: string;
  financialYear: string;
  documentDate: string;
  revision: number;
  orderId: string;
  /** invoice: current | superseded | cancelled; credit note: issued. */
  status: string;
  reason: string | null;
  supplierGstin: string;
  supplierStateCode: string;
  buyerName: string;
  buyerGstin: string | null;
  placeOfSupplyStateCode: string;
  intraState: boolean;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  /** UTGST of an intra-UT supply in a union territory without a legislature. */
  utgstPaise: number;
  igstPaise: number;
  taxPaise: number;
  grandTotalPaise: number;
  rateSummary: RateSummary[];
  originalInvoiceNumber: string | null;
  originalInvoiceDate: string | null;
  cancelledByCreditNote: string | null;
  supersededByRevision: number | null;
}

type DbRow = Record<string, unknown>;

/** bigint columns arrive as strings from `pg` and as numbers from PGlite. */
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const iso = (value: unknown): string => (value as Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : (value as Date).toISOString());
const text = (value: unknown): string => value as string;
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : (value as string));

const SUMMARY_COLUMNS = `t.order_id, t.status, t.shipping_mode, t.buyer_name, t.delivery_city, t.delivery_state_code, t.delivery_pincode,
  t.payment_method, t.sales_channel, t.external_ref, t.order_total_paise, t.invoice_total_paise, t.invoice_number,
  t.current_shipment_id, t.current_shipment_status, t.item_count, t.received_at, t.updated_at, t.received_at::text AS received_at_key`;

function toSummary(row: DbRow): OrderSummary {
  return {
    orderId: text(row['order_id']),
    status: row['status'] as OrderStatus,
    shippingMode: textOrNull(row['shipping_mode']) as ShippingMode | null,
    buyerName: text(row['buyer_name']),
    deliveryCity: text(row['delivery_city']),
    deliveryStateCode: text(row['delivery_state_code']),
    deliveryPincode: text(row['delivery_pincode']),
    paymentMethod: row['payment_method'] as PaymentMethod,
    salesChannel: text(row['sales_channel']),
    externalRef: textOrNull(row['external_ref']),
    orderTotalPaise: num(row['order_total_paise']),
    invoiceTotalPaise: numOrNull(row['invoice_total_paise']),
    invoiceNumber: textOrNull(row['invoice_number']),
    currentShipmentId: textOrNull(row['current_shipment_id']),
    currentShipmentStatus: textOrNull(row['current_shipment_status']) as ShipmentStatus | null,
    itemCount: num(row['item_count']),
    receivedAt: iso(row['received_at']),
    updatedAt: iso(row['updated_at']),
  };
}

function toTimelineEntry(row: DbRow): TimelineEntry {
  return {
    revision: num(row['revision']),
    eventType: text(row['event_type']),
    occurredAt: iso(row['occurred_at']),
    recordedAt: iso(row['recorded_at']),
    orderStatus: row['order_status'] as OrderStatus,
    shipmentId: textOrNull(row['shipment_id']),
    shipmentStatus: textOrNull(row['shipment_status']) as ShipmentStatus | null,
    actorType: textOrNull(row['actor_type']),
    channel: textOrNull(row['channel']),
    detail: row['detail'] as JsonObject,
  };
}

/** The shipments table has the partner's columns; what it sent later (label, slot, agent) is in the order's folded state. */
function toPartnerView(row: DbRow, state: ShipmentState | undefined): PartnerView | null {
  const partnerId = textOrNull(row['partner_id']);
  if (partnerId === null) return null;
  const partner = state?.partner;
  return {
    id: partnerId,
    name: text(row['partner_name']),
    networkOrderId: textOrNull(row['network_order_id']),
    awb: textOrNull(row['awb']),
    labelUrl: partner?.labelUrl ?? null,
    pickupSlot: partner?.pickupSlot ?? null,
    agent: partner?.agent ? { name: partner.agent.name, phone: partner.agent.phone ?? null } : null,
    cancellation: partner?.cancellation ?? null,
    surgeFeePaise: partner?.surgeFeePaise ?? null,
  };
}

function toWeightDifferentialView(state: ShipmentState | undefined): WeightDifferentialView | null {
  const d = state?.weightDifferential;
  if (!d) return null;
  return {
    status: d.status,
    declaredWeightGrams: d.declaredWeightGrams,
    measuredWeightGrams: d.measuredWeightGrams,
    measuredDimensionsCm: d.measuredDimensionsCm ?? null,
    amountPaise: d.amountPaise,
    taxPaise: d.taxPaise,
    proofUrl: d.proofUrl ?? null,
    reportedAt: d.reportedAt,
    answeredAt: d.answeredAt ?? null,
    disputeReason: d.disputeReason ?? null,
  };
}

function toCodSettlementView(state: ShipmentState | undefined): CodSettlementView | null {
  const d = state?.codSettlement;
  if (!d) return null;
  return { outcome: d.outcome, status: d.status ?? null, claimedPaise: d.claimedPaise, partnerPaise: d.partnerPaise, settlementRef: d.settlementRef ?? null };
}

function cancellationReasonView(reason: NonNullable<ShipmentState['cancellationReason']>): NonNullable<ShipmentView['cancellationReason']> {
  const side = reason.code !== undefined && isSellerCancellationReason(reason.code) ? SELLER_CANCELLATION_REASONS[reason.code].side : null;
  return { text: reason.text, code: reason.code ?? null, side };
}

function toShipmentView(row: DbRow, tracking: TimelineEntry[], order: ActiveOrder): ShipmentView {
  const state = order.shipments.find((s) => s.shipmentId === row['shipment_id']);
  const courierName = textOrNull(row['courier_name']);
  return {
    shipmentId: text(row['shipment_id']),
    mode: row['mode'] as ShippingMode,
    status: row['status'] as ShipmentStatus,
    reshipOf: textOrNull(row['reship_of']),
    partner: toPartnerView(row, state),
    courier: courierName === null ? null : { name: courierName, trackingNumber: textOrNull(row['tracking_number']) },
    trackingUrl: textOrNull(row['tracking_url']),
    labelVersion: num(row['label_version']),
    readyAttempts: num(row['ready_attempts']),
    weightGrams: num(row['weight_grams']),
    codAmountPaise: num(row['cod_amount_paise']),
    imageCount: num(row['image_count']),
    createdAt: iso(row['created_at']),
    readyAt: isoOrNull(row['ready_at']),
    partnerAssignedAt: isoOrNull(row['partner_assigned_at']),
    pickedUpAt: isoOrNull(row['picked_up_at']),
    outForDeliveryAt: isoOrNull(row['out_for_delivery_at']),
    deliveredAt: isoOrNull(row['delivered_at']),
    cancelledAt: isoOrNull(row['cancelled_at']),
    cancelledBy: row['status'] === 'cancelled' ? (state?.cancelledBy ?? null) : null,
    cancellationReason: row['status'] === 'cancelled' && state?.cancellationReason ? cancellationReasonView(state.cancellationReason) : null,
    codCollection: state?.codCollection ? { duePaise: state.codAmountPaise, ...state.codCollection } : null,
    codSettlement: toCodSettlementView(state),
    deliveryCategory: state?.deliveryCategory ?? null,
    weightDifferential: toWeightDifferentialView(state),
    rtoInitiatedAt: isoOrNull(row['rto_initiated_at']),
    updatedAt: iso(row['updated_at']),
    allowed: state ? shipmentWaysForward(order, state) : [],
    takesPackageImages: state !== undefined && takesPackageImages(state),
    tracking,
  };
}

function toInvoiceView(order: ActiveOrder): OrderInvoiceView | null {
  if (!order.invoice) return null;
  const view = (r: InvoiceRevision): InvoiceRevisionView => ({
    invoiceNumber: r.invoiceNumber,
    revision: r.revision,
    financialYear: r.financialYear,
    invoiceDate: r.invoiceDate,
    placeOfSupplyStateCode: r.snapshot.placeOfSupplyStateCode,
    totals: r.totals,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
  });
  return { current: view(order.invoice.current), revisions: order.invoice.revisions.map(view), creditNotes: order.invoice.creditNotes };
}

function toRegisterEntry(row: DbRow): InvoiceRegisterEntry {
  return {
    documentType: row['document_type'] as InvoiceRegisterEntry['documentType'],
    documentNumber: text(row['document_number']),
    financialYear: text(row['financial_year']),
    documentDate: iso(row['document_date']),
    revision: num(row['revision']),
    orderId: text(row['order_id']),
    status: text(row['status']),
    reason: textOrNull(row['reason']),
    supplierGstin: text(row['supplier_gstin']),
    supplierStateCode: text(row['supplier_state_code']),
    buyerName: text(row['buyer_name']),
    buyerGstin: textOrNull(row['buyer_gstin']),
    placeOfSupplyStateCode: text(row['place_of_supply_state_code']),
    intraState: row['intra_state'] as boolean,
    taxablePaise: num(row['taxable_paise']),
    cgstPaise: num(row['cgst_paise']),
    sgstPaise: num(row['sgst_paise']),
    utgstPaise: num(row['utgst_paise']),
    igstPaise: num(row['igst_paise']),
    taxPaise: num(row['cgst_paise']) + num(row['sgst_paise']) + num(row['utgst_paise']) + num(row['igst_paise']),
    grandTotalPaise: num(row['grand_total_paise']),
    rateSummary: row['rate_summary'] as RateSummary[],
    originalInvoiceNumber: textOrNull(row['original_invoice_number']),
    originalInvoiceDate: isoOrNull(row['original_invoice_date']),
    cancelledByCreditNote: textOrNull(row['cancelled_by_credit_note']),
    supersededByRevision: numOrNull(row['superseded_by_revision']),
  };
}

function instant(value: string, field: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new ValidationError([{ field, message: 'must be an ISO 8601 timestamp' }]);
  return value;
}

/**
 * What the HTTP API asks of the read models. Every method takes the calling seller's id and reads
 * through `SellerScopedReader`, so a seller only ever sees their own rows; another seller's order
 * reads exactly like a missing one.
 */
export class OrderQueries {
  constructor(
    private readonly reader: SellerScopedReader,
    private readonly names: SchemaNames,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Newest first, by (received_at, order_id), so pages stay stable while new orders arrive. */
  async listOrders(sellerId: string, query: ListOrdersQuery): Promise<OrderPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new ValidationError([{ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }]);
    }
    const conditions: string[] = [];
    const params: string[] = [];
    const add = (condition: (n: string) => string, value: string) => {
      params.push(value);
      conditions.push(condition(`$${params.length + 1}`));
    };
    if (query.status !== undefined) add((n) => `t.status = ${n}`, query.status);
    if (query.mode !== undefined) add((n) => `t.shipping_mode = ${n}`, query.mode);
    if (query.receivedFrom !== undefined) add((n) => `t.received_at >= ${n}::timestamptz`, instant(query.receivedFrom, 'receivedFrom'));
    if (query.receivedTo !== undefined) add((n) => `t.received_at < ${n}::timestamptz`, instant(query.receivedTo, 'receivedTo'));
    if (query.search !== undefined && query.search.trim() !== '') {
      const term = query.search.trim();
      params.push(term, `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const exact = `$${params.length}`;
      const part = `$${params.length + 1}`;
      // The shipment subquery is scoped to the same seller as the outer row, like every read.
      conditions.push(
        `(t.order_id = ${exact} OR upper(t.invoice_number) = upper(${exact}) OR t.buyer_name ILIKE ${part} OR t.state->'buyer'->>'phone' LIKE ${part}` +
          ` OR EXISTS (SELECT 1 FROM ${this.names.table('shipments')} s WHERE s.seller_id = t.seller_id AND s.order_id = t.order_id AND (upper(s.awb) = upper(${exact}) OR upper(s.tracking_number) = upper(${exact}))))`,
      );
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      params.push(cursor.receivedAt, cursor.orderId);
      conditions.push(`(t.received_at, t.order_id) < ($${params.length}::timestamptz, $${params.length + 1})`);
    }
    const rows = await this.reader.select<DbRow>(
      sellerId,
      {
        select: SUMMARY_COLUMNS,
        from: this.names.table('orders'),
        ...(conditions.length ? { where: conditions.join(' AND ') } : {}),
        tail: `ORDER BY t.received_at DESC, t.order_id DESC LIMIT ${query.limit + 1}`,
      },
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const more = rows.length > query.limit && last !== undefined;
    return { items: page.map(toSummary), ...(more ? { nextCursor: encodeCursor({ receivedAt: text(last['received_at_key']), orderId: text(last['order_id']) }) } : {}) };
  }

  async getOrder(sellerId: string, orderId: string): Promise<OrderDetail | undefined> {
    // The three reads go together: one round trip, not two (an unknown order costs two empty reads).
    const [[row], shipments, timeline] = await Promise.all([
      this.reader.select<DbRow>(sellerId, { select: `${SUMMARY_COLUMNS}, t.state`, from: this.names.table('orders'), where: 't.order_id = $2' }, [orderId]),
      this.reader.select<DbRow>(sellerId, { select: 't.*', from: this.names.table('shipments'), where: 't.order_id = $2', tail: 'ORDER BY t.created_at, t.shipment_id' }, [orderId]),
      this.reader.select<DbRow>(sellerId, { select: 't.*', from: this.names.table('order_timeline'), where: 't.order_id = $2', tail: 'ORDER BY t.revision' }, [orderId]),
    ]);
    if (!row) return undefined;
    const entries = timeline.map(toTimelineEntry);
    const state = row['state'] as ActiveOrder;
    const invoice = toInvoiceView(state);
    return {
      ...toSummary(row),
      buyer: state.invoice?.current.snapshot.buyer ?? state.buyer,
      deliveryAddress: state.invoice?.current.snapshot.deliveryAddress ?? state.deliveryAddress,
      items: state.invoice?.current.snapshot.items ?? state.items,
      charges: state.invoice?.current.snapshot.charges ?? state.charges,
      invoice,
      shipments: shipments.map((s) => toShipmentView(s, entries.filter((e) => e.shipmentId === s['shipment_id']), state)),
      timeline: entries,
      allowed: orderWaysForward(state),
    };
  }

  /** The order of each of the seller's shipments; shipments of other sellers, or unknown ones, are absent. */
  async ordersOfShipments(sellerId: string, shipmentIds: readonly string[]): Promise<Map<string, string>> {
    if (shipmentIds.length === 0) return new Map();
    const rows = await this.reader.select<{ shipment_id: string; order_id: string }>(
      sellerId,
      { select: 't.shipment_id, t.order_id', from: this.names.table('shipments'), where: 't.shipment_id = ANY($2::text[])' },
      [[...shipmentIds]],
    );
    return new Map(rows.map((r) => [r.shipment_id, r.order_id]));
  }

  async orderExists(sellerId: string, orderId: string): Promise<boolean> {
    const rows = await this.reader.select<DbRow>(sellerId, { select: '1', from: this.names.table('orders'), where: 't.order_id = $2' }, [orderId]);
    return rows.length > 0;
  }

  /** The issues raised about one of the seller's orders' shipments, oldest first, each as its stream folds it. */
  async shipmentIssues(sellerId: string, orderId: string): Promise<OpenedIssue[]> {
    const rows = await this.reader.select<DbRow>(sellerId, { select: 't.issue', from: this.names.table('shipment_issues'), where: 't.order_id = $2', tail: 'ORDER BY t.raised_at, t.issue_id' }, [orderId]);
    return rows.map((row) => row['issue'] as OpenedIssue);
  }

  /** The WhatsApp messages sent and received about one of the seller's orders, oldest first. */
  async whatsAppMessages(sellerId: string, orderId: string): Promise<OrderWhatsAppMessage[]> {
    const rows = await this.reader.select<DbRow>(
      sellerId,
      { select: 't.direction, t.number, t.purpose, t.text, t.phase, t.at', from: this.names.table('whatsapp_messages'), where: 't.order_id = $2', tail: 'ORDER BY t.first_position' },
      [orderId],
    );
    return rows.map((row) => ({
      direction: row['direction'] as OrderWhatsAppMessage['direction'],
      number: text(row['number']),
      purpose: text(row['purpose']),
      text: text(row['text']),
      phase: text(row['phase']),
      at: iso(row['at']),
    }));
  }

  /** Counters per status, plus open orders received more than `overdueHours` ago (counted now, from timestamps). */
  async dashboard(sellerId: string, query: DashboardQuery): Promise<SellerDashboard> {
    if (!Number.isFinite(query.overdueHours) || query.overdueHours < 0) {
      throw new ValidationError([{ field: 'overdueHours', message: 'must be a number of hours, 0 or more' }]);
    }
    const asOf = this.now();
    const cutoff = new Date(asOf.getTime() - query.overdueHours * 3_600_000).toISOString();
    const [counters, overdue, attention] = await Promise.all([
      this.reader.select<{ status: OrderStatus; orders: number }>(sellerId, { select: 't.status, t.orders', from: this.names.table('dashboard_counters') }),
      this.reader.select<{ overdue: number }>(
        sellerId,
        {
          select: 'COUNT(*)::integer AS overdue',
          from: this.names.table('dashboard_orders'),
          where: `t.status IN (${OPEN_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')}) AND t.received_at < $2::timestamptz`,
        },
        [cutoff],
      ),
      // Read from each order's folded state (the same rule as the domain's needsAttention), so the count needs no column of its own.
      this.reader.select<{ attention: number }>(sellerId, {
        select: 'COUNT(*)::integer AS attention',
        from: this.names.table('dashboard_orders'),
        where: `t.status IN ('ready_for_pickup', 'shipped') AND t.state->'shipments'->-1->>'status' IN ('pickup_failed', 'delivery_failed')
                AND t.state->'shipments'->-1->'lastFailure' IS NOT NULL AND t.state->'shipments'->-1->'lastFailure'->>'answer' IS NULL`,
      }),
    ]);
    const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
    for (const c of counters) ordersByStatus[c.status] = num(c.orders);
    return {
      ordersTotal: Object.values(ordersByStatus).reduce((a, b) => a + b, 0),
      ordersByStatus,
      awaitingInvoice: ordersByStatus.received,
      awaitingReadyToShip: ordersByStatus.packed,
      needsAttention: num(attention[0]?.attention ?? 0),
      overdue: num(overdue[0]?.overdue ?? 0),
      overdueHours: query.overdueHours,
      asOf: asOf.toISOString(),
    };
  }

  /** Invoices (every revision) and credit notes dated in [from, to), in date order: the input to GST returns. */
  async invoiceRegister(sellerId: string, query: InvoiceRegisterQuery): Promise<InvoiceRegisterEntry[]> {
    const from = instant(query.from, 'from');
    const to = instant(query.to, 'to');
    const rows = await this.reader.select<DbRow>(
      sellerId,
      {
        select: 't.*',
        from: this.names.table('invoice_register'),
        where: 't.document_date >= $2::timestamptz AND t.document_date < $3::timestamptz',
        tail: 'ORDER BY t.document_date, t.document_type DESC, t.document_number, t.revision',
      },
      [from, to],
    );
    return rows.map(toRegisterEntry);
  }

  /**
   * The documents GSTR-1 reports for a month: the last revision of each invoice number (a revised
   * copy keeps its number and date, so it replaces, never adds to, the invoice) and every credit
   * note, with the value and date of the invoice a credit note cites.
   */
  async gstr1Documents(sellerId: string, query: Gstr1DocumentsQuery): Promise<Gstr1Document[]> {
    const register = this.names.table('invoice_register');
    const rows = await this.reader.select<DbRow>(
      sellerId,
      {
        select: `t.document_type, t.document_number, t.document_date, t.buyer_name, t.buyer_gstin, t.place_of_supply_state_code, t.intra_state,
                 t.grand_total_paise, t.rate_summary, t.hsn_summary, t.original_invoice_date,
                 (SELECT o.grand_total_paise FROM ${register} o
                   WHERE o.seller_id = t.seller_id AND o.document_type = 'invoice' AND o.document_number = t.original_invoice_number
                     AND o.document_date = t.original_invoice_date AND o.revision = t.revision) AS original_invoice_value_paise`,
        from: register,
        where: `t.document_date >= $2 AND t.document_date < $3 AND t.supplier_gstin = $4
                AND (t.document_type = 'credit_note' OR NOT EXISTS (
                  SELECT 1 FROM ${register} later
                   WHERE later.seller_id = t.seller_id AND later.document_type = 'invoice' AND later.financial_year = t.financial_year
                     AND later.document_number = t.document_number AND later.revision > t.revision))`,
        tail: 'ORDER BY t.document_date, t.document_type DESC, t.document_number',
      },
      [query.from.toISOString(), query.to.toISOString(), query.supplierGstin],
    );
    return rows.map((row) => ({
      documentType: row['document_type'] as Gstr1Document['documentType'],
      documentNumber: text(row['document_number']),
      documentDate: iso(row['document_date']),
      buyerName: text(row['buyer_name']),
      buyerGstin: textOrNull(row['buyer_gstin']),
      placeOfSupplyStateCode: text(row['place_of_supply_state_code']),
      intraState: row['intra_state'] as boolean,
      grandTotalPaise: num(row['grand_total_paise']),
      rateSummary: row['rate_summary'] as RateSummary[],
      hsnSummary: row['hsn_summary'] as HsnSummaryLine[],
      originalInvoiceDate: isoOrNull(row['original_invoice_date']),
      originalInvoiceValuePaise: numOrNull(row['original_invoice_value_paise']),
    }));
  }
}
