import type { EventStore, Position, ReadAllOptions } from '@fulfil/event-store';
import type { Subscriber } from '../runner/subscriber';
import type { RunnerState, SubscriptionRunner } from '../runner/subscription-runner';

export interface ProjectionStatusEntry {
  name: string;
  /** A read model (`projection`) or a reaction with effects elsewhere (messages, commands, ONDC calls). */
  kind: Subscriber['kind'];
  /** Last store position the projection has applied or passed. */
  position: Position;
  headPosition: Position;
  /** Events it still has to apply; absent when more than `LAG_COUNT_LIMIT` (counting further would cost a scan). */
  lagEvents?: number;
  /** Age of the oldest event it has not applied yet; 0 when caught up. */
  lagSeconds: number;
  state: RunnerState;
  /** For a failed projection: the event it stopped at and why. */
  error?: string;
}

/** Lag in events is counted by reading, so it is exact up to this many and "many" beyond. */
export const LAG_COUNT_LIMIT = 1000;
/** How often `waitForPosition` looks again when no runner reported progress (a store may skip events without telling). */
const RECHECK_MS = 250;
/** The same while another instance runs a projection: its progress shows only in the stored checkpoint. */
const STANDBY_RECHECK_MS = 50;

/**
 * Where each projection stands against the store's head, for `/metrics` and `/health/ready`, and
 * the wait behind read-your-writes. Lag counts only events the projection reads (its filter), so a
 * projection of invoices is not "behind" on shipping events it will never apply.
 */
export class ProjectionStatus {
  constructor(
    private readonly runners: readonly SubscriptionRunner[],
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The last position the store has written: no command has answered a later one. */
  headPosition(): Promise<Position> {
    return this.store.headPosition();
  }

  async status(): Promise<ProjectionStatusEntry[]> {
    const headPosition = await this.store.headPosition();
    return Promise.all(this.runners.map((runner) => this.entry(runner, headPosition)));
  }

  /**
   * Resolves true once every projection has applied everything it reads up to `position` (the
   * position a command's response carries), false if that takes longer than `timeoutMs`.
   * Reactions are not waited for: their effects (messages, ONDC calls) are not what queries read.
   */
  async waitForPosition(position: Position, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const projections = this.runners.filter((runner) => runner.subscriber.kind === 'projection');
    for (;;) {
      // A position the store has not written yet is not "reached", however idle the projections are.
      const written = (await this.store.headPosition()) >= position;
      const reached = written && (await Promise.all(projections.map((runner) => this.hasReached(runner, position))));
      if (reached && reached.every(Boolean)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      const recheck = projections.some((runner) => runner.state === 'standby') ? STANDBY_RECHECK_MS : RECHECK_MS;
      await this.nextProgress(Math.min(remaining, recheck));
    }
  }

  private async entry(runner: SubscriptionRunner, headPosition: Position): Promise<ProjectionStatusEntry> {
    const { position, failure } = await runner.progress();
    const base = {
      name: runner.name,
      kind: runner.subscriber.kind,
      position,
      headPosition,
      // A failure another instance recorded is this deployment's failure too.
      state: failure ? ('failed' as const) : runner.state,
      ...(failure ? { error: `${failure.eventType} at position ${failure.position} of ${failure.stream}: ${failure.error}` } : {}),
    };
    if (position >= headPosition) return { ...base, lagEvents: 0, lagSeconds: 0 };
    // Counted, not read: a scrape every few seconds of seven subscribers far behind would otherwise read thousands of events.
    const [[oldest], pending] = await Promise.all([this.pendingEvents(runner, position, 1), this.store.countAll(this.pendingOptions(runner, position, LAG_COUNT_LIMIT))]);
    const lagSeconds = oldest ? Math.max(0, (this.now().getTime() - oldest.recordedAt.getTime()) / 1000) : 0;
    return { ...base, ...(pending < LAG_COUNT_LIMIT ? { lagEvents: pending } : {}), lagSeconds };
  }

  private async hasReached(runner: SubscriptionRunner, position: Position): Promise<boolean> {
    const applied = (await runner.progress()).position;
    if (applied >= position) return true;
    // A read stops below the oldest transaction still in flight anywhere on the server: until it
    // reaches `position`, an empty read proves nothing, and the projection may not have seen the write.
    const [stable] = await this.store.readAll({ after: position - 1n, maxCount: 1 });
    if (!stable) return false;
    // Events the projection does not read never move its position; what counts is that none it reads is pending up to `position`.
    const [next] = await this.pendingEvents(runner, applied, 1);
    return next === undefined || next.position > position;
  }

  private pendingEvents(runner: SubscriptionRunner, applied: Position, maxCount: number) {
    return this.store.readAll(this.pendingOptions(runner, applied, maxCount));
  }

  private pendingOptions(runner: SubscriptionRunner, applied: Position, maxCount: number): ReadAllOptions {
    const filter = runner.subscriber.filter;
    return { maxCount, ...(applied > 0n ? { after: applied } : {}), ...(filter ? { filter } : {}) };
  }

  private nextProgress(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribers: Array<() => void> = [];
      const done = () => {
        clearTimeout(timer);
        unsubscribers.forEach((unsubscribe) => unsubscribe());
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const runner of this.runners) unsubscribers.push(runner.onProgress(done));
    });
  }
}
