import type { EventStore, Position, RecordedEvent, Subscription } from '@fulfil/event-store';
import type { ReadModelSchemas } from '../database/read-models-database';
import type { SqlDatabase } from '../database/sql-database';
import { isTransientError } from '../database/transient-errors';
import { CheckpointMovedError, CheckpointStore, type SubscriberFailure } from './checkpoint-store';
import { eventPages } from './event-pages';
import { liveTables, type TableResolver } from './projection-tables';
import type { Reaction, SqlProjection, Subscriber } from './subscriber';

/** `standby`: another instance holds this subscriber's lease and runs it. */
export type RunnerState = 'catching_up' | 'live' | 'stopped' | 'standby' | 'failed';

/** Where a subscriber stands, whichever instance runs it. */
export interface RunnerProgress {
  position: Position;
  failure?: SubscriberFailure;
}

export interface RunnerTuning {
  /** Events per transaction while catching up; live, each read's events are applied in one transaction. */
  batchSize: number;
  /** Tries at one event before it is declared poison. Transient database and store errors are retried without limit. */
  attemptsPerEvent: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Events a rebuild applies per shadow transaction (it reads them `batchSize` at a time). */
  rebuildChunkEvents: number;
}

/**
 * How often a checkpoint that only passes events the filter left out is written. Every append
 * moves every subscriber; writing each of those moves would cost a read-model write per
 * subscriber per append. A crash loses at most this much skipping, which a restart redoes.
 */
const SKIP_CHECKPOINT_INTERVAL_MS = 1_000;

export const DEFAULT_RUNNER_TUNING: RunnerTuning = { batchSize: 500, attemptsPerEvent: 3, retryDelayMs: 200, maxRetryDelayMs: 10_000, rebuildChunkEvents: 10_000 };

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RunnerDeps {
  store: EventStore;
  db: SqlDatabase;
  schemas: ReadModelSchemas;
  checkpoints: CheckpointStore;
  tuning: RunnerTuning;
  logger: RunnerLogger;
}

/** An event the subscriber cannot get past; it is recorded and the subscriber stops. */
export class PoisonEventError extends Error {
  constructor(readonly failure: SubscriberFailure, options: { cause: unknown }) {
    super(`Event ${failure.eventType} at position ${failure.position} of ${failure.stream} failed: ${failure.error}`, options);
    this.name = 'PoisonEventError';
  }
}

/** `after` is exclusive and position 0 means "nothing applied yet", i.e. start before the first event. */
const startAfter = (position: Position): Position | undefined => (position > 0n ? position : undefined);

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** True when `error`, or an error it wraps (a store may wrap what a handler threw), is of the given class. */
function causedBy<T extends Error>(error: unknown, type: new (...args: never[]) => T): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof type) return true;
    current = current.cause;
  }
  return false;
}

/** An error the event in hand may be to blame for (as opposed to the database, the store, or a concurrent writer). */
const isEventFault = (error: unknown): boolean => !causedBy(error, CheckpointMovedError) && !isTransientError(error);

/**
 * Runs one subscriber: catches up from its stored checkpoint in batches, then follows the store
 * live. Delivery is at least once; for SQL projections the checkpoint moves in the transaction
 * that applies the events, so the effect is exactly once. An event that keeps failing is recorded
 * with its stream, position and error, and the runner stops in state `failed` rather than skip it.
 */
export class SubscriptionRunner {
  private currentState: RunnerState = 'stopped';
  private currentPosition: Position = 0n;
  /** Where the stored checkpoint stands: behind `currentPosition` by skipped events only. */
  private storedPosition: Position = 0n;
  private skipStoredAt = 0;
  private currentFailure: SubscriberFailure | undefined;
  private stopping = false;
  private supervision: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  private endLive: (() => void) | undefined;
  /** Pauses in progress (one per lane retrying an event); `stop()` ends them all. */
  private readonly pauses = new Set<() => void>();
  private readonly progressListeners = new Set<() => void>();
  private readonly tables: TableResolver | undefined;

  constructor(
    readonly subscriber: Subscriber,
    private readonly deps: RunnerDeps,
  ) {
    this.tables = subscriber.kind === 'projection' ? liveTables(deps.schemas, subscriber) : undefined;
  }

  get name(): string {
    return this.subscriber.name;
  }

  get state(): RunnerState {
    return this.currentState;
  }

  /** The last position applied (or skipped as irrelevant) by this runner. */
  get position(): Position {
    return this.currentPosition;
  }

  get failure(): SubscriberFailure | undefined {
    return this.currentFailure;
  }

  /** Called whenever the position or state changes; returns the unsubscribe function. */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  start(): void {
    if (this.supervision) return;
    this.stopping = false;
    this.supervision = this.supervise().finally(() => {
      this.supervision = undefined;
    });
  }

  /**
   * Where it stands: in memory while this process runs it; from the stored checkpoint while
   * another instance does (the one place both agree on).
   */
  async progress(): Promise<RunnerProgress> {
    if (this.currentState !== 'standby') return { position: this.currentPosition, ...(this.currentFailure ? { failure: this.currentFailure } : {}) };
    const stored = await this.deps.checkpoints.peek(this.deps.db, this.name);
    return stored ? { position: stored.position, ...(stored.failure ? { failure: stored.failure } : {}) } : { position: 0n };
  }

