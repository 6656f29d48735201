import { ConflictError } from '../shared/domain-error';
import { Validator } from '../shared/validation';

/**
 * GST rule 46(b): at most 16 characters of letters, digits, "/" and "-", unique within a financial
 * year; a number of separators alone is no serial number. What every invoice and credit note obeys.
 */
export const INVOICE_NUMBER = /^(?=.*[A-Za-z0-9])[A-Za-z0-9/-]{1,16}$/;

/**
 * The e-invoice portal (IRP schema, DocDtls.No `^([a-zA-Z1-9]{1}[a-zA-Z0-9/-]{0,15})$`) also
 * refuses a number starting with "0", "/" or "-". It binds sellers who must e-invoice; the engine
 * does not know a seller's turnover, so numbers a seller chooses (custom numbers, prefixes) obey it.
 */
const E_INVOICE_FIRST_CHARACTER = /^[A-Za-z1-9]/;

/**
 * The one fault of a document number, as a sentence; undefined when it is good. `chosen`: typed by
 * the seller, so the e-invoice portal's first-character rule applies too.
 */
export function documentNumberFault(value: unknown, chosen: boolean): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9/-]{1,16}$/.test(value)) return 'must be 1 to 16 characters of letters, digits, "/" and "-"';
  if (!INVOICE_NUMBER.test(value)) return 'must contain a letter or a digit';
  if (chosen && !E_INVOICE_FIRST_CHARACTER.test(value)) return 'must not start with "0", "/" or "-" (the e-invoice portal refuses such numbers)';
  return undefined;
}

/**
 * Numbers are unique per seller and year regardless of case: the GST portal treats "INV/1" and
 * "inv/1" as one invoice, so the engine reserves them as one.
 */
export const documentNumberKey = (number: string): string => number.toUpperCase();
const SEQUENCE_DIGITS = 5;

export const invoiceSeriesStream = (sellerId: string, financialYear: string): string => `invoice-series-${sellerId}-${financialYear}`;
export const creditNoteSeriesStream = (sellerId: string, financialYear: string): string => `credit-note-series-${sellerId}-${financialYear}`;
export const invoiceNumberReservationStream = (sellerId: string, financialYear: string, invoiceNumber: string): string =>
  `invoice-number-${sellerId}-${financialYear}-${documentNumberKey(invoiceNumber)}`;

export type NumberSeriesKind = 'invoice' | 'credit-note';

export type NumberSeriesEvent = {
  type: 'DocumentNumberAllocated';
  data: { sellerId: string; financialYear: string; kind: NumberSeriesKind; sequence: number; number: string; orderId: string; allocatedAt: string };
};

export type InvoiceNumberReservationEvent = {
  type: 'InvoiceNumberReserved';
  data: { sellerId: string; financialYear: string; invoiceNumber: string; orderId: string; source: 'sequence' | 'custom'; reservedAt: string };
};

/** How many of the latest allocations a series remembers, to give a number back to an order that never used it. */
export const RECENT_ALLOCATIONS = 64;

export interface NumberSeriesState {
  lastSequence: number;
  /** The latest allocations, oldest first (at most RECENT_ALLOCATIONS). */
  recent: ReadonlyArray<{ orderId: string; number: string }>;
}

export const initialNumberSeriesState = (): NumberSeriesState => ({ lastSequence: 0, recent: [] });

export function evolveNumberSeries(state: NumberSeriesState, event: NumberSeriesEvent): NumberSeriesState {
  return {
    lastSequence: Math.max(state.lastSequence, event.data.sequence),
    recent: [...state.recent.slice(-(RECENT_ALLOCATIONS - 1)), { orderId: event.data.orderId, number: event.data.number }],
  };
}

/**
 * A number recently allocated to this order that it does not hold: its first attempt took the
 * number and then failed before recording the document (a crash, a lost connection). Giving it
 * back keeps the series free of gaps, as GST rule 46 expects consecutive numbers.
 */
export function unusedAllocationOf(state: NumberSeriesState, orderId: string, notThese: ReadonlySet<string>): string | undefined {
  for (let i = state.recent.length - 1; i >= 0; i--) {
    const allocation = state.recent[i]!;
    if (allocation.orderId === orderId && !notThese.has(allocation.number)) return allocation.number;
  }
  return undefined;
}

export function formatSequentialNumber(prefix: string, sequence: number): string {
  return `${prefix}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

export const creditNotePrefix = (invoicePrefix: string): string => `CN${invoicePrefix.replace(/^INV/i, '') || '/'}`.slice(0, 11);

/** Allocates the next number of a seller's series for one order. */
export function decideNextNumber(
  state: NumberSeriesState,
  request: { sellerId: string; financialYear: string; kind: NumberSeriesKind; prefix: string; orderId: string; now: Date },
): NumberSeriesEvent {
  const sequence = state.lastSequence + 1;
  const number = formatSequentialNumber(request.prefix, sequence);
  if (!INVOICE_NUMBER.test(number)) {
    throw new ConflictError('INVOICE_SERIES_EXHAUSTED', `The ${request.kind} series ${request.prefix} cannot hold sequence ${sequence} within 16 characters`);
  }
  return {
    type: 'DocumentNumberAllocated',
    data: {
      sellerId: request.sellerId,
      financialYear: request.financialYear,
      kind: request.kind,
      sequence,
      number,
      orderId: request.orderId,
      allocatedAt: request.now.toISOString(),
    },
  };
}

export function validateCustomInvoiceNumber(invoiceNumber: unknown): asserts invoiceNumber is string {
  const fault = documentNumberFault(invoiceNumber, true);
  new Validator().check(fault === undefined, 'invoiceNumber', fault ?? '').throwIfInvalid();
}

export function invoiceNumberTaken(invoiceNumber: string, financialYear: string): ConflictError {
  return new ConflictError('INVOICE_NUMBER_TAKEN', `Invoice number ${invoiceNumber} is already used in financial year ${financialYear}`, {
    invoiceNumber,
    financialYear,
  });
}
