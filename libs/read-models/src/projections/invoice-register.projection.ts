import { computeTaxInvoice, summariseByHsn, type InvoiceSnapshot, type OrderEventOf } from '@fulfil/domain';
import type { JsonObject, RecordedEvent } from '@fulfil/event-store';
import type { SqlExecutor } from '../database/sql-database';
import type { ProjectionTx, SqlProjection } from '../runner/subscriber';
import { upsertRows, type ColumnSpec, type Row } from './bulk-write';
import { toOrderEvent } from './order-event-facts';

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'seller_id', type: 'text' },
  { name: 'document_type', type: 'text' },
  { name: 'financial_year', type: 'text' },
  { name: 'document_number', type: 'text' },
  { name: 'revision', type: 'integer' },
  { name: 'order_id', type: 'text' },
  { name: 'document_date', type: 'timestamptz' },
  { name: 'status', type: 'text' },
  { name: 'reason', type: 'text' },
  { name: 'number_source', type: 'text' },
  { name: 'auto_generated', type: 'boolean' },
  { name: 'supplier_gstin', type: 'text' },
  { name: 'supplier_state_code', type: 'text' },
  { name: 'buyer_name', type: 'text' },
  { name: 'buyer_gstin', type: 'text' },
  { name: 'place_of_supply_state_code', type: 'text' },
  { name: 'intra_state', type: 'boolean' },
  { name: 'taxable_paise', type: 'bigint' },
  { name: 'cgst_paise', type: 'bigint' },
  { name: 'sgst_paise', type: 'bigint' },
  { name: 'igst_paise', type: 'bigint' },
  { name: 'grand_total_paise', type: 'bigint' },
  { name: 'rate_summary', type: 'jsonb' },
  { name: 'original_invoice_number', type: 'text' },
  { name: 'original_invoice_date', type: 'timestamptz' },
  { name: 'cancelled_by_credit_note', type: 'text' },
  { name: 'superseded_by_revision', type: 'integer' },
  { name: 'recorded_at', type: 'timestamptz' },
  { name: 'utgst_paise', type: 'bigint' },
  { name: 'hsn_summary', type: 'jsonb' },
];

const KEY = ['seller_id', 'document_type', 'financial_year', 'document_number', 'revision'];

const INVOICE_EVENTS = ['InvoiceGenerated', 'InvoiceRegenerated', 'CreditNoteIssued'];

/** Taxable value and tax per GST rate, and per HSN/SAC code, as GSTR-1 reports them, computed with the domain's own GST maths. */
function summariesOf(snapshot: Pick<InvoiceSnapshot, 'placeOfSupplyStateCode' | 'items' | 'charges'> & { supplier: { stateCode: string } }): { rate_summary: JsonObject[]; hsn_summary: JsonObject[] } {
  const computed = computeTaxInvoice({
    supplierStateCode: snapshot.supplier.stateCode,
    placeOfSupplyStateCode: snapshot.placeOfSupplyStateCode,
    lines: snapshot.items.map((item) => ({ ...item, description: item.name })),
    charges: snapshot.charges,
  });
  return { rate_summary: computed.rateSummary.map((rate) => ({ ...rate })), hsn_summary: summariseByHsn(computed).map((line) => ({ ...line })) };
}

type InvoiceEvent = OrderEventOf<'InvoiceGenerated'> | OrderEventOf<'InvoiceRegenerated'>;

