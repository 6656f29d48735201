import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import {
  AssignLogisticsPartnerCommand,
  CommandMeta,
  IssueCommandMessage,
  RecordNoPartnerFoundCommand,
  RecordPartnerCancellationOutcomeCommand,
  RecordPartnerDetailsCommand,
  RecordPartnerReportCommand,
  RecordWeightDifferentialCommand,
  RecordCodSettlementCommand,
} from '@fulfil/commands';
import { DomainError } from '@fulfil/domain';
import { ContextBuilder, newNetworkOrderId , CONVERSATION_STREAM_PREFIX, ConversationEvent, SENT_EVENT_TYPES, conversationStream, settlesConversation, shipmentIdOfStream , planConversation , recordOfCommand } from '@fulfil/ondc';
import { StreamRevisionConflictError } from '@fulfil/event-store';
import type { EventStore, JsonObject, Position, Subscription } from '@fulfil/event-store';
import type { ConversationState , CommandResult, DomainCommandSpec, OutboundRequest, PlanContext, PlanSettings, Step } from '@fulfil/ondc';
import type { OndcAdapterConfig } from '../ondc-config';
import { ConversationCache, LoadedConversation } from './conversation-cache';
import { GatewayUnknownError, OndcOutbound } from './ondc-outbound';
import { ADAPTER_ACTOR, ondcMetadata } from './adapter-metadata';

/**
 * Conversations driven at once: a drive mostly waits on the store and on partners, so requests to
 * different partners overlap. The bound keeps a burst of ready-to-ships from opening thousands of
 * requests at once (the rest wait their turn, in order).
 */
const MAX_CONCURRENT_DRIVES = 32;
/** Steps one drive may take before it yields (a guard against a planner that never waits). */
const MAX_STEPS_PER_DRIVE = 200;
/** After an unexpected failure (store or registry down), the conversation is driven again this much later. */
const RETRY_AFTER_FAILURE_MS = 1_000;
/** Timers further out than this are re-armed (setTimeout caps at about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Stream events are stored as plain JSON; conversation events are plain data by construction. */
const asJson = (data: object): JsonObject => data as unknown as JsonObject;

export interface DriverOptions {
  config: OndcAdapterConfig;
  store: EventStore;
  conversations: ConversationCache;
  commands: CommandBus;
  outbound: OndcOutbound;
  nowMs?: () => number;
  /** Hosted under a lease: drives nothing until `takeOver()`. */
  standby?: boolean;
}

/** The command on the bus for a planned one. */
function commandOf(spec: DomainCommandSpec, ids: { sellerId: string; orderId: string; shipmentId: string }, meta: CommandMeta): object {
  switch (spec.command) {
    case 'AssignLogisticsPartner':
      return new AssignLogisticsPartnerCommand({ ...ids, ...spec.data }, meta);
    case 'RecordNoPartnerFound':
      return new RecordNoPartnerFoundCommand({ ...ids, ...spec.data }, meta);
    case 'RecordPartnerReport':
      return new RecordPartnerReportCommand({ ...ids, ...spec.data }, meta);
    case 'RecordPartnerDetails':
      return new RecordPartnerDetailsCommand({ ...ids, ...spec.data }, meta);
    case 'RecordPartnerCancellationOutcome':
      return new RecordPartnerCancellationOutcomeCommand({ ...ids, ...spec.data }, meta);
    case 'RecordIssueResponse':
      return new IssueCommandMessage({ type: 'RecordIssueResponse', sellerId: ids.sellerId, issueId: spec.issueId, ...spec.data }, meta);
    case 'RecordWeightDifferential':
      return new RecordWeightDifferentialCommand({ ...ids, ...spec.data }, meta);
    case 'RecordCodSettlement':
      return new RecordCodSettlementCommand({ ...ids, ...spec.data }, meta);
    case 'EscalateIssue':
      return new IssueCommandMessage({ type: 'EscalateIssue', sellerId: ids.sellerId, issueId: spec.issueId, ...spec.data }, meta);
  }
}

/** What others record in a conversation (an RTS, a cancellation, a seller's answer, a partner's callback): the lease holder drives it on. */
const WAKING_EVENTS = new Set(['LogisticsSearchStarted', 'SellerCancelled', 'SellerAnsweredAttempt', 'SellerIssueActed', 'SellerAnsweredWeightDifferential', 'CatalogReceived', 'CallbackReceived']);

/**
 * Drives each shipment's conversation: reads its stream, asks the planner for the next step, does
 * it, and plans again until the planner says wait (then a timer, or a callback, wakes it). Every
 * decision and every request's record is appended expecting the revision it was planned on, so two
 * instances, or one restarted, can never both send a /confirm: the loser's append fails and it
 * plans again from what the winner wrote.
 */
