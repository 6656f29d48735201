import type { EventFilter, EventStore, Position, RecordedEvent } from '@fulfil/event-store';

export interface EventPagesOptions {
  /** Exclusive; 0 means from the first event. */
  after: Position;
  pageSize: number;
  filter?: EventFilter;
}

export interface EventPage {
  /** The page's events that pass the filter, in position order (possibly none). */
  events: RecordedEvent[];
  /** Position of the last event read, kept or not: where the next page starts. */
  through: Position;
}

export function matchesFilter(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (!filter) return true;
  const value = filter.kind === 'eventType' ? event.type : event.stream;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

/**
 * Pages of the store after a position until a short page says the head is reached. The next
 * page is read while the caller applies the current one, so store and database work overlap.
 *
 * Pages are read unfiltered and filtered here. A filtered `readAll` of the SQL adapter lets the
 * planner misjudge the prefix condition as selective and sort every remaining event for each page
 * (measured: 37,000 events/s at 10,000 events, 12,000 at 100,000); reading the log in position
 * order stays linear, and a filter passes nearly every event of the order projections anyway.
 */
export async function* eventPages(store: EventStore, options: EventPagesOptions): AsyncGenerator<EventPage> {
  const read = (after: Position) => {
    const page = store.readAll({ maxCount: options.pageSize, ...(after > 0n ? { after } : {}) });
    // A read-ahead the caller never awaits (it stopped early) must not surface as an unhandled rejection.
    page.catch(() => undefined);
    return page;
  };
  let pending = read(options.after);
  for (;;) {
    const page = await pending;
    const last = page[page.length - 1];
    if (!last) return;
    const full = page.length >= options.pageSize;
    if (full) pending = read(last.position);
    yield { events: page.filter((event) => matchesFilter(options.filter, event)), through: last.position };
    if (!full) return;
  }
}
