import { rfc3339 } from '@fulfil/ondc';
import type { IgmAction, IgmActionCode, IgmActor, IgmIssue, IgmIssueMessage, IgmResolution } from '@fulfil/ondc';
import type { SandboxPartner } from '../network';

/**
 * How a sandbox partner handles an issue (IGM 2.0): it takes it up at once, asks for photos of a
 * damaged parcel, proposes a refund, resolves once the refund is accepted, and answers an
 * escalation from its grievance officer with a better offer. Each answer is the issue as received
 * with the partner's actions appended: the first one answers our message (same message id), the
 * ones after it are its own news.
 */

export interface IssueReply {
  /** Steps of the sandbox clock after the ACK: 0 for the answer to our message. */
  afterSteps: number;
  message: IgmIssueMessage;
}

/** What the partner gives back, in paise, for each level: the grievance officer offers more. */
const REFUNDS = { ISSUE: 5_000, GRIEVANCE: 15_000 } as const;

const actorOf = (partner: SandboxPartner, officer: boolean): IgmActor => ({
  id: officer ? `${partner.subscriberId}-gro` : `${partner.subscriberId}-support`,
  type: officer ? 'COUNTERPARTY_NP_GRO' : 'COUNTERPARTY_NP',
  info: {
    org: { name: `${partner.subscriberId}::ONDC:LOG10` },
    person: { name: officer ? `${partner.profile.displayName} grievance officer` : `${partner.profile.displayName} support` },
    contact: { phone: officer ? '9876500002' : '9876500001', email: officer ? `gro@${partner.subscriberId}` : `support@${partner.subscriberId}` },
  },
});

/**
 * Every answer to one issue message the partner sends, in order. `sendAtMs` says when each will
 * go out: an answer is stamped with that time (its actions, its issue's updated_at), and sent under
 * it, as ONDC's on_issue check wants the issue updated when the message is.
 */
export function answersToIssue(partner: SandboxPartner, issue: IgmIssue, sendAtMs: (afterSteps: number) => number): IssueReply[] {
  const nowMs = sendAtMs(0);
  const last = issue.actions[issue.actions.length - 1];
  const officer = issue.level !== 'ISSUE';
  const actor = actorOf(partner, officer);
  let sequence = issue.actions.filter((a) => a.action_by === actor.id).length;
  // Each answer is a little later than the last: actions of one issue keep their order in time.
  let atMs = nowMs;
  const action = (code: IgmActionCode, text: string, extra: Partial<IgmAction> = {}): IgmAction => ({
    id: `${actor.id}-${issue.id}-${++sequence}`,
    descriptor: { code, short_desc: text },
    updated_at: rfc3339(atMs++),
    action_by: actor.id,
    actor_details: { name: actor.info.person?.name ?? actor.info.org.name },
    ...extra,
  });
  const refund = (): IgmResolution => ({
    id: `${actor.id}-${issue.id}-R${(issue.resolutions?.length ?? 0) + 1}`,
    descriptor: { code: 'REFUND', short_desc: `Refund of Rs ${REFUNDS[officer ? 'GRIEVANCE' : 'ISSUE'] / 100} for the trouble` },
    updated_at: rfc3339(atMs),
    proposed_by: actor.id,
    tags: [{ descriptor: { code: 'RESOLUTION_DETAILS' }, list: [{ descriptor: { code: 'REFUND_AMOUNT' }, value: (REFUNDS[officer ? 'GRIEVANCE' : 'ISSUE'] / 100).toFixed(2) }] }],
  });
  const actors = [...issue.actors.filter((a) => a.id !== actor.id), actor];
  let current: IgmIssue = { ...issue, actors, respondent_ids: [actor.id] };
  const next = (afterSteps: number, status: IgmIssue['status'], appended: IgmAction[], resolutions?: IgmResolution[]): IssueReply => {
    // Later answers go out later: their actions (and a resolution they propose) carry their own send time.
    atMs = Math.max(atMs, sendAtMs(afterSteps));
    const stamped = appended.map((a) => ({ ...a, updated_at: rfc3339(atMs++) }));
    const sentAt = rfc3339(atMs - 1);
    if (resolutions) resolutions = resolutions.map((r, i) => (i === resolutions!.length - 1 && r.proposed_by === actor.id ? { ...r, updated_at: sentAt } : r));
    const actions = [...current.actions, ...stamped];
    current = { ...current, status, updated_at: actions[actions.length - 1]!.updated_at, last_action_id: actions[actions.length - 1]!.id, actions, ...(resolutions ? { resolutions } : {}) };
    return { afterSteps, message: { update_target: [{ path: 'issue.actions', action: 'APPENDED' }], issue: current } };
  };
  const propose = (afterSteps: number): IssueReply => {
    const resolution = refund();
    return next(afterSteps, 'PROCESSING', [action('RESOLUTION_PROPOSED', resolution.descriptor.short_desc, { ref_id: resolution.id, ref_type: 'RESOLUTIONS' })], [...(issue.resolutions ?? []), resolution]);
  };
  switch (last?.descriptor.code) {
    case 'OPEN':
      return issue.descriptor.code === 'FLM04'
        ? [next(0, 'PROCESSING', [action('PROCESSING', 'We are looking into it')]), next(1, 'PROCESSING', [action('INFO_REQUESTED', 'Please share photos of the package as it arrived')])]
        : [next(0, 'PROCESSING', [action('PROCESSING', 'We are looking into it')]), propose(1)];
    case 'INFO_PROVIDED':
      return [next(0, 'PROCESSING', [action('PROCESSING', 'Thank you, checking the photos')]), propose(1)];
    case 'ESCALATED':
      return [next(0, 'PROCESSING', [action('PROCESSING', 'Your grievance is with our grievance officer')]), propose(1)];
    case 'RESOLUTION_ACCEPTED': {
      const accepted = issue.resolutions?.find((r) => r.id === last.ref_id);
      return [next(0, 'RESOLVED', [action('RESOLVED', accepted ? `Resolved: ${accepted.descriptor.short_desc}` : 'Resolved', accepted ? { ref_id: accepted.id, ref_type: 'RESOLUTIONS' } : {})])];
    }
    default:
      // Closed, or an action the partner has nothing to say to.
      return [];
  }
}
