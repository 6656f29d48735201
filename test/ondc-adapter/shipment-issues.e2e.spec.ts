import { checkReceivedTransaction, checkTransaction } from '@fulfil/ondc';
import type { ConformanceFinding, TransactionMessage } from '@fulfil/ondc';
import { freshNumber, textOf } from '../whatsapp/whatsapp-harness';
import { AdapterHarness, PlacedShipment, eventually } from './support/adapter-harness';
import { SellerHttp } from './support/seller-http';

/**
 * Issues about a shipment (ONDC IGM 2.0) end to end: the seller raises one over HTTP, the adapter
 * sends it to the partner as /issue, the sandbox partner answers with /on_issue (processing, a
 * request for photos, a refund proposed, resolved; its grievance officer after an escalation), and
 * the seller sees each answer and acts on it. Every IGM message either way passes the rules.
 */

interface IssueView {
  issueId: string;
  status: string;
  level: string;
  kind: string;
  partnerId: string;
  infoRequest?: { actionId: string; text: string };
  proposal?: { resolutionId: string; kind: string; refundPaise?: number };
  accepted?: { resolutionId: string; refundPaise?: number };
  actions: Array<{ code: string; by: string }>;
}

/** A seller with its API key: a new one, or one registered with a WhatsApp number. */
async function seller(harness: AdapterHarness, registered?: SellerHttp) {
  const { sellerId, apiKey } = registered ? { sellerId: registered.sellerId, apiKey: registered.apiKey } : await harness.newSeller();
  const get = (path: string) => harness.http().get(path).set('authorization', `Bearer ${apiKey}`);
  const post = (path: string, body: object = {}) => harness.http().post(path).set('authorization', `Bearer ${apiKey}`).send(body);
  const issue = async (issueId: string) => (await get(`/v1/issues/${issueId}`).expect(200)).body as IssueView;
  const issueReaches = (issueId: string, ready: (view: IssueView) => boolean, what: string) =>
    eventually(async () => {
      const view = await issue(issueId);
      return ready(view) && view;
    }, what);
  return { sellerId, apiKey, get, post, issue, issueReaches };
}

async function igmMessages(harness: AdapterHarness, placed: PlacedShipment): Promise<TransactionMessage[]> {
  await harness.driver.idle();
  const messages: TransactionMessage[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) messages.push(...(await harness.transactionMessages(transactionId)));
  return messages;
}

async function findings(harness: AdapterHarness, placed: PlacedShipment): Promise<ConformanceFinding[]> {
  const found: ConformanceFinding[] = [];
  for (const transactionId of await harness.transactionsOf(placed.shipmentId)) {
    const messages = await harness.transactionMessages(transactionId);
    found.push(...checkTransaction(messages), ...checkReceivedTransaction(messages));
  }
  return found;
}

const actionOf = (m: TransactionMessage) => (m.body as { context: { action: string } }).context.action;
const lastActionCode = (m: TransactionMessage) => {
  const actions = (m.body as { message: { issue: { actions: Array<{ descriptor: { code: string } }> } } }).message.issue.actions;
  return actions[actions.length - 1]?.descriptor.code;
};

