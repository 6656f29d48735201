import { financialYearOf } from './financial-year';
import { GstInputError } from './gst-input-error';

describe('financialYearOf', () => {
  describe('given moments around the turn of the Indian financial year', () => {
    it.each([
      ['2026-03-31T18:29:59.999Z', '2025-26'], // 23:59:59.999 on 31 March in India
      ['2026-03-31T18:30:00.000Z', '2026-27'], // midnight starting 1 April in India, still 31 March in UTC
      ['2026-04-01T00:00:00+05:30', '2026-27'],
      ['2026-12-31T23:59:59Z', '2026-27'],
      ['2027-01-15T10:00:00Z', '2026-27'],
      ['1999-04-01T00:00:00+05:30', '1999-00'],
      ['2099-06-01T00:00:00Z', '2099-00'],
    ])('when the moment is %s, then the year is %s', (iso, year) => {
      expect(financialYearOf(new Date(iso))).toBe(year);
    });
  });

  describe('given an invalid date', () => {
    it('when its year is asked for, then a GstInputError is thrown', () => {
      expect(() => financialYearOf(new Date('not a date'))).toThrow(GstInputError);
    });
  });
});
