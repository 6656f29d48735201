import { ValidationError } from '../shared/domain-error';
import { buildGstr1Return, gstr1Period, gstr1SectionCsv, type Gstr1Document } from './gstr1-return';
import { summariseByHsn, uqcOf } from './hsn-summary';
import { computeTaxInvoice } from './tax-computation';

const NOVEMBER_2026 = gstr1Period('2026-11', new Date('2026-12-02T06:00:00Z'));

/** An invoice of a Karnataka seller: one line of `taxablePaise` at 5 %, to `pos`, computed with the domain's own GST maths. */
function invoice(number: string, pos: string, taxablePaise: number, options: { gstin?: string; date?: string; unit?: string } = {}): Gstr1Document {
  const computed = computeTaxInvoice({
    supplierStateCode: '29',
    placeOfSupplyStateCode: pos,
    lines: [{ description: 'Silk saree', hsnCode: '5007', quantity: 1, unit: options.unit ?? 'NOS', unitPricePaise: taxablePaise, discountPaise: 0, taxRatePercent: 5 }],
    charges: [],
  });
  return {
    documentType: 'invoice',
    documentNumber: number,
    documentDate: options.date ?? '2026-11-10T06:00:00.000Z',
    buyerName: 'A buyer, "the best"',
    buyerGstin: options.gstin ?? null,
    placeOfSupplyStateCode: pos,
    intraState: computed.intraState,
    grandTotalPaise: computed.totals.grandTotalPaise,
    rateSummary: computed.rateSummary,
    hsnSummary: summariseByHsn(computed),
  };
}

function creditNoteFor(original: Gstr1Document, number: string): Gstr1Document {
  return {
    ...original,
    documentType: 'credit_note',
    documentNumber: number,
    documentDate: '2026-11-20T06:00:00.000Z',
    originalInvoiceDate: original.documentDate,
    originalInvoiceValuePaise: original.grandTotalPaise,
  };
}

const build = (...documents: Gstr1Document[]) => buildGstr1Return({ gstin: '29ABCDE1234F1ZW', period: NOVEMBER_2026, documents });

