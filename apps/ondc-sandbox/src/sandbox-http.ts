import type { RetryPolicy } from '@fulfil/ondc';

/** Everything in the sandbox is local: give up fast, so that a closed receiver does not hold shutdown back. */
export const SANDBOX_HTTP_TIMEOUT_MS = 3_000;
export const SANDBOX_HTTP_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 50, maxDelayMs: 200 };
