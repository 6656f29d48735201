/** Registers projected before GSTR-1 lack HSN summaries; read-model migration 10 has the projection write every row again from the store. */
import { GenerateInvoiceCommand, ReceiveOrderCommand } from '@fulfil/commands';
import { migrate, schemaNames } from '@fulfil/read-models';
import { orderInput } from '../support/fixtures';
import { until } from '../support/until';
import { asSeller, startCommandHarness, type CommandHarness } from './support/command-harness';
import { environments, type ReadModelEnvironment } from './support/read-model-environments';

describe.each(environments())('HSN summaries in the invoice register on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let h: CommandHarness;

  beforeAll(async () => {
    env = await openEnvironment();
    h = await startCommandHarness(env);
  });
  afterAll(async () => {
    await h.close();
    await env.dispose();
  });

  it('fills the summaries of rows written before migration 10 by projecting the register again from the store', async () => {
    const sellerId = await h.newSeller();
    const order = orderInput(sellerId);
    await h.run(new ReceiveOrderCommand(order, asSeller(sellerId)));
    await h.run(new GenerateInvoiceCommand({ sellerId, orderId: order.orderId }, asSeller(sellerId)));
    const { table } = schemaNames(h.readModels.schemas);
    const register = async () =>
      (await h.readModels.db.query<{ document_number: string; hsn_summary?: unknown }>(`SELECT document_number, hsn_summary FROM ${table('invoice_register')} WHERE seller_id = $1`, [sellerId])).rows;
    const projected = await register();
    expect(projected).toEqual([
      {
        document_number: expect.any(String),
        hsn_summary: [
          expect.objectContaining({ hsnCode: '5007', uqc: 'NOS-NUMBERS', quantity: 1, taxRatePercent: 5, taxablePaise: 400_000 }),
          expect.objectContaining({ hsnCode: '6214', uqc: 'NOS-NUMBERS', quantity: 2, taxRatePercent: 5, taxablePaise: 120_000 }),
          expect.objectContaining({ hsnCode: '9965', uqc: 'NA', quantity: 0, taxRatePercent: 18, taxablePaise: 5_000 }),
        ],
      },
    ]);

    // The register as migration 9 left it: rows and checkpoint in place, no summary column.
    await h.readModels.stop();
    await h.readModels.db.query(`ALTER TABLE ${table('invoice_register')} DROP COLUMN hsn_summary CASCADE`);
    await h.readModels.db.query(`DELETE FROM ${table('schema_migrations')} WHERE version = 10`);
    expect((await migrate(h.readModels.db, h.readModels.schemas)).applied).toEqual([10]);
    expect(await register()).toEqual([]);

    h.readModels.start();
    await until('the register projected again', async () => JSON.stringify(await register()) === JSON.stringify(projected), 30_000);
  }, 60_000);
});
