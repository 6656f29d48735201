import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, isEmbeddedDefault } from '@fulfil/platform';

type Env = Record<string, string | undefined>;

/** Where messages go: Meta's Cloud API, or the local sink of the sandbox (no credentials needed). */
export type WhatsAppChannel =
  | { kind: 'cloud'; accessToken: string; phoneNumberId: string; graphApiVersion: string; graphApiBaseUrl: string }
  | {
      kind: 'sandbox';
      directory: string;
      /** Outside the embedded default the sink keeps no secret (the delivery OTP) in its files or its outbox listing. */
      redactSecrets: boolean;
    };

export const WHATSAPP_MODES = ['cloud', 'sandbox'] as const;
export type WhatsAppMode = (typeof WHATSAPP_MODES)[number];

export interface WhatsAppTemplates {
  /** Utility template for a new order: body {{1}} order, {{2}} amount, {{3}} payment; two quick-reply buttons. */
  newOrder: string;
  /** Template that carries the buyer's delivery OTP: body {{1}} OTP, {{2}} order. */
  deliveryOtp: string;
  /** Authentication template that carries a seller's WhatsApp number verification code: body {{1}} code. */
  numberCode: string;
  /** Utility template for a failed pickup or delivery: body {{1}} order, {{2}} what failed, {{3}} reason, {{4}} next attempt; quick replies Re-attempt (and Return to me after a delivery). */
  attemptFailed: string;
  /** Utility template telling the buyer of the next delivery attempt: body {{1}} order, {{2}} when. */
  deliveryAttempt: string;
  language: string;
}

export interface WhatsAppSenderTuning {
  /** Sends per second across all recipients (Meta's default business-number throughput is about 80/s). */
  messagesPerSecond: number;
  /** Minimum gap between two messages to the same person (Meta's pair rate limit, error 131056). */
  pairIntervalMs: number;
  /** Tries before a retryable failure is reported for good. */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export interface WhatsAppConfig {
  channel: WhatsAppChannel;
  /** Signs webhook deliveries (X-Hub-Signature-256). */
  appSecret: string;
  /** Answers Meta's GET handshake. */
  verifyToken: string;
  templates: WhatsAppTemplates;
  sender: WhatsAppSenderTuning;
  /** Country code put in front of 10-digit Indian buyer phone numbers. */
  defaultCountryCode: string;
}

export const DEFAULT_SENDER_TUNING: WhatsAppSenderTuning = { messagesPerSecond: 80, pairIntervalMs: 1000, maxAttempts: 6, baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000 };

function positiveInt(env: Env, name: string, fallback: number, min = 1): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new ConfigError(name, `must be an integer of at least ${min} (got "${value}")`);
  return parsed;
}

function requiredForCloud(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(name, 'is required when WHATSAPP_ACCESS_TOKEN is set');
  return value.trim();
}

interface SandboxSecrets {
  appSecret: string;
  verifyToken: string;
}

