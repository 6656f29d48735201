/** The register writes a batch's invoices together, and still refuses a number another order of the seller already holds. */
import { orderStream } from '@fulfil/domain';
import type { JsonObject } from '@fulfil/event-store';
import { ReadModels, qualifiedName, type RunnerLogger } from '@fulfil/read-models';
import { appendOrderWorkload } from '../../libs/read-models/src/testing/order-workload';
import { environments, runnerReaches, type ReadModelEnvironment } from './support/read-model-environments';

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(environments())('invoice register numbers on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let readModels: ReadModels | undefined;

  beforeAll(async () => {
    env = await openEnvironment();
  });
  afterAll(async () => {
    await readModels?.close();
    await env.dispose();
  });

  it('stops at an invoice whose number another order holds, naming both, with every earlier document written', async () => {
    await appendOrderWorkload(env.store, { sellerIds: ['seller-a'], orders: 20 });
    const invoices = (await env.store.readAll({ maxCount: 10_000, filter: { kind: 'eventType', prefixes: ['InvoiceGenerated'] } })).filter((e) => e.type === 'InvoiceGenerated');
    const taken = invoices[0]!;
    const data: JsonObject = { ...(taken.data as JsonObject), orderId: 'intruder' };
    const poison = await env.store.append(orderStream('seller-a', 'intruder'), [{ type: 'InvoiceGenerated', data }], { expectedRevision: 'any' });

    readModels = await ReadModels.open({ database: env.database, store: env.store, logger: quiet, tuning: { batchSize: 500, attemptsPerEvent: 2, retryDelayMs: 5 } });
    readModels.start();
    const register = readModels.runners.find((r) => r.name === 'invoice_register')!;
    await runnerReaches(register, (r) => r.state === 'failed');

    const status = (await readModels.status.status()).find((s) => s.name === 'invoice_register')!;
    expect(status.position < poison.position).toBe(true);
    expect(status.error).toContain(String(poison.position));
    expect(status.error).toContain(`invoice ${String(data['invoiceNumber'])} of ${String(data['financialYear'])} is already in the register for order ${String((taken.data as JsonObject)['orderId'])}`);
    const { rows } = await readModels.db.query<{ documents: number }>(
      `SELECT count(DISTINCT (document_type, document_number))::int AS documents FROM ${qualifiedName(readModels.schemas.internal, 'invoice_register')} WHERE order_id <> 'intruder'`,
    );
    expect(rows[0]!.documents).toBeGreaterThanOrEqual(invoices.length);
  });
});
