import { activeOrderStatus, type ActiveOrder, type OrderStatus } from '@fulfil/domain';
import type { SqlExecutor } from '../database/sql-database';
import type { SqlProjection } from '../runner/subscriber';
import { orderKey, ordersOf, rowOrderKey, selectOrders, upsertRows, type ColumnSpec, type Row } from './bulk-write';
import { ORDER_STREAMS, orderRefOf } from './order-event-facts';
import { foldOrderEvent, storedFold, type FoldedOrder } from './order-fold';

const ORDER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text' },
  { name: 'seller_id', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'last_revision', type: 'bigint' },
  { name: 'state', type: 'jsonb' },
];

interface StoredRow {
  seller_id: string;
  order_id: string;
  status: OrderStatus;
  last_revision: string;
  state: ActiveOrder;
}

interface ChangedOrder {
  fold: FoldedOrder;
  /** Status as stored before this batch; undefined for an order the batch creates. */
  statusBefore: OrderStatus | undefined;
  updatedAt: string;
}

const counterKey = (sellerId: string, status: string): string => `${sellerId}\u0000${status}`;

/**
 * Net change of the per-status counters over a batch. A batch moves each order from its stored
 * status to its final one, so intermediate statuses within the batch cancel out and live
 * (one event per batch) and rebuild (hundreds) arrive at the same counts.
 */
function counterDeltas(orders: Iterable<ChangedOrder>): Row[] {
  const deltas = new Map<string, { seller_id: string; status: string; orders: number }>();
  const add = (sellerId: string, status: string, by: number) => {
    const key = counterKey(sellerId, status);
    const entry = deltas.get(key) ?? { seller_id: sellerId, status, orders: 0 };
    entry.orders += by;
    deltas.set(key, entry);
  };
  for (const { fold, statusBefore } of orders) {
    const after = activeOrderStatus(fold.state);
    if (after === statusBefore) continue;
    if (statusBefore !== undefined) add(fold.state.sellerId, statusBefore, -1);
    add(fold.state.sellerId, after, +1);
  }
  return [...deltas.values()].filter((d) => d.orders !== 0);
}

/**
 * Per-seller counts of orders by status (awaiting invoice = received, awaiting RTS = packed), kept
 * as counters so the dashboard reads a dozen rows, not every order. Each order's fold and status
 * sit in `dashboard_orders`, which also answers "overdue" at query time from `received_at`.
 */
export const sellerDashboardProjection: SqlProjection = {
  kind: 'projection',
  name: 'seller_dashboard',
  filter: ORDER_STREAMS,
  tables: ['dashboard_orders', 'dashboard_counters'],
  async apply(tx, events) {
    const stored = await selectOrders<StoredRow>(
      tx.sql,
      'seller_id, order_id, status, last_revision::text AS last_revision, state',
      tx.table('dashboard_orders'),
      ordersOf(events, orderRefOf),
    );
    const before = new Map(stored.map((row) => [rowOrderKey(row), { fold: storedFold(row), status: row.status }]));
    const changed = new Map<string, ChangedOrder>();
    for (const event of events) {
      const key = orderKey(orderRefOf(event));
      const previous = changed.get(key) ?? before.get(key);
      const step = foldOrderEvent(previous?.fold, event);
      if (!step) continue;
      changed.set(key, {
        fold: { state: step.state, revision: step.revision },
        statusBefore: before.get(key)?.status,
        updatedAt: event.recordedAt.toISOString(),
      });
    }
    // Independent statements, sent together (they run in order, in one transaction).
    await Promise.all([
      upsertRows(tx.sql, tx.table('dashboard_orders'), ORDER_COLUMNS, [...changed.values()].map(toOrderRow), { key: ['seller_id', 'order_id'], onConflict: 'update' }),
      applyCounterDeltas(tx.sql, tx.table('dashboard_counters'), counterDeltas(changed.values())),
    ]);
  },
};

function toOrderRow({ fold, updatedAt }: ChangedOrder): Row {
  return {
    order_id: fold.state.orderId,
    seller_id: fold.state.sellerId,
    status: activeOrderStatus(fold.state),
    received_at: fold.state.receivedAt,
    updated_at: updatedAt,
    last_revision: fold.revision.toString(),
    state: fold.state,
  };
}

/** Adds the deltas, then drops counters that reached zero, so the table holds exactly the non-zero counts however it was built. */
async function applyCounterDeltas(sql: SqlExecutor, table: string, deltas: Row[]): Promise<void> {
  if (deltas.length === 0) return;
  const rows = JSON.stringify(deltas);
  // The delete is queued behind the insert without waiting for its answer: statements of one transaction run in order.
  await Promise.all([
    sql.query(
      `INSERT INTO ${table} AS c (seller_id, status, orders)
     SELECT seller_id, status, orders FROM jsonb_to_recordset($1::jsonb) AS r(seller_id text, status text, orders integer)
     ON CONFLICT (seller_id, status) DO UPDATE SET orders = c.orders + excluded.orders`,
      [rows],
    ),
    sql.query(
      `DELETE FROM ${table} c USING jsonb_to_recordset($1::jsonb) AS r(seller_id text, status text)
      WHERE c.seller_id = r.seller_id AND c.status = r.status AND c.orders = 0`,
      [rows],
    ),
  ]);
}
