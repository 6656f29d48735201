import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store';
import { openPglite, openPostgres } from './sql/sql-connection';
import { SqlEventStore } from './sql/sql-event-store';

export type EventStoreConfig =
  | { kind: 'embedded'; /** Absent: in memory, for tests. */ dataDir?: string }
  | { kind: 'postgres'; databaseUrl: string; schema?: string }
  | { kind: 'esdb'; connectionString: string };

/** Opens the store the configuration names; the caller owns it and closes it. */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'embedded':
      return SqlEventStore.open(await openPglite(config.dataDir));
    case 'postgres':
      return SqlEventStore.open(await openPostgres(config.databaseUrl, config.schema));
    case 'esdb':
      return new EsdbEventStore(config.connectionString);
  }
}
