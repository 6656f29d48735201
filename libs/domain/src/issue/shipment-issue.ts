import { IllegalStepError, NotFoundError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import type { OrderState } from '../order/order-state';

/**
 * An issue the seller raises with the logistics partner about one shipment (lost, damaged,
 * delayed, delivered to the wrong place): its own stream, `issue:{sellerId}:{issueId}`, holding
 * both sides' actions in the order they happened. The partner responds (processing, a request for
 * information, a proposed resolution, resolved); the seller provides information, accepts a
 * resolution or escalates it to a grievance, and closes the issue. What goes over the network is
 * the ONDC adapter's business: the domain keeps the facts and the rules of who may do what when.
 */

export const ISSUE_STREAM_PREFIX = 'issue:';
const ID_IN_STREAM = /^[A-Za-z0-9_-]{1,64}$/;

export function issueStream(sellerId: string, issueId: string): string {
  if (!ID_IN_STREAM.test(sellerId) || !ID_IN_STREAM.test(issueId)) throw new Error(`Not an issue stream's ids: seller "${sellerId}", issue "${issueId}"`);
  return `${ISSUE_STREAM_PREFIX}${sellerId}:${issueId}`;
}

export function issueRefOfStream(stream: string): { sellerId: string; issueId: string } | undefined {
  if (!stream.startsWith(ISSUE_STREAM_PREFIX)) return undefined;
  const [sellerId, issueId, ...rest] = stream.slice(ISSUE_STREAM_PREFIX.length).split(':');
  return sellerId && issueId && rest.length === 0 ? { sellerId, issueId } : undefined;
}

export const ISSUE_KINDS = ['lost', 'damaged', 'delayed', 'wrong_delivery'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** What the partner may say of an issue. */
export const PARTNER_ISSUE_RESPONSES = ['processing', 'info_requested', 'resolution_proposed', 'resolved'] as const;
export type PartnerIssueResponse = (typeof PARTNER_ISSUE_RESPONSES)[number];

export const RESOLUTION_KINDS = ['refund', 'replacement', 'reconsider', 'no_action'] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

export interface ProposedResolution {
  resolutionId: string;
  kind: ResolutionKind;
  text: string;
  /** What the partner offers to pay back, for a refund. */
  refundPaise?: number;
}

/** An issue is first an issue; escalated, it is a grievance for the partner's grievance officer. */
export type IssueLevel = 'issue' | 'grievance';

export type IssueActionCode =
  | 'opened'
  | 'processing'
  | 'info_requested'
  | 'info_provided'
  | 'resolution_proposed'
  | 'resolution_accepted'
  | 'escalated'
  | 'resolved'
  | 'closed';

/** One entry of the issue's history, by either side, under the id it travels with. */
export interface IssueAction {
  actionId: string;
  code: IssueActionCode;
  by: 'seller' | 'partner';
  text: string;
  at: string;
  /** The action or resolution it answers (information for a request, acceptance of a proposal). */
  refId?: string;
}

/** What an issue is about and with whom, as the seller raised it. */
export interface RaisedIssue {
  issueId: string;
  sellerId: string;
  orderId: string;
  shipmentId: string;
  kind: IssueKind;
  description: string;
  partnerId: string;
  partnerName: string;
  networkOrderId: string;
  raisedAt: string;
}

export type IssueEvent =
  | {
      type: 'IssueRaised';
      data: RaisedIssue & { actionId: string };
    }
  | {
      type: 'IssuePartnerResponded';
      data: { issueId: string; actionId: string; response: PartnerIssueResponse; text: string; level: IssueLevel; resolution?: ProposedResolution; respondedAt: string };
    }
  | { type: 'IssueInfoProvided'; data: { issueId: string; actionId: string; requestActionId: string; info: string; providedAt: string } }
  | { type: 'IssueResolutionAccepted'; data: { issueId: string; actionId: string; resolutionId: string; acceptedAt: string } }
  | { type: 'IssueEscalated'; data: { issueId: string; actionId: string; reason: string; rejectedResolutionId?: string; escalatedAt: string } }
  | { type: 'IssueClosed'; data: { issueId: string; actionId: string; satisfied: boolean; closedAt: string } };

export type IssueEventType = IssueEvent['type'];
export type IssueEventOf<T extends IssueEventType> = Extract<IssueEvent, { type: T }>;
export const ISSUE_EVENT_TYPES: readonly IssueEventType[] = ['IssueRaised', 'IssuePartnerResponded', 'IssueInfoProvided', 'IssueResolutionAccepted', 'IssueEscalated', 'IssueClosed'];

export type IssueCommand =
  | { type: 'RaiseIssue'; sellerId: string; issueId: string; orderId: string; shipmentId: string; kind: IssueKind; description: string }
  | {
      type: 'RecordIssueResponse';
      sellerId: string;
      issueId: string;
      /** The partner's own id for its action: a response seen twice is recorded once. */
      actionId: string;
      response: PartnerIssueResponse;
      text: string;
      level: IssueLevel;
      resolution?: ProposedResolution;
      respondedAt: string;
    }
  | { type: 'ProvideIssueInfo'; sellerId: string; issueId: string; info: string }
  | { type: 'AcceptIssueResolution'; sellerId: string; issueId: string }
  | { type: 'EscalateIssue'; sellerId: string; issueId: string; reason: string }
  | { type: 'CloseIssue'; sellerId: string; issueId: string; satisfied: boolean };
export type IssueCommandType = IssueCommand['type'];
export type IssueCommandOf<T extends IssueCommandType> = Extract<IssueCommand, { type: T }>;

export type IssueStatus = 'open' | 'processing' | 'info_requested' | 'resolution_proposed' | 'resolution_accepted' | 'resolved' | 'closed';

export interface OpenedIssue extends RaisedIssue {
  status: IssueStatus;
  level: IssueLevel;
  updatedAt: string;
  actions: IssueAction[];
  /** The partner's request for information not answered yet. */
  infoRequest?: { actionId: string; text: string };
  /** The partner's latest proposal, until the seller accepts or escalates it. */
  proposal?: ProposedResolution;
  /** The resolution the seller accepted. */
  accepted?: ProposedResolution;
  /** Every resolution the partner proposed, in order: the history refers to them by id. */
  resolutions: ProposedResolution[];
  satisfied?: boolean;
}

export type IssueState = { status: 'none' } | OpenedIssue;

export const initialIssueState = (): IssueState => ({ status: 'none' });

export interface IssueContext {
  now: Date;
  /** The order the issue is about, for RaiseIssue: the shipment must have a partner to raise it with. */
  order?: OrderState;
}

export const ISSUE_DESCRIPTION_MAX = 1000;

/** The seller's own action ids are the issue's id and a sequence: deciding twice on the same history gives the same id. */
const nextActionId = (issue: OpenedIssue): string => `${issue.issueId}-A${issue.actions.length + 1}`;

function opened(state: IssueState, issueId: string): OpenedIssue {
  if (state.status === 'none') throw new NotFoundError('ISSUE_NOT_FOUND', `No issue ${issueId}`);
  return state;
}

function notClosed(issue: OpenedIssue): void {
  if (issue.status === 'closed') throw new IllegalStepError('ISSUE_CLOSED', `Issue ${issue.issueId} is closed`);
}

export function decideIssue(command: IssueCommand, state: IssueState, context: IssueContext): IssueEvent[] {
  const at = context.now.toISOString();
  switch (command.type) {
    case 'RaiseIssue':
      return raise(command, state, context.order, at);
    case 'RecordIssueResponse': {
      const issue = opened(state, command.issueId);
      if (issue.actions.some((a) => a.actionId === command.actionId)) return [];
      notClosed(issue);
      new Validator()
        .nonEmptyString(command.actionId, 'actionId', 128)
        .check((PARTNER_ISSUE_RESPONSES as readonly string[]).includes(command.response), 'response', `must be one of ${PARTNER_ISSUE_RESPONSES.join(', ')}`)
        .check(command.response !== 'resolution_proposed' || command.resolution !== undefined, 'resolution', 'a proposed resolution must be given')
        .throwIfInvalid();
      const { type: _type, sellerId: _sellerId, ...data } = command;
      return [{ type: 'IssuePartnerResponded', data: { ...data, text: data.text.slice(0, ISSUE_DESCRIPTION_MAX) } }];
    }
    case 'ProvideIssueInfo': {
      const issue = opened(state, command.issueId);
      notClosed(issue);
      new Validator().nonEmptyString(command.info, 'info', ISSUE_DESCRIPTION_MAX).throwIfInvalid();
      if (!issue.infoRequest) throw new IllegalStepError('ISSUE_NO_INFO_REQUESTED', `The partner has asked for no information on issue ${issue.issueId}`);
      return [{ type: 'IssueInfoProvided', data: { issueId: issue.issueId, actionId: nextActionId(issue), requestActionId: issue.infoRequest.actionId, info: command.info.trim(), providedAt: at } }];
    }
    case 'AcceptIssueResolution': {
      const issue = opened(state, command.issueId);
      notClosed(issue);
      if (!issue.proposal) throw new IllegalStepError('ISSUE_NO_RESOLUTION_PROPOSED', `The partner has proposed no resolution on issue ${issue.issueId}`);
      return [{ type: 'IssueResolutionAccepted', data: { issueId: issue.issueId, actionId: nextActionId(issue), resolutionId: issue.proposal.resolutionId, acceptedAt: at } }];
    }
    case 'EscalateIssue': {
      const issue = opened(state, command.issueId);
      notClosed(issue);
      new Validator().nonEmptyString(command.reason, 'reason', ISSUE_DESCRIPTION_MAX).throwIfInvalid();
      if (issue.level === 'grievance') throw new IllegalStepError('ISSUE_ALREADY_ESCALATED', `Issue ${issue.issueId} is already a grievance`);
      if (issue.status === 'resolved' || issue.status === 'resolution_accepted') {
        throw new IllegalStepError('ISSUE_RESOLUTION_ACCEPTED', `Issue ${issue.issueId} has a resolution the seller accepted; close it instead`);
      }
      return [
        {
          type: 'IssueEscalated',
          data: { issueId: issue.issueId, actionId: nextActionId(issue), reason: command.reason.trim(), ...(issue.proposal ? { rejectedResolutionId: issue.proposal.resolutionId } : {}), escalatedAt: at },
        },
      ];
    }
    case 'CloseIssue': {
      const issue = opened(state, command.issueId);
      notClosed(issue);
      // IGM 2.0 closes an issue on a resolution (its closing names one): before any is proposed, the seller escalates instead.
      if (issue.resolutions.length === 0) throw new IllegalStepError('ISSUE_NOT_RESOLVED', `The partner has proposed no resolution on issue ${issue.issueId} yet; escalate it if it is not answered`);
      return [{ type: 'IssueClosed', data: { issueId: issue.issueId, actionId: nextActionId(issue), satisfied: command.satisfied === true, closedAt: at } }];
    }
  }
}

function raise(command: IssueCommandOf<'RaiseIssue'>, state: IssueState, order: OrderState | undefined, at: string): IssueEvent[] {
  new Validator()
    .check((ISSUE_KINDS as readonly string[]).includes(command.kind), 'kind', `must be one of ${ISSUE_KINDS.join(', ')}`)
    .nonEmptyString(command.description, 'description', ISSUE_DESCRIPTION_MAX)
    .throwIfInvalid();
  if (state.status !== 'none') throw new IllegalStepError('ISSUE_EXISTS', `Issue ${command.issueId} was raised already`);
  if (!order || order.status !== 'active') throw new NotFoundError('ORDER_NOT_FOUND', `No order ${command.orderId}`);
  const shipment = order.shipments.find((s) => s.shipmentId === command.shipmentId);
  if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `No shipment ${command.shipmentId} on order ${command.orderId}`);
  if (shipment.mode !== 'on-network' || !shipment.partner) {
    throw new IllegalStepError('ISSUE_NEEDS_PARTNER', `Shipment ${command.shipmentId} has no logistics partner on the network to raise an issue with`);
  }
  return [
    {
      type: 'IssueRaised',
      data: {
        issueId: command.issueId,
        sellerId: command.sellerId,
        orderId: command.orderId,
        shipmentId: command.shipmentId,
        kind: command.kind,
        description: command.description.trim(),
        partnerId: shipment.partner.id,
        partnerName: shipment.partner.name,
        networkOrderId: shipment.partner.networkOrderId,
        actionId: `${command.issueId}-A1`,
        raisedAt: at,
      },
    },
  ];
}

const STATUS_AFTER_RESPONSE: Readonly<Record<PartnerIssueResponse, IssueStatus>> = {
  processing: 'processing',
  info_requested: 'info_requested',
  resolution_proposed: 'resolution_proposed',
  resolved: 'resolved',
};

export function evolveIssue(state: IssueState, event: IssueEvent): IssueState {
  if (event.type === 'IssueRaised') {
    const { actionId, ...raised } = event.data;
    return {
      ...raised,
      status: 'open',
      level: 'issue',
      updatedAt: raised.raisedAt,
      actions: [{ actionId, code: 'opened', by: 'seller', text: raised.description, at: raised.raisedAt }],
      resolutions: [],
    };
  }
  if (state.status === 'none') return state;
  const log = (action: IssueAction): OpenedIssue => ({ ...state, updatedAt: action.at, actions: [...state.actions, action] });
  switch (event.type) {
    case 'IssuePartnerResponded': {
      const d = event.data;
      const next = log({ actionId: d.actionId, code: d.response, by: 'partner', text: d.text, at: d.respondedAt, ...(d.resolution ? { refId: d.resolution.resolutionId } : {}) });
      const { infoRequest: _info, proposal: _proposal, ...rest } = next;
      return {
        ...rest,
        // A late "processing" does not take back a resolution the seller already accepted.
        status: state.status === 'resolution_accepted' && d.response === 'processing' ? 'resolution_accepted' : STATUS_AFTER_RESPONSE[d.response],
        level: d.level === 'grievance' ? 'grievance' : state.level,
        ...(d.response === 'info_requested' ? { infoRequest: { actionId: d.actionId, text: d.text } } : state.infoRequest && d.response === 'processing' ? { infoRequest: state.infoRequest } : {}),
        ...(d.resolution ? { proposal: d.resolution } : state.proposal && d.response === 'processing' ? { proposal: state.proposal } : {}),
        resolutions: d.resolution && !state.resolutions.some((r) => r.resolutionId === d.resolution!.resolutionId) ? [...state.resolutions, d.resolution] : state.resolutions,
        ...(d.response === 'resolved' && !state.accepted && d.resolution ? { accepted: d.resolution } : {}),
      };
    }
    case 'IssueInfoProvided': {
      const { infoRequest: _info, ...rest } = log({ actionId: event.data.actionId, code: 'info_provided', by: 'seller', text: event.data.info, at: event.data.providedAt, refId: event.data.requestActionId });
      return { ...rest, status: 'processing' };
    }
    case 'IssueResolutionAccepted': {
      const accepted = state.proposal;
      const { proposal: _proposal, ...rest } = log({ actionId: event.data.actionId, code: 'resolution_accepted', by: 'seller', text: 'Resolution accepted', at: event.data.acceptedAt, refId: event.data.resolutionId });
      return { ...rest, status: 'resolution_accepted', ...(accepted ? { accepted } : {}) };
    }
    case 'IssueEscalated': {
      const { proposal: _proposal, infoRequest: _info, ...rest } = log({ actionId: event.data.actionId, code: 'escalated', by: 'seller', text: event.data.reason, at: event.data.escalatedAt });
      return { ...rest, status: 'open', level: 'grievance' };
    }
    case 'IssueClosed':
      return { ...log({ actionId: event.data.actionId, code: 'closed', by: 'seller', text: event.data.satisfied ? 'Closed, satisfied' : 'Closed, not satisfied', at: event.data.closedAt }), status: 'closed', satisfied: event.data.satisfied };
  }
}
