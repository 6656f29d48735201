/** Where the guard finds how many failed authentications a client address may make per minute. */
export const AUTH_FAILURE_LIMIT = Symbol('AUTH_FAILURE_LIMIT');

export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

const WINDOW_MS = 60_000;
const pairOf = (client: string, keyId: string): string => `${client}\u0000${keyId}`;
/** Addresses remembered at most; expired windows are dropped first, so a flood of addresses cannot grow memory without end. */
const MAX_TRACKED = 10_000;

/**
 * Failed authentications per client address in a one-minute window. Past the limit the address
 * may no longer try any key it has failed with, until its window ends: a key cannot be guessed at
 * speed, and a key found by guessing is no use before the window closes. A key the address has not
 * failed with is still checked, so a valid key is never refused because another client behind the
 * same address (a NAT, a proxy not named in TRUST_PROXY) sent bad ones.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Seconds until `client` may try the key named `keyId` again, or undefined when it may try now.
   * `keyId` is the key's public part; undefined for a credential that names none.
   */
  retryAfterSeconds(client: string, keyId: string | undefined): number | undefined {
    const window = this.live(client);
    if (!window || window.failures < this.perMinute) return undefined;
    const failedWithKey = keyId === undefined ? window : this.live(pairOf(client, keyId));
    return failedWithKey ? Math.ceil((window.endsAt - this.now()) / 1000) : undefined;
  }

  recordFailure(client: string, keyId: string | undefined): void {
    this.count(client);
    if (keyId !== undefined) this.count(pairOf(client, keyId));
  }

  private live(key: string): { failures: number; endsAt: number } | undefined {
    const window = this.windows.get(key);
    return window && window.endsAt > this.now() ? window : undefined;
  }

  private count(client: string): void {
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
