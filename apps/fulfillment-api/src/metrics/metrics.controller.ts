import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { EngineMetrics } from '@fulfil/platform';
import { PublicRoute } from '../auth/auth.decorators';

export const ENGINE_METRICS = Symbol('ENGINE_METRICS');

@ApiExcludeController()
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ENGINE_METRICS) private readonly metrics: EngineMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
