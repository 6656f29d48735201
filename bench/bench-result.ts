/** One figure of a benchmark run, printed beside the baseline measured in the same process. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  notes?: string;
}

/** A figure tracked across runs under a stable key: the median of per-round values, with their range. */
export interface Figure {
  median: number;
  min: number;
  max: number;
}

/** What a benchmark section hands the report: rows for the table, and keyed figures for `latest.json`. */
export interface BenchSection {
  results: BenchResult[];
  figures: Record<string, Figure | number>;
}
