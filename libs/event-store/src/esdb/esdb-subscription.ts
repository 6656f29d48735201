/**
 * The port's `Subscription` over EventStoreDB `$all` catch-up subscriptions.
 *
 * The client does not resubscribe after a drop, so this class does: from the last position it
 * delivered or checkpointed (an exclusive start, so nothing is skipped or repeated), after an
 * exponential, capped delay, logging each drop. Filters run on the server (event type or stream
 * prefixes; system events excluded), whose checkpoint messages become `onCheckpoint` calls.
 */
import {
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
  type Position as EsdbPosition,
} from '@eventstore/db-client';
import type { EventFilter, Position, SubscribeOptions, Subscription } from '../event-store';
import { isTransientError } from './esdb-errors';
import { isSystemEvent, matchesFilter, toRecordedEvent } from './esdb-events';
import type { EsdbLogger } from './esdb-logger';
import { esdbStartAfter, toPortPosition } from './esdb-position';

export interface ResubscribePolicy {
  /** Delay before the first resubscription attempt after a drop. */
  initialDelayMs: number;
  /** The delay doubles with each consecutive failed attempt, up to this. */
  maxDelayMs: number;
}

export interface ServerCheckpointSettings {
  /** The server checkpoints every `checkpointInterval x maxSearchWindow` events it examined. */
  checkpointInterval: number;
  maxSearchWindow?: number;
}

export interface EsdbSubscriptionSettings {
  logger: EsdbLogger;
  resubscribe: ResubscribePolicy;
  checkpoints: ServerCheckpointSettings;
}

