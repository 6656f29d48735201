import { CommandBus } from '@nestjs/cqrs';
import { AssignLogisticsPartnerCommand, IssueCommandMessage } from '@fulfil/commands';
import { eventually, startWhatsAppApi, textOf, type WhatsAppHarness } from './whatsapp-harness';

/** Issues on WhatsApp: the partner's request for information and its proposal reach the seller, with what to do next; taking the issue up does not. */

const partner = { actor: { type: 'ondc-logistics' as const, id: 'test-partner' }, channel: 'ondc' as const };

describe('WhatsApp: the partner’s answers to an issue', () => {
  let wa: WhatsAppHarness;
  beforeAll(async () => {
    wa = await startWhatsAppApi();
  });
  afterAll(() => wa.close());

  it('tells the seller what the partner asks and proposes, once each, and keeps the messages with the order', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(seller.apiKey);
    const http = wa.api.http();
    const post = (path: string, body: object = {}) => http.post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body);
    await eventually(async () => ((await http.get(`/v1/orders/${orderId}`).set('authorization', `Bearer ${seller.apiKey}`)).body.invoice ? true : undefined), 'the auto invoice');
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    const bus = wa.api.app.get(CommandBus);
    await bus.execute(new AssignLogisticsPartnerCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', partnerName: 'Shadowfax', networkOrderId: 'net9' }, partner));
    const issueId = (await post(`/v1/orders/${orderId}/shipments/${shipmentId}/issues`, { kind: 'delayed', description: 'Promised two days ago' }).expect(201)).body.issueId as string;

    const respond = (actionId: string, response: 'processing' | 'info_requested' | 'resolution_proposed', extra: object = {}) =>
      bus.execute(
        new IssueCommandMessage(
          { type: 'RecordIssueResponse', sellerId: seller.sellerId, issueId, actionId, response, text: response === 'info_requested' ? 'Please share the buyer’s landmark' : response, level: 'issue', respondedAt: new Date().toISOString(), ...extra },
          { ...partner, idempotencyKey: `ondc-issue:lsp-1:${issueId}:${actionId}` },
        ),
      );
    await respond('L1', 'processing');
    await respond('L2', 'info_requested');
    const asked = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-info-requested' && m.orderId === orderId, 'the request for information');
    expect(textOf(asked)).toContain('Please share the buyer’s landmark');
    expect(textOf(asked)).toContain(issueId);

    await respond('L3', 'resolution_proposed', { resolution: { resolutionId: 'R1', kind: 'refund', text: 'Refund of the delivery charge', refundPaise: 8_000 } });
    const proposed = await wa.awaitMessage(seller.number, (m) => m.purpose === 'issue-resolution-proposed' && m.orderId === orderId, 'the proposal');
    expect(textOf(proposed)).toContain('Shadowfax proposes Refund of the delivery charge (₹80.00)');

    const messages = await eventually(async () => {
      const { body } = await http.get(`/v1/orders/${orderId}/whatsapp-messages`).set('authorization', `Bearer ${seller.apiKey}`).expect(200);
      const issueMessages = (body.messages as Array<{ purpose: string }>).filter((m) => m.purpose.startsWith('issue-'));
      return issueMessages.length === 2 ? issueMessages : undefined;
    }, "the issue's messages on the order");
    expect(messages.map((m) => m.purpose)).toEqual(['issue-info-requested', 'issue-resolution-proposed']);
  });
});
