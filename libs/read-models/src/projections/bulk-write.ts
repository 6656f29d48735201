import type { OrderRef } from '@fulfil/domain';
import type { SqlExecutor } from '../database/sql-database';

export interface ColumnSpec {
  name: string;
  /** SQL type the JSON value is read as, e.g. `text`, `bigint`, `timestamptz`, `jsonb`. */
  type: string;
}

export type Row = Record<string, unknown>;

export interface UpsertOptions {
  /** Conflict target: the table's primary key. */
  key: readonly string[];
  /** `'nothing'` keeps a conflicting row as it is; `'update'` gives its other columns the new values. */
  onConflict: 'nothing' | 'update';
}

/**
 * Writes many rows in one statement: the rows travel as one JSON parameter and are unpacked with
 * `jsonb_to_recordset`, which works alike on PGlite and PostgreSQL and keeps a batch of events to a
 * handful of statements. Rows must have distinct keys (PostgreSQL refuses to update a row twice
 * in one statement) and no bigint values (JSON has none: pass them as strings). Returns the
 * number of rows inserted or updated.
 */
export async function upsertRows(sql: SqlExecutor, table: string, columns: readonly ColumnSpec[], rows: readonly Row[], options: UpsertOptions): Promise<number> {
  if (rows.length === 0) return 0;
  const names = columns.map((c) => c.name).join(', ');
  const recordType = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  const updates = columns.filter((c) => !options.key.includes(c.name)).map((c) => `${c.name} = excluded.${c.name}`);
  const conflict = options.onConflict === 'nothing' || updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`;
  const { rowCount } = await sql.query(
    `INSERT INTO ${table} (${names})
     SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})
     ON CONFLICT (${options.key.join(', ')}) ${conflict}`,
    [JSON.stringify(rows)],
  );
  return rowCount;
}

/** Rows of `table` that belong to one of `orders` (by `seller_id` and `order_id`), in one round trip. */
export async function selectOrders<R extends object>(sql: SqlExecutor, select: string, table: string, orders: readonly OrderRef[]): Promise<R[]> {
  if (orders.length === 0) return [];
  const { rows } = await sql.query<R>(
    `SELECT ${select} FROM ${table} WHERE (seller_id, order_id) IN (SELECT k.seller_id, k.order_id FROM jsonb_to_recordset($1::jsonb) AS k(seller_id text, order_id text))`,
    [JSON.stringify(orders.map((o) => ({ seller_id: o.sellerId, order_id: o.orderId })))],
  );
  return rows;
}

/** The distinct orders a batch of order-stream events touches. */
export function ordersOf<E>(events: readonly E[], refOf: (event: E) => OrderRef): OrderRef[] {
  const seen = new Map<string, OrderRef>();
  for (const event of events) {
    const ref = refOf(event);
    seen.set(orderKey(ref), ref);
  }
  return [...seen.values()];
}

/** One map key per order across sellers. Neither id holds a `:`. */
export const orderKey = (ref: OrderRef): string => `${ref.sellerId}:${ref.orderId}`;

/** The order key of a row with `seller_id` and `order_id` columns. */
export const rowOrderKey = (row: { seller_id: string; order_id: string }): string => orderKey({ sellerId: row.seller_id, orderId: row.order_id });
