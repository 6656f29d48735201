import { CommandBus } from '@nestjs/cqrs';
import { AssignLogisticsPartnerCommand, EVENT_STORE, IssueCommandMessage } from '@fulfil/commands';
import { issueStream, type IssueAction, type IssueLevel, type IssueStatus } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventually, freshNumber, startWhatsAppApi, textOf, type OutboxMessage, type WhatsAppHarness } from './whatsapp-harness';

/**
 * Issues on WhatsApp: the partner's request for information and its proposal reach the seller, with
 * what to do next; taking the issue up does not. A proposal carries Accept offer and Escalate
 * buttons that act on the issue for its seller's number only.
 */

const partner = { actor: { type: 'ondc-logistics' as const, id: 'test-partner' }, channel: 'ondc' as const };
const buttons = (m: OutboxMessage) => (m.message.type === 'buttons' ? m.message.buttons : []);
const refund = { resolutionId: 'R1', kind: 'refund', text: 'Refund of the delivery charge', refundPaise: 8_000 };

type Seller = { sellerId: string; apiKey: string; number: string };
type IssueView = { issueId: string; orderId: string; status: IssueStatus; level: IssueLevel; actions: IssueAction[] };

describe('WhatsApp: the partner’s answers to an issue', () => {
  let wa: WhatsAppHarness;
  let bus: CommandBus;
  let store: EventStore;
  beforeAll(async () => {
    wa = await startWhatsAppApi();
    bus = wa.api.app.get(CommandBus);
    store = wa.api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => wa.close());

  const tap = async (from: string, button: { id: string; title: string }, id?: string) => wa.deliver([{ from, content: { buttonReply: button }, ...(id ? { id } : {}) }]);
  const replyTo = (number: string, text: string, what: string) => wa.awaitMessage(number, (m) => m.purpose === 'reply' && textOf(m) === text, what);

  /** An order of `seller` with an on-network shipment Shadowfax carries, an issue raised about it, and the partner's voice on it. */
  async function raisedIssue(seller: Seller) {
    const orderId = await wa.receiveOrder(seller.apiKey);
    const http = wa.api.http();
    const post = (path: string, body: object = {}) => http.post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body);
    await eventually(async () => ((await http.get(`/v1/orders/${orderId}`).set('authorization', `Bearer ${seller.apiKey}`)).body.invoice ? true : undefined), 'the auto invoice');
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    await bus.execute(new AssignLogisticsPartnerCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', partnerName: 'Shadowfax', networkOrderId: 'net9' }, partner));
    const issueId = (await post(`/v1/orders/${orderId}/shipments/${shipmentId}/issues`, { kind: 'delayed', description: 'Promised two days ago' }).expect(201)).body.issueId as string;
    const respond = (actionId: string, response: 'processing' | 'info_requested' | 'resolution_proposed', extra: object = {}) =>
      bus.execute(
        new IssueCommandMessage(
          { type: 'RecordIssueResponse', sellerId: seller.sellerId, issueId, actionId, response, text: response === 'info_requested' ? 'Please share the buyer’s landmark' : response, level: 'issue', respondedAt: new Date().toISOString(), ...extra },
          { ...partner, idempotencyKey: `ondc-issue:lsp-1:${issueId}:${actionId}` },
        ),
      );
    const issue = async (): Promise<IssueView> => (await http.get(`/v1/issues/${issueId}`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body as IssueView;
    return { orderId, issueId, respond, issue, http };
  }

  it('tells the seller what the partner asks and proposes, once each, and keeps the messages with the order', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const { orderId, issueId, respond, http } = await raisedIssue(seller);
    await respond('L1', 'processing');
    await respond('L2', 'info_requested');
    const asked = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-info-requested' && m.orderId === orderId, 'the request for information');
    expect(textOf(asked)).toContain('Please share the buyer’s landmark');
    expect(textOf(asked)).toContain(issueId);

    await respond('L3', 'resolution_proposed', { resolution: refund });
    const proposed = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId, 'the proposal');
    expect(textOf(proposed)).toContain('Shadowfax proposes Refund of the delivery charge (₹80.00)');
    expect(textOf(proposed)).toContain('the console and the API');
    expect(buttons(proposed)).toEqual([
      { id: `fulfil:iok:${seller.sellerId}:${issueId}`, title: 'Accept offer' },
      { id: `fulfil:iup:${seller.sellerId}:${issueId}`, title: 'Escalate' },
    ]);

    const messages = await eventually(async () => {
      const { body } = await http.get(`/v1/orders/${orderId}/whatsapp-messages`).set('authorization', `Bearer ${seller.apiKey}`).expect(200);
      const issueMessages = (body.messages as Array<{ purpose: string }>).filter((m) => m.purpose.startsWith('issue-'));
      return issueMessages.length === 2 ? issueMessages : undefined;
    }, "the issue's messages on the order");
    expect(messages.map((m) => m.purpose)).toEqual(['issue-info-requested', 'issue-resolution-proposed']);
  });

  it('Accept offer accepts the proposal for the seller, once; a stale tap is explained and changes nothing', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const { orderId, issueId, respond, issue, http } = await raisedIssue(seller);
    await respond('L1', 'resolution_proposed', { resolution: refund });
    const accept = buttons(await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId, 'the proposal'))[0]!;
    expect(accept.title).toBe('Accept offer');

    const tapId = `wamid.accept-${issueId}`;
    expect(await tap(seller.number, accept, tapId)).toMatchObject({ status: 200, body: { handled: 1 } });
    const accepted = await issue();
    expect(accepted).toMatchObject({ status: 'resolution_accepted', level: 'issue' });
    expect(accepted.actions.at(-1)).toMatchObject({ code: 'resolution_accepted', by: 'seller', refId: 'R1' });
    // The seller acted, on WhatsApp, keyed by the message: a redelivery would find its outcome.
    const last = (await store.readStream(issueStream(seller.sellerId, issueId))).at(-1)!;
    expect(last).toMatchObject({ type: 'IssueResolutionAccepted', metadata: { actor: { type: 'seller', id: seller.sellerId }, channel: 'whatsapp', idempotencyKey: `whatsapp:${tapId}` } });
    await replyTo(seller.number, `Order ${orderId}: you accepted Shadowfax's offer on issue ${issueId}; they are told.`, 'the acceptance reply');

    // Meta delivering the same tap again is recognised; a new tap on the old button is refused with the domain's reason.
    expect(await tap(seller.number, accept, tapId)).toMatchObject({ status: 200, body: { handled: 0, duplicates: 1 } });
    expect(await tap(seller.number, accept)).toMatchObject({ status: 200, body: { handled: 1 } });
    await replyTo(
      seller.number,
      `Order ${orderId}: The partner has proposed no resolution on issue ${issueId}. You accepted Shadowfax's offer already.`,
      'the stale-button explanation',
    );
    expect(await issue()).toEqual(accepted);

    // Both taps are kept with the order's WhatsApp history.
    const received = await eventually(async () => {
      const { body } = await http.get(`/v1/orders/${orderId}/whatsapp-messages`).set('authorization', `Bearer ${seller.apiKey}`).expect(200);
      const taps = (body.messages as Array<{ direction: string; text: string; phase: string }>).filter((m) => m.direction === 'received');
      return taps.length === 2 ? taps : undefined;
    }, 'the taps on the order');
    expect(received.map((m) => [m.text, m.phase])).toEqual([
      ['Tapped Accept offer', 'issue-accepted'],
      ['Tapped Accept offer', 'issue-refused'],
    ]);
  });

  it('Escalate makes the issue a grievance, whose next proposal can only be accepted', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const { orderId, issueId, respond, issue } = await raisedIssue(seller);
    await respond('L1', 'resolution_proposed', { resolution: refund });
    const first = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId, 'the proposal');
    const escalate = buttons(first)[1]!;
    expect(escalate.title).toBe('Escalate');

    await tap(seller.number, escalate);
    const escalated = await issue();
    expect(escalated).toMatchObject({ status: 'open', level: 'grievance' });
    expect(escalated.actions.at(-1)).toMatchObject({ code: 'escalated', by: 'seller', text: expect.stringContaining('WhatsApp') });
    await replyTo(seller.number, `Order ${orderId}: issue ${issueId} is escalated to Shadowfax's grievance officer.`, 'the escalation reply');

    // A second Escalate on the old message: the domain refuses a second escalation, and says so.
    await tap(seller.number, escalate);
    await replyTo(seller.number, `Order ${orderId}: Issue ${issueId} is already a grievance.`, 'the refused escalation');
    expect(await issue()).toEqual(escalated);

    await respond('L2', 'resolution_proposed', { level: 'grievance', resolution: { resolutionId: 'R2', kind: 'refund', text: 'Refund of the delivery charge and the parcel', refundPaise: 58_000 } });
    const second = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId && m.id !== first.id, 'the grievance proposal');
    expect(textOf(second)).toContain("Shadowfax's grievance officer proposes Refund of the delivery charge and the parcel (₹580.00)");
    expect(buttons(second)).toEqual([{ id: `fulfil:iok:${seller.sellerId}:${issueId}`, title: 'Accept offer' }]);
    await tap(seller.number, buttons(second)[0]!);
    expect(await issue()).toMatchObject({ status: 'resolution_accepted', level: 'grievance' });
  });

  it("refuses a tap from any number but the issue's seller's, changing nothing", async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const other = await wa.seller({});
    const { orderId, issueId, respond, issue } = await raisedIssue(seller);
    await respond('L1', 'resolution_proposed', { resolution: refund });
    const offered = buttons(await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId, 'the proposal'));
    const before = await issue();

    const stranger = freshNumber();
    for (const [number, button] of [
      [other.number, offered[0]!],
      [other.number, offered[1]!],
      [stranger, offered[0]!],
    ] as const) {
      expect(await tap(number, button)).toMatchObject({ status: 200, body: { handled: 1 } });
    }
    await eventually(async () => ((await wa.outbox(other.number)).filter((m) => textOf(m) === `We could not find issue ${issueId} for this WhatsApp number.`).length === 2 ? true : undefined), 'the refusals to the other seller');
    await replyTo(stranger, `We could not find issue ${issueId} for this WhatsApp number.`, 'the refusal to an unknown number');
    expect(await issue()).toEqual(before);
    expect((await store.readStream(issueStream(seller.sellerId, issueId))).map((e) => e.type)).toEqual(['IssueRaised', 'IssuePartnerResponded']);
  });
});
