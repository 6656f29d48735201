import 'reflect-metadata';
import { SandboxConfigError, sandboxOptionsFromEnv } from './sandbox-config';
import type { RunningSandbox } from './start-sandbox';
import { startSandbox } from './start-sandbox';

function banner(sandbox: RunningSandbox): string {
  const lines = [
    `ONDC sandbox ready on ${sandbox.baseUrl}`,
    `  registry  ${sandbox.baseUrl}/registry/v2.0/lookup (signed), ${sandbox.baseUrl}/registry/lookup`,
    `  gateway   ${sandbox.baseUrl}/gateway/search  (${sandbox.network.gateway.subscriberId})`,
    ...[...sandbox.network.partners.values()].map((p) => `  partner   ${sandbox.network.urlOf(p)}  (${p.subscriberId})`),
  ];
  return `${lines.join('\n')}\n`;
}

async function bootstrap(): Promise<void> {
  const sandbox = await startSandbox(sandboxOptionsFromEnv(process.env));
  sandbox.app.enableShutdownHooks();
  process.stdout.write(banner(sandbox));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(error instanceof SandboxConfigError ? `${error.message}\n` : `ONDC sandbox failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
