import type { EventStore } from '@fulfil/event-store';
import { openReadModelsDatabase, schemasOf, type ReadModelSchemas, type ReadModelsDatabaseConfig } from './database/read-models-database';
import type { SqlDatabase } from './database/sql-database';
import { READ_MODEL_PROJECTIONS, projectionNamed } from './projections';
import { OrderQueries } from './queries/order-queries';
import { SellerScopedReader } from './queries/seller-scoped-reader';
import { CheckpointStore } from './runner/checkpoint-store';
import { ProjectionRebuilder, type RebuildReport, type RebuildResult } from './runner/projection-rebuilder';
import type { SqlProjection, Subscriber } from './runner/subscriber';
import { DEFAULT_RUNNER_TUNING, SubscriptionRunner, type RunnerLogger, type RunnerTuning } from './runner/subscription-runner';
import { migrate } from './schema/migrate';
import { schemaNames } from './schema/migrations';
import { ProjectionStatus } from './status/projection-status';
import { DEFAULT_LEASE_TUNING, LeaseKeeper, type LeasedWorker, type LeaseTuning } from './leases/lease-keeper';

export interface ReadModelsOptions {
  database: ReadModelsDatabaseConfig;
  /** The event store the host opened (and will close). */
  store: EventStore;
  /** Defaults to every read-model projection. */
  subscribers?: readonly Subscriber[];
  /** Other single-owner work (the WhatsApp sender, the ONDC conversation driver), run under leases beside the subscribers. */
  workers?: readonly LeasedWorker[];
  tuning?: Partial<RunnerTuning>;
  leases?: Partial<LeaseTuning>;
  logger?: RunnerLogger;
  clock?: () => Date;
}

const stderrLogger: RunnerLogger = {
  log: (message) => process.stderr.write(`[read-models] ${message}\n`),
  warn: (message) => process.stderr.write(`[read-models] WARN ${message}\n`),
  error: (message) => process.stderr.write(`[read-models] ERROR ${message}\n`),
};

/**
 * The read models as one unit, without Nest: their database (migrated on open), one runner per
 * subscriber, the queries, the status service and the rebuilder. The Nest module, the projector
 * app, the rebuild command, the tests and the bench all build on it.
 */
export class ReadModels {
  readonly runners: readonly SubscriptionRunner[];
  readonly queries: OrderQueries;
  readonly status: ProjectionStatus;
  /** Each subscriber and worker runs in the one instance that holds its lease. */
  readonly leases: LeaseKeeper;
  private readonly rebuilder: ProjectionRebuilder;

  private constructor(
    readonly db: SqlDatabase,
    readonly schemas: ReadModelSchemas,
    options: ReadModelsOptions,
  ) {
    const tuning = { ...DEFAULT_RUNNER_TUNING, ...options.tuning };
    const checkpoints = new CheckpointStore(schemas);
    const deps = { store: options.store, db, schemas, checkpoints, tuning, logger: options.logger ?? stderrLogger };
    this.runners = (options.subscribers ?? READ_MODEL_PROJECTIONS).map((subscriber) => new SubscriptionRunner(subscriber, deps));
    this.queries = new OrderQueries(new SellerScopedReader(db), schemaNames(schemas), options.clock);
    this.status = new ProjectionStatus(this.runners, options.store, options.clock);
    this.rebuilder = new ProjectionRebuilder({ db, store: options.store, schemas, checkpoints, batchSize: tuning.batchSize, chunkEvents: tuning.rebuildChunkEvents });
    const logger = options.logger ?? stderrLogger;
    this.leases = new LeaseKeeper(db, schemas, logger, { ...DEFAULT_LEASE_TUNING, ...options.leases });
    for (const runner of this.runners) {
      this.leases.add({ kind: 'worker', name: runner.name, start: () => runner.start(), stop: () => runner.stop('standby') });
    }
    for (const worker of options.workers ?? []) this.leases.add(worker);
  }

  /** Opens the database and brings its schema up to date; runners start with `start()`. */
  static async open(options: ReadModelsOptions): Promise<ReadModels> {
    const db = await openReadModelsDatabase(options.database);
    const schemas = schemasOf(options.database);
    try {
      await migrate(db, schemas);
    } catch (error) {
      await db.close();
      throw error;
    }
    return new ReadModels(db, schemas, options);
  }

  get projections(): SqlProjection[] {
    return this.runners.flatMap((r) => (r.subscriber.kind === 'projection' ? [r.subscriber] : []));
  }

  /** Each subscriber and worker starts once its lease is taken; until then it stands by. */
  start(): void {
    for (const runner of this.runners) runner.standBy();
    this.leases.start();
  }

  /** Each runner finishes the event in hand (its checkpoint is stored with it) and stops; the leases are given up for another instance. */
  async stop(): Promise<void> {
    await this.leases.stop();
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  async close(): Promise<void> {
    await this.stop();
    await this.db.close();
  }

  /** Rebuilds one projection from position zero while the live tables keep serving; see `ProjectionRebuilder`. */
  async rebuild(name: string, onProgress?: (report: RebuildReport) => void): Promise<RebuildResult> {
    const [result] = await this.rebuildAll([name], onProgress);
    return result!;
  }

  /** Rebuilds several projections (all by default) in one pass over the store. */
  async rebuildAll(names: readonly string[] = this.projections.map((p) => p.name), onProgress?: (report: RebuildReport) => void): Promise<RebuildResult[]> {
    if (new Set(names).size !== names.length) throw new Error(`A projection is named twice in ${names.join(', ')}`);
    const projections = names.map((name) => {
      const projection = projectionNamed(name, this.projections);
      if (!projection) throw new Error(`No projection named ${name}; known: ${this.projections.map((p) => p.name).join(', ')}`);
      return projection;
    });
    return this.rebuilder.rebuild(projections, onProgress);
  }
}
