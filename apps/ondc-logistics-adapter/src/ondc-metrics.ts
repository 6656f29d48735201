import { Counter, Histogram, Registry } from 'prom-client';

export type MessageResult = 'ack' | 'nack' | 'unreachable' | 'duplicate';

/** ONDC traffic by direction, action and answer, on the host's registry so /metrics shows it beside the rest. */
export class OndcMetrics {
  readonly messages: Counter<'direction' | 'action' | 'result'>;
  readonly ackLatency: Histogram<'action'>;

  constructor(registry: Registry = new Registry()) {
    this.messages = new Counter({
      name: 'fulfilment_ondc_messages_total',
      help: 'ONDC messages sent (out) and received (in), by action and the ACK/NACK they got or gave',
      labelNames: ['direction', 'action', 'result'] as const,
      registers: [registry],
    });
    this.ackLatency = new Histogram({
      name: 'fulfilment_ondc_callback_ack_seconds',
      help: 'Time from a callback arriving to our ACK or NACK (verification and recording included)',
      labelNames: ['action'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
  }

  sent(action: string, result: MessageResult): void {
    this.messages.inc({ direction: 'out', action, result });
  }

  received(action: string, result: MessageResult, seconds: number): void {
    this.messages.inc({ direction: 'in', action, result });
    this.ackLatency.observe({ action }, seconds);
  }
}
