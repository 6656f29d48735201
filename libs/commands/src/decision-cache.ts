import type { EventStore, RecordedEvent, StreamName } from '@fulfil/event-store';

/** Events kept across all cached streams of one store; the least recently used streams go first. */
const MAX_CACHED_EVENTS = 50_000;

/**
 * The events of streams this process recently appended to, as the store returned them, so the
 * next command on such a stream decides without reading it first. Only a command may use them:
 * its append expects the cached revision, so a decision made on a stream another writer has since
 * moved on is refused by the store and never lands (`handleCommand` then reads and decides
 * again). Reads for anything else go to the store.
 */
export class DecisionCache {
  private readonly streams = new Map<StreamName, readonly RecordedEvent[]>();
  private cachedEvents = 0;

  constructor(private readonly maxEvents = MAX_CACHED_EVENTS) {}

  get(stream: StreamName): readonly RecordedEvent[] | undefined {
    const events = this.streams.get(stream);
    if (events) {
      // Map order is recency order: a hit moves the stream to the back.
      this.streams.delete(stream);
      this.streams.set(stream, events);
    }
    return events;
  }

  set(stream: StreamName, events: readonly RecordedEvent[]): void {
    this.forget(stream);
    if (events.length > this.maxEvents) return;
    this.streams.set(stream, events);
    this.cachedEvents += events.length;
    for (const [oldest, held] of this.streams) {
      if (this.cachedEvents <= this.maxEvents) break;
      this.streams.delete(oldest);
      this.cachedEvents -= held.length;
    }
  }

  forget(stream: StreamName): void {
    const held = this.streams.get(stream);
    if (!held) return;
    this.streams.delete(stream);
    this.cachedEvents -= held.length;
  }
}

const caches = new WeakMap<EventStore, DecisionCache>();

/** The cache of decisions made through `store` in this process: one per store instance. */
export function decisionCacheOf(store: EventStore): DecisionCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new DecisionCache();
    caches.set(store, cache);
  }
  return cache;
}
