/** Two sellers share every read-model table; no query of one ever returns a row of the other. */
import { ReadModels, type OrderQueries, type RunnerLogger } from '@fulfil/read-models';
import { SCENARIOS, appendOrderWorkload, type WorkloadResult } from '../../libs/read-models/src/testing/order-workload';
import { environments, type ReadModelEnvironment } from './support/read-model-environments';

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const WHOLE_YEAR = { from: '2026-01-01T00:00:00Z', to: '2027-04-01T00:00:00Z' };

describe.each(environments())('seller isolation on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let readModels: ReadModels;
  let queries: OrderQueries;
  let workload: WorkloadResult;
  const ordersOf = (sellerId: string) => [...workload.states.values()].filter((o) => o.sellerId === sellerId).map((o) => o.orderId);

  beforeAll(async () => {
    env = await openEnvironment();
    // Both sellers number their invoices from INV/00001, so the same document numbers exist twice.
    workload = await appendOrderWorkload(env.store, { sellerIds: ['seller-a', 'seller-b'], orders: 2 * SCENARIOS.length });
    readModels = await ReadModels.open({ database: env.database, store: env.store, logger: quiet });
    readModels.start();
    expect(await readModels.status.waitForPosition(workload.lastPosition, 60_000)).toBe(true);
    queries = readModels.queries;
  });

  afterAll(async () => {
    await readModels.close();
    await env.dispose();
  });

  it('answers another seller’s order exactly like a missing one', async () => {
    for (const orderId of ordersOf('seller-a')) {
      expect(await queries.getOrder('seller-b', orderId)).toBeUndefined();
      expect((await queries.getOrder('seller-a', orderId))?.orderId).toBe(orderId);
    }
  });

  it('lists only the seller’s own orders, through every page and filter', async () => {
    for (const sellerId of ['seller-a', 'seller-b']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await queries.listOrders(sellerId, { limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((o) => o.orderId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(ordersOf(sellerId).sort());
      const delivered = await queries.listOrders(sellerId, { limit: 100, status: 'delivered', mode: 'on-network' });
      expect(delivered.items.every((o) => ordersOf(sellerId).includes(o.orderId))).toBe(true);
    }
  });

  it('counts only the seller’s own orders on the dashboard', async () => {
    for (const sellerId of ['seller-a', 'seller-b']) {
      const dashboard = await queries.dashboard(sellerId, { overdueHours: 0 });
      expect(dashboard.ordersTotal).toBe(ordersOf(sellerId).length);
    }
  });

  it('registers only the seller’s own invoices and credit notes, even under the same numbers', async () => {
    const a = await queries.invoiceRegister('seller-a', WHOLE_YEAR);
    const b = await queries.invoiceRegister('seller-b', WHOLE_YEAR);
    expect(a.every((entry) => ordersOf('seller-a').includes(entry.orderId))).toBe(true);
    expect(b.every((entry) => ordersOf('seller-b').includes(entry.orderId))).toBe(true);
    const sharedNumber = 'INV/00001';
    expect(a.find((e) => e.documentNumber === sharedNumber)?.orderId).not.toBe(b.find((e) => e.documentNumber === sharedNumber)?.orderId);
    expect(b.some((e) => e.documentType === 'credit_note')).toBe(true);
  });

  it('refuses a query without a seller', async () => {
    await expect(queries.getOrder('', 'wl-0')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queries.listOrders(undefined as unknown as string, { limit: 5 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queries.dashboard(' ', { overdueHours: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queries.invoiceRegister('', WHOLE_YEAR)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
