import { ConflictError, ValidationError } from '../shared/domain-error';
import { NOW, NOW_ISO, freshId } from '../testing/decider-specification';
import {
  INVOICE_NUMBER,
  documentNumberFault,
  NumberSeriesEvent,
  creditNotePrefix,
  creditNoteSeriesStream,
  decideNextNumber,
  evolveNumberSeries,
  formatSequentialNumber,
  initialNumberSeriesState,
  invoiceNumberReservationStream,
  invoiceNumberTaken,
  invoiceSeriesStream,
  RECENT_ALLOCATIONS,
  unusedAllocationOf,
  validateCustomInvoiceNumber,
} from './invoice-numbering';

const request = (sellerId: string, prefix = 'INV/') => ({ sellerId, financialYear: '2026-27', kind: 'invoice' as const, prefix, orderId: freshId('order'), now: NOW });

/** Allocates `count` numbers in a row, replaying each allocation like the series stream does. */
function allocate(sellerId: string, count: number, prefix = 'INV/'): NumberSeriesEvent[] {
  const events: NumberSeriesEvent[] = [];
  let state = initialNumberSeriesState();
  for (let i = 0; i < count; i++) {
    const event = decideNextNumber(state, request(sellerId, prefix));
    events.push(event);
    state = evolveNumberSeries(state, event);
  }
  return events;
}

describe('Invoice numbering', () => {
  it('starts a financial year at 00001 after the seller prefix', () => {
    const sellerId = freshId('seller');
    const req = request(sellerId);

    expect(decideNextNumber(initialNumberSeriesState(), req)).toEqual({
      type: 'DocumentNumberAllocated',
      data: { sellerId, financialYear: '2026-27', kind: 'invoice', sequence: 1, number: 'INV/00001', orderId: req.orderId, allocatedAt: NOW_ISO },
    });
  });

  it('counts up without gaps or repeats', () => {
    expect(allocate(freshId('seller'), 3).map((e) => e.data.number)).toEqual(['INV/00001', 'INV/00002', 'INV/00003']);
  });

  describe('given an order whose first attempt took a number and failed before recording its invoice', () => {
    const sellerId = freshId('seller');
    const crashed = request(sellerId);
    const other = request(sellerId);
    const first = decideNextNumber(initialNumberSeriesState(), crashed);
    const second = decideNextNumber(evolveNumberSeries(initialNumberSeriesState(), first), other);
    const state = [first, second].reduce(evolveNumberSeries, initialNumberSeriesState());

    it('when it asks again, then it gets that number back, even after other orders took theirs', () => {
      expect(unusedAllocationOf(state, crashed.orderId, new Set())).toBe('INV/00001');
    });

    it('when the order already holds the number (an earlier revision), then nothing is given back', () => {
      expect(unusedAllocationOf(state, crashed.orderId, new Set(['INV/00001']))).toBeUndefined();
      expect(unusedAllocationOf(state, freshId('order'), new Set())).toBeUndefined();
    });

    it(`when more than ${RECENT_ALLOCATIONS} numbers were allocated since, then it is forgotten`, () => {
      let later = state;
      for (let i = 0; i < RECENT_ALLOCATIONS; i++) later = evolveNumberSeries(later, decideNextNumber(later, request(sellerId)));
      expect(later.recent).toHaveLength(RECENT_ALLOCATIONS);
      expect(unusedAllocationOf(later, crashed.orderId, new Set())).toBeUndefined();
    });
  });

  it('never goes back when an older allocation is replayed late', () => {
    const [first, second] = allocate(freshId('seller'), 2);
    const state = [second!, first!].reduce(evolveNumberSeries, initialNumberSeriesState());

    expect(state.lastSequence).toBe(2);
  });

  it('a prefix of 11 characters leaves exactly room for 99999 numbers within 16 characters', () => {
    const sellerId = freshId('seller');
    const last = decideNextNumber({ lastSequence: 99_998, recent: [] }, request(sellerId, 'KAVERI/26-'));

    expect(last.data.number).toBe('KAVERI/26-99999');
    expect(formatSequentialNumber('KAVERI/26-X', 99_999)).toHaveLength(16);
  });

  it('refuses to allocate a number that would not fit in 16 characters', () => {
    expect(() => decideNextNumber({ lastSequence: 99_999, recent: [] }, request(freshId('seller'), 'KAVERI/26-X'))).toThrow(
      expect.objectContaining({ code: 'INVOICE_SERIES_EXHAUSTED' }),
    );
    expect(() => decideNextNumber({ lastSequence: 99_999, recent: [] }, request(freshId('seller'), 'KAVERI/26-X'))).toThrow(ConflictError);
  });

  it('runs credit notes in their own series', () => {
    expect(creditNotePrefix('INV/')).toBe('CN/');
    expect(creditNotePrefix('INV-')).toBe('CN-');
    expect(creditNotePrefix('inv/')).toBe('CN/');
    expect(creditNotePrefix('')).toBe('CN/');
    expect(creditNotePrefix('KH/')).toBe('CNKH/');
    expect(creditNotePrefix('KAVERI/26-')).toBe('CNKAVERI/26');
    expect(creditNotePrefix('KAVERI/26-')).toHaveLength(11);
    expect(creditNoteSeriesStream('s1', '2026-27')).not.toBe(invoiceSeriesStream('s1', '2026-27'));
  });

  it('keeps one series per seller per financial year and one reservation per number', () => {
    expect(invoiceSeriesStream('kaveri', '2026-27')).toBe('invoice-series-kaveri-2026-27');
    expect(invoiceSeriesStream('kaveri', '2027-28')).not.toBe(invoiceSeriesStream('kaveri', '2026-27'));
    expect(invoiceNumberReservationStream('kaveri', '2026-27', 'INV/00001')).toBe('invoice-number-kaveri-2026-27-INV/00001');
  });

  it('reserves numbers differing only in case as one number, as the GST portal counts them', () => {
    expect(invoiceNumberReservationStream('kaveri', '2026-27', 'inv/00001')).toBe(invoiceNumberReservationStream('kaveri', '2026-27', 'INV/00001'));
  });
});

