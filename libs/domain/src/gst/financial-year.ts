import { GstInputError } from './gst-input-error';

/** Indian Standard Time is UTC+05:30 all year (no daylight saving). */
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
const APRIL = 3;

/**
 * The Indian financial year (April to March) a moment falls in, e.g. "2026-27". The year turns at
 * midnight in India, so 2027-03-31T19:00Z (already 1 April in India) belongs to "2027-28".
 */
export function financialYearOf(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new GstInputError([{ field: 'date', message: 'must be a valid date' }]);
  const inIndia = new Date(date.getTime() + IST_OFFSET_MS);
  const calendarYear = inIndia.getUTCFullYear();
  const startYear = inIndia.getUTCMonth() >= APRIL ? calendarYear : calendarYear - 1;
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}