describe('Shipment issues with the logistics partner (IGM 2.0)', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 60 });
  });
  afterAll(async () => harness.close());

  it('a damaged parcel: the partner asks for photos, the seller gives them, accepts the refund proposed, the partner resolves it and the seller closes it', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.statusReaches(placed, 'delivered');

    const raised = await s.post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/issues`, { kind: 'damaged', description: 'The buyer got the box crushed, the vase inside broken' }).expect(201);
    expect(raised.body).toMatchObject({ status: 'open', level: 'issue', kind: 'damaged', partnerId: harness.partnerId('cheap-slow'), events: ['IssueRaised'] });
    const issueId = raised.body.issueId as string;

    const asked = await s.issueReaches(issueId, (v) => v.status === 'info_requested', 'the request for photos');
    expect(asked.infoRequest?.text).toMatch(/photos/);
    await s.post(`/v1/issues/${issueId}/info`, { info: 'Photos: https://example.in/box-front.jpg, https://example.in/box-side.jpg' }).expect(200);

    const proposed = await s.issueReaches(issueId, (v) => v.status === 'resolution_proposed', 'a proposed resolution');
    expect(proposed.proposal).toMatchObject({ kind: 'refund', refundPaise: 5_000 });
    await s.post(`/v1/issues/${issueId}/accept`).expect(200);

    const resolved = await s.issueReaches(issueId, (v) => v.status === 'resolved', 'the resolution');
    expect(resolved.accepted).toMatchObject({ resolutionId: proposed.proposal!.resolutionId, refundPaise: 5_000 });
    const closed = await s.post(`/v1/issues/${issueId}/close`, { satisfied: true }).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', satisfied: true });

    expect(closed.body.actions.map((a: { code: string; by: string }) => `${a.by}:${a.code}`)).toEqual([
      'seller:opened',
      'partner:processing',
      'partner:info_requested',
      'seller:info_provided',
      'partner:processing',
      'partner:resolution_proposed',
      'seller:resolution_accepted',
      'partner:resolved',
      'seller:closed',
    ]);
    const listed = await s.get(`/v1/orders/${placed.orderId}/issues?minPosition=${closed.body.position as string}`).expect(200);
    expect(listed.body).toMatchObject({ orderId: placed.orderId, issues: [{ issueId, status: 'closed', kind: 'damaged', shipmentId: placed.shipmentId, accepted: { refundPaise: 5_000 } }] });
    expect(listed.body.issues[0].actions).toHaveLength(9);
    const igm = (await eventually(async () => {
      const messages = (await igmMessages(harness, placed)).filter((m) => ['issue', 'on_issue'].includes(actionOf(m)));
      return messages.filter((m) => actionOf(m) === 'issue').length === 4 && messages;
    }, 'the closing /issue'));
    expect(igm.filter((m) => actionOf(m) === 'issue').map(lastActionCode)).toEqual(['OPEN', 'INFO_PROVIDED', 'RESOLUTION_ACCEPTED', 'CLOSED']);
    expect(await findings(harness, placed)).toEqual([]);
  });

  it('a lost parcel: the seller rejects the first offer and escalates; the grievance officer offers more, which the seller accepts', async () => {
    const s = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.partnerAssigned(placed);
    const { body } = await s.post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/issues`, { kind: 'lost', description: 'Tracking has not moved for three days' }).expect(201);
    const issueId = body.issueId as string;

    const first = await s.issueReaches(issueId, (v) => v.status === 'resolution_proposed', 'the first offer');
    expect(first.proposal).toMatchObject({ refundPaise: 5_000 });
    const escalated = await s.post(`/v1/issues/${issueId}/escalate`, { reason: 'Rs 50 does not cover the goods' }).expect(200);
    expect(escalated.body).toMatchObject({ level: 'grievance', status: 'open' });

    const second = await s.issueReaches(issueId, (v) => v.status === 'resolution_proposed', "the grievance officer's offer");
    expect(second.proposal).toMatchObject({ refundPaise: 15_000 });
    expect(second.proposal!.resolutionId).not.toBe(first.proposal!.resolutionId);
    await s.post(`/v1/issues/${issueId}/accept`).expect(200);
    await s.issueReaches(issueId, (v) => v.status === 'resolved', 'the resolution');
    expect(await findings(harness, placed)).toEqual([]);
  });

  it('refuses what cannot be done, changing nothing: bad input, an unknown shipment, another seller, a step out of turn', async () => {
    const s = await seller(harness);
    const other = await seller(harness);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.partnerAssigned(placed);
    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/issues`;

    const bad = await s.post(path, { kind: 'stolen', description: '' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await s.post(path, { kind: 'lost', description: 'x'.repeat(1001) }).expect(400);
    await s.post(path, { kind: 'lost', description: 'nul \u0000 byte' }).expect(400);
    const elsewhere = await other.post(path, { kind: 'lost', description: 'not my order' }).expect(404);
    expect(elsewhere.body).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    await s.post(`/v1/orders/${placed.orderId}/shipments/nope/issues`, { kind: 'lost', description: 'no such shipment' }).expect(404);

    const { body } = await s.post(path, { kind: 'delayed', description: 'Promised yesterday' }).expect(201);
    const issueId = body.issueId as string;
    await other.get(`/v1/issues/${issueId}`).expect(404);
    await other.get(`/v1/orders/${placed.orderId}/issues`).expect(404);
    const early = await s.post(`/v1/issues/${issueId}/info`, { info: 'nobody asked' }).expect(409);
    expect(early.body).toMatchObject({ code: 'ISSUE_NO_INFO_REQUESTED' });
    await s.issueReaches(issueId, (v) => v.status === 'resolution_proposed', 'an offer');
    const sentBefore = (await igmMessages(harness, placed)).filter((m) => actionOf(m) === 'issue').length;
    await other.post(`/v1/issues/${issueId}/accept`).expect(404);
    await s.post(`/v1/issues/${issueId}/close`, { satisfied: 'yes' }).expect(400);
    expect((await s.issue(issueId)).status).toBe('resolution_proposed');
    await harness.driver.idle();
    expect((await igmMessages(harness, placed)).filter((m) => actionOf(m) === 'issue')).toHaveLength(sentBefore);
  });
});

describe('Shipment issues: a partner that lets the expected times pass (IGM 2.0)', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    harness = await AdapterHarness.start({
      participants: [{ name: 'cheap-slow', ignoresIssues: true }],
      stepMs: 60,
      env: { ONDC_ISSUE_RESPONSE_TIME: 'PT1S', ONDC_ISSUE_RESOLUTION_TIME: 'PT30S' },
    });
  });
  afterAll(async () => harness.close());

  it('escalates an unanswered issue to the grievance officer by itself once its response time is up, tells the seller on WhatsApp, and sends the ESCALATED /issue with the times we gave', async () => {
    const whatsapp = await SellerHttp.register(harness, { whatsapp: freshNumber() });
    const s = await seller(harness, whatsapp);
    const placed = await harness.placeOnNetworkOrder(s.sellerId);
    await harness.partnerAssigned(placed);
    const { body } = await s.post(`/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/issues`, { kind: 'lost', description: 'No scan for three days' }).expect(201);
    const issueId = body.issueId as string;

    const escalated = await s.issueReaches(issueId, (v) => v.level === 'grievance', 'the escalation');
    expect(escalated.status).toBe('open');
    const sent = await eventually(async () => {
      const issues = (await igmMessages(harness, placed)).filter((m) => actionOf(m) === 'issue');
      return issues.length === 2 && issues;
    }, 'the escalated /issue');
    expect(sent.map(lastActionCode)).toEqual(['OPEN', 'ESCALATED']);
    const wire = (sent[1]!.body as { message: { issue: { level: string; expected_response_time: { duration: string }; expected_resolution_time: { duration: string } } } }).message.issue;
    expect(wire).toMatchObject({ level: 'GRIEVANCE', expected_response_time: { duration: 'PT1S' }, expected_resolution_time: { duration: 'PT30S' } });
    // Once a grievance, it does not escalate again, whatever time passes.
    const raisedAt = Date.now();
    await eventually(async () => Date.now() > raisedAt + 1_500, 'another response time', 5_000);
    await harness.driver.idle();
    expect((await igmMessages(harness, placed)).filter((m) => actionOf(m) === 'issue')).toHaveLength(2);
    expect(await findings(harness, placed)).toEqual([]);
    const told = await eventually(async () => (await whatsapp.outbox()).find((m) => m.purpose === 'issue-escalated' && m.orderId === placed.orderId), 'the WhatsApp message telling the seller');
    expect(textOf(told)).toContain('did not answer in time');
  });
});
