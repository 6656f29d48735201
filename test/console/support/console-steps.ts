import type { Page } from 'playwright-core';
import { until } from '../../support/until';
import type { ConsoleEngine } from './console-engine';

/** Waits until the order page's status badge reads `text`. */
export const orderStatus = (page: Page, text: string, timeout = 15_000) => page.locator('[data-testid=order-status]', { hasText: text }).waitFor({ timeout });

/** Clicks an action's button and waits for its result, which is shown only once the read models hold the write (the console waits with minPosition). */
export async function act(page: Page, action: string): Promise<void> {
  await page.getByRole('button', { name: action, exact: true }).click();
  await page.getByRole('status').filter({ hasText: `${action}: done` }).waitFor({ timeout: 15_000 });
}

/** The buyer's delivery OTP, as the buyer would read it from WhatsApp (the sandbox outbox here): the newest one sent for the order. */
export async function buyerOtp(engine: ConsoleEngine, orderId: string, phone: string): Promise<string> {
  let otp = '';
  await until('the delivery OTP in the sandbox outbox', async () => {
    const { body } = await engine.call<{ messages: Array<{ orderId?: string; message?: { type?: string; bodyParameters?: string[] } }> }>('GET', `/v1/admin/outbox?recipient=91${phone}`, engine.platformKey);
    const sent = body.messages.find((m) => m.orderId === orderId && m.message?.type === 'template' && /^\d{6}$/.test(m.message.bodyParameters?.[0] ?? ''));
    otp = sent?.message?.bodyParameters?.[0] ?? '';
    return otp !== '';
  });
  return otp;
}
