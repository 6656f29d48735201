import { computeTaxInvoice } from '../../domain/src/gst';
import type { InvoiceCopy, InvoicePaymentMethod, TaxInvoiceDocument } from './document-inputs';
import { formatIndianDate, parseDocumentDate } from './formatting';
import {
  A4_MARGINS,
  closingSection,
  GST_DOCUMENT_STYLES,
  headingRow,
  lineTable,
  pageFooter,
  partiesTable,
  totalsSection,
} from './gst-document-layout';
import { DEFAULT_FONT, renderPdf } from './pdf-renderer';

/**
 * GST rule 48 marks the copies of an invoice for goods: the original for the recipient (the
 * customer tax invoice), the duplicate for the transporter, the triplicate for the supplier. We
 * issue no transporter copy, so the supplier's keeps its legal name "triplicate".
 */
const COPY_MARKINGS: Record<InvoiceCopy, string> = {
  recipient: 'ORIGINAL FOR RECIPIENT',
  supplier: 'TRIPLICATE FOR SUPPLIER',
};

const PAYMENT_LABELS: Record<InvoicePaymentMethod, string> = {
  prepaid: 'Prepaid',
  cod: 'Cash on Delivery',
};

/** A GST tax invoice on A4, its tax computed here from the lines so that it cannot disagree with them. */
export async function renderTaxInvoice(input: TaxInvoiceDocument, copy: InvoiceCopy): Promise<Buffer> {
  const invoiceDate = parseDocumentDate(input.invoiceDate, 'invoiceDate');
  const tax = computeTaxInvoice({
    supplierStateCode: input.supplier.stateCode,
    placeOfSupplyStateCode: input.buyer.stateCode,
    lines: input.lines,
    charges: input.charges,
  });
  const label = `Tax Invoice ${input.invoiceNumber}`;
  return renderPdf(
    {
      pageSize: 'A4',
      pageMargins: A4_MARGINS,
      defaultStyle: { font: DEFAULT_FONT, fontSize: 8 },
      styles: GST_DOCUMENT_STYLES,
      footer: pageFooter(`${label} (revision ${input.revision}) - ${COPY_MARKINGS[copy]}`),
      content: [
        headingRow('TAX INVOICE', COPY_MARKINGS[copy]),
        partiesTable(input.supplier, input.buyer, [
          ['Invoice No.', input.invoiceNumber],
          ['Invoice Date', formatIndianDate(invoiceDate)],
          ['Revision', String(input.revision)],
          ['Order ID', input.orderId],
          ['Payment', PAYMENT_LABELS[input.paymentMethod]],
        ]),
        lineTable(tax),
        totalsSection(tax, 'Invoice Total'),
        closingSection(input.supplier.legalName),
      ],
    },
    invoiceDate,
    label,
  );
}
