import type { OpenedIssue } from '@fulfil/domain';
import { isoDurationToMs } from '../duration';
import { buildIssue, readOnIssue } from '../igm/issue-messages';
import type { OndcMessage } from '../types';
import type { ConversationState } from './conversation-state';
import { attemptOf, requestOf } from './conversation-state';
import { processed } from './plan-reports';
import { OutboundRequest, PlanContext, Step, progressOf, resendOf, waitUntil } from './steps';

/**
 * The shipment's issues (IGM 2.0) in its conversation: every action of the seller goes to the
 * partner as one /issue, under the message id chosen when it was recorded (a lost one is sent
 * again); every action of the partner in an /on_issue is told to the issue's stream once.
 */

/** A partner's action on an issue is recorded once per partner, issue and action. */
export const issueResponseKey = (bppId: string, issueId: string, actionId: string): string => `ondc-issue:${bppId}:${issueId}:${actionId}`;

/** Who we were in the issue's last /issue: the partner's actions are the others. */
function ourActorIds(state: ConversationState, issueId: string): string[] {
  const sent = [...state.requests].reverse().find((r) => r.action === 'issue' && (r.message as OndcMessage<'issue'>).message.issue.id === issueId);
  const issue = sent ? (sent.message as OndcMessage<'issue'>).message.issue : undefined;
  return issue ? [issue.complainant_id, issue.source_id] : [];
}

/** The oldest on_issue whose partner actions are not all told to the domain, and the next of them. */
export function issueCallbackStep(state: ConversationState, ctx: PlanContext): Step | undefined {
  const callback = state.callbacks.find((c) => c.action === 'on_issue' && !c.processed);
  if (!callback) return undefined;
  const body = callback.body as OndcMessage<'on_issue'>;
  const issueId = body.message.issue.id;
  if (!state.issueUpdates.some((u) => u.issueId === issueId)) return { kind: 'append', events: [processed(callback, ctx, 'not-for-the-current-order', { detail: `no issue ${issueId} on this shipment` })] };
  const actions = readOnIssue(body, ourActorIds(state, issueId));
  const untold = actions.find((a) => state.notified[issueResponseKey(callback.bppId, issueId, a.actionId)] === undefined);
  if (!untold) return { kind: 'append', events: [processed(callback, ctx, actions.length > 0 ? 'reported' : 'nothing-to-report')] };
  const { issueId: _issueId, ...data } = untold;
  return {
    kind: 'command',
    spec: { command: 'RecordIssueResponse', idempotencyKey: issueResponseKey(callback.bppId, issueId, untold.actionId), transactionId: callback.transactionId, callback, issueId, data },
  };
}

/** The seller's next issue action not yet with the partner, sent with the whole issue as it stood then. */
export function issueStep(state: ConversationState, ctx: PlanContext): Step | undefined {
  const order = state.partnerOrder;
  const attempt = order ? attemptOf(state, order.transactionId) : undefined;
  if (!order || !attempt) return undefined;
  for (const update of state.issueUpdates) {
    const sent = requestOf(state, update.messageId);
    if (sent) {
      if (progressOf(sent, ctx).state === 'orphaned') return { kind: 'send', decisions: [], request: resendOf(sent, ctx) };
      continue;
    }
    const lastOnIssue = [...state.callbacks].reverse().find((c) => c.action === 'on_issue' && (c.body as OndcMessage<'on_issue'>).message.issue.id === update.issueId);
    const context = ctx.contexts.build('issue', {
      domain: attempt.domain as 'ONDC:LOG10' | 'ONDC:LOG11',
      city: attempt.city,
      transactionId: order.transactionId,
      bpp: { id: order.bppId, uri: order.offer.bppUri },
      messageId: update.messageId,
    });
    const start = attempt.shipment?.pickup;
    const message = buildIssue(context, {
      issue: update.issue,
      networkOrderId: order.networkOrderId,
      offer: order.offer,
      bapId: context.bap_id,
      us: { name: attempt.billing.name, phone: attempt.billing.phone, email: attempt.billing.email },
      seller: { name: start?.name ?? attempt.billing.name, phone: start?.phone ?? attempt.billing.phone, ...(start?.email ? { email: start.email } : {}) },
      ...(lastOnIssue ? { echo: (lastOnIssue.body as OndcMessage<'on_issue'>).message.issue } : {}),
      expected: ctx.settings.issueTimes,
    });
    const request: OutboundRequest = { action: 'issue', transactionId: order.transactionId, target: { url: order.offer.bppUri }, bppId: order.bppId, message };
    return { kind: 'send', decisions: [], request };
  }
  return undefined;
}

