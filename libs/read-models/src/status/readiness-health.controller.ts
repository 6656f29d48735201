import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { ProjectionStatus } from './projection-status';
import { projectionHealthDetails, unreadyProjections } from './projection-readiness';

interface HealthReply {
  status(code: number): HealthReply;
  send(body: unknown): void;
}

/**
 * The probes of an app whose port serves nothing else (the projector, the standalone ONDC adapter):
 * its store, and the subscribers it hosts, answered as the API answers them.
 */
@Controller('health')
export class ReadinessHealthController {
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

  /** 200 when the store answers and no subscriber has failed or fallen far behind (whichever instance holds its lease); 503 otherwise. */
  @Get('ready')
  async ready(@Res() reply: HealthReply): Promise<void> {
    try {
      reply.status(200).send(await this.health.check([() => this.eventStore(), () => this.projectionsHealth()]));
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

  private async projectionsHealth(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('projections');
    try {
      const entries = await this.projections.status();
      const unready = unreadyProjections(entries);
      const details = projectionHealthDetails(entries);
      return unready.length === 0 ? check.up(details) : check.down({ ...details, message: `not ready: ${unready.map((p) => p.name).join(', ')}` });
    } catch (error) {
      return check.down({ message: `status unavailable: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}
