import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ISSUE_TIMES, DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS, DEFAULT_SETTLEMENT_WINDOW, KeyFormatError, isoDurationToMinutes, LOGISTICS_CATEGORIES, generateSigningKeyPair, publicKeyOf, signingPrivateKeyFrom } from '@fulfil/ondc';
import type { BuyerBilling, ConformanceMode, IssueTimes, LogisticsCategory, PartnerPolicy } from '@fulfil/ondc';

/**
 * The adapter's settings from environment variables. Every bad value is reported as one line that
 * names the variable, all of them at once, so a deploy fails with the whole list.
 */

export class OndcConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ONDC configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'OndcConfigError';
  }
}

/** Who we are on the network: the registry knows us by subscriber id and key id. */
export interface OndcIdentity {
  subscriberId: string;
  uniqueKeyId: string;
  /** libsodium's 64-byte form, base64 (a 32-byte seed or PKCS#8 DER are read too). */
  signingPrivateKey: string;
  /** Base64 of the raw 32 bytes, as registered. */
  signingPublicKey: string;
  /** Where partners send callbacks: `{bapUri}/on_search` and so on. */
  bapUri: string;
}

export interface OndcAdapterConfig {
  identity: OndcIdentity;
  registryUrl: string;
  /** The gateway to search through; looked up in the registry (type BG) when not given. */
  gatewayUrl?: string;
  /** How long catalogs are collected after a search... */
  searchWindowMs: number;
  /** ...unless this many offers are in before. */
  enoughQuotes: number;
  /** How long a partner has to answer /init with /on_init, and /confirm with /on_confirm. */
  initTimeoutMs: number;
  confirmTimeoutMs: number;
  /** A confirmed shipment whose partner has said nothing for this long is asked with /status. */
  statusPollMs: number;
  /**
   * How long past the partner's promised pickup (its pickup slot's end) or delivery (its delivery window's end, or the catalog TAT)
   * the adapter waits for the report before it cancels with reason 007 (TAT breached). ONDC_TAT_GRACE_MS, default 30 minutes.
   */
  tatGraceMs: number;
  /** The seller's /cancel: tries in all (a NACK, no answer, or no /on_cancel within the confirm timeout fails one), the first wait between them, doubling up to the last. */
  cancelRetry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  /** How long OndcTracking waits for /on_track. */
  trackTimeoutMs: number;
  /** A COD delivery's settlement window: its first /recon (RSF 2.0) goes this long after it, each further round this long after the last. */
  settlementWindowMs: number;
  /** /recon rounds before a partner that has not settled in accord is no longer asked. */
  reconRounds: number;
  /** The times a partner is given in an /issue to respond and to resolve (ISO 8601); past either, the issue escalates itself. */
  issueTimes: IssueTimes;
  /** true: /confirm says ready to ship; false: /confirm says not ready and /update says ready right after. */
  readyToShipAtConfirm: boolean;
  /** The delivery category searched for when neither the shipment nor its seller chose one; Standard and Express bring their faster children too. */
  category: LogisticsCategory;
  /** Goods category of the retail orders, for payload details and the linked order. */
  goodsCategory: string;
  policy: PartnerPolicy;
  /** `context.city` when the pickup PIN code is not one the library knows. */
  defaultCityCode: string;
  hyperlocalMaxKm: number;
  /** Our invoicing details as logistics buyer, sent in /init and /confirm. */
  billing: Omit<BuyerBilling, 'updatedAt'>;
  http: { timeoutMs: number; attempts: number };
  /** Incoming signatures valid for longer than this (`expires - created`) are refused. */
  maxSignatureValiditySeconds: number;
  /** A callback breaking the 1.2.5 rules: NACKed (strict) or taken with its findings logged and counted (lenient). ADR 0034. */
  callbackConformance: ConformanceMode;
  /** Where generated keys are kept (the embedded default); undefined when the keys come from the environment. */
  generatedKeysFile?: string;
}

