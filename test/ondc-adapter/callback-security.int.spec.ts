import { randomUUID } from 'node:crypto';
import { createAuthorizationHeader, generateSigningKeyPair, validateOndcMessage } from '@fulfil/ondc';
import type { OndcMessage, Signer } from '@fulfil/ondc';
import type { PartnerName } from '@fulfil/ondc-sandbox';
import { AdapterHarness, PlacedShipment } from './support/adapter-harness';
import { partnerReport } from './support/partner-report';

type OnStatus = OndcMessage<'on_status'>;

describe('ONDC adapter: callbacks are verified before anything is applied', () => {
  let harness: AdapterHarness;
  let placed: PlacedShipment;
  let template: OnStatus;

  const signerOf = (name: PartnerName): Signer => {
    const partner = harness.network.partners.get(name);
    if (!partner) throw new Error(`no partner ${name}`);
    return harness.network.signerOf(partner);
  };

  /** An on_status from the confirmed partner about our order, reporting `state`, with a fresh message id unless one is given. */
  const onStatus = (state: string, overrides: { messageId?: string; timestampMs?: number; context?: Record<string, string> } = {}): OnStatus => partnerReport(template, state, overrides);

  const post = (body: string, headers: Record<string, string>) =>
    harness.http().post('/ondc/on_status').set('content-type', 'application/json').set(headers).send(body);

  const signed = (message: object, signer: Signer = signerOf('cheap-slow'), nowMs?: number, validitySeconds?: number) => {
    const body = JSON.stringify(message);
    const options = { ...(nowMs === undefined ? {} : { nowMs }), ...(validitySeconds === undefined ? {} : { validitySeconds }) };
    return { body, headers: { authorization: createAuthorizationHeader(body, signer, options) } };
  };

  /** What a refused callback must leave alone: the conversation and the order. */
  const snapshot = async () => ({
    conversation: (await harness.conversationEvents(placed.shipmentId)).length,
    order: (await harness.orderEvents(placed)).length,
  });

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow', 'fast-dear'], stepMs: 3_600_000 });
    const { sellerId } = await harness.newSeller();
    placed = await harness.placeOnNetworkOrder(sellerId);
    await harness.statusReaches(placed, 'partner_assigned');
    await harness.driver.idle();
    const onConfirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm');
    template = onConfirm?.data['body'] as unknown as OnStatus;
  });
  afterAll(async () => harness.close());

  it('the test callback is a valid on_status (so the refusals below are about what each case breaks)', () => {
    expect(validateOndcMessage('on_status', onStatus('Order-picked-up')).errors).toEqual([]);
  });

  describe.each<[string, () => { body: string; headers: Record<string, string> }, number, string]>([
    ['no Authorization header', () => ({ body: JSON.stringify(onStatus('Order-delivered')), headers: {} }), 401, 'POLICY-ERROR'],
    ['a malformed Authorization header', () => ({ body: JSON.stringify(onStatus('Order-delivered')), headers: { authorization: 'Signature keyId="nonsense"' } }), 401, 'POLICY-ERROR'],
    ['an expired signature', () => signed(onStatus('Order-delivered'), signerOf('cheap-slow'), Date.now() - 3_600_000), 401, 'POLICY-ERROR'],
    ['a signature valid for 10 years', () => signed(onStatus('Order-delivered'), signerOf('cheap-slow'), undefined, 10 * 365 * 86_400), 401, 'POLICY-ERROR'],
    [
      'a signature with a key that is not the registered one',
      () => signed(onStatus('Order-delivered'), { ...signerOf('cheap-slow'), privateKey: generateSigningKeyPair().signingPrivateKey }),
      401,
      'POLICY-ERROR',
    ],
    ['another partner signing for the confirmed one', () => signed(onStatus('Order-delivered'), signerOf('fast-dear')), 401, 'POLICY-ERROR'],
    [
      'a body changed after signing',
      () => {
        const { body, headers } = signed(onStatus('Order-picked-up'));
        return { body: body.replace('Order-picked-up', 'Order-delivered'), headers };
      },
      401,
      'POLICY-ERROR',
    ],
    ['an unknown transaction', () => signed(onStatus('Order-delivered', { context: { transaction_id: randomUUID() } })), 400, 'CONTEXT-ERROR'],
    ['another buyer as bap_id', () => signed(onStatus('Order-delivered', { context: { bap_id: 'someone-else.example' } })), 400, 'CONTEXT-ERROR'],
    [
      'a partner that was not chosen, with its own ids and key',
      () => {
        const other = harness.network.partners.get('fast-dear');
        const message = onStatus('Order-delivered', { context: { bpp_id: other?.subscriberId ?? '', bpp_uri: harness.network.urlOf(other!) } });
        return signed(message, signerOf('fast-dear'));
      },
      200,
      'POLICY-ERROR',
    ],
  ])('%s', (_case, build, status, errorType) => {
    it(`is refused with HTTP ${status} and a ${errorType} NACK, and changes nothing`, async () => {
      const before = await snapshot();
      const { body, headers } = build();

      const response = await post(body, headers);

      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: errorType } });
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
      expect((await harness.shipment(placed))?.status).toBe('partner_assigned');
    });
  });

  it('a properly signed report is ACKed and applied once, however often it comes; an older report after it is recorded but moves nothing back', async () => {
    const pickedUp = signed(onStatus('Order-picked-up'));
    const [first, second] = [await post(pickedUp.body, pickedUp.headers), await post(pickedUp.body, pickedUp.headers)];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual({ message: { ack: { status: 'ACK' } } });
    await harness.statusReaches(placed, 'picked_up');

    const agentLate = signed(onStatus('Agent-assigned'));
    expect((await post(agentLate.body, agentLate.headers)).body).toEqual({ message: { ack: { status: 'ACK' } } });
    await harness.driver.idle();

    const events = await harness.orderEvents(placed);
    expect(events.filter((e) => e.type === 'ShipmentPickedUp')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'LatePartnerReportRecorded').map((e) => e.data['report'])).toEqual(['agent_assigned']);
    expect((await harness.shipment(placed))?.status).toBe('picked_up');
    const recorded = (await harness.conversationEvents(placed.shipmentId)).filter((e) => e.type === 'CallbackReceived' && e.data['messageId'] === JSON.parse(pickedUp.body).context.message_id);
    expect(recorded).toHaveLength(1);
  });

  it('an older copy of a message already applied is refused as stale (65003)', async () => {
    const messageId = randomUUID();
    const now = Date.now();
    const fresh = signed(onStatus('Out-for-delivery', { messageId, timestampMs: now }));
    expect((await post(fresh.body, fresh.headers)).body).toEqual({ message: { ack: { status: 'ACK' } } });
    const stale = signed(onStatus('Out-for-delivery', { messageId, timestampMs: now - 5_000 }));

    const response = await post(stale.body, stale.headers);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { type: 'CONTEXT-ERROR', code: '65003' } });
  });
});
