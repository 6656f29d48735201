import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Seller API keys look like `fes_<sellerId>.<keyId>.<secret>`: the seller and key ids locate the
 * stored hash without any index, and only the SHA-256 of the secret is ever stored.
 */
const KEY_PATTERN = /^fes_([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9]{8,32})\.([A-Za-z0-9_-]{32,128})$/;

export interface ParsedApiKey {
  sellerId: string;
  keyId: string;
  secret: string;
}

export interface IssuedApiKey {
  apiKey: string;
  keyId: string;
  secretSha256: string;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

export function issueApiKey(sellerId: string): IssuedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { apiKey: `fes_${sellerId}.${keyId}.${secret}`, keyId, secretSha256: sha256Hex(secret) };
}

export function parseApiKey(apiKey: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(apiKey);
  if (!match) return undefined;
  return { sellerId: match[1]!, keyId: match[2]!, secret: match[3]! };
}

export function secretMatches(secret: string, expectedSha256: string): boolean {
  const given = Buffer.from(sha256Hex(secret), 'hex');
  const expected = Buffer.from(expectedSha256, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
