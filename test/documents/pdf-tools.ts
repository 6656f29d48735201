import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Reads rendered PDFs back the way a person or a scanner would: poppler for text, page sizes and
 * rasterising, zbar for barcodes. CI installs them in .ci/run.
 */
const INSTALL_HINT = 'install them with: apt-get install -y poppler-utils zbar-tools';

/** Fails the suite up front, with the fix, when a tool is missing. */
export function assertDocumentToolsInstalled(): void {
  const missing = ['pdftotext', 'pdfinfo', 'pdftoppm', 'zbarimg'].filter((tool) => !isInstalled(tool));
  if (missing.length > 0) throw new Error(`Document tests need ${missing.join(', ')}; ${INSTALL_HINT}`);
}

function isInstalled(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The PDF's text laid out as on the page (`pdftotext -layout`). */
export function pdfText(pdf: Buffer): string {
  return withPdfFile(pdf, (file) => run('pdftotext', ['-layout', file, '-']));
}

/** Each page's size in points, e.g. "288 x 432". */
export function pageSizes(pdf: Buffer): string[] {
  const info = withPdfFile(pdf, (file) => run('pdfinfo', ['-f', '1', '-l', '1000', file]));
  return [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+ x [\d.]+) pts/gm)].map((match) => match[1] ?? '');
}

/** The document information dictionary as pdfinfo prints it, dates in UTC. */
export function pdfInfo(pdf: Buffer): string {
  return withPdfFile(pdf, (file) => run('pdfinfo', [file]));
}

/**
 * Every barcode zbar finds on a page rendered at 300 dpi, as "SYMBOLOGY:data"
 * (e.g. "CODE-128:1490810022345", "QR-Code:SHP-1"), sorted.
 */
export function decodeBarcodes(pdf: Buffer, page: number): string[] {
  return withPdfFile(pdf, (file, dir) => {
    run('pdftoppm', ['-r', '300', '-png', '-f', String(page), '-l', String(page), file, join(dir, 'page')]);
    const image = readdirSync(dir).find((name) => name.endsWith('.png'));
    if (!image) throw new Error(`pdftoppm rendered no page ${page}`);
    return run('zbarimg', ['-q', join(dir, image)], [0, 4])
      .split('\n')
      .filter((line) => line.length > 0)
      .sort();
  });
}

function withPdfFile<T>(pdf: Buffer, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'documents-spec-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** zbarimg exits 4 when it finds no barcode; that is an answer (none), not a failure. */
function run(tool: string, args: string[], okExitCodes: number[] = [0]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { status?: number; stdout?: string };
    if (failure.code === 'ENOENT') throw new Error(`${tool} is not installed; ${INSTALL_HINT}`);
    if (failure.status !== undefined && okExitCodes.includes(failure.status)) return failure.stdout ?? '';
    throw error;
  }
}

/**
 * A regular expression for one table row of `pdftotext -layout` output: the cells in order,
 * separated by any run of spaces.
 */
export function row(...cells: string[]): RegExp {
  return new RegExp(cells.map((cell) => cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
}

/** Layout text with every run of white space collapsed, for phrases that may wrap. */
export function flattened(text: string): string {
  return text.replace(/\s+/g, ' ');
}
