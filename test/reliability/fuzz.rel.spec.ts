import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventStore } from '@fulfil/event-store';
import { budget } from './support/budget';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { hostileBody, hostileHeaderValue, hostileId, HostileBody } from './support/hostile-input';
import { call, HttpResult, PROBLEM_JSON, registerSeller, SellerApi } from './support/http-client';
import { openApiSurfaces, Refusal, Surface, Target } from './support/surfaces';
import { EngineStore, embeddedStore, postgresStore } from './support/stores';

const plan = budget();

/** Routes outside the seller API that take input from strangers: a new surface is one more entry here. */
const ONDC_CALLBACKS = ['on_search', 'on_select', 'on_init', 'on_confirm', 'on_status', 'on_track', 'on_cancel', 'on_update'];
const EXTRA_SURFACES: Surface[] = [
  ...ONDC_CALLBACKS.map((action): Surface => ({ name: `POST /ondc/${action}`, method: 'POST', path: `/ondc/${action}`, auth: 'none', hasBody: true, queryParams: [], refusal: 'ondc-nack', channel: 'ondc' })),
  { name: 'POST /webhooks/whatsapp', method: 'POST', path: '/webhooks/whatsapp', auth: 'none', hasBody: true, queryParams: [], refusal: 'problem', channel: 'whatsapp' },
];

/** One fuzz case: a body (or none), maybe a hostile id in the path, hostile query values and headers. */
interface FuzzCase {
  body: HostileBody | undefined;
  pathId: string | undefined;
  query: Array<[string, string]>;
  headers: Array<[string, string]>;
}

function caseFor(surface: Surface, target: Target): fc.Arbitrary<FuzzCase> {
  const hasIds = surface.path.includes('{');
  return fc.record({
    // fetch sends no body with GET, as browsers do; other methods get one even where none is expected.
    body: surface.hasBody ? hostileBody(surface.valid?.(target)) : surface.method === 'GET' ? fc.constant(undefined) : fc.option(hostileBody(undefined), { nil: undefined, freq: 4 }),
    pathId: hasIds ? fc.option(hostileId, { nil: undefined }) : fc.constant(undefined),
    query: fc.array(fc.tuple(fc.constantFrom(...surface.queryParams, 'extra', '__proto__'), fc.string({ unit: 'grapheme', maxLength: 40 })), { maxLength: 3 }),
    headers: fc.array(fc.tuple(fc.constantFrom('idempotency-key', 'x-min-position', 'x-hub-signature-256', 'authorization'), hostileHeaderValue), { maxLength: 2 }),
  });
}

/** How "this rejected request changed nothing" is checked: by the events it could have written. */
interface StateProbe {
  mark(): Promise<bigint>;
  /** Events written since `mark` that belong to this request (its correlation id) or to the channel it reached. */
  writtenSince(mark: bigint, correlationId: string, channel: string | undefined): Promise<number>;
}

/** On PostgreSQL the test reads the store beside the running engine: exact, whatever else the engine does. */
function storeProbe(store: EventStore): StateProbe {
  return {
    mark: () => store.headPosition(),
    async writtenSince(mark, correlationId, channel) {
      const events = await store.readAll({ after: mark, maxCount: 10_000 });
      return events.filter((e) => e.metadata['correlationId'] === correlationId || (channel !== undefined && e.metadata['channel'] === channel)).length;
    },
  };
}

/** PGlite is one process's file: the test reads the head through readiness, and nothing else writes while it fuzzes. */
function headProbe(engine: EngineProcess): StateProbe {
  const head = async () => {
    const ready = await call(engine.baseUrl, 'GET', '/health/ready');
    const match = /"headPosition":"(\d+)"/.exec(ready.text);
    if (!match) throw new Error(`Readiness does not report the head position: ${ready.text}`);
    return BigInt(match[1]!);
  };
  return { mark: head, writtenSince: async (mark) => Number((await head()) - mark) };
}

