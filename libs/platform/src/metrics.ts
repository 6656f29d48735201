import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, so several apps hosted in the engine share `/metrics`. */
export class EngineMetrics {
  readonly registry = new Registry();

  readonly commands = new Counter({
    name: 'fulfilment_commands_total',
    help: 'Commands handled, by command type and result (ok, rejected, conflict, error)',
    labelNames: ['command', 'result'] as const,
    registers: [this.registry],
  });

  readonly commandDuration = new Histogram({
    name: 'fulfilment_command_duration_seconds',
    help: 'Time to load, decide and append one command',
    labelNames: ['command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly httpRequests = new Histogram({
    name: 'fulfilment_http_request_duration_seconds',
    help: 'HTTP request duration by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fulfilment_process_' });
  }

  /** Matches the command side's CommandObserver, so the command side reports here without importing Prometheus. */
  observe(command: string, result: string, seconds: number): void {
    this.commands.inc({ command, result });
    this.commandDuration.observe({ command }, seconds);
  }
}
