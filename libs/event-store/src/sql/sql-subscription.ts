import type { EventEmitter } from 'node:events';
import { EventStoreUnavailableError } from '../errors';
import type { EventFilter, Position, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';

const PAGE_SIZE = 500;
export const TAIL_PAGE_SIZE = PAGE_SIZE;
/** Appends by other processes without LISTEN (or a lost notification) are still found this often. */
const POLL_INTERVAL_MS = 1_000;
const MAX_RETRY_DELAY_MS = 5_000;
/** First re-read after a page found committed events held back behind an open transaction; doubles up to the poll interval. */
const HELD_BACK_RECHECK_MS = 5;

/**
 * What one read saw under one snapshot: the newest stable position (below every transaction that
 * may still commit) and the events after the reader's position up to a page, none beyond it.
 */
export interface StablePage {
  head: Position;
  events: RecordedEvent[];
  /** Fewer than a page: everything matching up to `head` is in `events`. */
  complete: boolean;
  /** Events already committed wait beyond `head` for an older transaction to end: worth reading again soon. */
  heldBack: boolean;
}

/** A store whose live subscriptions share reads of its tail. */
export interface PageSource {
  readStablePage(options: ReadAllOptions): Promise<StablePage>;
  /** An unfiltered page after `after`, shared among the live subscriptions woken by the same append. */
  readTail(after: Position): Promise<StablePage>;
}

/** The in-memory twin of the SQL filter (`LIKE 'prefix%'`). */
function matches(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (!filter || filter.prefixes.length === 0) return true;
  const value = filter.kind === 'eventType' ? event.type : event.stream;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

/**
 * Catch-up then live delivery by paging stable reads; once caught up, by the tail reads the store
 * shares among its live subscriptions, filtered here. Every page carries the stable head of its
 * own snapshot, so when a page comes back short, everything up to that head has been seen: a
 * filtered subscription can then checkpoint past events it was not interested in.
 */
export class SqlSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  private stopped = false;
  /** The last read saw committed events held back behind an older open transaction. */
  private heldBack = false;
  private woken = false;
  private wake: (() => void) | undefined;
  private readonly running: Promise<void>;
  private readonly onAppended = () => this.signal();

  private constructor(
    private readonly store: PageSource,
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

  static start(store: PageSource, appended: EventEmitter, options: SubscribeOptions): SqlSubscription {
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
    let recheckMs = 0;
    try {
      while (!this.stopped) {
        try {
          position = live ? await this.deliverTail(position) : await this.deliverAvailable(position);
          failures = 0;
          recheckMs = this.heldBack ? Math.min(POLL_INTERVAL_MS, recheckMs === 0 ? HELD_BACK_RECHECK_MS : recheckMs * 2) : 0;
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
        await this.pause(recheckMs || POLL_INTERVAL_MS);
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
      const page = await this.store.readStablePage({ after: position, maxCount: PAGE_SIZE, ...(this.options.filter ? { filter: this.options.filter } : {}) });
      this.heldBack = page.heldBack;
      if (this.stopped) return position;
      position = await this.handle(page.events, position);
      // Stopped midway: what was not handled must not be passed by a checkpoint.
      if (this.stopped) return position;
      if (!page.complete) continue;
      if (page.head > position) {
        await this.options.onCheckpoint?.(page.head);
        position = page.head;
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
      this.heldBack = tail.heldBack;
      const matching = tail.events.filter((event) => matches(this.options.filter, event));
      if (this.stopped) return position;
      position = await this.handle(matching, position);
      if (this.stopped) return position;
      const scanned = tail.events.at(-1)?.position ?? position;
      const reached = tail.complete && tail.head > scanned ? tail.head : scanned;
      if (reached > position) {
        await this.options.onCheckpoint?.(reached);
        position = reached;
      }
      if (tail.complete) return position;
    }
  }

  /** Hands events to the handler, as a batch or one by one; returns the position of the last one handled. */
  private async handle(events: RecordedEvent[], position: Position): Promise<Position> {
    if (events.length === 0) return position;
    const { onEvent, onEvents } = this.options;
    if (onEvents) {
      await onEvents(events);
      return events[events.length - 1]!.position;
    }
    let handled = position;
    for (const event of events) {
      if (this.stopped) return handled;
      await onEvent!(event);
      handled = event.position;
    }
    return handled;
  }

  private pause(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
