import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';

/**
 * The read models' schema, as an append-only list of versioned migrations. A released migration is
 * never edited: a change is a new version. Rebuilds copy live tables with `LIKE ... INCLUDING ALL`,
 * so these statements are the only place a table's shape is written down. Indexes and constraints
 * are left unnamed on purpose: PostgreSQL picks free names, so a shadow table and the live table it
 * replaces never fight over one.
 */
export interface Migration {
  version: number;
  name: string;
  statements(names: SchemaNames): string[];
}

export interface SchemaNames {
  /** Internal table, e.g. `"read_models"."orders"`. */
  table(name: string): string;
  /** Analytics view, e.g. `"analytics"."orders_v1"`. */
  view(name: string): string;
}

export const schemaNames = (schemas: ReadModelSchemas): SchemaNames => ({
  table: (name) => qualifiedName(schemas.internal, name),
  view: (name) => qualifiedName(schemas.analytics, name),
});

const checkpoints: Migration = {
  version: 1,
  name: 'projection checkpoints',
  statements: ({ table }) => [
    // Positions are numeric(40): EventStoreDB positions are two unsigned 64-bit offsets packed into one.
    `CREATE TABLE ${table('projection_checkpoints')} (
      name text PRIMARY KEY,
      position numeric(40, 0) NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      failed_at timestamptz,
      failed_stream text,
      failed_position numeric(40, 0),
      failed_event_id text,
      failed_event_type text,
      failed_error text,
      rebuilt_at timestamptz
    )`,
  ],
};

const orders: Migration = {
  version: 2,
  name: 'orders, shipments and order timeline',
  statements: ({ table }) => [
    `CREATE TABLE ${table('orders')} (
      order_id text PRIMARY KEY,
      seller_id text NOT NULL,
      status text NOT NULL,
      shipping_mode text,
      order_total_paise bigint NOT NULL,
      invoice_taxable_paise bigint,
      invoice_tax_paise bigint,
      invoice_total_paise bigint,
      buyer_name text NOT NULL,
      delivery_city text NOT NULL,
      delivery_state_code text NOT NULL,
      delivery_pincode text NOT NULL,
      payment_method text NOT NULL,
      sales_channel text NOT NULL,
      external_ref text,
      invoice_number text,
      invoice_revision integer,
      invoice_date timestamptz,
      credit_note_count integer NOT NULL,
      current_shipment_id text,
      current_shipment_status text,
      shipment_count integer NOT NULL,
      item_count integer NOT NULL,
      items jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_revision bigint NOT NULL,
      state jsonb NOT NULL
    )`,
    // Newest-first pages per seller, with and without a status filter.
    `CREATE INDEX ON ${table('orders')} (seller_id, received_at DESC, order_id DESC)`,
    `CREATE INDEX ON ${table('orders')} (seller_id, status, received_at DESC, order_id DESC)`,
    `CREATE TABLE ${table('shipments')} (
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      seller_id text NOT NULL,
      mode text NOT NULL,
      status text NOT NULL,
      reship_of text,
      partner_id text,
      partner_name text,
      network_order_id text,
      awb text,
      courier_name text,
      tracking_number text,
      tracking_url text,
      label_version integer NOT NULL,
      ready_attempts integer NOT NULL,
      weight_grams integer NOT NULL,
      cod_amount_paise bigint NOT NULL,
      image_count integer NOT NULL,
      created_at timestamptz NOT NULL,
      ready_at timestamptz,
      partner_assigned_at timestamptz,
      picked_up_at timestamptz,
      out_for_delivery_at timestamptz,
      delivered_at timestamptz,
      cancelled_at timestamptz,
      rto_initiated_at timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (order_id, shipment_id)
    )`,
    `CREATE INDEX ON ${table('shipments')} (seller_id, created_at DESC)`,
    `CREATE TABLE ${table('order_timeline')} (
      order_id text NOT NULL,
      revision bigint NOT NULL,
      seller_id text NOT NULL,
      position numeric(40, 0) NOT NULL,
      event_id text NOT NULL,
      event_type text NOT NULL,
      shipment_id text,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      order_status text NOT NULL,
      shipment_status text,
      actor_type text,
      channel text,
      detail jsonb NOT NULL,
      PRIMARY KEY (order_id, revision)
    )`,
  ],
};

