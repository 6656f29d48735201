import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { DEFAULT_RETRY_POLICY, RetryPolicy, TryResult, UNAVAILABLE_STATUSES, describeFailure, isTransportFailure, withRetries } from './retry';
import { KeyId, PublicKeyResolver, Signer, createAuthorizationHeader } from './signing';

/** Registry participant types as `/lookup` and `/v2.0/lookup` name them. */
export type ParticipantType = 'BAP' | 'BPP' | 'BG';

/** One registry entry: a subscriber's key pair for one domain (and city). */
export interface SubscriberRecord {
  subscriber_id: string;
  ukId: string;
  subscriber_url: string;
  type: string;
  domain: string;
  signing_public_key: string;
  encr_public_key: string;
  valid_from: string;
  valid_until: string;
  status: string;
  city?: string;
  country?: string;
  created?: string;
  updated?: string;
}

export interface LookupQuery {
  subscriber_id?: string;
  ukId?: string;
  type?: ParticipantType;
  domain?: string;
  city?: string;
  country?: string;
}

export interface RegistryClientOptions {
  /** Base URL; `/v2.0/lookup` and `/lookup` are appended. */
  registryUrl: string;
  /** Our identity, to sign `/v2.0/lookup`. Without it only the older unsigned `/lookup` is used. */
  signer?: Signer;
  cacheTtlMs?: number;
  /** A refresh is skipped for an answer younger than this, so a burst of bad signatures cannot flood the registry. */
  minRefreshIntervalMs?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  http?: AxiosInstance;
  nowMs?: () => number;
}

export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/** Statuses after which `/v2.0/lookup` is taken as absent or closed to us, so `/lookup` is asked instead. */
const V2_UNSUPPORTED: ReadonlySet<number> = new Set([401, 403, 404, 405, 501]);

interface CacheEntry {
  records: SubscriberRecord[];
  fetchedAt: number;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** One record from a registry answer; `unique_key_id` (registry OpenAPI) and `ukId` (logistics contract) both name the key id. */
function readRecord(value: unknown): SubscriberRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const subscriberId = str(raw['subscriber_id']);
  const ukId = str(raw['ukId']) ?? str(raw['unique_key_id']);
  const signingKey = str(raw['signing_public_key']);
  if (!subscriberId || !ukId || !signingKey) return undefined;
  const record: SubscriberRecord = {
    subscriber_id: subscriberId,
    ukId,
    subscriber_url: str(raw['subscriber_url']) ?? '',
    type: str(raw['type']) ?? '',
    domain: str(raw['domain']) ?? '',
    signing_public_key: signingKey,
    encr_public_key: str(raw['encr_public_key']) ?? str(raw['encryption_public_key']) ?? '',
    valid_from: str(raw['valid_from']) ?? '',
    valid_until: str(raw['valid_until']) ?? '',
    status: str(raw['status']) ?? '',
  };
  for (const key of ['city', 'country', 'created', 'updated'] as const) {
    const optional = str(raw[key]);
    if (optional !== undefined) record[key] = optional;
  }
  return record;
}

/** Subscribed and inside its validity dates; a record without dates or status is taken at its word. */
export function isRecordUsable(record: SubscriberRecord, nowMs: number): boolean {
  if (record.status && record.status.toUpperCase() !== 'SUBSCRIBED') return false;
  const from = Date.parse(record.valid_from);
  const until = Date.parse(record.valid_until);
  return !(Number.isFinite(from) && nowMs < from) && !(Number.isFinite(until) && nowMs > until);
}

