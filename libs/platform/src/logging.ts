import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';

/** Headers and body fields that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-gateway-authorization"]',
  'req.headers.cookie',
  '*.apiKey',
  '*.otp',
  '*.platformApiKey',
];

/** The current trace id when tracing is on (`@fulfil/tracing`), so a log line leads to its trace. */
function traceFields(): { traceId?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId } : {};
}

/** Structured JSON logs; each request's id is its correlation id, taken from `X-Correlation-Id` when sent. */
export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
      level,
      mixin: traceFields,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (request: IncomingMessage) => {
        const given = request.headers['x-correlation-id'];
        const value = Array.isArray(given) ? given[0] : given;
        return value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : randomUUID();
      },
      customProps: (request: IncomingMessage) => ({ correlationId: (request as IncomingMessage & { id?: unknown }).id }),
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health/live' || request.url === '/metrics' },
    },
  };
}
