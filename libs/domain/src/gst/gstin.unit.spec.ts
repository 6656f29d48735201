import { GstInputError } from './gst-input-error';
import { gstinCheckCharacter, gstinStateCode, isValidGstin } from './gstin';

/** Published GSTINs of real businesses: their check characters come from the GSTN, not from us. */
const REAL_GSTINS = ['27AAPFU0939F1ZV', '29AAICA3918J1ZE', '24AAACC1206D1ZM', '29AABCT1332L1ZA'];

describe('GSTIN', () => {
  describe('given GSTINs issued by the GST network', () => {
    it.each(REAL_GSTINS)('when %s is checked, then it is valid and its check character is recomputed', (gstin) => {
      expect(isValidGstin(gstin)).toBe(true);
      expect(gstinCheckCharacter(gstin.slice(0, 14))).toBe(gstin.charAt(14));
    });

    it('when the state is asked for, then it is the first two digits', () => {
      expect(gstinStateCode('27AAPFU0939F1ZV')).toBe('27');
      expect(gstinStateCode('29AAICA3918J1ZE')).toBe('29');
    });
  });

  describe('given malformed or tampered GSTINs', () => {
    /** A GSTIN with a correct check character, so that only the rule under test fails. */
    const withCheck = (first14: string): string => first14 + gstinCheckCharacter(first14);

    it.each([
      ['a wrong check character', '27AAPFU0939F1ZW'],
      ['a transposed PAN digit', '27AAPFU0399F1ZV'],
      ['lower case', '27aapfu0939f1zv'],
      ['14 characters', '27AAPFU0939F1Z'],
      ['16 characters', '27AAPFU0939F1ZVV'],
      ['an unknown state code', withCheck('99AAPFU0939F1Z')],
      ['a PAN of the wrong shape', withCheck('27AAPF10939F1Z')],
      ['entity number 0', withCheck('27AAPFU0939F0Z')],
      ['no Z in position 14', withCheck('27AAPFU0939F1A')],
      ['spaces', ' 27AAPFU0939F1ZV'],
    ])('when it has %s, then it is invalid', (_, gstin) => {
      expect(isValidGstin(gstin)).toBe(false);
    });

    it('when the state is asked for, then a GstInputError is thrown', () => {
      expect(() => gstinStateCode('27AAPFU0939F1ZW')).toThrow(GstInputError);
    });
  });
});
