import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SellerEvent, SellerState, evolveSeller, initialSellerState, sellerStream } from '@fulfil/domain';
import { EVENT_STORE, loadStream } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { ProblemError, problem } from '@fulfil/platform';
import { ApiKeyCache } from './api-key-cache';
import { parseApiKey, secretMatches, sha256Hex, type ParsedApiKey } from './api-key';
import { AUTH_FAILURE_LIMIT, AuthFailureLimiter } from './auth-failure-limiter';
import { AUDIENCE, Audience, AuthenticatedRequest } from './auth.decorators';

export const PLATFORM_API_KEY = Symbol('PLATFORM_API_KEY');

function unauthorized(detail: string): ProblemError {
  return new ProblemError(problem(401, 'UNAUTHORIZED', 'Unauthorized', detail), { 'www-authenticate': 'Bearer realm="fulfilment"' });
}

function tooManyFailures(retryAfterSeconds: number): ProblemError {
  return new ProblemError(problem(429, 'TOO_MANY_AUTH_FAILURES', 'Too many requests', `Too many failed authentications from your address; retry in ${retryAfterSeconds} s`), {
    'retry-after': String(retryAfterSeconds),
  });
}

function bearer(request: AuthenticatedRequest): string | undefined {
  const header = request.headers['authorization'];
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
}

/**
 * The part of a credential that names which key it claims to be: a seller key's seller and key id.
 * Anything else can only be the platform key, wholly secret, so all of it counts as one key.
 */
function publicPartOf(key: string | undefined, parsed: ParsedApiKey | undefined): string | undefined {
  if (!key) return undefined;
  return parsed ? `${parsed.sellerId}/${parsed.keyId}` : 'platform';
}

/** Every /v1 route needs a key: a seller's key reaches only that seller; the platform key is separate. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly platformKeySha256: Buffer;
  private readonly failures: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PLATFORM_API_KEY) platformKey: string,
    @Inject(AUTH_FAILURE_LIMIT) failuresPerMinute: number,
    private readonly keyHashes: ApiKeyCache,
  ) {
    this.platformKeySha256 = Buffer.from(sha256Hex(platformKey), 'hex');
    this.failures = new AuthFailureLimiter(failuresPerMinute);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const audience = this.reflector.getAllAndOverride<Audience | undefined>(AUDIENCE, [context.getHandler(), context.getClass()]) ?? 'seller';
    if (audience === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const client = request.ip ?? 'unknown';
    const key = bearer(request);
    const parsed = key ? parseApiKey(key) : undefined;
    const keyId = publicPartOf(key, parsed);
    const wait = this.failures.retryAfterSeconds(client, keyId);
    if (wait !== undefined) throw tooManyFailures(wait);
    try {
      return await this.authenticate(request, audience, key, parsed);
    } catch (error) {
      if (error instanceof ProblemError && error.problem.status === 401) this.failures.recordFailure(client, keyId);
      throw error;
    }
  }

  private async authenticate(request: AuthenticatedRequest, audience: Exclude<Audience, 'public'>, key: string | undefined, parsed: ParsedApiKey | undefined): Promise<boolean> {
    if (!key) throw unauthorized('Send your API key as "Authorization: Bearer <key>"');
    if (audience === 'platform') {
      if (!this.isPlatformKey(key)) throw unauthorized('This route needs the platform API key');
      request.platform = true;
      return true;
    }
    if (this.isPlatformKey(key)) throw unauthorized('The platform key cannot act as a seller; use a seller API key');
    if (!parsed) throw unauthorized('The API key is malformed');
    const expected = await this.secretHashOf(parsed.sellerId, parsed.keyId);
    if (!expected || !secretMatches(parsed.secret, expected)) throw unauthorized('The API key is not valid');
    request.seller = { sellerId: parsed.sellerId, keyId: parsed.keyId };
    return true;
  }

  private isPlatformKey(key: string): boolean {
    const given = Buffer.from(sha256Hex(key), 'hex');
    return timingSafeEqual(given, this.platformKeySha256);
  }

  private async secretHashOf(sellerId: string, keyId: string): Promise<string | undefined> {
    const cached = this.keyHashes.get(sellerId, keyId);
    if (cached) return cached;
    const { state } = await loadStream<SellerState, SellerEvent>(this.store, sellerStream(sellerId), {
      initialState: initialSellerState,
      evolve: evolveSeller,
    });
    const key = state.status === 'registered' ? state.apiKeys.find((k) => k.keyId === keyId) : undefined;
    if (key) this.keyHashes.set(sellerId, keyId, key.secretSha256);
    return key?.secretSha256;
  }
}
