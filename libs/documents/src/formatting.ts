import { DocumentInputError } from './document-input-error';

/** A time must carry its zone: "2026-05-14T10:00:00" would be read in the server's local time. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A document's date from its ISO form ("2026-05-14" or a full timestamp). */
export function parseDocumentDate(iso: string, field: string): Date {
  const date = new Date(iso);
  if (!ISO_DATE.test(iso) || Number.isNaN(date.getTime())) {
    throw new DocumentInputError(`${field} must be an ISO date such as "2026-05-14", got "${iso}"`);
  }
  return date;
}

/** "14 May 2026", the calendar day in India whatever the server's time zone. */
export function formatIndianDate(date: Date): string {
  const inIndia = new Date(date.getTime() + IST_OFFSET_MS);
  return `${String(inIndia.getUTCDate()).padStart(2, '0')} ${MONTHS[inIndia.getUTCMonth()] ?? ''} ${inIndia.getUTCFullYear()}`;
}

/**
 * Paise as rupees with Indian digit grouping: 12345678 -> "1,23,456.78". Done by hand rather than
 * with Intl's en-IN locale because a Node built with small ICU silently falls back to "123,456.78",
 * and the bytes of a PDF must not depend on how Node was built.
 */
export function formatPaise(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const absolute = Math.abs(paise);
  const rupees = String(Math.floor(absolute / 100));
  const fraction = String(absolute % 100).padStart(2, '0');
  return `${sign}${groupIndian(rupees)}.${fraction}`;
}

/** "Rs. 1,23,456.78": the standard PDF fonts have no rupee sign. */
export function formatRupees(paise: number): string {
  return `Rs. ${formatPaise(paise)}`;
}

/** Last three digits, then groups of two: 1,23,45,678. */
function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ',');
  return `${head},${digits.slice(-3)}`;
}

export function formatPercent(percent: number): string {
  return `${percent}%`;
}
