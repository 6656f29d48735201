import type { IssueAction, IssueActionCode, IssueCommandOf, IssueKind, IssueLevel, OpenedIssue, PartnerIssueResponse, ProposedResolution, ResolutionKind } from '@fulfil/domain';
import type { CatalogOffer, ShipmentStop } from '../messages';
import { formatRupees, parseRupees } from '../money';
import type { ContextOf, IgmAction, IgmActionCode, IgmActor, IgmIssue, IgmIssueMessage, IgmIssueStatus, IgmResolution, OndcMessage } from '../types';

/**
 * IGM 2.0 as a logistics buyer speaks it: the seller's issue about a shipment goes to the partner
 * as `/issue` messages, each carrying the whole issue so far (every action of both sides, every
 * resolution proposed), and the partner answers with `/on_issue` in the same shape. Built from the
 * domain's issue and the confirmed order; read back into the partner's new actions.
 */

/**
 * Fulfilment issue codes of ONDC's IGM category list for logistics (FLM): lost is not delivered,
 * damaged a packaging issue, delayed a delay in delivery, wrong delivery a wrong address.
 */
export const ISSUE_CODES: Readonly<Record<IssueKind, { code: string; text: string }>> = {
  lost: { code: 'FLM02', text: 'Package not delivered (lost)' },
  damaged: { code: 'FLM04', text: 'Package damaged' },
  delayed: { code: 'FLM03', text: 'Delay in delivery' },
  wrong_delivery: { code: 'FLM01', text: 'Delivered to a wrong address' },
};

const ACTION_CODES: Readonly<Record<IssueActionCode, IgmActionCode>> = {
  opened: 'OPEN',
  processing: 'PROCESSING',
  info_requested: 'INFO_REQUESTED',
  info_provided: 'INFO_PROVIDED',
  resolution_proposed: 'RESOLUTION_PROPOSED',
  resolution_accepted: 'RESOLUTION_ACCEPTED',
  escalated: 'ESCALATED',
  resolved: 'RESOLVED',
  closed: 'CLOSED',
};

const RESOLUTION_CODES: Readonly<Record<ResolutionKind, string>> = { refund: 'REFUND', replacement: 'REPLACEMENT', reconsider: 'RECONSIDER', no_action: 'NO_ACTION' };

/** How long the partner has to respond and to resolve, as we ask it. */
export const EXPECTED_RESPONSE_TIME = 'PT2H';
export const EXPECTED_RESOLUTION_TIME = 'P1D';

export interface IssueMessageInput {
  issue: OpenedIssue;
  /** The confirmed order the issue is about. */
  networkOrderId: string;
  offer: Pick<CatalogOffer, 'providerId' | 'itemId' | 'fulfillmentId'>;
  /** Who we are (the interfacing network participant) and who raised it (the seller at the pickup). */
  bapId: string;
  us: { name: string; phone: string; email: string };
  seller: Pick<ShipmentStop, 'name' | 'phone' | 'email'>;
  /** The issue as the partner's last on_issue had it: its actors, actions and resolutions are echoed as they came. */
  echo?: IgmIssue;
  /** The times we give the partner (ISO 8601 durations); ours by default. */
  expected?: IssueTimes;
}

/** How long a partner has to respond to an issue and to resolve it. */
export interface IssueTimes {
  response: string;
  resolution: string;
}

export const DEFAULT_ISSUE_TIMES: IssueTimes = { response: EXPECTED_RESPONSE_TIME, resolution: EXPECTED_RESOLUTION_TIME };

export const interfacingActorId = (bapId: string): string => `${bapId}-igm`;
export const sellerActorId = (issue: Pick<OpenedIssue, 'sellerId'>): string => `seller-${issue.sellerId}`;

function resolutionOf(resolution: ProposedResolution, proposedBy: string, at: string): IgmResolution {
  return {
    id: resolution.resolutionId,
    descriptor: { code: RESOLUTION_CODES[resolution.kind], short_desc: resolution.text },
    updated_at: at,
    proposed_by: proposedBy,
    ...(resolution.refundPaise !== undefined
      ? { tags: [{ descriptor: { code: 'RESOLUTION_DETAILS' }, list: [{ descriptor: { code: 'REFUND_AMOUNT' }, value: formatRupees(resolution.refundPaise) }] }] }
      : {}),
  };
}

const STATUS_ON_WIRE = (issue: OpenedIssue): IgmIssueStatus => (issue.status === 'closed' ? 'CLOSED' : issue.status === 'resolved' ? 'RESOLVED' : issue.status === 'open' ? 'OPEN' : 'PROCESSING');

