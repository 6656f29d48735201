import type { Browser } from 'playwright-core';
import { until } from '../support/until';
import { checkPage, launchBrowser, openConsole, signIn, type ConsolePage } from './support/console-browser';
import { orderBody, startConsoleEngine, type ConsoleEngine } from './support/console-engine';
import { act, buyerOtp, orderStatus } from './support/console-steps';

/** A 1×1 PNG the API takes as a photo. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');

/**
 * The ways forward when a shipment goes wrong, by clicks in Debian's Chromium against `npm start`'s
 * engine. Each describe hosts a sandbox network whose partners misbehave in one way (README
 * "Sandbox partner behaviours"), so one engine runs at a time on this two-core machine.
 */
describe('seller console: the ways forward when a shipment goes wrong', () => {
  let browser: Browser;
  const tabs: ConsolePage[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const open = async (engine: ConsoleEngine, sellerKey?: string): Promise<ConsolePage> => {
    const tab = await openConsole(browser, engine.baseUrl, sellerKey ? { sellerKey } : {});
    tabs.push(tab);
    return tab;
  };

  const receiveOrder = async (engine: ConsoleEngine, key: string, phone: string): Promise<string> => {
    const { status, body } = await engine.call<{ orderId: string }>('POST', '/v1/orders', key, orderBody(phone));
    expect(status).toBe(201);
    return body.orderId;
  };

  describe('when no partner answers the search', () => {
    let engine: ConsoleEngine;
    let seller: { sellerId: string; apiKey: string };

    beforeAll(async () => {
      // The only partner on the network never answers a search; a short search window ends it quickly.
      engine = await startConsoleEngine({ SANDBOX_PARTNERS: 'silent', ONDC_SEARCH_WINDOW_MS: '1500' });
      seller = await engine.newSeller({ autoInvoice: false, autoManifest: false });
    }, 300_000);

    afterAll(async () => {
      await engine?.stop();
    });

    it('searches again, then switches the shipment to off-network, ships it with a photo and delivers it with the OTP', async () => {
      const tab = await open(engine);
      const { page } = tab;
      const phone = '9123400011';
      await signIn(page, seller.apiKey);
      const orderId = await receiveOrder(engine, seller.apiKey, phone);
      await page.getByRole('link', { name: orderId }).click();
      await act(page, 'Generate invoice');
      await page.getByLabel('Shipping mode').selectOption('on-network');
      await act(page, 'Ship now');
      await act(page, 'Ready to ship');
      // The search ends with nobody: the page offers the ways forward without a reload.
      await page.locator('[data-testid=shipment-status]', { hasText: 'no partner found' }).waitFor({ timeout: 60_000 });
      for (const action of ['Search for a partner again', 'Switch to off-network', 'Cancel this shipment']) await page.getByRole('button', { name: action, exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Ready to ship', exact: true }).count()).toBe(0);
      expect(await page.locator('ol.timeline').innerText()).toContain('NoLogisticsPartnerFound');
      await checkPage(page, 'order-no-partner-found');

      // Searching again asks the network anew; nobody answers this time either.
      await act(page, 'Search for a partner again');
      await until('the second search to find nobody', async () => ((await page.locator('ol.timeline').innerText()).match(/NoLogisticsPartnerFound/g) ?? []).length === 2, 60_000);
      await page.getByRole('button', { name: 'Switch to off-network', exact: true }).waitFor();
      await act(page, 'Switch to off-network');
      expect(await page.locator('.shipments').innerText()).toContain('off network');
      await act(page, 'Ready to ship');
      await page.getByLabel('Courier').fill('DTDC');
      await page.getByLabel('Tracking number').fill('D98765432');
      // A photo of the handed-over parcel goes as a multipart file part named `images`.
      await page.getByLabel('Photos (up to 5)').setInputFiles({ name: 'handover.png', mimeType: 'image/png', buffer: PNG });
      await act(page, 'Mark shipped');
      await orderStatus(page, 'shipped');
      // The photo reached the shipment: the page counts it, and so does the API.
      expect(await page.locator('.shipments').innerText()).toMatch(/DTDC D98765432 · 1 photo/);
      const { body } = await engine.call<{ shipments: Array<{ mode: string; imageCount: number }> }>('GET', `/v1/orders/${orderId}`, seller.apiKey);
      expect(body.shipments.at(-1)).toMatchObject({ mode: 'off-network', imageCount: 1 });

      await page.getByLabel('Delivery OTP from the buyer').fill(await buyerOtp(engine, orderId, phone));
      await act(page, 'Confirm delivery');
      await orderStatus(page, 'delivered');
      const story = await page.locator('ol.timeline').innerText();
      for (const event of ['NoLogisticsPartnerFound', 'ShipmentModeSwitched', 'ShipmentMarkedShipped', 'ShipmentDelivered']) expect(story).toContain(event);
      await checkPage(page, 'order-delivered-after-switch');
      expect(tab.errors()).toEqual([]);
    }, 150_000);

    it("records the seller's own courier failing to deliver, re-attempts, and delivers with the OTP", async () => {
      const tab = await open(engine, seller.apiKey);
      const { page } = tab;
      const phone = '9123400012';
      const orderId = await receiveOrder(engine, seller.apiKey, phone);
      await page.goto(`/console/#/orders/${orderId}`);
      await act(page, 'Generate invoice');
      await page.getByLabel('Shipping mode').selectOption('off-network');
      await act(page, 'Ship now');
      await act(page, 'Ready to ship');
      await page.getByLabel('Courier').fill('Blue Dart');
      await page.getByLabel('Tracking number').fill('BD555000111');
      await act(page, 'Mark shipped');
      await orderStatus(page, 'shipped');

      await act(page, 'Delivery failed');
      await page.locator('[data-testid=shipment-status]', { hasText: 'delivery failed' }).waitFor();
      await page.getByRole('button', { name: 'Parcel came back', exact: true }).waitFor();
      await checkPage(page, 'order-off-network-delivery-failed');
      await act(page, 'Re-attempt');
      await page.locator('[data-testid=shipment-status]', { hasText: /^shipped$/ }).waitFor();

      await page.getByLabel('Delivery OTP from the buyer').fill(await buyerOtp(engine, orderId, phone));
      await act(page, 'Confirm delivery');
      await orderStatus(page, 'delivered');
      const story = await page.locator('ol.timeline').innerText();
      for (const event of ['ShipmentAttemptFailed', 'ShipmentReattemptRequested', 'ShipmentDelivered']) expect(story).toContain(event);
      await checkPage(page, 'order-delivered-after-reattempt-off-network');
      expect(tab.errors()).toEqual([]);
    }, 120_000);
  });

  describe('when the partner fails the first delivery', () => {
    let engine: ConsoleEngine;
    let seller: { sellerId: string; apiKey: string };

    beforeAll(async () => {
      engine = await startConsoleEngine({ SANDBOX_PARTNERS: 'troublemaker:fail-delivery-once' });
      seller = await engine.newSeller({ autoInvoice: false, autoManifest: false });
    }, 300_000);

    afterAll(async () => {
      await engine?.stop();
    });

    it('shows the failed delivery and the needs-attention count, and the re-attempt delivers it', async () => {
      const tab = await open(engine);
      const { page } = tab;
      await signIn(page, seller.apiKey);
      const orderId = await receiveOrder(engine, seller.apiKey, '9123400013');
      await page.getByRole('link', { name: orderId }).click();
      await act(page, 'Generate invoice');
      await page.getByLabel('Shipping mode').selectOption('on-network');
      await act(page, 'Ship now');
      await act(page, 'Ready to ship');
      // The partner's failed attempt reaches the page by polling, with the seller's two answers.
      await page.locator('[data-testid=shipment-status]', { hasText: 'delivery failed' }).waitFor({ timeout: 90_000 });
      for (const action of ['Re-attempt', 'Return to me']) await page.getByRole('button', { name: action, exact: true }).waitFor();
      expect(await page.locator('ol.timeline').innerText()).toContain('ShipmentAttemptFailed');
      await checkPage(page, 'order-on-network-delivery-failed');

      await page.getByRole('link', { name: '← Orders' }).click();
      await page.locator('[data-count="Needs attention"]', { hasText: /^1$/ }).waitFor();
      await checkPage(page, 'orders-needs-attention');

      await page.getByRole('link', { name: orderId }).click();
      await act(page, 'Re-attempt');
      await orderStatus(page, 'delivered', 90_000);
      const story = await page.locator('ol.timeline').innerText();
      for (const event of ['ShipmentAttemptFailed', 'ShipmentReattemptRequested', 'ShipmentDelivered']) expect(story).toContain(event);
      expect(await page.locator('[data-testid=shipment-status]').textContent()).toBe('delivered');
      await checkPage(page, 'order-delivered-after-reattempt-on-network');

      await page.getByRole('link', { name: '← Orders' }).click();
      await page.locator('[data-count="Needs attention"]', { hasText: /^0$/ }).waitFor();
      expect(tab.errors()).toEqual([]);
    }, 180_000);
  });
});
