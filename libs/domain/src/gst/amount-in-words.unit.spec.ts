import { rupeesInWords } from './amount-in-words';
import { GstInputError } from './gst-input-error';

describe('rupeesInWords', () => {
  describe('given amounts in paise', () => {
    it.each([
      [12345678, 'Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy-Eight Paise Only'],
      [0, 'Rupees Zero Only'],
      [1, 'One Paise Only'],
      [50, 'Fifty Paise Only'],
      [100, 'Rupees One Only'],
      [2121, 'Rupees Twenty-One and Twenty-One Paise Only'],
      [11000, 'Rupees One Hundred Ten Only'],
      [1_999_00, 'Rupees One Thousand Nine Hundred Ninety-Nine Only'],
      [1_00_000_00, 'Rupees One Lakh Only'],
      [1_00_00_000_00, 'Rupees One Crore Only'],
      [10_10_10_101_00, 'Rupees Ten Crore Ten Lakh Ten Thousand One Hundred One Only'],
      [99_99_99_999_99, 'Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only'],
      [1234_00_00_000_00, 'Rupees One Thousand Two Hundred Thirty-Four Crore Only'],
    ])('when %i paise is spelt, then it reads "%s"', (paise, words) => {
      expect(rupeesInWords(paise)).toBe(words);
    });
  });

  describe('given amounts that are not whole, non-negative paise', () => {
    it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('when %p is spelt, then a GstInputError is thrown', (paise) => {
      expect(() => rupeesInWords(paise)).toThrow(GstInputError);
    });
  });
});
