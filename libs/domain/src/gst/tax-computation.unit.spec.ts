import { GstInputError } from './gst-input-error';
import { computeTaxInvoice, GST_RATE_PERCENTS, TaxableLine, TaxableSupply } from './tax-computation';

const KARNATAKA = '29';
const MAHARASHTRA = '27';

function line(overrides: Partial<TaxableLine> = {}): TaxableLine {
  return {
    description: 'Cotton kurta',
    hsnCode: '62114210',
    quantity: 1,
    unit: 'PCS',
    unitPricePaise: 100_00,
    discountPaise: 0,
    taxRatePercent: 18,
    ...overrides,
  };
}

function supply(overrides: Partial<TaxableSupply> = {}): TaxableSupply {
  return { supplierStateCode: KARNATAKA, placeOfSupplyStateCode: KARNATAKA, lines: [line()], charges: [], ...overrides };
}

function caught(run: () => unknown): GstInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof GstInputError) return error;
    throw error;
  }
  throw new Error('expected a GstInputError');
}

describe('computeTaxInvoice', () => {
  describe('given an intra-state supply with a discounted line', () => {
    const input = supply({ lines: [line({ quantity: 2, unitPricePaise: 499_00, discountPaise: 10_00 })] });

    it('when computed, then tax is on the discounted value and split evenly into CGST and SGST', () => {
      const result = computeTaxInvoice(input);

      expect(result.intraState).toBe(true);
      expect(result.lines[0]).toMatchObject({
        grossPaise: 998_00,
        taxablePaise: 988_00,
        cgstPaise: 88_92,
        sgstPaise: 88_92,
        igstPaise: 0,
        totalPaise: 1165_84,
      });
    });
  });

  describe('given the same line supplied to another state', () => {
    const input = supply({ placeOfSupplyStateCode: MAHARASHTRA, lines: [line({ quantity: 2, unitPricePaise: 499_00, discountPaise: 10_00 })] });

    it('when computed, then the whole tax is IGST', () => {
      const result = computeTaxInvoice(input);

      expect(result.intraState).toBe(false);
      expect(result.lines[0]).toMatchObject({ taxablePaise: 988_00, cgstPaise: 0, sgstPaise: 0, igstPaise: 177_84, totalPaise: 1165_84 });
      expect(result.totals).toMatchObject({ cgstPaise: 0, sgstPaise: 0, igstPaise: 177_84, taxPaise: 177_84 });
    });
  });

  describe.each([
    ['Chandigarh', '04'],
    ['Dadra and Nagar Haveli and Daman and Diu', '26'],
    ['Lakshadweep', '31'],
    ['Andaman and Nicobar Islands', '35'],
    ['Ladakh', '38'],
  ])('given a supply within %s, a union territory without a legislature', (_, ut) => {
    const input = supply({ supplierStateCode: ut, placeOfSupplyStateCode: ut, lines: [line({ quantity: 2, unitPricePaise: 499_00, discountPaise: 10_00 })] });

    it('when computed, then the state half is UTGST, not SGST', () => {
      const result = computeTaxInvoice(input);

      expect(result).toMatchObject({ intraState: true, stateTax: 'UTGST' });
      expect(result.lines[0]).toMatchObject({ cgstPaise: 88_92, sgstPaise: 0, utgstPaise: 88_92, igstPaise: 0, totalPaise: 1165_84 });
      expect(result.rateSummary).toEqual([{ taxRatePercent: 18, taxablePaise: 988_00, cgstPaise: 88_92, sgstPaise: 0, utgstPaise: 88_92, igstPaise: 0, taxPaise: 177_84 }]);
      expect(result.totals).toMatchObject({ cgstPaise: 88_92, sgstPaise: 0, utgstPaise: 88_92, taxPaise: 177_84, grandTotalPaise: 1165_84 });
    });

    it('when supplied to a state, then it is IGST as any inter-state supply', () => {
      const result = computeTaxInvoice({ ...input, placeOfSupplyStateCode: KARNATAKA });

      expect(result).toMatchObject({ intraState: false, stateTax: 'SGST' });
      expect(result.totals).toMatchObject({ cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: 177_84 });
    });
  });

  describe.each([
    ['Delhi', '07'],
    ['Puducherry', '34'],
    ['Jammu and Kashmir', '01'],
  ])('given a supply within %s, a union territory with a legislature', (_, ut) => {
    it('when computed, then it is CGST + SGST like a state', () => {
      const result = computeTaxInvoice(supply({ supplierStateCode: ut, placeOfSupplyStateCode: ut }));

      expect(result).toMatchObject({ intraState: true, stateTax: 'SGST' });
      expect(result.totals).toMatchObject({ cgstPaise: 9_00, sgstPaise: 9_00, utgstPaise: 0 });
    });
  });

  describe('given a line whose tax is an odd number of paise', () => {
    // 5% of Rs. 10.10 is 50.5 paise: rounded half up to 51, which cannot be halved evenly.
    const oddLine = line({ unitPricePaise: 10_10, taxRatePercent: 5 });

    it('when intra-state, then CGST takes the odd paisa and CGST + SGST equals the inter-state IGST', () => {
      const intra = computeTaxInvoice(supply({ lines: [oddLine] })).lines[0];
      const inter = computeTaxInvoice(supply({ placeOfSupplyStateCode: MAHARASHTRA, lines: [oddLine] })).lines[0];

      expect(intra).toMatchObject({ cgstPaise: 26, sgstPaise: 25 });
      expect(inter).toMatchObject({ igstPaise: 51 });
    });
  });

  describe('given every taxable value from 0 to Rs. 30 at every GST rate', () => {
    it('when computed both ways, then CGST + SGST always equals IGST and the halves differ by at most a paisa', () => {
      for (const taxRatePercent of GST_RATE_PERCENTS) {
        for (let unitPricePaise = 0; unitPricePaise <= 30_00; unitPricePaise++) {
          const item = line({ unitPricePaise, taxRatePercent });
          const intra = computeTaxInvoice(supply({ lines: [item] })).lines[0];
          const inter = computeTaxInvoice(supply({ placeOfSupplyStateCode: MAHARASHTRA, lines: [item] })).lines[0];

          expect(intra && inter && intra.cgstPaise + intra.sgstPaise).toBe(inter?.igstPaise);
          expect(intra && intra.cgstPaise - intra.sgstPaise).toBeGreaterThanOrEqual(0);
          expect(intra && intra.cgstPaise - intra.sgstPaise).toBeLessThanOrEqual(1);
        }
      }
    });
  });

  describe('given taxable values that land exactly on and just below half a paisa', () => {
    it.each([
      { taxablePaise: 10, taxRatePercent: 5, igstPaise: 1 }, // 0.5 rounds up
      { taxablePaise: 9, taxRatePercent: 5, igstPaise: 0 }, // 0.45 rounds down
      { taxablePaise: 123_45, taxRatePercent: 0.1, igstPaise: 12 }, // 12.345
      { taxablePaise: 1000_00, taxRatePercent: 0.25, igstPaise: 250 },
      { taxablePaise: 333, taxRatePercent: 1.5, igstPaise: 5 }, // 4.995
      { taxablePaise: 999_99, taxRatePercent: 28, igstPaise: 280_00 }, // 27999.72 rounds up
      { taxablePaise: 500_00, taxRatePercent: 0, igstPaise: 0 },
    ])('when $taxablePaise paise is taxed at $taxRatePercent%, then IGST is $igstPaise paise', ({ taxablePaise, taxRatePercent, igstPaise }) => {
      const result = computeTaxInvoice(supply({ placeOfSupplyStateCode: MAHARASHTRA, lines: [line({ unitPricePaise: taxablePaise, taxRatePercent })] }));

      expect(result.lines[0]?.igstPaise).toBe(igstPaise);
    });
  });

  describe('given lines at two rates and a taxed shipping charge', () => {
    const input = supply({
      lines: [
        line({ description: 'Saree', unitPricePaise: 1200_00, taxRatePercent: 5 }),
        line({ description: 'Blouse piece', quantity: 3, unitPricePaise: 250_00, discountPaise: 50_00, taxRatePercent: 12 }),
        line({ description: 'Bangles', unitPricePaise: 99_00, taxRatePercent: 18 }),
      ],
      charges: [{ description: 'Shipping', sacCode: '996812', amountPaise: 60_00, taxRatePercent: 18 }],
    });

    it('when computed, then the charge is taxed like a line and the rate summary has one row per rate', () => {
      const result = computeTaxInvoice(input);

      expect(result.charges[0]).toMatchObject({ grossPaise: 60_00, taxablePaise: 60_00, cgstPaise: 5_40, sgstPaise: 5_40, totalPaise: 70_80 });
      expect(result.rateSummary).toEqual([
        { taxRatePercent: 5, taxablePaise: 1200_00, cgstPaise: 30_00, sgstPaise: 30_00, utgstPaise: 0, igstPaise: 0, taxPaise: 60_00 },
        { taxRatePercent: 12, taxablePaise: 700_00, cgstPaise: 42_00, sgstPaise: 42_00, utgstPaise: 0, igstPaise: 0, taxPaise: 84_00 },
        { taxRatePercent: 18, taxablePaise: 159_00, cgstPaise: 14_31, sgstPaise: 14_31, utgstPaise: 0, igstPaise: 0, taxPaise: 28_62 },
      ]);
    });

    it('when computed, then the totals are the sums of the lines and charges', () => {
      const { totals } = computeTaxInvoice(input);

      expect(totals).toEqual({
        grossPaise: 2109_00,
        discountPaise: 50_00,
        taxablePaise: 2059_00,
        cgstPaise: 86_31,
        sgstPaise: 86_31,
        utgstPaise: 0,
        igstPaise: 0,
        taxPaise: 172_62,
        grandTotalPaise: 2231_62,
      });
    });
  });

  describe('given amounts whose product with the rate passes 2^53', () => {
    it('when computed, then the tax is still exact', () => {
      const result = computeTaxInvoice(supply({ lines: [line({ unitPricePaise: 4_000_000_000_000_003, taxRatePercent: 28 })] }));

      // 4,000,000,000,000,003 x 28% = 1,120,000,000,000,000.84, rounded to ...001; SGST takes the even half.
      expect(result.lines[0]).toMatchObject({ cgstPaise: 560_000_000_000_001, sgstPaise: 560_000_000_000_000 });
    });
  });

  describe('given invalid input', () => {
    it('when a price is negative, a discount exceeds the line, a rate is unknown and a quantity is fractional, then every field is named', () => {
      const error = caught(() =>
        computeTaxInvoice(
          supply({
            lines: [
              line({ unitPricePaise: -1 }),
              line({ unitPricePaise: 100_00, discountPaise: 100_01 }),
              line({ taxRatePercent: 7 }),
              line({ quantity: 1.5 }),
            ],
            charges: [{ description: 'Packing', amountPaise: -5, taxRatePercent: 18 }],
          }),
        ),
      );

      expect(error.kind).toBe('validation');
      expect(error.issues.map((issue) => issue.field)).toEqual([
        'lines.0.unitPricePaise',
        'lines.1.discountPaise',
        'lines.2.taxRatePercent',
        'lines.3.quantity',
        'charges.0.amountPaise',
      ]);
    });

    it('when a state code is unknown or there are no lines, then it is refused', () => {
      const error = caught(() => computeTaxInvoice(supply({ supplierStateCode: '99', placeOfSupplyStateCode: '', lines: [] })));

      expect(error.issues.map((issue) => issue.field)).toEqual(['supplierStateCode', 'placeOfSupplyStateCode', 'lines']);
    });
  });
});
