import { BeforeApplicationShutdown, DynamicModule, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { Registry } from 'prom-client';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { OndcTransactionLog, RegistryClient, prepareOndcSchemas } from '@fulfil/ondc';
import { READ_MODELS, type Hosted, type ReadModels } from '@fulfil/read-models';
import { CALLBACK_INTAKE, OndcCallbacksController } from './callbacks/ondc-callbacks.controller';
import { CallbackIntake } from './callbacks/callback-intake';
import { OndcRefusals } from './callbacks/ondc-refusals';
import { ConversationCache } from './driver/conversation-cache';
import { ConversationDriver } from './driver/conversation-driver';
import { OndcOutbound, signerOf } from './driver/ondc-outbound';
import { TransactionIndex } from './driver/transaction-index';
import type { OndcAdapterConfig } from './ondc-config';
import { OndcMetrics } from './ondc-metrics';
import { LogisticsReaction } from './reactions/logistics-reaction';
import { ShipmentTracking } from './tracking/shipment-tracking';
import { SHIPMENT_TRACKING, TrackingController } from './tracking/tracking.controller';

export interface OndcLogisticsAdapterOptions {
  config: OndcAdapterConfig;
  /** The host's Prometheus registry, so ONDC counters show on its /metrics; a private one otherwise. */
  metricsRegistry?: Registry;
  /** Serve `GET /v1/orders/{orderId}/shipments/{shipmentId}/tracking`; the host must authenticate sellers (the fulfilment API's guard). */
  trackingRoute?: boolean;
  nowMs?: () => number;
}

export const ONDC_ADAPTER_OPTIONS = Symbol('ONDC_ADAPTER_OPTIONS');

class AdapterLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OndcLogisticsAdapter');

  constructor(
    @Inject(ConversationDriver) private readonly driver: ConversationDriver,
    @Inject(ONDC_ADAPTER_OPTIONS) private readonly options: OndcLogisticsAdapterOptions,
  ) {}

  /** Conversations left open by the previous run carry on once this instance holds the driver's lease (the host's runner). */
  onApplicationBootstrap(): void {
    // Before the first request: what we send and what partners send back are checked against them.
    prepareOndcSchemas();
    const { identity, registryUrl, generatedKeysFile } = this.options.config;
    const keys = generatedKeysFile ? `, signing keys generated once and kept in ${generatedKeysFile}` : '';
    this.logger.log(`ONDC logistics buyer ${identity.subscriberId} (key ${identity.uniqueKeyId}), callbacks at ${identity.bapUri}, registry ${registryUrl}${keys}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.driver.stop();
  }
}

/**
 * The ONDC logistics adapter: the RTS reaction, the conversation driver, the callback endpoints
 * (`/ondc/on_*`) and, when asked, the seller's tracking route. It needs the command side
 * (`CommandSideModule`: event store and CommandBus) in the host; its reaction runs in the host's
 * subscription runner (see `ondcReactions`).
 */
@Module({})
export class OndcLogisticsAdapterModule {
  static forRoot(options: OndcLogisticsAdapterOptions): DynamicModule {
    const { config } = options;
    const now = options.nowMs ?? Date.now;
    return {
      module: OndcLogisticsAdapterModule,
      controllers: [OndcCallbacksController, ...(options.trackingRoute ? [TrackingController] : [])],
      providers: [
        { provide: ONDC_ADAPTER_OPTIONS, useValue: options },
        { provide: OndcMetrics, useFactory: () => new OndcMetrics(options.metricsRegistry) },
        { provide: RegistryClient, useFactory: () => new RegistryClient({ registryUrl: config.registryUrl, signer: signerOf(config), timeoutMs: config.http.timeoutMs }) },
        {
          provide: OndcTransactionLog,
          // The host's read-model database, looked up at first use: its runner is built from this module's reaction, so injecting it here would be a cycle.
          useFactory: (modules: ModuleRef) =>
            new OndcTransactionLog(() => {
              const readModels = modules.get<ReadModels>(READ_MODELS, { strict: false });
              return { db: readModels.db, schema: readModels.schemas.internal };
            }),
          inject: [ModuleRef],
        },
        {
          provide: OndcOutbound,
          useFactory: (registry: RegistryClient, metrics: OndcMetrics, log: OndcTransactionLog) => new OndcOutbound(config, registry, metrics, log),
          inject: [RegistryClient, OndcMetrics, OndcTransactionLog],
        },
        { provide: TransactionIndex, useFactory: (store: EventStore) => new TransactionIndex(store), inject: [EVENT_STORE] },
        { provide: ConversationCache, useFactory: (store: EventStore) => new ConversationCache(store), inject: [EVENT_STORE] },
        {
          provide: ConversationDriver,
          useFactory: (store: EventStore, conversations: ConversationCache, commands: CommandBus, outbound: OndcOutbound) =>
            new ConversationDriver({ config, store, conversations, commands, outbound, nowMs: now, standby: true }),
          inject: [EVENT_STORE, ConversationCache, CommandBus, OndcOutbound],
        },
        {
          provide: LogisticsReaction,
          useFactory: (store: EventStore, conversations: ConversationCache, driver: ConversationDriver, transactions: TransactionIndex) =>
            new LogisticsReaction(config, store, conversations, driver, transactions, now),
          inject: [EVENT_STORE, ConversationCache, ConversationDriver, TransactionIndex],
        },
        {
          provide: CALLBACK_INTAKE,
          useFactory: (
            registry: RegistryClient,
            store: EventStore,
            conversations: ConversationCache,
            transactions: TransactionIndex,
            driver: ConversationDriver,
            metrics: OndcMetrics,
            log: OndcTransactionLog,
          ) => new CallbackIntake(config, registry, store, conversations, transactions, driver, metrics, log, now),
          inject: [RegistryClient, EVENT_STORE, ConversationCache, TransactionIndex, ConversationDriver, OndcMetrics, OndcTransactionLog],
        },
        {
          provide: SHIPMENT_TRACKING,
          useFactory: (store: EventStore, conversations: ConversationCache, outbound: OndcOutbound, intake: CallbackIntake) =>
            new ShipmentTracking(config, store, conversations, outbound, intake, now),
          inject: [EVENT_STORE, ConversationCache, OndcOutbound, CALLBACK_INTAKE],
        },
        AdapterLifecycle,
        OndcRefusals,
      ],
      exports: [LogisticsReaction, ConversationDriver, CALLBACK_INTAKE, SHIPMENT_TRACKING, OndcMetrics, OndcTransactionLog],
    };
  }
}

/**
 * How a host wires the adapter: the module (for `reactionImports`) and its reaction (for the
 * subscription runner's `reactions`), from one options object so Nest builds one instance.
 */
export function ondcAdapterHosting(options: OndcLogisticsAdapterOptions): {
  module: DynamicModule;
  reactions: { inject: unknown[]; useFactory: (...dependencies: never[]) => Hosted[] };
} {
  return {
    module: OndcLogisticsAdapterModule.forRoot(options),
    reactions: { inject: [LogisticsReaction, ConversationDriver], useFactory: (reaction: LogisticsReaction, driver: ConversationDriver) => [reaction.subscriber(), driver.worker()] },
  };
}
