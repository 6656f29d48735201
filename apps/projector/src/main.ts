import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { claimDataDir, closeOnSignals, embeddedDataDir, loadLogLevel, loadStoresConfig, startupFailureLine, storeDependencies, waitForDependencies } from '@fulfil/platform';
import { ProjectorModule } from './projector.module';

let dataDir: string | undefined;

async function bootstrap(): Promise<void> {
  const config = loadStoresConfig();
  dataDir = embeddedDataDir(config);
  if (dataDir) claimDataDir(dataDir, 'projector');
  const root = ProjectorModule.forConfig(config, loadLogLevel());
  await waitForDependencies('Projector', storeDependencies(config), { log: (line) => process.stdout.write(`${line}\n`) });
  const app = await NestFactory.createApplicationContext(root, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM and SIGINT stop the runners first, each storing its checkpoint with the event in hand.
  closeOnSignals(app, 'Projector');
  const where = config.readModels.kind === 'embedded' ? `PGlite in ${config.readModels.dataDir}` : 'PostgreSQL';
  process.stdout.write(`Projector running: event store ${config.eventStore.kind}, read models in ${where}\n`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine('Projector', error, dataDir)}\n`);
  process.exit(1);
});
