import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventStoreConfig } from '@fulfil/event-store';
import type { ReadModelsDatabaseConfig } from '@fulfil/read-models';
import { StartupError, createAtomically, dataDirProblem } from './data-dir-lock';

/** A bad environment variable: one line that names it, so a deploy fails loudly and clearly. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type { EventStoreConfig };

export interface EngineConfig {
  port: number;
  dataDir: string;
  eventStore: EventStoreConfig;
  /** Their own database: PGlite under DATA_DIR when embedded, else PostgreSQL. */
  readModels: ReadModelsDatabaseConfig;
  deliveryOtpSecret: Buffer;
  /** The operator's key for platform routes (creating sellers, the outbox). */
  platformApiKey: string;
  uploadsDir: string;
  logLevel: string;
  /** AUTH_FAILURES_PER_MINUTE: failed authentications a client address may make per minute before it gets 429; the API's default when absent. */
  authFailuresPerMinute?: number;
  /**
   * TRUST_PROXY: the reverse proxies whose `X-Forwarded-For` names the client (addresses or CIDRs,
   * comma-separated), or how many proxy hops to trust; absent, the socket's address is the client.
   */
  trustProxy?: TrustProxy;
  /** Where the embedded default keeps generated secrets; undefined when all secrets come from the environment. */
  generatedSecretsFile?: string;
  /** How /metrics is exposed; absent: on the API port, without authentication (the embedded default). */
  metrics?: MetricsExposure;
}

/** METRICS_PORT serves /metrics on its own port (and not on the API's); METRICS_TOKEN requires `Authorization: Bearer <token>`. */
export interface MetricsExposure {
  port?: number;
  token?: string;
}

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!allowed.includes(value as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function port(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new ConfigError(name, `must be a TCP port from 0 to 65535 (got "${value}")`);
  return parsed;
}

/** What Fastify's `trustProxy` takes: trusted proxy addresses or CIDRs, or a hop count. */
export type TrustProxy = string[] | number;

function trustProxy(env: Env): { trustProxy?: TrustProxy } {
  const name = 'TRUST_PROXY';
  const value = env[name]?.trim();
  if (value === undefined || value === '') return {};
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) throw new ConfigError(name, `as a hop count must be from 1 to 10 (got "${value}")`);
    return { trustProxy: hops };
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^[0-9]+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || rest.length > 0) {
      throw new ConfigError(name, `must list the reverse proxies' addresses or CIDRs (e.g. "10.0.0.5,10.1.0.0/16") or a hop count; "${entry}" is neither`);
    }
  }
  return { trustProxy: entries };
}

function authFailuresPerMinute(env: Env): { authFailuresPerMinute?: number } {
  const name = 'AUTH_FAILURES_PER_MINUTE';
  const value = env[name];
  if (value === undefined || value === '') return {};
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new ConfigError(name, `must be a whole number of 1 or more (got "${value}")`);
  return { authFailuresPerMinute: parsed };
}

function required(env: Env, name: string, because: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(name, `is required ${because}`);
  return value;
}

function url(env: Env, name: string, schemes: readonly string[], because: string): string {
  const value = required(env, name, because);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL such as ${schemes[0]}://host:port (got an unparsable value)`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) throw new ConfigError(name, `must use ${schemes.join(' or ')} (got "${parsed.protocol}")`);
  return value;
}

function secretFromHex(env: Env, name: string): Buffer | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9a-fA-F]{32,}$/.test(value)) throw new ConfigError(name, 'must be at least 32 hexadecimal characters (16 bytes)');
  return Buffer.from(value, 'hex');
}

interface GeneratedSecrets {
  deliveryOtpSecret: string;
  platformApiKey: string;
}

function readSecrets(file: string): GeneratedSecrets {
  let secrets: Partial<GeneratedSecrets>;
  try {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as Partial<GeneratedSecrets>;
  } catch (error) {
    throw new StartupError(`${file} cannot be read as JSON (${(error as Error).message}); restore it from a backup, or set DELIVERY_OTP_SECRET and PLATFORM_API_KEY to the values it held`);
  }
  if (typeof secrets.deliveryOtpSecret !== 'string' || typeof secrets.platformApiKey !== 'string') {
    throw new StartupError(`${file} lacks deliveryOtpSecret or platformApiKey; restore it from a backup, or set DELIVERY_OTP_SECRET and PLATFORM_API_KEY to the values it held`);
  }
  return secrets as GeneratedSecrets;
}

/**
 * The embedded default needs no set-up: secrets are generated once and kept beside the data.
 * Created atomically, so a kill mid-write leaves no torn file and two first starts agree on one.
 */
function loadOrCreateSecrets(dataDir: string): { secrets: GeneratedSecrets; file: string } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return { secrets: readSecrets(file), file };
  try {
    mkdirSync(dataDir, { recursive: true });
    const secrets: GeneratedSecrets = { deliveryOtpSecret: randomBytes(32).toString('hex'), platformApiKey: `fep_${randomBytes(24).toString('base64url')}` };
    if (createAtomically(file, JSON.stringify(secrets, null, 2))) return { secrets, file };
  } catch (error) {
    throw dataDirProblem(dataDir, error, 'write secrets.json');
  }
  return { secrets: readSecrets(file), file };
}

export interface StoresConfig {
  dataDir: string;
  eventStore: EventStoreConfig;
  readModels: ReadModelsDatabaseConfig;
}

/**
 * Where events and read models live: EVENT_STORE (embedded | postgres | esdb), DATABASE_URL,
 * DATABASE_SCHEMA, ESDB_CONNECTION_STRING, DATA_DIR. The read models go to READ_MODELS_DATABASE_URL
 * when set, else to DATABASE_URL beside a server event store, else to PGlite under DATA_DIR/read-models.
 */
