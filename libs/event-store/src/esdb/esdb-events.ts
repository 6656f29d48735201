/** Conversions between the port's events and `@eventstore/db-client` events, plus client-side filtering. */
import { jsonEvent, type EventData, type RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { EventFilter, JsonObject, NewEvent, RecordedEvent } from '../event-store';
import { isKnownPosition, toPortPosition } from './esdb-position';

/** Events are stored as JSON; `jsonEvent` generates a UUID when the caller gave no id. */
export function toEventData(event: NewEvent): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!isKnownPosition(event.position)) {
    throw new Error(`EventStoreDB did not report the $all position of event ${event.id} (EventStoreDB 22.6 or later is required)`);
  }
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    revision: event.revision,
    position: toPortPosition(event.position),
    data: asJsonObject(event.data, 'data', event.id),
    metadata: event.metadata === undefined ? {} : asJsonObject(event.metadata, 'metadata', event.id),
    recordedAt: event.created,
  };
}

/** EventStoreDB's own events (`$`-prefixed type or stream) are never part of the port's view of the store. */
export function isSystemEvent(event: Pick<EsdbRecordedEvent, 'type' | 'streamId'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** A filter without prefixes filters nothing, as in the SQL adapter (an empty prefix list would match nothing on the server). */
export function effectiveFilter(filter: EventFilter | undefined): EventFilter | undefined {
  return filter === undefined || filter.prefixes.length === 0 ? undefined : filter;
}

export function matchesFilter(filter: EventFilter | undefined, event: Pick<EsdbRecordedEvent, 'type' | 'streamId'>): boolean {
  if (filter === undefined) return true;
  const value = filter.kind === 'eventType' ? event.type : event.streamId;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

/** The client hands back parsed JSON for JSON events, or raw bytes when the payload was not JSON. */
function asJsonObject(value: unknown, part: string, eventId: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Error(`EventStoreDB event ${eventId} has ${part} that is not a JSON object`);
  }
  return value as JsonObject;
}
