export { EsdbEventStore, type EsdbEventStoreOptions } from './esdb-event-store';
export { stderrLogger, type EsdbLogger } from './esdb-logger';
export { toEsdbPosition, toPortPosition } from './esdb-position';
export type { ResubscribePolicy, ServerCheckpointSettings } from './esdb-subscription';
