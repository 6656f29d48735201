import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

/**
 * ONDC request signing (developer-docs "Auth Header - signing and verification", registry
 * signing-verification): Ed25519 over a three-line signing string whose digest is the BLAKE2b-512 of
 * the exact body bytes, carried in `Authorization` (and, for requests a gateway relays, in
 * `X-Gateway-Authorization` with the gateway's key).
 */

export const AUTHORIZATION_HEADER = 'authorization';
export const GATEWAY_AUTHORIZATION_HEADER = 'x-gateway-authorization';
const SIGNED_HEADERS = '(created) (expires) digest';
const ALGORITHM = 'ed25519';
/** How long a signature we make stays valid. Short, since a captured request replays only inside it. */
export const DEFAULT_SIGNATURE_VALIDITY_SECONDS = 300;
/** Clock difference tolerated between signer and verifier. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 5;
/** The longest `expires - created` accepted: a signature valid for years is a replayable credential. */
export const DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS = 3600;

// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI), per RFC 8410.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

function decodeBase64(value: string, what: string): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && !/^[A-Za-z0-9_-]+$/.test(trimmed)) throw new KeyFormatError(`${what} is not base64`);
  return Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
}

const privateKeyFromSeed = (seed: Buffer): KeyObject => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
const rawPublicKey = (key: KeyObject): Buffer => (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);

/**
 * An Ed25519 private key from base64: a 32-byte seed, libsodium's 64-byte secret key (seed then
 * public key, the form ONDC's utilities print), or PKCS#8 DER.
 */
export function signingPrivateKeyFrom(base64: string): KeyObject {
  const bytes = decodeBase64(base64, 'signing private key');
  if (bytes.length === 32) return privateKeyFromSeed(bytes);
  if (bytes.length === 64) {
    const key = privateKeyFromSeed(bytes.subarray(0, 32));
    if (!rawPublicKey(key).equals(bytes.subarray(32))) throw new KeyFormatError('signing private key: its public half does not belong to its seed');
    return key;
  }
  if (bytes.length === PKCS8_ED25519_PREFIX.length + 32 && bytes.subarray(0, PKCS8_ED25519_PREFIX.length).equals(PKCS8_ED25519_PREFIX)) {
    return createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
  }
  throw new KeyFormatError(`signing private key must be a 32-byte seed, a 64-byte libsodium key or PKCS#8 DER, got ${bytes.length} bytes`);
}

/** An Ed25519 public key from base64: raw 32 bytes (as the registry publishes it) or SPKI DER. */
export function signingPublicKeyFrom(base64: string): KeyObject {
  const bytes = decodeBase64(base64, 'signing public key');
  if (bytes.length === 32) return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: 'der', type: 'spki' });
  if (bytes.length === SPKI_ED25519_PREFIX.length + 32 && bytes.subarray(0, SPKI_ED25519_PREFIX.length).equals(SPKI_ED25519_PREFIX)) {
    return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  }
  throw new KeyFormatError(`signing public key must be 32 raw bytes or SPKI DER, got ${bytes.length} bytes`);
}

/** The registry form (base64 of the raw 32 bytes) of a private key's public half. */
export const publicKeyOf = (privateKey: KeyObject | string): string =>
  rawPublicKey(typeof privateKey === 'string' ? signingPrivateKeyFrom(privateKey) : privateKey).toString('base64');

export interface SigningKeyPair {
  /** Base64 of the raw 32-byte public key, as registered. */
  signingPublicKey: string;
  /** Base64 of libsodium's 64-byte form (seed then public key). */
  signingPrivateKey: string;
}

/** A fresh key pair, in the formats ONDC participants exchange. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
  const pub = rawPublicKey(publicKey);
  return { signingPublicKey: pub.toString('base64'), signingPrivateKey: Buffer.concat([seed, pub]).toString('base64') };
}

/** Base64 BLAKE2b-512 of the body bytes exactly as sent or received. */
export const blake512Digest = (body: Uint8Array | string): string => createHash('blake2b512').update(body).digest('base64');

export const signingString = (created: number, expires: number, digest: string): string =>
  `(created): ${created}\n(expires): ${expires}\ndigest: BLAKE-512=${digest}`;

