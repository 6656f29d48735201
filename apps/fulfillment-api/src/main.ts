import './tracing';
import 'reflect-metadata';
import { ConfigError, closeOnSignals, loadEngineConfig } from '@fulfil/platform';
import { ApiRootModule } from './api-root.module';
import { createHttpApp } from './http-app';

async function bootstrap(): Promise<void> {
  const config = loadEngineConfig();
  const app = await createHttpApp(ApiRootModule.forConfig(config));
  closeOnSignals(app, 'Fulfilment API');
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(`Fulfilment API listening on http://localhost:${config.port} (docs at /docs)\n`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Fulfilment API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
