import { BeforeApplicationShutdown, DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CommandSideModule, EVENT_STORE, openEngineEventStore } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { ProjectionStatus, READ_MODELS, ReadModels, ReadinessHealthController } from '@fulfil/read-models';
import type { EngineConfig } from '@fulfil/platform';
import type { Registry } from 'prom-client';
import type { OndcAdapterConfig } from './ondc-config';
import { ConversationDriver } from './driver/conversation-driver';
import { LogisticsReaction } from './reactions/logistics-reaction';
import { OndcLogisticsAdapterModule } from './ondc-logistics-adapter.module';

const ADAPTER_SUBSCRIPTION = Symbol('ADAPTER_SUBSCRIPTION');

/**
 * Runs only the adapter's reaction (not the read-model projections) from its own checkpoint: the
 * runner keeps it in the database given, next to nothing else of the API's.
 */
class AdapterSubscription implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(ADAPTER_SUBSCRIPTION) private readonly runner: ReadModels) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}

/** The adapter on its own: the command side over the shared event store, its subscription, its callback endpoints, its health probes. */
@Module({})
export class OndcAdapterAppModule {
  static forConfig(engine: EngineConfig, config: OndcAdapterConfig, metricsRegistry: Registry): DynamicModule {
    const logger = new Logger('OndcAdapterSubscription');
    return {
      module: OndcAdapterAppModule,
      imports: [
        CommandSideModule.forRoot({ eventStore: () => openEngineEventStore(engine.eventStore, (report) => logger.log(`Renamed ${report.renamed} streams of the previous version to seller-scoped names`)), deliveryOtpSecret: engine.deliveryOtpSecret }),
        OndcLogisticsAdapterModule.forRoot({ config, metricsRegistry }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ReadinessHealthController],
      providers: [
        {
          provide: ADAPTER_SUBSCRIPTION,
          useFactory: (store: EventStore, reaction: LogisticsReaction, driver: ConversationDriver) =>
            ReadModels.open({
              database: engine.readModels,
              store,
              subscribers: [reaction.subscriber()],
              workers: [driver.worker()],
              logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
            }),
          inject: [EVENT_STORE, LogisticsReaction, ConversationDriver],
        },
        AdapterSubscription,
        // The transaction log lives in this database too.
        { provide: READ_MODELS, useExisting: ADAPTER_SUBSCRIPTION },
        { provide: ProjectionStatus, useFactory: (runner: ReadModels) => runner.status, inject: [ADAPTER_SUBSCRIPTION] },
      ],
    };
  }
}