export interface KeyId {
  subscriberId: string;
  uniqueKeyId: string;
}

export interface Signer extends KeyId {
  privateKey: KeyObject | string;
}

export interface SignOptions {
  /** Signing time, epoch milliseconds; defaults to now. */
  nowMs?: number;
  validitySeconds?: number;
}

/**
 * Keys given as base64, parsed once: reading a key costs more than signing or verifying with it,
 * and every message is signed or verified. Bounded, since registry keys arrive from outside.
 */
class ParsedKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly parse: (base64: string) => KeyObject,
    private readonly limit: number,
  ) {}

  of(key: KeyObject | string): KeyObject {
    if (typeof key !== 'string') return key;
    let parsed = this.keys.get(key);
    if (!parsed) {
      parsed = this.parse(key);
      if (this.keys.size >= this.limit) this.keys.clear();
      this.keys.set(key, parsed);
    }
    return parsed;
  }
}

const privateKeys = new ParsedKeys(signingPrivateKeyFrom, 64);
const publicKeys = new ParsedKeys(signingPublicKeyFrom, 1024);

/** The `Authorization` (or `X-Gateway-Authorization`) value for these exact body bytes. */
export function createAuthorizationHeader(body: Uint8Array | string, signer: Signer, options: SignOptions = {}): string {
  const key = privateKeys.of(signer.privateKey);
  const created = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const expires = created + (options.validitySeconds ?? DEFAULT_SIGNATURE_VALIDITY_SECONDS);
  const signature = sign(null, Buffer.from(signingString(created, expires, blake512Digest(body))), key).toString('base64');
  const keyId = `${signer.subscriberId}|${signer.uniqueKeyId}|${ALGORITHM}`;
  return `Signature keyId="${keyId}",algorithm="${ALGORITHM}",created="${created}",expires="${expires}",headers="${SIGNED_HEADERS}",signature="${signature}"`;
}

export interface SignatureParams {
  keyId: KeyId;
  created: number;
  expires: number;
  signature: Buffer;
}

export type SignatureFailure =
  /** No header at all. */
  | 'missing'
  /** Not the ONDC signature scheme, or a parameter is absent or unreadable. */
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  /** `expires - created` is longer than the maximum validity window. */
  | 'validity-too-long'
  /** The registry knows no valid key for the header's keyId. */
  | 'unknown-key'
  /** Signed with a key of another subscriber than the one the message must come from. */
  | 'wrong-key'
  /**
   * The signature does not verify: the body was changed after signing, or it was signed with
   * another key than the one registered for its keyId (the two cannot be told apart).
   */
  | 'bad-signature';

export type ParsedHeader = { ok: true; params: SignatureParams } | { ok: false; failure: 'missing' | 'malformed'; reason: string };

const INTEGER = /^[0-9]{1,12}$/;

function readKeyId(value: string | undefined): KeyId | string {
  const parts = value?.split('|') ?? [];
  if (parts.length !== 3) return 'keyId must be "subscriber_id|unique_key_id|ed25519"';
  const [subscriberId = '', uniqueKeyId = '', algorithm = ''] = parts;
  if (!subscriberId || !uniqueKeyId) return 'keyId has an empty subscriber or key id';
  if (algorithm !== ALGORITHM) return `keyId algorithm must be ${ALGORITHM}`;
  return { subscriberId, uniqueKeyId };
}

/** Reads an `Authorization: Signature keyId="…",…` value without judging its validity in time or its signature. */
export function parseAuthorizationHeader(value: string | undefined): ParsedHeader {
  if (value === undefined || value.trim() === '') return { ok: false, failure: 'missing', reason: 'no signature header' };
  const trimmed = value.trim();
  if (!/^Signature\s/i.test(trimmed)) return { ok: false, failure: 'malformed', reason: 'not a "Signature" authorization' };
  const params = new Map<string, string>();
  for (const match of trimmed.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) params.set(match[1] ?? '', match[2] ?? '');
  const malformed = (reason: string): ParsedHeader => ({ ok: false, failure: 'malformed', reason });
  const keyId = readKeyId(params.get('keyId'));
  if (typeof keyId === 'string') return malformed(keyId);
  if (params.get('algorithm') !== ALGORITHM) return malformed(`algorithm must be "${ALGORITHM}"`);
  if (params.get('headers') !== SIGNED_HEADERS) return malformed(`headers must be "${SIGNED_HEADERS}"`);
  const created = params.get('created') ?? '';
  const expires = params.get('expires') ?? '';
  if (!INTEGER.test(created) || !INTEGER.test(expires)) return malformed('created and expires must be unix seconds');
  if (Number(expires) <= Number(created)) return malformed('expires must be after created');
  const signature = Buffer.from(params.get('signature') ?? '', 'base64');
  if (signature.length !== 64) return malformed('signature must be 64 bytes of base64');
  return { ok: true, params: { keyId, created: Number(created), expires: Number(expires), signature } };
}