export class ConversationDriver {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('OndcConversationDriver');
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly queued = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<string>();
  private readonly failures = new Map<string, number[]>();
  /**
   * The revision a shipment's next drive must have folded, from what woke it ('read': a timer, a
   * restart or news of unknown revision, so the drive reads the stream).
   */
  private readonly needed = new Map<string, bigint | 'read'>();
  private readonly contexts: ContextBuilder;
  private readonly settings: PlanSettings;
  private readonly now: () => number;
  private stopped: boolean;
  private follower: Subscription | undefined;

  constructor(private readonly options: DriverOptions) {
    const { config } = options;
    this.stopped = options.standby ?? false;
    this.now = options.nowMs ?? Date.now;
    this.contexts = new ContextBuilder({ bapId: config.identity.subscriberId, bapUri: config.identity.bapUri, nowMs: this.now });
    this.settings = {
      searchWindowMs: config.searchWindowMs,
      enoughQuotes: config.enoughQuotes,
      initTimeoutMs: config.initTimeoutMs,
      confirmTimeoutMs: config.confirmTimeoutMs,
      statusPollMs: config.statusPollMs,
      tatGraceMs: config.tatGraceMs,
      cancelTimeoutMs: config.confirmTimeoutMs,
      cancelRetry: config.cancelRetry,
      // Every try may take the whole timeout, with at most 2 s of backoff between tries.
      requestBudgetMs: config.http.attempts * (config.http.timeoutMs + 2_000),
      settlementWindowMs: config.settlementWindowMs,
      reconRounds: config.reconRounds,
      issueTimes: config.issueTimes,
      policy: config.policy,
    };
  }

  /**
   * Something happened to a shipment (a callback, an RTS, a cancellation): drive it now. With the
   * revision of what happened, a drive whose cache holds it already plans without reading.
   */
  nudge(shipmentId: string, revision?: bigint): void {
    if (this.stopped) return;
    const needed = this.needed.get(shipmentId);
    this.needed.set(shipmentId, revision === undefined || needed === 'read' ? 'read' : needed !== undefined && needed > revision ? needed : revision);
    this.start(shipmentId);
  }

  private start(shipmentId: string): void {
    if (this.running.has(shipmentId)) {
      this.again.add(shipmentId);
      return;
    }
    if (this.running.size >= MAX_CONCURRENT_DRIVES) {
      this.queued.add(shipmentId);
      return;
    }
    const run = this.runUntilQuiet(shipmentId).finally(() => {
      this.running.delete(shipmentId);
      const [next] = this.queued;
      if (next !== undefined) {
        this.queued.delete(next);
        this.start(next);
      }
    });
    this.running.set(shipmentId, run);
  }

  /** Resolves once nothing is being driven (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || (this.queued.size > 0 && !this.stopped)) await Promise.allSettled([...this.running.values()]);
  }

  /** The conversations as a lease-held worker: one instance drives them all, another takes over when it dies. */
  worker(): { kind: 'worker'; name: string; start: () => Promise<void>; stop: () => Promise<void> } {
    return { kind: 'worker', name: 'ondc-conversation-driver', start: () => this.takeOver(), stop: () => this.stop() };
  }

  /**
   * This instance now drives every conversation: the open ones from their streams, and each one
   * another instance records news in (callbacks reach whichever instance the network picks).
   */
  async takeOver(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const { after } = await this.resumeOpen();
    if (this.stopped) return;
    this.follower = this.options.store.subscribe({
      ...(after !== undefined ? { after } : {}),
      filter: { kind: 'streamName', prefixes: [CONVERSATION_STREAM_PREFIX] },
      onEvent: async (event) => {
        if (WAKING_EVENTS.has(event.type)) this.nudge(shipmentIdOfStream(event.stream), event.revision);
      },
      onError: (error) => this.logger.error(`Following the conversations ended: ${error.message}`),
    });
  }

  /** At start: every conversation whose stream does not end settled is driven again, so nothing started before a restart is lost. */
  async resumeAll(): Promise<number> {
    return (await this.resumeOpen()).resumed;
  }

