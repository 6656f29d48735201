import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { EVENT_STORE, EventStoreLifecycle, openEngineEventStore } from '@fulfil/commands';
import { ReadModelsModule, ReadinessHealthController } from '@fulfil/read-models';
import { loggerParams, type StoresConfig } from '@fulfil/platform';

/** The event store alone, without the command side: the projector only reads. */
@Global()
@Module({})
class ProjectorEventStoreModule {
  static forConfig(config: StoresConfig): DynamicModule {
    return {
      module: ProjectorEventStoreModule,
      providers: [{ provide: EVENT_STORE, useFactory: () => openEngineEventStore(config.eventStore, (report) => new Logger('EventStore').log(`Renamed ${report.renamed} streams of the previous version to seller-scoped names`)) }, EventStoreLifecycle],
      exports: [EVENT_STORE],
    };
  }
}

/** The projector worker: every projection, on its own, beside whatever serves the API; its port answers health probes only. */
@Module({})
export class ProjectorModule {
  static forConfig(config: StoresConfig, logLevel: string): DynamicModule {
    return {
      module: ProjectorModule,
      // JSON logs like every other app's, for the same log pipeline.
      imports: [
        LoggerModule.forRoot(loggerParams(logLevel)),
        TerminusModule.forRoot({ logger: false }),
        ProjectorEventStoreModule.forConfig(config),
        ReadModelsModule.forRoot({ database: config.readModels }),
      ],
      controllers: [ReadinessHealthController],
    };
  }
}
