import { computeTaxInvoice, financialYearOf } from '../gst';
import { IllegalStepError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { validateAddress } from '../shared/values';
import type { RegisteredSeller } from './order-context';
import type { InvoiceCorrections, OrderCommandOf } from './order-commands';
import type { InvoiceSnapshot, InvoiceTotals, OrderEvent, OrderEventOf, OrderItem } from './order-events';
import type { ActiveOrder } from './order-state';
import { assertRatesInForce, placeOfSupplyOf, validateBuyer, validateCharges, validateItems, withNormalBuyerGstin } from './order-validation';
import { documentNumberFault } from '../invoicing/invoice-numbering';

export function invoiceTotals(snapshot: Pick<InvoiceSnapshot, 'supplier' | 'placeOfSupplyStateCode' | 'items' | 'charges'>): InvoiceTotals {
  const computed = computeTaxInvoice({
    supplierStateCode: snapshot.supplier.stateCode,
    placeOfSupplyStateCode: snapshot.placeOfSupplyStateCode,
    lines: snapshot.items.map((item) => ({
      description: item.name,
      hsnCode: item.hsnCode,
      quantity: item.quantity,
      unit: item.unit,
      unitPricePaise: item.unitPricePaise,
      discountPaise: item.discountPaise,
      taxRatePercent: item.taxRatePercent,
    })),
    charges: snapshot.charges.map((charge) => ({
      description: charge.description,
      ...(charge.sacCode ? { sacCode: charge.sacCode } : {}),
      amountPaise: charge.amountPaise,
      taxRatePercent: charge.taxRatePercent,
    })),
  });
  return {
    intraState: computed.intraState,
    taxablePaise: computed.totals.taxablePaise,
    cgstPaise: computed.totals.cgstPaise,
    sgstPaise: computed.totals.sgstPaise,
    utgstPaise: computed.totals.utgstPaise,
    igstPaise: computed.totals.igstPaise,
    grandTotalPaise: computed.totals.grandTotalPaise,
  };
}

export function buildInvoiceSnapshot(order: ActiveOrder, seller: RegisteredSeller): InvoiceSnapshot {
  return {
    supplier: {
      legalName: seller.profile.legalName,
      gstin: seller.profile.gstin,
      stateCode: seller.profile.stateCode,
      address: seller.profile.pickupAddress,
    },
    buyer: order.buyer,
    deliveryAddress: order.deliveryAddress,
    placeOfSupplyStateCode: placeOfSupplyOf(order.buyer, order.deliveryAddress),
    items: order.items,
    charges: order.charges,
    paymentMethod: order.paymentMethod,
  };
}

/**
 * Checked before a number is allocated, so a refused invoice never consumes one. `now` is the
 * invoice date: every line must bear a rate in force on it.
 */
export function assertInvoiceCanBeGenerated(order: ActiveOrder, now: Date): void {
  if (order.cancelled) throw new IllegalStepError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  if (order.invoice) {
    throw new IllegalStepError('INVOICE_ALREADY_GENERATED', `Order ${order.orderId} already has invoice ${order.invoice.current.invoiceNumber}; regenerate it instead`, {
      invoiceNumber: order.invoice.current.invoiceNumber,
    });
  }
  assertRatesInForce(order.items, order.charges, now);
}

export function decideGenerateInvoice(order: ActiveOrder, command: OrderCommandOf<'GenerateInvoice'>, seller: RegisteredSeller, now: Date): OrderEvent[] {
  assertInvoiceCanBeGenerated(order, now);
  checkNumbers({ invoiceNumber: command.invoiceNumber });
  const snapshot = buildInvoiceSnapshot(order, seller);
  return [
    {
      type: 'InvoiceGenerated',
      data: {
        orderId: order.orderId,
        sellerId: order.sellerId,
        invoiceNumber: command.invoiceNumber,
        financialYear: financialYearOf(now),
        invoiceDate: now.toISOString(),
        revision: 1,
        numberSource: command.numberSource,
        auto: command.auto,
        snapshot,
        totals: invoiceTotals(snapshot),
      },
    },
  ];
}

/** Rule 46 for numbers the engine allocated or reserved (custom ones were checked harder before reservation). */
function checkNumbers(numbers: Record<string, string>): void {
  const v = new Validator();
  for (const [field, number] of Object.entries(numbers)) {
    const fault = documentNumberFault(number, false);
    v.check(fault === undefined, field, fault ?? '');
  }
  v.throwIfInvalid();
}

export interface InvoiceCorrectionPlan {
  snapshot: InvoiceSnapshot;
  /** Amounts, rates, HSN codes, GSTINs or place of supply changed: GST law needs a credit note and a new number. */
  taxRelevant: boolean;
}

const taxFacts = (s: InvoiceSnapshot): string =>
  JSON.stringify({
    supplierGstin: s.supplier.gstin,
    supplierState: s.supplier.stateCode,
    buyerGstin: s.buyer.gstin ?? null,
    placeOfSupply: s.placeOfSupplyStateCode,
    items: s.items.map((i) => [i.hsnCode, i.quantity, i.unitPricePaise, i.discountPaise, i.taxRatePercent]),
    charges: s.charges.map((c) => [c.sacCode ?? null, c.amountPaise, c.taxRatePercent]),
  });

/**
 * Works out the corrected invoice and whether it is tax-relevant, before any number is allocated.
 * A tax-relevant correction is a new invoice dated `now`, so its lines must bear rates in force
 * then; any other keeps the date and the rates of the invoice it corrects.
 */
export function planInvoiceCorrection(order: ActiveOrder, given: InvoiceCorrections, seller: RegisteredSeller, reason: string, now: Date): InvoiceCorrectionPlan {
  const corrections = { ...given, buyer: withNormalBuyerGstin(given.buyer) };
  if (order.cancelled) throw new IllegalStepError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  if (!order.invoice) throw new IllegalStepError('INVOICE_REQUIRED', `Order ${order.orderId} has no invoice to regenerate`);
  const v = new Validator().nonEmptyString(reason, 'reason', 500);
  if (corrections.buyer !== undefined) validateBuyer(v, corrections.buyer, 'corrections.buyer', true);
  // Whether the corrected invoice is dated now is known only below, so rates in force are checked there.
  if (corrections.items !== undefined) validateItems(v, corrections.items, 'corrections.items', undefined);
  if (corrections.charges !== undefined) validateCharges(v, corrections.charges, 'corrections.charges', undefined);
  const previous = order.invoice.current.snapshot;
  const deliveryAddress = { ...previous.deliveryAddress, ...corrections.deliveryAddress };
  if (corrections.deliveryAddress !== undefined) validateAddress(v, deliveryAddress, 'corrections.deliveryAddress');
  v.throwIfInvalid();
  const buyer = { ...previous.buyer, ...corrections.buyer };
  // The bill-to is judged with the GSTIN it ends up with, even when only one of them changes.
  if (corrections.buyer !== undefined && buyer.billingAddress !== undefined) validateBuyer(v, buyer, 'corrections.buyer', true);
  v.throwIfInvalid();
  const snapshot: InvoiceSnapshot = {
    ...previous,
    supplier: { legalName: seller.profile.legalName, gstin: seller.profile.gstin, stateCode: seller.profile.stateCode, address: seller.profile.pickupAddress },
    buyer,
    deliveryAddress,
    placeOfSupplyStateCode: placeOfSupplyOf(buyer, deliveryAddress),
    items: corrections.items ?? previous.items,
    charges: corrections.charges ?? previous.charges,
  };
  const taxRelevant = taxFacts(snapshot) !== taxFacts(previous);
  if (taxRelevant) assertRatesInForce(snapshot.items, snapshot.charges, now, { items: 'corrections.items', charges: 'corrections.charges' });
  return { snapshot, taxRelevant };
}

/** A credit note for the whole of the order's current invoice, cancelling it (CGST Act s. 34). */
export function creditNoteForCurrentInvoice(order: ActiveOrder, creditNoteNumber: string, reason: string, now: Date): OrderEventOf<'CreditNoteIssued'> {
  const current = order.invoice!.current;
  return {
    type: 'CreditNoteIssued',
    data: {
      orderId: order.orderId,
      sellerId: order.sellerId,
      creditNoteNumber,
      financialYear: financialYearOf(now),
      issuedAt: now.toISOString(),
      reason,
      originalInvoiceNumber: current.invoiceNumber,
      originalInvoiceDate: current.invoiceDate,
      originalRevision: current.revision,
      totals: current.totals,
    },
  };
}

/**
 * A credit note for goods a customer returned (CGST Act s. 34(1)): only the accepted lines, at the
 * current invoice's rates and place of supply, and no charges (shipping was supplied all the same).
 */
export function creditNoteForReturn(order: ActiveOrder, returnId: string, items: OrderItem[], creditNoteNumber: string, reason: string, now: Date): OrderEventOf<'CreditNoteIssued'> {
  checkNumbers({ creditNoteNumber });
  const current = order.invoice!.current;
  return {
    type: 'CreditNoteIssued',
    data: {
      orderId: order.orderId,
      sellerId: order.sellerId,
      creditNoteNumber,
      financialYear: financialYearOf(now),
      issuedAt: now.toISOString(),
      reason,
      originalInvoiceNumber: current.invoiceNumber,
      originalInvoiceDate: current.invoiceDate,
      originalRevision: current.revision,
      totals: invoiceTotals({ ...current.snapshot, items, charges: [] }),
      returnId,
      items,
    },
  };
}

/**
 * Cancelling an invoiced order reverses the supply that will not happen: a credit note for the
 * whole invoice, so the register (and GSTR-1) no longer counts its tax. The number is allocated
 * before the decision, like an invoice's.
 */
export function creditNoteOnCancellation(order: ActiveOrder, command: OrderCommandOf<'CancelOrder'>, now: Date): OrderEvent[] {
  if (!order.invoice) return [];
  if (!command.creditNoteNumber) {
    throw new IllegalStepError('CREDIT_NOTE_NUMBER_REQUIRED', `Order ${order.orderId} is invoiced (${order.invoice.current.invoiceNumber}): cancelling it needs a credit note number`);
  }
  checkNumbers({ creditNoteNumber: command.creditNoteNumber });
  return [creditNoteForCurrentInvoice(order, command.creditNoteNumber, `Order cancelled: ${command.reason}`, now)];
}

export function decideRegenerateInvoice(order: ActiveOrder, command: OrderCommandOf<'RegenerateInvoice'>, seller: RegisteredSeller, now: Date): OrderEvent[] {
  const { snapshot, taxRelevant } = planInvoiceCorrection(order, command.corrections, seller, command.reason, now);
  const current = order.invoice!.current;
  const totals = invoiceTotals(snapshot);
  const regeneratedAt = now.toISOString();
  const base = { orderId: order.orderId, sellerId: order.sellerId, revision: current.revision + 1, reason: command.reason, snapshot, totals, regeneratedAt };
  if (!taxRelevant) {
    const regenerated: OrderEventOf<'InvoiceRegenerated'> = {
      type: 'InvoiceRegenerated',
      data: {
        ...base,
        taxRelevantChange: false,
        invoiceNumber: current.invoiceNumber,
        previousInvoiceNumber: current.invoiceNumber,
        financialYear: current.financialYear,
        invoiceDate: current.invoiceDate,
      },
    };
    return [regenerated];
  }
  if (!command.newInvoiceNumber || !command.creditNoteNumber) {
    throw new IllegalStepError('INVOICE_NUMBER_REQUIRED', 'A tax-relevant correction needs a new invoice number and a credit note number');
  }
  checkNumbers({ newInvoiceNumber: command.newInvoiceNumber, creditNoteNumber: command.creditNoteNumber });
  return [
    creditNoteForCurrentInvoice(order, command.creditNoteNumber, command.reason, now),
    {
      type: 'InvoiceRegenerated',
      data: {
        ...base,
        taxRelevantChange: true,
        invoiceNumber: command.newInvoiceNumber,
        previousInvoiceNumber: current.invoiceNumber,
        financialYear: financialYearOf(now),
        invoiceDate: regeneratedAt,
        creditNoteNumber: command.creditNoteNumber,
      },
    },
  ];
}
