import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AUTHORIZATION_HEADER,
  GATEWAY_AUTHORIZATION_HEADER,
  KeyId,
  NackResponse,
  ONDC_ERRORS,
  OndcErrorCode,
  OndcErrorType,
  OndcMessage,
  RequestAction,
  isoDurationToMinutes,
  nack,
  validateOndcMessage,
  verifyAuthorization,
} from '@fulfil/ondc';
import type { SandboxNetwork } from './network';

/** Nest keeps the bytes as received when the app is created with `rawBody: true` (the engine's is). */
export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

export interface Refusal {
  status: number;
  body: NackResponse;
}

export type Inbound<A extends RequestAction> = { ok: true; message: OndcMessage<A>; signer: KeyId } | ({ ok: false } & Refusal);

export const refusal = (status: number, type: OndcErrorType, code: OndcErrorCode, detail: string, path?: string): { ok: false } & Refusal => ({
  ok: false,
  status,
  body: nack(type, code, detail, path),
});

/** The codes a receiver answers with, by its role: the gateway's 100xx, the partners' 600xx. */
export interface ReceiverCodes {
  invalidSignature: OndcErrorCode;
  invalidRequest: OndcErrorCode;
}

export const PARTNER_CODES: ReceiverCodes = { invalidSignature: ONDC_ERRORS.LSP_INVALID_SIGNATURE, invalidRequest: ONDC_ERRORS.LSP_INVALID_REQUEST };
export const GATEWAY_CODES: ReceiverCodes = { invalidSignature: ONDC_ERRORS.GATEWAY_INVALID_SIGNATURE, invalidRequest: ONDC_ERRORS.GATEWAY_BAD_REQUEST };

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function rawBodyOf(request: RawBodyRequest): Buffer {
  if (!request.rawBody) throw new Error('the ONDC sandbox needs raw request bodies: create the Nest app with { rawBody: true }');
  return request.rawBody;
}

export function send(reply: FastifyReply, status: number, body: unknown): unknown {
  void reply.status(status);
  return body;
}

/** A request's age limit: its own ttl, 30 seconds when it has none. */
const ttlMs = (ttl: string | undefined): number => (isoDurationToMinutes(ttl ?? '') ?? 0.5) * 60_000;

/**
 * Admits a signed request the way a careful participant would: the sender's signature over the raw
 * bytes (and the gateway's, for relayed searches), the JSON Schema of the action, a signer that is the
 * bap named in the context, and a timestamp neither stale nor in the future.
 */
export async function admitRequest<A extends RequestAction>(
  network: SandboxNetwork,
  request: RawBodyRequest,
  action: A,
  codes: ReceiverCodes,
  options: { viaGateway: boolean },
): Promise<Inbound<A>> {
  const raw = rawBodyOf(request);
  const signed = await verifyAuthorization(raw, header(request, AUTHORIZATION_HEADER), network.resolveSigningKey);
  if (!signed.ok) return refusal(401, 'POLICY-ERROR', codes.invalidSignature, `${signed.failure}: ${signed.reason}`);
  if (options.viaGateway) {
    const relayed = await verifyAuthorization(raw, header(request, GATEWAY_AUTHORIZATION_HEADER), network.resolveSigningKey, { expectedSubscriberId: network.gateway.subscriberId });
    if (!relayed.ok) return refusal(401, 'POLICY-ERROR', codes.invalidSignature, `gateway signature ${relayed.failure}: ${relayed.reason}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return refusal(400, 'JSON-SCHEMA-ERROR', codes.invalidRequest, 'body is not JSON');
  }
  const check = validateOndcMessage(action, body);
  if (!check.valid) {
    const detail = check.errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
    return refusal(400, 'JSON-SCHEMA-ERROR', codes.invalidRequest, detail, check.errors[0]?.path);
  }
  const message = body as OndcMessage<A>;
  if (message.context.bap_id !== signed.keyId.subscriberId) {
    return refusal(401, 'POLICY-ERROR', codes.invalidSignature, `signed by ${signed.keyId.subscriberId} for ${message.context.bap_id}`);
  }
  const at = Date.parse(message.context.timestamp);
  if (at > Date.now() + 30_000) return refusal(400, 'CONTEXT-ERROR', codes.invalidRequest, 'context.timestamp is in the future', 'context.timestamp');
  if (at < Date.now() - ttlMs(message.context.ttl)) return refusal(400, 'CONTEXT-ERROR', ONDC_ERRORS.STALE_REQUEST, 'request older than its ttl', 'context.timestamp');
  return { ok: true, message, signer: signed.keyId };
}
