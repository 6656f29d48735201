import { ValidationError } from '../shared/domain-error';
import type { HsnSummaryLine } from './hsn-summary';
import { gstStateName } from './indian-states';
import type { RateSummary } from './tax-computation';

/** One document of the seller's invoice register, as GSTR-1 needs it. Money is integer paise. */
export interface Gstr1Document {
  documentType: 'invoice' | 'credit_note';
  documentNumber: string;
  documentDate: string;
  buyerName: string;
  buyerGstin: string | null;
  placeOfSupplyStateCode: string;
  /** Supplier and place of supply in one state or union territory. */
  intraState: boolean;
  grandTotalPaise: number;
  /** Taxable value and tax per rate. */
  rateSummary: readonly RateSummary[];
  hsnSummary: readonly HsnSummaryLine[];
  /** A credit note's invoice: its date and value decide whether it was a large inter-state B2C (B2CL) supply. */
  originalInvoiceDate?: string | null;
  originalInvoiceValuePaise?: number | null;
}

export type Gstr1SectionName = 'b2b' | 'b2cl' | 'b2cs' | 'cdnr' | 'cdnur' | 'hsnB2b' | 'hsnB2c' | 'docs';

type ColumnKind = 'text' | 'money' | 'number';

interface Column {
  header: string;
  kind: ColumnKind;
}

export type Gstr1Cell = string | number;
export type Gstr1Row = Record<string, Gstr1Cell>;

export interface Gstr1Totals {
  /** Documents (or, for summaries, rows) counted. */
  count: number;
  valuePaise: number;
  taxablePaise: number;
  igstPaise: number;
  cgstPaise: number;
  stateUtTaxPaise: number;
  cessPaise: number;
}

export interface Gstr1Section {
  name: Gstr1SectionName;
  /** The sheet of the GST portal's offline tool, and the CSV file it is written to. */
  sheet: string;
  file: string;
  columns: readonly string[];
  /** In the offline tool's layout: rupees with two decimals, dates as dd-MMM-yyyy, place of supply as "29-Karnataka". */
  rows: Gstr1Row[];
  totals: Gstr1Totals;
}

export interface Gstr1Return {
  gstin: string;
  /** YYYY-MM, as asked. */
  period: string;
  /** MMYYYY, the portal's "fp". */
  returnPeriod: string;
  sections: Record<Gstr1SectionName, Gstr1Section>;
}