/** The sandbox signs and verifies like Meta would, with secrets generated once and kept under DATA_DIR. */
function sandboxSecrets(directory: string): SandboxSecrets {
  const file = join(directory, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SandboxSecrets;
  mkdirSync(directory, { recursive: true });
  const secrets = { appSecret: randomBytes(32).toString('hex'), verifyToken: randomBytes(16).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * WHATSAPP_MODE, or the mode implied by the rest: an access token means the Cloud API; none means the
 * sandbox sink, but only in the embedded default. Elsewhere a missing credential stops the start
 * (fails closed) unless the sandbox is chosen by name.
 */
function whatsAppMode(env: Env, accessToken: string | undefined, embedded: boolean): WhatsAppMode {
  const given = env['WHATSAPP_MODE']?.trim() || undefined;
  if (given !== undefined && !(WHATSAPP_MODES as readonly string[]).includes(given)) {
    throw new ConfigError('WHATSAPP_MODE', `must be one of ${WHATSAPP_MODES.join(', ')} (got "${given}")`);
  }
  const mode = (given as WhatsAppMode | undefined) ?? (accessToken || !embedded ? 'cloud' : 'sandbox');
  if (mode === 'cloud' && !accessToken) {
    throw new ConfigError(
      'WHATSAPP_ACCESS_TOKEN',
      given ? 'is required when WHATSAPP_MODE=cloud' : 'is required outside the embedded default: set the Cloud API credentials, or WHATSAPP_MODE=sandbox for the local sandbox sink',
    );
  }
  return mode;
}

/**
 * WhatsApp settings from the environment. The Cloud API needs every one of its settings present and
 * valid; the sandbox sink needs none. Which one is used: see whatsAppMode.
 */
export function loadWhatsAppConfig(env: Env, dataDir: string): WhatsAppConfig {
  const accessToken = env['WHATSAPP_ACCESS_TOKEN']?.trim() || undefined;
  const embedded = isEmbeddedDefault(env);
  const mode = whatsAppMode(env, accessToken, embedded);
  const version = env['WHATSAPP_GRAPH_API_VERSION'] || 'v21.0';
  if (!/^v\d+\.\d+$/.test(version)) throw new ConfigError('WHATSAPP_GRAPH_API_VERSION', `must look like v21.0 (got "${version}")`);
  const baseUrl = env['WHATSAPP_GRAPH_API_URL'] || 'https://graph.facebook.com';
  if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(baseUrl)) throw new ConfigError('WHATSAPP_GRAPH_API_URL', 'must be a base URL such as https://graph.facebook.com');
  const countryCode = env['WHATSAPP_DEFAULT_COUNTRY_CODE'] || '91';
  if (!/^[1-9][0-9]{0,3}$/.test(countryCode)) throw new ConfigError('WHATSAPP_DEFAULT_COUNTRY_CODE', `must be a calling code in digits such as 91 (got "${countryCode}")`);
  const sandboxDir = join(dataDir, 'whatsapp-sandbox');
  let channel: WhatsAppChannel;
  let appSecret = env['WHATSAPP_APP_SECRET']?.trim() || undefined;
  let verifyToken = env['WHATSAPP_VERIFY_TOKEN']?.trim() || undefined;
  if (mode === 'cloud' && accessToken) {
    const phoneNumberId = requiredForCloud(env, 'WHATSAPP_PHONE_NUMBER_ID');
    if (!/^[0-9]{5,20}$/.test(phoneNumberId)) throw new ConfigError('WHATSAPP_PHONE_NUMBER_ID', 'must be the numeric phone number id from the WhatsApp Manager');
    appSecret = requiredForCloud(env, 'WHATSAPP_APP_SECRET');
    verifyToken = requiredForCloud(env, 'WHATSAPP_VERIFY_TOKEN');
    channel = { kind: 'cloud', accessToken, phoneNumberId, graphApiVersion: version, graphApiBaseUrl: baseUrl.replace(/\/$/, '') };
  } else {
    channel = { kind: 'sandbox', directory: sandboxDir, redactSecrets: !embedded };
    if (!appSecret || !verifyToken) {
      const generated = sandboxSecrets(sandboxDir);
      appSecret ??= generated.appSecret;
      verifyToken ??= generated.verifyToken;
    }
  }
  if (appSecret.length < 16) throw new ConfigError('WHATSAPP_APP_SECRET', 'must be at least 16 characters');
  const language = env['WHATSAPP_TEMPLATE_LANGUAGE'] || 'en';
  const templateName = /^[a-z0-9_]{1,512}$/;
  const newOrder = env['WHATSAPP_ORDER_TEMPLATE'] || 'new_order_alert';
  const deliveryOtp = env['WHATSAPP_OTP_TEMPLATE'] || 'delivery_otp';
  if (!templateName.test(newOrder)) throw new ConfigError('WHATSAPP_ORDER_TEMPLATE', 'must be a template name of lowercase letters, digits and "_"');
  if (!templateName.test(deliveryOtp)) throw new ConfigError('WHATSAPP_OTP_TEMPLATE', 'must be a template name of lowercase letters, digits and "_"');
  const numberCode = env['WHATSAPP_NUMBER_CODE_TEMPLATE'] || 'seller_number_code';
  if (!templateName.test(numberCode)) throw new ConfigError('WHATSAPP_NUMBER_CODE_TEMPLATE', 'must be a template name of lowercase letters, digits and "_"');
  const attemptFailed = env['WHATSAPP_ATTEMPT_FAILED_TEMPLATE'] || 'attempt_failed_alert';
  if (!templateName.test(attemptFailed)) throw new ConfigError('WHATSAPP_ATTEMPT_FAILED_TEMPLATE', 'must be a template name of lowercase letters, digits and "_"');
  const deliveryAttempt = env['WHATSAPP_DELIVERY_ATTEMPT_TEMPLATE'] || 'delivery_attempt_notice';
  if (!templateName.test(deliveryAttempt)) throw new ConfigError('WHATSAPP_DELIVERY_ATTEMPT_TEMPLATE', 'must be a template name of lowercase letters, digits and "_"');
  return {
    channel,
    appSecret,
    verifyToken,
    templates: { newOrder, deliveryOtp, numberCode, attemptFailed, deliveryAttempt, language },
    sender: {
      messagesPerSecond: positiveInt(env, 'WHATSAPP_MESSAGES_PER_SECOND', DEFAULT_SENDER_TUNING.messagesPerSecond),
      // The sandbox has no pair limit to respect; a real number does.
      pairIntervalMs: positiveInt(env, 'WHATSAPP_PAIR_INTERVAL_MS', channel.kind === 'cloud' ? DEFAULT_SENDER_TUNING.pairIntervalMs : 0, 0),
      maxAttempts: positiveInt(env, 'WHATSAPP_SEND_MAX_ATTEMPTS', DEFAULT_SENDER_TUNING.maxAttempts),
      baseBackoffMs: DEFAULT_SENDER_TUNING.baseBackoffMs,
      maxBackoffMs: DEFAULT_SENDER_TUNING.maxBackoffMs,
    },
    defaultCountryCode: countryCode,
  };
}