const cacheKey = (query: LookupQuery): string =>
  JSON.stringify(Object.entries(query).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Registry lookups with a cache. `/v2.0/lookup` (signed, current) first, `/lookup` (older) when the
 * registry has no v2.0 or we cannot sign. Transport failures are retried with backoff; a registry
 * that never answers is a RegistryUnavailableError, never an empty result.
 */
export class RegistryClient {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<SubscriberRecord[]>>();
  private readonly http: AxiosInstance;
  private readonly base: string;
  private readonly now: () => number;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = options.registryUrl.replace(/\/+$/, '');
    this.now = options.nowMs ?? Date.now;
    this.http = options.http ?? axios.create({ timeout: options.timeoutMs ?? 5_000 });
  }

  /** Records matching the query, usable now. `refresh` bypasses the cache unless its answer is younger than minRefreshIntervalMs. */
  async lookup(query: LookupQuery, options: { refresh?: boolean } = {}): Promise<SubscriberRecord[]> {
    const key = cacheKey(query);
    const cached = this.cache.get(key);
    if (cached && !this.mustFetch(cached, options.refresh === true)) return this.usable(cached.records);
    const pending = this.inFlight.get(key) ?? this.fetchAndCache(key, query);
    this.inFlight.set(key, pending);
    try {
      return this.usable(await pending);
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The record of one signing key, if registered and usable. */
  async findKey(keyId: KeyId, options: { refresh?: boolean } = {}): Promise<SubscriberRecord | undefined> {
    const records = await this.lookup({ subscriber_id: keyId.subscriberId, ukId: keyId.uniqueKeyId }, options);
    return records.find((r) => r.subscriber_id === keyId.subscriberId && r.ukId === keyId.uniqueKeyId);
  }

  /** For verifyAuthorization: the registered signing key of a keyId. */
  readonly resolveSigningKey: PublicKeyResolver = async (keyId, { refresh }) => (await this.findKey(keyId, { refresh }))?.signing_public_key;

  private mustFetch(cached: CacheEntry, refresh: boolean): boolean {
    const age = this.now() - cached.fetchedAt;
    return age > (this.options.cacheTtlMs ?? 10 * 60_000) || (refresh && age >= (this.options.minRefreshIntervalMs ?? 10_000));
  }

  private usable(records: SubscriberRecord[]): SubscriberRecord[] {
    const now = this.now();
    return records.filter((r) => isRecordUsable(r, now));
  }

  private async fetchAndCache(key: string, query: LookupQuery): Promise<SubscriberRecord[]> {
    const records = await this.fetch(query);
    this.cache.set(key, { records, fetchedAt: this.now() });
    return records;
  }

  private async fetch(query: LookupQuery): Promise<SubscriberRecord[]> {
    if (this.options.signer) {
      const v2 = await this.post('/v2.0/lookup', query, this.options.signer);
      if (!V2_UNSUPPORTED.has(v2.status)) return this.readRecords(v2, '/v2.0/lookup');
    }
    return this.readRecords(await this.post('/lookup', query), '/lookup');
  }

  private readRecords(response: AxiosResponse<unknown>, path: string): SubscriberRecord[] {
    if (response.status < 200 || response.status >= 300) throw new RegistryUnavailableError(`registry ${path} answered HTTP ${response.status}`);
    if (!Array.isArray(response.data)) throw new RegistryUnavailableError(`registry ${path} answered something other than a list of subscribers`);
    return response.data.map(readRecord).filter((r): r is SubscriberRecord => r !== undefined);
  }

  private async post(path: string, query: LookupQuery, signer?: Signer): Promise<AxiosResponse<unknown>> {
    const body = Buffer.from(JSON.stringify(query));
    const { result, attempts, lastFailure } = await withRetries(this.options.retry ?? DEFAULT_RETRY_POLICY, async (): Promise<TryResult<AxiosResponse<unknown>>> => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signer) headers['authorization'] = createAuthorizationHeader(body, signer, { nowMs: this.now() });
      try {
        const response = await this.http.post<unknown>(`${this.base}${path}`, body, { headers, validateStatus: () => true });
        return UNAVAILABLE_STATUSES.has(response.status) ? { retry: `HTTP ${response.status}` } : { done: response };
      } catch (error) {
        if (isTransportFailure(error)) return { retry: describeFailure(error) };
        throw error;
      }
    });
    if (!result) throw new RegistryUnavailableError(`registry ${path} unreachable after ${attempts} tries (${lastFailure})`);
    return result;
  }
}
