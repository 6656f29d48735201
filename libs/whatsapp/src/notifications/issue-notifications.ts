import type { IssueEvent, IssueKind, OpenedIssue } from '@fulfil/domain';
import type { Notification, NotificationContext } from './order-notifications';
import { formatAmount } from './order-notifications';

/** The issue events that may call for a message to the seller: the partner's answers. */
export const NOTIFYING_ISSUE_EVENT_TYPES = ['IssuePartnerResponded'] as const;

const KIND_TEXT: Readonly<Record<IssueKind, string>> = { lost: 'lost parcel', damaged: 'damaged parcel', delayed: 'delayed delivery', wrong_delivery: 'wrong delivery' };

/**
 * What to tell the seller of the partner's answer to an issue about one of their shipments: a
 * request for information, a resolution to accept or escalate, the issue resolved. Taking the
 * partner up ("processing") needs no message.
 */
export function issueNotificationsFor(eventId: string, event: IssueEvent, issue: OpenedIssue, ctx: NotificationContext): Notification[] {
  if (event.type !== 'IssuePartnerResponded' || !ctx.sellerNumber) return [];
  const d = event.data;
  const about = `Order ${issue.orderId}, your issue about a ${KIND_TEXT[issue.kind]} (${issue.issueId})`;
  const grievance = d.level === 'grievance' ? `${issue.partnerName}'s grievance officer` : issue.partnerName;
  const offer = d.resolution ? `${d.resolution.text}${d.resolution.refundPaise !== undefined ? ` (${formatAmount(d.resolution.refundPaise)})` : ''}` : '';
  const body =
    d.response === 'info_requested'
      ? `${about}: ${grievance} asks: "${d.text}". Answer it in the console or with POST /v1/issues/${issue.issueId}/info.`
      : d.response === 'resolution_proposed'
        ? `${about}: ${grievance} proposes ${offer}. Accept it, or escalate it if it falls short, in the console or the API.`
        : d.response === 'resolved'
          ? `${about}: ${grievance} has resolved it${offer ? `: ${offer}` : ''}. Close it once you are satisfied.`
          : undefined;
  return body ? [{ key: `${eventId}:0`, to: ctx.sellerNumber, purpose: `issue-${d.response.replace(/_/g, '-')}`, message: { kind: 'text', body } }] : [];
}
