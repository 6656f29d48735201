import type { AppendOptions, AppendResult, EventStore, JsonObject, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, StreamName, StreamRename, SubscribeOptions, Subscription } from './event-store';

/** The schema version the engine writes for an event type now. */
export type SchemaVersionOf = (type: string) => number;

/** Maps the data of one event type from one schema version to the next. */
export interface Upcaster {
  type: string;
  /** The version it reads; it returns the data at `fromVersion + 1`. */
  fromVersion: number;
  upcast(data: JsonObject): JsonObject;
}

/** Events written before versions were recorded are of the first version of their type. */
const FIRST_VERSION = 1;

/** The version an event was written with, as its metadata records it. */
export function writtenSchemaVersion(event: Pick<RecordedEvent, 'metadata'>): number {
  const version = event.metadata['schemaVersion'];
  return typeof version === 'number' && Number.isInteger(version) && version >= FIRST_VERSION ? version : FIRST_VERSION;
}

/**
 * The one way events are read: maps an event's (type, written version, data) to the shape of the
 * version the engine writes now, one upcaster per step. With no upcaster for the type it is the
 * identity. The metadata keeps the version the event was written with.
 */
export function upcastEvent(event: RecordedEvent, currentVersion: SchemaVersionOf, upcasters: readonly Upcaster[]): RecordedEvent {
  const target = currentVersion(event.type);
  let version = writtenSchemaVersion(event);
  if (version >= target) return event;
  let data = event.data;
  for (; version < target; version++) {
    const step = upcasters.find((u) => u.type === event.type && u.fromVersion === version);
    if (!step) throw new Error(`${event.type} event ${event.id} is at schema version ${version}; no upcaster reads it into version ${version + 1}`);
    data = step.upcast(data);
  }
  return { ...event, data };
}

/**
 * The store every engine process writes through: each appended event's metadata records the schema
 * version of its type (`schemaVersion`), and every event read, by stream, from the log or by a
 * subscription, goes through `upcastEvent`. Decorates any adapter of the port.
 */
export class VersionedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly currentVersion: SchemaVersionOf,
    private readonly upcasters: readonly Upcaster[] = [],
  ) {}

  async append(stream: StreamName, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.inner.append(stream, events.map((e) => ({ ...e, metadata: { ...e.metadata, schemaVersion: this.currentVersion(e.type) } })), options);
    return result.events ? { ...result, events: result.events.map((e) => this.read(e)) } : result;
  }

  async readStream(stream: StreamName, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).map((e) => this.read(e));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.read(e));
  }

  countAll(options: ReadAllOptions): Promise<number> {
    return this.inner.countAll(options);
  }

  subscribe(options: SubscribeOptions): Subscription {
    const { onEvent, onEvents } = options;
    if (onEvents) return this.inner.subscribe({ ...options, onEvents: (events) => onEvents(events.map((e) => this.read(e))) });
    return this.inner.subscribe({ ...options, onEvents: undefined, onEvent: (event) => onEvent(this.read(event)) });
  }

  headPosition() {
    return this.inner.headPosition();
  }

  renameStreams(renames: readonly StreamRename[]): Promise<void> {
    return this.inner.renameStreams(renames);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private read(event: RecordedEvent): RecordedEvent {
    return upcastEvent(event, this.currentVersion, this.upcasters);
  }
}
