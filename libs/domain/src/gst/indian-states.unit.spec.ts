import { GstInputError } from './gst-input-error';
import { GST_STATES, gstStateName, isGstStateCode } from './indian-states';

describe('GST state codes', () => {
  describe('given the GST state list', () => {
    it('then it runs from 01 Jammu and Kashmir to 38 Ladakh, plus 97 Other Territory, without gaps or duplicates', () => {
      const codes = GST_STATES.map((state) => state.code);

      expect(codes).toEqual([...Array.from({ length: 38 }, (_, i) => String(i + 1).padStart(2, '0')), '97']);
      expect(gstStateName('01')).toBe('Jammu and Kashmir');
      expect(gstStateName('38')).toBe('Ladakh');
      expect(gstStateName('97')).toBe('Other Territory');
    });
  });

  describe('when a code is looked up', () => {
    it.each([
      ['29', 'Karnataka'],
      ['27', 'Maharashtra'],
      ['07', 'Delhi'],
      ['36', 'Telangana'],
      ['37', 'Andhra Pradesh'],
      ['26', 'Dadra and Nagar Haveli and Daman and Diu'],
    ])('then %s is %s', (code, name) => {
      expect(isGstStateCode(code)).toBe(true);
      expect(gstStateName(code)).toBe(name);
    });

    it.each(['00', '39', '99', '9', '029', ' 29', ''])('then %j is not a state code', (code) => {
      expect(isGstStateCode(code)).toBe(false);
      expect(() => gstStateName(code)).toThrow(GstInputError);
    });
  });
});
