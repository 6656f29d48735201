import { randomInt } from 'node:crypto';
import type { RecordedEvent } from '@fulfil/event-store';
import { WHATSAPP_CONFIG } from '@fulfil/fulfillment-api';
import { metaJson, placeSandboxMedia, signedDelivery, webhookDelivery, type PlayedMessage, type PlayedStatus, type SandboxMessage, type WhatsAppConfig } from '@fulfil/whatsapp';
import { loadEventSchemas } from '../../libs/domain/src/testing/event-contracts';
import { AdapterHarness, INDIRANAGAR_DROP, KORAMANGALA_PICKUP, eventually } from '../ondc-adapter/support/adapter-harness';
import { orderInput, sellerProfile } from '../support/fixtures';
import { freshNumber, numberCodeIn } from '../whatsapp/whatsapp-harness';

/**
 * Everything the engine writes, read back whole after a full run: orders on and off the network,
 * the ONDC conversation with a partner, WhatsApp in (seller replies, a photo, status webhooks) and
 * out (templates, documents, the buyer's OTP). Every event must carry the schema version it was
 * written with, match that version's schema, and say who caused it (ADR 0017).
 */

type Outgoing = SandboxMessage & { orderId?: string; purpose?: string };

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e226059b0000000049454e44ae426082', 'hex');
const schemas = loadEventSchemas();

