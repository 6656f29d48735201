import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';

/**
 * Timers of the simulated network (callbacks after the ACK, fulfillment steps). It keeps every
 * timer and running task so that the app stops cleanly: pending timers are dropped, running tasks
 * are awaited. A task that throws is logged; nothing else depends on it.
 */
@Injectable()
export class SandboxClock implements OnModuleDestroy {
  private readonly logger = new Logger('OndcSandbox');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  /** Runs `task` after `ms`; returns a function that cancels it if it has not started. */
  after(ms: number, task: () => Promise<void> | void): () => void {
    if (this.stopped) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(task);
    }, ms);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private run(task: () => Promise<void> | void): void {
    const running = Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.logger.error(`sandbox task failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }
}
