import { sign } from 'node:crypto';
import {
  DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS,
  KeyFormatError,
  KeyId,
  PublicKeyResolver,
  blake512Digest,
  createAuthorizationHeader,
  generateSigningKeyPair,
  parseAuthorizationHeader,
  publicKeyOf,
  signingPrivateKeyFrom,
  signingPublicKeyFrom,
  signingString,
  verifyAuthorization,
} from '@fulfil/ondc';

const LSP = { subscriberId: 'lsp.example', uniqueKeyId: 'UKID1' };
const lspKeys = generateSigningKeyPair();
const lspSigner = { ...LSP, privateKey: lspKeys.signingPrivateKey };
const body = Buffer.from('{"context":{"action":"on_search","bpp_uri":"https:\\/\\/lsp.example\\/ondc"},"message":{"catalog":{}}}');
const NOW = Date.UTC(2026, 2, 2, 10, 0, 0);

/** A registry with one key per keyId; `keyFor` may be replaced to model rotation. */
function registryOf(keys: Record<string, string>): PublicKeyResolver & { calls: Array<{ keyId: KeyId; refresh: boolean }> } {
  const calls: Array<{ keyId: KeyId; refresh: boolean }> = [];
  const resolver = (keyId: KeyId, { refresh }: { refresh: boolean }) => {
    calls.push({ keyId, refresh });
    return keys[`${keyId.subscriberId}|${keyId.uniqueKeyId}`];
  };
  return Object.assign(resolver, { calls });
}

const registry = () => registryOf({ 'lsp.example|UKID1': lspKeys.signingPublicKey });

describe('ONDC signing: keys', () => {
  // RFC 8032, section 7.1, test 1: the seed, its public key, and the signature of the empty message.
  const RFC8032_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const RFC8032_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const RFC8032_SIGNATURE =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  it('reads a 32-byte seed, a 64-byte libsodium key and PKCS#8 DER as the same key', () => {
    const fromSeed = signingPrivateKeyFrom(RFC8032_SEED.toString('base64'));
    const fromLibsodium = signingPrivateKeyFrom(Buffer.concat([RFC8032_SEED, RFC8032_PUBLIC]).toString('base64'));
    const der = fromSeed.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    for (const key of [fromSeed, fromLibsodium, signingPrivateKeyFrom(der)]) {
      expect(publicKeyOf(key)).toBe(RFC8032_PUBLIC.toString('base64'));
      expect(sign(null, Buffer.alloc(0), key).toString('hex')).toBe(RFC8032_SIGNATURE);
    }
  });

  it('reads public keys as the registry publishes them (raw 32 bytes) and as SPKI DER', () => {
    const raw = signingPublicKeyFrom(RFC8032_PUBLIC.toString('base64'));
    const spki = signingPublicKeyFrom(raw.export({ format: 'der', type: 'spki' }).toString('base64'));
    expect(spki.equals(raw)).toBe(true);
  });

  it('refuses a libsodium key whose public half is not its seed’s, and keys of the wrong size', () => {
    const other = Buffer.from(generateSigningKeyPair().signingPublicKey, 'base64');
    expect(() => signingPrivateKeyFrom(Buffer.concat([RFC8032_SEED, other]).toString('base64'))).toThrow(KeyFormatError);
    expect(() => signingPrivateKeyFrom(Buffer.alloc(31).toString('base64'))).toThrow(KeyFormatError);
    expect(() => signingPublicKeyFrom(Buffer.alloc(33).toString('base64'))).toThrow(KeyFormatError);
    expect(() => signingPublicKeyFrom('not base64!')).toThrow(KeyFormatError);
  });

  it('generates pairs in the exchanged formats: raw 32-byte public key, 64-byte libsodium private key', () => {
    const pair = generateSigningKeyPair();
    expect(Buffer.from(pair.signingPublicKey, 'base64')).toHaveLength(32);
    expect(Buffer.from(pair.signingPrivateKey, 'base64')).toHaveLength(64);
    expect(publicKeyOf(pair.signingPrivateKey)).toBe(pair.signingPublicKey);
  });
});

