import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { EngineMetrics } from '@fulfil/platform';
import { ProjectionStatus } from '@fulfil/read-models';
import { ENGINE_METRICS } from './metrics.controller';

const STATES = ['catching_up', 'live', 'stopped', 'standby', 'failed'] as const;

/** Projection position and lag, read from the runners at scrape time so the figures are never stale. */
@Injectable()
export class ProjectionMetrics {
  constructor(@Inject(ENGINE_METRICS) metrics: EngineMetrics, status: ProjectionStatus) {
    // The registry asks every gauge at once; they share one status read per scrape.
    let refresh: Promise<void> | undefined;
    const collect = async (): Promise<void> => {
      refresh ??= status
        .status()
        .then((entries) => {
          for (const g of gauges) g.reset();
          for (const entry of entries) {
            position.set({ projection: entry.name }, Number(entry.position));
            if (entry.lagEvents !== undefined) lagEvents.set({ projection: entry.name }, entry.lagEvents);
            lagSeconds.set({ projection: entry.name }, entry.lagSeconds);
            for (const s of STATES) state.set({ projection: entry.name, state: s }, entry.state === s ? 1 : 0);
          }
        })
        .finally(() => {
          refresh = undefined;
        });
      await refresh;
    };
    const common = { registers: [metrics.registry], collect };
    const position = new Gauge({ name: 'fulfilment_projection_position', help: 'Last event store position each subscriber has applied', labelNames: ['projection'] as const, ...common });
    const lagEvents = new Gauge({
      name: 'fulfilment_projection_lag_events',
      help: 'Events each subscriber still has to apply (absent when beyond the counting limit)',
      labelNames: ['projection'] as const,
      ...common,
    });
    const lagSeconds = new Gauge({ name: 'fulfilment_projection_lag_seconds', help: 'Age of the oldest event each subscriber has not applied yet', labelNames: ['projection'] as const, ...common });
    const state = new Gauge({ name: 'fulfilment_projection_state', help: '1 for the state each subscriber is in', labelNames: ['projection', 'state'] as const, ...common });
    const gauges = [position, lagEvents, lagSeconds, state];
  }
}