/** An issue escalates itself once: its escalation is recorded under this key, applied or refused. */
export const issueEscalationKey = (issueId: string): string => `ondc-issue-escalate:${issueId}`;

/** The seller has taken a resolution, or the issue is over: the partner's times no longer run. */
const SETTLED_ISSUE = new Set<OpenedIssue['status']>(['resolution_accepted', 'resolved', 'closed']);

interface EscalationClock {
  issueId: string;
  atMs: number;
  reason: string;
}

/**
 * When each open issue escalates itself (IGM 2.0): the partner was given a time to respond and a
 * time to resolve in the first /issue; one that lets either pass without a response, or without
 * proposing a resolution, is taken to its grievance officer. Only an issue still at the first
 * level, and only once: the seller's own escalation, acceptance or closing stops the clocks.
 */
function escalationClocks(state: ConversationState, ctx: PlanContext): EscalationClock[] {
  const times = ctx.settings.issueTimes;
  // The config admits only durations that parse; undefined would be a bug, and never escalates.
  const responseMs = isoDurationToMs(times.response) ?? Number.POSITIVE_INFINITY;
  const resolutionMs = isoDurationToMs(times.resolution) ?? Number.POSITIVE_INFINITY;
  const latest = new Map<string, OpenedIssue>();
  for (const update of state.issueUpdates) latest.set(update.issueId, update.issue);
  return [...latest.values()].flatMap((issue) => {
    if (issue.level !== 'issue' || SETTLED_ISSUE.has(issue.status) || state.notified[issueEscalationKey(issue.issueId)] !== undefined) return [];
    const answers = state.callbacks
      .filter((c) => c.action === 'on_issue' && (c.body as OndcMessage<'on_issue'>).message.issue.id === issue.issueId)
      .flatMap((c) => readOnIssue(c.body as OndcMessage<'on_issue'>, ourActorIds(state, issue.issueId)).map((a) => a.response));
    const responded = answers.length > 0 || issue.actions.some((a) => a.by === 'partner');
    const offered = answers.some((r) => r === 'resolution_proposed' || r === 'resolved') || issue.resolutions.length > 0;
    const raisedAtMs = Date.parse(issue.raisedAt);
    const clocks: EscalationClock[] = [];
    if (!responded) clocks.push({ issueId: issue.issueId, atMs: raisedAtMs + responseMs, reason: `${issue.partnerName} did not respond within ${times.response}` });
    if (!offered) clocks.push({ issueId: issue.issueId, atMs: raisedAtMs + resolutionMs, reason: `${issue.partnerName} proposed no resolution within ${times.resolution}` });
    return clocks;
  });
}

/** The escalation of the first issue whose time is up, for the issue's own stream. */
export function issueEscalationStep(state: ConversationState, ctx: PlanContext): Step | undefined {
  const order = state.partnerOrder;
  const due = order ? escalationClocks(state, ctx).find((c) => c.atMs <= ctx.nowMs) : undefined;
  if (!order || !due) return undefined;
  return {
    kind: 'command',
    spec: { command: 'EscalateIssue', idempotencyKey: issueEscalationKey(due.issueId), transactionId: order.transactionId, issueId: due.issueId, data: { reason: `Escalated automatically: ${due.reason}` } },
  };
}

/** A wait, woken in time for the next issue escalation too. */
export function withEscalationClock(step: Step, state: ConversationState, ctx: PlanContext): Step {
  if (step.kind !== 'wait') return step;
  const next = Math.min(...escalationClocks(state, ctx).map((c) => c.atMs));
  if (!Number.isFinite(next)) return step;
  return waitUntil(step.untilMs === undefined ? next : Math.min(step.untilMs, next));
}
