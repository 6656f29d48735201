/** Where the guard finds how many failed authentications a client address may make per minute. */
export const AUTH_FAILURE_LIMIT = Symbol('AUTH_FAILURE_LIMIT');

export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

const WINDOW_MS = 60_000;
/** Addresses remembered at most; expired windows are dropped first, so a flood of addresses cannot grow memory without end. */
const MAX_TRACKED = 10_000;

/**
 * Failed authentications per client address in a one-minute window. Past the limit the address is
 * refused outright (valid key or not) until its window ends, so keys cannot be guessed at speed
 * and a key found by guessing is no use before the window closes.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again, or undefined when it may try now. */
  retryAfterSeconds(client: string): number | undefined {
    const window = this.windows.get(client);
    if (!window || window.endsAt <= this.now()) return undefined;
    return window.failures >= this.perMinute ? Math.ceil((window.endsAt - this.now()) / 1000) : undefined;
  }

  recordFailure(client: string): void {
    const now = this.now();
    const window = this.windows.get(client);
    if (window && window.endsAt > now) {
      window.failures++;
      return;
    }
    if (this.windows.size >= MAX_TRACKED) this.forgetExpired(now);
    this.windows.set(client, { failures: 1, endsAt: now + WINDOW_MS });
  }

  private forgetExpired(now: number): void {
    for (const [client, window] of this.windows) if (window.endsAt <= now) this.windows.delete(client);
    // Still full of live windows: drop the oldest, which would end first anyway.
    while (this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value!);
  }
}
