import { createHash, randomUUID } from 'node:crypto';
import type { CommandMeta, CommandOutcome } from '@fulfil/commands';
import type { SellerIdentity } from './auth/auth.decorators';

export interface ApiRequest {
  headers: Record<string, string | string[] | undefined>;
  idempotencyKey?: string;
  id?: string;
}

const header = (request: ApiRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The metadata a seller's HTTP command carries into its events. */
export function sellerMeta(request: ApiRequest, seller: SellerIdentity): CommandMeta {
  const correlation = header(request, 'x-correlation-id');
  return {
    actor: { type: 'seller', id: seller.sellerId },
    channel: 'api',
    correlationId: correlation && /^[\x21-\x7e]{1,128}$/.test(correlation) ? correlation : (request.id ?? randomUUID()),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
  };
}

/** Store coordinates of a write, so a client can ask a later query to wait for it. */
export function written(outcome: CommandOutcome) {
  return {
    position: outcome.position?.toString() ?? null,
    events: outcome.eventTypes,
    ...(outcome.replayed ? { replayed: true } : {}),
  };
}

/**
 * A new entity id; derived from the Idempotency-Key when there is one, so a repeated request
 * names the same order or shipment instead of creating a second one.
 */
export function newId(prefix: string, request: ApiRequest, seller: SellerIdentity, purpose: string): string {
  const seed = request.idempotencyKey ? createHash('sha256').update(`${seller.sellerId}:${purpose}:${request.idempotencyKey}`).digest('hex') : randomUUID().replace(/-/g, '');
  return `${prefix}_${seed.slice(0, 20)}`;
}
