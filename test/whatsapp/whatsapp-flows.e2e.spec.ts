import { randomInt } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { AssignLogisticsPartnerCommand, EVENT_STORE, RecordNoPartnerFoundCommand, RecordPartnerReportCommand } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { metaJson, signedDelivery, webhookDelivery, type PlayedMessage } from '@fulfil/whatsapp';
import { freshId } from '../support/fixtures';
import { eventually, freshNumber, isNumberCode, numberCodeIn, startWhatsAppApi, textOf, type OutboxMessage, type WhatsAppHarness } from './whatsapp-harness';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
const ondc = { actor: { type: 'ondc-logistics' as const, id: 'test-partner' }, channel: 'ondc' as const };

const quickReplies = (m: OutboxMessage) => (m.message.type === 'template' ? m.message.quickReplies : []);
const buttons = (m: OutboxMessage) => (m.message.type === 'buttons' ? m.message.buttons : []);
const freshBuyerPhone = (): string => `7${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;

describe('WhatsApp order processing, driven by Meta-shaped webhook deliveries', () => {
  let wa: WhatsAppHarness;
  let store: EventStore;
  beforeAll(async () => {
    wa = await startWhatsAppApi();
    store = wa.api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => wa.close());

  const say = (from: string, text: string, extra: Partial<PlayedMessage> = {}) => wa.deliver([{ from, content: { text }, ...extra }], [], { escapeNonAscii: true });
  const tap = (from: string, button: { id: string; title: string }) => wa.deliver([{ from, content: { buttonReply: button } }]);

  async function orderTemplate(number: string, orderId: string): Promise<OutboxMessage> {
    return wa.awaitMessage(number, (m) => m.type === 'template' && m.orderId === orderId, `new-order template for ${orderId}`);
  }

  it('on-network: template with quick replies, invoice then label as documents, Ready to Ship by a tap, partner news', async () => {
    const seller = await wa.seller({ autoInvoice: true, autoManifest: true });
    const orderId = await wa.receiveOrder(seller.apiKey, { paymentMethod: 'prepaid' });
    const template = await orderTemplate(seller.number, orderId);
    expect(template.message).toMatchObject({ type: 'template', name: wa.config.templates.newOrder, bodyParameters: [orderId, expect.stringMatching(/^₹[\d,]+\.\d\d$/), 'Prepaid'] });
    expect(quickReplies(template).map((q) => q.text)).toEqual(['Ready to Ship', 'Mark as Shipped']);

    const label = await wa.awaitMessage(seller.number, (m) => m.type === 'document' && m.media?.filename.startsWith('label-') === true, 'label document');
    const documents = (await wa.outbox(seller.number)).filter((m) => m.type === 'document' && m.orderId === orderId).reverse();
    expect(documents.map((d) => d.media?.filename.split('-')[0])).toEqual(['invoice', 'label']);
    expect(documents[0]!.media).toMatchObject({ mimeType: 'application/pdf', sizeBytes: expect.any(Number) });
    expect(Date.parse(documents[0]!.sentAt)).toBeLessThanOrEqual(Date.parse(label.sentAt));

    const rts = quickReplies(template)[0]!;
    const delivered = await wa.deliver([{ from: seller.number, content: { quickReply: { payload: rts.payload, text: rts.text } } }]);
    expect(delivered).toMatchObject({ status: 200, body: { handled: 1 } });
    expect(await wa.eventTypes(seller.apiKey, orderId)).toContain('ShipmentMarkedReadyToShip');
    await wa.awaitMessage(seller.number, (m) => m.purpose === 'reply' && textOf(m).includes(`Order ${orderId} is ready to ship`), 'ready-to-ship answer');

    const events = (await wa.api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body.events as Array<{ type: string; data: { shipmentId: string }; metadata: { channel: string } }>;
    const marked = events.find((e) => e.type === 'ShipmentMarkedReadyToShip')!;
    expect(marked.metadata.channel).toBe('whatsapp');
    const shipmentId = marked.data.shipmentId;
    const bus = wa.api.app.get(CommandBus);
    await bus.execute(new AssignLogisticsPartnerCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', partnerName: 'Shadowfax', networkOrderId: 'net1', awb: 'SF12345' }, ondc));
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('Shadowfax will deliver it (AWB SF12345)'), 'partner assigned message');
    await wa.awaitMessage(seller.number, (m) => m.type === 'document' && (m.message.type === 'document' ? m.message.caption?.includes('AWB SF12345') === true : false), 'label with AWB');
    await bus.execute(new RecordPartnerReportCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', report: 'picked_up', reportedAt: new Date().toISOString() }, ondc));
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} was picked up by Shadowfax.`, 'picked-up message');
    await bus.execute(new RecordPartnerReportCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', report: 'delivered', reportedAt: new Date().toISOString() }, ondc));
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} is delivered.`, 'delivered message');
  });

  it('no partner found: the seller is offered three ways forward, taps Use own courier and delivers with the buyer OTP', async () => {
    const seller = await wa.seller({ autoInvoice: true, autoManifest: true });
    const buyerPhone = freshBuyerPhone();
    const orderId = await wa.receiveOrder(seller.apiKey, { buyer: { name: 'Asha Kulkarni', phone: buyerPhone } });
    const rts = quickReplies(await orderTemplate(seller.number, orderId))[0]!;
    // The automatic shipment is made after the template goes out: ready to ship is tapped once its label is sent.
    await wa.awaitMessage(seller.number, (m) => m.type === 'document' && m.orderId === orderId && m.media?.filename.startsWith('label-') === true, 'label document');
    await wa.deliver([{ from: seller.number, content: { quickReply: { payload: rts.payload, text: rts.text } } }]);
    const events = (await wa.api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body.events as Array<{ type: string; data: { shipmentId: string } }>;
    const shipmentId = events.find((e) => e.type === 'ShipmentMarkedReadyToShip')!.data.shipmentId;
    // What the ONDC adapter records when no partner answers.
    await wa.api.app.get(CommandBus).execute(new RecordNoPartnerFoundCommand({ sellerId: seller.sellerId, orderId, shipmentId, reason: 'no partner serves 411045', candidatesTried: 0 }, ondc));

    const offer = await wa.awaitMessage(seller.number, (m) => m.purpose === 'no-partner-found' && m.orderId === orderId, 'no-partner message');
    expect(textOf(offer)).toContain('no delivery partner was found (no partner serves 411045)');
    expect(buttons(offer).map((b) => b.title)).toEqual(['Search again', 'Use own courier', 'Cancel shipment']);

    await tap(seller.number, buttons(offer)[1]!);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('which courier'), 'courier question');
    expect(await wa.eventTypes(seller.apiKey, orderId)).toContain('ShipmentModeSwitched');
    await say(seller.number, 'Blue Dart');
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('tracking number from Blue Dart'), 'tracking question');
    await say(seller.number, 'BD123456');
    const photosAsk = await wa.awaitMessage(seller.number, (m) => m.orderId === orderId && textOf(m).includes('send photos of the shipment'), 'photo question');
    await tap(seller.number, buttons(photosAsk)[0]!);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes(`Order ${orderId} is marked shipped with Blue Dart`), 'shipped answer');
    const otpMessage = await wa.awaitMessage(`91${buyerPhone}`, (m) => m.type === 'template' && m.orderId === orderId, 'buyer OTP template');
    const otp = otpMessage.message.type === 'template' ? otpMessage.message.bodyParameters[0]! : '';
    await say(seller.number, otp);

    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} is delivered. Thank you!`, 'delivered answer');
    expect((await wa.eventTypes(seller.apiKey, orderId)).slice(-1)).toEqual(['ShipmentDelivered']);
  });

  it('the partner cancels: the seller is offered Search again or Use own courier, taps Search again, and a new partner delivers', async () => {
    const seller = await wa.seller({ autoInvoice: true, autoManifest: true });
    const orderId = await wa.receiveOrder(seller.apiKey, { paymentMethod: 'prepaid' });
    const rts = quickReplies(await orderTemplate(seller.number, orderId))[0]!;
    // The automatic shipment is made after the template goes out: ready to ship is tapped once its label is sent.
    await wa.awaitMessage(seller.number, (m) => m.type === 'document' && m.orderId === orderId && m.media?.filename.startsWith('label-') === true, 'label document');
    await wa.deliver([{ from: seller.number, content: { quickReply: { payload: rts.payload, text: rts.text } } }]);
    const events = (await wa.api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body.events as Array<{ type: string; data: { shipmentId: string } }>;
    const shipmentId = events.find((e) => e.type === 'ShipmentMarkedReadyToShip')!.data.shipmentId;
    const bus = wa.api.app.get(CommandBus);
    // What the ONDC adapter records when a partner takes the order and then lets it go.
    await bus.execute(new AssignLogisticsPartnerCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', partnerName: 'Shadowfax', networkOrderId: 'net1' }, ondc));
    await bus.execute(
      new RecordPartnerReportCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-1', report: 'cancelled', reason: 'rider unavailable', reportedAt: new Date().toISOString() }, ondc),
    );

    const offer = await wa.awaitMessage(seller.number, (m) => m.purpose === 'partner-cancelled' && m.orderId === orderId, 'partner-cancelled message');
    expect(textOf(offer)).toContain(`Order ${orderId}: Shadowfax cancelled the delivery (rider unavailable)`);
    expect(buttons(offer).map((b) => b.title)).toEqual(['Search again', 'Use own courier']);

    await tap(seller.number, buttons(offer)[0]!);
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId}: searching for a delivery partner again. We will tell you what we find.`, 'retry answer');
    const retried = (await wa.api.http().get(`/v1/orders/${orderId}`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body;
    expect(retried.shipments[0]).toMatchObject({ shipmentId, status: 'ready_to_ship' });
    expect((await wa.eventTypes(seller.apiKey, orderId)).filter((t) => t === 'ShipmentMarkedReadyToShip')).toHaveLength(2);

    await bus.execute(new AssignLogisticsPartnerCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-2', partnerName: 'Delhivery', networkOrderId: 'net2' }, ondc));
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes(`Order ${orderId}: Delhivery will deliver it`), 'second partner message');
    await bus.execute(new RecordPartnerReportCommand({ sellerId: seller.sellerId, orderId, shipmentId, partnerId: 'lsp-2', report: 'delivered', reportedAt: new Date().toISOString() }, ondc));
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} is delivered.`, 'delivered message');
  });

  it('off-network: Mark as Shipped, courier (non-ASCII), tracking (with "/"), a photo, Done; the buyer gets the OTP; the seller sends it back', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const buyerPhone = freshBuyerPhone();
    const orderId = await wa.receiveOrder(seller.apiKey, { buyer: { name: 'Asha Kulkarni', phone: buyerPhone } });
    const template = await orderTemplate(seller.number, orderId);
    const ship = quickReplies(template)[1]!;
    await wa.deliver([{ from: seller.number, content: { quickReply: { payload: ship.payload, text: ship.text } } }]);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('which courier'), 'courier question');
    expect(await wa.eventTypes(seller.apiKey, orderId)).toEqual(['OrderReceived', 'InvoiceGenerated', 'ShipmentCreated', 'ShippingLabelGenerated']);

    expect((await say(seller.number, 'Delhivery एक्सप्रेस / Surface')).status).toBe(200);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('tracking number from Delhivery एक्सप्रेस / Surface'), 'tracking question');
    await say(seller.number, 'not a tracking number!!');
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('does not look like a tracking number'), 'tracking help');
    await say(seller.number, 'DL-2024/88812');
    const photosAsk = await wa.awaitMessage(seller.number, (m) => textOf(m).includes('send photos of the shipment'), 'photo question');
    const done = buttons(photosAsk)[0]!;
    expect(done).toEqual({ id: `fulfil:done:${seller.sellerId}:${orderId}`, title: 'Done' });

    const photo = wa.placeMedia(PNG, 'image/png');
    await wa.deliver([{ from: seller.number, content: { image: { mediaId: photo, mimeType: 'image/png', caption: 'पार्सल' } } }]);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('photo 1 saved'), 'photo saved');
    await tap(seller.number, done);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('is marked shipped with Delhivery एक्सप्रेस / Surface (DL-2024/88812)'), 'shipped answer');

    const buyer = `91${buyerPhone}`;
    const otpMessage = await wa.awaitMessage(buyer, (m) => m.type === 'template' && m.orderId === orderId, 'buyer OTP template');
    expect(otpMessage.message).toMatchObject({ type: 'template', name: wa.config.templates.deliveryOtp, bodyParameters: [expect.stringMatching(/^\d{6}$/), orderId] });
    const otp = otpMessage.message.type === 'template' ? otpMessage.message.bodyParameters[0]! : '';
    const events = (await wa.api.http().get(`/v1/orders/${orderId}/events`).set('authorization', `Bearer ${seller.apiKey}`).expect(200)).body.events as Array<{ type: string; data: Record<string, unknown> }>;
    const shipped = events.find((e) => e.type === 'ShipmentMarkedShipped')!;
    expect(shipped.data).toMatchObject({ courierName: 'Delhivery एक्सप्रेस / Surface', trackingNumber: 'DL-2024/88812', images: [{ contentType: 'image/png', sizeBytes: PNG.length }] });
    expect(otp).toBe(wa.api.otp.otpFor({ sellerId: seller.sellerId, orderId, shipmentId: String(shipped.data['shipmentId']), sequence: 1 }));
    // The plain OTP is in the buyer's message only: not in the order's, the conversation's or the outbox's events.
    const everything = await store.readAll({ maxCount: 100_000 });
    expect(everything.filter((e) => JSON.stringify(e.data).includes(otp))).toEqual([]);

    const wrong = otp === '000000' ? '111111' : '000000';
    await say(seller.number, wrong);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('that OTP is not right. 4 tries left'), 'wrong OTP answer');
    await say(seller.number, ` ${otp.slice(0, 3)} ${otp.slice(3)} `);
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} is delivered. Thank you!`, 'delivered answer');
    const types = await wa.eventTypes(seller.apiKey, orderId);
    expect(types.slice(-3)).toEqual(['DeliveryOtpRejected', 'DeliveryOtpVerified', 'ShipmentDelivered']);
    const conversation = await store.readStream(`whatsapp-conversation:${seller.sellerId}:${orderId}`);
    expect(conversation.map((e) => e.type)).toEqual([
      'WhatsAppShippingStarted',
      'WhatsAppCourierNamed',
      'WhatsAppTrackingNumberGiven',
      'WhatsAppShipmentPhotoAdded',
      'WhatsAppShipmentMarkedShipped',
      'WhatsAppDeliveryConfirmed',
    ]);
    expect(conversation.every((e) => e.metadata['channel'] === 'whatsapp' && (e.metadata['actor'] as { id: string }).id === seller.sellerId)).toBe(true);
    await say(seller.number, 'hello?');
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('nothing is waiting for an answer'), 'helpful answer after the conversation');

    // The order's story over WhatsApp, through the public API: what was sent to the seller and the buyer, and what the seller sent, with no OTP in it.
    type Chat = { direction: string; number: string; purpose: string; text: string; phase: string };
    const chats = (as: string) => wa.api.http().get(`/v1/orders/${orderId}/whatsapp-messages`).set('authorization', `Bearer ${as}`);
    const story = await eventually(async () => {
      const { body } = await chats(seller.apiKey).expect(200);
      const messages = body.messages as Chat[];
      return messages.some((m) => m.direction === 'received' && m.text === 'hello?') && messages.some((m) => m.text.includes('nothing is waiting for an answer')) ? messages : undefined;
    }, "the order's WhatsApp messages");
    expect(story.filter((m) => m.direction === 'sent' && m.number === buyer).map((m) => [m.purpose, m.text])).toEqual([['delivery-otp', `The buyer's delivery OTP for order ${orderId} (the code is not kept)`]]);
    expect(story.find((m) => m.purpose === 'order-received')).toMatchObject({ direction: 'sent', number: seller.number, text: expect.stringContaining(`New order ${orderId}`) });
    expect(story.filter((m) => m.direction === 'received').map((m) => m.text)).toEqual([
      `Tapped ${ship.text}`,
      'Delhivery एक्सप्रेस / Surface',
      'not a tracking number!!',
      'DL-2024/88812',
      'A photo',
      'Tapped Done',
      '••••',
      '••••',
      'hello?',
    ]);
    expect(story.every((m) => m.direction === 'received' || ['queued', 'sending', 'sent', 'delivered', 'read'].includes(m.phase))).toBe(true);
    expect(JSON.stringify(story)).not.toContain(otp);
    expect(JSON.stringify(story)).not.toContain(otp.slice(0, 3) + ' ' + otp.slice(3));
    const handled = (await store.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'WhatsAppMessageHandled');
    expect(handled.filter((e) => JSON.stringify(e.data).includes(otp) || JSON.stringify(e.data).includes(wrong))).toEqual([]);
    const other = await wa.seller({});
    expect((await chats(other.apiKey).expect(404)).body).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('a locked OTP is unlocked with Resend OTP: the buyer gets a fresh one, and only that one delivers', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const buyerPhone = freshBuyerPhone();
    const orderId = await wa.receiveOrder(seller.apiKey, { buyer: { name: 'Ravi Menon', phone: buyerPhone } });
    const template = await orderTemplate(seller.number, orderId);
    // Shipped from the dashboard; the WhatsApp conversation picks up at the OTP.
    const post = (path: string, body: object) => wa.api.http().post(path).set('authorization', `Bearer ${seller.apiKey}`).send(body);
    const shipment = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipment}/ship`, { courierName: 'DTDC', trackingNumber: 'D123456' }).expect(200);
    const buyer = `91${buyerPhone}`;
    const first = await wa.awaitMessage(buyer, (m) => m.type === 'template', 'first OTP');
    await wa.deliver([{ from: seller.number, content: { quickReply: quickReplies(template)[1]! } }]);
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('is shipped. After delivery, ask the buyer'), 'OTP question');
    const firstOtp = first.message.type === 'template' ? first.message.bodyParameters[0]! : '';
    const wrong = firstOtp === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) await say(seller.number, wrong);
    const locked = await wa.awaitMessage(seller.number, (m) => textOf(m).includes('the OTP is locked'), 'locked answer');
    expect(buttons(locked)).toEqual([{ id: `fulfil:otp:${seller.sellerId}:${orderId}`, title: 'Resend OTP' }]);
    await tap(seller.number, buttons(locked)[0]!);
    const second = await wa.awaitMessage(buyer, (m) => m.type === 'template' && m.id !== first.id, 'second OTP');
    const secondOtp = second.message.type === 'template' ? second.message.bodyParameters[0]! : '';
    expect(secondOtp).toBe(wa.api.otp.otpFor({ sellerId: seller.sellerId, orderId, shipmentId: shipment, sequence: 2 }));
    // The webhook answers once the message was acted on, so the order's events are already there.
    await say(seller.number, firstOtp === secondOtp ? wrong : firstOtp);
    expect((await wa.eventTypes(seller.apiKey, orderId)).slice(-3)).toEqual(['DeliveryOtpLocked', 'DeliveryOtpReissued', 'DeliveryOtpRejected']);
    await say(seller.number, secondOtp);
    await wa.awaitMessage(seller.number, (m) => textOf(m) === `Order ${orderId} is delivered. Thank you!`, 'delivered answer');
    expect((await wa.eventTypes(seller.apiKey, orderId)).slice(-3)).toEqual(['DeliveryOtpRejected', 'DeliveryOtpVerified', 'ShipmentDelivered']);
  });

  it('processes every entry, change and message of one delivery', async () => {
    const a = await wa.seller({});
    const b = await wa.seller({});
    const first = webhookDelivery([{ from: a.number, content: { text: 'hi' } }, { from: b.number, content: { text: 'hello' } }]) as { entry: Array<{ changes: unknown[] }> };
    const second = webhookDelivery([{ from: a.number, content: { text: 'anyone?' } }]) as { entry: Array<{ changes: unknown[] }> };
    first.entry[0]!.changes.push(...second.entry[0]!.changes);
    first.entry.push(...(webhookDelivery([{ from: b.number, content: { text: 'namaste 🙏' } }]) as { entry: unknown[] }).entry as never[]);
    const raw = metaJson(first);
    const response = await wa.postRaw(raw, signedDelivery(raw, wa.config.appSecret).headers);
    expect(response).toMatchObject({ status: 200, body: { handled: 4, duplicates: 0 } });
    const answers = async (number: string) => (await wa.outbox(number)).filter((m) => !isNumberCode(m)).length;
    await eventually(async () => ((await answers(a.number)) === 2 ? true : undefined), 'two answers to a');
    await eventually(async () => ((await answers(b.number)) === 2 ? true : undefined), 'two answers to b');
  });

  it('answers the GET handshake only with the verify token', async () => {
    const ok = await wa.api.http().get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': wa.config.verifyToken, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    await wa.api.http().get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }).expect(403);
    await wa.api.http().get('/webhooks/whatsapp').query({ 'hub.mode': 'unsubscribe', 'hub.verify_token': wa.config.verifyToken, 'hub.challenge': '1' }).expect(403);
  });

  it('refuses a bad or missing signature with 401 and acts on nothing', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(seller.apiKey);
    const template = await orderTemplate(seller.number, orderId);
    const ship = quickReplies(template)[1]!;
    const message: PlayedMessage = { from: seller.number, profileName: 'Kaveri Handlooms / Bengaluru', id: `wamid.${freshId('sig')}`, content: { quickReply: { payload: ship.payload, text: ship.text } } };
    const raw = metaJson(webhookDelivery([message]));
    expect(raw).toContain('\\/');
    const valid = signedDelivery(raw, wa.config.appSecret).headers;
    const reserialised = signedDelivery(JSON.stringify(JSON.parse(raw)), wa.config.appSecret).headers;
    const wrongSecret = signedDelivery(raw, 'not-the-app-secret-at-all').headers;
    expect((await wa.postRaw(raw, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await wa.postRaw(raw, { ...valid, 'x-hub-signature-256': reserialised['x-hub-signature-256']! })).status).toBe(401);
    expect((await wa.postRaw(raw, wrongSecret)).status).toBe(401);
    expect((await wa.postRaw(raw, { ...valid, 'x-hub-signature-256': 'sha256=abc' })).status).toBe(401);
    const refused = await wa.postRaw(raw, wrongSecret);
    expect(refused.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(await wa.eventTypes(seller.apiKey, orderId)).toEqual(['OrderReceived', 'InvoiceGenerated']);
    // The same delivery signed properly is new: the refused ones left no trace.
    expect(await wa.postRaw(raw, valid)).toMatchObject({ status: 200, body: { handled: 1, duplicates: 0 } });
    expect(await wa.eventTypes(seller.apiKey, orderId)).toContain('ShipmentCreated');
  });

  it('ignores redelivered messages by id: no second command, no second answer', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(seller.apiKey);
    const template = await orderTemplate(seller.number, orderId);
    const ship = quickReplies(template)[1]!;
    const tapOnce: PlayedMessage = { from: seller.number, id: `wamid.${freshId('dup')}`, content: { quickReply: { payload: ship.payload, text: ship.text } } };
    expect(await wa.deliver([tapOnce])).toMatchObject({ status: 200, body: { handled: 1 } });
    const courier: PlayedMessage = { from: seller.number, id: `wamid.${freshId('dup')}`, content: { text: 'Blue Dart' } };
    expect(await wa.deliver([courier, courier])).toMatchObject({ status: 200, body: { handled: 1, duplicates: 1 } });
    expect(await wa.deliver([tapOnce, courier])).toMatchObject({ status: 200, body: { handled: 0, duplicates: 2 } });
    await wa.awaitMessage(seller.number, (m) => textOf(m).includes('tracking number from Blue Dart'), 'tracking question');
    const events = await wa.eventTypes(seller.apiKey, orderId);
    expect(events.filter((t) => t === 'ShipmentCreated')).toHaveLength(1);
    const replies = (await wa.outbox(seller.number)).filter((m) => m.purpose === 'reply');
    expect(replies.map(textOf).filter((t) => t.includes('which courier'))).toHaveLength(1);
    expect(replies.map(textOf).filter((t) => t.includes('tracking number from Blue Dart'))).toHaveLength(1);
  });

  it('a number that belongs to no seller acts on nothing and gets a pointer, not a guess', async () => {
    const seller = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(seller.apiKey);
    const template = await orderTemplate(seller.number, orderId);
    const stranger = '919000000001';
    for (const q of quickReplies(template)) await wa.deliver([{ from: stranger, content: { quickReply: q } }]);
    await say(stranger, '123456');
    await wa.awaitMessage(stranger, (m) => textOf(m) === `We could not find order ${orderId} for this WhatsApp number.`, 'not-found answer');
    await wa.awaitMessage(stranger, (m) => textOf(m).startsWith('There is no order conversation open on this number'), 'no-conversation answer');
    expect(await wa.eventTypes(seller.apiKey, orderId)).toEqual(['OrderReceived', 'InvoiceGenerated']);
  });

  it("no WhatsApp path reaches another seller's order", async () => {
    const owner = await wa.seller({ autoInvoice: true });
    const other = await wa.seller({ autoInvoice: true });
    const orderId = await wa.receiveOrder(owner.apiKey);
    const ownTemplate = await orderTemplate(owner.number, orderId);
    const otherOrder = await wa.receiveOrder(other.apiKey);
    await orderTemplate(other.number, otherOrder);
    // The other seller replays the owner's payloads (quick replies and interactive ids) and free text.
    for (const q of quickReplies(ownTemplate)) {
      await wa.deliver([{ from: other.number, content: { quickReply: q } }]);
      await tap(other.number, { id: q.payload, title: q.text });
    }
    await tap(other.number, { id: `fulfil:done:${owner.sellerId}:${orderId}`, title: 'Done' });
    await tap(other.number, { id: `fulfil:otp:${owner.sellerId}:${orderId}`, title: 'Resend OTP' });
    // The same order id under their own seller id names an order they do not have.
    await tap(other.number, { id: `fulfil:ship:${other.sellerId}:${orderId}`, title: 'Mark as Shipped' });
    // Their own conversation is open, but texts go only to their own order.
    const theirs = await orderTemplate(other.number, otherOrder);
    await wa.deliver([{ from: other.number, content: { quickReply: quickReplies(theirs)[1]! } }]);
    await say(other.number, 'Blue Dart');
    expect(await wa.eventTypes(owner.apiKey, orderId)).toEqual(['OrderReceived', 'InvoiceGenerated']);
    const notYours = (await wa.outbox(other.number)).filter((m) => textOf(m) === `We could not find order ${orderId} for this WhatsApp number.`);
    expect(notYours).toHaveLength(7);
    await wa.awaitMessage(other.number, (m) => textOf(m) === `Order ${otherOrder}: now send the tracking number from Blue Dart.`, 'own conversation goes on');
    // A seller who sets another number keeps the old one until the new one is confirmed, then loses the old number's access at once.
    const newNumber = freshNumber();
    await wa.api.http().patch('/v1/seller').set('authorization', `Bearer ${other.apiKey}`).send({ settings: { whatsappNumber: newNumber } }).expect(200);
    const code = await eventually(async () => numberCodeIn(await wa.outbox(newNumber)), 'code to the new number');
    await wa.api.http().post('/v1/seller/whatsapp/verify').set('authorization', `Bearer ${other.apiKey}`).send({ code }).expect(200);
    await say(other.number, 'DL-1234');
    await wa.awaitMessage(other.number, (m) => textOf(m).startsWith('There is no order conversation open'), 'old number has no conversation');
    expect(await wa.eventTypes(other.apiKey, otherOrder)).toEqual(['OrderReceived', 'InvoiceGenerated', 'ShipmentCreated', 'ShippingLabelGenerated']);
  });

  it('records status updates; out-of-window (131047) and undeliverable sends are reported, rate-limited ones retried', async () => {
    const seller = await wa.seller({ autoInvoice: true, autoManifest: true });
    const orderId = await wa.receiveOrder(seller.apiKey);
    const template = await orderTemplate(seller.number, orderId);
    const status = (id: string, s: 'sent' | 'delivered' | 'read' | 'failed', errors?: Array<{ code: number; title: string }>) => ({ id, recipient: seller.number, status: s, ...(errors ? { errors } : {}) });
    expect(await wa.deliver([], [status(template.id, 'read'), status(template.id, 'delivered')])).toMatchObject({ status: 200, body: { statuses: 2 } });
    expect(await wa.deliver([], [status(template.id, 'delivered')])).toMatchObject({ status: 200, body: { statuses: 0 } });
    const seen = (await wa.outbox(seller.number)).find((m) => m.id === template.id)!;
    expect(seen).toMatchObject({ delivery: 'read', statuses: ['read', 'delivered'] });

    await say(seller.number, 'hello');
    const answer = await wa.awaitMessage(seller.number, (m) => m.purpose === 'reply' && m.delivery === 'sent', 'a free-form answer');
    await wa.deliver([], [status(answer.id, 'failed', [{ code: 131047, title: 'Re-engagement message' }])]);
    const reported = (await wa.outbox(seller.number)).find((m) => m.id === answer.id)!;
    expect(reported).toMatchObject({ delivery: 'failed', error: { code: 131047, reason: expect.stringContaining('re-engagement required') } });

    const retried = (await wa.outbox(seller.number)).find((m) => m.type === 'template' && m.orderId === orderId)!;
    await wa.deliver([], [status(retried.id, 'failed', [{ code: 130429, title: 'Rate limit hit' }])]);
    const resent = await wa.awaitMessage(seller.number, (m) => m.type === 'template' && m.orderId === orderId && m.id !== retried.id, 'the template sent again');
    // Statuses follow the newest Meta message id; the old one's news is stale.
    expect(await wa.deliver([], [status(resent.id, 'delivered'), status(retried.id, 'read')])).toMatchObject({ body: { statuses: 1 } });
    expect((await wa.outbox(seller.number)).find((m) => m.id === resent.id)).toMatchObject({ delivery: 'delivered', statuses: ['delivered'] });

    const undeliverable = await wa.awaitMessage(seller.number, (m) => m.type === 'document', 'a document');
    await wa.deliver([], [status(undeliverable.id, 'failed', [{ code: 131026, title: 'Message undeliverable' }])]);
    expect((await wa.outbox(seller.number)).find((m) => m.id === undeliverable.id)).toMatchObject({ delivery: 'failed', error: { code: 131026, reason: 'undeliverable' } });
    expect((await wa.outbox(seller.number)).filter((m) => m.type === 'document' && m.message.type === 'document' && undeliverable.message.type === 'document' && m.message.filename === undeliverable.message.filename)).toHaveLength(1);
  });

  it('lists the outbox only for the platform key, newest first, filtered by recipient', async () => {
    const seller = await wa.seller({ autoInvoice: true, autoManifest: true });
    await wa.api.http().get('/v1/admin/outbox').set('authorization', `Bearer ${seller.apiKey}`).expect(401);
    await wa.api.http().get('/v1/admin/outbox').query({ recipient: 'abc' }).set('authorization', `Bearer ${wa.api.platformKey}`).expect(400);
    const orderId = await wa.receiveOrder(seller.apiKey);
    await wa.awaitMessage(seller.number, (m) => m.type === 'document' && m.orderId === orderId && m.media?.filename.startsWith('label') === true, 'documents');
    const listed = await wa.outbox(seller.number);
    expect(listed.every((m) => m.to === seller.number)).toBe(true);
    expect(listed.map((m) => m.sentAt)).toEqual([...listed.map((m) => m.sentAt)].sort().reverse());
  });
});
