import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { FIGURES_FILE } from './paths';

export interface Figure {
  suite: string;
  name: string;
  value: number;
}

/** Records a figure for the summary the suite prints at the end (jest workers are separate processes, hence a file). */
export function recordFigure(suite: string, name: string, value: number): void {
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ suite, name, value } satisfies Figure)}\n`);
}

/** Figures of the same suite and name add up (several stores, several surfaces). */
export function readFigures(): Figure[] {
  if (!existsSync(FIGURES_FILE)) return [];
  const totals = new Map<string, Figure>();
  for (const line of readFileSync(FIGURES_FILE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const figure = JSON.parse(line) as Figure;
    const key = `${figure.suite}\u0000${figure.name}`;
    const seen = totals.get(key);
    totals.set(key, seen ? { ...seen, value: seen.value + figure.value } : figure);
  }
  return [...totals.values()];
}
