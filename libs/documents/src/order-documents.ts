import type { ActiveOrder, Address, CreditNote, InvoiceRevision, InvoiceSnapshot, OrderEvent, ShipmentState } from '@fulfil/domain';
import type { BuyerDetails, InvoiceCopy, LabelAddress, ShippingLabelDocument, SupplierDetails, TaxableCharge, TaxableLine } from './document-inputs';
import { DocumentInputError } from './document-input-error';
import { renderCreditNote } from './credit-note';
import { contentHash } from './pdf-renderer';
import { renderShippingLabels } from './shipping-label';
import { renderTaxInvoice } from './tax-invoice';

/** A rendered document with what an HTTP response or a message needs to carry it. */
export interface RenderedDocument {
  pdf: Buffer;
  sha256: string;
  filename: string;
}

const addressLines = (a: Address): string[] => [a.line1, ...(a.line2 ? [a.line2] : [])];

const supplierOf = (s: InvoiceSnapshot): SupplierDetails => ({
  legalName: s.supplier.legalName,
  addressLines: [...addressLines(s.supplier.address), `${s.supplier.address.city} ${s.supplier.address.pincode}`],
  stateCode: s.supplier.stateCode,
  gstin: s.supplier.gstin,
});

/** The buyer at the delivery address, billed at its billing address when it gave one. */
const buyerOf = (s: InvoiceSnapshot): BuyerDetails => {
  const billing = s.buyer.billingAddress;
  return {
    name: s.buyer.name,
    addressLines: addressLines(s.deliveryAddress),
    city: s.deliveryAddress.city,
    pincode: s.deliveryAddress.pincode,
    stateCode: s.deliveryAddress.stateCode,
    placeOfSupplyStateCode: s.placeOfSupplyStateCode,
    ...(s.buyer.gstin ? { gstin: s.buyer.gstin } : {}),
    phone: s.buyer.phone,
    ...(billing ? { billTo: { name: billing.name, addressLines: addressLines(billing), city: billing.city, pincode: billing.pincode, stateCode: billing.stateCode } } : {}),
  };
};

const linesOf = (s: Pick<InvoiceSnapshot, 'items'>): TaxableLine[] =>
  s.items.map((i) => ({
    description: i.name,
    hsnCode: i.hsnCode,
    quantity: i.quantity,
    unit: i.unit,
    unitPricePaise: i.unitPricePaise,
    discountPaise: i.discountPaise,
    taxRatePercent: i.taxRatePercent,
  }));

const chargesOf = (s: InvoiceSnapshot): TaxableCharge[] =>
  s.charges.map((c) => ({ description: c.description, ...(c.sacCode ? { sacCode: c.sacCode } : {}), amountPaise: c.amountPaise, taxRatePercent: c.taxRatePercent }));

const labelAddress = (a: Address): LabelAddress => ({ name: a.name, addressLines: addressLines(a), city: a.city, stateCode: a.stateCode, pincode: a.pincode, phone: a.phone });

const safeName = (value: string): string => value.replace(/[^A-Za-z0-9-]+/g, '_');

function invoiceRevision(order: ActiveOrder, revision?: number): InvoiceRevision {
  const invoice = order.invoice;
  if (!invoice) throw new DocumentInputError(`Order ${order.orderId} has no invoice yet`);
  const found = revision === undefined ? invoice.current : invoice.revisions.find((r) => r.revision === revision);
  if (!found) throw new DocumentInputError(`Order ${order.orderId} has no invoice revision ${revision}`);
  return found;
}

/** Renders an order's documents from its events alone, so the same events always give the same bytes. */
export async function renderInvoiceOf(order: ActiveOrder, options: { revision?: number; copy: InvoiceCopy }): Promise<RenderedDocument> {
  const r = invoiceRevision(order, options.revision);
  const pdf = await renderTaxInvoice(
    {
      supplier: supplierOf(r.snapshot),
      buyer: buyerOf(r.snapshot),
      invoiceNumber: r.invoiceNumber,
      invoiceDate: r.invoiceDate,
      revision: r.revision,
      ...(r.revisedAt ? { revised: { at: r.revisedAt, reason: r.reason ?? '' } } : {}),
      orderId: order.orderId,
      lines: linesOf(r.snapshot),
      charges: chargesOf(r.snapshot),
      paymentMethod: r.snapshot.paymentMethod,
    },
    options.copy,
  );
  const kind = { recipient: 'tax-invoice', transporter: 'transporter-invoice', supplier: 'invoice' }[options.copy];
  return { pdf, sha256: contentHash(pdf), filename: `${kind}-${safeName(r.invoiceNumber)}-r${r.revision}.pdf` };
}

