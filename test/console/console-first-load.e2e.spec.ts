import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createEventStore } from '@fulfil/event-store';
import { appendOrderWorkload } from '../../libs/read-models/src/testing/order-workload';
import { launchBrowser, openConsole, screenshot } from './support/console-browser';
import { startConsoleEngine, type ConsoleEngine } from './support/console-engine';

const ORDERS = 10_000;
/** The issue's target for the first load of the order list on loopback. */
const FIRST_LOAD_BUDGET_MS = 1000;

/**
 * First load of the order list with 10,000 orders in the store, in Chromium: from navigation
 * start to the first page of orders and the counts on screen, with a cold cache each time
 * (a fresh browser context). The median of three loads must be under a second. The orders are
 * written straight into the stopped engine's store by the domain's own decider (what 10,000
 * `POST /v1/orders` would write, in seconds instead of many minutes on a CI machine); the engine's
 * projections then catch up on start, as after an upgrade.
 */
describe('seller console first load with 10,000 orders', () => {
  let engine: ConsoleEngine;
  let browser: Browser;
  let seller: { sellerId: string; apiKey: string };

  beforeAll(async () => {
    engine = await startConsoleEngine({ LOG_LEVEL: 'error' });
    browser = await launchBrowser();
    seller = await engine.newSeller({ autoInvoice: false });
    const started = Date.now();
    let lastPosition = 0n;
    await engine.restart(async () => {
      const store = await createEventStore({ kind: 'embedded', dataDir: join(engine.dataDir, 'events') });
      try {
        lastPosition = (await appendOrderWorkload(store, { sellerIds: [seller.sellerId], orders: ORDERS, scenarios: ['received'], concurrentOrders: 64, orderIdPrefix: 'load-' })).lastPosition;
      } finally {
        await store.close();
      }
    });
    // The read models hold every order before the clock starts (minPosition waits up to 5 s a call).
    for (;;) {
      const { status } = await engine.call('GET', `/v1/orders?limit=1&minPosition=${lastPosition}`, seller.apiKey);
      if (status === 200) break;
      if (status !== 503) throw new Error(`read models did not answer: ${status}`);
    }
    process.stdout.write(`seeded and projected ${ORDERS} orders in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  it(`shows the first page of orders and the counts in under ${FIRST_LOAD_BUDGET_MS} ms`, async () => {
    const loads: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const tab = await openConsole(browser, engine.baseUrl, { sellerKey: seller.apiKey });
      await tab.page.goto('/console/');
      await tab.page.locator('table.orders tbody tr').nth(49).waitFor({ timeout: 10_000 });
      await tab.page.locator('[data-count="Awaiting invoice"]', { hasText: String(ORDERS) }).waitFor({ timeout: 10_000 });
      loads.push(await tab.page.evaluate(() => performance.now()));
      if (run === 0) await screenshot(tab.page, 'orders-10000');
      expect(tab.errors()).toEqual([]);
      await tab.context.close();
    }
    const median = [...loads].sort((a, b) => a - b)[1]!;
    process.stdout.write(`console first load with ${ORDERS} orders: ${loads.map((ms) => `${Math.round(ms)} ms`).join(', ')} (median ${Math.round(median)} ms, budget ${FIRST_LOAD_BUDGET_MS} ms)\n`);
    expect(median).toBeLessThan(FIRST_LOAD_BUDGET_MS);
  }, 120_000);
});
