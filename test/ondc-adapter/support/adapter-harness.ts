import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  CancelShipmentCommand,
  CommandMeta,
  CreateShipmentCommand,
  EVENT_STORE,
  GenerateInvoiceCommand,
  MarkShipmentReadyToShipCommand,
  ReceiveOrderCommand,
} from '@fulfil/commands';
import { evolveOrder, initialOrderState, orderStream } from '@fulfil/domain';
import { OndcTransactionLog, validateOndcMessage } from '@fulfil/ondc';
import type { OndcAction, TransactionMessage } from '@fulfil/ondc';
import type { Address, OrderEvent, OrderState, PaymentMethod, SellerCancellationReason, ShipmentState } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import { coreModules, createHttpApp } from '@fulfil/fulfillment-api';
import { ConversationDriver, PUBLIC_ROUTE_METADATA, buyerRegistration, loadConversation, loadOndcConfig, ondcAdapterHosting } from '@fulfil/ondc-logistics-adapter';
import type { OndcAdapterConfig } from '@fulfil/ondc-logistics-adapter';
import { SandboxModule, SandboxNetwork } from '@fulfil/ondc-sandbox';
import type { PartnerName, PartnerSetup } from '@fulfil/ondc-sandbox';
import { EngineMetrics } from '@fulfil/platform';
import type { EngineConfig } from '@fulfil/platform';
import { freshId, orderInput, sellerProfile } from '../../support/fixtures';
import { freePort } from '../../support/free-port';

/** A Bengaluru store and buyers near (about 5 km, hyperlocal) and far (Mumbai, intercity), with GPS as ONDC searches need. */
export const KORAMANGALA_PICKUP: Address = {
  name: 'Kaveri Handlooms Dispatch',
  phone: '9876543210',
  line1: 'No. 12, 3rd Cross',
  line2: 'Koramangala 4th Block',
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560034',
  gps: { lat: 12.9352, lng: 77.6245 },
};
export const INDIRANAGAR_DROP: Address = {
  name: 'Ananya Rao',
  phone: '9845012345',
  line1: 'Flat 4B, Lakeview Residency',
  line2: '80 Feet Road, Indiranagar',
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560038',
  gps: { lat: 12.9784, lng: 77.6408 },
};
export const DADAR_DROP: Address = {
  name: 'Rohan Deshmukh',
  phone: '9123456780',
  line1: '12 Shivaji Park Road',
  line2: 'Dadar West',
  city: 'Mumbai',
  stateCode: '27',
  pincode: '400028',
  gps: { lat: 19.0269, lng: 72.8383 },
};

export interface HarnessOptions {
  participants: ReadonlyArray<PartnerName | PartnerSetup>;
  /** Sandbox time between two fulfillment states. */
  stepMs?: number;
  /** ONDC_* variables over the test defaults (short windows and timeouts). */
  env?: Record<string, string>;
  /** Reuse a data directory (a restart); a fresh one otherwise. */
  dataDir?: string;
  /** Reuse the port (a restart keeps the bap_uri the partners call back). */
  port?: number;
  /** A sandbox running on its own (it outlives adapter restarts, as a real network does); hosted in the app otherwise. */
  external?: SandboxNetwork;
}

export interface PlacedShipment {
  sellerId: string;
  orderId: string;
  shipmentId: string;
}


const TEST_ENV: Record<string, string> = {
  ONDC_SEARCH_WINDOW_MS: '700',
  ONDC_ENOUGH_QUOTES: '20',
  ONDC_INIT_TIMEOUT_MS: '2000',
  ONDC_CONFIRM_TIMEOUT_MS: '2000',
  ONDC_STATUS_POLL_MS: '600000',
  ONDC_TRACK_TIMEOUT_MS: '2000',
  ONDC_HTTP_TIMEOUT_MS: '2000',
  ONDC_HTTP_ATTEMPTS: '2',
};

/** The adapter's settings for an engine on this port and data directory (keys are generated there once). */
export function adapterConfigFor(port: number, dataDir: string, env: Record<string, string> = {}): OndcAdapterConfig {
  const root = `http://127.0.0.1:${port}`;
  return loadOndcConfig({ ...TEST_ENV, ONDC_BAP_URI: `${root}/ondc`, ONDC_REGISTRY_URL: `${root}/ondc-sandbox/registry`, ...env }, { dataDir, port, embedded: true });
}

