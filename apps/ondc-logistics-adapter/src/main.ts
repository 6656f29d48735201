import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Registry } from 'prom-client';
import { ConfigError, StartupError, closeOnSignals, loadEngineConfig, storeDependencies, waitForDependencies } from '@fulfil/platform';
import { OndcAdapterAppModule } from './ondc-adapter-app.module';
import { OndcConfigError, loadOndcConfig } from './ondc-config';

/**
 * `npm run start:ondc`: the adapter as its own process beside the API, sharing its event store
 * (EVENT_STORE=postgres or esdb; an embedded store is one process's own). It serves the ONDC
 * callbacks on PORT and needs the full ONDC identity (see .env.example).
 */
async function bootstrap(): Promise<void> {
  const engine = loadEngineConfig(process.env, { servesMetrics: false });
  const config = loadOndcConfig(process.env, { dataDir: engine.dataDir, port: engine.port, embedded: false });
  const root = OndcAdapterAppModule.forConfig(engine, config, new Registry());
  await waitForDependencies('ONDC logistics adapter', storeDependencies(engine), { port: engine.port, log: (line) => process.stdout.write(`${line}\n`) });
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { rawBody: true });
  closeOnSignals(app, 'ONDC logistics adapter');
  await app.listen(engine.port, '0.0.0.0');
  process.stdout.write(`ONDC logistics adapter ready: ${config.identity.subscriberId}, callbacks at ${config.identity.bapUri}/on_*, registry ${config.registryUrl}\n`);
}

bootstrap().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof OndcConfigError || error instanceof StartupError;
  process.stderr.write(known ? `${(error as Error).message}\n` : `ONDC logistics adapter failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