  /** Waiting for another instance's lease; `progress()` reads the shared checkpoint meanwhile. */
  standBy(): void {
    if (!this.supervision) this.setState('standby');
  }

  /** Lets the event in hand finish (its checkpoint is stored with it), then stops; `then: 'standby'` when the lease went elsewhere. */
  async stop(then: 'stopped' | 'standby' = 'stopped'): Promise<void> {
    this.stopping = true;
    for (const interrupt of [...this.pauses]) interrupt();
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription) {
      await subscription.stop();
      this.endLive?.();
    }
    await this.supervision;
    if (this.currentState !== 'failed') {
      // Best effort: a restart redoes unstored skipping, so a database already gone must not fail the shutdown.
      await this.storeSkipped().catch((error: unknown) => this.deps.logger.warn(`Subscriber ${this.name} could not store its checkpoint on stop: ${describe(error)}`));
      this.setState(then);
    }
  }

  /** Restarts the run after anything but a poison event: a moved checkpoint at once, other errors after a growing pause. */
  private async supervise(): Promise<void> {
    let delay = this.deps.tuning.retryDelayMs;
    while (!this.stopping) {
      try {
        await this.runFromCheckpoint();
        return;
      } catch (error) {
        if (this.currentState === 'failed') {
          this.deps.logger.error(`Subscriber ${this.name} stopped: ${describe(error)}`);
          return;
        }
        if (this.stopping) return;
        if (causedBy(error, CheckpointMovedError)) {
          this.deps.logger.log(`Subscriber ${this.name} reloads its checkpoint: ${describe(error)}`);
          continue;
        }
        this.deps.logger.warn(`Subscriber ${this.name} restarts in ${delay} ms after: ${describe(error)}`);
        await this.pause(delay);
        delay = Math.min(delay * 2, this.deps.tuning.maxRetryDelayMs);
      }
    }
  }

  private async runFromCheckpoint(): Promise<void> {
    const { db, checkpoints } = this.deps;
    const checkpoint = await checkpoints.load(db, this.name);
    if (checkpoint.failure) {
      this.deps.logger.warn(`Subscriber ${this.name} retries ${checkpoint.failure.eventType} at ${checkpoint.failure.position}, which failed before`);
      await checkpoints.clearFailure(db, this.name);
    }
    this.currentFailure = undefined;
    this.currentPosition = checkpoint.position;
    this.storedPosition = checkpoint.position;
    this.setState('catching_up');
    await this.catchUp();
    if (!this.stopping) await this.followLive();
  }

  /** Reads pages of the store and applies each page in one transaction: the fast path for a long way behind. */
  private async catchUp(): Promise<void> {
    const pages = eventPages(this.deps.store, { after: this.currentPosition, pageSize: this.deps.tuning.batchSize, ...this.filter() });
    for await (const page of pages) {
      await this.deliver(page.events);
      await this.skipTo(page.through);
      if (this.stopping) return;
    }
  }

  /** Follows the store from the checkpoint until stopped; rejects when the subscription ends with an error. */
  private followLive(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const after = startAfter(this.currentPosition);
      this.endLive = resolve;
      this.subscription = this.deps.store.subscribe({
        ...(after !== undefined ? { after } : {}),
        ...this.filter(),
        // Everything one read of the store found is applied together: one transaction and one checkpoint write per projection.
        onEvents: (events) => this.deliver(events),
        onCheckpoint: (position) => this.skipTo(position),
        onCaughtUp: () => {
          if (this.currentState === 'catching_up') this.setState('live');
        },
        onError: reject,
      });
      if (this.stopping) void this.subscription.stop().then(resolve);
    }).finally(() => {
      const subscription = this.subscription;
      this.subscription = undefined;
      this.endLive = undefined;
      return subscription?.stop();
    });
  }

  private filter() {
    return this.subscriber.filter ? { filter: this.subscriber.filter } : {};
  }

  private async deliver(events: readonly RecordedEvent[]): Promise<void> {
    // A store may hand an event again after a resubscription; what the checkpoint covers is done.
    const fresh = events.filter((e) => e.position > this.currentPosition);
    if (fresh.length === 0) return;
    if (this.subscriber.kind === 'projection') await this.applyProjection(this.subscriber, fresh);
    else await this.handleReaction(this.subscriber, fresh);
  }

  /** One transaction for the batch; if it fails, one event at a time, so exactly the event at fault is blamed. */
  private async applyProjection(projection: SqlProjection, events: RecordedEvent[]): Promise<void> {
    if (events.length > 1) {
      try {
        await this.commit(projection, events);
        return;
      } catch (error) {
        if (!isEventFault(error)) throw error;
      }
    }
    for (const event of events) await this.withAttempts(event, () => this.commit(projection, [event]));
  }

  private async commit(projection: SqlProjection, events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    await this.deps.db.transaction(async (sql) => {
      // First statement: it fences out a concurrent writer and locks the row until commit. The
      // projection's statements queue behind it unawaited, so the batch costs no extra round trip.
      const fenced = this.deps.checkpoints.advance(sql, this.name, this.storedPosition, last);
      await Promise.all([fenced, projection.apply({ sql, table: this.tables! }, events)]);
    });
    this.storedPosition = last;
    this.advanceTo(last);
  }

  /**
   * The side effects first, then one checkpoint for the batch in its own transaction: a crash in
   * between repeats effects (reactions are idempotent by event id), never loses one. An event that
   * fails for good stores the progress made before it.
   */
  private async handleReaction(reaction: Reaction, events: RecordedEvent[]): Promise<void> {
    const concurrency = Math.max(1, Math.floor(reaction.concurrency ?? 1));
    if (concurrency > 1) return this.handleReactionConcurrently(reaction, events, concurrency);
    let handled = this.storedPosition;
    for (const event of events) {
      try {
        await this.withAttempts(event, () => reaction.handle(event));
      } catch (error) {
        await this.storeReactionProgress(handled).catch(() => undefined);
        throw error;
      }
      handled = event.position;
    }
    await this.storeReactionProgress(handled);
  }

  /**
   * The batch split into one lane per stream, lanes handled side by side (at most `concurrency`
   * at once), each lane's events in order. The checkpoint moves to the last event before the first
   * one not done, so it never passes an event still in flight or failed; a lane's failure lets the
   * others finish the event in hand and start no more.
   */
  private async handleReactionConcurrently(reaction: Reaction, events: RecordedEvent[], concurrency: number): Promise<void> {
    const lanes = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const lane = lanes.get(event.stream);
      if (lane) lane.push(event);
      else lanes.set(event.stream, [event]);
    }
    const waiting = [...lanes.values()];
    const done = new Set<RecordedEvent>();
    let failure: { error: unknown } | undefined;
    const work = async (): Promise<void> => {
      for (let lane = waiting.shift(); lane && !failure; lane = waiting.shift()) {
        for (const event of lane) {
          if (failure) return;
          try {
            // Once another lane has failed, an error here is not retried: the batch is being given up.
            await this.withAttempts(event, () => reaction.handle(event), () => failure !== undefined);
          } catch (error) {
            failure ??= { error };
            return;
          }
          done.add(event);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, waiting.length) }, work));
    let handled = this.storedPosition;
    for (const event of events) {
      if (!done.has(event)) break;
      handled = event.position;
    }
    if (failure) {
      await this.storeReactionProgress(handled).catch(() => undefined);
      throw failure.error;
    }
    await this.storeReactionProgress(handled);
  }

  private async storeReactionProgress(handled: Position): Promise<void> {
    if (handled <= this.storedPosition) return;
    await this.deps.checkpoints.advance(this.deps.db, this.name, this.storedPosition, handled);
    this.storedPosition = handled;
    this.advanceTo(handled);
  }

  private async withAttempts(event: RecordedEvent, work: () => Promise<void>, givingUp: () => boolean = () => false): Promise<void> {
    let delay = this.deps.tuning.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isEventFault(error) || this.stopping || givingUp()) throw error;
        if (attempt >= this.deps.tuning.attemptsPerEvent) throw await this.poisoned(event, error);
        this.deps.logger.warn(`Subscriber ${this.name}: ${event.type} at ${event.position} failed (try ${attempt}), retrying: ${describe(error)}`);
        await this.pause(delay);
        delay = Math.min(delay * 2, this.deps.tuning.maxRetryDelayMs);
      }
    }
  }

  private async poisoned(event: RecordedEvent, error: unknown): Promise<PoisonEventError> {
    const failure: SubscriberFailure = {
      stream: event.stream,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      error: describe(error),
      failedAt: new Date(),
    };
    try {
      await this.deps.checkpoints.recordFailure(this.deps.db, this.name, failure);
    } catch (recordError) {
      this.deps.logger.error(`Subscriber ${this.name} could not record its failure: ${describe(recordError)}`);
    }
    this.currentFailure = failure;
    this.setState('failed');
    return new PoisonEventError(failure, { cause: error });
  }

  /** Events the filter excluded were passed: lag and read-your-writes see it at once, the stored checkpoint at most a second later. */
  private async skipTo(position: Position): Promise<void> {
    if (position <= this.currentPosition) return;
    this.advanceTo(position);
    if (Date.now() - this.skipStoredAt >= SKIP_CHECKPOINT_INTERVAL_MS) await this.storeSkipped();
  }

  private async storeSkipped(): Promise<void> {
    if (this.currentPosition <= this.storedPosition) return;
    await this.deps.checkpoints.advance(this.deps.db, this.name, this.storedPosition, this.currentPosition);
    this.storedPosition = this.currentPosition;
    this.skipStoredAt = Date.now();
  }

  private advanceTo(position: Position): void {
    this.currentPosition = position;
    this.notify();
  }

  private setState(state: RunnerState): void {
    this.currentState = state;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.progressListeners) listener();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pauses.add(done);
    });
  }
}
