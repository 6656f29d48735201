import { randomInt } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { AssignLogisticsPartnerCommand, RecordPartnerReportCommand } from '@fulfil/commands';
import { eventually, startWhatsAppApi, textOf, type OutboxMessage, type WhatsAppHarness } from './whatsapp-harness';

/** Failed attempts on WhatsApp: the seller's alert with quick replies, the buyer's notice of the next attempt, and the seller's answers. */

const partner = { actor: { type: 'ondc-logistics' as const, id: 'test-partner' }, channel: 'ondc' as const };
const quickReplies = (m: OutboxMessage) => (m.message.type === 'template' ? m.message.quickReplies : []);
const buttons = (m: OutboxMessage) => (m.message.type === 'buttons' ? m.message.buttons : []);
const freshBuyerPhone = (): string => `7${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;

interface OrderEventView {
  type: string;
  data: Record<string, unknown>;
  metadata: { channel: string };
}

describe('WhatsApp: failed attempts', () => {
  let wa: WhatsAppHarness;
  beforeAll(async () => {
    wa = await startWhatsAppApi();
  });
  afterAll(() => wa.close());

  const events = async (apiKey: string, orderId: string) =>
    (await wa.api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${apiKey}`).expect(200)).body.events as OrderEventView[];

  it('on-network: a failed delivery alerts the seller with Re-attempt and Return to me, tells the buyer the next attempt, and Re-attempt by a tap answers it', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const buyerPhone = freshBuyerPhone();
    const orderId = await wa.receiveOrder(seller.apiKey, { buyer: { name: 'Asha Kulkarni', phone: buyerPhone } });
    const post = (path: string, body: object = {}) => wa.api.http().post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body);
    await eventually(async () => ((await events(seller.apiKey, orderId)).some((e) => e.type === 'InvoiceGenerated') ? true : undefined), 'the auto invoice');
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
    const bus = wa.api.app.get(CommandBus);
    const ids = { sellerId: seller.sellerId, orderId, shipmentId };
    await bus.execute(new AssignLogisticsPartnerCommand({ ...ids, partnerId: 'lsp-1', partnerName: 'Shadowfax', networkOrderId: 'net9', awb: 'SF99999' }, partner));
    for (const report of ['picked_up', 'out_for_delivery'] as const) {
      await bus.execute(new RecordPartnerReportCommand({ ...ids, partnerId: 'lsp-1', report, reportedAt: new Date().toISOString() }, partner));
    }
    await bus.execute(
      new RecordPartnerReportCommand({ ...ids, partnerId: 'lsp-1', report: 'delivery_failed', reasonCode: '005', nextAttemptAt: '2026-12-24T04:30:00.000Z', reportedAt: new Date().toISOString() }, partner),
    );

    const alert = await wa.awaitMessage(seller.number, (m) => m.purpose === 'attempt-failed' && m.orderId === orderId, 'the failed-delivery alert');
    expect(alert.message).toMatchObject({
      type: 'template',
      name: wa.config.templates.attemptFailed,
      bodyParameters: [orderId, 'Delivery attempt 1', 'ONDC delay reason 005', '24 Dec 2026, 10:00 am'],
    });
    expect(quickReplies(alert).map((q) => q.text)).toEqual(['Re-attempt', 'Return to me']);
    const notice = await wa.awaitMessage(`91${buyerPhone}`, (m) => m.purpose === 'delivery-attempt', "the buyer's notice");
    expect(notice.message).toMatchObject({ type: 'template', name: wa.config.templates.deliveryAttempt, bodyParameters: [orderId, '24 Dec 2026, 10:00 am'] });

    const again = quickReplies(alert)[0]!;
    expect(await wa.deliver([{ from: seller.number, content: { quickReply: { payload: again.payload, text: again.text } } }])).toMatchObject({ status: 200, body: { handled: 1 } });
    await wa.awaitMessage(seller.number, (m) => m.purpose === 'reply' && textOf(m).includes('we asked the delivery partner to try again'), 'the re-attempt answer');
    const answered = (await events(seller.apiKey, orderId)).find((e) => e.type === 'ShipmentReattemptRequested');
    expect(answered).toMatchObject({ data: { stage: 'delivery', attempt: 1 }, metadata: { channel: 'whatsapp' } });

    // The same tap again (a second press) changes nothing more.
    await wa.deliver([{ from: seller.number, content: { quickReply: { payload: again.payload, text: again.text } } }]);
    expect((await events(seller.apiKey, orderId)).filter((e) => e.type === 'ShipmentReattemptRequested')).toHaveLength(1);
  });

  it("off-network: the seller reports a failed delivery, then the parcel's return; the order closes returned with a credit note", async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(seller.apiKey, { buyer: { name: 'Ravi Menon', phone: freshBuyerPhone() } });
    const post = (path: string, body: object = {}) => wa.api.http().post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body);
    await eventually(async () => ((await events(seller.apiKey, orderId)).some((e) => e.type === 'InvoiceGenerated') ? true : undefined), 'the auto invoice');
    const shipment = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipment}/ship`, { courierName: 'DTDC', trackingNumber: 'D765432' }).expect(200);

    const tap = (action: string, title: string) => wa.deliver([{ from: seller.number, content: { buttonReply: { id: `fulfil:${action}:${seller.sellerId}:${orderId}`, title } } }]);
    await tap('fail', 'Delivery failed');
    const recorded = await wa.awaitMessage(seller.number, (m) => textOf(m).includes('failed delivery recorded'), 'the failed-attempt answer');
    expect(buttons(recorded).map((b) => b.title)).toEqual(['Re-attempt', 'Parcel came back']);
    expect((await events(seller.apiKey, orderId)).find((e) => e.type === 'ShipmentAttemptFailed')).toMatchObject({ data: { stage: 'delivery', attempt: 1, by: 'seller' }, metadata: { channel: 'whatsapp' } });

    await tap('rtn', 'Parcel came back');
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('the parcel is back with you'), 'the return answer');
    const closed = await eventually(async () => {
      const all = await events(seller.apiKey, orderId);
      return all.some((e) => e.type === 'OrderCancelled') ? all : undefined;
    }, 'the order closed');
    expect(closed.map((e) => e.type)).toEqual(expect.arrayContaining(['ShipmentRtoInitiated', 'ShipmentRtoDelivered', 'CreditNoteIssued', 'OrderCancelled']));
    const order = await eventually(async () => {
      const view = (await wa.api.http().get(`/v1/orders/${orderId}`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body as { status: string };
      return view.status === 'returned' ? view : undefined;
    }, 'the returned order');
    expect(order.status).toBe('returned');
  });
});
