import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, lastValueFrom } from 'rxjs';
import { EVENT_STORE } from '@fulfil/commands';
import { EventStore, JsonObject, StreamRevisionConflictError } from '@fulfil/event-store';
import { ProblemError, problem, toProblem } from '@fulfil/platform';
import { sha256Hex } from '../auth/api-key';
import type { AuthenticatedRequest } from '../auth/auth.decorators';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Secrets shown once (a new seller's API key) are never kept in a stored response. */
const SECRET_FIELDS = ['apiKey'];

function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = '(shown only in the first response)';
  return copy;
}
/** Responses worth replaying: successes, and refusals that were recorded as facts (a wrong OTP). */
const REPLAYABLE = (status: number): boolean => (status >= 200 && status < 300) || status === 422;

interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

interface IdempotentRequest extends AuthenticatedRequest {
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

/**
 * `Idempotency-Key` on any POST: the first response is kept in the event store (a stream per
 * caller and key, appended expecting no stream), a repeat with the same body gets it back, and a
 * repeat with another body is refused. The key also rides on the command's events, so even a
 * repeat that races the first one appends nothing twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemError(problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Bad request', 'Idempotency-Key must be 1 to 255 printable ASCII characters'));
    }
    request.idempotencyKey = key;
    const reply = context.switchToHttp().getResponse<ReplyLike>();
    return from(this.handle(request, reply, key, next));
  }

  private async handle(request: IdempotentRequest, reply: ReplyLike, key: string, next: CallHandler): Promise<unknown> {
    const scope = request.seller?.sellerId ?? (request.platform ? 'platform' : 'anonymous');
    const stream = `idempotency-${scope}-${sha256Hex(key)}`;
    const requestHash = sha256Hex(`${request.method} ${request.url.split('?')[0]} ${canonical(request.body ?? null)}`);
    const earlier = await this.recorded(stream);
    if (earlier) return this.replay(earlier, requestHash, reply);
    let status: number;
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      status = reply.statusCode;
    } catch (error) {
      const { problem: document } = toProblem(error);
      if (!REPLAYABLE(document.status)) throw error;
      await this.record(stream, { requestHash, status: document.status, body: document });
      throw error;
    }
    if (REPLAYABLE(status)) {
      const raced = await this.record(stream, { requestHash, status, body: withoutSecrets(body) });
      if (raced) return this.replay(raced, requestHash, reply);
    }
    return body;
  }

  private replay(earlier: StoredResponse, requestHash: string, reply: ReplyLike): unknown {
    if (earlier.requestHash !== requestHash) {
      throw new ProblemError(
        problem(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable content', 'This Idempotency-Key was used with a different request; use a new key for a new request'),
      );
    }
    reply.header('idempotent-replayed', 'true');
    if (earlier.status >= 400) throw new ProblemError(earlier.body as never);
    reply.status(earlier.status);
    return earlier.body;
  }

  private async recorded(stream: string): Promise<StoredResponse | undefined> {
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    return first ? (first.data as unknown as StoredResponse) : undefined;
  }

  /** Returns the response another request recorded first, when it won the race. */
  private async record(stream: string, response: StoredResponse): Promise<StoredResponse | undefined> {
    try {
      await this.store.append(stream, [{ type: 'IdempotentResponseRecorded', data: JSON.parse(JSON.stringify(response)) as JsonObject }], {
        expectedRevision: 'no_stream',
      });
      return undefined;
    } catch (error) {
      if (error instanceof StreamRevisionConflictError) return this.recorded(stream);
      throw error;
    }
  }
}
