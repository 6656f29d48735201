import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { readAckOrNack } from './ack';
import { isRetriableErrorCode } from './error-codes';
import { DEFAULT_RETRY_POLICY, RetryPolicy, TryResult, describeFailure, isTransportFailure, withRetries } from './retry';
import { AUTHORIZATION_HEADER, Signer, createAuthorizationHeader } from './signing';
import type { OndcAction, OndcError, OndcMessageEnvelope } from './types';

export interface OndcHttpClientOptions {
  /** Who we are: every request is signed with this key; a function is asked at every try, so a rotated key is used at once. */
  signer: Signer | (() => Signer);
  /** Header our signature goes in: `authorization`, or `x-gateway-authorization` for a gateway relaying a search. */
  signatureHeader?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  http?: AxiosInstance;
  nowMs?: () => number;
}

/** The last try as it went on the wire: the signature it carried and, if the peer answered, the answer's bytes. */
export interface Exchange {
  authorization: string;
  answer?: { httpStatus: number; body: Buffer };
}

/** What became of one delivery, after retries. */
export type DeliveryOutcome = (
  | { outcome: 'ack'; httpStatus: number; attempts: number }
  /** The peer refused: a NACK (error as sent, undefined if it sent none) or an answer that is no ACK. */
  | { outcome: 'nack'; httpStatus: number; error: OndcError | undefined; attempts: number }
  /** No answer from the peer within the tries: refused, reset, timed out, or only 5xx without a NACK. */
  | { outcome: 'unreachable'; reason: string; attempts: number }
) & { exchange?: Exchange };

/** `https://lsp.com/ondc` + `init` → `https://lsp.com/ondc/init`. */
export const actionUrl = (baseUri: string, action: string): string => `${baseUri.replace(/\/+$/, '')}/${action}`;

/**
 * Sends ONDC requests and callbacks: serialises once, signs those exact bytes, POSTs them and reads
 * the synchronous ACK or NACK. Retries what the peer never answered, and NACKs whose code asks for a
 * retry (66001, 63001, 66003); a NACK that says the request is wrong is returned at once.
 */
export class OndcHttpClient {
  private readonly http: AxiosInstance;
  private readonly now: () => number;

  constructor(private readonly options: OndcHttpClientOptions) {
    this.http = options.http ?? axios.create({ timeout: options.timeoutMs ?? 10_000 });
    this.now = options.nowMs ?? Date.now;
  }

  /** POSTs a message to `{baseUri}/{context.action}` (a partner's bpp_uri for requests, the bap_uri for callbacks). */
  send(baseUri: string, message: OndcMessageEnvelope<OndcAction, unknown>): Promise<DeliveryOutcome> {
    return this.deliver(actionUrl(baseUri, message.context.action), Buffer.from(JSON.stringify(message)));
  }

  /** POSTs exact bytes, signed by us; `extraHeaders` may add more (a gateway passes the sender's own signature on beside its own). */
  async deliver(url: string, rawBody: Buffer, extraHeaders: Readonly<Record<string, string>> = {}): Promise<DeliveryOutcome> {
    const policy = this.options.retry ?? DEFAULT_RETRY_POLICY;
    const seen: { exchange?: Exchange } = {};
    const { result, attempts, lastFailure } = await withRetries(policy, (n) => this.tryOnce(url, rawBody, extraHeaders, n < policy.attempts, seen));
    const exchange = seen.exchange ? { exchange: seen.exchange } : {};
    return result ? { ...result, attempts, ...exchange } : { outcome: 'unreachable', reason: lastFailure ?? 'no answer', attempts, ...exchange };
  }

  private signature(rawBody: Buffer): string {
    const signer = typeof this.options.signer === 'function' ? this.options.signer() : this.options.signer;
    return createAuthorizationHeader(rawBody, signer, { nowMs: this.now() });
  }

  private async tryOnce(url: string, rawBody: Buffer, extraHeaders: Readonly<Record<string, string>>, triesLeft: boolean, seen: { exchange?: Exchange }): Promise<TryResult<Answer>> {
    const authorization = this.signature(rawBody);
    const headers = { 'content-type': 'application/json', [this.options.signatureHeader ?? AUTHORIZATION_HEADER]: authorization, ...extraHeaders };
    seen.exchange = { authorization };
    let response: AxiosResponse<ArrayBuffer>;
    try {
      // The answer's bytes as they came, for the transaction log; read as JSON below.
      response = await this.http.post<ArrayBuffer>(url, rawBody, { headers, validateStatus: () => true, responseType: 'arraybuffer' });
    } catch (error) {
      if (isTransportFailure(error)) return { retry: describeFailure(error) };
      throw error;
    }
    const body = Buffer.from(response.data);
    seen.exchange = { authorization, answer: { httpStatus: response.status, body } };
    return interpretAnswer(response.status, jsonOf(body), triesLeft);
  }
}

function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

type Answer = DistributiveOmit<Exclude<DeliveryOutcome, { outcome: 'unreachable' }>, 'attempts' | 'exchange'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The peer's word on one try; a 5xx without a NACK is not its word yet, only a retriable NACK code asks to be tried again. */
function interpretAnswer(httpStatus: number, body: unknown, triesLeft: boolean): TryResult<Answer> {
  const answer = readAckOrNack(body);
  if (answer?.status === 'ACK') return { done: { outcome: 'ack', httpStatus } };
  if (answer?.status === 'NACK') {
    if (triesLeft && isRetriableErrorCode(answer.error?.code)) return { retry: `NACK ${answer.error?.code ?? ''} asks for a retry` };
    return { done: { outcome: 'nack', httpStatus, error: answer.error } };
  }
  if (httpStatus >= 500) return { retry: `HTTP ${httpStatus} without an ACK or NACK` };
  return { done: { outcome: 'nack', httpStatus, error: undefined } };
}