describe('fuzzing every HTTP surface with hostile input', () => {
  let store: EngineStore;
  let engine: EngineProcess;
  let seller: SellerApi;
  let platformKey: string;
  let probe: StateProbe;
  let directStore: EventStore | undefined;
  const surfaces = [...openApiSurfaces(), ...EXTRA_SURFACES];

  beforeAll(async () => {
    store = postgresStore() ?? embeddedStore();
    const secrets = newEngineSecrets();
    platformKey = secrets.platformApiKey;
    // Hostile Authorization headers from one address would trip the auth-failure limit (proven in the security suite) and hide every later case behind a 429.
    engine = new EngineProcess({ dataDir: store.dataDir, env: { ...store.env, AUTH_FAILURES_PER_MINUTE: '1000000' }, ...secrets });
    await engine.start();
    seller = new SellerApi(engine.baseUrl, (await registerSeller(engine.baseUrl, platformKey)).apiKey);
    if (store.databaseUrl) directStore = await store.openEventStore();
    probe = directStore ? storeProbe(directStore) : headProbe(engine);
  });

  afterAll(async () => {
    await directStore?.close();
    await engine.kill();
    await store.dispose();
  });

  it('lists the ONDC callbacks and the WhatsApp webhook among its surfaces', () => {
    expect(surfaces.map((s) => s.name)).toEqual(expect.arrayContaining(['POST /ondc/on_status', 'POST /webhooks/whatsapp', 'GET /webhooks/whatsapp', 'POST /v1/orders']));
  });

  it.each(surfaces.map((s) => [s.name, s] as const))('%s: never a 5xx, always a clear refusal, and a refusal changes nothing', async (_name, surface) => {
    const target = await seller.packedOrder('off-network');
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(caseFor(surface, target), async (fuzz) => {
        cases++;
        const correlationId = `fuzz-${randomUUID()}`;
        const mark = await probe.mark();
        // An oversized body or header block is refused before it is read: the client sees the 413 or 431, or only the closed connection.
        const response = await send(surface, target, fuzz, correlationId).catch((error: unknown) => {
          if (refusedBeforeReading(fuzz)) return undefined;
          throw error;
        });
        if (response === undefined) {
          expect(await probe.writtenSince(mark, correlationId, surface.channel)).toBe(0);
          return;
        }
        expect(response.status).toBeLessThan(500);
        // Strangers' surfaces accept nothing unsigned: ONDC answers a NACK, WhatsApp a 401.
        if (response.status < 400 && surface.channel === undefined) return;
        expectRefusal(surface.refusal, response);
        expect(await probe.writtenSince(mark, correlationId, surface.channel)).toBe(0);
      }),
      { numRuns: plan.fuzzRunsPerSurface, endOnFailure: false },
    );
    recordFigure('fuzzing (cases per surface)', surface.name, cases);
  });

  async function send(surface: Surface, target: Target, fuzz: FuzzCase, correlationId: string): Promise<HttpResult> {
    let path = surface.path.replace('{orderId}', target.orderId).replace('{shipmentId}', target.shipmentId).replace('{number}', 'CN-00001').replace('{sha256}', 'a'.repeat(64));
    if (fuzz.pathId !== undefined) path = path.replace(target.orderId, encodeURIComponent(fuzz.pathId));
    if (fuzz.query.length > 0) path += `?${new URLSearchParams(fuzz.query).toString()}`;
    // The correlation id is ours, not fuzzed: it is how the check finds anything this request wrote.
    const headers: Record<string, string> = { 'x-correlation-id': correlationId };
    for (const [name, value] of fuzz.headers) headers[name] = value;
    const key = surface.auth === 'seller' ? seller.apiKey : surface.auth === 'platform' ? platformKey : undefined;
    const auth = key && !('authorization' in headers) ? { key } : {};
    const raw = fuzz.body ? { raw: { body: fuzz.body.body, contentType: fuzz.body.contentType } } : {};
    return call(engine.baseUrl, surface.method, path, undefined, { ...auth, ...raw, headers });
  }
});

/** Node reads at most 16 KB of headers, Fastify at most 1 MB of body: past either, the server may close without reading on. */
function refusedBeforeReading(fuzz: FuzzCase): boolean {
  const headerBytes = fuzz.headers.reduce((n, [name, value]) => n + name.length + value.length + 4, 0);
  return fuzz.body?.shape === 'oversized' || headerBytes > 8 * 1024;
}

function expectRefusal(kind: Refusal, response: HttpResult): void {
  // Node's HTTP parser refuses a header block over 16 KB on the raw socket, before any route is known: only that stays a problem document (ADR 0032).
  if (kind === 'ondc-nack' && response.status !== 431) {
    // The ONDC protocol answers every other refusal in its own envelope: a NACK with an error, never an ACK for unsigned input.
    expect(response.contentType.split(';')[0]).toBe('application/json');
    expect((response.body['message'] as { ack?: { status?: string } } | undefined)?.ack?.status).toBe('NACK');
    expect(response.body['error']).toEqual(expect.objectContaining({ type: expect.any(String), code: expect.any(String), message: expect.any(String) }));
    return;
  }
  expect(response.contentType.split(';')[0]).toBe(PROBLEM_JSON);
  expect(response.body['status']).toBe(response.status);
  expect(typeof response.body['detail']).toBe('string');
}
