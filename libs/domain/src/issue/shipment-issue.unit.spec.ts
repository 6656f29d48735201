import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import { DeciderSpecification, NOW, NOW_ISO, PARTNER, freshId, freshOrderIds, partnerConfirmed, readyForPickup, shippedOffNetwork } from '../testing/decider-specification';
import type { OrderEvent } from '../order/order-events';
import { evolveOrder, initialOrderState } from '../order/order-state';
import { IssueCommand, IssueContext, IssueEvent, IssueState, decideIssue, evolveIssue, initialIssueState, issueRefOfStream, issueStream } from './shipment-issue';

const orderOf = (events: OrderEvent[]) => events.reduce(evolveOrder, initialOrderState());

const ids = freshOrderIds();
const confirmedOrder = orderOf(partnerConfirmed(ids));
const spec = DeciderSpecification.for<IssueCommand, IssueEvent, IssueState, IssueContext>({
  decide: decideIssue,
  evolve: evolveIssue,
  initialState: initialIssueState,
  context: { now: NOW, order: confirmedOrder },
});

const issueId = freshId('iss');
const raise: IssueCommand = { type: 'RaiseIssue', sellerId: ids.sellerId, issueId, orderId: ids.orderId, shipmentId: ids.shipmentId, kind: 'damaged', description: 'The box arrived crushed' };
const raised: IssueEvent = {
  type: 'IssueRaised',
  data: {
    issueId,
    sellerId: ids.sellerId,
    orderId: ids.orderId,
    shipmentId: ids.shipmentId,
    kind: 'damaged',
    description: 'The box arrived crushed',
    partnerId: PARTNER.partnerId,
    partnerName: PARTNER.partnerName,
    networkOrderId: PARTNER.networkOrderId,
    actionId: `${issueId}-A1`,
    raisedAt: NOW_ISO,
  },
};
const respond = (actionId: string, response: 'processing' | 'info_requested' | 'resolution_proposed' | 'resolved', extra: Partial<IssueCommand & { type: 'RecordIssueResponse' }> = {}): IssueCommand => ({
  type: 'RecordIssueResponse',
  sellerId: ids.sellerId,
  issueId,
  actionId,
  response,
  text: response,
  level: 'issue',
  respondedAt: NOW_ISO,
  ...extra,
});
const refund = { resolutionId: 'R1', kind: 'refund' as const, text: 'Refund of the delivery charge', refundPaise: 8_000 };
const responded = (actionId: string, response: 'processing' | 'info_requested' | 'resolution_proposed' | 'resolved', extra: object = {}): IssueEvent => ({
  type: 'IssuePartnerResponded',
  data: { issueId, actionId, response, text: response, level: 'issue', respondedAt: NOW_ISO, ...extra },
});

describe('Raising an issue about a shipment', () => {
  it('given an on-network shipment with a partner, when the seller raises an issue, then it is raised with that partner', () => {
    spec.given([]).when(raise).then([raised]);
  });

  it('given an off-network shipment, when the seller raises an issue, then it is refused: there is no partner on the network to raise it with', () => {
    const offNetwork = freshOrderIds();
    spec.given([]).when({ ...raise, orderId: offNetwork.orderId, shipmentId: offNetwork.shipmentId, sellerId: offNetwork.sellerId }, { order: orderOf(shippedOffNetwork(offNetwork)) }).thenThrows(IllegalStepError, 'ISSUE_NEEDS_PARTNER');
  });

  it('given a shipment still waiting for a partner, when the seller raises an issue, then it is refused', () => {
    const waiting = freshOrderIds();
    spec.given([]).when({ ...raise, ...waiting }, { order: orderOf(readyForPickup(waiting)) }).thenThrows(IllegalStepError, 'ISSUE_NEEDS_PARTNER');
  });

  it('given no such order or shipment, when the seller raises an issue, then it is not found', () => {
    spec.given([]).when(raise, { order: initialOrderState() }).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
    spec.given([]).when({ ...raise, shipmentId: 'nope' }).thenThrows(NotFoundError, 'SHIPMENT_NOT_FOUND');
  });

  it('when the kind is unknown or the description empty, then every problem is named and nothing is raised', () => {
    const error = spec.given([]).when({ ...raise, kind: 'stolen' as never, description: '  ' }).thenThrows(ValidationError, 'VALIDATION_FAILED') as ValidationError;
    expect(error.issues.map((i) => i.field)).toEqual(['kind', 'description']);
  });

  it('given an issue raised, when it is raised again under the same id, then it is refused', () => {
    spec.given([raised]).when(raise).thenThrows(IllegalStepError, 'ISSUE_EXISTS');
  });
});

describe("The partner's responses", () => {
  it('given a raised issue, when the partner says it is processing, then the response is recorded once', () => {
    spec.given([raised]).when(respond('P1', 'processing')).then([responded('P1', 'processing')]);
    spec.given([raised, responded('P1', 'processing')]).when(respond('P1', 'processing')).thenNothingHappens();
  });

  it('when the partner proposes a resolution without saying what it is, then it is refused', () => {
    spec.given([raised]).when(respond('P2', 'resolution_proposed')).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });

  it('given a closed issue, when the partner responds, then it is refused', () => {
    const closed: IssueEvent = { type: 'IssueClosed', data: { issueId, actionId: `${issueId}-A2`, satisfied: true, closedAt: NOW_ISO } };
    spec.given([raised, closed]).when(respond('P9', 'processing')).thenThrows(IllegalStepError, 'ISSUE_CLOSED');
  });
});

