import { activeOrderStatus, currentShipment, type ActiveOrder, type OrderEvent, type OrderEventType, type ShipmentState } from '@fulfil/domain';
import type { JsonObject, JsonValue, RecordedEvent } from '@fulfil/event-store';
import type { ProjectionTx, SqlProjection } from '../runner/subscriber';
import { orderKey, ordersOf, rowOrderKey, selectOrders, upsertRows, type ColumnSpec, type Row } from './bulk-write';
import { ORDER_STREAMS, orderEventFacts, orderRefOf, shipmentIdOf } from './order-event-facts';
import { foldOrderEvent, storedFold, type FoldedOrder } from './order-fold';

const ORDER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text' },
  { name: 'seller_id', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'shipping_mode', type: 'text' },
  { name: 'order_total_paise', type: 'bigint' },
  { name: 'invoice_taxable_paise', type: 'bigint' },
  { name: 'invoice_tax_paise', type: 'bigint' },
  { name: 'invoice_total_paise', type: 'bigint' },
  { name: 'buyer_name', type: 'text' },
  { name: 'delivery_city', type: 'text' },
  { name: 'delivery_state_code', type: 'text' },
  { name: 'delivery_pincode', type: 'text' },
  { name: 'payment_method', type: 'text' },
  { name: 'sales_channel', type: 'text' },
  { name: 'external_ref', type: 'text' },
  { name: 'invoice_number', type: 'text' },
  { name: 'invoice_revision', type: 'integer' },
  { name: 'invoice_date', type: 'timestamptz' },
  { name: 'credit_note_count', type: 'integer' },
  { name: 'current_shipment_id', type: 'text' },
  { name: 'current_shipment_status', type: 'text' },
  { name: 'shipment_count', type: 'integer' },
  { name: 'item_count', type: 'integer' },
  { name: 'items', type: 'jsonb' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'last_revision', type: 'bigint' },
  { name: 'state', type: 'jsonb' },
];

const MILESTONES = ['created_at', 'ready_at', 'partner_assigned_at', 'picked_up_at', 'out_for_delivery_at', 'delivered_at', 'cancelled_at', 'rto_initiated_at'] as const;
type Milestone = (typeof MILESTONES)[number];

/** The shipment milestone an event marks; the first time counts (a second RTS attempt does not move `ready_at`). */
const MILESTONE_OF: Partial<Record<OrderEventType, Milestone>> = {
  ShipmentCreated: 'created_at',
  ShipmentMarkedReadyToShip: 'ready_at',
  LogisticsPartnerAssigned: 'partner_assigned_at',
  ShipmentPickedUp: 'picked_up_at',
  ShipmentMarkedShipped: 'picked_up_at',
  ShipmentOutForDelivery: 'out_for_delivery_at',
  ShipmentDelivered: 'delivered_at',
  ShipmentCancelled: 'cancelled_at',
  ShipmentCancelledByPartner: 'cancelled_at',
  ShipmentRtoInitiated: 'rto_initiated_at',
};

const SHIPMENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text' },
  { name: 'shipment_id', type: 'text' },
  { name: 'seller_id', type: 'text' },
  { name: 'mode', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'reship_of', type: 'text' },
  { name: 'partner_id', type: 'text' },
  { name: 'partner_name', type: 'text' },
  { name: 'network_order_id', type: 'text' },
  { name: 'awb', type: 'text' },
  { name: 'courier_name', type: 'text' },
  { name: 'tracking_number', type: 'text' },
  { name: 'tracking_url', type: 'text' },
  { name: 'label_version', type: 'integer' },
  { name: 'ready_attempts', type: 'integer' },
  { name: 'weight_grams', type: 'integer' },
  { name: 'cod_amount_paise', type: 'bigint' },
  { name: 'image_count', type: 'integer' },
  ...MILESTONES.map((name) => ({ name, type: 'timestamptz' })),
  { name: 'updated_at', type: 'timestamptz' },
];

const TIMELINE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text' },
  { name: 'revision', type: 'bigint' },
  { name: 'seller_id', type: 'text' },
  { name: 'position', type: 'numeric' },
  { name: 'event_id', type: 'text' },
  { name: 'event_type', type: 'text' },
  { name: 'shipment_id', type: 'text' },
  { name: 'occurred_at', type: 'timestamptz' },
  { name: 'recorded_at', type: 'timestamptz' },
  { name: 'order_status', type: 'text' },
  { name: 'shipment_status', type: 'text' },
  { name: 'actor_type', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'detail', type: 'jsonb' },
];

/** What the orders table keeps besides the fold: facts of `OrderReceived` that the domain state drops. */
interface WorkingOrder {
  fold: FoldedOrder;
  salesChannel: string;
  externalRef: string | null;
  updatedAt: string;
}