  private async resumeOpen(): Promise<{ resumed: number; after: Position | undefined }> {
    const open = new Map<string, boolean>();
    let after: bigint | undefined;
    for (;;) {
      const page = await this.options.store.readAll({ maxCount: 1_000, filter: { kind: 'streamName', prefixes: [CONVERSATION_STREAM_PREFIX] }, ...(after === undefined ? {} : { after }) });
      for (const event of page) open.set(shipmentIdOfStream(event.stream), !settlesConversation(event));
      const last = page[page.length - 1];
      if (!last) break;
      after = last.position;
    }
    const shipments = [...open].filter(([, unsettled]) => unsettled).map(([id]) => id);
    for (const id of shipments) this.nudge(id);
    if (shipments.length > 0) this.logger.log(`resumed ${shipments.length} open ONDC conversation(s)`);
    return { resumed: shipments.length, after };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const follower = this.follower;
    this.follower = undefined;
    await follower?.stop();
    this.queued.clear();
    this.needed.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.idle();
  }

  /** A partner that failed us lately ranks after the others (counted across shipments, in this process). */
  private recentFailures = (bppId: string): number => {
    const since = this.now() - this.options.config.policy.recentFailureWindowMs;
    const recent = (this.failures.get(bppId) ?? []).filter((at) => at >= since);
    this.failures.set(bppId, recent);
    return recent.length;
  };

