import type { FieldIssue } from '../shared/domain-error';
import { GstInputError } from './gst-input-error';
import { isGstStateCode, leviesUtgst } from './indian-states';

/**
 * Every GST rate the law has levied, in percent and in basis points (hundredths of a percent), so
 * that an invoice of any date can be computed again. Which of them may be charged on a given date
 * is gst-rates-in-force.ts's concern. Tax is computed from the basis points so that fractional
 * rates (0.1, 0.25, 1.5) stay integer maths.
 */
const RATE_BASIS_POINTS: ReadonlyMap<number, number> = new Map([
  [0, 0],
  [0.1, 10],
  [0.25, 25],
  [1.5, 150],
  [3, 300],
  [5, 500],
  [6, 600],
  [12, 1200],
  [18, 1800],
  [28, 2800],
  [40, 4000],
]);

export const GST_RATE_PERCENTS: readonly number[] = [...RATE_BASIS_POINTS.keys()];

/** One invoice line. All money is integer paise. */
export interface TaxableLine {
  description: string;
  hsnCode: string;
  /** Whole units. */
  quantity: number;
  unit: string;
  /** Price of one unit before tax. */
  unitPricePaise: number;
  /** Discount for the whole line, taken off before tax. */
  discountPaise: number;
  taxRatePercent: number;
}

/** Shipping, packing, COD handling, ...: taxed like a line, on its whole amount. */
export interface TaxableCharge {
  description: string;
  sacCode?: string;
  /** Amount before tax. */
  amountPaise: number;
  taxRatePercent: number;
}

export interface TaxableSupply {
  supplierStateCode: string;
  /** For goods delivered to a buyer, the delivery state. */
  placeOfSupplyStateCode: string;
  lines: TaxableLine[];
  charges: TaxableCharge[];
}

/**
 * Tax of one line or charge. Intra-state it is CGST + SGST, intra-UT (a union territory without a
 * legislature) CGST + UTGST, otherwise IGST; the others are 0.
 */
export interface LineTax {
  grossPaise: number;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  utgstPaise: number;
  igstPaise: number;
  /** Taxable value plus tax. */
  totalPaise: number;
}

export type StateTax = 'SGST' | 'UTGST';

export type ComputedLine = TaxableLine & LineTax;
export type ComputedCharge = TaxableCharge & LineTax;

export interface RateSummary {
  taxRatePercent: number;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  utgstPaise: number;
  igstPaise: number;
  taxPaise: number;
}

export interface TaxTotals {
  grossPaise: number;
  discountPaise: number;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  utgstPaise: number;
  igstPaise: number;
  taxPaise: number;
  grandTotalPaise: number;
}

export interface TaxComputation {
  /** Supplier and place of supply in the same state or union territory: CGST + SGST (or UTGST); otherwise IGST. */
  intraState: boolean;
  /** The state tax half of an intra-state supply: UTGST in a union territory without a legislature, else SGST. */
  stateTax: StateTax;
  lines: ComputedLine[];
  charges: ComputedCharge[];
  /** One row per rate used, lowest rate first. */
  rateSummary: RateSummary[];
  totals: TaxTotals;
}

/**
 * Computes a GST tax invoice line by line.
 *
 * Rounding rule: each line's tax is rounded on its own, never the invoice total. The tax of a
 * line is taxable value x rate, rounded half up to the paisa. An intra-state line splits that
 * same amount into CGST and SGST, the odd paisa (if any) going to CGST; so CGST + SGST always
 * equals the IGST the line would bear inter-state, and totals are plain sums of the lines. In a
 * union territory without a legislature the SGST half is UTGST, computed the same way.
 *
 * Throws GstInputError naming every offending field.
 */
export function computeTaxInvoice(supply: TaxableSupply): TaxComputation {
  assertValidSupply(supply);
  const intraState = supply.supplierStateCode === supply.placeOfSupplyStateCode;
  const stateTax: StateTax = intraState && leviesUtgst(supply.placeOfSupplyStateCode) ? 'UTGST' : 'SGST';
  const split = { intraState, stateTax };
  const lines = supply.lines.map((line) => ({
    ...line,
    ...lineTax(line.quantity * line.unitPricePaise, line.discountPaise, line.taxRatePercent, split),
  }));
  const charges = supply.charges.map((charge) => ({
    ...charge,
    ...lineTax(charge.amountPaise, 0, charge.taxRatePercent, split),
  }));
  const all = [...lines, ...charges];
  return { intraState, stateTax, lines, charges, rateSummary: summariseByRate(all), totals: sumTotals(all) };
}

function lineTax(grossPaise: number, discountPaise: number, taxRatePercent: number, split: { intraState: boolean; stateTax: StateTax }): LineTax {
  const taxablePaise = grossPaise - discountPaise;
  const taxPaise = percentOfPaise(taxablePaise, basisPoints(taxRatePercent));
  const stateHalf = split.intraState ? Math.floor(taxPaise / 2) : 0;
  const cgstPaise = split.intraState ? taxPaise - stateHalf : 0;
  const sgstPaise = split.stateTax === 'SGST' ? stateHalf : 0;
  const utgstPaise = split.stateTax === 'UTGST' ? stateHalf : 0;
  const igstPaise = split.intraState ? 0 : taxPaise;
  return { grossPaise, taxablePaise, cgstPaise, sgstPaise, utgstPaise, igstPaise, totalPaise: taxablePaise + taxPaise };
}