type ShipmentTimes = Record<Milestone, string | null> & { updated_at: string | null };

interface StoredOrderRow {
  seller_id: string;
  order_id: string;
  sales_channel: string;
  external_ref: string | null;
  updated_at: string;
  last_revision: string;
  state: ActiveOrder;
}

/** Timestamps are read back as PostgreSQL text, not JS dates, so microseconds a partner sent survive a rewrite. */
type StoredShipmentRow = { seller_id: string; order_id: string; shipment_id: string } & ShipmentTimes;

const TIME_COLUMNS = [...MILESTONES, 'updated_at'] as const;
const shipmentKey = (order: string, shipmentId: string): string => `${order}\u0000${shipmentId}`;

function metadataText(metadata: JsonObject, path: readonly string[]): string | null {
  let value: JsonValue | undefined = metadata;
  for (const key of path) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/** One batch of events folded in memory, then written with one statement per table. Maps are keyed by `orderKey`. */
class OrdersBatch {
  private readonly orders = new Map<string, WorkingOrder>();
  private readonly shipmentTimes = new Map<string, ShipmentTimes>();
  private readonly touchedOrders = new Set<string>();
  private readonly touchedShipments = new Set<string>();
  private readonly timeline: Row[] = [];

  constructor(stored: StoredOrderRow[], storedShipments: StoredShipmentRow[]) {
    for (const row of stored) {
      this.orders.set(rowOrderKey(row), { fold: storedFold(row), salesChannel: row.sales_channel, externalRef: row.external_ref, updatedAt: row.updated_at });
    }
    for (const { seller_id, order_id, shipment_id, ...times } of storedShipments) this.shipmentTimes.set(shipmentKey(rowOrderKey({ seller_id, order_id }), shipment_id), times);
  }

  apply(recorded: RecordedEvent): void {
    const ref = orderRefOf(recorded);
    const key = orderKey(ref);
    const working = this.orders.get(key);
    const step = foldOrderEvent(working?.fold, recorded);
    if (!step) return;
    const { event, state } = step;
    const recordedAt = recorded.recordedAt.toISOString();
    this.orders.set(key, {
      fold: { state, revision: step.revision },
      salesChannel: event.type === 'OrderReceived' ? event.data.salesChannel : working!.salesChannel,
      externalRef: event.type === 'OrderReceived' ? (event.data.externalRef ?? null) : working!.externalRef,
      updatedAt: recordedAt,
    });
    this.touchedOrders.add(key);
    const shipmentId = shipmentIdOf(event);
    const facts = orderEventFacts(event);
    // `OrderReshipped` names the new shipment before its `ShipmentCreated`: only a shipment the order has gets a row.
    const shipment = state.shipments.find((s) => s.shipmentId === shipmentId);
    if (shipment) this.markShipment(key, shipment.shipmentId, event, facts.occurredAt, recordedAt);
    this.timeline.push({
      order_id: ref.orderId,
      revision: recorded.revision.toString(),
      seller_id: state.sellerId,
      position: recorded.position.toString(),
      event_id: recorded.id,
      event_type: recorded.type,
      shipment_id: shipmentId ?? null,
      occurred_at: facts.occurredAt,
      recorded_at: recordedAt,
      order_status: activeOrderStatus(state),
      shipment_status: shipment?.status ?? null,
      actor_type: metadataText(recorded.metadata, ['actor', 'type']),
      channel: metadataText(recorded.metadata, ['channel']),
      detail: facts.detail,
    });
  }

  async write(tx: ProjectionTx): Promise<void> {
    // Three tables, no statement depending on another: sent together, answered together.
    await Promise.all([
      upsertRows(tx.sql, tx.table('orders'), ORDER_COLUMNS, [...this.touchedOrders].map((id) => this.orderRow(id)), { key: ['seller_id', 'order_id'], onConflict: 'update' }),
      upsertRows(tx.sql, tx.table('shipments'), SHIPMENT_COLUMNS, [...this.touchedShipments].map((key) => this.shipmentRow(key)), {
        key: ['seller_id', 'order_id', 'shipment_id'],
        onConflict: 'update',
      }),
      upsertRows(tx.sql, tx.table('order_timeline'), TIMELINE_COLUMNS, this.timeline, { key: ['seller_id', 'order_id', 'revision'], onConflict: 'nothing' }),
    ]);
  }

  private markShipment(order: string, shipmentId: string, event: OrderEvent, occurredAt: string, recordedAt: string): void {
    const key = shipmentKey(order, shipmentId);
    const times = this.shipmentTimes.get(key) ?? (Object.fromEntries(TIME_COLUMNS.map((m) => [m, null])) as ShipmentTimes);
    const milestone = MILESTONE_OF[event.type];
    if (milestone) times[milestone] ??= occurredAt;
    times.updated_at = recordedAt;
    this.shipmentTimes.set(key, times);
    this.touchedShipments.add(key);
  }

  private orderRow(key: string): Row {
    const { fold, salesChannel, externalRef, updatedAt } = this.orders.get(key)!;
    const state = fold.state;
    const invoice = state.invoice?.current;
    const shipment = currentShipment(state);
    // After an invoice correction the invoice's copy of buyer, address and items is the true one.
    const buyer = invoice?.snapshot.buyer ?? state.buyer;
    const address = invoice?.snapshot.deliveryAddress ?? state.deliveryAddress;
    const items = invoice?.snapshot.items ?? state.items;
    return {
      order_id: state.orderId,
      seller_id: state.sellerId,
      status: activeOrderStatus(state),
      shipping_mode: shipment?.mode ?? null,
      order_total_paise: state.totalPaise,
      invoice_taxable_paise: invoice?.totals.taxablePaise ?? null,
      invoice_tax_paise: invoice ? invoice.totals.cgstPaise + invoice.totals.sgstPaise + (invoice.totals.utgstPaise ?? 0) + invoice.totals.igstPaise : null,
      invoice_total_paise: invoice?.totals.grandTotalPaise ?? null,
      buyer_name: buyer.name,
      delivery_city: address.city,
      delivery_state_code: address.stateCode,
      delivery_pincode: address.pincode,
      payment_method: state.paymentMethod,
      sales_channel: salesChannel,
      external_ref: externalRef,
      invoice_number: invoice?.invoiceNumber ?? null,
      invoice_revision: invoice?.revision ?? null,
      invoice_date: invoice?.invoiceDate ?? null,
      credit_note_count: state.invoice?.creditNotes.length ?? 0,
      current_shipment_id: shipment?.shipmentId ?? null,
      current_shipment_status: shipment?.status ?? null,
      shipment_count: state.shipments.length,
      item_count: items.reduce((units, item) => units + item.quantity, 0),
      items,
      received_at: state.receivedAt,
      updated_at: updatedAt,
      last_revision: fold.revision.toString(),
      state,
    };
  }

  private shipmentRow(key: string): Row {
    const [order, shipmentId] = key.split('\u0000') as [string, string];
    const state = this.orders.get(order)!.fold.state;
    const shipment = state.shipments.find((s) => s.shipmentId === shipmentId);
    if (!shipment) throw new Error(`Order ${state.orderId} has no shipment ${shipmentId} in its events`);
    return { order_id: state.orderId, shipment_id: shipmentId, seller_id: state.sellerId, ...shipmentColumns(shipment), ...this.shipmentTimes.get(key) };
  }
}

function shipmentColumns(shipment: ShipmentState): Row {
  return {
    mode: shipment.mode,
    status: shipment.status,
    reship_of: shipment.reshipOf ?? null,
    partner_id: shipment.partner?.id ?? null,
    partner_name: shipment.partner?.name ?? null,
    network_order_id: shipment.partner?.networkOrderId ?? null,
    awb: shipment.partner?.awb ?? null,
    courier_name: shipment.courier?.name ?? null,
    tracking_number: shipment.courier?.trackingNumber ?? null,
    tracking_url: shipment.partner?.trackingUrl ?? shipment.courier?.trackingUrl ?? null,
    label_version: shipment.labelVersion,
    ready_attempts: shipment.readyAttempts,
    weight_grams: shipment.package.weightGrams,
    cod_amount_paise: shipment.codAmountPaise,
    image_count: shipment.images.length,
  };
}

/**
 * Orders (list and detail), their shipments with partner, AWB and courier, and the timeline of
 * every order event (which is also each shipment's status history). Status comes from the
 * domain's own fold, so the read model can never disagree with the command side about it.
 */
export const ordersProjection: SqlProjection = {
  kind: 'projection',
  name: 'orders',
  filter: ORDER_STREAMS,
  tables: ['orders', 'shipments', 'order_timeline'],
  async apply(tx, events) {
    const orders = ordersOf(events, orderRefOf);
    const [stored, storedShipments] = await Promise.all([
      selectOrders<StoredOrderRow>(
        tx.sql,
        'seller_id, order_id, sales_channel, external_ref, updated_at::text AS updated_at, last_revision::text AS last_revision, state',
        tx.table('orders'),
        orders,
      ),
      selectOrders<StoredShipmentRow>(tx.sql, ['seller_id', 'order_id', 'shipment_id', ...TIME_COLUMNS.map((c) => `${c}::text AS ${c}`)].join(', '), tx.table('shipments'), orders),
    ]);
    const batch = new OrdersBatch(stored, storedShipments);
    for (const event of events) batch.apply(event);
    await batch.write(tx);
  },
};
