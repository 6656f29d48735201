import { randomUUID } from 'node:crypto';
import { OndcTransactionLog, createAuthorizationHeader } from '@fulfil/ondc';
import type { OndcMessage, Signer } from '@fulfil/ondc';
import { AdapterHarness, PlacedShipment } from './support/adapter-harness';
import { partnerReport } from './support/partner-report';

type OnStatus = OndcMessage<'on_status'>;

describe('ONDC callbacks: every refusal is an ONDC NACK, and changes nothing', () => {
  let harness: AdapterHarness;
  let placed: PlacedShipment;
  let template: OnStatus;
  let transactionId: string;
  let partner: Signer;

  const onStatus = (state: string, overrides: { messageId?: string; timestampMs?: number } = {}): OnStatus => partnerReport(template, state, overrides);
  const signedHeaders = (body: string | Buffer): Record<string, string> => ({ 'content-type': 'application/json', authorization: createAuthorizationHeader(body, partner) });
  const post = (path: string, body: string | Buffer, headers: Record<string, string>) => harness.http().post(path).set(headers).send(body);

  /** What a refusal must leave alone: every event in the store, and the transaction's log. */
  const snapshot = async () => ({ head: await harness.store.headPosition(), logged: (await harness.app.get(OndcTransactionLog).messagesOf(transactionId)).length });

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 3_600_000 });
    const { sellerId } = await harness.newSeller();
    placed = await harness.placeOnNetworkOrder(sellerId);
    await harness.statusReaches(placed, 'partner_assigned');
    await harness.driver.idle();
    const onConfirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm');
    template = onConfirm?.data['body'] as unknown as OnStatus;
    transactionId = template.context.transaction_id;
    partner = harness.network.signerOf(harness.network.partners.get('cheap-slow')!);
  });
  afterAll(async () => harness.close());

  const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
  describe.each<[string, () => { path?: string; body: string | Buffer; headers: Record<string, string> }, number, string, string]>([
    ['malformed JSON', () => ({ body: '{"context":', headers: { 'content-type': 'application/json' } }), 400, 'JSON-SCHEMA-ERROR', '63002'],
    ['malformed JSON, signed', () => ({ body: '{"context":', headers: signedHeaders('{"context":') }), 400, 'JSON-SCHEMA-ERROR', '63002'],
    ['a body over 1 MB', () => ({ body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }), headers: { 'content-type': 'application/json' } }), 413, 'POLICY-ERROR', '20006'],
    ['a body nested 40 deep', () => ({ body: deep, headers: signedHeaders(deep) }), 400, 'JSON-SCHEMA-ERROR', '63002'],
    [
      'a raw NUL byte, signed',
      () => {
        // A string: supertest would send a Buffer with a JSON media type as JSON of the Buffer.
        const body = '{"context":{"action":"on_status\u0000"}}';
        return { body, headers: signedHeaders(body) };
      },
      400,
      'JSON-SCHEMA-ERROR',
      '63002',
    ],
    ['an escaped NUL in a string', () => ({ body: '{"context":{"action":"on_status\\u0000"}}', headers: { 'content-type': 'application/json' } }), 400, 'JSON-SCHEMA-ERROR', '63002'],
    ['an unpaired surrogate', () => ({ body: '{"message":{"order":{"id":"\\udfff"}}}', headers: { 'content-type': 'application/json' } }), 400, 'JSON-SCHEMA-ERROR', '63002'],
    ['text/plain', () => ({ body: JSON.stringify(onStatus('Order-delivered')), headers: { 'content-type': 'text/plain' } }), 415, 'POLICY-ERROR', '20006'],
    ['an application/octet-stream body (how supertest sends a Buffer)', () => ({ body: Buffer.from(JSON.stringify(onStatus('Order-delivered'))), headers: {} }), 415, 'POLICY-ERROR', '20006'],
    ['a bad signature', () => ({ body: JSON.stringify(onStatus('Order-delivered')), headers: { 'content-type': 'application/json', authorization: 'Signature keyId="x|y|ed25519"' } }), 401, 'POLICY-ERROR', '20001'],
    ['an unknown action', () => ({ path: '/ondc/on_teleport', body: JSON.stringify(onStatus('Order-delivered')), headers: signedHeaders(JSON.stringify(onStatus('Order-delivered'))) }), 400, 'CONTEXT-ERROR', '20006'],
    ['an unknown route under /ondc', () => ({ path: '/ondc/on_status/extra', body: '{}', headers: { 'content-type': 'application/json' } }), 404, 'CONTEXT-ERROR', '20006'],
    [
      'a signed on_status that breaks its schema',
      () => {
        const body = onStatus('Order-delivered') as unknown as { message: { order: Record<string, unknown> } };
        delete body.message.order['id'];
        const text = JSON.stringify(body);
        return { body: text, headers: signedHeaders(text) };
      },
      400,
      'JSON-SCHEMA-ERROR',
      '63002',
    ],
  ])('%s', (_case, build, status, type, code) => {
    it(`is a NACK with HTTP ${status}, ${type} ${code}, and nothing is recorded or logged`, async () => {
      const before = await snapshot();
      const { path, body, headers } = build();

      const response = await post(path ?? '/ondc/on_status', body, headers);

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type, code, message: expect.any(String) } });
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
    });
  });

  it('a GET on a callback route is a NACK too', async () => {
    const response = await harness.http().get('/ondc/on_status');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'CONTEXT-ERROR', code: '20006' } });
  });

  describe('a message id seen before', () => {
    it('the same message again, byte for byte or re-serialised, is ACKed and applied once', async () => {
      const message = onStatus('Order-picked-up');
      const text = JSON.stringify(message);
      expect((await post('/ondc/on_status', text, signedHeaders(text))).body).toEqual({ message: { ack: { status: 'ACK' } } });
      await harness.statusReaches(placed, 'picked_up');
      const before = await snapshot();

      const again = await post('/ondc/on_status', text, signedHeaders(text));
      // The same content with its keys in another order and other spacing: other bytes, the same message.
      const { context, message: payload } = message;
      const reordered = JSON.stringify({ message: payload, context }, null, 1);
      const reserialised = await post('/ondc/on_status', reordered, signedHeaders(reordered));

      expect([again.status, reserialised.status]).toEqual([200, 200]);
      expect([again.body, reserialised.body]).toEqual([{ message: { ack: { status: 'ACK' } } }, { message: { ack: { status: 'ACK' } } }]);
      await harness.driver.idle();
      const after = await snapshot();
      expect(after.head).toEqual(before.head);
      // Its other bytes are logged beside the first copy: they were received and ACKed.
      expect(after.logged).toBe(before.logged + 1);
      expect((await harness.orderEvents(placed)).filter((e) => e.type === 'ShipmentPickedUp')).toHaveLength(1);
    });

    it.each([
      ['a newer timestamp and a new state', 5_000, 'Order-delivered'],
      ['the same timestamp and a new state', 0, 'Order-delivered'],
      ['a newer timestamp, the same state', 5_000, 'Out-for-delivery'],
    ])('with %s is refused with a NACK and applied nowhere', async (_case, laterMs, secondState) => {
      const messageId = randomUUID();
      const at = Date.now() - 10_000;
      const first = JSON.stringify(onStatus('Out-for-delivery', { messageId, timestampMs: at }));
      expect((await post('/ondc/on_status', first, signedHeaders(first))).body).toEqual({ message: { ack: { status: 'ACK' } } });
      await harness.driver.idle();
      const before = await snapshot();

      const second = JSON.stringify(onStatus(secondState, { messageId, timestampMs: at + laterMs }));
      const response = await post('/ondc/on_status', second, signedHeaders(second));

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'CONTEXT-ERROR', code: '20006', path: 'context.message_id' } });
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
      expect((await harness.shipment(placed))?.status).not.toBe('delivered');
    });
  });
});
