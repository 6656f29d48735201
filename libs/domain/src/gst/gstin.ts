import { GstInputError } from './gst-input-error';
import { isGstStateCode } from './indian-states';

/**
 * A regular taxpayer's GSTIN: state code, the holder's PAN (5 letters, 4 digits, 1 letter), the
 * registration's number within that PAN in the state (1-9, then A-Z), the fixed "Z" and a check
 * character. Special registrations (tax deductors, UN bodies, foreign online services) use other
 * shapes and are not sellers or buyers here.
 */
const GSTIN_SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The check character of the GSTN algorithm (a Luhn mod-36 variant): the first 14 characters are
 * read as base-36 digits, every second one doubled, each product folded back to one base-36 digit
 * by adding its quotient and remainder, and the sum completed to a multiple of 36.
 */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < first14.length; i++) {
    const product = BASE36.indexOf(first14.charAt(i)) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return BASE36.charAt((36 - (sum % 36)) % 36);
}

export function isValidGstin(gstin: string): boolean {
  return (
    GSTIN_SHAPE.test(gstin) &&
    isGstStateCode(gstin.slice(0, 2)) &&
    gstinCheckCharacter(gstin.slice(0, 14)) === gstin.charAt(14)
  );
}

/** The state a GSTIN is registered in; throws GstInputError for an invalid GSTIN. */
export function gstinStateCode(gstin: string): string {
  if (!isValidGstin(gstin)) throw new GstInputError([{ field: 'gstin', message: `"${gstin}" is not a valid GSTIN` }]);
  return gstin.slice(0, 2);
}