/** amount x basisPoints / 10000, half up; BigInt because amount x 2800 can pass 2^53. */
function percentOfPaise(amountPaise: number, basisPointsOfRate: number): number {
  return Number((BigInt(amountPaise) * BigInt(basisPointsOfRate) + 5_000n) / 10_000n);
}

function basisPoints(taxRatePercent: number): number {
  const points = RATE_BASIS_POINTS.get(taxRatePercent);
  // Unreachable after assertValidSupply; kept so a future caller cannot tax at a silent 0%.
  if (points === undefined) throw new GstInputError([{ field: 'taxRatePercent', message: `${taxRatePercent} is not a GST rate` }]);
  return points;
}

function summariseByRate(items: ReadonlyArray<LineTax & { taxRatePercent: number }>): RateSummary[] {
  const byRate = new Map<number, RateSummary>();
  for (const item of items) {
    const row = byRate.get(item.taxRatePercent) ?? emptyRateSummary(item.taxRatePercent);
    row.taxablePaise += item.taxablePaise;
    row.cgstPaise += item.cgstPaise;
    row.sgstPaise += item.sgstPaise;
    row.utgstPaise += item.utgstPaise;
    row.igstPaise += item.igstPaise;
    row.taxPaise += item.cgstPaise + item.sgstPaise + item.utgstPaise + item.igstPaise;
    byRate.set(item.taxRatePercent, row);
  }
  return [...byRate.values()].sort((a, b) => a.taxRatePercent - b.taxRatePercent);
}

function emptyRateSummary(taxRatePercent: number): RateSummary {
  return { taxRatePercent, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: 0, taxPaise: 0 };
}

function sumTotals(items: readonly LineTax[]): TaxTotals {
  const totals: TaxTotals = {
    grossPaise: 0, discountPaise: 0, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: 0, taxPaise: 0, grandTotalPaise: 0,
  };
  for (const item of items) {
    totals.grossPaise += item.grossPaise;
    totals.discountPaise += item.grossPaise - item.taxablePaise;
    totals.taxablePaise += item.taxablePaise;
    totals.cgstPaise += item.cgstPaise;
    totals.sgstPaise += item.sgstPaise;
    totals.utgstPaise += item.utgstPaise;
    totals.igstPaise += item.igstPaise;
    totals.taxPaise += item.cgstPaise + item.sgstPaise + item.utgstPaise + item.igstPaise;
    totals.grandTotalPaise += item.totalPaise;
  }
  return totals;
}

const PAISE_MESSAGE = 'must be a whole, non-negative number of paise';
const RATE_MESSAGE = `must be one of ${GST_RATE_PERCENTS.join(', ')}`;

function assertValidSupply(supply: TaxableSupply): void {
  const issues: FieldIssue[] = [];
  if (!isGstStateCode(supply.supplierStateCode)) issues.push({ field: 'supplierStateCode', message: 'must be a GST state code' });
  if (!isGstStateCode(supply.placeOfSupplyStateCode)) issues.push({ field: 'placeOfSupplyStateCode', message: 'must be a GST state code' });
  if (!Array.isArray(supply.lines) || supply.lines.length === 0) issues.push({ field: 'lines', message: 'must have at least one line' });
  if (!Array.isArray(supply.charges)) issues.push({ field: 'charges', message: 'must be a list, possibly empty' });
  listOrEmpty(supply.lines).forEach((line, i) => issues.push(...lineIssues(line, `lines.${i}`)));
  listOrEmpty(supply.charges).forEach((charge, i) => issues.push(...chargeIssues(charge, `charges.${i}`)));
  if (issues.length > 0) throw new GstInputError(issues);
}

function lineIssues(line: TaxableLine, at: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isNonNegativeInteger(line.quantity) || line.quantity === 0) issues.push({ field: `${at}.quantity`, message: 'must be a whole number above 0' });
  if (!isNonNegativeInteger(line.unitPricePaise)) issues.push({ field: `${at}.unitPricePaise`, message: PAISE_MESSAGE });
  if (!isNonNegativeInteger(line.discountPaise)) issues.push({ field: `${at}.discountPaise`, message: PAISE_MESSAGE });
  if (!RATE_BASIS_POINTS.has(line.taxRatePercent)) issues.push({ field: `${at}.taxRatePercent`, message: RATE_MESSAGE });
  if (issues.length > 0) return issues;
  const grossPaise = line.quantity * line.unitPricePaise;
  if (!Number.isSafeInteger(grossPaise)) issues.push({ field: at, message: 'quantity x unit price is too large' });
  else if (line.discountPaise > grossPaise) issues.push({ field: `${at}.discountPaise`, message: 'must not exceed quantity x unit price' });
  return issues;
}

function chargeIssues(charge: TaxableCharge, at: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isNonNegativeInteger(charge.amountPaise)) issues.push({ field: `${at}.amountPaise`, message: PAISE_MESSAGE });
  if (!RATE_BASIS_POINTS.has(charge.taxRatePercent)) issues.push({ field: `${at}.taxRatePercent`, message: RATE_MESSAGE });
  return issues;
}

/** Input may come straight from JSON; a missing list is reported above, not crashed on here. */
function listOrEmpty<T>(list: T[] | undefined): T[] {
  return Array.isArray(list) ? list : [];
}

function isNonNegativeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
