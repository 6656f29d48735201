import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import { ApiRootModule, createHttpApp } from '@fulfil/fulfillment-api';
import type { EngineConfig, EventStoreConfig } from '@fulfil/platform';
import { sellerProfile } from './fixtures';

/** The clock commands decide by: real time, moved forward by hand to pass an expiry. */
export class MovableClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
}

export interface ApiHarness {
  app: NestFastifyApplication;
  clock: MovableClock;
  http: () => ReturnType<typeof request>;
  platformKey: string;
  /** Where the app keeps uploaded images. */
  uploadsDir: string;
  otp: DeliveryOtpGenerator;
  newSeller(settings?: object): Promise<{ sellerId: string; apiKey: string }>;
  close(): Promise<void>;
}

/** The stores every HTTP suite runs on: PGlite always, the PostgreSQL server when DATABASE_URL is set. */
export function storesUnderTest(): Array<[string, () => EventStoreConfig]> {
  const stores: Array<[string, () => EventStoreConfig]> = [['embedded PGlite', () => ({ kind: 'embedded' })]];
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) stores.push(['PostgreSQL', () => ({ kind: 'postgres', databaseUrl, schema: `api_${randomBytes(4).toString('hex')}` })]);
  return stores;
}

export async function startApi(eventStore: EventStoreConfig, overrides: Partial<Pick<EngineConfig, 'trustProxy' | 'authFailuresPerMinute'>> = {}): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulfilment-api-'));
  const deliveryOtpSecret = randomBytes(32);
  const platformKey = `fep_${randomBytes(24).toString('base64url')}`;
  const config: EngineConfig = {
    port: 0,
    dataDir,
    eventStore,
    deliveryOtpSecret,
    platformApiKey: platformKey,
    // Beside a PostgreSQL event store the read models live on the same server, as in production.
    readModels: eventStore.kind === 'postgres' ? { kind: 'postgres', databaseUrl: eventStore.databaseUrl, schema: `rm_${randomBytes(4).toString('hex')}` } : { kind: 'embedded' },
    uploadsDir: join(dataDir, 'uploads'),
    logLevel: 'silent',
    ...overrides,
  };
  const clock = new MovableClock();
  const app = await createHttpApp(ApiRootModule.forConfig(config, { clock }), { trustProxy: config.trustProxy });
  await app.getHttpAdapter().getInstance().ready();
  const http = () => request(app.getHttpServer());
  return {
    app,
    clock,
    http,
    platformKey,
    uploadsDir: config.uploadsDir,
    otp: new DeliveryOtpGenerator(deliveryOtpSecret),
    async newSeller(settings = {}) {
      const response = await http()
        .post('/v1/sellers')
        .set('authorization', `Bearer ${platformKey}`)
        .send({ profile: sellerProfile(), settings: { invoicePrefix: 'INV/', ...settings } })
        .expect(201);
      return { sellerId: response.body.sellerId as string, apiKey: response.body.apiKey as string };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
