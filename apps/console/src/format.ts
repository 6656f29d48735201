/** How the console writes amounts, times and enum values. */

// Formatted by hand, not with Intl: the first Intl object in a page loads the locale data, 35–60 ms
// of a cold load's main thread in Chromium, spent just when the first page of orders is rendered.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Indian digit grouping (12,34,567.89), as en-IN writes amounts. */
export const rupees = (paise: number | null | undefined): string => {
  if (paise === null || paise === undefined) return '—';
  const amount = Math.round(Math.abs(paise));
  const whole = String(Math.floor(amount / 100));
  const grouped = whole.length > 3 ? `${whole.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ',')},${whole.slice(-3)}` : whole;
  return `${paise < 0 ? '-' : ''}₹${grouped}.${String(amount % 100).padStart(2, '0')}`;
};

/** 3 Dec 2026, 6:05 pm in the browser's time zone. */
export const when = (iso: string | null | undefined): string => {
  if (!iso) return '—';
  const at = new Date(iso);
  const hours = at.getHours();
  return `${at.getDate()} ${MONTHS[at.getMonth()]} ${at.getFullYear()}, ${hours % 12 || 12}:${String(at.getMinutes()).padStart(2, '0')} ${hours < 12 ? 'am' : 'pm'}`;
};

export const label = (value: string | null | undefined): string => (value ? value.replace(/[_-]/g, ' ') : '—');