/** The `/issue` carrying the issue as the domain holds it after the seller's latest action. */
export function buildIssue(context: ContextOf<'issue'>, input: IssueMessageInput): OndcMessage<'issue'> {
  const { issue, echo } = input;
  const domain = context.domain;
  const ourId = interfacingActorId(input.bapId);
  const sellerId = sellerActorId(issue);
  const ours: IgmActor[] = [
    { id: sellerId, type: 'SELLER', info: { org: { name: `${input.bapId}::${domain}` }, person: { name: input.seller.name }, contact: { phone: input.seller.phone, email: input.seller.email ?? input.us.email } } },
    { id: ourId, type: 'INTERFACING_NP', info: { org: { name: `${input.bapId}::${domain}` }, person: { name: input.us.name }, contact: { phone: input.us.phone, email: input.us.email } } },
  ];
  const theirs = (echo?.actors ?? []).filter((a) => a.id !== ourId && a.id !== sellerId);
  const respondent = echo?.respondent_ids?.[0] ?? theirs[0]?.id ?? `${context.bpp_id ?? 'partner'}-igm`;
  const echoed = new Map((echo?.actions ?? []).map((a) => [a.id, a]));
  // The partner's actions go back as it wrote them; a partner action we have but it no longer lists is named for its respondent.
  const actions: IgmAction[] = issue.actions.map((action) => echoed.get(action.actionId) ?? wireAction(action, action.by === 'seller' ? ourId : respondent, action.by === 'seller' ? input.us.name : 'partner'));
  const proposedAt = (resolutionId: string) => issue.actions.find((a) => a.refId === resolutionId && a.by === 'partner')?.at ?? issue.updatedAt;
  const resolutions = echo?.resolutions ?? issue.resolutions.map((r) => resolutionOf(r, respondent, proposedAt(r.resolutionId)));
  const last = actions[actions.length - 1]!;
  const body: IgmIssue = {
    id: issue.issueId,
    status: STATUS_ON_WIRE(issue),
    level: issue.level === 'grievance' ? 'GRIEVANCE' : 'ISSUE',
    created_at: issue.raisedAt,
    updated_at: issue.updatedAt,
    expected_response_time: { duration: (input.expected ?? DEFAULT_ISSUE_TIMES).response },
    expected_resolution_time: { duration: (input.expected ?? DEFAULT_ISSUE_TIMES).resolution },
    refs: [
      { ref_id: input.networkOrderId, ref_type: 'ORDER' },
      { ref_id: input.offer.providerId, ref_type: 'PROVIDER' },
      { ref_id: input.offer.fulfillmentId, ref_type: 'FULFILLMENT' },
      { ref_id: input.offer.itemId, ref_type: 'ITEM' },
    ],
    actors: [...ours, ...theirs],
    source_id: sellerId,
    complainant_id: ourId,
    ...(echo?.respondent_ids ? { respondent_ids: echo.respondent_ids } : {}),
    descriptor: { code: ISSUE_CODES[issue.kind].code, short_desc: ISSUE_CODES[issue.kind].text, long_desc: issue.description },
    last_action_id: last.id,
    actions,
    ...(resolutions.length > 0 ? { resolutions } : {}),
  };
  const message: IgmIssueMessage = issue.actions.length > 1 ? { update_target: [{ path: 'issue.actions', action: 'APPENDED' }], issue: body } : { issue: body };
  return { context, message };
}

function wireAction(action: IssueAction, by: string, name: string): IgmAction {
  const code = ACTION_CODES[action.code];
  return {
    id: action.actionId,
    ...(action.refId ? { ref_id: action.refId, ...(code === 'RESOLUTION_ACCEPTED' ? { ref_type: 'RESOLUTIONS' } : {}) } : {}),
    descriptor: { code, short_desc: action.text },
    updated_at: action.at,
    action_by: by,
    actor_details: { name },
    ...(code === 'CLOSED' ? { tags: [{ descriptor: { code: 'CLOSURE_DETAILS' }, list: [{ descriptor: { code: 'RATING' }, value: action.text.includes('not satisfied') ? 'THUMBS_DOWN' : 'THUMBS_UP' }] }] } : {}),
  };
}

/** One of the partner's actions the domain has to hear of: the command that records it, but for whose issue it is. */
export type PartnerIssueAction = Omit<IssueCommandOf<'RecordIssueResponse'>, 'type' | 'sellerId'>;

const RESPONSES: Partial<Record<IgmActionCode, PartnerIssueResponse>> = {
  PROCESSING: 'processing',
  INFO_REQUESTED: 'info_requested',
  RESOLUTION_PROPOSED: 'resolution_proposed',
  RESOLVED: 'resolved',
};

const KINDS: Readonly<Record<string, ResolutionKind>> = { REFUND: 'refund', REPLACEMENT: 'replacement', RECONSIDER: 'reconsider', NO_ACTION: 'no_action' };

function readResolution(resolution: IgmResolution | undefined): ProposedResolution | undefined {
  if (!resolution) return undefined;
  const amount = resolution.tags?.flatMap((t) => t.list ?? []).find((l) => l.descriptor.code === 'REFUND_AMOUNT')?.value;
  const refundPaise = amount !== undefined ? parseRupees(amount) : undefined;
  return {
    resolutionId: resolution.id,
    kind: KINDS[resolution.descriptor.code] ?? 'no_action',
    text: resolution.descriptor.short_desc,
    ...(refundPaise !== undefined ? { refundPaise } : {}),
  };
}

/** The partner's actions in an on_issue (not ours, echoed back), in order, as the domain's responses; actions the domain has no word for are left out. */
export function readOnIssue(body: OndcMessage<'on_issue'>, ourActorIds: readonly string[]): PartnerIssueAction[] {
  const { issue } = body.message;
  const level: IssueLevel = issue.level === 'ISSUE' ? 'issue' : 'grievance';
  return issue.actions.flatMap((action) => {
    const response = RESPONSES[action.descriptor.code];
    if (!response || ourActorIds.includes(action.action_by)) return [];
    // A proposal or resolution names its resolution by ref_id; a resolution without one takes the latest proposed.
    const resolutionId = action.ref_id ?? issue.resolutions?.[issue.resolutions.length - 1]?.id;
    const resolution = response === 'resolution_proposed' || response === 'resolved' ? readResolution(issue.resolutions?.find((r) => r.id === resolutionId)) : undefined;
    return [{ issueId: issue.id, actionId: action.id, response, text: action.descriptor.short_desc ?? action.descriptor.code, level, ...(resolution ? { resolution } : {}), respondedAt: action.updated_at }];
  });
}

