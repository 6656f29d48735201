import { Counter, Histogram, Registry } from 'prom-client';
import type { ConformanceFinding } from '@fulfil/ondc';

export type MessageResult = 'ack' | 'nack' | 'unreachable' | 'duplicate';

/** ONDC traffic by direction, action and answer, on the host's registry so /metrics shows it beside the rest. */
export class OndcMetrics {
  readonly messages: Counter<'direction' | 'action' | 'result'>;
  readonly ackLatency: Histogram<'action'>;
  readonly callbackFindings: Counter<'action' | 'rule' | 'outcome'>;

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
    this.callbackFindings = new Counter({
      name: 'fulfilment_ondc_callback_findings_total',
      help: 'Callbacks breaking an ONDC 1.2.5 rule, by action and rule: refused (strict) or accepted all the same (lenient)',
      labelNames: ['action', 'rule', 'outcome'] as const,
      registers: [registry],
    });
  }

  /** One count per rule a callback breaks, however many fields break it: the rate of callbacks per rule. */
  nonConformant(action: string, findings: readonly ConformanceFinding[], outcome: 'refused' | 'accepted'): void {
    for (const rule of new Set(findings.map((f) => f.rule))) this.callbackFindings.inc({ action, rule, outcome });
  }

  sent(action: string, result: MessageResult): void {
    this.messages.inc({ direction: 'out', action, result });
  }

  received(action: string, result: MessageResult, seconds: number): void {
    this.messages.inc({ direction: 'in', action, result });
    this.ackLatency.observe({ action }, seconds);
  }
}
