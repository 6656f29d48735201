import { GstInputError } from './gst-input-error';

const UNITS = [
  'Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten',
  'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen',
];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

/** Indian numbering groups a number as crore (10^7), lakh (10^5), thousand and hundred. */
const GROUPS: ReadonlyArray<{ size: number; name: string }> = [
  { size: 10_000_000, name: 'Crore' },
  { size: 100_000, name: 'Lakh' },
  { size: 1_000, name: 'Thousand' },
  { size: 100, name: 'Hundred' },
];

/** 0-99 as words, hyphenating compound tens ("Twenty-Three"). */
function belowHundred(n: number): string {
  if (n < 20) return UNITS[n] ?? '';
  const unit = n % 10;
  const tens = TENS[Math.floor(n / 10)] ?? '';
  return unit === 0 ? tens : `${tens}-${UNITS[unit] ?? ''}`;
}

/**
 * A positive whole number in Indian words. Crores above 99 are themselves spelt in Indian words
 * ("One Thousand Two Hundred Crore"), as Indian invoices do, rather than switching to "Arab".
 */
function indianWords(n: number): string {
  const words: string[] = [];
  let rest = n;
  for (const group of GROUPS) {
    const count = Math.floor(rest / group.size);
    if (count > 0) words.push(`${indianWords(count)} ${group.name}`);
    rest %= group.size;
  }
  if (rest > 0) words.push(belowHundred(rest));
  return words.join(' ');
}

/**
 * An amount as printed under an invoice total: "Rupees One Lakh Twenty-Three Thousand Four Hundred
 * Fifty-Six and Seventy-Eight Paise Only". Whole rupees end "Only" without paise; amounts below a
 * rupee read "Fifty Paise Only"; zero reads "Rupees Zero Only".
 */
export function rupeesInWords(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) {
    throw new GstInputError([{ field: 'paise', message: 'must be a non-negative whole number of paise' }]);
  }
  const rupees = Math.floor(paise / 100);
  const paisePart = paise % 100;
  if (paisePart === 0) return `Rupees ${rupees === 0 ? 'Zero' : indianWords(rupees)} Only`;
  if (rupees === 0) return `${belowHundred(paisePart)} Paise Only`;
  return `Rupees ${indianWords(rupees)} and ${belowHundred(paisePart)} Paise Only`;
}
