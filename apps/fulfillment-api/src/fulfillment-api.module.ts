import { DynamicModule, Module } from '@nestjs/common';
import { OndcTransactionLogController } from './admin/ondc-transaction-log.controller';
import { OperatorOverviewController } from './console/operator-overview.controller';
import { OrderOndcMessagesController } from './console/order-ondc-messages.controller';
import { OrderWhatsAppMessagesController } from './console/order-whatsapp-messages.controller';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { EngineMetrics, ProblemDetailsFilter, loggerParams, type MetricsExposure } from '@fulfil/platform';
import { OndcTransactionLog } from '@fulfil/ondc';
import { READ_MODELS, type ReadModels } from '@fulfil/read-models';
import { ApiKeyCache } from './auth/api-key-cache';
import { ApiKeyGuard, PLATFORM_API_KEY } from './auth/api-key.guard';
import { AUTH_FAILURE_LIMIT, DEFAULT_AUTH_FAILURES_PER_MINUTE } from './auth/auth-failure-limiter';
import { BulkLabelsController, DocumentsController } from './documents/documents.controller';
import { HealthController } from './health/health.controller';
import { METRICS_TOKEN } from './metrics/metrics-access';
import { METRICS_EXPOSURE, MetricsServer } from './metrics/metrics-server';
import { ENGINE_METRICS, MetricsController } from './metrics/metrics.controller';
import { ProjectionMetrics } from './metrics/projection-metrics';
import { IdempotencyRecords } from './idempotency/idempotency-records';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { OrderReader } from './orders/order-reader';
import { OrdersController } from './orders/orders.controller';
import { CancellationReasonsController } from './orders/cancellation-reasons.controller';
import { ReadYourWrites } from './orders/read-your-writes';
import { GstReturnsController } from './reports/gst-returns.controller';
import { ReportsController } from './reports/reports.controller';
import { ReturnsController } from './returns/returns.controller';
import { IssuesController } from './issues/issues.controller';
import { SellersController } from './sellers/sellers.controller';
import { BulkReadyToShipController } from './shipments/bulk-ready-to-ship.controller';
import { FailedAttemptsController } from './shipments/failed-attempts.controller';
import { WeightDifferentialController } from './shipments/weight-differential.controller';
import { ShipmentsController } from './shipments/shipments.controller';
import { ImageStore, UPLOADS_DIR } from './uploads/image-store';

export interface FulfillmentApiOptions {
  platformApiKey: string;
  uploadsDir: string;
  metrics: EngineMetrics;
  /** pino level; `silent` in tests. */
  logLevel?: string;
  /** Failed authentications a client address may make per minute before it is refused with 429. */
  authFailuresPerMinute?: number;
  /** One process owns the stores (the embedded default): idempotency claims of an earlier run are taken over at once. */
  singleStoreOwner?: boolean;
  /** /metrics on its own port and/or behind a token; on the API port, open, when absent (the embedded default). */
  metricsExposure?: MetricsExposure;
}

/** The seller HTTP API; needs the command side (CommandSideModule) and the read models (ReadModelsModule) in the same application. */
@Module({})
export class FulfillmentApiModule {
  static forRoot(options: FulfillmentApiOptions): DynamicModule {
    const metricsPort = options.metricsExposure?.port;
    return {
      module: FulfillmentApiModule,
      imports: [LoggerModule.forRoot(loggerParams(options.logLevel ?? 'info')), TerminusModule.forRoot({ logger: false })],
      controllers: [
        SellersController,
        OrdersController,
        CancellationReasonsController,
        ReportsController,
        GstReturnsController,
        ShipmentsController,
        FailedAttemptsController,
        WeightDifferentialController,
        BulkReadyToShipController,
        ReturnsController,
        IssuesController,
        HealthController,
        ...(metricsPort === undefined ? [MetricsController] : []),
        DocumentsController,
        BulkLabelsController,
        OrderOndcMessagesController,
        OrderWhatsAppMessagesController,
        OperatorOverviewController,
        OndcTransactionLogController,
      ],
      providers: [
        { provide: PLATFORM_API_KEY, useValue: options.platformApiKey },
        { provide: UPLOADS_DIR, useValue: options.uploadsDir },
        { provide: ENGINE_METRICS, useValue: options.metrics },
        { provide: METRICS_TOKEN, useValue: options.metricsExposure?.token },
        ...(metricsPort === undefined ? [] : [{ provide: METRICS_EXPOSURE, useValue: { ...options.metricsExposure, port: metricsPort } }, MetricsServer]),
        { provide: AUTH_FAILURE_LIMIT, useValue: options.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        {
          provide: IdempotencyRecords,
          // Beside the read models: a claim is not an event (a refused request must leave the store untouched), and every deployment has that database.
          useFactory: (readModels: ReadModels) => IdempotencyRecords.open(readModels.db, readModels.schemas.internal, { singleOwner: options.singleStoreOwner ?? false }),
          inject: [READ_MODELS],
        },
        {
          provide: OndcTransactionLog,
          // The log the ONDC adapter keeps beside the read models, wherever the adapter runs.
          useFactory: (readModels: ReadModels) => new OndcTransactionLog(() => ({ db: readModels.db, schema: readModels.schemas.internal })),
          inject: [READ_MODELS],
        },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        ApiKeyCache,
        OrderReader,
        ReadYourWrites,
        ProjectionMetrics,
        ImageStore,
      ],
      exports: [ENGINE_METRICS],
    };
  }
}
