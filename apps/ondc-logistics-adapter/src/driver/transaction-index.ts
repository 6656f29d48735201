import { StreamRevisionConflictError } from '@fulfil/event-store';
import type { EventStore, JsonObject } from '@fulfil/event-store';
import { TRANSACTION_OPENED, transactionStream } from '@fulfil/ondc';

/**
 * Callbacks name an ONDC transaction, conversations are kept by shipment: a one-event stream per
 * transaction says which shipment it belongs to. Known ones are cached (they never change).
 */
export class TransactionIndex {
  private readonly known = new Map<string, string>();

  constructor(private readonly store: EventStore) {}

  async open(transactionId: string, shipmentId: string, metadata: JsonObject): Promise<void> {
    try {
      await this.store.append(transactionStream(transactionId), [{ type: TRANSACTION_OPENED, data: { transactionId, shipmentId }, metadata }], { expectedRevision: 'no_stream' });
    } catch (error) {
      // Transaction ids are fresh UUIDs: a conflict is our own earlier write, replayed.
      if (!(error instanceof StreamRevisionConflictError)) throw error;
    }
    this.known.set(transactionId, shipmentId);
  }

  async shipmentOf(transactionId: string): Promise<string | undefined> {
    const cached = this.known.get(transactionId);
    if (cached) return cached;
    const [opened] = await this.store.readStream(transactionStream(transactionId), { maxCount: 1 });
    const shipmentId = opened?.data['shipmentId'];
    if (typeof shipmentId !== 'string') return undefined;
    this.known.set(transactionId, shipmentId);
    return shipmentId;
  }
}