/**
 * Finds the public key registered for a keyId. `refresh` asks to bypass any cache: the verifier
 * sets it once when the key it got did not verify or was not found, in case the key was rotated.
 */
export type PublicKeyResolver = (keyId: KeyId, options: { refresh: boolean }) => Promise<KeyObject | string | undefined> | KeyObject | string | undefined;

export interface VerifyOptions {
  /** Verification time, epoch milliseconds; defaults to now. */
  nowMs?: number;
  clockSkewSeconds?: number;
  /** The longest validity window (`expires - created`) accepted; DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS when absent. */
  maxValiditySeconds?: number;
  /** The subscriber the message must come from (the context's bap_id or bpp_id); any other signer is a wrong key. */
  expectedSubscriberId?: string;
}

export type VerificationResult = { ok: true; keyId: KeyId } | { ok: false; failure: SignatureFailure; reason: string };

function timeFailure(params: SignatureParams, options: VerifyOptions): VerificationResult | undefined {
  const now = (options.nowMs ?? Date.now()) / 1000;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (params.created > now + skew) return { ok: false, failure: 'not-yet-valid', reason: `signature created ${params.created}, in the future` };
  if (params.expires < now - skew) return { ok: false, failure: 'expired', reason: `signature expired at ${params.expires}` };
  const maxValidity = options.maxValiditySeconds ?? DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS;
  if (params.expires - params.created > maxValidity) {
    return { ok: false, failure: 'validity-too-long', reason: `valid for ${params.expires - params.created} s, at most ${maxValidity} s accepted` };
  }
  return undefined;
}

function verifies(data: Buffer, signature: Buffer, key: KeyObject | string): boolean {
  try {
    return verify(null, data, publicKeys.of(key), signature);
  } catch {
    // A registered key in a form we cannot read verifies nothing.
    return false;
  }
}

/**
 * Verifies a signature header over the raw body bytes as received (never re-serialised JSON: a
 * different escaping of the same JSON is a different digest). Looks the key up once more, bypassing
 * caches, before calling a key unknown or a signature bad.
 */
export async function verifyAuthorization(
  rawBody: Uint8Array,
  header: string | undefined,
  resolveKey: PublicKeyResolver,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const parsed = parseAuthorizationHeader(header);
  if (!parsed.ok) return parsed;
  const { params } = parsed;
  const late = timeFailure(params, options);
  if (late) return late;
  if (options.expectedSubscriberId !== undefined && params.keyId.subscriberId !== options.expectedSubscriberId) {
    return { ok: false, failure: 'wrong-key', reason: `signed by ${params.keyId.subscriberId}, expected ${options.expectedSubscriberId}` };
  }
  const data = Buffer.from(signingString(params.created, params.expires, blake512Digest(rawBody)));
  const cached = await resolveKey(params.keyId, { refresh: false });
  if (cached !== undefined && verifies(data, params.signature, cached)) return { ok: true, keyId: params.keyId };
  const fresh = await resolveKey(params.keyId, { refresh: true });
  if (fresh === undefined) return { ok: false, failure: 'unknown-key', reason: `no valid key registered for ${params.keyId.subscriberId}|${params.keyId.uniqueKeyId}` };
  if (fresh !== cached && verifies(data, params.signature, fresh)) return { ok: true, keyId: params.keyId };
  return { ok: false, failure: 'bad-signature', reason: 'signature does not match the body and the registered key' };
}
