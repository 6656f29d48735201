import type { IssueCommandOf, OrderCommandOf, OrderCommandType, PartnerReport } from '@fulfil/domain';
import { ContextBuilder, rfc3339 } from '../context';
import type { IssueTimes } from '../igm/issue-messages';
import type { LogisticsDomain, OndcMessage, RequestAction } from '../types';
import type { PartnerPolicy } from './partner-policy';
import type { ConversationEvent, ToldDifferential } from './conversation-events';
import type { RecordedCallback, SentRequest } from './conversation-state';
import type { PartnerFacts } from './partner-facts';

/** A domain command's own fields: the driver adds the order's and shipment's ids. */
type CommandData<T extends OrderCommandType> = Omit<OrderCommandOf<T>, 'type' | 'sellerId' | 'orderId' | 'shipmentId'>;

/**
 * What the planner asks the driver to do next for one conversation. The planner is pure: it reads
 * the folded stream, the clock and the settings; the driver performs the step and plans again.
 */

export interface PlanSettings {
  searchWindowMs: number;
  enoughQuotes: number;
  initTimeoutMs: number;
  confirmTimeoutMs: number;
  statusPollMs: number;
  /** How long past a promised pickup or delivery time (TAT) we wait for the partner's report before cancelling with 007. */
  tatGraceMs: number;
  /** How long a partner has to confirm a /cancel it took with /on_cancel before the try counts as failed. */
  cancelTimeoutMs: number;
  /** /cancel tries in all, and the backoff between them (deterministic: the plan must be repeatable). */
  cancelRetry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  /** How long a request can still be in flight (all its tries); after that, unanswered, it is sent again. */
  requestBudgetMs: number;
  /** A COD delivery's settlement window: the first /recon goes out this long after the delivery, each further round this long after the last. */
  settlementWindowMs: number;
  /** /recon rounds in all before we stop asking a partner that has not settled in accord. */
  reconRounds: number;
  /** The times a partner is given to respond to an issue and to resolve it; past either, the issue escalates itself. */
  issueTimes: IssueTimes;
  policy: PartnerPolicy;
}

export interface PlanContext {
  nowMs: number;
  settings: PlanSettings;
  /** Message ids this process is sending right now: not orphans, however old. */
  inFlight: ReadonlySet<string>;
  recentFailures: (bppId: string) => number;
  contexts: ContextBuilder;
  newNetworkOrderId: () => string;
}

/** Where a request goes: the gateway of a domain (looked up when needed) or a URL. */
export type Target = { gateway: LogisticsDomain } | { url: string };

export interface OutboundRequest {
  action: RequestAction;
  transactionId: string;
  target: Target;
  bppId?: string;
  message: OndcMessage<RequestAction>;
  resend?: boolean;
}

export type DomainCommandSpec =
  | {
      command: 'AssignLogisticsPartner';
      idempotencyKey: string;
      transactionId: string;
      data: { partnerId: string; partnerName: string; networkOrderId: string; awb?: string; trackingUrl?: string; pickupSlot?: { start: string; end: string }; surgeFeePaise?: number };
    }
  | { command: 'RecordNoPartnerFound'; idempotencyKey: string; transactionId: string; data: { reason: string; candidatesTried: number } }
  | {
      command: 'RecordPartnerReport';
      idempotencyKey: string;
      transactionId: string;
      callback: RecordedCallback;
      data: CommandData<'RecordPartnerReport'>;
      /** A COD delivery: its cash is still to reconcile once the domain takes it. */
      reconOwed?: boolean;
    }
  | {
      command: 'RecordPartnerDetails';
      idempotencyKey: string;
      transactionId: string;
      callback: RecordedCallback;
      /** What the domain is given, as the conversation will count it known. */
      facts: PartnerFacts;
      data: CommandData<'RecordPartnerDetails'>;
    }
  | {
      command: 'RecordWeightDifferential';
      idempotencyKey: string;
      transactionId: string;
      callback: RecordedCallback;
      /** What the domain is told, as the conversation will count it known. */
      told: ToldDifferential;
      data: CommandData<'RecordWeightDifferential'>;
    }
  | {
      command: 'RecordPartnerCancellationOutcome';
      idempotencyKey: string;
      transactionId: string;
      /** The partner's callback that confirmed it; none when it failed for good. */
      callback?: RecordedCallback;
      data: CommandData<'RecordPartnerCancellationOutcome'>;
    }

  | {
      /** The partner's answer to our /recon; `closes` when it settled what we claimed, in accord. */
      command: 'RecordCodSettlement';
      idempotencyKey: string;
      transactionId: string;
      callback: RecordedCallback;
      closes: boolean;
      data: CommandData<'RecordCodSettlement'>;
    }
  | {
      /** A partner's action on an issue, for the issue's own stream. */
      command: 'RecordIssueResponse';
      idempotencyKey: string;
      transactionId: string;
      callback: RecordedCallback;
      issueId: string;
      data: Omit<IssueCommandOf<'RecordIssueResponse'>, 'type' | 'sellerId' | 'issueId'>;
    }
  | {
      /** An issue whose partner let its response or resolution time pass, taken to the grievance officer. */
      command: 'EscalateIssue';
      idempotencyKey: string;
      transactionId: string;
      issueId: string;
      data: Omit<IssueCommandOf<'EscalateIssue'>, 'type' | 'sellerId' | 'issueId'>;
    };