export function loadStoresConfig(env: Env = process.env): StoresConfig {
  const dataDir = resolve(env['DATA_DIR'] || './.data');
  const kind = oneOf(env, 'EVENT_STORE', ['embedded', 'postgres', 'esdb'] as const, 'embedded');
  const eventStore: EventStoreConfig =
    kind === 'embedded'
      ? { kind, dataDir: join(dataDir, 'events') }
      : kind === 'postgres'
        ? { kind, databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql'], 'when EVENT_STORE=postgres'), ...(env['DATABASE_SCHEMA'] ? { schema: env['DATABASE_SCHEMA'] } : {}) }
        : { kind, connectionString: url(env, 'ESDB_CONNECTION_STRING', ['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover'], 'when EVENT_STORE=esdb') };
  const readModelsUrl = env['READ_MODELS_DATABASE_URL']
    ? url(env, 'READ_MODELS_DATABASE_URL', ['postgres', 'postgresql'], '')
    : eventStore.kind === 'postgres'
      ? eventStore.databaseUrl
      : eventStore.kind === 'esdb'
        ? url(env, 'DATABASE_URL', ['postgres', 'postgresql'], 'for the read models when EVENT_STORE=esdb')
        : undefined;
  const readModelsSchema = env['READ_MODELS_SCHEMA'] || undefined;
  const readModels: ReadModelsDatabaseConfig = readModelsUrl
    ? { kind: 'postgres', databaseUrl: readModelsUrl, ...(readModelsSchema ? { schema: readModelsSchema } : {}) }
    : { kind: 'embedded', dataDir: join(dataDir, 'read-models') };
  return { dataDir, eventStore, readModels };
}

/**
 * The embedded default (EVENT_STORE unset or `embedded`): a developer's machine, the only place where
 * development conveniences (the WhatsApp sandbox by default, plain OTPs in it, open /metrics) are allowed.
 */
export function isEmbeddedDefault(env: Env = process.env): boolean {
  return oneOf(env, 'EVENT_STORE', ['embedded', 'postgres', 'esdb'] as const, 'embedded') === 'embedded';
}

function metricsExposure(env: Env, embedded: boolean): { metrics?: MetricsExposure } {
  const token = env['METRICS_TOKEN'] || undefined;
  if (token !== undefined && token.length < 24) throw new ConfigError('METRICS_TOKEN', 'must be at least 24 characters');
  const metricsPort = env['METRICS_PORT'] ? port(env, 'METRICS_PORT', 0) : undefined;
  if (metricsPort === undefined && token === undefined) {
    if (!embedded) throw new ConfigError('METRICS_TOKEN', 'or METRICS_PORT is required outside the embedded default (/metrics must not be open on the API port)');
    return {};
  }
  return { metrics: { ...(metricsPort !== undefined ? { port: metricsPort } : {}), ...(token !== undefined ? { token } : {}) } };
}

/** PORT, for an app that needs nothing else of the engine's configuration (the projector's health port). */
export function loadPort(env: Env = process.env, fallback = 3000): number {
  return port(env, 'PORT', fallback);
}

/** LOG_LEVEL: a pino level, `info` by default. */
export function loadLogLevel(env: Env = process.env): string {
  return oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
}

/** `servesMetrics`: false for an app without /metrics (the standalone ONDC adapter), which then needs no METRICS_* either. */
export function loadEngineConfig(env: Env = process.env, { servesMetrics = true }: { servesMetrics?: boolean } = {}): EngineConfig {
  const { dataDir, eventStore, readModels } = loadStoresConfig(env);
  const kind = eventStore.kind;
  const configuredOtpSecret = secretFromHex(env, 'DELIVERY_OTP_SECRET');
  const configuredPlatformKey = env['PLATFORM_API_KEY'] || undefined;
  if (configuredPlatformKey !== undefined && configuredPlatformKey.length < 24) {
    throw new ConfigError('PLATFORM_API_KEY', 'must be at least 24 characters');
  }
  if (kind !== 'embedded') {
    if (!configuredOtpSecret) throw new ConfigError('DELIVERY_OTP_SECRET', 'is required outside the embedded default (32+ hex characters, the same on every instance)');
    if (!configuredPlatformKey) throw new ConfigError('PLATFORM_API_KEY', 'is required outside the embedded default');
  }
  const generated = configuredOtpSecret && configuredPlatformKey ? undefined : loadOrCreateSecrets(dataDir);
  return {
    port: port(env, 'PORT', 3000),
    dataDir,
    eventStore,
    readModels,
    deliveryOtpSecret: configuredOtpSecret ?? Buffer.from(generated!.secrets.deliveryOtpSecret, 'hex'),
    platformApiKey: configuredPlatformKey ?? generated!.secrets.platformApiKey,
    uploadsDir: env['UPLOADS_DIR'] ? resolve(env['UPLOADS_DIR']) : join(dataDir, 'uploads'),
    logLevel: loadLogLevel(env),
    ...authFailuresPerMinute(env),
    ...trustProxy(env),
    ...(servesMetrics ? metricsExposure(env, kind === 'embedded') : {}),
    ...(generated ? { generatedSecretsFile: generated.file } : {}),
  };
}

/** The data directory when any store is embedded (PGlite files under it), which makes it one process's own. */
export function embeddedDataDir(config: StoresConfig): string | undefined {
  return config.eventStore.kind === 'embedded' || config.readModels.kind === 'embedded' ? config.dataDir : undefined;
}
