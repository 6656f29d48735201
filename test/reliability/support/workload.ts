import { randomUUID } from 'node:crypto';
import { DeliveryOtpGenerator } from '@fulfil/domain';
import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import { call, HttpResult, orderBody } from './http-client';

/** A command the engine answered with 2xx: its events must exist, exactly once, whatever happens next. */
export interface Acknowledged {
  orderId: string;
  path: string;
  idempotencyKey: string;
  /** Store position of the last event the command wrote. */
  position: string;
  /** Types of the events the command wrote, oldest first (only the last is known for a bulk item). */
  eventTypes: string[];
  /** A bulk item rides on a derived key; its events are found by position alone. */
  bulkItem: boolean;
}

type JourneyKind = 'off-network delivered' | 'off-network delivered and reshipped' | 'on-network ready to ship' | 'cancelled' | 'bulk ready to ship';
const JOURNEYS: readonly JourneyKind[] = ['off-network delivered', 'off-network delivered and reshipped', 'on-network ready to ship', 'cancelled', 'bulk ready to ship'];

/** Statuses that mean "not now, same request later": the store is unreachable or the engine is going down. */
const RETRYABLE = new Set([502, 503, 504]);

/**
 * A seller's mixed workload (both shipping modes, bulk RTS, reship, cancel). Every command carries
 * an Idempotency-Key, and a command whose answer was lost (the engine died, the store was down) is
 * sent again with the same key until it is answered, as a careful client does. Every 2xx answer is
 * recorded for the checks.
 */
export class Workload {
  readonly acknowledged: Acknowledged[] = [];
  /** Requests that got no answer (connection refused or reset, 5xx) and were sent again. */
  retries = 0;
  readonly journeysDone = new Map<JourneyKind, number>();
  private readonly listeners: Array<() => void> = [];
  private failure: unknown;

  constructor(
    private readonly baseUrl: () => string,
    private readonly seller: { sellerId: string; apiKey: string },
    private readonly otp: DeliveryOtpGenerator,
    private readonly retryDeadlineMs = 120_000,
  ) {}