/** Polls until `probe` returns something truthy, or fails after the deadline: never a fixed sleep. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The engine as `npm start` composes it, in process: the API and command side on PGlite, the
 * adapter, and the sandbox network under /ondc-sandbox on the same port.
 */
export class AdapterHarness {
  readonly dataDir: string;
  private constructor(
    readonly app: NestFastifyApplication,
    readonly port: number,
    dataDir: string,
    readonly config: OndcAdapterConfig,
    readonly platformKey: string,
    private readonly ownsDataDir: boolean,
    private readonly external?: SandboxNetwork,
  ) {
    this.dataDir = dataDir;
  }

  static async start(options: HarnessOptions): Promise<AdapterHarness> {
    const port = options.port ?? (await freePort());
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ondc-adapter-'));
    const root = `http://127.0.0.1:${port}`;
    const platformKey = `fep_${randomBytes(24).toString('base64url')}`;
    const engine: EngineConfig = {
      port,
      dataDir,
      eventStore: { kind: 'embedded', dataDir: join(dataDir, 'events') },
      deliveryOtpSecret: randomBytes(32),
      platformApiKey: platformKey,
      readModels: { kind: 'embedded', dataDir: join(dataDir, 'read-models') },
      uploadsDir: join(dataDir, 'uploads'),
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    };
    const registryUrl = options.external ? `${options.external.baseUrl}/registry` : `${root}/ondc-sandbox/registry`;
    const config = adapterConfigFor(port, dataDir, { ONDC_REGISTRY_URL: registryUrl, ...options.env });
    const metrics = new EngineMetrics();
    const ondc = ondcAdapterHosting({ config, metricsRegistry: metrics.registry, trackingRoute: true });
    @Module({
      imports: [
        ...coreModules(engine, metrics, { reactions: ondc.reactions, reactionImports: [ondc.module] }),
        ...(options.external ? [] : [SandboxModule.forRoot({
          routePrefix: 'ondc-sandbox',
          baseUrl: `${root}/ondc-sandbox`,
          stepMs: options.stepMs ?? 60,
          replyDelayMs: 5,
          participants: options.participants,
          buyers: [buyerRegistration(config)],
          publicRouteMetadata: PUBLIC_ROUTE_METADATA,
        })]),
      ],
    })
    class HarnessRootModule {}
    const app = await createHttpApp(HarnessRootModule);
    await app.listen(port, '127.0.0.1');
    return new AdapterHarness(app, port, dataDir, config, platformKey, options.dataDir === undefined, options.external);
  }

  get store(): EventStore {
    return this.app.get<EventStore>(EVENT_STORE);
  }

  get network(): SandboxNetwork {
    return this.external ?? this.app.get(SandboxNetwork);
  }

