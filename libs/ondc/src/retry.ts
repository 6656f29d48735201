import { isAxiosError } from 'axios';

/** Exponential backoff with full jitter, for transport failures only. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The capped exponential after failed try number `attempt` (from 1): the whole wait, for planners that must be repeatable. */
export const backoffCeilingMs = (policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

/** Delay after failed try number `attempt` (from 1): random below the capped exponential, so clients retrying together spread out. */
export const backoffDelayMs = (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number =>
  Math.floor(random() * backoffCeilingMs(policy, attempt));

/** Statuses a proxy or load balancer answers when the service behind it is down: no word from the peer yet. */
export const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** The request got no HTTP answer at all: refused, reset, DNS, timeout. */
export const isTransportFailure = (error: unknown): boolean => isAxiosError(error) && !error.response;

export function describeFailure(error: unknown): string {
  if (isAxiosError(error)) return error.code ? `${error.code}: ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** What one try came to: an outcome to return, or a transport failure worth another try. */
export type TryResult<T> = { done: T } | { retry: string };

export interface Retried<T> {
  result: T | undefined;
  attempts: number;
  /** Why the last try failed, when no try came to an outcome. */
  lastFailure?: string;
}

/** Runs `attempt` until it comes to an outcome or the policy's tries are spent, backing off in between. */
export async function withRetries<T>(policy: RetryPolicy, attempt: (n: number) => Promise<TryResult<T>>): Promise<Retried<T>> {
  let lastFailure = 'not tried';
  for (let n = 1; n <= policy.attempts; n++) {
    const result = await attempt(n);
    if ('done' in result) return { result: result.done, attempts: n };
    lastFailure = result.retry;
    if (n < policy.attempts) await sleep(backoffDelayMs(policy, n));
  }
  return { result: undefined, attempts: policy.attempts, lastFailure };
}
