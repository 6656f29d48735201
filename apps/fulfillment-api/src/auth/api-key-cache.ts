import { Injectable } from '@nestjs/common';

const CACHE_TTL_MS = 30_000;

/**
 * Secret hashes of seller keys, kept 30 s so authentication is mostly no stream read. A rotation
 * forgets the seller's entries here at once; another instance notices within the 30 s.
 */
@Injectable()
export class ApiKeyCache {
  private readonly entries = new Map<string, { secretSha256: string; until: number }>();

  get(sellerId: string, keyId: string): string | undefined {
    const entry = this.entries.get(`${sellerId}.${keyId}`);
    return entry && entry.until > Date.now() ? entry.secretSha256 : undefined;
  }

  set(sellerId: string, keyId: string, secretSha256: string): void {
    this.entries.set(`${sellerId}.${keyId}`, { secretSha256, until: Date.now() + CACHE_TTL_MS });
  }

  forgetSeller(sellerId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${sellerId}.`)) this.entries.delete(key);
  }
}
