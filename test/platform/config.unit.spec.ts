import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadEngineConfig, loadStoresConfig } from '@fulfil/platform';

const SECRET = 'ab'.repeat(32);
const PLATFORM_KEY = 'fep_' + 'k'.repeat(30);
const METRICS_TOKEN = 'mt_' + 'm'.repeat(30);

describe('engine configuration from the environment', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const refusal = (env: Record<string, string>): string => {
    try {
      loadEngineConfig({ DATA_DIR: dataDir, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('given nothing set, when loaded, then everything is embedded under DATA_DIR with generated secrets kept for the next start', () => {
    const first = loadEngineConfig({ DATA_DIR: dataDir });
    expect(first).toMatchObject({
      port: 3000,
      eventStore: { kind: 'embedded', dataDir: join(dataDir, 'events') },
      readModels: { kind: 'embedded', dataDir: join(dataDir, 'read-models') },
      uploadsDir: join(dataDir, 'uploads'),
      logLevel: 'info',
      generatedSecretsFile: join(dataDir, 'secrets.json'),
    });
    expect(first.deliveryOtpSecret).toHaveLength(32);
    const again = loadEngineConfig({ DATA_DIR: dataDir });
    expect(again.platformApiKey).toBe(first.platformApiKey);
    expect(again.deliveryOtpSecret.equals(first.deliveryOtpSecret)).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toHaveProperty('platformApiKey', first.platformApiKey);
  });

  it('given a PostgreSQL event store, when loaded, then the read models share its server unless told otherwise', () => {
    const env = { DATA_DIR: dataDir, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://app@db:5432/fulfilment', DELIVERY_OTP_SECRET: SECRET, PLATFORM_API_KEY: PLATFORM_KEY, METRICS_TOKEN };
    expect(loadEngineConfig(env)).toMatchObject({ readModels: { kind: 'postgres', databaseUrl: 'postgres://app@db:5432/fulfilment' } });
    expect(loadEngineConfig(env).generatedSecretsFile).toBeUndefined();
    expect(loadStoresConfig({ ...env, READ_MODELS_DATABASE_URL: 'postgresql://reports@rm:5432/rm', READ_MODELS_SCHEMA: 'rm' }).readModels).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgresql://reports@rm:5432/rm',
      schema: 'rm',
    });
  });

  it('given EventStoreDB, when loaded, then the read models need DATABASE_URL', () => {
    const env = { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'esdb://es:2113?tls=false', DELIVERY_OTP_SECRET: SECRET, PLATFORM_API_KEY: PLATFORM_KEY, METRICS_TOKEN };
    expect(refusal(env)).toBe('Invalid configuration: DATABASE_URL is required for the read models when EVENT_STORE=esdb');
    expect(loadEngineConfig({ DATA_DIR: dataDir, ...env, DATABASE_URL: 'postgres://db/x' }).eventStore).toEqual({ kind: 'esdb', connectionString: 'esdb://es:2113?tls=false' });
  });

  it.each([
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'http://es:2113' }, 'ESDB_CONNECTION_STRING'],
    [{ READ_MODELS_DATABASE_URL: 'redis://cache' }, 'READ_MODELS_DATABASE_URL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: 'http' }, 'PORT'],
    [{ DELIVERY_OTP_SECRET: 'short' }, 'DELIVERY_OTP_SECRET'],
    [{ PLATFORM_API_KEY: 'too-short' }, 'PLATFORM_API_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x', PLATFORM_API_KEY: PLATFORM_KEY }, 'DELIVERY_OTP_SECRET'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x', DELIVERY_OTP_SECRET: SECRET }, 'PLATFORM_API_KEY'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x', DELIVERY_OTP_SECRET: SECRET, PLATFORM_API_KEY: PLATFORM_KEY }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_PORT: '99999' }, 'METRICS_PORT'],
  ])('given %j, when loaded, then it is refused in one line naming %s', (env, variable) => {
    const message = refusal(env);
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(message).not.toContain('\n');
  });

  it('given METRICS_PORT or METRICS_TOKEN, when loaded, then /metrics is exposed that way; else, in the embedded default only, openly on the API port', () => {
    const production = { DATA_DIR: dataDir, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x', DELIVERY_OTP_SECRET: SECRET, PLATFORM_API_KEY: PLATFORM_KEY };
    expect(loadEngineConfig({ ...production, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464 });
    expect(loadEngineConfig({ ...production, METRICS_TOKEN }).metrics).toEqual({ token: METRICS_TOKEN });
    expect(loadEngineConfig({ ...production, METRICS_TOKEN, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, token: METRICS_TOKEN });
    expect(loadEngineConfig({ DATA_DIR: dataDir }).metrics).toBeUndefined();
  });
});