const invoiceRegister: Migration = {
  version: 3,
  name: 'invoice register',
  statements: ({ table }) => [
    `CREATE TABLE ${table('invoice_register')} (
      seller_id text NOT NULL,
      document_type text NOT NULL,
      financial_year text NOT NULL,
      document_number text NOT NULL,
      revision integer NOT NULL,
      order_id text NOT NULL,
      document_date timestamptz NOT NULL,
      status text NOT NULL,
      reason text,
      number_source text,
      auto_generated boolean,
      supplier_gstin text NOT NULL,
      supplier_state_code text NOT NULL,
      buyer_name text NOT NULL,
      buyer_gstin text,
      place_of_supply_state_code text NOT NULL,
      intra_state boolean NOT NULL,
      taxable_paise bigint NOT NULL,
      cgst_paise bigint NOT NULL,
      sgst_paise bigint NOT NULL,
      igst_paise bigint NOT NULL,
      grand_total_paise bigint NOT NULL,
      rate_summary jsonb NOT NULL,
      original_invoice_number text,
      original_invoice_date timestamptz,
      cancelled_by_credit_note text,
      superseded_by_revision integer,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (seller_id, document_type, financial_year, document_number, revision)
    )`,
    `CREATE INDEX ON ${table('invoice_register')} (seller_id, document_date)`,
    `CREATE INDEX ON ${table('invoice_register')} (order_id)`,
  ],
};

const fulfilmentSla: Migration = {
  version: 4,
  name: 'fulfilment SLA facts',
  statements: ({ table }) => [
    `CREATE TABLE ${table('fulfilment_sla')} (
      order_id text PRIMARY KEY,
      seller_id text NOT NULL,
      payment_method text NOT NULL,
      delivery_state_code text NOT NULL,
      received_at timestamptz NOT NULL,
      invoiced_at timestamptz,
      packed_at timestamptz,
      ready_at timestamptz,
      picked_up_at timestamptz,
      delivered_at timestamptz,
      cancelled_at timestamptz,
      rto_initiated_at timestamptz,
      current_shipment_id text,
      shipping_mode text,
      partner_id text,
      partner_name text,
      courier_name text,
      shipment_count integer NOT NULL,
      last_revision bigint NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE INDEX ON ${table('fulfilment_sla')} (seller_id, received_at)`,
  ],
};

const sellerDashboard: Migration = {
  version: 5,
  name: 'seller dashboard',
  statements: ({ table }) => [
    `CREATE TABLE ${table('dashboard_orders')} (
      order_id text PRIMARY KEY,
      seller_id text NOT NULL,
      status text NOT NULL,
      received_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_revision bigint NOT NULL,
      state jsonb NOT NULL
    )`,
    // Overdue counts: open orders of one seller older than a threshold.
    `CREATE INDEX ON ${table('dashboard_orders')} (seller_id, status, received_at)`,
    `CREATE TABLE ${table('dashboard_counters')} (
      seller_id text NOT NULL,
      status text NOT NULL,
      orders integer NOT NULL,
      PRIMARY KEY (seller_id, status)
    )`,
  ],
};

/** Statuses in which the parcel has not left the seller yet: what "overdue" counts. */
export const OPEN_ORDER_STATUSES = ['received', 'invoiced', 'packed', 'ready_for_pickup'] as const;

const openStatuses = OPEN_ORDER_STATUSES.map((s) => `'${s}'`).join(', ');

