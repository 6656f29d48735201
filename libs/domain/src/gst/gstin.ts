import { GstInputError } from './gst-input-error';
import { isGstStateCode } from './indian-states';

/**
 * A regular taxpayer's GSTIN: state code, the holder's PAN (5 letters, 4 digits, 1 letter), the
 * registration's number within that PAN in the state (1-9, then A-Z), the fixed "Z" and a check
 * character. Special registrations (tax deductors, UN bodies, foreign online services) use other
 * shapes and are not sellers or buyers here.
 */
const PAN = /^[A-Z]{5}[0-9]{4}[A-Z]$/;
const ENTITY_NUMBER = /^[1-9A-Z]$/;
const CHECK_CHARACTER = /^[0-9A-Z]$/;

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

/**
 * GSTINs are written in capitals; the GST portal takes them in either case. A GSTIN typed in lower
 * case or with surrounding spaces is the same GSTIN, so it is stored the way the portal prints it.
 * Anything that is not a string is returned as it is, for the validator to name.
 */
export function normalizeGstin<T>(value: T): T | string {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

/**
 * The first fault of a GSTIN, as one sentence a seller can act on; undefined for a valid one.
 * Faults are checked from the outside in (type, length, characters, each part, check character),
 * so the message names what is wrong rather than just "invalid". Give it a normalised GSTIN.
 */
export function gstinFault(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a GSTIN (15 characters, e.g. 29AAICA3918J1ZE)';
  if (value.length !== 15) return `must be 15 characters, not ${value.length} (e.g. 29AAICA3918J1ZE)`;
  if (!/^[0-9A-Z]+$/.test(value)) return 'must have only letters and digits';
  const state = value.slice(0, 2);
  if (!isGstStateCode(state)) return `must start with a GST state code; "${state}" is not one`;
  if (!PAN.test(value.slice(2, 12))) return `characters 3 to 12 must be the holder's PAN (5 letters, 4 digits, 1 letter); "${value.slice(2, 12)}" is not`;
  if (!ENTITY_NUMBER.test(value.charAt(12))) return 'character 13 (the registration number within the PAN) must be 1-9 or A-Z';
  if (value.charAt(13) !== 'Z') return 'character 14 must be "Z"';
  if (!CHECK_CHARACTER.test(value.charAt(14)) || gstinCheckCharacter(value.slice(0, 14)) !== value.charAt(14)) {
    return 'fails its check character (the 15th): a character is mistyped';
  }
  return undefined;
}

export function isValidGstin(gstin: string): boolean {
  return gstinFault(gstin) === undefined;
}

/** The state a GSTIN is registered in; throws GstInputError for an invalid GSTIN. */
export function gstinStateCode(gstin: string): string {
  const fault = gstinFault(gstin);
  if (fault !== undefined) throw new GstInputError([{ field: 'gstin', message: `"${gstin}" ${fault}` }]);
  return gstin.slice(0, 2);
}
