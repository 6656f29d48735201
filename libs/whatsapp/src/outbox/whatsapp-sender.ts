import { StreamRevisionConflictError, type EventStore, type RecordedEvent, type Subscription } from '@fulfil/event-store';
import type { OutgoingMessage } from '../cloud-api/outgoing-message';
import { messageLimitViolation } from '../cloud-api/outgoing-message';
import { WhatsAppApiError, type WhatsAppApi } from '../cloud-api/whatsapp-api';
import type { WhatsAppSenderTuning } from '../whatsapp-config';
import { OUTBOX_STREAM_PREFIX, evolveOutbox, type OutboxEntry, type OutboxEvent, type QueuedMessage } from './outbox-message';
import { UnsendableMessageError } from './message-resolver';
import { judgeSendFailure } from './send-failure-policy';
import { appendOutboxEvent, indexSentMessage } from './whatsapp-outbox';

export type SendResult = 'sent' | 'retrying' | 'failed' | 'unknown';

export interface SenderLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WhatsAppSenderDeps {
  store: EventStore;
  api: WhatsAppApi;
  resolve: (queued: QueuedMessage, api: WhatsAppApi) => Promise<OutgoingMessage>;
  tuning: WhatsAppSenderTuning;
  logger: SenderLogger;
  clock?: () => Date;
  /** Called once per send attempt with its result (metrics). */
  onResult?: (result: SendResult, purpose: string) => void;
}

interface Tracked {
  entry: OutboxEntry;
  revision: bigint;
  /** Position of the queueing event: messages to one person go out in this order. */
  queuedAt: bigint;
}

/**
 * The sender queue, driven from the store: it follows every outbox stream, and sends what is
 * queued one message at a time per recipient (in queue order, as WhatsApp may reorder messages
 * sent close together), within a global rate and a per-recipient gap, retrying with backoff.
 *
 * Each send is preceded by a `WhatsAppSendStarted` event appended at the revision read, so two
 * senders never both send an entry; an entry found started but never finished after a restart
 * may or may not have reached Meta, and is reported as `unknown` rather than sent a second time.
 */
export class WhatsAppSender {
  private readonly tracked = new Map<string, Tracked>();
  /** Entries queued or being sent: all the pump needs to look at. */
  private readonly pending = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly nextAllowed = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private tokens: number;
  private tokensAt: number;
  private caughtUp = false;
  private stopped = true;
  private readonly clock: () => Date;

  constructor(private readonly deps: WhatsAppSenderDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.tokens = deps.tuning.messagesPerSecond;
    this.tokensAt = this.clock().getTime();
  }

  /** Starts (or, after a lease came back, starts again) from the outbox streams as stored: another instance may have sent meanwhile. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tracked.clear();
    this.pending.clear();
    this.nextAllowed.clear();
    this.caughtUp = false;
    this.subscription = this.deps.store.subscribe({
      filter: { kind: 'streamName', prefixes: [OUTBOX_STREAM_PREFIX] },
      onEvent: async (event) => {
        this.apply(event);
        if (this.caughtUp) this.pump();
      },
      onCaughtUp: () => {
        if (!this.caughtUp) {
          this.caughtUp = true;
          void this.reportInterrupted();
        }
        this.pump();
      },
      onError: (error) => this.deps.logger.error(`WhatsApp sender subscription ended: ${error.message}`),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.subscription?.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private apply(event: RecordedEvent): void {
    const outboxId = event.data['outboxId'];
    if (typeof outboxId !== 'string') return;
    const known = this.tracked.get(outboxId);
    // Our own writes were applied when made; the subscription brings them again later.
    if (known && event.revision <= known.revision) return;
    const entry = evolveOutbox(known?.entry, { type: event.type, data: event.data } as unknown as OutboxEvent);
    if (!entry) return;
    this.track(outboxId, { entry, revision: event.revision, queuedAt: known?.queuedAt ?? event.position });
  }

  private track(outboxId: string, item: Tracked): void {
    this.tracked.set(outboxId, item);
    if (item.entry.phase === 'queued' || item.entry.phase === 'sending') this.pending.add(outboxId);
    else this.pending.delete(outboxId);
  }

  /** Started before the last stop and never finished: it may have reached the person, so it is not sent again. */
  private async reportInterrupted(): Promise<void> {
    for (const outboxId of [...this.pending]) {
      const item = this.tracked.get(outboxId);
      if (!item || item.entry.phase !== 'sending' || this.busy.has(item.entry.to)) continue;
      try {
        const revision = await appendOutboxEvent(
          this.deps.store,
          outboxId,
          { type: 'WhatsAppSendFailed', data: { outboxId, attempt: item.entry.attempts, reason: 'outcome unknown', final: true, failedAt: this.clock().toISOString() } },
          item.revision,
        );
        this.local(outboxId, { ...item.entry, phase: 'unknown', lastError: { reason: 'outcome unknown' } }, revision);
        this.deps.logger.warn(`WhatsApp message ${outboxId} to ${mask(item.entry.to)} was being sent when the engine stopped; not sent again`);
        this.deps.onResult?.('unknown', item.entry.purpose);
      } catch (error) {
        if (!(error instanceof StreamRevisionConflictError)) this.deps.logger.error(`Could not report interrupted WhatsApp message ${outboxId}: ${String(error)}`);
      }
    }
  }

  private local(outboxId: string, entry: OutboxEntry, revision: bigint): void {
    const item = this.tracked.get(outboxId);
    if (item) this.track(outboxId, { ...item, entry, revision });
  }

