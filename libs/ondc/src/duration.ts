/** ISO 8601 durations as ONDC uses them for TATs and pickup times (`PT45M`, `PT2H`, `P1D`). */

const DURATION = /^P(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]+)?)S)?)?$/;

/** Whole minutes, rounded up; undefined for years or months (no fixed length) and for anything unreadable. */
export function isoDurationToMinutes(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match || value.trim() === 'P' || value.trim().endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  const total = (weeks ?? 0) * 10_080 + (days ?? 0) * 1_440 + (hours ?? 0) * 60 + (minutes ?? 0) + (seconds ?? 0) / 60;
  return Math.ceil(total);
}

/** `90` → `PT90M`: minutes are how the contract's examples write short durations. */
export const minutesToIsoDuration = (minutes: number): string => `PT${Math.max(0, Math.round(minutes))}M`;

/** Milliseconds, exactly (fractions of a second kept); undefined for years or months and for anything unreadable. */
export function isoDurationToMs(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match || value.trim() === 'P' || value.trim().endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return Math.round(((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 + (seconds ?? 0) * 1_000);
}
