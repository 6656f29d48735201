import type { EventStore } from '@fulfil/event-store';
import { qualifiedName, ReadModels, type ReadModelsDatabaseConfig } from '@fulfil/read-models';

const quiet = { log: () => undefined, warn: () => undefined, error: (message: string) => process.stderr.write(`[read-models] ${message}\n`) };

async function allRows(readModels: ReadModels): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of readModels.projections.flatMap((p) => p.tables)) {
    const { rows } = await readModels.db.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${qualifiedName(readModels.schemas.internal, table)} t ORDER BY 1`);
    tables[table] = rows.map((row) => row.r);
  }
  return tables;
}

/**
 * Opens the read models the engine left behind (engine stopped), lets their runners resume from
 * the checkpoints the engine committed, exactly as a restart would, then rebuilds every projection
 * from position zero: the live tables must equal the rebuilt ones row for row.
 */
export async function compareReadModelsWithRebuild(store: EventStore, database: ReadModelsDatabaseConfig): Promise<{ tables: number; rows: number; differing: string[] }> {
  const readModels = await ReadModels.open({ database, store, logger: quiet });
  try {
    readModels.start();
    const head = await store.headPosition();
    if (!(await readModels.status.waitForPosition(head, 120_000))) throw new Error(`Read models did not reach the head ${head} within 120 s`);
    await readModels.stop();
    const live = await allRows(readModels);
    for (const projection of readModels.projections) await readModels.rebuild(projection.name);
    const rebuilt = await allRows(readModels);
    const differing = Object.keys(rebuilt).filter((table) => JSON.stringify(live[table]) !== JSON.stringify(rebuilt[table]));
    return { tables: Object.keys(rebuilt).length, rows: Object.values(rebuilt).reduce((n, rows) => n + rows.length, 0), differing };
  } finally {
    await readModels.close();
  }
}