const analyticsViewsV1: Migration = {
  version: 6,
  name: 'analytics contract v1',
  statements: ({ table, view }) => [
    `CREATE VIEW ${view('orders_v1')} AS
      SELECT seller_id, order_id, status, shipping_mode, payment_method, sales_channel,
             order_total_paise, invoice_taxable_paise, invoice_tax_paise, invoice_total_paise,
             delivery_state_code, delivery_pincode, invoice_number, invoice_revision, invoice_date,
             credit_note_count, current_shipment_id, current_shipment_status, shipment_count, item_count,
             received_at, updated_at
        FROM ${table('orders')}`,
    `CREATE VIEW ${view('shipments_v1')} AS
      SELECT seller_id, order_id, shipment_id, mode, status, reship_of, partner_id, partner_name,
             network_order_id, awb, courier_name, tracking_number, label_version, ready_attempts,
             weight_grams, cod_amount_paise, created_at, ready_at, partner_assigned_at, picked_up_at,
             out_for_delivery_at, delivered_at, cancelled_at, rto_initiated_at, updated_at
        FROM ${table('shipments')}`,
    `CREATE VIEW ${view('invoice_register_v1')} AS
      SELECT seller_id, document_type, document_number, financial_year, document_date, revision, order_id,
             status, reason, supplier_gstin, supplier_state_code, buyer_gstin, place_of_supply_state_code,
             intra_state, taxable_paise, cgst_paise, sgst_paise, igst_paise,
             cgst_paise + sgst_paise + igst_paise AS tax_paise, grand_total_paise, rate_summary,
             original_invoice_number, original_invoice_date, cancelled_by_credit_note, superseded_by_revision
        FROM ${table('invoice_register')}`,
    `CREATE VIEW ${view('fulfilment_sla_v1')} AS
      SELECT seller_id, order_id, shipping_mode, partner_id, partner_name, courier_name, payment_method,
             delivery_state_code, shipment_count, received_at, invoiced_at, packed_at, ready_at, picked_up_at,
             delivered_at, cancelled_at, rto_initiated_at,
             EXTRACT(EPOCH FROM invoiced_at - received_at)::bigint AS received_to_invoiced_seconds,
             EXTRACT(EPOCH FROM ready_at - invoiced_at)::bigint AS invoiced_to_ready_seconds,
             EXTRACT(EPOCH FROM picked_up_at - ready_at)::bigint AS ready_to_picked_up_seconds,
             EXTRACT(EPOCH FROM delivered_at - picked_up_at)::bigint AS picked_up_to_delivered_seconds,
             EXTRACT(EPOCH FROM delivered_at - received_at)::bigint AS received_to_delivered_seconds
        FROM ${table('fulfilment_sla')}`,
    `CREATE VIEW ${view('seller_dashboard_v1')} AS
      SELECT c.seller_id,
             SUM(c.orders)::integer AS orders_total,
             ${['received', 'invoiced', 'packed', 'ready_for_pickup', 'shipped', 'out_for_delivery', 'delivered', 'cancelled', 'rto_initiated', 'returned']
               .map((s) => `COALESCE(SUM(c.orders) FILTER (WHERE c.status = '${s}'), 0)::integer AS ${s}`)
               .join(',\n             ')},
             COALESCE(SUM(c.orders) FILTER (WHERE c.status = 'received'), 0)::integer AS awaiting_invoice,
             COALESCE(SUM(c.orders) FILTER (WHERE c.status = 'packed'), 0)::integer AS awaiting_ready_to_ship,
             (SELECT MIN(o.received_at) FROM ${table('dashboard_orders')} o
               WHERE o.seller_id = c.seller_id AND o.status IN (${openStatuses})) AS oldest_open_received_at
        FROM ${table('dashboard_counters')} c
       GROUP BY c.seller_id`,
  ],
};

/** Order ids are the seller's own: two sellers may both have order "1001", so every order row is keyed by both. */
const ORDER_KEYED_TABLES: ReadonlyArray<[name: string, key: string]> = [
  ['orders', 'seller_id, order_id'],
  ['shipments', 'seller_id, order_id, shipment_id'],
  ['order_timeline', 'seller_id, order_id, revision'],
  ['fulfilment_sla', 'seller_id, order_id'],
  ['dashboard_orders', 'seller_id, order_id'],
];

const sellerScopedOrderKeys: Migration = {
  version: 7,
  name: 'order rows keyed by seller and order id',
  statements: ({ table }) => [
    ...ORDER_KEYED_TABLES.map(
      ([name, key]) =>
        // A rebuilt table carries its copy's constraint name, so the primary key is found, not assumed.
        `DO $$ DECLARE pk text; BEGIN
           SELECT conname INTO pk FROM pg_constraint WHERE conrelid = '${table(name)}'::regclass AND contype = 'p';
           EXECUTE format('ALTER TABLE ${table(name).replace(/'/g, "''")} DROP CONSTRAINT %I, ADD PRIMARY KEY (${key})', pk);
         END $$`,
    ),
    `CREATE INDEX ON ${table('invoice_register')} (seller_id, order_id)`,
  ],
};

/**
 * UTGST (intra-UT supplies in union territories without a legislature) gets its own column; rows
 * from before it hold 0, as their events did. The view keeps its columns and appends the new one,
 * and its tax_paise now counts UTGST too.
 */
