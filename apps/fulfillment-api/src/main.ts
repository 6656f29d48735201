import './tracing';
import 'reflect-metadata';
import { claimDataDir, closeOnSignals, embeddedDataDir, loadEngineConfig, startupFailureLine, storeDependencies, waitForDependencies } from '@fulfil/platform';
import { ApiRootModule } from './api-root.module';
import { createHttpApp } from './http-app';

let dataDir: string | undefined;

async function bootstrap(): Promise<void> {
  const config = loadEngineConfig();
  dataDir = embeddedDataDir(config);
  const lock = dataDir ? claimDataDir(dataDir, 'fulfilment API') : undefined;
  // Configuration is refused before waiting for any server: waiting would not mend it.
  const root = ApiRootModule.forConfig(config);
  await waitForDependencies('Fulfilment API', storeDependencies(config), { port: config.port, log: (line) => process.stdout.write(`${line}\n`) });
  const app = await createHttpApp(root, { trustProxy: config.trustProxy });
  closeOnSignals(app, 'Fulfilment API');
  await app.listen(config.port, '0.0.0.0');
  lock?.announce(config.port);
  process.stdout.write(`Fulfilment API listening on http://localhost:${config.port} (docs at /docs)\n`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine('Fulfilment API', error, dataDir)}\n`);
  process.exit(1);
});
