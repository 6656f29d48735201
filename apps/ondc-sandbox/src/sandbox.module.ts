import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { GatewayController } from './gateway/gateway.controller';
import { SandboxHealthController } from './health/sandbox-health.controller';
import { SANDBOX_OPTIONS, SandboxNetwork } from './network';
import { PartnerController } from './partners/partner.controller';
import { PartnerDesk } from './partners/partner-desk';
import { RegistryController } from './registry/registry.controller';
import { SandboxClock } from './sandbox-clock';
import type { SandboxOptions } from './sandbox-options';

/**
 * A small ONDC logistics network: registry, gateway and partners under one base URL. Import it with
 * a routePrefix to host it inside another app (the engine mounts it at /ondc-sandbox); that app must
 * be created with `rawBody: true`, since signatures are checked over the bytes as received.
 */
@Module({})
export class SandboxModule {
  static forRoot(options: SandboxOptions): DynamicModule {
    const controllers = [RegistryController, GatewayController, PartnerController];
    const bypass = options.publicRouteMetadata;
    if (bypass) for (const controller of controllers) Reflect.defineMetadata(bypass.key, bypass.value, controller);
    return {
      module: SandboxModule,
      imports: options.routePrefix ? [RouterModule.register([{ path: options.routePrefix, module: SandboxModule }])] : [],
      // Standalone it is a process of its own and answers probes; hosted, the host's /health speaks for it.
      controllers: options.routePrefix ? controllers : [...controllers, SandboxHealthController],
      providers: [{ provide: SANDBOX_OPTIONS, useValue: options }, SandboxNetwork, SandboxClock, PartnerDesk],
      exports: [SandboxNetwork],
    };
  }
}
