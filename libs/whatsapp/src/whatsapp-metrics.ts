import { Counter, type Registry } from 'prom-client';
import type { SendResult } from './outbox/whatsapp-sender';

/** WhatsApp sends by result, in the engine's registry so they appear on `/metrics`. */
export class WhatsAppMetrics {
  private readonly sends: Counter<'result' | 'purpose'>;

  constructor(registry: Registry) {
    this.sends = new Counter({
      name: 'fulfilment_whatsapp_sends_total',
      help: 'WhatsApp send attempts by result (sent, retrying, failed, unknown) and purpose',
      labelNames: ['result', 'purpose'] as const,
      registers: [registry],
    });
  }

  record(result: SendResult, purpose: string): void {
    this.sends.inc({ result, purpose });
  }
}
