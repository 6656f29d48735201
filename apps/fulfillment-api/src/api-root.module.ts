import { DynamicModule, Logger, Module } from '@nestjs/common';
import { AutomaticStepsReaction, CommandSideModule, openEngineEventStore, type Clock } from '@fulfil/commands';
import { documentHashFor } from '@fulfil/documents';
import { EngineConfig, EngineMetrics } from '@fulfil/platform';
import { ReadModelsModule, type Hosted, type Reaction } from '@fulfil/read-models';
import { loadWhatsAppConfig, type WhatsAppConfig } from '@fulfil/whatsapp';
import { FulfillmentApiModule } from './fulfillment-api.module';
import { WhatsAppModule } from './whatsapp/whatsapp.module';
import { WHATSAPP_REACTIONS } from './whatsapp/whatsapp.tokens';

/** The seller's automatic steps as a reaction the read-model runner drives from the store. */
export const automaticStepsReaction = (steps: AutomaticStepsReaction): Reaction => ({
  kind: 'reaction',
  name: 'automatic-steps',
  filter: { kind: 'eventType', prefixes: AutomaticStepsReaction.eventTypes },
  handle: (event) => steps.handle(event),
});

export interface CoreModulesOptions {
  /** More reactions for the runner, built from providers of `reactionImports`. */
  reactions?: { inject: unknown[]; useFactory: (...dependencies: never[]) => Hosted[] };
  reactionImports?: DynamicModule[];
  /** WhatsApp settings; read from the environment (WHATSAPP_*) when absent. */
  whatsapp?: WhatsAppConfig;
  /** The clock commands decide by; the system clock when absent (tests move it past expiries). */
  clock?: Clock;
}

/** The write side, the read models with their reactions, and the HTTP API: what every HTTP-serving app hosts. */
export function coreModules(config: EngineConfig, metrics: EngineMetrics, options: CoreModulesOptions = {}): DynamicModule[] {
  const extra = options.reactions;
  const whatsapp = WhatsAppModule.forRoot({ config: options.whatsapp ?? loadWhatsAppConfig(process.env, config.dataDir), uploadsDir: config.uploadsDir, metrics });
  return [
    CommandSideModule.forRoot({
      eventStore: () => openEngineEventStore(config.eventStore, (report) => new Logger('EventStore').log(`Renamed ${report.renamed} streams of the previous version to seller-scoped names`)),
      deliveryOtpSecret: config.deliveryOtpSecret,
      observer: metrics,
      documents: { hashOf: documentHashFor },
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    ReadModelsModule.forRoot({
      database: config.readModels,
      imports: [...(options.reactionImports ?? []), whatsapp],
      reactions: {
        inject: [AutomaticStepsReaction, WHATSAPP_REACTIONS, ...((extra?.inject ?? []) as never[])],
        useFactory: (steps: AutomaticStepsReaction, whatsappReactions: Hosted[], ...more: never[]) => [
          automaticStepsReaction(steps),
          ...whatsappReactions,
          ...(extra ? extra.useFactory(...more) : []),
        ],
      },
    }),
    FulfillmentApiModule.forRoot({
      platformApiKey: config.platformApiKey,
      uploadsDir: config.uploadsDir,
      metrics,
      logLevel: config.logLevel,
      singleStoreOwner: config.eventStore.kind === 'embedded',
      ...(config.authFailuresPerMinute !== undefined ? { authFailuresPerMinute: config.authFailuresPerMinute } : {}),
      ...(config.metrics ? { metricsExposure: config.metrics } : {}),
    }),
    whatsapp,
  ];
}

/** The API app on its own: the command side, read models and the HTTP surface over the configured stores. */
@Module({})
export class ApiRootModule {
  static forConfig(config: EngineConfig, options: Pick<CoreModulesOptions, 'clock'> = {}): DynamicModule {
    return { module: ApiRootModule, imports: coreModules(config, new EngineMetrics(), options) };
  }
}
