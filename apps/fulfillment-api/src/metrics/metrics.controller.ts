import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ProblemError, problem, type EngineMetrics } from '@fulfil/platform';
import { PublicRoute } from '../auth/auth.decorators';
import { METRICS_TOKEN, metricsAuthorized } from './metrics-access';

export const ENGINE_METRICS = Symbol('ENGINE_METRICS');

export const metricsUnauthorized = () => problem(401, 'METRICS_TOKEN_REQUIRED', 'Unauthorized', 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"');

@ApiExcludeController()
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(ENGINE_METRICS) private readonly metrics: EngineMetrics,
    @Inject(METRICS_TOKEN) private readonly token: string | undefined,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    if (!metricsAuthorized(this.token, authorization)) throw new ProblemError(metricsUnauthorized(), { 'www-authenticate': 'Bearer' });
    return this.metrics.registry.metrics();
  }
}
