import { Inject, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { nackForHttpRefusal, readAckOrNack } from '@fulfil/ondc';

/** Where partners call back (`OndcCallbacksController`). */
export const CALLBACK_PATH_PREFIX = '/ondc/';

function parsed(payload: unknown): unknown {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the refusal said: a problem document's detail, a framework error's message, or only its status. */
function detailOf(body: unknown, httpStatus: number): string {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const said = fields['detail'] ?? fields['message'];
  if (typeof said === 'string') return said;
  if (Array.isArray(said)) return said.join('; ');
  return `refused with HTTP ${httpStatus}`;
}

/**
 * Partners are answered in their protocol's envelope whatever refuses them: a refusal on
 * /ondc/* made by the HTTP layer (malformed JSON, an oversized or deeply nested body, a wrong
 * media type, an unknown route, our own failure) would otherwise leave as a problem document.
 * Rewriting the answer as it leaves catches every such path in one place, in whichever app hosts
 * the adapter; NACKs the callback intake wrote go out untouched. The HTTP status is kept.
 */
export function answerRefusalsWithNacks(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith(CALLBACK_PATH_PREFIX) || reply.statusCode < 400) return done(null, payload);
    const body = parsed(payload);
    if (readAckOrNack(body)?.status === 'NACK') return done(null, payload);
    void reply.header('content-type', 'application/json; charset=utf-8');
    done(null, JSON.stringify(nackForHttpRefusal(reply.statusCode, detailOf(body, reply.statusCode))));
  });
}

/** Installs `answerRefusalsWithNacks` on the host's Fastify instance before it starts listening. */
export class OndcRefusals implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    // An application context without HTTP (a CLI) has no server to answer from.
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) answerRefusalsWithNacks(fastify);
  }
}
