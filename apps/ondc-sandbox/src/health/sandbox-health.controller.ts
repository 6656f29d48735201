import { Controller, Get } from '@nestjs/common';
import { SandboxNetwork } from '../network';

/** The standalone sandbox's probes. It keeps no store, so it is ready once it listens with its partners in place. */
@Controller('health')
export class SandboxHealthController {
  constructor(private readonly network: SandboxNetwork) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  ready() {
    return { status: 'ok', partners: this.network.partners.size };
  }
}
