import type { Content, ContentTable, CustomTableLayout, DynamicContent, StyleDictionary, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { computeTaxInvoice, gstStateName, rupeesInWords, type ComputedCharge, type ComputedLine, type TaxableSupply, type TaxComputation } from '@fulfil/domain';
import type { BillToDetails, BuyerDetails, SupplierDetails } from './document-inputs';
import { formatPaise, formatPercent, formatRupees } from './formatting';
import { DEFAULT_FONT } from './pdf-renderer';

/** The parts a GST tax invoice and a credit note share: parties, line table, totals, signature. */

const A4_MARGINS: [number, number, number, number] = [28, 28, 28, 40];

const GST_DOCUMENT_STYLES: StyleDictionary = {
  title: { fontSize: 15, bold: true },
  marking: { fontSize: 9, bold: true, alignment: 'right' },
  blockLabel: { fontSize: 7, bold: true, color: '#444444' },
  partyName: { fontSize: 10, bold: true },
  tableHeader: { fontSize: 7, bold: true, fillColor: '#eeeeee' },
  lineCell: { fontSize: 7 },
  amount: { alignment: 'right' },
  grandTotal: { fontSize: 10, bold: true },
  small: { fontSize: 7 },
};

/** The A4 page both documents are printed on, with `footerLabel` and the page number at the foot of each page. */
export function gstA4Document(footerLabel: string, content: Content[]): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: A4_MARGINS,
    defaultStyle: { font: DEFAULT_FONT, fontSize: 8 },
    styles: GST_DOCUMENT_STYLES,
    footer: pageFooter(footerLabel),
    content,
  };
}

/** The tax of a document computed from its own lines, so that its figures cannot disagree with them. */
export function documentTax(input: Pick<TaxableSupply, 'lines' | 'charges'> & { supplier: { stateCode: string }; buyer: Pick<BuyerDetails, 'stateCode' | 'placeOfSupplyStateCode'> }): TaxComputation {
  return computeTaxInvoice({
    supplierStateCode: input.supplier.stateCode,
    placeOfSupplyStateCode: placeOfSupply(input.buyer),
    lines: input.lines,
    charges: input.charges,
  });
}

/** Thin grid with small padding, so an 11-column line table fits an A4 portrait page. */
const GRID: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineColor: '#777777',
  vLineColor: '#777777',
  paddingLeft: () => 2,
  paddingRight: () => 2,
  paddingTop: () => 2,
  paddingBottom: () => 2,
};

export type DetailRow = readonly [label: string, value: string];

export function headingRow(title: string, marking: string | undefined): Content {
  return {
    columns: [
      { text: title, style: 'title', width: '*' },
      { text: marking ?? '', style: 'marking', width: 'auto', margin: [0, 4, 0, 0] },
    ],
    margin: [0, 0, 0, 6],
  };
}

export function stateWithCode(stateCode: string): string {
  return `${gstStateName(stateCode)} (${stateCode})`;
}

const placeOfSupply = (buyer: Pick<BuyerDetails, 'stateCode' | 'placeOfSupplyStateCode'>): string => buyer.placeOfSupplyStateCode ?? buyer.stateCode;

/**
 * Supplier and document details side by side, then the buyer beside the place of supply. A buyer
 * billed elsewhere than the goods go gets a "Bill to" block and a "Ship to" block, the place of
 * supply under both.
 */
export function partiesTable(supplier: SupplierDetails, buyer: BuyerDetails, details: readonly DetailRow[]): Content {
  const placeOfSupplyRow = detailsBlock([['Place of Supply', stateWithCode(placeOfSupply(buyer))]]);
  const buyerRows: TableCell[][] = buyer.billTo
    ? [[billToBlock(buyer, buyer.billTo), shipToBlock(buyer)], [placeOfSupplyRow, '']]
    : [[buyerBlock(buyer), placeOfSupplyRow]];
  return {
    table: {
      widths: ['*', '*'],
      body: [[supplierBlock(supplier), detailsBlock(details)], ...buyerRows],
    },
    layout: GRID,
    fontSize: 8,
  };
}

function billToBlock(buyer: BuyerDetails, billTo: BillToDetails): Content {
  return {
    stack: [
      { text: 'Bill to', style: 'blockLabel' },
      { text: billTo.name, style: 'partyName' },
      ...billTo.addressLines,
      `${billTo.city} - ${billTo.pincode}`,
      `State: ${gstStateName(billTo.stateCode)}, Code: ${billTo.stateCode}`,
      ...(buyer.gstin ? [{ text: `GSTIN: ${buyer.gstin}`, bold: true }] : []),
    ],
  };
}

