/** One figure of a benchmark run, printed beside the baseline measured in the same process. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  notes?: string;
}
