import type { DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { SandboxModule, sandboxOptionsFromEnv } from '@fulfil/ondc-sandbox';
import type { PartnerName } from '@fulfil/ondc-sandbox';
import { ConfigError } from '@fulfil/platform';
import { OndcConfigError, PUBLIC_ROUTE_METADATA, buyerRegistration, loadOndcConfig, ondcAdapterHosting, type OndcAdapterConfig } from '@fulfil/ondc-logistics-adapter';

export interface OndcEngineHosting {
  config: OndcAdapterConfig;
  adapter: ReturnType<typeof ondcAdapterHosting>;
  /** The simulated network, when the engine hosts it itself (no ONDC_REGISTRY_URL). */
  sandbox?: DynamicModule;
}

/**
 * The hosted network's partners unless SANDBOX_PARTNERS says otherwise: all but the troublemaker,
 * whose low intercity price would send the engine's first on-network orders back to origin. The
 * NACKing and silent partners stay, so that falling back is seen from the start.
 */
export const HOSTED_SANDBOX_PARTNERS: readonly PartnerName[] = ['cheap-slow', 'fast-dear', 'hyperlocal', 'intercity', 'nacker', 'silent'];

/** Where the engine mounts the sandbox when it hosts it. */
export const HOSTED_SANDBOX_PREFIX = 'ondc-sandbox';

/**
 * The ONDC part of the all-in-one engine. Without ONDC_REGISTRY_URL the engine is its own network:
 * it hosts the sandbox under /ondc-sandbox on its port (SANDBOX_STEP_MS, SANDBOX_PARTNERS), registers
 * itself there with keys generated once under DATA_DIR, and points the adapter at it. With
 * ONDC_REGISTRY_URL the adapter talks to that network and every ONDC identity variable is required.
 */
export function ondcEngineHosting(env: Readonly<Record<string, string | undefined>>, host: { port: number; dataDir: string; metricsRegistry: Registry }): OndcEngineHosting {
  const hostsNetwork = !env['ONDC_REGISTRY_URL'];
  let config: OndcAdapterConfig;
  try {
    config = loadOndcConfig(env, { dataDir: host.dataDir, port: host.port, embedded: hostsNetwork });
  } catch (error) {
    if (error instanceof OndcConfigError) throw new ConfigError('ONDC_*', `settings are invalid:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
  const adapter = ondcAdapterHosting({ config, metricsRegistry: host.metricsRegistry, trackingRoute: true });
  if (!hostsNetwork) return { config, adapter };
  const network = sandboxOptionsFromEnv({ SANDBOX_STEP_MS: env['SANDBOX_STEP_MS'], SANDBOX_PARTNERS: env['SANDBOX_PARTNERS'] });
  const sandbox = SandboxModule.forRoot({
    routePrefix: HOSTED_SANDBOX_PREFIX,
    baseUrl: `http://localhost:${host.port}/${HOSTED_SANDBOX_PREFIX}`,
    stepMs: network.stepMs,
    participants: network.participants ?? HOSTED_SANDBOX_PARTNERS,
    buyers: [buyerRegistration(config)],
    publicRouteMetadata: PUBLIC_ROUTE_METADATA,
  });
  return { config, adapter, sandbox };
}
