import type { Browser } from 'playwright-core';
import { checkPage, launchBrowser, openConsole, signIn, type ConsolePage } from './support/console-browser';
import { orderBody, startConsoleEngine, type ConsoleEngine } from './support/console-engine';
import { act, orderStatus } from './support/console-steps';

/**
 * A partner that weighs the parcel after pickup and charges for the extra weight (ONDC LOG11
 * weight differential), by clicks in Debian's Chromium against `npm start`'s engine: the order page
 * shows both weights and the charge, and the seller accepts or disputes it there.
 */
describe('seller console: a weight differential after pickup', () => {
  let browser: Browser;
  let engine: ConsoleEngine;
  let seller: { sellerId: string; apiKey: string };
  const tabs: ConsolePage[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    // The order declares 800 g; the only partner weighs every parcel at 2.6 kg and charges a surge within the seller's cap.
    engine = await startConsoleEngine({ SANDBOX_PARTNERS: 'cheap-slow:weighs=2600:surge=1500' });
    seller = await engine.newSeller({ autoInvoice: false, autoManifest: false, maxSurgeFeePaise: 2000 });
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
    await browser?.close();
  });

  const shipOnNetwork = async (phone: string): Promise<ConsolePage> => {
    const tab = await openConsole(browser, engine.baseUrl);
    tabs.push(tab);
    const { page } = tab;
    await signIn(page, seller.apiKey);
    const { status, body } = await engine.call<{ orderId: string }>('POST', '/v1/orders', seller.apiKey, orderBody(phone));
    expect(status).toBe(201);
    await page.getByRole('link', { name: body.orderId }).click();
    await act(page, 'Generate invoice');
    await page.getByLabel('Shipping mode').selectOption('on-network');
    await act(page, 'Ship now');
    await act(page, 'Ready to ship');
    return tab;
  };

  it('shows the declared and measured weights, the charge and its GST, and the surge paid; accepting records it', async () => {
    const tab = await shipOnNetwork('9123400021');
    const { page } = tab;
    // The partner's differential reaches the page by polling, with the seller's two answers.
    await page.locator('[data-testid=weight-differential-status]', { hasText: 'pending' }).waitFor({ timeout: 90_000 });
    const shown = await page.locator('[data-testid=weight-differential]').innerText();
    expect(shown).toContain('declared 0.8 kg, the partner measured 2.6 kg');
    expect(shown).toMatch(/charge ₹40\.00 \+ GST ₹7\.20/);
    expect(await page.locator('.shipments').innerText()).toMatch(/surge ₹17\.70 incl\. GST/);
    await checkPage(page, 'order-weight-differential-pending');

    await act(page, 'Accept the weight charge');
    await page.locator('[data-testid=weight-differential-status]', { hasText: 'accepted' }).waitFor();
    expect(await page.getByRole('button', { name: 'Dispute the weight charge', exact: true }).count()).toBe(0);
    await orderStatus(page, 'delivered', 90_000);
    expect(await page.locator('ol.timeline').innerText()).toContain('WeightDifferentialAccepted');
    expect(tab.errors()).toEqual([]);
  }, 180_000);

  it('disputing with a reason records the dispute and shows it', async () => {
    const tab = await shipOnNetwork('9123400022');
    const { page } = tab;
    await page.locator('[data-testid=weight-differential-status]', { hasText: 'pending' }).waitFor({ timeout: 90_000 });
    await page.getByLabel('Why (optional)').fill('Weighed 800 g at dispatch');
    await act(page, 'Dispute the weight charge');
    await page.locator('[data-testid=weight-differential-status]', { hasText: 'disputed' }).waitFor();
    expect(await page.locator('[data-testid=weight-differential]').innerText()).toContain('Weighed 800 g at dispatch');
    await checkPage(page, 'order-weight-differential-disputed');
    expect(tab.errors()).toEqual([]);
  }, 180_000);
});
