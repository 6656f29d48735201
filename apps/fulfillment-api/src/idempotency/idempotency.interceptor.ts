import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, lastValueFrom } from 'rxjs';
import { ProblemError, problem, toProblem } from '@fulfil/platform';
import { sha256Hex } from '../auth/api-key';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { uploadedImageDigest, type UploadingRequest } from '../uploads/uploaded-image';
import { IdempotencyRecords, type RecordedResponse } from './idempotency-records';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Secrets shown once (a new seller's API key) are never kept in a stored response. */
const SECRET_FIELDS = ['apiKey'];

function withoutSecrets(body: unknown): { body: unknown; secretsWithheld: boolean } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body, secretsWithheld: false };
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  let withheld = false;
  for (const field of SECRET_FIELDS) {
    if (field in copy) {
      copy[field] = '(shown only in the first response)';
      withheld = true;
    }
  }
  return { body: copy, secretsWithheld: withheld };
}
/** Responses worth replaying: successes, and refusals that were recorded as facts (a wrong OTP). */
const REPLAYABLE = (status: number): boolean => (status >= 200 && status < 300) || status === 422;

interface IdempotentRequest extends AuthenticatedRequest, UploadingRequest {
  method: string;
  url: string;
  body?: unknown;
  idempotencyKey?: string;
}

interface ReplyLike {
  statusCode: number;
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const keyReused = (): ProblemError =>
  new ProblemError(problem(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable content', 'This Idempotency-Key was used with a different request; use a new key for a new request'));

/**
 * `Idempotency-Key` on any authenticated POST, scoped to the caller (a seller, or the platform):
 * the key is claimed before the route runs (ADR 0016), so a repeat waits for the first answer and
 * gets it exactly, and a repeat with another body is refused without running. The key also rides
 * on the command's events, where the command side replays it only for the same actor.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IdempotencyRecords) private readonly records: IdempotencyRecords) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemError(problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Bad request', 'Idempotency-Key must be 1 to 255 printable ASCII characters'));
    }
    // Unauthenticated routes (webhooks, ONDC callbacks) have no caller to scope a key to; their protocols carry their own message ids.
    const principal = request.seller ? `seller:${request.seller.sellerId}` : request.platform ? 'platform' : undefined;
    if (!principal) return next.handle();
    request.idempotencyKey = key;
    const reply = context.switchToHttp().getResponse<ReplyLike>();
    return from(this.handle(request, reply, principal, key, next));
  }

  private async handle(request: IdempotentRequest, reply: ReplyLike, principal: string, key: string, next: CallHandler): Promise<unknown> {
    const upload = await uploadedImageDigest(request);
    const requestHash = sha256Hex(`${request.method} ${request.url.split('?')[0]} ${canonical(request.body ?? null)} ${upload ?? ''}`);
    const keyHash = sha256Hex(key);
    const claim = await this.records.claim(principal, keyHash, requestHash);
    if (claim.kind === 'other-request') throw keyReused();
    if (claim.kind === 'answered') {
      reply.header('idempotent-replayed', 'true');
      const { status, body, secretsWithheld } = claim.response;
      // The secret is not kept; the route runs again and answers afresh (a new seller key, the unseen one revoked).
      if (secretsWithheld) return lastValueFrom(next.handle(), { defaultValue: undefined });
      if (status >= 400) throw new ProblemError(body as never);
      reply.status(status);
      return body;
    }
    const stopHolding = this.records.holdWhileRunning(principal, keyHash, claim.token);
    let status: number;
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      status = reply.statusCode;
    } catch (error) {
      stopHolding();
      const { problem: document } = toProblem(error);
      await this.settle(principal, keyHash, claim.token, { status: document.status, body: document, secretsWithheld: false });
      throw error;
    }
    stopHolding();
    await this.settle(principal, keyHash, claim.token, { status, ...withoutSecrets(body) });
    return body;
  }

  /**
   * Keeps a replayable answer, or gives the key back. The command has already happened, so a
   * failure here is not the caller's: the claim's lease runs out and a repeat takes over, which
   * the command side answers as a replay.
   */
  private async settle(principal: string, keyHash: string, token: string, response: RecordedResponse): Promise<void> {
    try {
      if (REPLAYABLE(response.status)) await this.records.answer(principal, keyHash, token, response);
      else await this.records.release(principal, keyHash, token);
    } catch {
      return;
    }
  }
}
