import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { coreModules, createHttpApp } from '@fulfil/fulfillment-api';
import { EngineMetrics, type EngineConfig } from '@fulfil/platform';
import { loadWhatsAppConfig, metaJson, signedDelivery, webhookDelivery } from '@fulfil/whatsapp';

@Module({})
class CloudChannelRoot {}

describe('with a real WhatsApp channel configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-cloud-'));
  const platformKey = `fep_${randomBytes(24).toString('base64url')}`;
  const whatsapp = loadWhatsAppConfig(
    {
      WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_APP_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      WHATSAPP_VERIFY_TOKEN: 'verify-me',
      // Nothing is sent in this test; an unroutable address makes sure of it.
      WHATSAPP_GRAPH_API_URL: 'http://127.0.0.1:9',
    },
    dataDir,
  );
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const config: EngineConfig = {
      port: 0,
      dataDir,
      eventStore: { kind: 'embedded' },
      deliveryOtpSecret: randomBytes(32),
      platformApiKey: platformKey,
      readModels: { kind: 'embedded' },
      uploadsDir: join(dataDir, 'uploads'),
      logLevel: 'silent',
    };
    const root: DynamicModule = { module: CloudChannelRoot, imports: coreModules(config, new EngineMetrics(), { whatsapp }) };
    app = await createHttpApp(root);
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has no admin outbox', async () => {
    await request(app.getHttpServer()).get('/v1/admin/outbox').set('authorization', `Bearer ${platformKey}`).expect(404);
  });

  it('verifies with the configured secrets and ignores messages to other business numbers', async () => {
    await request(app.getHttpServer()).get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '77' }).expect(200, '77');
    const raw = metaJson(webhookDelivery([{ from: '919800000077', content: { text: 'hello' } }], [], { phoneNumberId: '999' }));
    const { headers } = signedDelivery(raw, 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
    const response = await request(app.getHttpServer()).post('/webhooks/whatsapp').set(headers).send(raw).expect(200);
    expect(response.body).toEqual({ handled: 0, duplicates: 0, statuses: 0, ignored: 1 });
  });
});