function invoiceRow(event: InvoiceEvent, recordedAt: Date): Row {
  const d = event.data;
  const generated = event.type === 'InvoiceGenerated' ? event.data : undefined;
  return {
    seller_id: d.sellerId,
    document_type: 'invoice',
    financial_year: d.financialYear,
    document_number: d.invoiceNumber,
    revision: d.revision,
    order_id: d.orderId,
    document_date: d.invoiceDate,
    status: 'current',
    reason: event.type === 'InvoiceRegenerated' ? event.data.reason : null,
    number_source: generated?.numberSource ?? null,
    auto_generated: generated?.auto ?? null,
    supplier_gstin: d.snapshot.supplier.gstin,
    supplier_state_code: d.snapshot.supplier.stateCode,
    buyer_name: d.snapshot.buyer.name,
    buyer_gstin: d.snapshot.buyer.gstin ?? null,
    place_of_supply_state_code: d.snapshot.placeOfSupplyStateCode,
    intra_state: d.totals.intraState,
    taxable_paise: d.totals.taxablePaise,
    cgst_paise: d.totals.cgstPaise,
    sgst_paise: d.totals.sgstPaise,
    igst_paise: d.totals.igstPaise,
    grand_total_paise: d.totals.grandTotalPaise,
    ...summariesOf(d.snapshot),
    utgst_paise: d.totals.utgstPaise ?? 0,
    original_invoice_number: null,
    original_invoice_date: null,
    cancelled_by_credit_note: null,
    superseded_by_revision: null,
    recorded_at: recordedAt.toISOString(),
  };
}

const keyOf = (row: Row): string => KEY.map((column) => String(row[column])).join('|');

class InvoiceRegisterWriter {
  /** Rows to insert, in event order; written together before anything reads or updates the table, and at the end of the batch. */
  private pending: Row[] = [];

  constructor(
    private readonly sql: SqlExecutor,
    private readonly table: string,
  ) {}

  async apply(recorded: RecordedEvent): Promise<void> {
    const event = toOrderEvent(recorded);
    switch (event.type) {
      case 'InvoiceGenerated':
        return this.insert(invoiceRow(event, recorded.recordedAt));
      case 'InvoiceRegenerated':
        this.insert(invoiceRow(event, recorded.recordedAt));
        await this.flush();
        return this.supersedeEarlierRevisions(event);
      case 'CreditNoteIssued':
        await this.flush();
        this.insert(await this.creditNoteRow(event, recorded.recordedAt));
        await this.flush();
        // A return credits some lines; the invoice stands for the rest.
        return event.data.items ? undefined : this.cancelInvoice(event);
      default:
        return;
    }
  }

  private insert(row: Row): void {
    this.pending.push(row);
  }

  /**
   * Insert-if-absent, many rows in one statement: a redelivered event finds its row and changes
   * nothing. A row of another order under the same number breaks the rule that numbers are unique
   * per seller and year; it stops the projection rather than drop a document from the register.
   */
  async flush(): Promise<void> {
    const rows = [...new Map(this.pending.map((row) => [keyOf(row), row])).values()];
    this.pending = [];
    const inserted = await upsertRows(this.sql, this.table, COLUMNS, rows, { key: KEY, onConflict: 'nothing' });
    if (inserted === rows.length) return;
    const { rows: stored } = await this.sql.query<Row>(
      `SELECT t.${KEY.join(', t.')}, t.order_id FROM ${this.table} t
         JOIN jsonb_to_recordset($1::jsonb) AS k(${KEY.map((column) => `${column} ${column === 'revision' ? 'integer' : 'text'}`).join(', ')})
           USING (${KEY.join(', ')})`,
      [JSON.stringify(rows.map((row) => Object.fromEntries(KEY.map((column) => [column, row[column]]))))],
    );
    const owner = new Map(stored.map((row) => [keyOf(row), row['order_id']]));
    for (const row of rows) {
      const stored = owner.get(keyOf(row));
      if (stored !== row['order_id']) {
        throw new Error(`${String(row['document_type'])} ${String(row['document_number'])} of ${String(row['financial_year'])} is already in the register for order ${String(stored)}`);
      }
    }
  }

