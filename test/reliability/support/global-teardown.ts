import { readFigures } from './figures';

/** Prints the figures a platform engineer can quote, grouped by suite. */
export default function globalTeardown(): void {
  const figures = readFigures();
  if (figures.length === 0) return;
  const width = Math.max(...figures.map((f) => f.name.length));
  const lines = ['', `Reliability figures (budget: ${process.env['RELIABILITY_BUDGET'] ?? 'full'})`];
  let suite = '';
  for (const figure of figures) {
    if (figure.suite !== suite) {
      suite = figure.suite;
      lines.push(`  ${suite}`);
    }
    lines.push(`    ${figure.name.padEnd(width)}  ${figure.value}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
