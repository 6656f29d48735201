import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, which .ci/run does): no browser download at install. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Screenshots of every page the tests visit, for a person to look at after a run (gitignored). */
export const ARTIFACTS = resolve(__dirname, '../../../test-artifacts/console');

/** The machine has no network but loopback: these flags keep Chromium from trying to reach one. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions the page raised, apart from the HTTP refusals the test provoked on purpose. */
  errors: () => string[];
  /** The browser logs every 4xx answer as an error; a test that provokes refusals says which statuses it expects. */
  expectRefusals: (...statuses: number[]) => void;
}

export async function openConsole(browser: Browser, baseUrl: string, options: { width?: number; height?: number; sellerKey?: string } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, baseURL: baseUrl });
  if (options.sellerKey) {
    const key = options.sellerKey;
    await context.addInitScript((value: string) => sessionStorage.setItem('fulfil.console.sellerKey', value), key);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const refusals = new Set<number>();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const refused = /the server responded with a status of (\d{3})/.exec(message.text());
    if (refused && refusals.has(Number(refused[1]))) return;
    errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { context, page, errors: () => [...errors], expectRefusals: (...statuses) => statuses.forEach((s) => refusals.add(s)) };
}

export async function signIn(page: Page, sellerKey: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('Seller API key').fill(sellerKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Every page the tests show: no serious accessibility finding, and a screenshot for the record. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousViolations(page)).toEqual([]);
}

/** True when nothing on the page is wider than the window: readable on a phone without sideways scrolling. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