  /** A re-rendered invoice (same number, or a new one after a credit note) replaces the revisions still current. */
  private async supersedeEarlierRevisions(event: OrderEventOf<'InvoiceRegenerated'>): Promise<void> {
    await this.sql.query(
      `UPDATE ${this.table} SET status = 'superseded', superseded_by_revision = $3
        WHERE seller_id = $1 AND order_id = $2 AND document_type = 'invoice' AND status = 'current' AND revision < $3`,
      [event.data.sellerId, event.data.orderId, event.data.revision],
    );
  }

  /** A credit note cancels every revision of the invoice number it cites. */
  private async cancelInvoice(event: OrderEventOf<'CreditNoteIssued'>): Promise<void> {
    await this.sql.query(
      `UPDATE ${this.table} SET status = 'cancelled', cancelled_by_credit_note = $4
        WHERE seller_id = $1 AND order_id = $2 AND document_type = 'invoice' AND document_number = $3`,
      [event.data.sellerId, event.data.orderId, event.data.originalInvoiceNumber, event.data.creditNoteNumber],
    );
  }

  /** The credit note event carries amounts only; parties and place of supply are the cancelled invoice's. */
  private async creditNoteRow(event: OrderEventOf<'CreditNoteIssued'>, recordedAt: Date): Promise<Row> {
    const d = event.data;
    const { rows } = await this.sql.query<Row>(
      `SELECT supplier_gstin, supplier_state_code, buyer_name, buyer_gstin, place_of_supply_state_code, rate_summary, hsn_summary
         FROM ${this.table}
        WHERE seller_id = $1 AND order_id = $2 AND document_type = 'invoice' AND document_number = $3 AND revision = $4`,
      [d.sellerId, d.orderId, d.originalInvoiceNumber, d.originalRevision],
    );
    const original = rows[0];
    if (!original) throw new Error(`Credit note ${d.creditNoteNumber} cites invoice ${d.originalInvoiceNumber} revision ${d.originalRevision}, which the register lacks`);
    const credited = d.items
      ? summariesOf({ supplier: { stateCode: String(original['supplier_state_code']) }, placeOfSupplyStateCode: String(original['place_of_supply_state_code']), items: d.items, charges: [] })
      : {};
    return {
      ...original,
      ...credited,
      seller_id: d.sellerId,
      document_type: 'credit_note',
      financial_year: d.financialYear,
      document_number: d.creditNoteNumber,
      revision: d.originalRevision,
      order_id: d.orderId,
      document_date: d.issuedAt,
      status: 'issued',
      reason: d.reason,
      number_source: 'sequence',
      auto_generated: false,
      intra_state: d.totals.intraState,
      taxable_paise: d.totals.taxablePaise,
      cgst_paise: d.totals.cgstPaise,
      sgst_paise: d.totals.sgstPaise,
      utgst_paise: d.totals.utgstPaise ?? 0,
      igst_paise: d.totals.igstPaise,
      grand_total_paise: d.totals.grandTotalPaise,
      original_invoice_number: d.originalInvoiceNumber,
      original_invoice_date: d.originalInvoiceDate,
      cancelled_by_credit_note: null,
      superseded_by_revision: null,
      recorded_at: recordedAt.toISOString(),
    };
  }
}

/**
 * The GST invoice register: one row per invoice revision and per credit note, with parties,
 * place of supply, CGST/SGST/UTGST/IGST and a per-rate summary, for the seller's GST returns. It reads
 * only the three invoice event types, so it rebuilds in a fraction of the time of the others.
 */
export const invoiceRegisterProjection: SqlProjection = {
  kind: 'projection',
  name: 'invoice_register',
  filter: { kind: 'eventType', prefixes: INVOICE_EVENTS },
  tables: ['invoice_register'],
  async apply(tx: ProjectionTx, events) {
    const writer = new InvoiceRegisterWriter(tx.sql, tx.table('invoice_register'));
    // Events build on one another (a credit note reads the invoice row): pending inserts are written before any read or update.
    for (const event of events) await writer.apply(event);
    await writer.flush();
  },
};