export async function renderCreditNoteOf(order: ActiveOrder, creditNoteNumber: string): Promise<RenderedDocument> {
  const note: CreditNote | undefined = order.invoice?.creditNotes.find((c) => c.creditNoteNumber === creditNoteNumber);
  if (!note) throw new DocumentInputError(`Order ${order.orderId} has no credit note ${creditNoteNumber}`);
  const original = invoiceRevision(order, note.originalRevision);
  const pdf = await renderCreditNote({
    supplier: supplierOf(original.snapshot),
    buyer: buyerOf(original.snapshot),
    creditNoteNumber: note.creditNoteNumber,
    creditNoteDate: note.issuedAt,
    originalInvoice: { number: note.originalInvoiceNumber, date: note.originalInvoiceDate },
    reason: note.reason,
    orderId: order.orderId,
    // A return's credit note reverses only the lines that came back; any other, the whole invoice.
    lines: linesOf(note.items ? { items: note.items } : original.snapshot),
    charges: note.items ? [] : chargesOf(original.snapshot),
  });
  return { pdf, sha256: contentHash(pdf), filename: `credit-note-${safeName(note.creditNoteNumber)}.pdf` };
}

export function labelDocumentOf(order: ActiveOrder, shipment: ShipmentState): ShippingLabelDocument {
  return {
    orderId: order.orderId,
    shipmentId: shipment.shipmentId,
    labelDate: shipment.label?.generatedAt ?? shipment.createdAt,
    shipTo: labelAddress(shipment.deliveryAddress),
    returnTo: labelAddress(shipment.pickupAddress),
    package: shipment.package,
    payment: shipment.codAmountPaise > 0 ? { method: 'cod', amountToCollectPaise: shipment.codAmountPaise } : { method: 'prepaid' },
    ...(shipment.label?.carrierName ? { carrierName: shipment.label.carrierName } : {}),
    ...(shipment.label?.awb ? { awb: shipment.label.awb } : {}),
    ...(order.invoice
      ? {
          invoice: { number: order.invoice.current.invoiceNumber, valuePaise: order.invoice.current.totals.grandTotalPaise },
          sellerGstin: order.invoice.current.snapshot.supplier.gstin,
        }
      : {}),
  };
}

export async function renderLabelsOf(labels: ShippingLabelDocument[], layout: 'thermal-4x6' | 'a4-4up'): Promise<RenderedDocument> {
  const pdf = await renderShippingLabels(labels, layout);
  const name = labels.length === 1 ? `label-${safeName(labels[0]!.shipmentId)}` : `labels-${labels.length}`;
  return { pdf, sha256: contentHash(pdf), filename: `${name}${layout === 'a4-4up' ? '-a4' : ''}.pdf` };
}

/**
 * The content hash an event's document will have, recorded in the event itself. `order` is the
 * state after the event, which is all a later download renders from.
 */
export async function documentHashFor(order: ActiveOrder, event: OrderEvent): Promise<string | undefined> {
  switch (event.type) {
    case 'InvoiceGenerated':
    case 'InvoiceRegenerated':
      return (await renderInvoiceOf(order, { revision: event.data.revision, copy: 'supplier' })).sha256;
    case 'CreditNoteIssued':
      return (await renderCreditNoteOf(order, event.data.creditNoteNumber)).sha256;
    case 'ShippingLabelGenerated': {
      const shipment = order.shipments.find((s) => s.shipmentId === event.data.shipmentId);
      return shipment ? (await renderLabelsOf([labelDocumentOf(order, shipment)], 'thermal-4x6')).sha256 : undefined;
    }
    default:
      return undefined;
  }
}
