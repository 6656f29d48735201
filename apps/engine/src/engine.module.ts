import { DynamicModule, Module } from '@nestjs/common';
import { coreModules } from '@fulfil/fulfillment-api';
import { ondcEngineHosting } from './ondc-engine-hosting';
import { EngineConfig, EngineMetrics } from '@fulfil/platform';

/** The all-in-one process: every app's module on one event store. */
@Module({})
export class EngineModule {
  static forConfig(config: EngineConfig, env: Readonly<Record<string, string | undefined>> = process.env): DynamicModule {
    const metrics = new EngineMetrics();
    // The ONDC adapter, and the simulated network it talks to unless ONDC_REGISTRY_URL names a real one.
    const ondc = ondcEngineHosting(env, { port: config.port, dataDir: config.dataDir, metricsRegistry: metrics.registry });
    const core = coreModules(config, metrics, { reactions: ondc.adapter.reactions, reactionImports: [ondc.adapter.module] });
    return { module: EngineModule, imports: [...core, ...(ondc.sandbox ? [ondc.sandbox] : [])] };
  }
}