describe('ONDC signing: header', () => {
  it('signs the three-line string over the BLAKE2b-512 digest of the exact bytes', () => {
    const header = createAuthorizationHeader(body, lspSigner, { nowMs: NOW, validitySeconds: 300 });
    const created = NOW / 1000;
    expect(header).toMatch(
      new RegExp(
        `^Signature keyId="lsp\\.example\\|UKID1\\|ed25519",algorithm="ed25519",created="${created}",expires="${created + 300}",headers="\\(created\\) \\(expires\\) digest",signature="[A-Za-z0-9+/]{86}=="$`,
      ),
    );
    expect(signingString(created, created + 300, blake512Digest(body))).toBe(`(created): ${created}\n(expires): ${created + 300}\ndigest: BLAKE-512=${blake512Digest(body)}`);
    expect(Buffer.from(blake512Digest(body), 'base64')).toHaveLength(64);
  });

  it('parses what it writes, and tolerates spaces after the commas', () => {
    const header = createAuthorizationHeader(body, lspSigner, { nowMs: NOW });
    const parsed = parseAuthorizationHeader(header.replace(/",/g, '", '));
    expect(parsed).toMatchObject({ ok: true, params: { keyId: LSP, created: NOW / 1000, expires: NOW / 1000 + 300 } });
  });

  it('verifies its own signature over the same bytes', async () => {
    const header = createAuthorizationHeader(body, lspSigner, { nowMs: NOW });
    await expect(verifyAuthorization(body, header, registry(), { nowMs: NOW + 10_000 })).resolves.toEqual({ ok: true, keyId: LSP });
  });

  it('X-Gateway-Authorization is the same scheme with the gateway’s key, checked against the gateway', async () => {
    const gatewayKeys = generateSigningKeyPair();
    const gateway = { subscriberId: 'gateway.example', uniqueKeyId: 'G1' };
    const header = createAuthorizationHeader(body, { ...gateway, privateKey: gatewayKeys.signingPrivateKey }, { nowMs: NOW });
    const keys = registryOf({ 'gateway.example|G1': gatewayKeys.signingPublicKey });
    await expect(verifyAuthorization(body, header, keys, { nowMs: NOW, expectedSubscriberId: 'gateway.example' })).resolves.toEqual({ ok: true, keyId: gateway });
  });
});

describe('ONDC signing: every way verification fails, typed', () => {
  const valid = () => createAuthorizationHeader(body, lspSigner, { nowMs: NOW });
  const verifyAt = (header: string | undefined, rawBody: Buffer = body, nowMs = NOW) => verifyAuthorization(rawBody, header, registry(), { nowMs });

  it('missing: no header, or an empty one', async () => {
    await expect(verifyAt(undefined)).resolves.toMatchObject({ ok: false, failure: 'missing' });
    await expect(verifyAt('  ')).resolves.toMatchObject({ ok: false, failure: 'missing' });
  });

  it.each([
    ['another scheme', 'Bearer abc'],
    ['no keyId', valid().replace(/keyId="[^"]*",/, '')],
    ['a keyId without its algorithm part', valid().replace('|UKID1|ed25519', '|UKID1')],
    ['another algorithm', valid().replace('algorithm="ed25519"', 'algorithm="rsa-sha256"')],
    ['other signed headers', valid().replace('headers="(created) (expires) digest"', 'headers="digest"')],
    ['a created that is not unix seconds', valid().replace(/created="\d+"/, 'created="yesterday"')],
    ['expires before created', valid().replace(/expires="\d+"/, 'expires="1"')],
    ['a signature of the wrong length', valid().replace(/signature="[^"]*"/, 'signature="c2hvcnQ="')],
  ])('malformed: %s', async (_case, header) => {
    await expect(verifyAt(header)).resolves.toMatchObject({ ok: false, failure: 'malformed' });
  });

  it('expired: past its expires (beyond the clock skew allowed)', async () => {
    await expect(verifyAt(valid(), body, NOW + 306_000)).resolves.toMatchObject({ ok: false, failure: 'expired' });
    await expect(verifyAt(valid(), body, NOW + 304_000)).resolves.toMatchObject({ ok: true });
  });

  it('validity too long: an expires more than an hour (or the configured maximum) after created', async () => {
    const tenYears = createAuthorizationHeader(body, lspSigner, { nowMs: NOW, validitySeconds: 10 * 365 * 86_400 });
    await expect(verifyAt(tenYears)).resolves.toMatchObject({ ok: false, failure: 'validity-too-long' });
    const anHour = createAuthorizationHeader(body, lspSigner, { nowMs: NOW, validitySeconds: DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS });
    await expect(verifyAt(anHour)).resolves.toMatchObject({ ok: true });
    const anHourAndASecond = createAuthorizationHeader(body, lspSigner, { nowMs: NOW, validitySeconds: DEFAULT_MAX_SIGNATURE_VALIDITY_SECONDS + 1 });
    await expect(verifyAt(anHourAndASecond)).resolves.toMatchObject({ ok: false, failure: 'validity-too-long' });
    await expect(verifyAuthorization(body, valid(), registry(), { nowMs: NOW, maxValiditySeconds: 299 })).resolves.toMatchObject({ ok: false, failure: 'validity-too-long' });
  });

  it('not yet valid: created in the future', async () => {
    await expect(verifyAt(valid(), body, NOW - 60_000)).resolves.toMatchObject({ ok: false, failure: 'not-yet-valid' });
  });

  it('unknown key: the registry has none for the keyId, even after a refresh', async () => {
    const keys = registry();
    const header = createAuthorizationHeader(body, { ...lspSigner, uniqueKeyId: 'UKID9' }, { nowMs: NOW });
    await expect(verifyAuthorization(body, header, keys, { nowMs: NOW })).resolves.toMatchObject({ ok: false, failure: 'unknown-key' });
    expect(keys.calls.map((c) => c.refresh)).toEqual([false, true]);
  });

  it('wrong key: signed by another subscriber than the one the message names', async () => {
    await expect(verifyAuthorization(body, valid(), registry(), { nowMs: NOW, expectedSubscriberId: 'other-lsp.example' })).resolves.toMatchObject({
      ok: false,
      failure: 'wrong-key',
    });
  });

  it('bad signature: signed with a key other than the one registered for its keyId', async () => {
    const impostor = createAuthorizationHeader(body, { ...LSP, privateKey: generateSigningKeyPair().signingPrivateKey }, { nowMs: NOW });
    await expect(verifyAt(impostor)).resolves.toMatchObject({ ok: false, failure: 'bad-signature' });
  });

  it('bad signature: the body changed by one byte after signing', async () => {
    const tampered = Buffer.from(body);
    const at = tampered.indexOf('catalog') + 1;
    tampered.writeUInt8(tampered.readUInt8(at) ^ 0x01, at);
    await expect(verifyAt(valid(), tampered)).resolves.toMatchObject({ ok: false, failure: 'bad-signature' });
  });

  it('bad signature: the same JSON re-serialised (`\\/` unescaped) is other bytes, so only the raw body verifies', async () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(reserialised.toString()).toContain('https://lsp.example/ondc');
    expect(JSON.parse(reserialised.toString())).toEqual(JSON.parse(body.toString()));
    await expect(verifyAt(valid(), reserialised)).resolves.toMatchObject({ ok: false, failure: 'bad-signature' });
    await expect(verifyAt(valid(), body)).resolves.toMatchObject({ ok: true });
  });

  it('asks the registry again, bypassing caches, when the key it had does not verify (a rotated key)', async () => {
    const rotated = generateSigningKeyPair();
    const calls: boolean[] = [];
    const staleCache: PublicKeyResolver = (_keyId, { refresh }) => {
      calls.push(refresh);
      return refresh ? rotated.signingPublicKey : lspKeys.signingPublicKey;
    };
    const header = createAuthorizationHeader(body, { ...LSP, privateKey: rotated.signingPrivateKey }, { nowMs: NOW });
    await expect(verifyAuthorization(body, header, staleCache, { nowMs: NOW })).resolves.toEqual({ ok: true, keyId: LSP });
    expect(calls).toEqual([false, true]);
  });
});
