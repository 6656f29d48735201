import { evolveIssue, initialIssueState } from '@fulfil/domain';
import type { IssueEvent, OpenedIssue } from '@fulfil/domain';
import { ContextBuilder, buildIssue, checkReceivedMessage, checkSentMessage, readOnIssue, validateOndcMessage } from '@fulfil/ondc';
import type { IgmIssue, OndcMessage } from '@fulfil/ondc';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0, 123);
const at = (minutes: number): string => new Date(NOW + minutes * 60_000).toISOString();
const contexts = new ContextBuilder({ bapId: 'buyer.fulfilment-engine.example', bapUri: 'https://buyer.fulfilment-engine.example/ondc', nowMs: () => NOW + 10 * 60_000 });
const bpp = { id: 'lsp.example', uri: 'https://lsp.example/ondc' };
const context = () => contexts.build('issue', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp });
const offer = { providerId: 'P1', itemId: 'I1', fulfillmentId: 'F1' };
const people = { bapId: 'buyer.fulfilment-engine.example', us: { name: 'Fulfilment Engine', phone: '9886012345', email: 'igm@engine.example' }, seller: { name: 'Kaveri Handlooms', phone: '9845012345' } };

const issueAfter = (events: IssueEvent[]): OpenedIssue => {
  const state = events.reduce(evolveIssue, initialIssueState());
  if (state.status === 'none') throw new Error('no issue');
  return state;
};
const raised: IssueEvent = {
  type: 'IssueRaised',
  data: { issueId: 'iss_1', sellerId: 'slr_1', orderId: 'ord_1', shipmentId: 'shp_1', kind: 'damaged', description: 'Box crushed', partnerId: bpp.id, partnerName: 'LSP', networkOrderId: 'NO1', actionId: 'iss_1-A1', raisedAt: at(0) },
};

/** The partner's on_issue: our issue, its actor and actions appended. */
function onIssue(ours: OndcMessage<'issue'>, appended: IgmIssue['actions'], resolutions?: IgmIssue['resolutions']): OndcMessage<'on_issue'> {
  const actor = { id: 'lsp-support', type: 'COUNTERPARTY_NP' as const, info: { org: { name: 'lsp.example::ONDC:LOG10' }, contact: { phone: '9876500001', email: 'support@lsp.example' } } };
  const actions = [...ours.message.issue.actions, ...appended];
  const last = actions[actions.length - 1]!;
  return {
    // ONDC's on_issue check: the issue is updated as the answer is sent.
    context: { ...ours.context, action: 'on_issue', timestamp: last.updated_at },
    message: {
      update_target: [{ path: 'issue.actions', action: 'APPENDED' }],
      issue: { ...ours.message.issue, status: 'PROCESSING', actors: [...ours.message.issue.actors, actor], respondent_ids: [actor.id], actions, last_action_id: last.id, updated_at: last.updated_at, ...(resolutions ? { resolutions } : {}) },
    },
  };
}
const partnerAction = (id: string, code: IgmIssue['actions'][number]['descriptor']['code'], minutes: number, refId?: string) => ({
  id,
  ...(refId ? { ref_id: refId, ref_type: 'RESOLUTIONS' } : {}),
  descriptor: { code, short_desc: code },
  updated_at: at(minutes),
  action_by: 'lsp-support',
  actor_details: { name: 'LSP support' },
});
const refund = { id: 'R1', descriptor: { code: 'REFUND', short_desc: 'Rs 50 back' }, updated_at: at(5), proposed_by: 'lsp-support', tags: [{ descriptor: { code: 'RESOLUTION_DETAILS' }, list: [{ descriptor: { code: 'REFUND_AMOUNT' }, value: '50.00' }] }] };

