/** Read models written before order ids were scoped to sellers keep their rows, and then hold two sellers' order "1001". */
import { MIGRATIONS, migrate, openReadModelsDatabase, schemaNames, schemasOf, type SqlDatabase } from '@fulfil/read-models';
import { environments, type ReadModelEnvironment } from './support/read-model-environments';

describe.each(environments())('order rows keyed by seller and order id on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let db: SqlDatabase;

  beforeAll(async () => {
    env = await openEnvironment();
    db = await openReadModelsDatabase(env.database);
  });
  afterAll(async () => {
    await db.close();
    await env.dispose();
  });

  it('migrates a schema of the previous version in place, keeping its rows', async () => {
    const schemas = schemasOf(env.database);
    const { table } = schemaNames(schemas);
    const previous = MIGRATIONS.filter((m) => m.version < 7);
    await migrate(db, schemas, previous);
    const row = (sellerId: string) => [sellerId, '1001', `{"sellerId":"${sellerId}"}`];
    const insert = `INSERT INTO ${table('dashboard_orders')} (seller_id, order_id, status, received_at, updated_at, last_revision, state) VALUES ($1, $2, 'received', now(), now(), 0, $3::jsonb)`;
    await db.query(insert, row('seller-a'));
    await expect(db.query(insert, row('seller-b'))).rejects.toThrow();

    expect((await migrate(db, schemas)).applied).toEqual(MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version));

    await db.query(insert, row('seller-b'));
    await expect(db.query(insert, row('seller-a'))).rejects.toThrow();
    const { rows } = await db.query<{ seller_id: string }>(`SELECT seller_id FROM ${table('dashboard_orders')} WHERE order_id = '1001' ORDER BY seller_id`);
    expect(rows.map((r) => r.seller_id)).toEqual(['seller-a', 'seller-b']);
  });
});
