import type { TaxComputation } from './tax-computation';

/**
 * One HSN (goods) or SAC (services) code at one rate on one document, as GSTR-1 Table 12 sums
 * them: quantity in the code's unit, value and tax.
 */
export interface HsnSummaryLine {
  hsnCode: string;
  description: string;
  /** Unit Quantity Code of the GST portal, e.g. "NOS-NUMBERS"; "NA" for services. */
  uqc: string;
  quantity: number;
  taxRatePercent: number;
  taxablePaise: number;
  igstPaise: number;
  cgstPaise: number;
  /** SGST or UTGST: the portal's "State/UT Tax" column. */
  stateUtTaxPaise: number;
  /** Taxable value plus tax: the portal's "Total Value". */
  totalPaise: number;
}

/**
 * The Unit Quantity Codes the GST portal accepts (GSTR-1 Table 12 and the e-invoice schema's
 * master list). A line's unit is matched by code or by the name after the dash, ignoring case;
 * anything else is reported as "OTH-OTHERS", which the portal accepts for every HSN.
 */
const UQC_CODES: readonly string[] = [
  'BAG-BAGS', 'BAL-BALE', 'BDL-BUNDLES', 'BKL-BUCKLES', 'BOU-BILLION OF UNITS', 'BOX-BOX', 'BTL-BOTTLES', 'BUN-BUNCHES',
  'CAN-CANS', 'CBM-CUBIC METERS', 'CCM-CUBIC CENTIMETERS', 'CMS-CENTIMETERS', 'CTN-CARTONS', 'DOZ-DOZENS', 'DRM-DRUMS',
  'GGK-GREAT GROSS', 'GMS-GRAMMES', 'GRS-GROSS', 'GYD-GROSS YARDS', 'KGS-KILOGRAMS', 'KLR-KILOLITRE', 'KME-KILOMETRE',
  'LTR-LITRES', 'MLT-MILILITRE', 'MTR-METERS', 'MTS-METRIC TON', 'NOS-NUMBERS', 'OTH-OTHERS', 'PAC-PACKS', 'PCS-PIECES',
  'PRS-PAIRS', 'QTL-QUINTAL', 'ROL-ROLLS', 'SET-SETS', 'SQF-SQUARE FEET', 'SQM-SQUARE METERS', 'SQY-SQUARE YARDS',
  'TBS-TABLETS', 'TGM-TEN GROSS', 'THD-THOUSANDS', 'TON-TONNES', 'TUB-TUBES', 'UGS-US GALLONS', 'UNT-UNITS', 'YDS-YARDS',
];

const UQC_BY_UNIT: ReadonlyMap<string, string> = new Map(
  UQC_CODES.flatMap((uqc) => {
    const [code, name] = uqc.split('-') as [string, string];
    return [[code, uqc], [name, uqc]];
  }),
);

export function uqcOf(unit: string): string {
  return UQC_BY_UNIT.get(unit.trim().toUpperCase()) ?? 'OTH-OTHERS';
}

/** Services have no quantity in GSTR-1: the portal wants UQC "NA" and quantity 0 for a SAC. */
const SERVICE_UQC = 'NA';

/** A document's lines and charges summed per code, unit and rate, in a stable order. */
export function summariseByHsn(computation: TaxComputation): HsnSummaryLine[] {
  const rows = new Map<string, HsnSummaryLine>();
  const add = (key: Omit<HsnSummaryLine, 'quantity' | 'taxablePaise' | 'igstPaise' | 'cgstPaise' | 'stateUtTaxPaise' | 'totalPaise'>, quantity: number, tax: TaxComputation['lines'][number] | TaxComputation['charges'][number]) => {
    const id = `${key.hsnCode}|${key.uqc}|${key.taxRatePercent}`;
    const row = rows.get(id) ?? { ...key, quantity: 0, taxablePaise: 0, igstPaise: 0, cgstPaise: 0, stateUtTaxPaise: 0, totalPaise: 0 };
    row.quantity += quantity;
    row.taxablePaise += tax.taxablePaise;
    row.igstPaise += tax.igstPaise;
    row.cgstPaise += tax.cgstPaise;
    row.stateUtTaxPaise += tax.sgstPaise + tax.utgstPaise;
    row.totalPaise += tax.totalPaise;
    rows.set(id, row);
  };
  for (const line of computation.lines) add({ hsnCode: line.hsnCode, description: line.description, uqc: uqcOf(line.unit), taxRatePercent: line.taxRatePercent }, line.quantity, line);
  // A charge without a SAC is still a taxable supply; it is reported under its description so the seller sees what to code.
  for (const charge of computation.charges) add({ hsnCode: charge.sacCode ?? '', description: charge.description, uqc: SERVICE_UQC, taxRatePercent: charge.taxRatePercent }, 0, charge);
  return [...rows.values()].sort((a, b) => a.hsnCode.localeCompare(b.hsnCode) || a.taxRatePercent - b.taxRatePercent || a.uqc.localeCompare(b.uqc));
}
