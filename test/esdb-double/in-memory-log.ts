/**
 * The storage behind the EventStoreDB protocol double: one ordered log of events, indexed by
 * stream. It models only what the gRPC surface exposes to a client:
 *
 * - every event has a log position; an event written by a normal append "commits itself", so its
 *   `$all` position is `{ commit: L, prepare: L }` (as EventStoreDB reports for such events);
 * - positions grow by the size of each record, so they are sparse, like a real transaction file;
 * - `$all` positions compare by commit position first, then prepare position.
 */

export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

export interface StoredEvent {
  /** Where the record starts in the log; also its commit and prepare position. */
  logPosition: bigint;
  /** Where the next record starts. */
  postPosition: bigint;
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends in the `created` metadata. */
  createdTicks: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedRevision =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | {
      ok: true;
      /** Undefined when an empty append left the stream missing. */
      currentRevision: bigint | undefined;
      /** As the server reports it: commit = last event's position, prepare = first event's. */
      position: LogPosition | undefined;
    }
  | { ok: false; currentRevision: bigint | undefined };

/** A fresh EventStoreDB log starts with its own records (epoch, system streams); user events never sit at 0. */
const FIRST_USER_RECORD_POSITION = 4096n;
/** Fixed part of a record's size; only the growth of positions matters, not the exact layout. */
const RECORD_HEADER_BYTES = 96;
const TICKS_PER_MILLISECOND = 10_000n;

export function eventPosition(event: StoredEvent): LogPosition {
  return { commit: event.logPosition, prepare: event.logPosition };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export class InMemoryLog {
  private events: StoredEvent[] = [];
  private streams = new Map<string, StoredEvent[]>();
  private readonly appendListeners = new Set<() => void>();

  get all(): readonly StoredEvent[] {
    return this.events;
  }

  /** Where the next record will be written (the end of the log). */
  get headPostPosition(): bigint {
    return this.events.at(-1)?.postPosition ?? FIRST_USER_RECORD_POSITION;
  }

  readStream(streamName: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamName);
  }

  /** Index in `all` of the first event whose position is greater than `position`. */
  indexAfter(position: LogPosition): number {
    return this.firstIndexWhere((event) => comparePositions(eventPosition(event), position) > 0);
  }

  /** Index in `all` of the first event whose position is at or after `position`. */
  indexAtOrAfter(position: LogPosition): number {
    return this.firstIndexWhere((event) => comparePositions(eventPosition(event), position) >= 0);
  }

  append(streamName: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const currentRevision = stream.at(-1)?.revision;
    if (!satisfies(expected, currentRevision)) return { ok: false, currentRevision };
    if (proposed.length === 0) return { ok: true, currentRevision, position: undefined };

    const written = proposed.map((event, index) =>
      this.writeRecord(streamName, (currentRevision ?? -1n) + 1n + BigInt(index), event),
    );
    this.streams.set(streamName, [...stream, ...written]);
    this.notifyAppended();
    const first = written[0] as StoredEvent;
    const last = written.at(-1) as StoredEvent;
    return { ok: true, currentRevision: last.revision, position: { commit: last.logPosition, prepare: first.logPosition } };
  }

  /** Calls `listener` after every successful append; returns the function that removes it. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  clear(): void {
    this.events = [];
    this.streams = new Map();
  }

  private writeRecord(streamName: string, revision: bigint, event: ProposedEvent): StoredEvent {
    const logPosition = this.headPostPosition;
    const stored: StoredEvent = {
      ...event,
      logPosition,
      postPosition: logPosition + recordSize(streamName, event),
      streamName,
      revision,
      createdTicks: BigInt(Date.now()) * TICKS_PER_MILLISECOND,
    };
    this.events.push(stored);
    return stored;
  }

  private notifyAppended(): void {
    for (const listener of this.appendListeners) listener();
  }

  /** Binary search: `events` is sorted by position and `matches` is monotonic over it. */
  private firstIndexWhere(matches: (event: StoredEvent) => boolean): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (matches(this.events[middle] as StoredEvent)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

function satisfies(expected: ExpectedRevision, currentRevision: bigint | undefined): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return currentRevision === undefined;
    case 'stream_exists':
      return currentRevision !== undefined;
    case 'revision':
      return currentRevision === expected.revision;
  }
}

function recordSize(streamName: string, event: ProposedEvent): bigint {
  const textBytes = Buffer.byteLength(streamName) + Buffer.byteLength(event.type) + Buffer.byteLength(event.contentType);
  return BigInt(RECORD_HEADER_BYTES + textBytes + event.data.length + event.customMetadata.length);
}