const utgst: Migration = {
  version: 8,
  name: 'UTGST in the invoice register',
  statements: ({ table, view }) => [
    `ALTER TABLE ${table('invoice_register')} ADD COLUMN utgst_paise bigint NOT NULL DEFAULT 0`,
    `CREATE OR REPLACE VIEW ${view('invoice_register_v1')} AS
      SELECT seller_id, document_type, document_number, financial_year, document_date, revision, order_id,
             status, reason, supplier_gstin, supplier_state_code, buyer_gstin, place_of_supply_state_code,
             intra_state, taxable_paise, cgst_paise, sgst_paise, igst_paise,
             cgst_paise + sgst_paise + utgst_paise + igst_paise AS tax_paise, grand_total_paise, rate_summary,
             original_invoice_number, original_invoice_date, cancelled_by_credit_note, superseded_by_revision,
             utgst_paise
        FROM ${table('invoice_register')}`,
  ],
};

/** Who runs each single-owner worker now; see `LeaseKeeper`. */
const leases: Migration = {
  version: 9,
  name: 'leases for single-owner workers',
  statements: ({ table }) => [
    `CREATE TABLE ${table('leases')} (
      name text PRIMARY KEY,
      holder text NOT NULL,
      epoch bigint NOT NULL,
      acquired_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`,
  ],
};

/**
 * GSTR-1's HSN summary (Table 12) needs each document's quantities and values per HSN/SAC code,
 * which the register did not keep. Its rows are cleared with its checkpoint, so the projection
 * fills them again from the store (it reads only the three invoice event types) and no row is left
 * without a summary. The view gains the column at its end.
 */
const hsnSummary: Migration = {
  version: 10,
  name: 'HSN summary in the invoice register',
  statements: ({ table, view }) => [
    `ALTER TABLE ${table('invoice_register')} ADD COLUMN hsn_summary jsonb NOT NULL DEFAULT '[]'::jsonb`,
    `DELETE FROM ${table('invoice_register')}`,
    `DELETE FROM ${table('projection_checkpoints')} WHERE name = 'invoice_register'`,
    `CREATE OR REPLACE VIEW ${view('invoice_register_v1')} AS
      SELECT seller_id, document_type, document_number, financial_year, document_date, revision, order_id,
             status, reason, supplier_gstin, supplier_state_code, buyer_gstin, place_of_supply_state_code,
             intra_state, taxable_paise, cgst_paise, sgst_paise, igst_paise,
             cgst_paise + sgst_paise + utgst_paise + igst_paise AS tax_paise, grand_total_paise, rate_summary,
             original_invoice_number, original_invoice_date, cancelled_by_credit_note, superseded_by_revision,
             utgst_paise, hsn_summary
        FROM ${table('invoice_register')}`,
  ],
};

/**
 * The WhatsApp messages sent and received about each order, for the order's story. The outbox is
 * keyed by message; this table finds them by seller and order. `entry` is the sender's fold of a
 * sent message (null for a received one), `last_position` what was applied to the row last.
 */
const whatsappMessages: Migration = {
  version: 11,
  name: 'WhatsApp messages by order',
  statements: ({ table }) => [
    `CREATE TABLE ${table('whatsapp_messages')} (
      message_key text PRIMARY KEY,
      seller_id text NOT NULL,
      order_id text NOT NULL,
      direction text NOT NULL,
      number text NOT NULL,
      purpose text NOT NULL,
      text text NOT NULL,
      phase text NOT NULL,
      at timestamptz NOT NULL,
      first_position numeric(40, 0) NOT NULL,
      last_position numeric(40, 0) NOT NULL,
      entry jsonb
    )`,
    `CREATE INDEX ON ${table('whatsapp_messages')} (seller_id, order_id, first_position)`,
  ],
};

/** Issues raised about shipments (IGM 2.0), listed by seller and order; `issue` is the issue folded from its stream. */
const shipmentIssues: Migration = {
  version: 12,
  name: 'shipment issues by order',
  statements: ({ table }) => [
    `CREATE TABLE ${table('shipment_issues')} (
      seller_id text NOT NULL,
      issue_id text NOT NULL,
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      kind text NOT NULL,
      status text NOT NULL,
      level text NOT NULL,
      partner_id text NOT NULL,
      raised_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_revision bigint NOT NULL,
      issue jsonb NOT NULL,
      PRIMARY KEY (seller_id, issue_id)
    )`,
    `CREATE INDEX ON ${table('shipment_issues')} (seller_id, order_id, raised_at)`,
  ],
};

export const MIGRATIONS: readonly Migration[] = [
  checkpoints,
  orders,
  invoiceRegister,
  fulfilmentSla,
  sellerDashboard,
  analyticsViewsV1,
  sellerScopedOrderKeys,
  utgst,
  leases,
  hsnSummary,
  whatsappMessages,
  shipmentIssues,
];
