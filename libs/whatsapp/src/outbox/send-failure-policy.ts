import { WHATSAPP_ERRORS } from '../cloud-api/whatsapp-api';
import type { WhatsAppSenderTuning } from '../whatsapp-config';

export type FailureVerdict = { final: false; retryInMs: number; reason: string } | { final: true; reason: string };

const RATE_LIMITED: ReadonlySet<number> = new Set([WHATSAPP_ERRORS.throughput, WHATSAPP_ERRORS.pairRate, 4, 80007, 130472]);
const TRANSIENT: ReadonlySet<number> = new Set([1, 2, 131000, 131016, WHATSAPP_ERRORS.expiredToken]);

/** Exponential backoff with a cap: 1 s, 2 s, 4 s, ... */
export const backoffMs = (attempt: number, tuning: Pick<WhatsAppSenderTuning, 'baseBackoffMs' | 'maxBackoffMs'>): number =>
  Math.min(tuning.maxBackoffMs, tuning.baseBackoffMs * 2 ** Math.max(0, attempt - 1));

/**
 * What a failed send (at send time, or reported later by a `failed` status) means: retry after a
 * backoff (rate limits, Meta's transient errors, network failures, an expired token an operator can
 * renew) or stop and report (outside the 24-hour window, undeliverable, anything else Meta refuses).
 */
export function judgeSendFailure(code: number | undefined, httpStatus: number | undefined, attempt: number, tuning: WhatsAppSenderTuning): FailureVerdict {
  if (code === WHATSAPP_ERRORS.reengagement) return { final: true, reason: 're-engagement required: outside the 24-hour window only templates are delivered' };
  if (code === WHATSAPP_ERRORS.undeliverable) return { final: true, reason: 'undeliverable' };
  const retryable =
    (code !== undefined && (RATE_LIMITED.has(code) || TRANSIENT.has(code))) || (code === undefined && (httpStatus === undefined || httpStatus >= 500 || httpStatus === 429));
  if (!retryable) return { final: true, reason: `refused by WhatsApp${code !== undefined ? ` (error ${code})` : ''}` };
  const reason = code !== undefined && RATE_LIMITED.has(code) ? `rate limited (error ${code})` : code === WHATSAPP_ERRORS.expiredToken ? 'access token expired (error 190)' : 'temporarily unavailable';
  if (attempt >= tuning.maxAttempts) return { final: true, reason: `${reason}; gave up after ${attempt} attempts` };
  return { final: false, retryInMs: backoffMs(attempt, tuning), reason };
}
