/**
 * The GST rates in force for goods (and the charges invoiced with them) on a date: which rates the
 * law knows is not enough, since GST 2.0 (22 September 2025) removed the 12% and 28% slabs for
 * nearly everything. Sources and the reasoning are in docs/adr/0018-gst-rates-by-date.md.
 *
 * Rates are the whole GST on a supply (IGST, or CGST + SGST/UTGST together). A rate kept for a few
 * goods only lists their HSN headings: it holds for a line whose HSN code starts with one of them.
 */
export interface RateKeptForSomeGoods {
  ratePercent: number;
  /** HSN codes or their leading digits, as the notification lists them. */
  hsnPrefixes: readonly string[];
  goods: string;
}

export interface GstRatePeriod {
  /** First day in force, in India (YYYY-MM-DD); a period lasts until the next one starts. */
  from: string;
  /** Rates any goods or charge may bear. */
  general: readonly number[];
  keptForSomeGoods: readonly RateKeptForSomeGoods[];
  source: string;
}

const TOBACCO_AT_28: RateKeptForSomeGoods = {
  ratePercent: 28,
  hsnPrefixes: ['21069020', '2401', '2402', '2403', '240411', '240419'],
  goods: 'pan masala and tobacco products (HSN 21069020, 2401, 2402, 2403, 240411, 240419)',
};

const BRICKS_AT_12: RateKeptForSomeGoods = {
  ratePercent: 12,
  hsnPrefixes: ['6815', '69011000', '69041000', '69051000'],
  goods: 'bricks and roofing tiles (HSN 6815, 69011000, 69041000, 69051000)',
};

/** Oldest first. */
export const GST_RATE_PERIODS: readonly GstRatePeriod[] = [
  {
    from: '2017-07-01',
    general: [0, 0.1, 0.25, 1.5, 3, 5, 6, 12, 18, 28],
    keptForSomeGoods: [],
    source: 'Notification 1/2017-Central Tax (Rate) and its IGST and UTGST twins; 0.1% for merchant exports (40/2017-CTR)',
  },
  {
    from: '2025-09-22',
    general: [0, 0.1, 0.25, 1.5, 3, 5, 18, 40],
    keptForSomeGoods: [BRICKS_AT_12, TOBACCO_AT_28],
    source: 'Notification 9/2025-Central Tax (Rate) (GST 2.0), 14/2025-CTR (bricks at 12%); tobacco left at 28% until its cess ends',
  },
  {
    from: '2026-02-01',
    general: [0, 0.1, 0.25, 1.5, 3, 5, 18, 40],
    keptForSomeGoods: [BRICKS_AT_12],
    source: 'Notification 19/2025-Central Tax (Rate): Schedule VII (28%) omitted, tobacco moved to 40% and biris to 18%',
  },
];

/** Indian Standard Time is UTC+05:30 all year: a rate changes at midnight in India. */
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;

const indianDay = (date: Date): string => new Date(date.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);

/** The period in force on `date`; undefined before GST began (1 July 2017). */
export function gstRatePeriodOn(date: Date): GstRatePeriod | undefined {
  const day = indianDay(date);
  return [...GST_RATE_PERIODS].reverse().find((period) => period.from <= day);
}

/**
 * Why `ratePercent` cannot be charged on a line of HSN (or SAC) `code` on `date`, as a sentence
 * naming the rates that can; undefined when it is in force.
 */
export function rateNotInForce(ratePercent: number, code: string | undefined, date: Date): string | undefined {
  const period = gstRatePeriodOn(date);
  const day = indianDay(date);
  if (!period) return `no GST rate is in force on ${day}: GST began on 1 July 2017`;
  if (period.general.includes(ratePercent)) return undefined;
  const kept = period.keptForSomeGoods.find((rule) => rule.ratePercent === ratePercent);
  if (kept && code !== undefined && kept.hsnPrefixes.some((prefix) => code.startsWith(prefix))) return undefined;
  const onlyFor = kept ? `; ${ratePercent}% is kept only for ${kept.goods}` : '';
  return `${ratePercent}% is not a GST rate in force on ${day} (rates in force: ${period.general.map((r) => `${r}%`).join(', ')}${onlyFor})`;
}