  private async runUntilQuiet(shipmentId: string): Promise<void> {
    do {
      this.again.delete(shipmentId);
      try {
        await this.drive(shipmentId);
      } catch (error) {
        this.logger.error(`conversation of shipment ${shipmentId} failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
        this.wakeAt(shipmentId, this.now() + RETRY_AFTER_FAILURE_MS);
      }
    } while (this.again.has(shipmentId) && !this.stopped);
  }

  private planContext(): PlanContext {
    return { nowMs: this.now(), settings: this.settings, inFlight: this.inFlight, recentFailures: this.recentFailures, contexts: this.contexts, newNetworkOrderId };
  }

  private async drive(shipmentId: string): Promise<void> {
    const needed = this.needed.get(shipmentId) ?? 'read';
    this.needed.delete(shipmentId);
    // After each step, what the drive itself appended: the cache folded it, so the next plan needs no read.
    let atLeast: bigint | undefined = needed === 'read' ? undefined : needed;
    for (let i = 0; i < MAX_STEPS_PER_DRIVE && !this.stopped; i++) {
      const { conversations } = this.options;
      const loaded = atLeast === undefined ? await conversations.load(shipmentId) : await conversations.loadAtLeast(shipmentId, atLeast);
      if (loaded.revision === 'no_stream') return;
      const step = planConversation(loaded.state, this.planContext());
      if (step.kind === 'wait') {
        if (step.untilMs !== undefined) this.wakeAt(shipmentId, step.untilMs);
        return;
      }
      const performed = await this.perform(shipmentId, loaded, step);
      if (performed === 'yield') return;
      atLeast = performed.atLeast;
    }
  }

  /**
   * Does one step; 'yield' when the conversation can go no further now (a timer resumes it), else
   * the revision its own appends reached (undefined after a conflict: the next plan reads).
   */
  private async perform(shipmentId: string, loaded: LoadedConversation, step: Exclude<Step, { kind: 'wait' }>): Promise<'yield' | { atLeast: bigint | undefined }> {
    switch (step.kind) {
      case 'append': {
        const revision = await this.appendDecisions(shipmentId, step.events, loaded);
        if (revision !== undefined) this.rememberFailures(step.events);
        return { atLeast: revision };
      }
      case 'send':
        return this.sendRequest(shipmentId, loaded, step.decisions, step.request);
      case 'command':
        return { atLeast: await this.runCommand(shipmentId, loaded, step.spec) };
    }
  }

  /**
   * Appends decisions expecting the revision they were planned on; the revision reached, or
   * undefined when someone else wrote first (plan again). Their cause is the last event they were
   * planned on; they correlate on their transaction.
   */
  private async appendDecisions(shipmentId: string, events: ConversationEvent[], loaded: LoadedConversation): Promise<bigint | undefined> {
    const cause = loaded.events[loaded.events.length - 1];
    if (!cause) throw new Error(`conversation of shipment ${shipmentId} has no event to decide on`);
    const causeCorrelation = typeof cause.metadata['correlationId'] === 'string' ? cause.metadata['correlationId'] : cause.id;
    const metadataOf = (e: ConversationEvent) => ({
      ...ondcMetadata(ADAPTER_ACTOR, 'transactionId' in e.data ? e.data.transactionId : causeCorrelation, cause.id),
      sentBy: this.instanceId,
    });
    try {
      const appended = await this.options.store.append(
        conversationStream(shipmentId),
        events.map((e) => ({ type: e.type, data: asJson(e.data), metadata: metadataOf(e) })),
        { expectedRevision: loaded.revision, returnEvents: true },
      );
      this.options.conversations.appended(shipmentId, appended.events);
      return appended.nextExpectedRevision;
    } catch (error) {
      if (error instanceof StreamRevisionConflictError) return undefined;
      throw error;
    }
  }

  private rememberFailures(events: ConversationEvent[]): void {
    for (const event of events) {
      if (event.type !== 'CandidateFailed' && event.type !== 'QuoteRejected') continue;
      const at = this.failures.get(event.data.bppId) ?? [];
      this.failures.set(event.data.bppId, [...at, this.now()]);
    }
  }

  /**
   * The request's record goes in with the decisions, before the request leaves: whoever appends it
   * owns sending it. The synchronous answer is recorded after (a fact, so at any revision).
   */
  private async sendRequest(shipmentId: string, loaded: LoadedConversation, decisions: ConversationEvent[], request: OutboundRequest): Promise<'yield' | { atLeast: bigint | undefined }> {
    let to: string;
    try {
      to = await this.options.outbound.urlOf(request);
    } catch (error) {
      if (!(error instanceof GatewayUnknownError)) throw error;
      this.logger.warn(`cannot search for shipment ${shipmentId} yet: ${error.message}`);
      this.wakeAt(shipmentId, this.now() + RETRY_AFTER_FAILURE_MS);
      return 'yield';
    }
    const { context } = request.message;
    const sent: ConversationEvent = {
      type: SENT_EVENT_TYPES[request.action],
      data: {
        transactionId: request.transactionId,
        messageId: context.message_id,
        to,
        ...(request.bppId ? { bppId: request.bppId } : {}),
        message: request.message,
        sentAt: context.timestamp,
        sentBy: this.instanceId,
        ...(request.resend ? { resend: true } : {}),
      },
    };
    this.inFlight.add(context.message_id);
    try {
      if ((await this.appendDecisions(shipmentId, [...decisions, sent], loaded)) === undefined) return { atLeast: undefined };
      this.rememberFailures(decisions);
      const outcome = await this.options.outbound.send(request, to, { sellerId: loaded.state.sellerId, orderId: loaded.state.orderId, shipmentId });
      const answered: ConversationEvent = {
        type: 'RequestAnswered',
        data: {
          transactionId: request.transactionId,
          action: request.action,
          messageId: context.message_id,
          outcome: outcome.outcome,
          ...(outcome.outcome === 'nack' && outcome.error ? { error: outcome.error } : {}),
          ...(outcome.outcome === 'unreachable' ? { detail: outcome.reason } : {}),
          attempts: outcome.attempts,
          answeredAt: new Date(this.now()).toISOString(),
        },
      };
      const metadata = ondcMetadata(ADAPTER_ACTOR, request.transactionId, context.message_id);
      const recorded = await this.options.store.append(conversationStream(shipmentId), [{ type: answered.type, data: asJson(answered.data), metadata }], { expectedRevision: 'any', returnEvents: true });
      this.options.conversations.appended(shipmentId, recorded.events);
      return { atLeast: recorded.nextExpectedRevision };
    } finally {
      this.inFlight.delete(context.message_id);
    }
  }

  private async runCommand(shipmentId: string, loaded: LoadedConversation, spec: DomainCommandSpec): Promise<bigint | undefined> {
    const { state } = loaded;
    const result = await this.execute(state, shipmentId, spec);
    const record = recordOfCommand(spec, result, this.planContext());
    // A conflict means someone recorded first; the command is idempotent, so planning again repeats nothing.
    return this.appendDecisions(shipmentId, [record], loaded);
  }

  private async execute(state: ConversationState, shipmentId: string, spec: DomainCommandSpec): Promise<CommandResult> {
    const ids = { sellerId: state.sellerId, orderId: state.orderId, shipmentId };
    const meta: CommandMeta = {
      actor: { type: 'ondc-logistics', id: this.options.config.identity.subscriberId },
      channel: 'ondc',
      correlationId: spec.transactionId,
      ...('callback' in spec && spec.callback ? { causationId: spec.callback.eventId } : {}),
      idempotencyKey: spec.idempotencyKey,
    };
    try {
      await this.options.commands.execute(commandOf(spec, ids, meta));
      return { result: 'applied' };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.warn(`${spec.command} for shipment ${shipmentId} refused: ${error.code}: ${error.message}`);
      return { result: 'refused', detail: `${error.code}: ${error.message}` };
    }
  }

  private wakeAt(shipmentId: string, atMs: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(shipmentId);
    if (existing) clearTimeout(existing);
    const delay = Math.min(Math.max(0, atMs - this.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(shipmentId);
      this.nudge(shipmentId);
    }, delay);
    timer.unref();
    this.timers.set(shipmentId, timer);
  }
}
