import type { IssueEvent, IssueKind, IssueLevel, OpenedIssue } from '@fulfil/domain';
import { MAX_INTERACTIVE_BODY } from '../cloud-api/outgoing-message';
import { issueReplyButton, type SellerIssueAction } from '../conversation/seller-actions';
import type { PlannedMessage } from '../outbox/outbox-message';
import type { Notification, NotificationContext } from './order-notifications';
import { formatAmount } from './order-notifications';

/** The issue events that may call for a message to the seller: the partner's answers, and an escalation the seller did not make. */
export const NOTIFYING_ISSUE_EVENT_TYPES = ['IssuePartnerResponded', 'IssueEscalated'] as const;

/** Who recorded the event (its metadata's actor type): the seller's own escalation needs no message back. */
export interface IssueNotificationContext extends NotificationContext {
  actorType?: string;
}

const KIND_TEXT: Readonly<Record<IssueKind, string>> = { lost: 'lost parcel', damaged: 'damaged parcel', delayed: 'delayed delivery', wrong_delivery: 'wrong delivery' };

/**
 * What to tell the seller of the partner's answer to an issue about one of their shipments: a
 * request for information, a resolution to accept or escalate, the issue resolved. Taking the
 * partner up ("processing") needs no message.
 */
export function issueNotificationsFor(eventId: string, event: IssueEvent, issue: OpenedIssue, ctx: IssueNotificationContext): Notification[] {
  if (!ctx.sellerNumber) return [];
  const about = `Order ${issue.orderId}, your issue about a ${KIND_TEXT[issue.kind]} (${issue.issueId})`;
  if (event.type === 'IssueEscalated') {
    // The adapter escalated it: the partner let the time it was given pass (ADR 0041).
    if (ctx.actorType === 'seller') return [];
    const body = `${about}: ${issue.partnerName} did not answer in time, so it is now with ${issue.partnerName}'s grievance officer (${event.data.reason}).`;
    return [{ key: `${eventId}:0`, to: ctx.sellerNumber, purpose: 'issue-escalated', message: { kind: 'text', body } }];
  }
  if (event.type !== 'IssuePartnerResponded') return [];
  const d = event.data;
  const grievance = d.level === 'grievance' ? `${issue.partnerName}'s grievance officer` : issue.partnerName;
  const offer = d.resolution ? `${d.resolution.text}${d.resolution.refundPaise !== undefined ? ` (${formatAmount(d.resolution.refundPaise)})` : ''}` : '';
  if (d.response === 'resolution_proposed') return [{ key: `${eventId}:0`, to: ctx.sellerNumber, purpose: 'issue-resolution-proposed', message: proposal(about, grievance, offer, issue, d.level) }];
  const body =
    d.response === 'info_requested'
      ? `${about}: ${grievance} asks: "${d.text}". Answer it in the console or with POST /v1/issues/${issue.issueId}/info.`
      : d.response === 'resolved'
        ? `${about}: ${grievance} has resolved it${offer ? `: ${offer}` : ''}. Close it once you are satisfied.`
        : undefined;
  return body ? [{ key: `${eventId}:0`, to: ctx.sellerNumber, purpose: `issue-${d.response.replace(/_/g, '-')}`, message: { kind: 'text', body } }] : [];
}

/**
 * The proposal with a tap for each of the seller's answers. A grievance gets no Escalate: the domain
 * refuses a second escalation. A long offer is shortened to fit Meta's 1024-character button body;
 * the console shows it whole.
 */
function proposal(about: string, partner: string, offer: string, issue: OpenedIssue, level: IssueLevel): PlannedMessage {
  const actions: SellerIssueAction[] = level === 'grievance' ? ['accept_resolution'] : ['accept_resolution', 'escalate'];
  const next =
    level === 'grievance'
      ? '. Tap Accept offer to take it, or use the console or the API.'
      : '. Tap Accept offer to take it, or Escalate if it falls short; the console and the API work too.';
  const head = `${about}: ${partner} proposes `;
  return { kind: 'buttons', body: `${head}${clipped(offer, MAX_INTERACTIVE_BODY - head.length - next.length)}${next}`, buttons: actions.map((action) => issueReplyButton(action, issue)) };
}

/** At most `max` UTF-16 units (what the send-time limit check measures), cut between characters, marked with an ellipsis. */
function clipped(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max - 1) break;
    kept += char;
  }
  return `${kept}…`;
}
