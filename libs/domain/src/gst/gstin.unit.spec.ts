import { GstInputError } from './gst-input-error';
import { gstinCheckCharacter, gstinFault, gstinStateCode, isValidGstin, normalizeGstin } from './gstin';

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

  describe('given a GSTIN typed in lower case or with spaces around it', () => {
    it('when it is normalised, then it is the GSTIN in capitals and valid', () => {
      expect(normalizeGstin(' 27aapfu0939f1zv ')).toBe('27AAPFU0939F1ZV');
      expect(gstinFault(normalizeGstin('27aapfu0939f1zv'))).toBeUndefined();
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

    it.each([
      ['a wrong check character', '27AAPFU0939F1ZX', 'fails its check character (the 15th): a character is mistyped'],
      ['14 characters', '27AAPFU0939F1Z', 'must be 15 characters, not 14 (e.g. 29AAICA3918J1ZE)'],
      ['a hyphen', '27AAPFU-939F1ZV', 'must have only letters and digits'],
      ['an unknown state code', withCheck('99AAPFU0939F1Z'), 'must start with a GST state code; "99" is not one'],
      ['a PAN of the wrong shape', withCheck('27AAPF10939F1Z'), `characters 3 to 12 must be the holder's PAN (5 letters, 4 digits, 1 letter); "AAPF10939F" is not`],
      ['entity number 0', withCheck('27AAPFU0939F0Z'), 'character 13 (the registration number within the PAN) must be 1-9 or A-Z'],
      ['no Z in position 14', withCheck('27AAPFU0939F1A'), 'character 14 must be "Z"'],
    ])('when it has %s, then the one fault is named', (_, gstin, message) => {
      expect(gstinFault(gstin)).toBe(message);
    });

    it('when it is not a string, then it is refused as not a GSTIN', () => {
      expect(gstinFault(27)).toBe('must be a GSTIN (15 characters, e.g. 29AAICA3918J1ZE)');
    });

    it('when the state is asked for, then a GstInputError is thrown', () => {
      expect(() => gstinStateCode('27AAPFU0939F1ZW')).toThrow(GstInputError);
    });
  });
});