describe('GSTR-1 return', () => {
  describe('given a return period', () => {
    it('when it is a month, then its bounds are midnights in India and its portal period is MMYYYY', () => {
      expect(NOVEMBER_2026).toEqual({ period: '2026-11', returnPeriod: '112026', from: new Date('2026-10-31T18:30:00.000Z'), to: new Date('2026-11-30T18:30:00.000Z') });
    });

    it.each([
      ['2026-1', 'must be a month as YYYY-MM, e.g. 2026-11'],
      ['2026-00', 'must be a month as YYYY-MM, e.g. 2026-11'],
      ['2017-06', 'must be 2017-07 or later: GST began in July 2017'],
      ['2027-01', 'is a month that has not begun'],
    ])('when it is %s, then it is refused: %s', (period, message) => {
      expect(() => gstr1Period(period, new Date('2026-12-02T06:00:00Z'))).toThrow(new ValidationError([{ field: 'period', message }]));
    });
  });

  describe('given invoices to unregistered buyers', () => {
    it('when an inter-state invoice is worth more than ₹1 lakh, then it is listed in B2CL; at exactly ₹1 lakh or intra-state it is summed in B2CS', () => {
      const large = invoice('INV/1', '27', 95_238_10); // ₹1,00,000.01 with 5 % tax
      const atThreshold = invoice('INV/2', '27', 95_238_09); // ₹99,999.99
      const intraState = invoice('INV/3', '29', 5_000_000_00);
      const gstr1 = build(large, atThreshold, intraState);
      expect(gstr1.sections.b2cl.rows.map((r) => r['Invoice Number'])).toEqual(['INV/1']);
      expect(gstr1.sections.b2cs.rows).toEqual([
        { Type: 'OE', 'Place Of Supply': '27-Maharashtra', 'Applicable % of Tax Rate': '', Rate: 5, 'Taxable Value': 95_238.09, 'Cess Amount': 0, 'E-Commerce GSTIN': '' },
        { Type: 'OE', 'Place Of Supply': '29-Karnataka', 'Applicable % of Tax Rate': '', Rate: 5, 'Taxable Value': 5_000_000, 'Cess Amount': 0, 'E-Commerce GSTIN': '' },
      ]);
    });

    it('when an inter-state invoice of ₹2 lakh is dated July 2024, then it is B2CS: the threshold was ₹2.5 lakh until 31 July 2024', () => {
      const july = invoice('INV/1', '27', 190_000_00, { date: '2024-07-31T18:29:00.000Z' });
      const august = invoice('INV/2', '27', 190_000_00, { date: '2024-07-31T18:30:00.000Z' });
      const gstr1 = build(july, august);
      expect(gstr1.sections.b2cl.rows.map((r) => r['Invoice Number'])).toEqual(['INV/2']);
      expect(gstr1.sections.b2cs.totals.count).toBe(1);
    });
  });

  describe('given credit notes', () => {
    it('when one cancels a B2CS invoice, then B2CS is reported net of it and CDNUR stays empty', () => {
      const sold = invoice('INV/1', '27', 10_000_00);
      const gstr1 = build(sold, creditNoteFor(sold, 'CN/1'));
      expect(gstr1.sections.b2cs.rows).toEqual([expect.objectContaining({ 'Place Of Supply': '27-Maharashtra', 'Taxable Value': 0 })]);
      expect(gstr1.sections.b2cs.totals).toMatchObject({ count: 2, valuePaise: 0, taxablePaise: 0, igstPaise: 0 });
      expect(gstr1.sections.cdnur.rows).toEqual([]);
    });

    it("when one cites last month's large inter-state invoice, then it goes to CDNUR as B2CL, judged by that invoice's value", () => {
      const october = invoice('INV/1', '27', 200_000_00, { date: '2026-10-30T06:00:00.000Z' });
      const gstr1 = build(creditNoteFor(october, 'CN/1'));
      expect(gstr1.sections.cdnur.rows).toEqual([
        { 'UR Type': 'B2CL', 'Note Number': 'CN/1', 'Note Date': '20-Nov-2026', 'Note Type': 'C', 'Place Of Supply': '27-Maharashtra', 'Note Value': 210_000, 'Applicable % of Tax Rate': '', Rate: 5, 'Taxable Value': 200_000, 'Cess Amount': 0 },
      ]);
      expect(gstr1.sections.b2cl.rows).toEqual([]);
      // Table 12 is net of the month's notes: a note alone takes the quantity and values below zero.
      expect(gstr1.sections.hsnB2c.rows).toEqual([expect.objectContaining({ HSN: '5007', 'Total Quantity': -1, 'Taxable Value': -200_000, 'Integrated Tax Amount': -10_000 })]);
    });

    it('when one cancels a B2B invoice, then the invoice stays in B2B, the note is in CDNR, and HSN (B2B) nets to zero', () => {
      const sold = invoice('INV/1', '27', 10_000_00, { gstin: '27AAPFU0939F1ZV' });
      const gstr1 = build(sold, creditNoteFor(sold, 'CN/1'));
      expect(gstr1.sections.b2b.totals).toEqual({ count: 1, valuePaise: 10_500_00, taxablePaise: 10_000_00, igstPaise: 500_00, cgstPaise: 0, stateUtTaxPaise: 0, cessPaise: 0 });
      expect(gstr1.sections.cdnr.rows).toEqual([expect.objectContaining({ 'GSTIN/UIN of Recipient': '27AAPFU0939F1ZV', 'Note Number': 'CN/1', 'Note Type': 'C', 'Note Supply Type': 'Regular B2B', 'Note Value': 10_500 })]);
      expect(gstr1.sections.hsnB2b.rows).toEqual([expect.objectContaining({ 'Total Quantity': 0, 'Taxable Value': 0 })]);
      expect(gstr1.sections.hsnB2c.rows).toEqual([]);
    });
  });

  describe('given documents of two series', () => {
    it('when documents issued are summed, then each series runs from its lowest to its highest running number', () => {
      const gstr1 = build(invoice('INV/9', '29', 100), invoice('INV/10', '29', 100), invoice('WEB-2', '29', 100), creditNoteFor(invoice('INV/8', '29', 100), 'CN/1'));
      expect(gstr1.sections.docs.rows).toEqual([
        { 'Nature of Document': 'Invoices for outward supply', 'Sr. No. From': 'WEB-2', 'Sr. No. To': 'WEB-2', 'Total Number': 1, Cancelled: 0 },
        { 'Nature of Document': 'Invoices for outward supply', 'Sr. No. From': 'INV/9', 'Sr. No. To': 'INV/10', 'Total Number': 2, Cancelled: 0 },
        { 'Nature of Document': 'Credit Note', 'Sr. No. From': 'CN/1', 'Sr. No. To': 'CN/1', 'Total Number': 1, Cancelled: 0 },
      ]);
    });
  });

  describe('given a section as CSV', () => {
    it('when written, then money has two decimals, text with commas or quotes is quoted, and a formula-like name is defused', () => {
      const b2b = invoice('INV/1', '27', 10_000_01, { gstin: '27AAPFU0939F1ZV' });
      const csv = gstr1SectionCsv(build(b2b, { ...b2b, documentNumber: 'INV/2', buyerName: '=HYPERLINK("x")' }).sections.b2b);
      expect(csv.split('\r\n')).toEqual([
        'GSTIN/UIN of Recipient,Receiver Name,Invoice Number,Invoice date,Invoice Value,Place Of Supply,Reverse Charge,Applicable % of Tax Rate,Invoice Type,E-Commerce GSTIN,Rate,Taxable Value,Cess Amount',
        '27AAPFU0939F1ZV,"A buyer, ""the best""",INV/1,10-Nov-2026,10500.01,27-Maharashtra,N,,Regular B2B,,5,10000.01,0.00',
        `27AAPFU0939F1ZV,"'=HYPERLINK(""x"")",INV/2,10-Nov-2026,10500.01,27-Maharashtra,N,,Regular B2B,,5,10000.01,0.00`,
        '',
      ]);
    });
  });

  describe('given line units', () => {
    it.each([
      ['NOS', 'NOS-NUMBERS'],
      ['pcs', 'PCS-PIECES'],
      ['Kilograms', 'KGS-KILOGRAMS'],
      ['bundle', 'OTH-OTHERS'],
    ])('when the unit is %s, then the UQC is %s', (unit, uqc) => {
      expect(uqcOf(unit)).toBe(uqc);
    });

    it('when a document has a shipping charge, then HSN reports its SAC with UQC NA and no quantity', () => {
      const computed = computeTaxInvoice({
        supplierStateCode: '29',
        placeOfSupplyStateCode: '29',
        lines: [{ description: 'Stole', hsnCode: '6214', quantity: 2, unit: 'NOS', unitPricePaise: 60_000, discountPaise: 0, taxRatePercent: 5 }],
        charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5_000, taxRatePercent: 18 }],
      });
      expect(summariseByHsn(computed)).toEqual([
        { hsnCode: '6214', description: 'Stole', uqc: 'NOS-NUMBERS', quantity: 2, taxRatePercent: 5, taxablePaise: 120_000, igstPaise: 0, cgstPaise: 3_000, stateUtTaxPaise: 3_000, totalPaise: 126_000 },
        { hsnCode: '9965', description: 'Shipping', uqc: 'NA', quantity: 0, taxRatePercent: 18, taxablePaise: 5_000, igstPaise: 0, cgstPaise: 450, stateUtTaxPaise: 450, totalPaise: 5_900 },
      ]);
    });
  });
});
