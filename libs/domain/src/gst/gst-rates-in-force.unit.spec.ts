import { gstRatePeriodOn, rateNotInForce } from './gst-rates-in-force';

/** Midnight in India is 18:30 UTC the day before. */
const LAST_MINUTE_BEFORE_GST_2 = new Date('2025-09-21T18:29:59.999Z');
const FIRST_MINUTE_OF_GST_2 = new Date('2025-09-21T18:30:00.000Z');
const DECEMBER_2025 = new Date('2025-12-01T06:00:00.000Z');
const FEBRUARY_2026 = new Date('2026-02-01T06:00:00.000Z');

describe('GST rates in force', () => {
  describe('given the last minute before GST 2.0 (21 September 2025 in India)', () => {
    it('when a shirt is taxed at 12% or a car at 28%, then the rates are in force', () => {
      expect(rateNotInForce(12, '6205', LAST_MINUTE_BEFORE_GST_2)).toBeUndefined();
      expect(rateNotInForce(28, '8703', LAST_MINUTE_BEFORE_GST_2)).toBeUndefined();
    });

    it('when anything is taxed at 40%, then it is refused: the rate did not exist yet', () => {
      expect(rateNotInForce(40, '8703', LAST_MINUTE_BEFORE_GST_2)).toBe(
        '40% is not a GST rate in force on 2025-09-21 (rates in force: 0%, 0.1%, 0.25%, 1.5%, 3%, 5%, 6%, 12%, 18%, 28%)',
      );
    });
  });

  describe('given the first minute of GST 2.0 (midnight of 22 September 2025 in India)', () => {
    it('when the period is asked for, then it is the one from 22 September 2025', () => {
      expect(gstRatePeriodOn(FIRST_MINUTE_OF_GST_2)?.from).toBe('2025-09-22');
    });

    it('when a shirt is taxed at 12%, then it is refused, naming the rates in force and what 12% is kept for', () => {
      expect(rateNotInForce(12, '6205', FIRST_MINUTE_OF_GST_2)).toBe(
        '12% is not a GST rate in force on 2025-09-22 (rates in force: 0%, 0.1%, 0.25%, 1.5%, 3%, 5%, 18%, 40%; ' +
          '12% is kept only for bricks and roofing tiles (HSN 6815, 69011000, 69041000, 69051000))',
      );
    });

    it.each([0, 5, 18, 40])('when goods are taxed at %s%%, then the rate is in force', (rate) => {
      expect(rateNotInForce(rate, '6205', FIRST_MINUTE_OF_GST_2)).toBeUndefined();
    });

    it('when building bricks are taxed at 12%, then the rate is in force for them', () => {
      expect(rateNotInForce(12, '69041000', FIRST_MINUTE_OF_GST_2)).toBeUndefined();
    });

    it('when a charge without a SAC code is taxed at 12%, then it is refused', () => {
      expect(rateNotInForce(12, undefined, FIRST_MINUTE_OF_GST_2)).toContain('12% is not a GST rate in force on 2025-09-22');
    });
  });

  describe('given 28%, kept after GST 2.0 for tobacco until its compensation cess ended', () => {
    it('when cigarettes are taxed at 28% in December 2025, then the rate is in force', () => {
      expect(rateNotInForce(28, '24022010', DECEMBER_2025)).toBeUndefined();
    });

    it('when a car is taxed at 28% in December 2025, then it is refused', () => {
      expect(rateNotInForce(28, '8703', DECEMBER_2025)).toContain('28% is kept only for pan masala and tobacco products');
    });

    it('when cigarettes are taxed at 28% from 1 February 2026, then it is refused: tobacco moved to 40%', () => {
      expect(rateNotInForce(28, '24022010', FEBRUARY_2026)).toBe(
        '28% is not a GST rate in force on 2026-02-01 (rates in force: 0%, 0.1%, 0.25%, 1.5%, 3%, 5%, 18%, 40%)',
      );
      expect(rateNotInForce(40, '24022010', FEBRUARY_2026)).toBeUndefined();
    });
  });

  describe('given a date before GST began (1 July 2017)', () => {
    it('when any rate is asked for, then it is refused', () => {
      expect(rateNotInForce(18, '6205', new Date('2017-06-30T12:00:00.000Z'))).toBe('no GST rate is in force on 2017-06-30: GST began on 1 July 2017');
    });
  });
});
