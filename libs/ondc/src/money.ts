import type { Price } from './types';

/**
 * The engine counts money in integer paise; ONDC carries rupees as decimal strings with at most two
 * decimals ("59.00", "50.0", "9"). Converting through strings, never floats, keeps sums exact.
 */

const RUPEES = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

/** `5900` → `"59.00"`. */
export function formatRupees(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new RangeError(`paise must be a non-negative integer, got ${paise}`);
  const rupees = Math.floor(paise / 100);
  const rest = paise % 100;
  return `${rupees}.${rest.toString().padStart(2, '0')}`;
}

/** `"59.00"`, `"59.0"` or `"59"` → `5900`; undefined for anything else (negative, three decimals, exponent, text). */
export function parseRupees(value: string): number | undefined {
  const match = RUPEES.exec(value.trim());
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  const paise = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(paise) ? paise : undefined;
}

export const inr = (paise: number): Price => ({ currency: 'INR', value: formatRupees(paise) });
