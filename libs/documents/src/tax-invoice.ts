import type { InvoiceCopy, InvoicePaymentMethod, TaxInvoiceDocument } from './document-inputs';
import { formatIndianDate, parseDocumentDate } from './formatting';
import { closingSection, documentTax, gstA4Document, headingRow, lineTable, partiesTable, totalsSection } from './gst-document-layout';
import { renderPdf } from './pdf-renderer';

/**
 * GST rule 48(1) marks the three copies of an invoice for goods: the original for the recipient
 * (the customer tax invoice), the duplicate for the transporter, the triplicate for the supplier.
 */
const COPY_MARKINGS: Record<InvoiceCopy, string> = {
  recipient: 'ORIGINAL FOR RECIPIENT',
  transporter: 'DUPLICATE FOR TRANSPORTER',
  supplier: 'TRIPLICATE FOR SUPPLIER',
};

const PAYMENT_LABELS: Record<InvoicePaymentMethod, string> = {
  prepaid: 'Prepaid',
  cod: 'Cash on Delivery',
};

/** A GST tax invoice on A4, its tax computed here from the lines so that it cannot disagree with them. */
export async function renderTaxInvoice(input: TaxInvoiceDocument, copy: InvoiceCopy): Promise<Buffer> {
  const invoiceDate = parseDocumentDate(input.invoiceDate, 'invoiceDate');
  const revisedOn = input.revised ? formatIndianDate(parseDocumentDate(input.revised.at, 'revised.at')) : undefined;
  const tax = documentTax(input);
  const label = `Tax Invoice ${input.invoiceNumber}`;
  // A corrected copy keeps the number and the invoice date (the supply did not change) and says so on its face (ADR 0019).
  const revisedRows: Array<[string, string]> = input.revised && revisedOn ? [['Revised On', revisedOn], ['Revised Because', input.revised.reason]] : [];
  return renderPdf(
    gstA4Document(`${label} (revision ${input.revision}${revisedOn ? `, revised ${revisedOn}` : ''}) - ${COPY_MARKINGS[copy]}`, [
      headingRow(input.revised ? 'TAX INVOICE - REVISED' : 'TAX INVOICE', COPY_MARKINGS[copy]),
      partiesTable(input.supplier, input.buyer, [
        ['Invoice No.', input.invoiceNumber],
        ['Invoice Date', formatIndianDate(invoiceDate)],
        ['Revision', String(input.revision)],
        ...revisedRows,
        ['Order ID', input.orderId],
        ['Payment', PAYMENT_LABELS[input.paymentMethod]],
      ]),
      lineTable(tax),
      totalsSection(tax, 'Invoice Total'),
      closingSection(input.supplier.legalName),
    ]),
    invoiceDate,
    label,
  );
}