function shipToBlock(buyer: BuyerDetails): Content {
  return {
    stack: [
      { text: 'Ship to', style: 'blockLabel' },
      { text: buyer.name, style: 'partyName' },
      ...buyer.addressLines,
      `${buyer.city} - ${buyer.pincode}`,
      `State: ${gstStateName(buyer.stateCode)}, Code: ${buyer.stateCode}`,
      ...(buyer.phone ? [`Phone: ${buyer.phone}`] : []),
    ],
  };
}

function supplierBlock(supplier: SupplierDetails): Content {
  return {
    stack: [
      { text: 'Sold by', style: 'blockLabel' },
      { text: supplier.legalName, style: 'partyName' },
      ...supplier.addressLines,
      `State: ${gstStateName(supplier.stateCode)}, Code: ${supplier.stateCode}`,
      { text: `GSTIN: ${supplier.gstin}`, bold: true },
    ],
  };
}

function buyerBlock(buyer: BuyerDetails): Content {
  return {
    stack: [
      { text: 'Bill to / Ship to', style: 'blockLabel' },
      { text: buyer.name, style: 'partyName' },
      ...buyer.addressLines,
      `${buyer.city} - ${buyer.pincode}`,
      `State: ${gstStateName(buyer.stateCode)}, Code: ${buyer.stateCode}`,
      ...(buyer.gstin ? [{ text: `GSTIN: ${buyer.gstin}`, bold: true }] : []),
      ...(buyer.phone ? [`Phone: ${buyer.phone}`] : []),
    ],
  };
}

function detailsBlock(rows: readonly DetailRow[]): Content {
  return {
    table: { widths: ['auto', '*'], body: rows.map(([label, value]) => [{ text: label, bold: true }, value]) },
    layout: 'noBorders',
  };
}

/** The tax columns: CGST and SGST (UTGST in a union territory without a legislature) intra-state, IGST otherwise. */
function taxHeadersOf(tax: TaxComputation): string[] {
  return tax.intraState ? ['CGST', tax.stateTax] : ['IGST'];
}

function taxAmounts(item: Pick<ComputedLine, 'cgstPaise' | 'sgstPaise' | 'utgstPaise' | 'igstPaise'>, tax: TaxComputation): number[] {
  if (!tax.intraState) return [item.igstPaise];
  return [item.cgstPaise, tax.stateTax === 'UTGST' ? item.utgstPaise : item.sgstPaise];
}

/**
 * One row per line and charge. Intra-state rows carry CGST and SGST (or UTGST) columns and print
 * the rate as its two halves ("9% + 9%"), as GST rule 46 asks for the rate of each tax;
 * inter-state rows carry IGST alone.
 */
export function lineTable(tax: TaxComputation): ContentTable {
  const taxHeaders = taxHeadersOf(tax);
  const header = ['#', 'Description', 'HSN/SAC', 'Qty', 'Unit Price', 'Discount', 'Taxable Value', 'Tax Rate', ...taxHeaders, 'Total'];
  const rows = [
    ...tax.lines.map((line, i) => lineRow(line, i + 1, tax)),
    ...tax.charges.map((charge) => chargeRow(charge, tax)),
  ];
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [10, '*', 36, 30, 44, 38, 48, 48, ...taxHeaders.map(() => (tax.intraState ? 40 : 46)), 50],
      // Columns from Qty on hold figures and are right-aligned.
      body: [header.map((text, column) => headerCell(text, column >= 3)), ...rows],
    },
    layout: GRID,
    style: 'lineCell',
    margin: [0, 8, 0, 4],
  };
}

function headerCell(text: string, numeric: boolean): TableCell {
  return { text, style: 'tableHeader', alignment: numeric ? 'right' : 'left' };
}

function lineRow(line: ComputedLine, position: number, tax: TaxComputation): TableCell[] {
  return [
    String(position),
    line.description,
    line.hsnCode,
    amountCell(`${line.quantity} ${line.unit}`),
    amountCell(formatPaise(line.unitPricePaise)),
    amountCell(formatPaise(line.discountPaise)),
    ...taxCells(line, tax),
  ];
}