  /** Called after every acknowledgement: the crash driver counts them to pick its moments. */
  onAcknowledged(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Runs `journeys` journeys over `clients` concurrent clients, cycling through every kind. */
  async run(journeys: number, clients: number): Promise<void> {
    let next = 0;
    const client = async () => {
      while (next < journeys && this.failure === undefined) {
        const kind = JOURNEYS[next++ % JOURNEYS.length]!;
        try {
          await this.journey(kind);
        } catch (error) {
          // One failed client stops the others, so a failing run ends instead of retrying on.
          this.failure ??= error;
          throw error;
        }
        this.journeysDone.set(kind, (this.journeysDone.get(kind) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
  }

  private async journey(kind: JourneyKind): Promise<void> {
    if (kind === 'bulk ready to ship') {
      const packed = await Promise.all([0, 1, 2].map(() => this.packedOrder('on-network')));
      await this.bulkReadyToShip(packed);
      return;
    }
    if (kind === 'on-network ready to ship') {
      const { orderId, shipmentId } = await this.packedOrder('on-network');
      await this.command(orderId, `/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`, {});
      return;
    }
    if (kind === 'cancelled') {
      const { orderId } = await this.packedOrder('on-network');
      await this.command(orderId, `/v1/orders/${orderId}/cancel`, { reason: 'Buyer changed their mind' });
      return;
    }
    const { orderId, shipmentId } = await this.packedOrder('off-network');
    await this.command(orderId, `/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: `BD${Date.now()}` });
    await this.command(orderId, `/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: this.otp.otpFor({ sellerId: this.seller.sellerId, orderId, shipmentId, sequence: 1 }) });
    if (kind === 'off-network delivered and reshipped') await this.command(orderId, `/v1/orders/${orderId}/reship`, { reason: 'damaged', note: 'Arrived torn' });
  }

  private async packedOrder(mode: 'on-network' | 'off-network'): Promise<{ orderId: string; shipmentId: string }> {
    const received = await this.command(undefined, '/v1/orders', orderBody());
    const orderId = received.body['orderId'] as string;
    await this.command(orderId, `/v1/orders/${orderId}/invoice`, {});
    const shipment = await this.command(orderId, `/v1/orders/${orderId}/shipments`, { mode });
    return { orderId, shipmentId: shipment.body['shipmentId'] as string };
  }

  private async bulkReadyToShip(items: Array<{ orderId: string; shipmentId: string }>): Promise<void> {
    const response = await this.send('/v1/shipments/ready-to-ship', { items }, randomUUID());
    const results = response.body['results'] as Array<{ orderId: string; ok: boolean; position: string | null; code?: string }>;
    for (const result of results) {
      // An item the store could not take (an outage) is answered on its own now; it was not acknowledged, so nothing of it is owed.
      if (!result.ok && result.code === 'STORE_UNAVAILABLE') continue;
      if (!result.ok || result.position === null) throw new Error(`Bulk RTS refused ${result.orderId}: ${result.code}`);
      this.acknowledge({ orderId: result.orderId, path: '/v1/shipments/ready-to-ship', idempotencyKey: '', position: result.position, eventTypes: ['ShipmentMarkedReadyToShip'], bulkItem: true });
    }
  }

  /** One seller command: sent until answered, and the answer must be a success. */
  private async command(orderId: string | undefined, path: string, body: object): Promise<HttpResult> {
    const idempotencyKey = randomUUID();
    const response = await this.send(path, body, idempotencyKey);
    const position = response.body['position'];
    const events = response.body['events'];
    if (typeof position !== 'string' || !Array.isArray(events)) throw new Error(`${path} answered without its position: ${response.text}`);
    this.acknowledge({ orderId: orderId ?? (response.body['orderId'] as string), path, idempotencyKey, position, eventTypes: events as string[], bulkItem: false });
    return response;
  }

  private async send(path: string, body: object, idempotencyKey: string): Promise<HttpResult> {
    const deadline = Date.now() + this.retryDeadlineMs;
    for (;;) {
      let response: HttpResult | undefined;
      try {
        response = await call(this.baseUrl(), 'POST', path, body, { key: this.seller.apiKey, idempotencyKey });
      } catch {
        // No answer: the engine is down or died mid-request; the same key makes the retry safe.
      }
      if (response && !RETRYABLE.has(response.status)) {
        if (response.status >= 200 && response.status < 300) return response;
        throw new Error(`${path} answered ${response.status}: ${response.text}`);
      }
      this.retries++;
      if (this.failure !== undefined) throw new Error(`${path} abandoned: another client failed`);
      if (Date.now() > deadline) throw new Error(`${path} got no answer for ${this.retryDeadlineMs} ms`);
      await this.engineAnswering(deadline);
    }
  }

  /** Waits (polling, with the request's deadline) until the engine says it is ready again. */
  private async engineAnswering(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const ready = await fetch(`${this.baseUrl()}/health/ready`).then((r) => r.status === 200, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private acknowledge(ack: Acknowledged): void {
    this.acknowledged.push(ack);
    for (const listener of this.listeners) listener();
  }
}

interface ApiEvent {
  id: string;
  type: string;
  revision: string;
  position: string;
  metadata: { idempotencyKey?: string };
}

/**
 * Every acknowledged command's events, read back through GET /v1/orders/{id}/events: present at the
 * position the answer named, of the types it named, and written once (a retried request whose first
 * attempt had already written must not have written again). Returns the problems found.
 */
export async function verifyAcknowledged(baseUrl: string, apiKey: string, acknowledged: readonly Acknowledged[]): Promise<string[]> {
  const problems: string[] = [];
  const byOrder = new Map<string, Acknowledged[]>();
  for (const ack of acknowledged) byOrder.set(ack.orderId, [...(byOrder.get(ack.orderId) ?? []), ack]);
  for (const [orderId, acks] of byOrder) {
    const response = await call(baseUrl, 'GET', `/v1/orders/${orderId}/events`, undefined, { key: apiKey });
    if (response.status !== 200) {
      problems.push(`${orderId}: events answered ${response.status}`);
      continue;
    }
    const events = response.body['events'] as ApiEvent[];
    for (const ack of acks) {
      const last = events.findIndex((e) => e.position === ack.position);
      if (last < 0) {
        problems.push(`${orderId} ${ack.path}: no event at acknowledged position ${ack.position}`);
        continue;
      }
      const written = events.slice(last - ack.eventTypes.length + 1, last + 1).map((e) => e.type);
      if (written.join() !== ack.eventTypes.join()) problems.push(`${orderId} ${ack.path}: expected ${ack.eventTypes.join()} ending at ${ack.position}, found ${written.join()}`);
      if (!ack.bulkItem) {
        const withKey = events.filter((e) => e.metadata.idempotencyKey === ack.idempotencyKey).length;
        if (withKey !== ack.eventTypes.length) problems.push(`${orderId} ${ack.path}: ${withKey} events carry its key, expected ${ack.eventTypes.length}`);
      }
    }
  }
  return problems;
}

/** Reads the whole store: no event id twice, every stream's revisions run 0, 1, 2... without a gap or a repeat, one partner per shipment at most. */
export async function verifyStoreIntegrity(store: EventStore): Promise<{ events: number; streams: number; partnersAssigned: number; reportsApplied: number; problems: string[] }> {
  const problems: string[] = [];
  // A shipment confirmed with two logistics partners would be picked up twice (or by nobody).
  const partnerAssigned = new Set<string>();
  const ids = new Set<string>();
  const nextRevision = new Map<string, bigint>();
  // The adapter records each partner callback before it ACKs it; a report it drew from one must reach the order, under its key.
  const reportKeysProcessed = new Set<string>();
  const idempotencyKeys = new Set<string>();
  let after: bigint | undefined;
  let count = 0;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({ maxCount: 1000, ...(after !== undefined ? { after } : {}) });
    if (page.length === 0) break;
    for (const event of page) {
      count++;
      if (ids.has(event.id)) problems.push(`event id ${event.id} appears twice`);
      ids.add(event.id);
      const expected = nextRevision.get(event.stream) ?? 0n;
      if (event.revision !== expected) problems.push(`${event.stream}: revision ${event.revision} where ${expected} was next`);
      nextRevision.set(event.stream, event.revision + 1n);
      const key = event.metadata['idempotencyKey'];
      if (typeof key === 'string') idempotencyKeys.add(key);
      if (event.type === 'CallbackProcessed' && event.data['result'] === 'reported') reportKeysProcessed.add(`ondc:${String(event.data['bppId'])}:${String(event.data['messageId'])}`);
      if (event.type === 'LogisticsPartnerAssigned') {
        const shipment = `${event.stream}/${String(event.data['shipmentId'])}`;
        if (partnerAssigned.has(shipment)) problems.push(`${shipment} has a second confirmed partner`);
        partnerAssigned.add(shipment);
      }
    }
    after = page[page.length - 1]!.position;
  }
  for (const key of reportKeysProcessed) if (!idempotencyKeys.has(key)) problems.push(`partner report ${key} was processed but never reached its order`);
  return { events: count, streams: nextRevision.size, partnersAssigned: partnerAssigned.size, reportsApplied: reportKeysProcessed.size, problems };
}

const PARTNER_OUTCOMES = new Set(['LogisticsPartnerAssigned', 'NoLogisticsPartnerFound']);

/**
 * The ONDC adapter's side of a crash: every on-network shipment marked ready to ship gets exactly
 * one partner search outcome (a partner assigned, or none found) per time it was marked, however
 * often the engine died in between. Waits (polling, with a deadline) for outcomes still to come.
 */
export async function verifyPartnerOutcomes(baseUrl: string, apiKey: string, orderIds: readonly string[], deadlineMs = 90_000): Promise<{ shipments: number; problems: string[] }> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const pending: string[] = [];
    const duplicated: string[] = [];
    let shipments = 0;
    for (const orderId of orderIds) {
      const response = await call(baseUrl, 'GET', `/v1/orders/${orderId}/events`, undefined, { key: apiKey });
      const events = response.body['events'] as Array<{ type: string; data: { shipmentId?: string; mode?: string } }>;
      const onNetwork = new Set(events.filter((e) => e.type === 'ShipmentCreated' && e.data.mode === 'on-network').map((e) => e.data.shipmentId));
      for (const shipmentId of onNetwork) {
        const marked = events.filter((e) => e.type === 'ShipmentMarkedReadyToShip' && e.data.shipmentId === shipmentId).length;
        if (marked === 0) continue;
        shipments++;
        const outcomes = events.filter((e) => PARTNER_OUTCOMES.has(e.type) && e.data.shipmentId === shipmentId).length;
        if (outcomes < marked) pending.push(`${orderId}/${shipmentId}`);
        if (outcomes > marked) duplicated.push(`${orderId}/${shipmentId}: ${outcomes} partner outcomes for ${marked} RTS`);
      }
    }
    if (duplicated.length > 0 || pending.length === 0) return { shipments, problems: duplicated };
    if (Date.now() > deadline) return { shipments, problems: pending.map((s) => `${s}: no partner outcome within ${deadlineMs} ms`) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