describe('Invoice number format (GST rule 46)', () => {
  it.each(['INV/00001', 'KH-2026-27-0042', 'A', 'ABCD/2026-27/001', '2026/27/0001'])('%s is a valid invoice number', (number) => {
    expect(INVOICE_NUMBER.test(number)).toBe(true);
    expect(() => validateCustomInvoiceNumber(number)).not.toThrow();
  });

  it.each([
    ['17 characters', 'ABCD/2026-27/0001'],
    ['a space', 'INV 0001'],
    ['an underscore', 'INV_0001'],
    ['a hash', 'INV#0001'],
    ['a Devanagari digit', 'INV/०१'],
    ['nothing', ''],
    ['only slashes', '///'],
    ['only hyphens', '--'],
  ])('a number with %s is refused', (_, number) => {
    expect(INVOICE_NUMBER.test(number)).toBe(false);
    let error: unknown;
    try {
      validateCustomInvoiceNumber(number);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['invoiceNumber']);
  });

  it.each([
    ['/', '/INV/00001', 'must not start with "0", "/" or "-" (the e-invoice portal refuses such numbers)'],
    ['-', '-2026-0001', 'must not start with "0", "/" or "-" (the e-invoice portal refuses such numbers)'],
    ['0', '00042', 'must not start with "0", "/" or "-" (the e-invoice portal refuses such numbers)'],
    ['only separators', '/-/', 'must contain a letter or a digit'],
  ])('a custom number starting with %s is refused, naming the rule', (_, number, message) => {
    expect(documentNumberFault(number, true)).toBe(message);
    expect(() => validateCustomInvoiceNumber(number)).toThrow(ValidationError);
  });

  it('a number the engine allocated from an older, empty prefix still passes rule 46', () => {
    expect(documentNumberFault('00042', false)).toBeUndefined();
  });

  it('a custom number that is not a string is refused', () => {
    expect(() => validateCustomInvoiceNumber(42)).toThrow(ValidationError);
  });

  it('a number already used this financial year is a conflict naming it', () => {
    const error = invoiceNumberTaken('INV/00007', '2026-27');

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'INVOICE_NUMBER_TAKEN', details: { invoiceNumber: 'INV/00007', financialYear: '2026-27' } });
  });
});