  get driver(): ConversationDriver {
    return this.app.get(ConversationDriver);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  http() {
    return request(this.app.getHttpServer());
  }

  partnerId(name: PartnerName): string {
    const partner = this.network.partners.get(name);
    if (!partner) throw new Error(`partner ${name} is not in this sandbox`);
    return partner.subscriberId;
  }

  private get commands(): CommandBus {
    return this.app.get(CommandBus);
  }

  async newSeller(): Promise<{ sellerId: string; apiKey: string }> {
    const response = await this.http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${this.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress: KORAMANGALA_PICKUP }, settings: { invoicePrefix: 'INV/' } })
      .expect(201);
    return { sellerId: response.body.sellerId as string, apiKey: response.body.apiKey as string };
  }

  /** An invoiced on-network order with one shipment; ready to ship unless told not to. */
  async placeOnNetworkOrder(sellerId: string, options: { drop?: Address; readyToShip?: boolean; paymentMethod?: PaymentMethod } = {}): Promise<PlacedShipment> {
    const meta: CommandMeta = { actor: { type: 'seller', id: sellerId }, channel: 'api' };
    const order = { ...orderInput(sellerId), ...(options.paymentMethod ? { paymentMethod: options.paymentMethod } : {}) };
    const orderId = order.orderId;
    const shipmentId = freshId('shp');
    await this.commands.execute(new ReceiveOrderCommand({ ...order, deliveryAddress: options.drop ?? INDIRANAGAR_DROP }, meta));
    await this.commands.execute(new GenerateInvoiceCommand({ sellerId, orderId }, meta));
    await this.commands.execute(new CreateShipmentCommand({ sellerId, orderId, shipmentId, mode: 'on-network' }, meta));
    if (options.readyToShip !== false) await this.markReadyToShip({ sellerId, orderId, shipmentId });
    return { sellerId, orderId, shipmentId };
  }

  async markReadyToShip(s: PlacedShipment): Promise<void> {
    await this.commands.execute(new MarkShipmentReadyToShipCommand({ ...s }, { actor: { type: 'seller', id: s.sellerId }, channel: 'api' }));
  }

  async cancelShipment(s: PlacedShipment, reason = 'buyer changed their mind', reasonCode?: SellerCancellationReason): Promise<void> {
    await this.commands.execute(new CancelShipmentCommand({ ...s, reason, ...(reasonCode ? { reasonCode } : {}) }, { actor: { type: 'seller', id: s.sellerId }, channel: 'api' }));
  }

  async orderEvents({ sellerId, orderId }: { sellerId: string; orderId: string }): Promise<RecordedEvent[]> {
    return this.store.readStream(orderStream(sellerId, orderId));
  }

  async shipment(s: PlacedShipment): Promise<ShipmentState | undefined> {
    const state = (await this.orderEvents(s)).reduce<OrderState>((st, e) => evolveOrder(st, { type: e.type, data: e.data } as unknown as OrderEvent), initialOrderState());
    return state.status === 'active' ? state.shipments.find((x) => x.shipmentId === s.shipmentId) : undefined;
  }

  /** Waits until the shipment has the status. */
  async statusReaches(s: PlacedShipment, status: ShipmentState['status'], timeoutMs?: number): Promise<ShipmentState> {
    try {
      return await eventually(async () => {
        const shipment = await this.shipment(s);
        return shipment?.status === status ? shipment : undefined;
      }, `shipment ${s.shipmentId} to be ${status}`, timeoutMs);
    } catch (error) {
      // The conversation says where it stopped: worth more than the timeout alone.
      const story = (await this.conversationEvents(s.shipmentId)).map((e) => `${e.type} ${JSON.stringify(e.data).slice(0, 300)}`);
      throw new Error(`${(error as Error).message}; shipment is ${(await this.shipment(s))?.status}; conversation:\n${story.join('\n')}`);
    }
  }

  /**
   * Waits until a partner is confirmed for the shipment, whatever status it has moved on to since:
   * a fast sandbox partner can pass through partner_assigned between two polls.
   */
  async partnerAssigned(s: PlacedShipment): Promise<ShipmentState> {
    return eventually(async () => {
      const shipment = await this.shipment(s);
      return shipment?.partner ? shipment : undefined;
    }, `a partner confirmed for shipment ${s.shipmentId}`);
  }

  async conversationEvents(shipmentId: string): Promise<readonly RecordedEvent[]> {
    return (await loadConversation(this.store, shipmentId)).events;
  }

  /** Every message the adapter sent for the shipment that does not match its contracts/ondc schema, with why. */
  async invalidSentMessages(shipmentId: string): Promise<Array<{ type: string; errors: unknown }>> {
    return (await this.conversationEvents(shipmentId))
      .filter((e) => e.type.endsWith('Sent'))
      .map((e) => {
        const message = e.data['message'] as { context: { action: OndcAction } };
        return { type: e.type, errors: validateOndcMessage(message.context.action, message).errors };
      })
      .filter((check) => (check.errors as unknown[]).length > 0);
  }

  /** Every message of a transaction as it went on the wire (the transaction log), bodies parsed. */
  async transactionMessages(transactionId: string): Promise<TransactionMessage[]> {
    const entries = await this.app.get(OndcTransactionLog).messagesOf(transactionId);
    return entries.map((e) => ({ direction: e.direction, body: JSON.parse(e.body.toString('utf8')) as unknown }));
  }

  /** The transactions of a shipment's conversation, in the order they started. */
  async transactionsOf(shipmentId: string): Promise<string[]> {
    const ids = (await this.conversationEvents(shipmentId)).map((e) => e.data['transactionId']).filter((id): id is string => typeof id === 'string');
    return [...new Set(ids)];
  }

  async conversation(shipmentId: string) {
    return loadConversation(this.store, shipmentId);
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Closes the app but keeps its data for a restart. */
  async stop(): Promise<void> {
    await this.app.close();
  }
}
