/** Small helpers for tests that run the EventStoreDB adapter against the protocol double. */
import type { EsdbLogger } from '@fulfil/event-store';

/** Polls `condition` until it holds; fails with `what` once `timeoutMs` has passed. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Retries `attempt` until it resolves; fails with its last error once `timeoutMs` has passed. */
export async function waitForAsync(what: string, attempt: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export interface RecordingLogger extends EsdbLogger {
  readonly warnings: string[];
  readonly messages: string[];
}

/** Keeps test output clean and lets tests assert what the adapter reported. */
export function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  const messages: string[] = [];
  return {
    warnings,
    messages,
    warn: (message) => warnings.push(message),
    log: (message) => messages.push(message),
  };
}