export class EsdbSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private settleCaughtUp!: { resolve: () => void; reject: (error: Error) => void };
  private resumeAfter: Position | undefined;
  private connection: SubscriptionConnection | undefined;
  private stopping = false;
  private resubscribing = false;
  private cancelDelay: (() => void) | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly settings: EsdbSubscriptionSettings,
  ) {
    this.resumeAfter = options.after;
    this.caughtUp = new Promise((resolve, reject) => {
      this.settleCaughtUp = { resolve, reject };
    });
    // Awaiting `caughtUp` is optional; a failure also reaches `onError`, so an unawaited rejection is not an error.
    this.caughtUp.catch(() => undefined);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelDelay?.();
    this.connection?.stop();
    await this.running;
  }

  private async run(): Promise<void> {
    let failedAttempts = 0;
    while (!this.stopping) {
      this.connection = this.connect();
      const outcome = await this.connection.finished;
      if (outcome.kind === 'failed') return this.fail(outcome.error);
      if (outcome.kind === 'stopped' || this.stopping) return;
      // A subscription the server confirmed was healthy, so the next drop starts the backoff afresh.
      failedAttempts = outcome.confirmed ? 0 : failedAttempts + 1;
      await this.waitBeforeResubscribing(outcome.reason, failedAttempts);
    }
  }

  private connect(): SubscriptionConnection {
    return new SubscriptionConnection(
      (checkpointReached) =>
        this.client.subscribeToAll({
          fromPosition: esdbStartAfter(this.resumeAfter),
          filter: serverFilter(this.options.filter, this.settings.checkpoints, checkpointReached),
        }),
      {
        onEvent: (resolved) => this.deliver(resolved),
        onCheckpoint: (position) => this.checkpoint(position),
        onCaughtUp: () => this.markCaughtUp(),
        onConfirmed: () => this.logResumed(),
      },
    );
  }

  private async deliver({ event }: AllStreamResolvedEvent): Promise<void> {
    // Only resolved links can lack their event, and links are not resolved here.
    if (event === undefined) return;
    const position = toPortPosition(event.position);
    // Starts are exclusive on the server; this guards the "never repeat" promise should one resend an event anyway.
    if (this.resumeAfter !== undefined && position <= this.resumeAfter) return;
    // The server filter already applied; system events in user streams (e.g. `$streamDeleted`) can still pass a stream filter.
    if (!isSystemEvent(event) && matchesFilter(this.options.filter, event)) {
      const recorded = toRecordedEvent(event);
      // The client hands events one at a time; a batch handler gets batches of one.
      await (this.options.onEvents ? this.options.onEvents([recorded]) : this.options.onEvent(recorded));
    }
    this.resumeAfter = position;
  }

  private async checkpoint(esdbPosition: EsdbPosition): Promise<void> {
    const position = toPortPosition(esdbPosition);
    if (this.resumeAfter !== undefined && position <= this.resumeAfter) return;
    this.resumeAfter = position;
    await this.options.onCheckpoint?.(position);
  }

  private markCaughtUp(): void {
    this.options.onCaughtUp?.();
    this.settleCaughtUp.resolve();
  }

  private logResumed(): void {
    if (!this.resubscribing) return;
    this.resubscribing = false;
    this.settings.logger.log('EventStoreDB subscription resumed', { after: describePosition(this.resumeAfter) });
  }

  private async waitBeforeResubscribing(reason: string, failedAttempts: number): Promise<void> {
    const { initialDelayMs, maxDelayMs } = this.settings.resubscribe;
    const delayMs = Math.min(initialDelayMs * 2 ** failedAttempts, maxDelayMs);
    this.resubscribing = true;
    this.settings.logger.warn('EventStoreDB subscription dropped; resubscribing', {
      reason,
      after: describePosition(this.resumeAfter),
      attempt: failedAttempts + 1,
      delayMs,
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.cancelDelay = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.cancelDelay = undefined;
  }

  private fail(error: Error): void {
    this.settings.logger.warn('EventStoreDB subscription failed', { error: error.message, after: describePosition(this.resumeAfter) });
    this.settleCaughtUp.reject(error);
    this.options.onError?.(error);
  }
}

type ConnectionOutcome =
  | { kind: 'stopped' }
  | { kind: 'dropped'; reason: string; confirmed: boolean }
  | { kind: 'failed'; error: Error };

interface ConnectionHandlers {
  onEvent(resolved: AllStreamResolvedEvent): Promise<void>;
  onCheckpoint(position: EsdbPosition): Promise<void>;
  onCaughtUp(): void;
  onConfirmed(): void;
}

/** A checkpoint or caught-up signal, due once `target` events have been delivered. */
interface QueuedSignal {
  target: number;
  handle: () => Promise<void> | void;
  settle: () => void;
}

type OpenSubscription = (checkpointReached: (position: EsdbPosition) => Promise<void>) => AllStreamSubscription;

/**
 * Drives one client subscription, handling events, checkpoints and caught-up signals one at a time.
 *
 * The client reports a checkpoint or `caughtUp` the moment it decodes one, while events it decoded
 * earlier may still wait in its stream buffer. Acting on the signal at once would, for a
 * checkpoint, let a consumer store a position past events it has not seen. So each signal is queued
 * behind the events already taken or buffered, and handled only once they have been delivered.
 */
class SubscriptionConnection {
  readonly finished: Promise<ConnectionOutcome>;
  private readonly stream: AllStreamSubscription;
  private readonly signals: QueuedSignal[] = [];
  private taken = 0;
  private delivered = 0;
  private confirmed = false;
  private outcome: ConnectionOutcome | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    open: OpenSubscription,
    private readonly handlers: ConnectionHandlers,
  ) {
    // The client awaits `checkpointReached` before decoding more, so a checkpoint holds the stream back until handled.
    this.stream = open((position) => this.afterBufferedEvents(() => handlers.onCheckpoint(position)));
    this.stream.on('confirmation', () => {
      this.confirmed = true;
      handlers.onConfirmed();
    });
    this.stream.on('caughtUp', () => void this.afterBufferedEvents(() => handlers.onCaughtUp()));
    this.stream.on('readable', () => this.wake());
    this.stream.on('end', () => this.finish({ kind: 'dropped', reason: 'the server ended the subscription', confirmed: this.confirmed }));
    this.stream.on('error', (error: Error) =>
      this.finish(isTransientError(error) ? { kind: 'dropped', reason: error.message, confirmed: this.confirmed } : { kind: 'failed', error }),
    );
    this.finished = this.pump();
  }

  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  private async pump(): Promise<ConnectionOutcome> {
    while (this.outcome === undefined) {
      if (await this.handleDueSignal()) continue;
      const resolved = this.stream.read() as AllStreamResolvedEvent | null;
      if (resolved === null) {
        await this.nextWake();
        continue;
      }
      this.taken += 1;
      await this.guard(() => this.handlers.onEvent(resolved));
      this.delivered += 1;
    }
    for (const signal of this.signals.splice(0)) signal.settle();
    // The call may never have been created (server unreachable); there is nothing to cancel then.
    await this.stream.unsubscribe().catch(() => undefined);
    return this.outcome;
  }

  private afterBufferedEvents(handle: () => Promise<void> | void): Promise<void> {
    if (this.outcome !== undefined) return Promise.resolve();
    return new Promise((settle) => {
      this.signals.push({ target: this.taken + this.stream.readableLength, handle, settle });
      this.wake();
    });
  }

  private async handleDueSignal(): Promise<boolean> {
    const signal = this.signals[0];
    if (signal === undefined || signal.target > this.delivered) return false;
    this.signals.shift();
    await this.guard(signal.handle);
    signal.settle();
    return true;
  }

  /** A handler that throws ends the subscription for good. */
  private async guard(handle: () => Promise<void> | void): Promise<void> {
    try {
      await handle();
    } catch (error) {
      this.finish({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  private finish(outcome: ConnectionOutcome): void {
    this.outcome ??= outcome;
    this.wake();
  }

  private nextWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }
}

function serverFilter(
  filter: EventFilter | undefined,
  { checkpointInterval, maxSearchWindow }: ServerCheckpointSettings,
  checkpointReached: (position: EsdbPosition) => Promise<void>,
): Filter {
  const options = { checkpointInterval, maxSearchWindow, checkpointReached: (_: unknown, position: EsdbPosition) => checkpointReached(position) };
  if (filter === undefined) return excludeSystemEvents(options);
  const byPrefixes = filter.kind === 'eventType' ? eventTypeFilter : streamNameFilter;
  return byPrefixes({ ...options, prefixes: filter.prefixes });
}

function describePosition(position: Position | undefined): string {
  return position === undefined ? 'start' : position.toString();
}
