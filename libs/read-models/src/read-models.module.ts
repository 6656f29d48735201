import { DynamicModule, Inject, Logger, Module, type ModuleMetadata, type BeforeApplicationShutdown, type InjectionToken, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import type { ReadModelsDatabaseConfig } from './database/read-models-database';
import { READ_MODEL_PROJECTIONS } from './projections';
import { OrderQueries } from './queries/order-queries';
import { ReadModels } from './read-models';
import type { Subscriber } from './runner/subscriber';
import type { LeasedWorker } from './leases/lease-keeper';
import type { RunnerTuning } from './runner/subscription-runner';
import { ProjectionStatus } from './status/projection-status';

/** The `ReadModels` instance, for hosts that need more than queries and status (the rebuild command, tests). */
export const READ_MODELS = Symbol('READ_MODELS');

export interface ReadModelsModuleOptions {
  /** Their own database: a PGlite directory (DATA_DIR/read-models) or PostgreSQL. Never the event store's PGlite instance. */
  database: ReadModelsDatabaseConfig;
  /** Where the host provides the event store; `EVENT_STORE` of `@fulfil/commands` by default. */
  eventStoreToken?: InjectionToken;
  tuning?: Partial<RunnerTuning>;
  /** The dashboard's "now" for overdue counts; the system clock by default. */
  clock?: () => Date;
  /**
   * Reactions with effects outside the database (auto invoice, WhatsApp, ONDC) run by the same
   * runner, their checkpoints kept beside the projections'. Built from providers of the host app.
   */
  reactions?: { inject?: InjectionToken[]; useFactory: (...dependencies: never[]) => Hosted[] };
  /** Modules whose providers the reactions are built from. */
  imports?: ModuleMetadata['imports'];
}

const REACTIONS = Symbol('READ_MODEL_REACTIONS');

/** What a host hands the runner: subscribers of the store, and other single-owner workers. */
export type Hosted = Subscriber | LeasedWorker;

/** Splits hosted work into subscribers (run from checkpoints) and other workers; both run under leases. */
export function splitHosted(hosted: readonly Hosted[]): { subscribers: Subscriber[]; workers: LeasedWorker[] } {
  return {
    subscribers: hosted.filter((h): h is Subscriber => h.kind !== 'worker'),
    workers: hosted.filter((h): h is LeasedWorker => h.kind === 'worker'),
  };
}

class ReadModelsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  onApplicationBootstrap(): void {
    this.readModels.start();
  }

  /** Runners stop before any module's shutdown hook closes the event store they read. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.readModels.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readModels.close();
  }
}

/** Migrates the read models at start, runs every projection, stops them on shutdown, and exports the query and status services. */
@Module({})
export class ReadModelsModule {
  static forRoot(options: ReadModelsModuleOptions): DynamicModule {
    const logger = new Logger('ReadModels');
    return {
      module: ReadModelsModule,
      // Queries and status are read by the API, the health checks and the metrics alike.
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: REACTIONS, useFactory: options.reactions?.useFactory ?? (() => []), inject: options.reactions?.inject ?? [] },
        {
          provide: READ_MODELS,
          useFactory: (store: EventStore, hosted: Hosted[]) => {
            const { subscribers, workers } = splitHosted(hosted);
            return ReadModels.open({
              database: options.database,
              store,
              logger,
              subscribers: [...READ_MODEL_PROJECTIONS, ...subscribers],
              workers,
              ...(options.tuning ? { tuning: options.tuning } : {}),
              ...(options.clock ? { clock: options.clock } : {}),
            });
          },
          inject: [options.eventStoreToken ?? EVENT_STORE, REACTIONS],
        },
        { provide: OrderQueries, useFactory: (readModels: ReadModels) => readModels.queries, inject: [READ_MODELS] },
        { provide: ProjectionStatus, useFactory: (readModels: ReadModels) => readModels.status, inject: [READ_MODELS] },
        ReadModelsLifecycle,
      ],
      exports: [OrderQueries, ProjectionStatus, READ_MODELS],
    };
  }
}
