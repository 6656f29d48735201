import type { Browser } from 'playwright-core';
import { until } from '../support/until';
import { ARTIFACTS, checkPage, fitsWidth, launchBrowser, openConsole, signIn, type ConsolePage } from './support/console-browser';
import { orderBody, startConsoleEngine, type ConsoleEngine } from './support/console-engine';
import { act, buyerOtp, orderStatus } from './support/console-steps';

/**
 * The seller console in Debian's Chromium against `npm start`'s engine (built, own ONDC sandbox):
 * every flow by clicks in the browser, which talks to the public API only. Orders arrive over the
 * API, as a storefront sends them; everything after that is done in the console.
 */
describe('seller console in a real browser', () => {
  let engine: ConsoleEngine;
  let browser: Browser;
  let seller: { sellerId: string; apiKey: string };
  const pages: ConsolePage[] = [];

  beforeAll(async () => {
    engine = await startConsoleEngine();
    browser = await launchBrowser();
    seller = await engine.newSeller({ autoInvoice: false, autoManifest: false });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  const open = async (options: { width?: number; sellerKey?: string } = {}): Promise<ConsolePage> => {
    const opened = await openConsole(browser, engine.baseUrl, options);
    pages.push(opened);
    return opened;
  };

  const receiveOrder = async (key: string, body = orderBody()): Promise<string> => {
    const { status, body: answer } = await engine.call<{ orderId: string }>('POST', '/v1/orders', key, body);
    expect(status).toBe(201);
    return answer.orderId;
  };

  const status = orderStatus;

  it('takes an off-network order from received to delivered by clicks alone', async () => {
    const tab = await open();
    const { page } = tab;
    const phone = '9123400001';
    await signIn(page, seller.apiKey);
    const orderId = await receiveOrder(seller.apiKey, orderBody(phone));
    // The list follows the read models: the new order appears without a reload.
    await page.getByRole('link', { name: orderId }).click();
    await status(page, 'received');
    await checkPage(page, 'order-received');

    await act(page, 'Generate invoice');
    await status(page, 'invoiced');
    await page.getByLabel('Shipping mode').selectOption('off-network');
    await act(page, 'Ship now');
    await act(page, 'Ready to ship');
    await page.getByLabel('Courier').fill('Blue Dart');
    await page.getByLabel('Tracking number').fill('BD123456789');
    await act(page, 'Mark shipped');
    await status(page, 'shipped');

    const otp = await buyerOtp(engine, orderId, phone);
    await page.getByLabel('Delivery OTP from the buyer').fill(otp);
    await act(page, 'Confirm delivery');
    await status(page, 'delivered');
    // The WhatsApp messages sent about the order: the buyer's OTP message is there, its code is not.
    const chats = page.locator('[data-testid=whatsapp-messages]');
    await chats.filter({ hasText: `The buyer's delivery OTP for order ${orderId}` }).waitFor();
    expect(await chats.innerText()).toContain(`Sent to …${phone.slice(-4)}`);
    expect(await page.locator('main').innerText()).not.toContain(otp);
    const story = await page.locator('ol.timeline').innerText();
    for (const event of ['OrderReceived', 'InvoiceGenerated', 'ShipmentCreated', 'ShipmentMarkedReadyToShip', 'ShipmentMarkedShipped', 'ShipmentDelivered']) expect(story).toContain(event);
    expect(story).toContain('Seller over HTTP');

    // Documents preview inline: the invoice opens in the page as a PDF.
    await page.getByRole('button', { name: /^Tax invoice CON\// }).click();
    const preview = page.locator('iframe[title^="Preview: Tax invoice"]');
    await preview.waitFor();
    const head = await page.evaluate(async (src) => new TextDecoder().decode((await (await fetch(src)).arrayBuffer()).slice(0, 5)), (await preview.getAttribute('src'))!);
    expect(head).toBe('%PDF-');
    await checkPage(page, 'order-delivered-off-network');
    expect(tab.errors()).toEqual([]);
  }, 120_000);

  it('takes an on-network order to delivered: partner found over ONDC, its reports shown live', async () => {
    const tab = await open();
    const { page } = tab;
    await signIn(page, seller.apiKey);
    const orderId = await receiveOrder(seller.apiKey);
    await page.getByRole('link', { name: orderId }).click();
    await act(page, 'Generate invoice');
    await page.getByLabel('Shipping mode').selectOption('on-network');
    await page.getByLabel('Delivery category').selectOption('Standard Delivery');
    await act(page, 'Ship now');
    expect(await page.locator('ul.shipments').innerText()).toContain('Standard Delivery');
    await act(page, 'Ready to ship');
    // No reload from here: the partner's reports reach the page by polling the read models.
    await status(page, 'delivered', 90_000);
    const story = await page.locator('ol.timeline').innerText();
    expect(story).toContain('LogisticsPartnerAssigned');
    expect(story).toMatch(/Partner over ONDC/);
    const messages = await page.locator('section[aria-labelledby=ondc-title]').innerText();
    for (const type of ['SearchSent', 'CatalogReceived', 'ConfirmSent', 'CallbackReceived']) expect(messages).toContain(type);
    expect(await page.locator('[data-testid=shipment-status]').textContent()).toBe('delivered');
    await checkPage(page, 'order-delivered-on-network');

    // An issue with the partner, by clicks: raised, the partner's refund offered, accepted, resolved by the partner, closed.
    const shipmentId = await page.locator('ul.shipments li').first().getAttribute('data-shipment-id');
    await page.getByLabel('What went wrong').selectOption('delayed');
    await page.getByLabel('Describe it for the partner').fill('Delivered two days after the promised date');
    await act(page, `Raise an issue about ${shipmentId}`);
    const issue = page.locator('ul.issues > li').first();
    await until('the partner’s offer', async () => (await issue.getByTestId('issue-proposal').count()) === 1);
    expect(await issue.getByTestId('issue-proposal').innerText()).toContain('₹50.00');
    await act(page, 'Accept the resolution');
    await until('the partner resolving it', async () => (await issue.getByTestId('issue-status').textContent()) === 'resolved');
    await act(page, 'Close, satisfied');
    expect(await issue.getByTestId('issue-status').textContent()).toBe('closed');
    expect(await issue.locator('ol.history').innerText()).toMatch(/You: opened[\s\S]*resolution proposed[\s\S]*You: resolution accepted[\s\S]*resolved[\s\S]*You: closed/);
    await checkPage(page, 'order-issue-closed');
    expect(tab.errors()).toEqual([]);
  }, 180_000);

  it('marks many orders ready to ship at once, with a result per row, and prints their labels as one PDF', async () => {
    const bulkSeller = await engine.newSeller({ autoInvoice: true });
    const ids: string[] = [];
    for (const name of ['Ravi Menon', 'Zoya Qureshi', 'Anil Rao']) ids.push(await receiveOrder(bulkSeller.apiKey, orderBody('9123400002', name)));
    // Two orders packed (a shipment each), the third invoiced only: it has nothing to mark ready.
    for (const orderId of ids.slice(0, 2)) {
      await until(`order ${orderId} invoiced`, async () => (await engine.call<{ status: string }>('GET', `/v1/orders/${orderId}`, bulkSeller.apiKey)).body.status === 'invoiced');
      expect((await engine.call('POST', `/v1/orders/${orderId}/shipments`, bulkSeller.apiKey, { mode: 'off-network' })).status).toBe(201);
    }
    const tab = await open();
    const { page } = tab;
    await signIn(page, bulkSeller.apiKey);
    await page.locator('[data-count="Awaiting ready to ship"]', { hasText: '2' }).waitFor();
    for (const orderId of ids) await page.getByLabel(`Select order ${orderId}`).check();
    await page.getByRole('button', { name: 'Mark ready to ship' }).click();
    await page.getByRole('heading', { name: 'Ready to ship: 2 done, 1 failed' }).waitFor();
    const rows = page.locator('table.results tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('table.results tr[data-result=failed]').innerText()).toContain('SHIPMENT_NOT_FOUND');
    expect(await page.locator('table.results tr[data-result=ok]').count()).toBe(2);
    // The counts were read after the writes: nothing is left awaiting ready to ship.
    expect(await page.locator('[data-count="Awaiting ready to ship"]').innerText()).toBe('0');

    await page.getByRole('button', { name: 'Labels PDF' }).click();
    const labels = page.locator('iframe[title="Labels PDF"]');
    await labels.waitFor();
    const pdf = await page.evaluate(async (src) => new TextDecoder().decode(await (await fetch(src)).arrayBuffer()), (await labels.getAttribute('src'))!);
    expect(pdf.startsWith('%PDF-')).toBe(true);
    await checkPage(page, 'orders-bulk-results');

    // Search narrows the list to one buyer.
    await page.getByLabel('Search').fill('zoya');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until('the search to narrow the list', async () => (await page.locator('table.orders tbody tr').count()) === 1);
    expect(await page.locator('table.orders tbody tr').innerText()).toContain('Zoya Qureshi');
    expect(tab.errors()).toEqual([]);
  }, 120_000);

  it('shows a refused action with the fields of its problem document, and changes nothing', async () => {
    const tab = await open({ sellerKey: seller.apiKey });
    const { page } = tab;
    tab.expectRefusals(400);
    const orderId = await receiveOrder(seller.apiKey);
    await page.goto(`/console/#/orders/${orderId}`);
    await page.getByLabel(/^Invoice number/).fill('0123');
    await page.getByRole('button', { name: 'Generate invoice' }).click();
    const alert = page.getByRole('form', { name: 'Generate invoice' }).getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('Bad request (400 VALIDATION_FAILED)');
    expect(text).toContain('invoiceNumber: must not start with "0"');
    await status(page, 'received');
    await checkPage(page, 'order-refused-action');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it('cancels an order for a reason chosen from the buyer-side and merchant-side reasons, and shows it on the shipment', async () => {
    const tab = await open({ sellerKey: seller.apiKey });
    const { page } = tab;
    const orderId = await receiveOrder(seller.apiKey);
    await page.goto(`/console/#/orders/${orderId}`);
    await act(page, 'Generate invoice');
    await act(page, 'Ship now');
    const select = page.getByLabel('Why the order is cancelled');
    // The reasons come from the API, grouped by who asked for the cancellation.
    await until('the reasons to load', async () => (await select.locator('option').count()) > 1);
    expect(await select.locator('optgroup').evaluateAll((groups) => groups.map((g) => g.getAttribute('label')))).toEqual(['The buyer', 'You (the merchant)']);
    await select.selectOption('item-out-of-stock');
    await page.getByLabel('In your words (optional)').fill('Last saree sold in the shop');
    await act(page, 'Cancel order');
    await status(page, 'cancelled');
    await page.locator('[data-testid=cancellation-reason]', { hasText: 'cancelled by the seller: Last saree sold in the shop' }).waitFor();
    expect(await page.locator('ol.timeline').innerText()).toContain('OrderCancelled');
    await checkPage(page, 'order-cancelled-with-reason');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it("never reaches another seller's order: it reads as not found, and their list does not hold it", async () => {
    const orderId = await receiveOrder(seller.apiKey);
    const other = await engine.newSeller();
    const tab = await open();
    const { page } = tab;
    tab.expectRefusals(404);
    await signIn(page, other.apiKey);
    expect(await page.getByRole('link', { name: orderId }).count()).toBe(0);
    await page.goto(`/console/#/orders/${orderId}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('404 ORDER_NOT_FOUND');
    await checkPage(page, 'order-of-another-seller');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it('changes settings validated as the API validates them', async () => {
    const tab = await open({ sellerKey: seller.apiKey });
    const { page } = tab;
    await page.goto('/console/#/settings');
    await page.getByLabel('Invoice number prefix').fill('TOO-LONG-PREFIX');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#s-invoicePrefix-error').innerText()).toBe('must be 1 to 11 characters');
    await page.getByLabel('Invoice number prefix').fill('SHOP/');
    await page.getByLabel('Weight (g)').fill('900');
    await page.getByLabel('Length (cm)').fill('30');
    await page.getByLabel('Width (cm)').fill('20');
    await page.getByLabel('Height (cm)').fill('300');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#s-heightCm-error').innerText()).toBe('must be from 0.1 to 200 cm');
    await page.getByLabel('Height (cm)').fill('8');
    await page.getByLabel('Default shipping mode').selectOption('off-network');
    await page.getByLabel('ONDC delivery category').selectOption('Next Day Delivery');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const { body } = await engine.call<{ settings: Record<string, unknown> }>('GET', '/v1/seller', seller.apiKey);
    expect(body.settings).toMatchObject({ invoicePrefix: 'SHOP/', defaultShippingMode: 'off-network', deliveryCategory: 'Next Day Delivery', defaultPackage: { weightGrams: 900, lengthCm: 30, widthCm: 20, heightCm: 8 } });
    await checkPage(page, 'settings');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it('is usable by keyboard alone', async () => {
    const orderId = await receiveOrder(seller.apiKey);
    const tab = await open();
    const { page } = tab;
    await page.goto('/console/');
    const tabTo = async (matches: (el: { id: string; text: string }) => boolean) => {
      for (let i = 0; i < 80; i += 1) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent ?? '' }));
        if (matches(focused)) return;
      }
      throw new Error('focus never reached the element');
    };
    await tabTo((el) => el.id === 'seller-key');
    await page.keyboard.type(seller.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: orderId }).waitFor();
    await tabTo((el) => el.text === orderId);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: new RegExp(`Order ${orderId}`) }).waitFor();
    await tabTo((el) => el.text === 'Generate invoice');
    await page.keyboard.press('Enter');
    await status(page, 'invoiced');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it("reads on a phone's width without sideways scrolling", async () => {
    const orderId = await receiveOrder(seller.apiKey);
    const tab = await open({ width: 390, sellerKey: seller.apiKey });
    const { page } = tab;
    await page.goto('/console/#/orders');
    await page.getByRole('link', { name: orderId }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await checkPage(page, 'orders-phone');
    await page.getByRole('link', { name: orderId }).click();
    await status(page, 'received');
    expect(await fitsWidth(page)).toBe(true);
    await checkPage(page, 'order-phone');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it('shows operators the sellers, each projection with its lag, and the ONDC partners with their outcomes', async () => {
    const tab = await open();
    const { page } = tab;
    await page.goto('/console/#/operator');
    await page.getByLabel('Platform key').fill(engine.platformKey);
    await page.getByRole('button', { name: 'Open operator view' }).click();
    await page.getByRole('heading', { name: /^Sellers \(\d+\)$/ }).waitFor();
    expect(await page.locator('section[aria-labelledby=sellers-title]').innerText()).toContain(seller.sellerId);
    await page.locator('tr[data-projection]').first().waitFor();
    expect(await page.locator('tr[data-projection]').count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-projection]').first().innerText()).toMatch(/live|catching up/);
    // The on-network order went to a partner that delivered it.
    await page.locator('tr[data-partner]').first().waitFor();
    const partners = await page.locator('section[aria-labelledby=partners-title]').innerText();
    expect(partners).toMatch(/lsp\.ondc-sandbox\.local/);
    await checkPage(page, 'operator');
    expect(tab.errors()).toEqual([]);
  }, 60_000);

  it('shows the orders page with its counts, filters and selection, and keeps the key for the tab only', async () => {
    const tab = await open();
    const { page } = tab;
    await signIn(page, seller.apiKey);
    await page.locator('table.orders tbody tr').first().waitFor();
    for (const count of ['Awaiting invoice', 'Awaiting ready to ship', 'Needs attention', 'Overdue']) expect(await page.locator(`[data-count="${count}"]`).innerText()).toMatch(/^\d+$/);
    expect(await page.evaluate(() => ({ session: sessionStorage.getItem('fulfil.console.sellerKey'), local: localStorage.length, cookies: document.cookie }))).toEqual({ session: seller.apiKey, local: 0, cookies: '' });
    await checkPage(page, 'orders');
    // The README's picture (docs/console-orders.png is a copy): the top of the list, as a seller first sees it.
    await page.setViewportSize({ width: 1100, height: 640 });
    await page.screenshot({ path: `${ARTIFACTS}/readme-orders.png` });
    expect(tab.errors()).toEqual([]);
  }, 60_000);
});
