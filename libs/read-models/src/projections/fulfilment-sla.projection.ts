import type { OrderEvent } from '@fulfil/domain';
import type { RecordedEvent } from '@fulfil/event-store';
import type { SqlProjection } from '../runner/subscriber';
import { orderKey, ordersOf, rowOrderKey, selectOrders, upsertRows, type ColumnSpec } from './bulk-write';
import { ORDER_STREAMS, orderEventFacts, orderRefOf, shipmentIdOf, toOrderEvent } from './order-event-facts';
import { OrderStreamStartError } from './order-fold';
import { alreadyApplied } from './stream-revision';

/** One order's fulfilment milestones. Timestamps are PostgreSQL text (see the orders projection), counts are numbers. */
interface SlaRow {
  order_id: string;
  seller_id: string;
  payment_method: string;
  delivery_state_code: string;
  received_at: string;
  invoiced_at: string | null;
  packed_at: string | null;
  ready_at: string | null;
  picked_up_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  rto_initiated_at: string | null;
  current_shipment_id: string | null;
  shipping_mode: string | null;
  partner_id: string | null;
  partner_name: string | null;
  courier_name: string | null;
  shipment_count: number;
  last_revision: string;
  updated_at: string;
}

const TEXT_COLUMNS = ['order_id', 'seller_id', 'payment_method', 'delivery_state_code', 'current_shipment_id', 'shipping_mode', 'partner_id', 'partner_name', 'courier_name'];
const TIME_COLUMNS = ['received_at', 'invoiced_at', 'packed_at', 'ready_at', 'picked_up_at', 'delivered_at', 'cancelled_at', 'rto_initiated_at', 'updated_at'];

const COLUMNS: readonly ColumnSpec[] = [
  ...TEXT_COLUMNS.map((name) => ({ name, type: 'text' })),
  ...TIME_COLUMNS.map((name) => ({ name, type: 'timestamptz' })),
  { name: 'shipment_count', type: 'integer' },
  { name: 'last_revision', type: 'bigint' },
];

const SELECT = [...TEXT_COLUMNS, ...TIME_COLUMNS.map((c) => `${c}::text AS ${c}`), 'shipment_count', 'last_revision::text AS last_revision'].join(', ');

type Milestone = 'invoiced_at' | 'packed_at' | 'ready_at' | 'picked_up_at' | 'delivered_at' | 'rto_initiated_at';

/**
 * Milestones count the first time they happen for the order (the seller's speed), whichever
 * shipment it was; mode and partner are the current shipment's.
 */
function applyToSla(row: SlaRow, event: OrderEvent, occurredAt: string): void {
  const first = (milestone: Milestone) => {
    row[milestone] ??= occurredAt;
  };
  const isCurrent = shipmentIdOf(event) === row.current_shipment_id;
  switch (event.type) {
    case 'InvoiceGenerated':
      return first('invoiced_at');
    case 'ShipmentCreated':
      first('packed_at');
      Object.assign(row, { current_shipment_id: event.data.shipmentId, shipping_mode: event.data.mode, partner_id: null, partner_name: null, courier_name: null });
      row.shipment_count += 1;
      return;
    case 'ShipmentModeSwitched':
      if (isCurrent) row.shipping_mode = event.data.to;
      return;
    case 'ShipmentMarkedReadyToShip':
      return first('ready_at');
    case 'LogisticsPartnerAssigned':
      if (isCurrent) Object.assign(row, { partner_id: event.data.partnerId, partner_name: event.data.partnerName });
      return;
    case 'ShipmentPickedUp':
      return first('picked_up_at');
    case 'ShipmentMarkedShipped':
      if (isCurrent) row.courier_name = event.data.courierName;
      return first('picked_up_at');
    case 'ShipmentDelivered':
      return first('delivered_at');
    case 'ShipmentRtoInitiated':
      return first('rto_initiated_at');
    case 'OrderCancelled':
      row.cancelled_at = occurredAt;
      return;
    default:
      return;
  }
}

function receivedRow(event: Extract<OrderEvent, { type: 'OrderReceived' }>, recorded: RecordedEvent): SlaRow {
  const d = event.data;
  return {
    order_id: d.orderId,
    seller_id: d.sellerId,
    payment_method: d.paymentMethod,
    delivery_state_code: d.deliveryAddress.stateCode,
    received_at: d.receivedAt,
    invoiced_at: null,
    packed_at: null,
    ready_at: null,
    picked_up_at: null,
    delivered_at: null,
    cancelled_at: null,
    rto_initiated_at: null,
    current_shipment_id: null,
    shipping_mode: null,
    partner_id: null,
    partner_name: null,
    courier_name: null,
    shipment_count: 0,
    last_revision: recorded.revision.toString(),
    updated_at: recorded.recordedAt.toISOString(),
  };
}

/** Fulfilment SLA facts: per order, when it was received, invoiced, packed, ready, picked up and delivered. */
export const fulfilmentSlaProjection: SqlProjection = {
  kind: 'projection',
  name: 'fulfilment_sla',
  filter: ORDER_STREAMS,
  tables: ['fulfilment_sla'],
  async apply(tx, events) {
    const stored = await selectOrders<SlaRow>(tx.sql, SELECT, tx.table('fulfilment_sla'), ordersOf(events, orderRefOf));
    const rows = new Map(stored.map((row) => [rowOrderKey(row), row]));
    const touched = new Set<string>();
    for (const recorded of events) {
      const key = orderKey(orderRefOf(recorded));
      const row = rows.get(key);
      if (alreadyApplied(row === undefined ? undefined : BigInt(row.last_revision), recorded)) continue;
      const event = toOrderEvent(recorded);
      if (event.type === 'OrderReceived') {
        rows.set(key, receivedRow(event, recorded));
      } else if (!row) {
        throw new OrderStreamStartError(recorded.stream, recorded.type);
      } else {
        applyToSla(row, event, orderEventFacts(event).occurredAt);
        Object.assign(row, { last_revision: recorded.revision.toString(), updated_at: recorded.recordedAt.toISOString() });
      }
      touched.add(key);
    }
    await upsertRows(tx.sql, tx.table('fulfilment_sla'), COLUMNS, [...touched].map((id) => ({ ...rows.get(id) })), { key: ['seller_id', 'order_id'], onConflict: 'update' });
  },
};
