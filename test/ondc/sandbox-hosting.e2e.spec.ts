import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegistryClient } from '@fulfil/ondc';
import { SandboxModule, SandboxNetwork } from '../../apps/ondc-sandbox/src';
import { Conversation } from './support/conversation';
import { hyperlocalShipment } from './support/shipments';
import { TestBuyer } from './support/test-buyer';

@Controller('v1')
class HostController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

/** Hosted the way the all-in-one engine hosts it: one server, the sandbox under /ondc-sandbox beside the host's own routes. */
describe('ONDC sandbox hosted inside another app', () => {
  let app: NestFastifyApplication;
  let buyer: TestBuyer;
  let base: string;

  beforeAll(async () => {
    buyer = new TestBuyer();
    await buyer.listen();
    @Module({
      imports: [SandboxModule.forRoot({ routePrefix: 'ondc-sandbox', stepMs: 30, replyDelayMs: 5, participants: ['cheap-slow'], buyers: [buyer.registration()] })],
      controllers: [HostController],
    })
    class HostModule {}
    app = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), { rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    const root = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    base = `${root}/ondc-sandbox`;
    app.get(SandboxNetwork).useBaseUrl(base);
    buyer.useRegistry(`${base}/registry`);
  });
  afterAll(async () => {
    await app.close();
    await buyer.close();
  });

  it('serves registry, gateway and partners under the prefix, and publishes URLs below it', async () => {
    const records = await new RegistryClient({ registryUrl: `${base}/registry`, signer: buyer.signer() }).lookup({ type: 'BPP' });
    expect(records.map((r) => r.subscriber_url)).toEqual([`${base}/partners/cheap-slow`, `${base}/partners/cheap-slow`]);
    const conversation = new Conversation(buyer, `${base}/gateway`, hyperlocalShipment(), 'ONDC:LOG10');
    const search = await conversation.search();
    await expect(conversation.offersFrom(app.get(SandboxNetwork).partners.get('cheap-slow')?.subscriberId ?? '', search.messageId)).resolves.not.toHaveLength(0);
    expect(buyer.refused).toEqual([]);
  });
});
