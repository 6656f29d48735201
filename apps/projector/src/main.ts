import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { claimDataDir, closeOnSignals, embeddedDataDir, loadLogLevel, loadPort, loadStoresConfig, startupFailureLine, storeDependencies, waitForDependencies } from '@fulfil/platform';
import { ProjectorModule } from './projector.module';

let dataDir: string | undefined;

/** Beside `npm run start:api` on its default 3000, a projector started without PORT still finds its port free. */
const DEFAULT_PROJECTOR_PORT = 3001;

async function bootstrap(): Promise<void> {
  const config = loadStoresConfig();
  dataDir = embeddedDataDir(config);
  if (dataDir) claimDataDir(dataDir, 'projector');
  const port = loadPort(process.env, DEFAULT_PROJECTOR_PORT);
  const root = ProjectorModule.forConfig(config, loadLogLevel());
  await waitForDependencies('Projector', storeDependencies(config), { port, log: (line) => process.stdout.write(`${line}\n`) });
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM and SIGINT stop the runners first, each storing its checkpoint with the event in hand.
  closeOnSignals(app, 'Projector');
  await app.listen(port, '0.0.0.0');
  const where = config.readModels.kind === 'embedded' ? `PGlite in ${config.readModels.dataDir}` : 'PostgreSQL';
  process.stdout.write(`Projector running: event store ${config.eventStore.kind}, read models in ${where}; health at http://localhost:${port}/health/ready\n`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine('Projector', error, dataDir)}\n`);
  process.exit(1);
});
