import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, closeOnSignals, loadLogLevel, loadStoresConfig } from '@fulfil/platform';
import { ProjectorModule } from './projector.module';

async function bootstrap(): Promise<void> {
  const config = loadStoresConfig();
  const app = await NestFactory.createApplicationContext(ProjectorModule.forConfig(config, loadLogLevel()), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM and SIGINT stop the runners first, each storing its checkpoint with the event in hand.
  closeOnSignals(app, 'Projector');
  const where = config.readModels.kind === 'embedded' ? `PGlite in ${config.readModels.dataDir}` : 'PostgreSQL';
  process.stdout.write(`Projector running: event store ${config.eventStore.kind}, read models in ${where}\n`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Projector failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
