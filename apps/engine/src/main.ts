import './tracing';
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WHATSAPP_CONFIG, createHttpApp } from '@fulfil/fulfillment-api';
import { EngineConfig, claimDataDir, closeOnSignals, embeddedDataDir, loadEngineConfig, startupFailureLine, storeDependencies, waitForDependencies } from '@fulfil/platform';
import type { WhatsAppConfig } from '@fulfil/whatsapp';
import { ensureDemoSeller } from './demo-seller';
import { EngineModule } from './engine.module';

/**
 * The banner prints generated keys only on a developer's machine: an image (NODE_ENV=production)
 * sends its output to log collectors, so there it names the files that hold them instead.
 */
function banner(config: EngineConfig, demo: { sellerId: string; apiKey: string } | undefined, whatsapp: WhatsAppConfig, env: NodeJS.ProcessEnv = process.env): string {
  const base = `http://localhost:${config.port}`;
  const showSecrets = env['NODE_ENV'] !== 'production';
  const metricsUrl = config.metrics?.port !== undefined ? `http://localhost:${config.metrics.port}/metrics` : `${base}/metrics`;
  const lines = [
    `Fulfilment engine ready on ${base}`,
    `  event store   ${config.eventStore.kind === 'embedded' ? `embedded (PGlite) in ${config.eventStore.dataDir}` : config.eventStore.kind}`,
    `  API           ${base}/v1`,
    `  console       ${base}/console`,
    `  docs          ${base}/docs`,
    `  health        ${base}/health/ready`,
    `  metrics       ${metricsUrl}${config.metrics?.token ? ' (Authorization: Bearer METRICS_TOKEN)' : ''}`,
    whatsapp.channel.kind === 'sandbox'
      ? `  whatsapp      sandbox sink: ${base}/v1/admin/outbox (platform key); play replies with npm run whatsapp:reply`
      : `  whatsapp      Cloud API ${whatsapp.channel.graphApiVersion}, webhook ${base}/webhooks/whatsapp`,
  ];
  if (config.generatedSecretsFile) lines.push(showSecrets ? `  platform key  ${config.platformApiKey}  (kept in ${config.generatedSecretsFile})` : `  platform key  kept in ${config.generatedSecretsFile}`);
  if (demo) {
    const apiKey = showSecrets ? demo.apiKey : `kept in ${join(config.dataDir, 'demo-seller.json')}`;
    lines.push(
      `  demo seller   ${demo.sellerId}, API key ${apiKey}`,
      '',
      'Try it:',
      `  curl -s ${base}/v1/seller -H "Authorization: Bearer ${showSecrets ? demo.apiKey : '<demo seller API key>'}"`,
      `  npm run demo   # drives an off-network and an on-network order through their steps`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `npm run build` writes the console beside the compiled apps: dist/console from dist/apps/engine/src. */
const CONSOLE_DIR = resolve(__dirname, '../../../console');

let dataDir: string | undefined;

async function bootstrap(): Promise<void> {
  const config = loadEngineConfig();
  dataDir = embeddedDataDir(config);
  // Before any PGlite database in it is opened: one process owns a data directory (ADR 0016).
  const lock = dataDir ? claimDataDir(dataDir, 'fulfilment engine') : undefined;
  // Configuration is refused before waiting for any server: waiting would not mend it.
  const root = EngineModule.forConfig(config);
  await waitForDependencies('Fulfilment engine', storeDependencies(config), { port: config.port, log: (line) => process.stdout.write(`${line}\n`) });
  const app = await createHttpApp(root, { trustProxy: config.trustProxy, ...(existsSync(CONSOLE_DIR) ? { consoleDir: CONSOLE_DIR } : {}) });
  closeOnSignals(app, 'Fulfilment engine');
  const demo = config.eventStore.kind === 'embedded' ? await ensureDemoSeller(app, config.dataDir) : undefined;
  await app.listen(config.port, '0.0.0.0');
  lock?.announce(config.port);
  process.stdout.write(banner(config, demo, app.get<WhatsAppConfig>(WHATSAPP_CONFIG)));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine('Fulfilment engine', error, dataDir)}\n`);
  process.exit(1);
});
