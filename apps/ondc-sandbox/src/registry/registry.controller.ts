import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AUTHORIZATION_HEADER, LookupQuery, ONDC_ERRORS, nack, verifyAuthorization } from '@fulfil/ondc';
import { RawBodyRequest, rawBodyOf, send } from '../inbound';
import { SandboxNetwork } from '../network';

const LOOKUP_FIELDS = ['subscriber_id', 'ukId', 'type', 'domain', 'city', 'country'] as const;

/** Only the fields a lookup may filter on, and only as strings; anything else in the body is ignored. */
function readQuery(raw: Buffer): LookupQuery | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const query: Record<string, string> = {};
  for (const field of LOOKUP_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') query[field] = value;
  }
  return query as LookupQuery;
}

/**
 * The registry: `/v2.0/lookup` (the current one, for registered subscribers only, so the request
 * must be signed by one) and `/lookup` (the older, open one). Both answer a list of records.
 */
@Controller('registry')
export class RegistryController {
  constructor(private readonly network: SandboxNetwork) {}

  @Post('v2.0/lookup')
  @HttpCode(200)
  async signedLookup(@Req() request: RawBodyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const raw = rawBodyOf(request);
    const authorization = request.headers[AUTHORIZATION_HEADER];
    const signed = await verifyAuthorization(raw, Array.isArray(authorization) ? authorization[0] : authorization, this.network.resolveSigningKey);
    // The registry's own codes are not in the published list; the gateway's "cannot verify signature" says the same.
    if (!signed.ok) return send(reply, 401, nack('POLICY-ERROR', ONDC_ERRORS.GATEWAY_INVALID_SIGNATURE, `lookup must be signed by a subscriber: ${signed.reason}`));
    return this.answer(raw, reply);
  }

  @Post('lookup')
  @HttpCode(200)
  lookup(@Req() request: RawBodyRequest, @Res({ passthrough: true }) reply: FastifyReply): unknown {
    return this.answer(rawBodyOf(request), reply);
  }

  private answer(raw: Buffer, reply: FastifyReply): unknown {
    const query = readQuery(raw);
    if (!query) return send(reply, 400, nack('JSON-SCHEMA-ERROR', ONDC_ERRORS.GATEWAY_BAD_REQUEST, 'lookup body must be a JSON object'));
    return this.network.lookup(query);
  }
}