describe('IGM 2.0 messages of an issue about a shipment', () => {
  it('the first /issue is OPEN, names the order, the seller as source and us as complainant, and passes the schema and the rules', () => {
    const message = buildIssue(context(), { issue: issueAfter([raised]), networkOrderId: 'NO1', offer, ...people });
    expect(message.context).toMatchObject({ action: 'issue', core_version: '2.0.0', location: { country: { code: 'IND' }, city: { code: 'std:080' } } });
    expect(message.message.issue).toMatchObject({ id: 'iss_1', status: 'OPEN', level: 'ISSUE', descriptor: { code: 'FLM04', long_desc: 'Box crushed' }, last_action_id: 'iss_1-A1' });
    expect(message.message.issue.refs).toEqual(expect.arrayContaining([{ ref_id: 'NO1', ref_type: 'ORDER' }, { ref_id: 'F1', ref_type: 'FULFILLMENT' }]));
    expect(message.message).not.toHaveProperty('update_target');
    expect(validateOndcMessage('issue', message).errors).toEqual([]);
    expect(checkSentMessage(message)).toEqual([]);
  });

  it('reads the partner’s new actions of an on_issue, with the resolution a proposal names, leaving out our own echoed back', () => {
    const ours = buildIssue(context(), { issue: issueAfter([raised]), networkOrderId: 'NO1', offer, ...people });
    const answer = onIssue(ours, [partnerAction('L1', 'PROCESSING', 1), partnerAction('L2', 'RESOLUTION_PROPOSED', 5, 'R1')], [refund]);
    expect(validateOndcMessage('on_issue', answer).errors).toEqual([]);
    expect(checkReceivedMessage(answer, [{ direction: 'sent', body: ours }])).toEqual([]);
    const sentLater = { ...answer, context: { ...answer.context, timestamp: at(20) } };
    expect(checkReceivedMessage(sentLater, [{ direction: 'sent', body: ours }])).toEqual([expect.objectContaining({ rule: 'igm.timestamps', path: 'message.issue.updated_at' })]);
    expect(readOnIssue(answer, [ours.message.issue.complainant_id, ours.message.issue.source_id])).toEqual([
      { issueId: 'iss_1', actionId: 'L1', response: 'processing', text: 'PROCESSING', level: 'issue', respondedAt: at(1) },
      { issueId: 'iss_1', actionId: 'L2', response: 'resolution_proposed', text: 'RESOLUTION_PROPOSED', level: 'issue', resolution: { resolutionId: 'R1', kind: 'refund', text: 'Rs 50 back', refundPaise: 5_000 }, respondedAt: at(5) },
    ]);
  });

  it('an /issue after the partner answered echoes its actors, actions and resolutions, and says what it appends', () => {
    const first = buildIssue(context(), { issue: issueAfter([raised]), networkOrderId: 'NO1', offer, ...people });
    const answer = onIssue(first, [partnerAction('L1', 'RESOLUTION_PROPOSED', 5, 'R1')], [refund]);
    const issue = issueAfter([
      raised,
      { type: 'IssuePartnerResponded', data: { issueId: 'iss_1', actionId: 'L1', response: 'resolution_proposed', text: 'Rs 50 back', level: 'issue', resolution: { resolutionId: 'R1', kind: 'refund', text: 'Rs 50 back', refundPaise: 5_000 }, respondedAt: at(5) } },
      { type: 'IssueResolutionAccepted', data: { issueId: 'iss_1', actionId: 'iss_1-A3', resolutionId: 'R1', acceptedAt: at(8) } },
    ]);
    const message = buildIssue(context(), { issue, networkOrderId: 'NO1', offer, ...people, echo: answer.message.issue });
    expect(message.message.update_target).toEqual([{ path: 'issue.actions', action: 'APPENDED' }]);
    expect(message.message.issue.actions.map((a) => [a.id, a.descriptor.code, a.action_by])).toEqual([
      ['iss_1-A1', 'OPEN', 'buyer.fulfilment-engine.example-igm'],
      ['L1', 'RESOLUTION_PROPOSED', 'lsp-support'],
      ['iss_1-A3', 'RESOLUTION_ACCEPTED', 'buyer.fulfilment-engine.example-igm'],
    ]);
    expect(message.message.issue.resolutions).toEqual([refund]);
    expect(message.message.issue.respondent_ids).toEqual(['lsp-support']);
    expect(checkSentMessage(message)).toEqual([]);
  });

  it('the rules find what IGM 2.0 forbids: a wrong last action, a resolution action without resolutions, an actor nobody is, another version', () => {
    const ours = buildIssue(context(), { issue: issueAfter([raised]), networkOrderId: 'NO1', offer, ...people });
    const broken = onIssue(ours, [partnerAction('L2', 'RESOLUTION_PROPOSED', 5, 'R9')]);
    broken.message.issue.last_action_id = 'L1';
    broken.message.issue.actions[1]!.action_by = 'someone';
    broken.context.core_version = '1.2.5';
    const rules = checkReceivedMessage(broken, [{ direction: 'sent', body: ours }]).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['igm.context', 'igm.last-action', 'igm.resolutions', 'igm.actors']));
    const dropped = onIssue(ours, [partnerAction('L1', 'PROCESSING', 1)]);
    dropped.message.issue.actions = dropped.message.issue.actions.slice(1);
    expect(checkReceivedMessage(dropped, [{ direction: 'sent', body: ours }]).map((f) => f.rule)).toContain('transaction.igm-actions');
  });
});