describe("The seller's answers", () => {
  it('given a request for information, when the seller provides it, then it answers that request', () => {
    spec
      .given([raised, responded('P1', 'info_requested')])
      .when({ type: 'ProvideIssueInfo', sellerId: ids.sellerId, issueId, info: 'Photos: https://example.in/box.jpg' })
      .then([{ type: 'IssueInfoProvided', data: { issueId, actionId: `${issueId}-A3`, requestActionId: 'P1', info: 'Photos: https://example.in/box.jpg', providedAt: NOW_ISO } }]);
  });

  it('given no request for information, when the seller provides some, then it is refused', () => {
    spec.given([raised]).when({ type: 'ProvideIssueInfo', sellerId: ids.sellerId, issueId, info: 'x' }).thenThrows(IllegalStepError, 'ISSUE_NO_INFO_REQUESTED');
  });

  it('given a proposed resolution, when the seller accepts it, then that resolution is accepted and the issue waits for the partner to resolve it', () => {
    const history = [raised, responded('P1', 'resolution_proposed', { resolution: refund })];
    spec.given(history).when({ type: 'AcceptIssueResolution', sellerId: ids.sellerId, issueId }).then([
      { type: 'IssueResolutionAccepted', data: { issueId, actionId: `${issueId}-A3`, resolutionId: 'R1', acceptedAt: NOW_ISO } },
    ]);
    const state = spec.given([...history, { type: 'IssueResolutionAccepted', data: { issueId, actionId: `${issueId}-A3`, resolutionId: 'R1', acceptedAt: NOW_ISO } }]).when(respond('P3', 'resolved')).thenState();
    expect(state).toMatchObject({ status: 'resolved', accepted: refund });
  });

  it('given no proposal, when the seller accepts, then it is refused', () => {
    spec.given([raised, responded('P1', 'processing')]).when({ type: 'AcceptIssueResolution', sellerId: ids.sellerId, issueId }).thenThrows(IllegalStepError, 'ISSUE_NO_RESOLUTION_PROPOSED');
  });

  it('given a proposal the seller rejects, when the seller escalates, then the issue becomes a grievance, once', () => {
    const history = [raised, responded('P1', 'resolution_proposed', { resolution: refund })];
    const escalated: IssueEvent = { type: 'IssueEscalated', data: { issueId, actionId: `${issueId}-A3`, reason: 'Too little', rejectedResolutionId: 'R1', escalatedAt: NOW_ISO } };
    spec.given(history).when({ type: 'EscalateIssue', sellerId: ids.sellerId, issueId, reason: 'Too little' }).then([escalated]);
    expect(spec.given([...history, escalated]).when({ type: 'CloseIssue', sellerId: ids.sellerId, issueId, satisfied: false }).thenState()).toMatchObject({ level: 'grievance', status: 'closed' });
    spec.given([...history, escalated]).when({ type: 'EscalateIssue', sellerId: ids.sellerId, issueId, reason: 'Again' }).thenThrows(IllegalStepError, 'ISSUE_ALREADY_ESCALATED');
  });

  it('given no issue, when the seller acts on it, then it is not found', () => {
    spec.given([]).when({ type: 'CloseIssue', sellerId: ids.sellerId, issueId, satisfied: true }).thenThrows(NotFoundError, 'ISSUE_NOT_FOUND');
  });

  it('given no resolution proposed yet, when the seller closes the issue, then it is refused (escalating is the way on)', () => {
    spec.given([raised, responded('P1', 'processing')]).when({ type: 'CloseIssue', sellerId: ids.sellerId, issueId, satisfied: true }).thenThrows(IllegalStepError, 'ISSUE_NOT_RESOLVED');
  });

  it('given a resolved issue, when the seller closes it, then it is closed, and closing again is refused', () => {
    const resolved = [raised, responded('P1', 'resolution_proposed', { resolution: refund }), responded('P2', 'resolved', { resolution: refund })];
    spec.given(resolved).when({ type: 'CloseIssue', sellerId: ids.sellerId, issueId, satisfied: true }).then([{ type: 'IssueClosed', data: { issueId, actionId: `${issueId}-A4`, satisfied: true, closedAt: NOW_ISO } }]);
    const closed: IssueEvent = { type: 'IssueClosed', data: { issueId, actionId: `${issueId}-A4`, satisfied: true, closedAt: NOW_ISO } };
    spec.given([...resolved, closed]).when({ type: 'CloseIssue', sellerId: ids.sellerId, issueId, satisfied: true }).thenThrows(IllegalStepError, 'ISSUE_CLOSED');
  });
});

describe('Issue streams', () => {
  it('name the seller and the issue, and parse back', () => {
    expect(issueRefOfStream(issueStream('s1', 'iss_1'))).toEqual({ sellerId: 's1', issueId: 'iss_1' });
    expect(issueRefOfStream('order:s1:o1')).toBeUndefined();
    expect(() => issueStream('s:1', 'x')).toThrow();
  });
});
