import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ONDC_ERRORS, nack } from '@fulfil/ondc';
import { EngineMetrics, PROBLEM_CONTENT_TYPE, ProblemDetails, UNCLEAN_TEXT_MESSAGE, problem, resourceFaults, strictValidationPipe, uncleanTextField, type TrustProxy } from '@fulfil/platform';
import { ENGINE_METRICS } from './metrics/metrics.controller';
import { MAX_IMAGE_BYTES } from './uploads/image-store';
import { MAX_SHIPMENT_PHOTOS } from './uploads/uploaded-image';

/** JSON bodies are small: a 1,000-item bulk request fits well inside this. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** No request of ours nests deeper than a few levels; far deeper bodies would overflow the stack of the recursive DTO transformer. */
export const MAX_JSON_DEPTH = 32;

/** Depth of a parsed body, measured without recursion so that measuring cannot overflow either. */
function depthExceeds(body: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[body, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * A request the HTTP parser itself refuses (headers over Node's 16 KB, a malformed request line):
 * answered as a problem document on the raw socket, as Fastify's default handler does in JSON.
 */
function refuseUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const overflow = error.code === 'HPE_HEADER_OVERFLOW';
  const status = overflow ? 431 : 400;
  const title = overflow ? 'Request header fields too large' : 'Bad request';
  const detail = overflow ? 'The request headers exceed 16 KB' : 'The request could not be parsed as HTTP';
  const body = JSON.stringify(problem(status, overflow ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST', title, detail));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** How often, while closing, connections that have just gone idle are ended. */
const IDLE_REAP_INTERVAL_MS = 100;

/**
 * Closing the server ends only the connections idle at that moment. A keep-alive connection busy
 * with a request then stays open after its response until the keep-alive timeout (72 s), holding
 * shutdown past any grace period. While closing, responses say `Connection: close`, and
 * connections that go idle anyway (a response already on its way) are ended as they do.
 */
function endConnectionsWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    const reap = setInterval(() => fastify.server.closeIdleConnections(), IDLE_REAP_INTERVAL_MS).unref();
    fastify.server.once('close', () => clearInterval(reap));
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}

function refuse(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  return reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** ONDC peers are answered in their protocol's envelope; everyone else gets a problem document. */
const ONDC_PREFIXES = ['/ondc/', '/ondc-sandbox/'];

function refuseUncleanText(request: FastifyRequest, reply: FastifyReply, field: string): FastifyReply {
  const detail = `${field}: ${UNCLEAN_TEXT_MESSAGE}`;
  if (ONDC_PREFIXES.some((prefix) => request.url.startsWith(prefix))) {
    return reply.status(400).header('content-type', 'application/json').send(nack('JSON-SCHEMA-ERROR', ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE, detail, field));
  }
  return refuse(reply, problem(400, 'VALIDATION_FAILED', 'Bad request', detail, { issues: [{ field, message: UNCLEAN_TEXT_MESSAGE }] }));
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Fulfilment engine API')
    .setDescription('Orders, GST invoices, shipments (ONDC on-network and off-network), labels and delivery for Indian online sellers.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

export interface HttpAppOptions {
  trustProxy?: TrustProxy;
  /** The built seller console (`dist/console`), served at /console when given. */
  consoleDir?: string;
}

/**
 * The console is static files beside the API: it holds no key and calls only the public `/v1`
 * routes from the browser, so serving it needs no guard (ADR 0029).
 */
async function serveConsole(app: NestFastifyApplication, root: string): Promise<void> {
  await app.register(fastifyStatic as never, { root, prefix: '/console/', index: ['index.html'], wildcard: false, maxAge: 0 });
  app.getHttpAdapter().getInstance().get('/console', (_request, reply) => reply.redirect('/console/', 301));
}

/** Builds the HTTP application around any root module that imports the API module. */
export async function createHttpApp(rootModule: Parameters<typeof NestFactory.create>[0], options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_JSON_BODY_BYTES,
    // Only the configured proxies may name the client (`request.ip`); anyone else's X-Forwarded-For is ignored.
    trustProxy: options.trustProxy ?? false,
    clientErrorHandler: refuseUnparsable,
    // The router refuses a malformed URL or an over-long path parameter before any hook runs: a problem document too, without echoing the URL.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void refuse(reply, problem(status, 'MALFORMED_REQUEST', status === 414 ? 'URI too long' : 'Bad request', 'The request path is malformed or one of its parts is too long'));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  endConnectionsWhenClosing(fastify);
  // Each read (uploads/uploaded-image.ts) states its own limits too; these bound any other use.
  await app.register(multipart as never, { limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_SHIPMENT_PHOTOS, fields: 10, parts: MAX_SHIPMENT_PHOTOS + 10 } });
  fastify.addHook('preValidation', async (request, reply) => {
    if (depthExceeds(request.body, MAX_JSON_DEPTH)) {
      return refuse(reply, problem(400, 'MALFORMED_REQUEST', 'Bad request', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`));
    }
    const field = uncleanTextField(request.params, 'path') ?? uncleanTextField(request.query, 'query') ?? uncleanTextField(request.body);
    if (field !== undefined) return refuseUncleanText(request, reply, field);
  });
  app.useLogger(app.get(Logger));
  const metrics = app.get<EngineMetrics>(ENGINE_METRICS);
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.method === 'POST' && reply.statusCode >= 200 && reply.statusCode < 300) resourceFaults.clear();
    metrics.httpRequests.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  app.useGlobalPipes(strictValidationPipe());
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  if (options.consoleDir !== undefined) await serveConsole(app, options.consoleDir);
  await app.init();
  return app;
}