  /** Heads of each recipient's queue, oldest queued first. */
  private heads(): Tracked[] {
    const heads = new Map<string, Tracked>();
    for (const outboxId of this.pending) {
      const item = this.tracked.get(outboxId);
      if (!item) continue;
      const current = heads.get(item.entry.to);
      if (!current || item.queuedAt < current.queuedAt) heads.set(item.entry.to, item);
    }
    return [...heads.values()].sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : 1));
  }

  private takeToken(now: number): boolean {
    const rate = this.deps.tuning.messagesPerSecond;
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private pump(): void {
    if (this.stopped || !this.caughtUp) return;
    const now = this.clock().getTime();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const head of this.heads()) {
      const to = head.entry.to;
      // A head still `sending` is in flight here (or reported as interrupted): the queue behind it waits.
      if (this.busy.has(to) || head.entry.phase === 'sending') continue;
      const due = Math.max(head.entry.retryAt ? Date.parse(head.entry.retryAt) : 0, this.nextAllowed.get(to) ?? 0);
      if (due > now) {
        wakeAt = Math.min(wakeAt, due);
        continue;
      }
      if (!this.takeToken(now)) {
        wakeAt = Math.min(wakeAt, now + Math.ceil(1000 / this.deps.tuning.messagesPerSecond));
        break;
      }
      const work = this.send(head).finally(() => {
        this.inFlight.delete(work);
        this.pump();
      });
      this.inFlight.add(work);
    }
    this.wakeAt(wakeAt);
  }

  private wakeAt(at: number): void {
    if (at === Number.POSITIVE_INFINITY || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, at - this.clock().getTime()));
    this.timer.unref();
  }

  private async send(item: Tracked): Promise<void> {
    const { entry } = item;
    const outboxId = entry.outboxId;
    this.busy.add(entry.to);
    try {
      const attempt = entry.attempts + 1;
      let revision: bigint;
      try {
        revision = await appendOutboxEvent(this.deps.store, outboxId, { type: 'WhatsAppSendStarted', data: { outboxId, attempt, startedAt: this.clock().toISOString() } }, item.revision);
      } catch (error) {
        // Someone else moved this entry (a status webhook, another sender): the subscription will bring the news.
        if (error instanceof StreamRevisionConflictError) return;
        throw error;
      }
      this.local(outboxId, { ...entry, phase: 'sending', attempts: attempt }, revision);
      let waMessageId: string;
      try {
        const message = await this.deps.resolve(entry, this.deps.api);
        const violation = messageLimitViolation(message);
        if (violation) throw new WhatsAppApiError(`Not sent: ${violation}`, 100, 400);
        waMessageId = (await this.deps.api.send(message)).messageId;
      } catch (error) {
        await this.recordFailure(outboxId, entry, attempt, revision, error);
        return;
      } finally {
        if (this.deps.tuning.pairIntervalMs > 0) this.nextAllowed.set(entry.to, this.clock().getTime() + this.deps.tuning.pairIntervalMs);
      }
      await indexSentMessage(this.deps.store, waMessageId, outboxId);
      const sentRevision = await appendOutboxEvent(this.deps.store, outboxId, { type: 'WhatsAppMessageSent', data: { outboxId, attempt, waMessageId, sentAt: this.clock().toISOString() } }, revision);
      this.local(outboxId, { ...entry, phase: 'sent', attempts: attempt, waMessageId }, sentRevision);
      this.deps.onResult?.('sent', entry.purpose);
    } catch (error) {
      // The store failed: the entry stays as it is and is looked at again on the next pump or restart.
      this.deps.logger.error(`WhatsApp sender could not record message ${outboxId}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy.delete(entry.to);
    }
  }

  private async recordFailure(outboxId: string, entry: OutboxEntry, attempt: number, revision: bigint, error: unknown): Promise<void> {
    const api = error instanceof WhatsAppApiError ? error : undefined;
    // A message that cannot be built (its order is gone) never will be; anything else (the store, a renderer) may pass next time.
    const verdict = api
      ? judgeSendFailure(api.code, api.httpStatus, attempt, this.deps.tuning)
      : error instanceof UnsendableMessageError
        ? { final: true as const, reason: `cannot be sent: ${error.message}` }
        : judgeSendFailure(undefined, undefined, attempt, this.deps.tuning);
    const now = this.clock();
    const retryAt = verdict.final ? undefined : new Date(now.getTime() + verdict.retryInMs).toISOString();
    const failed: OutboxEvent = {
      type: 'WhatsAppSendFailed',
      data: { outboxId, attempt, ...(api?.code !== undefined ? { code: api.code } : {}), reason: verdict.reason, final: verdict.final, ...(retryAt ? { retryAt } : {}), failedAt: now.toISOString() },
    };
    const next = await appendOutboxEvent(this.deps.store, outboxId, failed, revision);
    const { retryAt: _previous, ...rest } = entry;
    const lastError = { ...(api?.code !== undefined ? { code: api.code } : {}), reason: verdict.reason };
    this.local(outboxId, { ...rest, attempts: attempt, phase: verdict.final ? 'failed' : 'queued', lastError, ...(retryAt ? { retryAt } : {}) }, next);
    const log = verdict.final ? this.deps.logger.warn.bind(this.deps.logger) : this.deps.logger.log.bind(this.deps.logger);
    log(`WhatsApp ${entry.purpose} message ${outboxId} to ${mask(entry.to)} ${verdict.final ? 'failed' : 'will be retried'}: ${verdict.reason}`);
    this.deps.onResult?.(verdict.final ? 'failed' : 'retrying', entry.purpose);
  }
}

/** Phone numbers in logs keep only their last digits. */
export const mask = (number: string): string => `…${number.slice(-4)}`;
