import type { EventEmitter } from 'node:events';
import { EventStoreUnavailableError } from '../errors';
import type { EventFilter, EventStore, Position, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';

const PAGE_SIZE = 500;
export const TAIL_PAGE_SIZE = PAGE_SIZE;
/** Appends by other processes without LISTEN (or a lost notification) are still found this often. */
const POLL_INTERVAL_MS = 1_000;
const MAX_RETRY_DELAY_MS = 5_000;

/** What one read of the tail saw: the head, then every event after the reader's position, unfiltered. */
export interface TailRead {
  head: Position;
  events: RecordedEvent[];
  /** Fewer than a page: everything up to `head` is in `events`. */
  complete: boolean;
}

/** A store whose live subscriptions share reads of its tail. */
export interface TailSource extends Pick<EventStore, 'headPosition' | 'readAll'> {
  readTail(after: Position): Promise<TailRead>;
}

/** The in-memory twin of the SQL filter (`LIKE 'prefix%'`). */
function matches(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (!filter || filter.prefixes.length === 0) return true;
  const value = filter.kind === 'eventType' ? event.type : event.stream;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

/**
 * Catch-up then live delivery by paging `readAll`; once caught up, by the tail reads the store
 * shares among its live subscriptions, filtered here. Every page is read after the head position, so
 * when a page comes back short, everything up to that head has been seen: a filtered
 * subscription can then checkpoint past events it was not interested in.
 */
export class SqlSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  private stopped = false;
  private woken = false;
  private wake: (() => void) | undefined;
  private readonly running: Promise<void>;
  private readonly onAppended = () => this.signal();

  private constructor(
    private readonly store: TailSource,
    private readonly appended: EventEmitter,
    private readonly options: SubscribeOptions,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    // A subscription that fails before catching up must not leave an unhandled rejection behind.
    this.caughtUp.catch(() => undefined);
    appended.on('appended', this.onAppended);
    appended.on('closed', this.onAppended);
    this.running = this.run();
  }

  static start(store: TailSource, appended: EventEmitter, options: SubscribeOptions): SqlSubscription {
    return new SqlSubscription(store, appended, options);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal();
    await this.running;
  }

  private signal(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let position: Position = this.options.after ?? 0n;
    let failures = 0;
    let live = false;
    try {
      while (!this.stopped) {
        try {
          position = live ? await this.deliverTail(position) : await this.deliverAvailable(position);
          failures = 0;
        } catch (error) {
          if (!(error instanceof EventStoreUnavailableError)) throw error;
          failures++;
          await this.pause(Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** failures));
          continue;
        }
        if (this.stopped) break;
        live = true;
        this.resolveCaughtUp();
        this.options.onCaughtUp?.();
        await this.pause(POLL_INTERVAL_MS);
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.stopped = true;
      this.rejectCaughtUp(failure);
      this.options.onError?.(failure);
    } finally {
      this.appended.off('appended', this.onAppended);
      this.appended.off('closed', this.onAppended);
    }
  }

  /** Delivers everything committed after `position`; returns the new position. */
  private async deliverAvailable(from: Position): Promise<Position> {
    let position = from;
    for (;;) {
      this.woken = false;
      const head = await this.store.headPosition();
      const page = await this.store.readAll({ after: position, maxCount: PAGE_SIZE, ...(this.options.filter ? { filter: this.options.filter } : {}) });
      for (const event of page) {
        if (this.stopped) return position;
        await this.options.onEvent(event);
        position = event.position;
      }
      if (page.length === PAGE_SIZE) continue;
      if (head > position) {
        await this.options.onCheckpoint?.(head);
        position = head;
      }
      return position;
    }
  }

  /** Live: what the shared tail read holds after `from`, then the checkpoint past what the filter left out. */
  private async deliverTail(from: Position): Promise<Position> {
    let position = from;
    for (;;) {
      this.woken = false;
      const tail = await this.store.readTail(position);
      let scanned = position;
      for (const event of tail.events) {
        if (this.stopped) return position;
        if (matches(this.options.filter, event)) {
          await this.options.onEvent(event);
          position = event.position;
        }
        scanned = event.position;
      }
      const reached = tail.complete && tail.head > scanned ? tail.head : scanned;
      if (reached > position) {
        await this.options.onCheckpoint?.(reached);
        position = reached;
      }
      if (tail.complete) return position;
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
