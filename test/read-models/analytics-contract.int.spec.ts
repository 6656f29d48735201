/** The analytics views and their documentation in contracts/read-models cannot drift apart. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReadModels, type RunnerLogger } from '@fulfil/read-models';
import { environments, type ReadModelEnvironment } from './support/read-model-environments';

const CONTRACT = join(__dirname, '../../contracts/read-models/analytics-v1.md');
const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** `view -> ["column type", ...]` from the `## analytics.<view>` sections' tables. */
function documentedViews(markdown: string): Record<string, string[]> {
  const views: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## analytics\.(\w+)/.exec(line);
    if (heading) current = heading[1]!;
    const row = /^\| (\w+) \| (\w+) \|/.exec(line);
    if (current && row && row[1] !== 'column') (views[current] ??= []).push(`${row[1]} ${row[2]}`);
  }
  return views;
}

describe.each(environments())('analytics contract on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let readModels: ReadModels;

  beforeAll(async () => {
    env = await openEnvironment();
    readModels = await ReadModels.open({ database: env.database, store: env.store, logger: quiet });
  });

  afterAll(async () => {
    await readModels.close();
    await env.dispose();
  });

  it('has exactly the documented views, columns, order and types', async () => {
    const { rows } = await readModels.db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [readModels.schemas.analytics],
    );
    const actual: Record<string, string[]> = {};
    for (const r of rows) (actual[r.table_name] ??= []).push(`${r.column_name} ${r.data_type === 'timestamp with time zone' ? 'timestamptz' : r.data_type}`);
    expect(actual).toEqual(documentedViews(readFileSync(CONTRACT, 'utf8')));
    expect(Object.keys(actual).sort()).toEqual(['fulfilment_sla_v1', 'invoice_register_v1', 'orders_v1', 'seller_dashboard_v1', 'shipments_v1']);
  });
});
