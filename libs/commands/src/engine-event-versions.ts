import { eventSchemaVersion, isDomainEventType } from '@fulfil/domain';
import type { Upcaster } from '@fulfil/event-store';

/**
 * The schema version the engine writes for each event type: the domain's own table, and version 1
 * for the events of the adapters and upgrades (contracts/events holds a file per type and version).
 * A breaking change to a type bumps it there and registers the upcaster from the old version below.
 */
export const engineSchemaVersion = (type: string): number => (isDomainEventType(type) ? eventSchemaVersion(type) : 1);

/** Every event type is still at its first version: nothing to upcast yet. */
export const ENGINE_UPCASTERS: readonly Upcaster[] = [];
