import { createEventStore, type EventStore, type EventStoreConfig } from '@fulfil/event-store';
import { scopeStreamsToSellers, type StreamUpgradeReport } from './scope-streams-to-sellers';

/**
 * Opens the configured store and brings what an earlier version wrote to this version's naming
 * before anything reads it. Every process that opens the store goes through here, so whichever
 * starts first upgrades it.
 */
export async function openEngineEventStore(config: EventStoreConfig, onUpgraded: (report: StreamUpgradeReport) => void = () => undefined): Promise<EventStore> {
  const store = await createEventStore(config);
  try {
    const report = await scopeStreamsToSellers(store);
    if (report && report.renamed > 0) onUpgraded(report);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