export interface Gstr1Period {
  period: string;
  returnPeriod: string;
  /** First instant of the month in India. */
  from: Date;
  /** First instant of the next month in India. */
  to: Date;
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
/** GST began on 1 July 2017; no return period lies before it. */
const FIRST_PERIOD = '2017-07';

/** A return period "YYYY-MM" as the month's bounds in Indian time; refuses a malformed, pre-GST or future month. */
export function gstr1Period(period: unknown, now: Date): Gstr1Period {
  const fault = (message: string) => new ValidationError([{ field: 'period', message }]);
  if (typeof period !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw fault('must be a month as YYYY-MM, e.g. 2026-11');
  if (period < FIRST_PERIOD) throw fault(`must be ${FIRST_PERIOD} or later: GST began in July 2017`);
  const [year, month] = period.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(year, month - 1, 1) - IST_OFFSET_MS);
  const to = new Date(Date.UTC(year, month, 1) - IST_OFFSET_MS);
  if (from.getTime() > now.getTime()) throw fault('is a month that has not begun');
  return { period, returnPeriod: `${period.slice(5)}${period.slice(0, 4)}`, from, to };
}

/**
 * Above this invoice value an inter-state supply to an unregistered person is reported invoice by
 * invoice (B2CL, Table 5) instead of in the state-wise sum (B2CS, Table 7): ₹2.5 lakh until
 * 31 July 2024, ₹1 lakh from 1 August 2024 (rule 59(4)(a)(ii) as amended by Notification
 * 12/2024-Central Tax).
 */
export function b2clThresholdPaise(invoiceDate: string): number {
  return invoiceDate < '2024-07-31T18:30:00.000Z' ? 250_000_00 : 100_000_00;
}

const text = (header: string): Column => ({ header, kind: 'text' });
const money = (header: string): Column => ({ header, kind: 'money' });
const number = (header: string): Column => ({ header, kind: 'number' });

/** Column layouts of the GST portal's GSTR-1 offline tool templates, sheet by sheet. */
const LAYOUTS: Record<Gstr1SectionName, { sheet: string; file: string; columns: readonly Column[] }> = {
  b2b: {
    sheet: 'b2b,sez,de',
    file: 'b2b.csv',
    columns: [
      text('GSTIN/UIN of Recipient'), text('Receiver Name'), text('Invoice Number'), text('Invoice date'), money('Invoice Value'), text('Place Of Supply'),
      text('Reverse Charge'), text('Applicable % of Tax Rate'), text('Invoice Type'), text('E-Commerce GSTIN'), number('Rate'), money('Taxable Value'), money('Cess Amount'),
    ],
  },
  b2cl: {
    sheet: 'b2cl',
    file: 'b2cl.csv',
    columns: [
      text('Invoice Number'), text('Invoice date'), money('Invoice Value'), text('Place Of Supply'), text('Applicable % of Tax Rate'), number('Rate'), money('Taxable Value'),
      money('Cess Amount'), text('E-Commerce GSTIN'),
    ],
  },
  b2cs: {
    sheet: 'b2cs',
    file: 'b2cs.csv',
    columns: [text('Type'), text('Place Of Supply'), text('Applicable % of Tax Rate'), number('Rate'), money('Taxable Value'), money('Cess Amount'), text('E-Commerce GSTIN')],
  },
  cdnr: {
    sheet: 'cdnr',
    file: 'cdnr.csv',
    columns: [
      text('GSTIN/UIN of Recipient'), text('Receiver Name'), text('Note Number'), text('Note Date'), text('Note Type'), text('Place Of Supply'), text('Reverse Charge'),
      text('Note Supply Type'), money('Note Value'), text('Applicable % of Tax Rate'), number('Rate'), money('Taxable Value'), money('Cess Amount'),
    ],
  },
  cdnur: {
    sheet: 'cdnur',
    file: 'cdnur.csv',
    columns: [
      text('UR Type'), text('Note Number'), text('Note Date'), text('Note Type'), text('Place Of Supply'), money('Note Value'), text('Applicable % of Tax Rate'), number('Rate'),
      money('Taxable Value'), money('Cess Amount'),
    ],
  },
  hsnB2b: { sheet: 'hsn(b2b)', file: 'hsn(b2b).csv', columns: hsnColumns() },
  hsnB2c: { sheet: 'hsn(b2c)', file: 'hsn(b2c).csv', columns: hsnColumns() },
  docs: {
    sheet: 'docs',
    file: 'docs.csv',
    columns: [text('Nature of Document'), text('Sr. No. From'), text('Sr. No. To'), number('Total Number'), number('Cancelled')],
  },
};

function hsnColumns(): Column[] {
  return [
    text('HSN'), text('Description'), text('UQC'), number('Total Quantity'), money('Total Value'), number('Rate'), money('Taxable Value'), money('Integrated Tax Amount'),
    money('Central Tax Amount'), money('State/UT Tax Amount'), money('Cess Amount'),
  ];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** dd-MMM-yyyy of the date in India, as the offline tool reads dates. */
function portalDate(iso: string): string {
  const inIndia = new Date(Date.parse(iso) + IST_OFFSET_MS);
  return `${String(inIndia.getUTCDate()).padStart(2, '0')}-${MONTHS[inIndia.getUTCMonth()]}-${inIndia.getUTCFullYear()}`;
}

const placeOfSupply = (code: string): string => `${code}-${gstStateName(code)}`;
const rupees = (paise: number): number => paise / 100;

type Kind = 'b2b' | 'b2cl' | 'b2cs';

function invoiceKind(doc: { buyerGstin: string | null; intraState: boolean; valuePaise: number; date: string }): Kind {
  if (doc.buyerGstin) return 'b2b';
  return !doc.intraState && doc.valuePaise > b2clThresholdPaise(doc.date) ? 'b2cl' : 'b2cs';
}

function emptyTotals(): Gstr1Totals {
  return { count: 0, valuePaise: 0, taxablePaise: 0, igstPaise: 0, cgstPaise: 0, stateUtTaxPaise: 0, cessPaise: 0 };
}

/** Adds a document's rates to totals; sign -1 takes a credit note off. */
function addRates(totals: Gstr1Totals, rates: readonly RateSummary[], sign: 1 | -1): void {
  for (const rate of rates) {
    totals.taxablePaise += sign * rate.taxablePaise;
    totals.igstPaise += sign * rate.igstPaise;
    totals.cgstPaise += sign * rate.cgstPaise;
    totals.stateUtTaxPaise += sign * (rate.sgstPaise + rate.utgstPaise);
  }
}

/**
 * Builds GSTR-1 for one GSTIN and month from the documents of its invoice register dated in that
 * month (the current revision of each invoice, and each credit note).
 *
 * - B2B (Table 4): invoices to a registered buyer, one row per invoice and rate.
 * - B2CL (Table 5): inter-state invoices to an unregistered buyer above `b2clThresholdPaise`.
 * - B2CS (Table 7): every other invoice to an unregistered buyer, summed per place of supply and
 *   rate, net of the credit notes issued against such invoices (which the portal nets there
 *   rather than list in CDNUR).
 * - CDNR (Table 9B): credit notes to registered buyers; CDNUR: credit notes against B2CL invoices.
 * - HSN (Table 12), split into B2B and B2C as the portal asks since Phase III: per code, unit and
 *   rate, net of the credit notes of the month.
 * - Documents issued (Table 13): per series (the number without its running digits), first and
 *   last number and count. A credit note reverses an invoice; it does not cancel its number, so
 *   "Cancelled" counts the numbers withdrawn without a credit note: none in this engine.
 */
export function buildGstr1Return(input: { gstin: string; period: Gstr1Period; documents: readonly Gstr1Document[] }): Gstr1Return {
  const section = (name: Gstr1SectionName): Gstr1Section => ({ name, sheet: LAYOUTS[name].sheet, file: LAYOUTS[name].file, columns: LAYOUTS[name].columns.map((c) => c.header), rows: [], totals: emptyTotals() });
  const sections: Record<Gstr1SectionName, Gstr1Section> = {
    b2b: section('b2b'), b2cl: section('b2cl'), b2cs: section('b2cs'), cdnr: section('cdnr'), cdnur: section('cdnur'), hsnB2b: section('hsnB2b'), hsnB2c: section('hsnB2c'), docs: section('docs'),
  };
  const b2cs = new Map<string, { pos: string; rate: number; taxablePaise: number }>();
  const hsn = { hsnB2b: new Map<string, HsnSummaryLine>(), hsnB2c: new Map<string, HsnSummaryLine>() };
  const series = new Map<string, string[]>();

  const documents = [...input.documents].sort((a, b) => a.documentDate.localeCompare(b.documentDate) || a.documentNumber.localeCompare(b.documentNumber));
  for (const doc of documents) {
    const isCreditNote = doc.documentType === 'credit_note';
    const nature = isCreditNote ? 'Credit Note' : 'Invoices for outward supply';
    const seriesKey = `${nature}|${doc.documentNumber.replace(/\d+$/, '')}`;
    series.set(seriesKey, [...(series.get(seriesKey) ?? []), doc.documentNumber]);

    const kind = isCreditNote
      ? invoiceKind({ buyerGstin: doc.buyerGstin, intraState: doc.intraState, valuePaise: doc.originalInvoiceValuePaise ?? doc.grandTotalPaise, date: doc.originalInvoiceDate ?? doc.documentDate })
      : invoiceKind({ buyerGstin: doc.buyerGstin, intraState: doc.intraState, valuePaise: doc.grandTotalPaise, date: doc.documentDate });
    const sign = isCreditNote ? -1 : 1;
    const pos = placeOfSupply(doc.placeOfSupplyStateCode);

    if (kind === 'b2cs') {
      for (const rate of doc.rateSummary) {
        const key = `${doc.placeOfSupplyStateCode}|${rate.taxRatePercent}`;
        const row = b2cs.get(key) ?? { pos, rate: rate.taxRatePercent, taxablePaise: 0 };
        row.taxablePaise += sign * rate.taxablePaise;
        b2cs.set(key, row);
      }
      const totals = sections.b2cs.totals;
      totals.count += 1;
      totals.valuePaise += sign * doc.grandTotalPaise;
      addRates(totals, doc.rateSummary, sign);
    } else {
      const target = sections[isCreditNote ? (kind === 'b2b' ? 'cdnr' : 'cdnur') : kind];
      const date = portalDate(doc.documentDate);
      const value = rupees(doc.grandTotalPaise);
      for (const rate of doc.rateSummary) {
        const common = { 'Applicable % of Tax Rate': '', Rate: rate.taxRatePercent, 'Taxable Value': rupees(rate.taxablePaise), 'Cess Amount': 0 };
        const recipient = { 'GSTIN/UIN of Recipient': doc.buyerGstin ?? '', 'Receiver Name': doc.buyerName };
        target.rows.push(
          target.name === 'b2b'
            ? { ...recipient, 'Invoice Number': doc.documentNumber, 'Invoice date': date, 'Invoice Value': value, 'Place Of Supply': pos, 'Reverse Charge': 'N', 'Invoice Type': 'Regular B2B', 'E-Commerce GSTIN': '', ...common }
            : target.name === 'b2cl'
              ? { 'Invoice Number': doc.documentNumber, 'Invoice date': date, 'Invoice Value': value, 'Place Of Supply': pos, ...common, 'E-Commerce GSTIN': '' }
              : target.name === 'cdnr'
                ? { ...recipient, 'Note Number': doc.documentNumber, 'Note Date': date, 'Note Type': 'C', 'Place Of Supply': pos, 'Reverse Charge': 'N', 'Note Supply Type': 'Regular B2B', 'Note Value': value, ...common }
                : { 'UR Type': 'B2CL', 'Note Number': doc.documentNumber, 'Note Date': date, 'Note Type': 'C', 'Place Of Supply': pos, 'Note Value': value, ...common },
        );
      }
      target.totals.count += 1;
      target.totals.valuePaise += doc.grandTotalPaise;
      addRates(target.totals, doc.rateSummary, 1);
    }

    const hsnTable = hsn[kind === 'b2b' ? 'hsnB2b' : 'hsnB2c'];
    for (const line of doc.hsnSummary) {
      const key = `${line.hsnCode}|${line.uqc}|${line.taxRatePercent}`;
      const row = hsnTable.get(key) ?? { ...line, quantity: 0, taxablePaise: 0, igstPaise: 0, cgstPaise: 0, stateUtTaxPaise: 0, totalPaise: 0 };
      row.quantity += sign * line.quantity;
      row.taxablePaise += sign * line.taxablePaise;
      row.igstPaise += sign * line.igstPaise;
      row.cgstPaise += sign * line.cgstPaise;
      row.stateUtTaxPaise += sign * line.stateUtTaxPaise;
      row.totalPaise += sign * line.totalPaise;
      hsnTable.set(key, row);
    }
  }

  for (const row of [...b2cs.values()].sort((a, b) => a.pos.localeCompare(b.pos) || a.rate - b.rate)) {
    sections.b2cs.rows.push({ Type: 'OE', 'Place Of Supply': row.pos, 'Applicable % of Tax Rate': '', Rate: row.rate, 'Taxable Value': rupees(row.taxablePaise), 'Cess Amount': 0, 'E-Commerce GSTIN': '' });
  }
  for (const name of ['hsnB2b', 'hsnB2c'] as const) {
    const summary = sections[name];
    for (const line of [...hsn[name].values()].sort((a, b) => a.hsnCode.localeCompare(b.hsnCode) || a.taxRatePercent - b.taxRatePercent)) {
      summary.rows.push({
        HSN: line.hsnCode, Description: line.description, UQC: line.uqc, 'Total Quantity': line.quantity, 'Total Value': rupees(line.totalPaise), Rate: line.taxRatePercent,
        'Taxable Value': rupees(line.taxablePaise), 'Integrated Tax Amount': rupees(line.igstPaise), 'Central Tax Amount': rupees(line.cgstPaise),
        'State/UT Tax Amount': rupees(line.stateUtTaxPaise), 'Cess Amount': 0,
      });
      const totals = summary.totals;
      totals.count += 1;
      totals.valuePaise += line.totalPaise;
      totals.taxablePaise += line.taxablePaise;
      totals.igstPaise += line.igstPaise;
      totals.cgstPaise += line.cgstPaise;
      totals.stateUtTaxPaise += line.stateUtTaxPaise;
    }
  }
  for (const [key, numbers] of [...series.entries()].sort(([a], [b]) => b.localeCompare(a))) {
    const nature = key.slice(0, key.indexOf('|'));
    const unique = [...new Set(numbers)].sort(bySequence);
    sections.docs.rows.push({ 'Nature of Document': nature, 'Sr. No. From': unique[0]!, 'Sr. No. To': unique[unique.length - 1]!, 'Total Number': unique.length, Cancelled: 0 });
    sections.docs.totals.count += unique.length;
  }
  return { gstin: input.gstin, period: input.period.period, returnPeriod: input.period.returnPeriod, sections };
}

/** Orders numbers of one series by their running digits, so INV/9 comes before INV/10. */
function bySequence(a: string, b: string): number {
  const digits = (n: string) => BigInt(/(\d+)$/.exec(n)?.[1] ?? '0');
  const [x, y] = [digits(a), digits(b)];
  return x < y ? -1 : x > y ? 1 : a.localeCompare(b);
}

/** A cell as the offline tool imports it; text that a spreadsheet would run as a formula is prefixed with a quote. */
function csvCell(value: Gstr1Cell | undefined, kind: ColumnKind): string {
  if (value === undefined || value === '') return '';
  if (kind === 'money' && typeof value === 'number') return value.toFixed(2);
  const textValue = String(value);
  const safe = kind === 'text' && /^[=+\-@\t\r]/.test(textValue) ? `'${textValue}` : textValue;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One section as the CSV file the offline tool imports: its header row, then its rows. */
export function gstr1SectionCsv(section: Gstr1Section): string {
  const columns = LAYOUTS[section.name].columns;
  const lines = [columns.map((c) => csvCell(c.header, 'text')).join(',')];
  for (const row of section.rows) lines.push(columns.map((c) => csvCell(row[c.header], c.kind)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
