import type { INestApplicationContext } from '@nestjs/common';

/** Long enough for in-flight requests and a projection batch; shorter than the usual orchestrator kill timeout (30 s). */
export const SHUTDOWN_GRACE_MS = 25_000;

/**
 * SIGTERM or SIGINT: stop taking requests, let in-flight work finish and runners store their
 * checkpoints (Nest's shutdown hooks, run by `close()`), then exit 0. A second signal, a failed
 * close or the grace period running out exits 1 at once. Used instead of Nest's
 * `enableShutdownHooks`, which re-raises the signal and so never exits 0.
 */
export function closeOnSignals(app: INestApplicationContext, name: string, graceMs = SHUTDOWN_GRACE_MS): void {
  let closing = false;
  const say = (line: string) => process.stderr.write(`${name}: ${line}\n`);
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      say(`${signal} again, exiting now`);
      process.exit(1);
    }
    closing = true;
    say(`${signal} received, finishing in-flight work`);
    setTimeout(() => {
      say(`still closing after ${graceMs} ms, exiting (still open: ${process.getActiveResourcesInfo().join(', ') || 'nothing'})`);
      process.exit(1);
    }, graceMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        say(`close failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
