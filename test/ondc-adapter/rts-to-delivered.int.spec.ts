import { validateOndcMessage } from '@fulfil/ondc';
import type { OndcAction } from '@fulfil/ondc';
import { AdapterHarness, DADAR_DROP } from './support/adapter-harness';

/** What the adapter sent in a conversation: every `*Sent` event's message, with its action. */
async function sentMessages(harness: AdapterHarness, shipmentId: string): Promise<Array<{ action: OndcAction; message: unknown }>> {
  const events = await harness.conversationEvents(shipmentId);
  return events
    .filter((e) => e.type.endsWith('Sent'))
    .map((e) => {
      const message = e.data['message'] as { context: { action: OndcAction } };
      return { action: message.context.action, message };
    });
}

describe('ONDC adapter: a shipment marked ready to ship finds, confirms and follows a partner by itself', () => {
  let harness: AdapterHarness;

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow', 'fast-dear', 'intercity'], stepMs: 50 });
  });
  afterAll(async () => harness.close());

  it('a hyperlocal shipment goes from ready to ship to delivered with the cheapest partner, and every message sent matches its schema', async () => {
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId);

    const delivered = await harness.statusReaches(placed, 'delivered');

    expect(delivered.partner).toMatchObject({ id: harness.partnerId('cheap-slow'), name: 'Cheap & Slow Logistics' });
    const types = (await harness.orderEvents(placed)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['LogisticsPartnerAssigned', 'DeliveryAgentAssigned', 'ShipmentPickedUp', 'ShipmentOutForDelivery', 'ShipmentDelivered']));
    expect(types.filter((t) => t === 'LogisticsPartnerAssigned')).toHaveLength(1);
    const sent = await sentMessages(harness, placed.shipmentId);
    expect(sent.map((s) => s.action)).toEqual(['search', 'init', 'confirm']);
    for (const { action, message } of sent) expect({ action, ...validateOndcMessage(action, message) }).toMatchObject({ action, valid: true });
    const chosen = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'PartnerChosen');
    expect(chosen?.data['reason']).toMatch(/cheapest of \d+ eligible offers/);
  });

  it('the seller can track the shipment through the partner (/track), and no other seller can', async () => {
    const { sellerId, apiKey } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId);
    await harness.statusReaches(placed, 'delivered');
    const path = `/v1/orders/${placed.orderId}/shipments/${placed.shipmentId}/tracking`;

    const response = await harness.http().get(path).set('authorization', `Bearer ${apiKey}`).expect(200);

    expect(response.body).toMatchObject({ shipmentId: placed.shipmentId, partner: { id: harness.partnerId('cheap-slow') }, tracking: { status: expect.stringMatching(/^(active|inactive)$/), url: expect.any(String) } });
    const tracked = (await harness.conversationEvents(placed.shipmentId)).filter((e) => e.type === 'TrackSent' || (e.type === 'CallbackReceived' && e.data['action'] === 'on_track'));
    expect(tracked.map((e) => e.type)).toEqual(['TrackSent', 'CallbackReceived']);
    expect(await harness.invalidSentMessages(placed.shipmentId)).toEqual([]);
    const stranger = await harness.newSeller();
    await harness.http().get(path).set('authorization', `Bearer ${stranger.apiKey}`).expect(404);
  });

  it('an intercity shipment gets an AWB from a P2H2P partner and reaches delivered through in transit', async () => {
    const { sellerId } = await harness.newSeller();
    const placed = await harness.placeOnNetworkOrder(sellerId, { drop: DADAR_DROP });

    const delivered = await harness.statusReaches(placed, 'delivered');

    expect(delivered.partner?.awb).toMatch(/^[0-9]{11,16}$/);
    const types = (await harness.orderEvents(placed)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ShipmentInTransit', 'ShipmentDelivered']));
    const sent = await sentMessages(harness, placed.shipmentId);
    expect(sent[0]?.message).toMatchObject({ context: { domain: 'ONDC:LOG11' } });
    for (const { action, message } of sent) expect(validateOndcMessage(action, message).valid).toBe(true);
  });
});
