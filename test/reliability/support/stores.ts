import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createEventStore, type EventStore } from '@fulfil/event-store';
import { quoteIdent, type ReadModelsDatabaseConfig } from '@fulfil/read-models';

/** Where one engine keeps its data, as environment for the child and as configuration for the checks. */
export interface EngineStore {
  name: string;
  dataDir: string;
  env: Record<string, string>;
  /** Opens the engine's event store from the test process; for the embedded store only while the engine is stopped. */
  openEventStore(): Promise<EventStore>;
  readModels: ReadModelsDatabaseConfig;
  /** Database URL of the run (PostgreSQL only), for fault injection. */
  databaseUrl?: string;
  dispose(): Promise<void>;
}

function embedded(): EngineStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfil-rel-'));
  return {
    name: 'embedded PGlite',
    dataDir,
    env: { EVENT_STORE: 'embedded' },
    openEventStore: () => createEventStore({ kind: 'embedded', dataDir: join(dataDir, 'events') }),
    readModels: { kind: 'embedded', dataDir: join(dataDir, 'read-models') },
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Fresh schemas for the events and the read models of this run, dropped afterwards. */
function postgres(databaseUrl: string): EngineStore {
  const suffix = randomBytes(4).toString('hex');
  const eventsSchema = `rel_es_${suffix}`;
  const readModelsSchema = `rel_rm_${suffix}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfil-rel-pg-'));
  return {
    name: 'PostgreSQL',
    dataDir,
    // The production shape refuses to start without a WhatsApp channel and a guarded /metrics: the sandbox by name, and a token.
    env: {
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: eventsSchema,
      READ_MODELS_SCHEMA: readModelsSchema,
      WHATSAPP_MODE: 'sandbox',
      METRICS_TOKEN: `mt_${randomBytes(18).toString('hex')}`,
    },
    openEventStore: () => createEventStore({ kind: 'postgres', databaseUrl, schema: eventsSchema }),
    readModels: { kind: 'postgres', databaseUrl, schema: readModelsSchema },
    databaseUrl,
    async dispose() {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        for (const schema of [eventsSchema, readModelsSchema, `${readModelsSchema}_analytics`]) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The embedded store always; PostgreSQL when DATABASE_URL is set (CI sets it). */
export function engineStores(): Array<[string, () => EngineStore]> {
  const stores: Array<[string, () => EngineStore]> = [['embedded PGlite', embedded]];
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) stores.push(['PostgreSQL', () => postgres(databaseUrl)]);
  return stores;
}

export function postgresStore(): EngineStore | undefined {
  const databaseUrl = process.env['DATABASE_URL'];
  return databaseUrl ? postgres(databaseUrl) : undefined;
}

export const embeddedStore = embedded;
