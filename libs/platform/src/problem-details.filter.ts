import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, RateLimitedError } from '@fulfil/domain';
import { EventStoreUnavailableError, StreamRevisionConflictError, isDatabaseUnreachable } from '@fulfil/event-store';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problem } from './problem-details';
import { resourceExhaustion, resourceFaults } from './resource-faults';

/** An error that already knows its problem document (validation, authentication, idempotency). */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemDetails, readonly headers: Record<string, string> = {}) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

const STATUS_BY_DOMAIN_KIND: Record<DomainError['kind'], number> = {
  validation: HttpStatus.UNPROCESSABLE_ENTITY,
  illegal_state: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
};

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  501: 'Not implemented',
  503: 'Service unavailable',
};

/** Domain errors and framework errors become problem documents in one place; a 500 gets a logged error id. */
export function toProblem(error: unknown, logger?: Logger): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof ProblemError) return { problem: error.problem, headers: error.headers };
  if (error instanceof DomainError) {
    const status = error.code === 'VALIDATION_FAILED' ? HttpStatus.BAD_REQUEST : STATUS_BY_DOMAIN_KIND[error.kind];
    const headers: Record<string, string> = error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    return { problem: problem(status, error.code, TITLE_BY_STATUS[status] ?? 'Error', error.message, error.details), headers };
  }
  if (error instanceof StreamRevisionConflictError) {
    return { problem: problem(409, 'CONCURRENT_MODIFICATION', 'Conflict', 'Someone else changed this order at the same time; read it again and retry'), headers: {} };
  }
  const exhausted = resourceExhaustion(error);
  if (exhausted) {
    resourceFaults.record(exhausted, error);
    logger?.error({ err: error }, `Resources exhausted (${exhausted})`);
    return exhausted === 'storage'
      ? { problem: problem(507, 'INSUFFICIENT_STORAGE', 'Insufficient storage', 'The server has run out of disk space; nothing was kept, retry once space is freed'), headers: { 'retry-after': '30' } }
      : { problem: problem(503, 'RESOURCES_EXHAUSTED', 'Service unavailable', 'The server is short of memory, files or connections; nothing was kept, retry shortly'), headers: { 'retry-after': '5' } };
  }
  // The read-model database (idempotency claims live there) going away is the same outage to a client.
  if (error instanceof EventStoreUnavailableError || isDatabaseUnreachable(error)) {
    return { problem: problem(503, 'STORE_UNAVAILABLE', 'Service unavailable', 'The event store cannot be reached; retry shortly'), headers: { 'retry-after': '2' } };
  }
  if (error instanceof HttpException) return { problem: fromHttpException(error), headers: {} };
  const requestError = fromRequestError(error);
  if (requestError) return { problem: requestError, headers: {} };
  const errorId = randomUUID();
  logger?.error({ errorId, err: error }, `Unhandled error ${errorId}`);
  return { problem: problem(500, 'INTERNAL_ERROR', 'Internal server error', `Something went wrong on our side; quote error id ${errorId}`, { errorId }), headers: {} };
}

/** Codes for refusals raised by the HTTP layer itself rather than by our code. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

function httpProblem(status: number, detail: string): ProblemDetails {
  return problem(status, CODE_BY_STATUS[status] ?? 'REQUEST_REFUSED', TITLE_BY_STATUS[status] ?? 'Request refused', detail);
}

function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  if (status >= 500) return problem(status, 'INTERNAL_ERROR', TITLE_BY_STATUS[status] ?? 'Internal server error', 'Something went wrong on our side');
  const body = error.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
  return httpProblem(status, detail);
}

/** Errors from the web server and its plugins (body parsing, multipart limits) carry a 4xx `statusCode`. */
export function fromRequestError(error: unknown): ProblemDetails | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500 || !(error instanceof Error)) return undefined;
  return httpProblem(status, error.message);
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const request = host.switchToHttp().getRequest<{ url?: string }>();
    const { problem: body, headers } = toProblem(error, this.logger);
    reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.send({ ...body, ...(request.url ? { instance: request.url.split('?')[0] } : {}) });
  }
}