/** A charge is a single amount: it has no quantity or discount. */
function chargeRow(charge: ComputedCharge, tax: TaxComputation): TableCell[] {
  return [
    '',
    charge.description,
    charge.sacCode ?? '',
    amountCell('-'),
    amountCell(formatPaise(charge.amountPaise)),
    amountCell('-'),
    ...taxCells(charge, tax),
  ];
}

function taxCells(item: ComputedLine | ComputedCharge, tax: TaxComputation): TableCell[] {
  return [
    amountCell(formatPaise(item.taxablePaise)),
    amountCell(rateText(item.taxRatePercent, tax.intraState)),
    ...taxAmounts(item, tax).map((paise) => amountCell(formatPaise(paise))),
    amountCell(formatPaise(item.totalPaise)),
  ];
}

function rateText(taxRatePercent: number, intraState: boolean): string {
  if (!intraState) return formatPercent(taxRatePercent);
  const half = formatPercent(taxRatePercent / 2);
  return `${half} + ${half}`;
}

function amountCell(text: string): TableCell {
  return { text, style: 'amount' };
}

/**
 * The rate-wise tax summary beside the totals, then the total in words across the page (a long
 * amount in words would wrap in a column). `totalLabel` names the grand total ("Invoice Total").
 */
export function totalsSection(tax: TaxComputation, totalLabel: string): Content {
  return {
    stack: [
      { columns: [rateSummaryTable(tax), { width: 190, stack: [totalsTable(tax, totalLabel)] }], columnGap: 12 },
      amountInWords(tax.totals.grandTotalPaise),
    ],
    margin: [0, 4, 0, 8],
  };
}

function rateSummaryTable(tax: TaxComputation): Content {
  const header = ['GST Rate', 'Taxable Value', ...taxHeadersOf(tax), 'Total Tax'];
  const rows = tax.rateSummary.map((row) => [
    formatPercent(row.taxRatePercent),
    formatPaise(row.taxablePaise),
    ...taxAmounts(row, tax).map(formatPaise),
    formatPaise(row.taxPaise),
  ]);
  return {
    table: {
      headerRows: 1,
      widths: header.map(() => '*'),
      body: [header.map((text) => headerCell(text, true)), ...rows.map((cells) => cells.map(amountCell))],
    },
    layout: GRID,
    style: 'lineCell',
  };
}

function amountInWords(grandTotalPaise: number): Content {
  return {
    text: [{ text: 'Amount in words: ', bold: true }, rupeesInWords(grandTotalPaise)],
    fontSize: 8,
    margin: [0, 6, 0, 0],
  };
}

function totalsTable(tax: TaxComputation, totalLabel: string): Content {
  const { totals } = tax;
  const amounts = taxAmounts(totals, tax);
  const taxRows = taxHeadersOf(tax).map((label, i): [string, number] => [label, amounts[i]!]);
  const rows: Array<[string, number]> = [
    ['Gross Value', totals.grossPaise],
    ['Less: Discount', totals.discountPaise],
    ['Taxable Value', totals.taxablePaise],
    ...taxRows,
    ['Total Tax', totals.taxPaise],
  ];
  return {
    table: {
      widths: ['*', 'auto'],
      body: [
        ...rows.map(([label, paise]) => [label, amountCell(formatPaise(paise))]),
        [{ text: totalLabel, style: 'grandTotal' }, { text: formatRupees(totals.grandTotalPaise), style: ['grandTotal', 'amount'] }],
      ],
    },
    layout: GRID,
    fontSize: 8,
  };
}

/** GST rule 46 asks every invoice to say whether tax is payable under reverse charge; ours never is. */
export function closingSection(supplierLegalName: string): Content {
  return {
    columns: [
      { width: '*', text: 'Whether tax is payable under reverse charge: No', fontSize: 8 },
      {
        width: 200,
        stack: [{ text: `For ${supplierLegalName}`, bold: true }, { text: 'Authorised Signatory', margin: [0, 36, 0, 0] }],
        alignment: 'right',
        fontSize: 8,
      },
    ],
    unbreakable: true,
    margin: [0, 8, 0, 0],
  };
}

/** Every page names its document, so a loose second page can be matched to its first. */
function pageFooter(documentLabel: string): DynamicContent {
  return (currentPage, pageCount) => ({
    columns: [documentLabel, { text: `Page ${currentPage} of ${pageCount}`, alignment: 'right' }],
    fontSize: 7,
    color: '#555555',
    margin: [A4_MARGINS[0], 12, A4_MARGINS[2], 0],
  });
}