describe('the store after a full run: versioned, valid and attributed events', () => {
  let harness: AdapterHarness;
  let whatsapp: WhatsAppConfig;
  let events: RecordedEvent[];

  const deliver = async (messages: PlayedMessage[], statuses: PlayedStatus[] = []) => {
    const raw = metaJson(webhookDelivery(messages, statuses));
    let request = harness.http().post('/webhooks/whatsapp');
    for (const [name, value] of Object.entries(signedDelivery(raw, whatsapp.appSecret).headers)) request = request.set(name, value);
    const response = await request.send(raw);
    expect(response.status).toBe(200);
  };
  const outbox = async (to: string): Promise<Outgoing[]> =>
    (await harness.http().get('/v1/admin/outbox').query({ recipient: to, limit: 1000 }).set('authorization', `Bearer ${harness.platformKey}`).expect(200)).body.messages as Outgoing[];
  const textOf = (m: Outgoing): string => (m.message.type === 'text' || m.message.type === 'buttons' ? m.message.body : '');
  const awaitMessage = (to: string, match: (m: Outgoing) => boolean, what: string) => eventually(async () => (await outbox(to)).find(match), what);

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 50 });
    whatsapp = harness.app.get<WhatsAppConfig>(WHATSAPP_CONFIG);
    const number = freshNumber();
    const created = await harness
      .http()
      .post('/v1/sellers')
      .set('authorization', `Bearer ${harness.platformKey}`)
      .send({ profile: { ...sellerProfile(), pickupAddress: KORAMANGALA_PICKUP }, settings: { invoicePrefix: 'INV/', autoInvoice: true, whatsappNumber: number } })
      .expect(201);
    const { sellerId, apiKey } = created.body as { sellerId: string; apiKey: string };
    const api = (method: 'get' | 'post', path: string) => harness.http()[method](path).set('authorization', `Bearer ${apiKey}`);
    // The number acts for the seller once confirmed with the code WhatsApp brought to it.
    const code = await eventually(async () => numberCodeIn(await outbox(number)), `the verification code to ${number}`);
    await api('post', '/v1/seller/whatsapp/verify').send({ code }).expect(200);
    const receive = async (overrides: object) => {
      const { sellerId: _s, orderId: _o, ...body } = { ...orderInput(sellerId), ...overrides };
      return (await api('post', '/v1/orders').send(body).expect(201)).body.orderId as string;
    };
    const quickReplies = async (orderId: string) => {
      const template = await awaitMessage(number, (m) => m.type === 'template' && m.orderId === orderId, `the new-order template of ${orderId}`);
      return template.message.type === 'template' ? template.message.quickReplies : [];
    };

    // On the network: the seller taps Ready to Ship on WhatsApp; a partner is found, confirmed and delivers; the seller tracks it.
    const onNetwork = await receive({ paymentMethod: 'prepaid', deliveryAddress: INDIRANAGAR_DROP });
    const shipmentId = (await api('post', `/v1/orders/${onNetwork}/shipments`).send({ mode: 'on-network' }).expect(201)).body.shipmentId as string;
    const readyToShip = (await quickReplies(onNetwork))[0]!;
    await deliver([{ from: number, content: { quickReply: { payload: readyToShip.payload, text: readyToShip.text } } }]);
    await harness.statusReaches({ sellerId, orderId: onNetwork, shipmentId }, 'delivered');
    await api('get', `/v1/orders/${onNetwork}/shipments/${shipmentId}/tracking`).expect(200);

    // Off the network over WhatsApp: courier, tracking number, a photo, Done; the buyer's OTP; the seller sends it back.
    const buyerPhone = `7${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    const offNetwork = await receive({ buyer: { name: 'Asha Kulkarni', phone: buyerPhone } });
    const markShipped = (await quickReplies(offNetwork))[1]!;
    await deliver([{ from: number, content: { quickReply: { payload: markShipped.payload, text: markShipped.text } } }]);
    await awaitMessage(number, (m) => textOf(m).includes('which courier'), 'the courier question');
    await deliver([{ from: number, content: { text: 'DTDC' } }]);
    await awaitMessage(number, (m) => textOf(m).includes('tracking number from DTDC'), 'the tracking question');
    await deliver([{ from: number, content: { text: 'D12345678' } }]);
    const photosAsk = await awaitMessage(number, (m) => textOf(m).includes('send photos of the shipment'), 'the photo question');
    if (whatsapp.channel.kind !== 'sandbox') throw new Error('the harness runs the WhatsApp sandbox');
    const mediaId = placeSandboxMedia(whatsapp.channel.directory, PNG, 'image/png', 'photo');
    await deliver([{ from: number, content: { image: { mediaId, mimeType: 'image/png' } } }]);
    await awaitMessage(number, (m) => textOf(m).includes('photo 1 saved'), 'the saved photo');
    const done = photosAsk.message.type === 'buttons' ? photosAsk.message.buttons[0]! : { id: '', title: '' };
    await deliver([{ from: number, content: { buttonReply: done } }]);
    const otpMessage = await awaitMessage(`91${buyerPhone}`, (m) => m.type === 'template' && m.orderId === offNetwork, "the buyer's OTP");
    const otp = otpMessage.message.type === 'template' ? otpMessage.message.bodyParameters[0]! : '';
    await deliver([{ from: number, content: { text: otp } }]);
    await awaitMessage(number, (m) => textOf(m) === `Order ${offNetwork} is delivered. Thank you!`, 'the delivered answer');

    // Meta reports on what was sent: one message delivered, one failed for good.
    await deliver([], [
      { id: otpMessage.id, recipient: `91${buyerPhone}`, status: 'delivered' },
      { id: photosAsk.id, recipient: number, status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] },
    ]);
    events = await eventually(async () => {
      const all = await harness.store.readAll({ maxCount: 100_000 });
      return all.some((e) => e.type === 'WhatsAppSendFailed') && all.some((e) => e.type === 'WhatsAppDeliveryStatusRecorded') ? all : undefined;
    }, 'the status webhooks recorded');
  }, 120_000);
  afterAll(async () => harness.close());

  it('covers the domain, the ONDC conversation and WhatsApp', () => {
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'SellerRegistered',
      'OrderReceived',
      'ShipmentMarkedReadyToShip',
      'LogisticsPartnerAssigned',
      'ShipmentDelivered',
      'DeliveryOtpVerified',
      'OndcTransactionOpened',
      'LogisticsSearchStarted',
      'SearchSent',
      'RequestAnswered',
      'CatalogReceived',
      'PartnerChosen',
      'OrderConfirmed',
      'CallbackReceived',
      'CallbackProcessed',
      'DomainNotified',
      'TrackSent',
      'WhatsAppMessageQueued',
      'WhatsAppMessageSent',
      'WhatsAppMessageClaimed',
      'WhatsAppMessageHandled',
      'WhatsAppShipmentPhotoAdded',
      'WhatsAppDeliveryConfirmed',
      'WhatsAppSendFailed',
    ]) {
      expect({ type, seen: types.has(type) }).toEqual({ type, seen: true });
    }
  });

  it('records on every event the schema version it was written with, and that version has a schema', () => {
    const unversioned = events.filter((e) => !Number.isInteger(e.metadata['schemaVersion'])).map((e) => `${e.stream} ${e.type}`);
    expect(unversioned).toEqual([]);
    const known = new Set(schemas.files.map((f) => `${f.type}.v${f.version}`));
    const missing = [...new Set(events.map((e) => `${e.type}.v${String(e.metadata['schemaVersion'])}`))].filter((s) => !known.has(s));
    expect(missing).toEqual([]);
  });

  it('stores every event as the schema of its type and version describes it', () => {
    const invalid = events.flatMap((e) => {
      const check = schemas.validate(e, e.metadata['schemaVersion'] as number);
      return check.valid ? [] : [{ type: e.type, errors: check.errors.slice(0, 3) }];
    });
    expect(invalid).toEqual([]);
  });

  it('says on every event who caused it, on which channel, in which piece of work and because of what', () => {
    const unattributed = events.flatMap((e) => {
      const check = schemas.validateMetadata(e.metadata);
      return check.valid ? [] : [{ type: e.type, metadata: e.metadata, errors: check.errors }];
    });
    expect(unattributed).toEqual([]);
  });

  it('attributes the adapter, the partners and WhatsApp as ADR 0017 says', () => {
    const metadataOf = (type: string) => events.find((e) => e.type === type)!.metadata;
    const callback = events.find((e) => e.type === 'CallbackReceived')!;
    expect(callback.metadata).toMatchObject({ actor: { type: 'ondc-partner', id: callback.data['bppId'] }, channel: 'ondc', correlationId: callback.data['transactionId'], causationId: callback.data['messageId'] });
    const started = events.find((e) => e.type === 'LogisticsSearchStarted')!;
    const rts = events.find((e) => e.id === started.data['rtsEventId'])!;
    expect(started.metadata).toMatchObject({ actor: { type: 'system', id: 'ondc-logistics-adapter' }, channel: 'ondc', correlationId: rts.metadata['correlationId'], causationId: rts.id });
    expect(rts.metadata).toMatchObject({ channel: 'whatsapp' });
    expect(metadataOf('PartnerChosen')).toMatchObject({ actor: { type: 'system', id: 'ondc-logistics-adapter' }, channel: 'ondc', correlationId: started.data['transactionId'] });
    expect(metadataOf('WhatsAppShipmentPhotoAdded')).toMatchObject({ channel: 'whatsapp', actor: { type: 'seller' } });
  });
});
