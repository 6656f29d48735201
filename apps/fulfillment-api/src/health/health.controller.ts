import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { ProjectionStatus, projectionHealthDetails, unreadyProjections } from '@fulfil/read-models';
import { resourceFaults } from '@fulfil/platform';
import { PublicRoute } from '../auth/auth.decorators';

interface HealthReply {
  status(code: number): HealthReply;
  send(body: unknown): void;
}

@ApiExcludeController()
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionStatus,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 when the store answers and no projection has failed or fallen far behind; 503 with the same details otherwise. */
  @Get('ready')
  async ready(@Res() reply: HealthReply): Promise<void> {
    try {
      reply.status(200).send(await this.health.check([() => this.eventStore(), () => this.projectionsHealth(), () => this.resources()]));
    } catch (error) {
      const result = (error as { getResponse?: () => unknown }).getResponse?.() as HealthCheckResult | undefined;
      if (!result) throw error;
      reply.status(503).send(result);
    }
  }

  private async eventStore(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('eventStore');
    try {
      await this.store.ping();
      return check.up({ headPosition: (await this.store.headPosition()).toString() });
    } catch (error) {
      return check.down({ message: `unreachable: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** Red after the disk (or memory, files, connections) ran out, until a write succeeds again. */
  private resources(): HealthIndicatorResult {
    const check = this.indicators.check('resources');
    const fault = resourceFaults.current();
    if (!fault) return check.up();
    return check.down({ message: `${fault.kind === 'storage' ? 'out of disk space' : 'resources exhausted'} since ${fault.at.toISOString()}: ${fault.message}` });
  }

  private async projectionsHealth(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('projections');
    let entries;
    try {
      entries = await this.projections.status();
    } catch (error) {
      return check.down({ message: `status unavailable: ${error instanceof Error ? error.message : String(error)}` });
    }
    const details = projectionHealthDetails(entries);
    const unhealthy = unreadyProjections(entries);
    return unhealthy.length === 0 ? check.up(details) : check.down({ ...details, message: `not ready: ${unhealthy.map((p) => p.name).join(', ')}` });
  }
}
