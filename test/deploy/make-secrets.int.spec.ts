import { spawnSync } from 'node:child_process';
import { randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signingPrivateKeyFrom, signingPublicKeyFrom } from '@fulfil/ondc';
import { SECRET_NAMES } from '../../scripts/secrets-file';
import { buildEngine } from '../engine/support/engine-process';

const root = resolve(__dirname, '../..');

beforeAll(() => buildEngine(), 120_000);

/** `npm run secrets` as the operator runs it, after the build it does first. */
function makeSecrets(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'dist/scripts/make-secrets.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function envFile(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => /^[A-Z]/.test(line));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('npm run secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fulfilment-secrets-'));
  const file = join(dir, '.env');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes strong values and a valid ONDC key pair, mode 0600, and prints where but no value', () => {
    const run = makeSecrets('--out', file);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const values = envFile(file);
    expect(Object.keys(values)).toEqual([...SECRET_NAMES]);
    expect(run.stdout).toContain(file);
    for (const value of Object.values(values)) expect(run.stdout).not.toContain(value);

    expect(values['POSTGRES_PASSWORD']).toMatch(/^[0-9a-f]{64}$/); // URL-safe: it sits inside DATABASE_URL
    expect(values['DELIVERY_OTP_SECRET']).toMatch(/^[0-9a-f]{64}$/);
    expect(values['PLATFORM_API_KEY']).toMatch(/^fep_[A-Za-z0-9_-]{43}$/);
    expect(values['METRICS_TOKEN']).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The adapter's own parsing accepts the pair, and what one half signs the other verifies.
    const privateKey = signingPrivateKeyFrom(values['ONDC_SIGNING_PRIVATE_KEY']!);
    const publicKey = signingPublicKeyFrom(values['ONDC_SIGNING_PUBLIC_KEY']!);
    expect(Buffer.from(values['ONDC_SIGNING_PUBLIC_KEY']!, 'base64')).toHaveLength(32);
    const message = randomBytes(64);
    const signature = sign(null, message, privateKey);
    expect(verify(null, message, publicKey, signature)).toBe(true);
    expect(verify(null, randomBytes(64), publicKey, signature)).toBe(false);
  });

  it('refuses to replace an existing file, changing nothing, unless --force', () => {
    const before = readFileSync(file, 'utf8');
    const earlier = envFile(file);
    const refused = makeSecrets('--out', file);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringContaining(`${file} exists; nothing was changed`)]);
    expect(readFileSync(file, 'utf8')).toBe(before);

    expect(makeSecrets('--out', file, '--force').status).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const replaced = envFile(file);
    expect(SECRET_NAMES.filter((name) => replaced[name] === earlier[name])).toEqual([]);
  });

  it('answers a wrong argument with its usage', () => {
    expect(makeSecrets('--outt', file)).toMatchObject({ status: 2, stderr: expect.stringContaining('Usage: npm run secrets') });
  });
});