export type CommandResult = { result: 'applied' } | { result: 'refused'; detail: string };

export type Step =
  /** Decisions, appended expecting the revision the plan read. */
  | { kind: 'append'; events: ConversationEvent[] }
  /** Decisions and a request: appended together (the request's record last), then the request goes out. */
  | { kind: 'send'; decisions: ConversationEvent[]; request: OutboundRequest }
  /** A domain command; what came of it is recorded after. */
  | { kind: 'command'; spec: DomainCommandSpec }
  /** Nothing to do before this time (or before something new happens, without one). */
  | { kind: 'wait'; untilMs?: number };

export const waitUntil = (untilMs?: number): Step => (untilMs === undefined ? { kind: 'wait' } : { kind: 'wait', untilMs });

/** Reports after which the partner has nothing more to tell about the shipment. */
export const TERMINAL_REPORTS: ReadonlySet<PartnerReport> = new Set<PartnerReport>(['delivered', 'cancelled', 'rto_delivered', 'rto_disposed']);

export type RequestProgress =
  | { state: 'answered'; answer: NonNullable<SentRequest['answer']> }
  | { state: 'in-flight' }
  | { state: 'pending'; untilMs: number }
  | { state: 'orphaned' };

/** Where a request stands: answered, being sent by us, possibly being sent by another instance, or lost. */
export function progressOf(request: SentRequest, ctx: PlanContext): RequestProgress {
  if (request.answer) return { state: 'answered', answer: request.answer };
  if (ctx.inFlight.has(request.messageId)) return { state: 'in-flight' };
  const orphanAt = request.sentAtMs + ctx.settings.requestBudgetMs;
  return ctx.nowMs >= orphanAt ? { state: 'orphaned' } : { state: 'pending', untilMs: orphanAt };
}

/** The same request, same message id, with a fresh timestamp (a stale one would be refused with 65003). */
export function resendOf(request: SentRequest, ctx: PlanContext): OutboundRequest {
  const original = request.message as OndcMessage<RequestAction>;
  const message = { ...original, context: { ...original.context, timestamp: rfc3339(ctx.nowMs) } } as OndcMessage<RequestAction>;
  return {
    action: request.action,
    transactionId: request.transactionId,
    target: { url: request.to },
    ...(request.bppId ? { bppId: request.bppId } : {}),
    message,
    resend: true,
  };
}

/** The partner's answer in words, for failure records. */
export function describeAnswer(answer: NonNullable<SentRequest['answer']>): string {
  if (answer.outcome === 'unreachable') return `no answer (${answer.detail ?? 'unreachable'})`;
  if (answer.outcome === 'nack') return answer.error ? `NACK ${answer.error.type} ${answer.error.code}${answer.error.message ? `: ${answer.error.message}` : ''}` : 'NACK without an error';
  return 'ACK';
}

export const iso = (ctx: PlanContext): string => rfc3339(ctx.nowMs);
