import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, Figure } from './bench-result';

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; os: string; node: string };
  results: BenchResult[];
  /** Keyed figures (`store.append_over_raw`, …), the ones issues and ADRs name; also written to `latest.json`. */
  figures: Record<string, Figure | number>;
}

export function machine(): BenchReport['machine'] {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${osType()} ${release()}`,
    node: process.version,
  };
}

const format = (value: number): string => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2));

/** A markdown table: each figure beside its same-run baseline and their ratio. */
export function markdown(report: BenchReport): string {
  const m = report.machine;
  const rows = report.results.map((r) => {
    const ratio = r.baseline && r.baseline.value > 0 ? `${(r.value / r.baseline.value).toFixed(3)}` : '';
    const baseline = r.baseline ? `${r.baseline.name}: ${format(r.baseline.value)}` : '';
    return `| ${r.name} | ${format(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.notes ?? ''} |`;
  });
  return [
    `# Benchmark report, ${report.startedAt}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Shared machines are noisy: read ratios, not absolutes.`,
    '',
    '| figure | value | baseline (same run) | ratio | notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(Object.keys(report.figures).length > 0 ? ['| key | median | min | max |', '| --- | --- | --- | --- |', ...Object.entries(report.figures).map(([key, f]) => (typeof f === 'number' ? `| ${key} | ${format(f)} | | |` : `| ${key} | ${format(f.median)} | ${format(f.min)} | ${format(f.max)} |`)), ''] : []),
  ].join('\n');
}

export function writeReport(report: BenchReport, directory: string): { markdownFile: string; jsonFile: string } {
  mkdirSync(directory, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const markdownFile = join(directory, `bench-${stamp}.md`);
  const jsonFile = join(directory, `bench-${stamp}.json`);
  writeFileSync(markdownFile, markdown(report));
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(directory, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { markdownFile, jsonFile };
}