/** What the host knows that shapes the defaults. */
export interface OndcConfigContext {
  /** DATA_DIR: the embedded default keeps its generated keys here. */
  dataDir: string;
  /** The host's HTTP port, for the default bap URI and the hosted sandbox registry. */
  port: number;
  /** The embedded default (EVENT_STORE=embedded): no ONDC setting is required, the engine's own sandbox is the network. */
  embedded: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Days, hours, minutes, seconds: durations of a fixed length, at least one part given. */
const ISSUE_DURATION = /^P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;

const DEFAULTS = {
  uniqueKeyId: 'k1',
  embeddedSubscriberId: 'fulfilment-engine.local',
  searchWindowMs: 10_000,
  enoughQuotes: 5,
  initTimeoutMs: 30_000,
  confirmTimeoutMs: 30_000,
  statusPollMs: 15 * 60_000,
  /** Long enough for a report sent at the deadline to arrive (and a status poll to ask for it), short enough to free the seller the same day. */
  tatGraceMs: 30 * 60_000,
  trackTimeoutMs: 10_000,
  cancelAttempts: 6,
  cancelRetryMs: 10_000,
  cancelRetryMaxMs: 10 * 60_000,
  /** The window our /init and /confirm ask for. */
  settlementWindowMs: (isoDurationToMinutes(DEFAULT_SETTLEMENT_WINDOW) ?? 24 * 60) * 60_000,
  /** A week of daily rounds. */
  reconRounds: 7,
  maxCandidates: 5,
  recentFailureWindowMs: 60 * 60_000,
  defaultCityCode: 'std:080',
  hyperlocalMaxKm: 15,
  httpTimeoutMs: 10_000,
  httpAttempts: 3,
  maxSignatureValiditySeconds: DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS,
  goodsCategory: 'Grocery',
  category: 'Standard Delivery' as LogisticsCategory,
  /** The embedded default talks to our own sandbox, which speaks 1.2.5: anything else is a bug to see at once. */
  embeddedCallbackConformance: 'strict' as ConformanceMode,
  /** Real partners' callbacks are taken and their findings counted (ADR 0034): a NACKed delivery report is a fact lost. */
  callbackConformance: 'lenient' as ConformanceMode,
};

/** Demo invoicing details for the embedded default only; a real deployment names its own. */
const EMBEDDED_BILLING: OndcAdapterConfig['billing'] = {
  name: 'Fulfilment Engine Logistics Buyer',
  gstin: '29AABCT1332L1ZA',
  phone: '9000000001',
  email: 'logistics@fulfilment-engine.example',
  address: { line1: 'No. 5, Residency Road', line2: 'Shanthala Nagar', city: 'Bengaluru', state: 'Karnataka', pincode: '560025' },
  settlement: { type: 'upi', beneficiaryName: 'Fulfilment Engine Logistics Buyer', upiAddress: 'fulfilment-engine@upi' },
};

/** Reads variables, collecting one line per bad value. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  required(name: string, because: string): string {
    const value = this.text(name);
    if (value === undefined) this.problems.push(`${name} is required ${because}`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  list(name: string): string[] {
    return (this.text(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  url(name: string, fallback: string | undefined, because: string): string {
    const raw = this.text(name) ?? fallback;
    if (raw === undefined) return this.required(name, because);
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return raw;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') this.problems.push(`${name} must use http or https (got "${parsed.protocol}")`);
    return raw.replace(/\/+$/, '');
  }

  matching(name: string, pattern: RegExp, what: string, fallback: string, requiredBecause?: string): string {
    const raw = this.text(name);
    if (raw === undefined) {
      if (requiredBecause) this.problems.push(`${name} is required ${requiredBecause}`);
      return fallback;
    }
    if (!pattern.test(raw)) this.problems.push(`${name} must be ${what} (got "${raw}")`);
    return raw;
  }
}

interface StoredKeys {
  signingPrivateKey: string;
  signingPublicKey: string;
}

/** The embedded default signs with a key pair generated once and kept beside the data, like the platform's secrets. */
function loadOrCreateKeys(dataDir: string): { keys: StoredKeys; file: string } {
  const file = join(dataDir, 'ondc-keys.json');
  if (existsSync(file)) return { keys: JSON.parse(readFileSync(file, 'utf8')) as StoredKeys, file };
  mkdirSync(dataDir, { recursive: true });
  const pair = generateSigningKeyPair();
  const keys = { signingPrivateKey: pair.signingPrivateKey, signingPublicKey: pair.signingPublicKey };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return { keys, file };
}

/** The configured private key and its public half; a given public key must be that half. */
function signingKeys(read: EnvReader, context: OndcConfigContext): { keys: StoredKeys; file?: string } {
  const privateKey = read.text('ONDC_SIGNING_PRIVATE_KEY');
  const publicKey = read.text('ONDC_SIGNING_PUBLIC_KEY');
  if (privateKey === undefined) {
    if (publicKey !== undefined) read.problems.push('ONDC_SIGNING_PUBLIC_KEY is set without ONDC_SIGNING_PRIVATE_KEY: set both, or neither (embedded default)');
    if (!context.embedded) {
      read.problems.push('ONDC_SIGNING_PRIVATE_KEY is required outside the embedded default (base64 Ed25519: 64-byte libsodium form, 32-byte seed or PKCS#8)');
      return { keys: { signingPrivateKey: '', signingPublicKey: '' } };
    }
    return loadOrCreateKeys(context.dataDir);
  }
  let derived: string;
  try {
    derived = publicKeyOf(signingPrivateKeyFrom(privateKey));
  } catch (error) {
    if (!(error instanceof KeyFormatError)) throw error;
    read.problems.push(`ONDC_SIGNING_PRIVATE_KEY: ${error.message}`);
    return { keys: { signingPrivateKey: privateKey, signingPublicKey: '' } };
  }
  if (publicKey !== undefined && publicKey !== derived) read.problems.push('ONDC_SIGNING_PUBLIC_KEY is not the public half of ONDC_SIGNING_PRIVATE_KEY');
  return { keys: { signingPrivateKey: privateKey, signingPublicKey: derived } };
}

function billing(read: EnvReader, embedded: boolean): OndcAdapterConfig['billing'] {
  const fallback = embedded ? EMBEDDED_BILLING : undefined;
  const because = 'outside the embedded default (the logistics buyer partners invoice)';
  const need = (name: string, value: string | undefined): string => read.text(name) ?? value ?? read.required(name, because);
  const line2 = read.text('ONDC_BILLING_LOCALITY') ?? fallback?.address.line2;
  // Where partners pay the cash they collect (COD): a UPI address; without one a COD /confirm names no account of ours.
  const upiAddress = read.text('ONDC_SETTLEMENT_UPI');
  const settlement = upiAddress ? { type: 'upi' as const, beneficiaryName: read.text('ONDC_SETTLEMENT_BENEFICIARY') ?? need('ONDC_BILLING_NAME', fallback?.name), upiAddress } : fallback?.settlement;
  return {
    name: need('ONDC_BILLING_NAME', fallback?.name),
    gstin: read.matching('ONDC_BILLING_GSTIN', /^[0-9A-Z]{15}$/, 'a 15-character GSTIN', fallback?.gstin ?? '', fallback ? undefined : because),
    phone: read.matching('ONDC_BILLING_PHONE', /^\+?[0-9]{10,13}$/, 'a phone number of 10 to 13 digits', fallback?.phone ?? '', fallback ? undefined : because),
    email: read.matching('ONDC_BILLING_EMAIL', /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address', fallback?.email ?? '', fallback ? undefined : because),
    address: {
      line1: need('ONDC_BILLING_ADDRESS', fallback?.address.line1),
      ...(line2 ? { line2 } : {}),
      city: need('ONDC_BILLING_CITY', fallback?.address.city),
      state: need('ONDC_BILLING_STATE', fallback?.address.state),
      pincode: read.matching('ONDC_BILLING_PINCODE', /^[1-9][0-9]{5}$/, 'a 6-digit PIN code', fallback?.address.pincode ?? '', fallback ? undefined : because),
    },
    ...(settlement ? { settlement } : {}),
  };
}

function policy(read: EnvReader): PartnerPolicy {
  return {
    chooseBy: read.oneOf('ONDC_CHOOSE_BY', ['price', 'speed'] as const, 'price'),
    preferredPartners: read.list('ONDC_PREFERRED_PARTNERS'),
    excludedPartners: read.list('ONDC_EXCLUDED_PARTNERS'),
    maxCandidates: read.integer('ONDC_MAX_CANDIDATES', DEFAULTS.maxCandidates, 1, 50),
    recentFailureWindowMs: read.integer('ONDC_FAILURE_MEMORY_MS', DEFAULTS.recentFailureWindowMs, 0, 7 * 86_400_000),
  };
}

/**
 * ONDC identity (ONDC_SUBSCRIBER_ID, ONDC_UNIQUE_KEY_ID, ONDC_SIGNING_PRIVATE_KEY,
 * ONDC_SIGNING_PUBLIC_KEY, ONDC_BAP_URI), the network (ONDC_REGISTRY_URL, ONDC_GATEWAY_URL), the
 * conversation's clocks (ONDC_SEARCH_WINDOW_MS, ONDC_ENOUGH_QUOTES, ONDC_INIT_TIMEOUT_MS,
 * ONDC_CONFIRM_TIMEOUT_MS, ONDC_STATUS_POLL_MS, ONDC_CANCEL_ATTEMPTS, ONDC_CANCEL_RETRY_MS,
 * ONDC_CANCEL_RETRY_MAX_MS, ONDC_TRACK_TIMEOUT_MS, ONDC_HTTP_TIMEOUT_MS,
 * ONDC_HTTP_ATTEMPTS, ONDC_MAX_SIGNATURE_VALIDITY_S), what is asked for (ONDC_CATEGORY, ONDC_GOODS_CATEGORY,
 * ONDC_READY_TO_SHIP_AT_CONFIRM, ONDC_DEFAULT_CITY, ONDC_HYPERLOCAL_MAX_KM), the partner policy
 * (ONDC_CHOOSE_BY, ONDC_PREFERRED_PARTNERS, ONDC_EXCLUDED_PARTNERS, ONDC_MAX_CANDIDATES,
 * ONDC_FAILURE_MEMORY_MS), our billing details (ONDC_BILLING_*, ONDC_SETTLEMENT_UPI and ONDC_SETTLEMENT_BENEFICIARY)
 * and what a callback breaking the 1.2.5 rules gets (ONDC_CALLBACK_CONFORMANCE). The embedded default needs
 * none: keys are generated under DATA_DIR and the engine's own sandbox is the network.
 */
export function loadOndcConfig(env: Env, context: OndcConfigContext): OndcAdapterConfig {
  const read = new EnvReader(env);
  const outside = 'outside the embedded default';
  const local = `http://localhost:${context.port}`;
  const { keys, file } = signingKeys(read, context);
  const identity: OndcIdentity = {
    subscriberId: read.text('ONDC_SUBSCRIBER_ID') ?? (context.embedded ? DEFAULTS.embeddedSubscriberId : read.required('ONDC_SUBSCRIBER_ID', outside)),
    uniqueKeyId: read.text('ONDC_UNIQUE_KEY_ID') ?? DEFAULTS.uniqueKeyId,
    signingPrivateKey: keys.signingPrivateKey,
    signingPublicKey: keys.signingPublicKey,
    bapUri: read.url('ONDC_BAP_URI', context.embedded ? `${local}/ondc` : undefined, outside),
  };
  const gatewayUrl = read.text('ONDC_GATEWAY_URL') === undefined ? undefined : read.url('ONDC_GATEWAY_URL', undefined, '');
  const config: OndcAdapterConfig = {
    identity,
    registryUrl: read.url('ONDC_REGISTRY_URL', context.embedded ? `${local}/ondc-sandbox/registry` : undefined, outside),
    ...(gatewayUrl ? { gatewayUrl } : {}),
    searchWindowMs: read.integer('ONDC_SEARCH_WINDOW_MS', DEFAULTS.searchWindowMs, 50, 600_000),
    enoughQuotes: read.integer('ONDC_ENOUGH_QUOTES', DEFAULTS.enoughQuotes, 1, 1_000),
    initTimeoutMs: read.integer('ONDC_INIT_TIMEOUT_MS', DEFAULTS.initTimeoutMs, 50, 600_000),
    confirmTimeoutMs: read.integer('ONDC_CONFIRM_TIMEOUT_MS', DEFAULTS.confirmTimeoutMs, 50, 600_000),
    statusPollMs: read.integer('ONDC_STATUS_POLL_MS', DEFAULTS.statusPollMs, 100, 7 * 86_400_000),
    tatGraceMs: read.integer('ONDC_TAT_GRACE_MS', DEFAULTS.tatGraceMs, 0, 7 * 86_400_000),
    cancelRetry: {
      attempts: read.integer('ONDC_CANCEL_ATTEMPTS', DEFAULTS.cancelAttempts, 1, 100),
      baseDelayMs: read.integer('ONDC_CANCEL_RETRY_MS', DEFAULTS.cancelRetryMs, 10, 3_600_000),
      maxDelayMs: read.integer('ONDC_CANCEL_RETRY_MAX_MS', DEFAULTS.cancelRetryMaxMs, 10, 86_400_000),
    },
    trackTimeoutMs: read.integer('ONDC_TRACK_TIMEOUT_MS', DEFAULTS.trackTimeoutMs, 50, 120_000),
    settlementWindowMs: read.integer('ONDC_SETTLEMENT_WINDOW_MS', DEFAULTS.settlementWindowMs, 100, 30 * 86_400_000),
    reconRounds: read.integer('ONDC_RECON_ROUNDS', DEFAULTS.reconRounds, 1, 100),
    issueTimes: {
      response: read.matching('ONDC_ISSUE_RESPONSE_TIME', ISSUE_DURATION, 'an ISO 8601 duration in days, hours, minutes or seconds, e.g. PT2H', DEFAULT_ISSUE_TIMES.response),
      resolution: read.matching('ONDC_ISSUE_RESOLUTION_TIME', ISSUE_DURATION, 'an ISO 8601 duration in days, hours, minutes or seconds, e.g. P1D', DEFAULT_ISSUE_TIMES.resolution),
    },
    readyToShipAtConfirm: read.oneOf('ONDC_READY_TO_SHIP_AT_CONFIRM', ['yes', 'no'] as const, 'yes') === 'yes',
    category: read.oneOf('ONDC_CATEGORY', LOGISTICS_CATEGORIES, DEFAULTS.category),
    goodsCategory: read.text('ONDC_GOODS_CATEGORY') ?? DEFAULTS.goodsCategory,
    policy: policy(read),
    defaultCityCode: read.matching('ONDC_DEFAULT_CITY', /^std:[0-9]{2,6}$/, 'a city code such as std:080', DEFAULTS.defaultCityCode),
    hyperlocalMaxKm: read.integer('ONDC_HYPERLOCAL_MAX_KM', DEFAULTS.hyperlocalMaxKm, 1, 100),
    billing: billing(read, context.embedded),
    http: { timeoutMs: read.integer('ONDC_HTTP_TIMEOUT_MS', DEFAULTS.httpTimeoutMs, 100, 120_000), attempts: read.integer('ONDC_HTTP_ATTEMPTS', DEFAULTS.httpAttempts, 1, 10) },
    maxSignatureValiditySeconds: read.integer('ONDC_MAX_SIGNATURE_VALIDITY_S', DEFAULTS.maxSignatureValiditySeconds, 1, 86_400),
    callbackConformance: read.oneOf('ONDC_CALLBACK_CONFORMANCE', ['strict', 'lenient'] as const, context.embedded ? DEFAULTS.embeddedCallbackConformance : DEFAULTS.callbackConformance),
    ...(file ? { generatedKeysFile: file } : {}),
  };
  if (read.problems.length > 0) throw new OndcConfigError(read.problems);
  return config;
}

/** How the sandbox (or a registry operator) must register us: what `SandboxModule.forRoot({ buyers })` takes. */
export const buyerRegistration = (config: OndcAdapterConfig) => ({
  subscriberId: config.identity.subscriberId,
  uniqueKeyId: config.identity.uniqueKeyId,
  signingPublicKey: config.identity.signingPublicKey,
  subscriberUrl: config.identity.bapUri,
});
