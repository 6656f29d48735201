import type { CreditNoteDocument } from './document-inputs';
import { formatIndianDate, parseDocumentDate } from './formatting';
import { closingSection, documentTax, gstA4Document, headingRow, lineTable, partiesTable, totalsSection } from './gst-document-layout';
import { renderPdf } from './pdf-renderer';

/**
 * A GST credit note (rule 53) cancelling all or part of an invoice: it cites the invoice's number
 * and date and shows the taxable value and each tax being reversed, computed with the same
 * per-line rounding as the invoice so that a full reversal cancels it to the paisa.
 */
export async function renderCreditNote(input: CreditNoteDocument): Promise<Buffer> {
  const creditNoteDate = parseDocumentDate(input.creditNoteDate, 'creditNoteDate');
  const originalInvoiceDate = parseDocumentDate(input.originalInvoice.date, 'originalInvoice.date');
  const tax = documentTax(input);
  const label = `Credit Note ${input.creditNoteNumber}`;
  return renderPdf(
    gstA4Document(`${label} against Tax Invoice ${input.originalInvoice.number}`, [
      headingRow('CREDIT NOTE', undefined),
      partiesTable(input.supplier, input.buyer, [
        ['Credit Note No.', input.creditNoteNumber],
        ['Credit Note Date', formatIndianDate(creditNoteDate)],
        ['Against Invoice No.', input.originalInvoice.number],
        ['Invoice Date', formatIndianDate(originalInvoiceDate)],
        ['Order ID', input.orderId],
      ]),
      { text: [{ text: 'Reason: ', bold: true }, input.reason], margin: [0, 8, 0, 0] },
      { text: 'Amounts reversed', bold: true, margin: [0, 6, 0, 0] },
      lineTable(tax),
      totalsSection(tax, 'Total Credit'),
      closingSection(input.supplier.legalName),
    ]),
    creditNoteDate,
    label,
  );
}
