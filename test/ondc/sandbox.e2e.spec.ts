import { CatalogOffer, LogisticsDomain, ShipmentDescription, isOrderCallback, readOrderCallback, readTracking } from '@fulfil/ondc';
import type { PartnerName } from '../../apps/ondc-sandbox/src';
import { Conversation } from './support/conversation';
import { TestNetwork, startNetwork } from './support/network';
import { hyperlocalShipment, intercityShipment } from './support/shipments';

/**
 * The sandbox network end to end over real HTTP: the test buyer signs requests with the library,
 * the gateway and partners verify them, and every callback passes the library's CallbackVerifier
 * (signature over the raw bytes, context, schema, pairing) before a test sees it.
 */

/** Searches and waits for the catalogs of the partners named. */
async function searchAnswered(network: TestNetwork, shipment: ShipmentDescription, domain: LogisticsDomain, partners: readonly PartnerName[]) {
  const conversation = new Conversation(network.buyer, network.gatewayUrl, shipment, domain);
  const search = await conversation.search();
  expect(search.outcome).toMatchObject({ outcome: 'ack', httpStatus: 200, attempts: 1 });
  const catalogs = await Promise.all(partners.map((name) => conversation.offersFrom(network.partnerId(name), search.messageId)));
  return { conversation, search, catalogs };
}

/**
 * Whether a partner stayed silent: once a later search's catalogs have all come in, anything the
 * partner would have sent about the earlier one has come too, since its timers started earlier.
 */
async function answeredLater(network: TestNetwork, partners: readonly PartnerName[], domain: LogisticsDomain = 'ONDC:LOG10'): Promise<void> {
  await searchAnswered(network, hyperlocalShipment(), domain, partners);
}

/** init, a quote that adds up to the catalog price, confirm. */
async function order(conversation: Conversation, offer: CatalogOffer): Promise<void> {
  const init = await conversation.init(offer);
  expect(init.outcome).toMatchObject({ outcome: 'ack' });
  const { onInit, check } = await conversation.onInit(offer, init.messageId);
  expect(check).toMatchObject({ ok: true, totalPaise: offer.pricePaise });
  const confirm = await conversation.confirm(offer, onInit.message.order.quote);
  expect(confirm.outcome).toMatchObject({ outcome: 'ack' });
}

function firstOffer(catalogs: CatalogOffer[][], index = 0): CatalogOffer {
  const offer = catalogs[index]?.[0];
  if (!offer) throw new Error('no offer in the catalog');
  return offer;
}

describe('ONDC sandbox: search through the gateway', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({});
  });
  afterAll(() => network.close());
  afterEach(() => expect(network.buyer.refused.map((r) => r.reason)).toEqual([]));

  it('a hyperlocal search gets a catalog from every partner serving the route, priced, with TAT and RTO price', async () => {
    const answering = ['cheap-slow', 'fast-dear', 'hyperlocal', 'nacker', 'troublemaker'] as const;
    const { search, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', answering);
    for (const offer of catalogs.flat()) {
      expect(offer).toMatchObject({ type: 'P2P', domain: 'ONDC:LOG10', pricePaise: expect.any(Number), tatMinutes: expect.any(Number), rto: { pricePaise: expect.any(Number) } });
    }
    // Standard Delivery is a parent category: fast-dear answers it with its faster children.
    expect(catalogs[1]?.map((o) => o.category).sort()).toEqual(['Immediate Delivery', 'Same Day Delivery']);
    await answeredLater(network, answering);
    const heardFrom = (name: PartnerName) => network.buyer.callbacksFrom(network.partnerId(name), 'on_search').filter((c) => c.context.message_id === search.messageId);
    expect(heardFrom('silent')).toEqual([]);
    expect(heardFrom('intercity')).toEqual([]);
  });

  it('an intercity search gets P2H2P options; the hyperlocal partner is not registered for it', async () => {
    const { search, catalogs } = await searchAnswered(network, intercityShipment(), 'ONDC:LOG11', ['intercity', 'cheap-slow', 'troublemaker']);
    expect(catalogs.flat().every((o) => o.type === 'P2H2P' && o.domain === 'ONDC:LOG11')).toBe(true);
    expect(network.sandbox.network.lookup({ type: 'BPP', domain: 'ONDC:LOG11' }).map((r) => r.subscriber_id)).not.toContain(network.partnerId('hyperlocal'));
    await answeredLater(network, ['intercity'], 'ONDC:LOG11');
    expect(network.buyer.callbacksFrom(network.partnerId('hyperlocal'), 'on_search').filter((c) => c.context.message_id === search.messageId)).toEqual([]);
  });

  it('the hyperlocal partner does not answer a route beyond its 15 km', async () => {
    const { search } = await searchAnswered(network, intercityShipment(), 'ONDC:LOG10', ['cheap-slow', 'fast-dear']);
    await answeredLater(network, ['hyperlocal']);
    expect(network.buyer.callbacksFrom(network.partnerId('hyperlocal'), 'on_search').filter((c) => c.context.message_id === search.messageId)).toEqual([]);
  });
});

describe('ONDC sandbox: a hyperlocal order from confirm to delivery', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['cheap-slow'] });
  });
  afterAll(() => network.close());
  afterEach(() => expect(network.buyer.refused.map((r) => r.reason)).toEqual([]));

  it('confirm, then unsolicited on_status through Order-delivered, each a report the domain knows', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['cheap-slow']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    const confirmed = readOrderCallback(await conversation.waitForState('on_confirm', 'Pending'));
    expect(confirmed).toMatchObject({ networkOrderId: conversation.networkOrderId, orderState: 'Accepted', pickupSlot: { start: expect.any(String), end: expect.any(String) } });
    expect(confirmed.awb).toBeUndefined();

    const delivered = readOrderCallback(await conversation.waitForState('on_status', 'Order-delivered'));
    expect(delivered).toMatchObject({ report: 'delivered', orderState: 'Completed' });
    const journey = network.buyer.accepted
      .filter((v) => v.callback.context.transaction_id === conversation.transactionId && v.callback.context.action === 'on_status' && !v.solicited)
      .map((v) => v.callback)
      .filter(isOrderCallback)
      .map(readOrderCallback);
    expect(journey.map((u) => u.report)).toEqual(['agent_assigned', 'picked_up', 'out_for_delivery', 'delivered']);
    expect(journey[0]?.agent).toEqual({ name: expect.any(String), phone: expect.stringMatching(/^[6-9][0-9]{9}$/) });
    expect(new Set(journey.map((u) => u.trackingUrl)).size).toBe(1);
  });

  it('answers /status with the current state (same message id), and /track once picked up', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['cheap-slow']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    await conversation.waitForState('on_status', 'Order-picked-up');
    const status = await conversation.status(offer);
    const onStatus = await network.buyer.waitFor('on_status answering /status', (c) => c.context.message_id === status.messageId, 'on_status');
    expect(readOrderCallback(onStatus).networkOrderId).toBe(conversation.networkOrderId);
    const track = await conversation.track(offer);
    expect(track.outcome).toMatchObject({ outcome: 'ack' });
    const onTrack = await network.buyer.waitFor('on_track', (c) => c.context.message_id === track.messageId, 'on_track');
    expect(readTracking(onTrack).url).toMatch(/\/partners\/cheap-slow\/track\//);
  });

  it('confirmed before ready to ship: nothing moves until /update says ready, then a pickup slot and the journey', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment({ readyToShip: false }), 'ONDC:LOG10', ['cheap-slow']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    const confirmed = readOrderCallback(await conversation.waitForState('on_confirm', 'Pending'));
    expect(confirmed.pickupSlot).toBeUndefined();
    const track = await conversation.track(offer);
    expect(track.outcome).toMatchObject({ outcome: 'nack', error: { type: 'DOMAIN-ERROR', code: '60012' } });

    const update = await conversation.readyToShip(offer);
    expect(update.outcome).toMatchObject({ outcome: 'ack' });
    const onUpdate = await network.buyer.waitFor('on_update', (c) => c.context.message_id === update.messageId, 'on_update');
    expect(readOrderCallback(onUpdate).pickupSlot).toEqual({ start: expect.any(String), end: expect.any(String) });
    await conversation.waitForState('on_status', 'Order-delivered');
  });

  it('a cancellation by us: on_cancel with our reason; a second one is refused by policy; unknown orders are not found', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment({ readyToShip: false }), 'ONDC:LOG10', ['cheap-slow']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    await conversation.waitForState('on_confirm', 'Pending');
    const cancel = await conversation.cancel(offer, '005');
    expect(cancel.outcome).toMatchObject({ outcome: 'ack' });
    const onCancel = await network.buyer.waitFor('on_cancel', (c) => c.context.message_id === cancel.messageId, 'on_cancel');
    expect(readOrderCallback(onCancel)).toMatchObject({ report: 'cancelled', cancellation: { reasonId: '005', cancelledBy: network.buyer.subscriberId } });
    await expect(conversation.cancel(offer, '005')).resolves.toMatchObject({ outcome: { outcome: 'nack', error: { type: 'POLICY-ERROR', code: '60007' } } });

    conversation.networkOrderId = 'NoSuchOrder1';
    await expect(conversation.status(offer)).resolves.toMatchObject({ outcome: { outcome: 'nack', error: { type: 'DOMAIN-ERROR', code: '66004' } } });
  });
});

describe('ONDC sandbox: an intercity order', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['intercity'] });
  });
  afterAll(() => network.close());
  afterEach(() => expect(network.buyer.refused.map((r) => r.reason)).toEqual([]));

  it('P2H2P: an AWB and a shipping label at confirm, and an In-transit leg', async () => {
    const { conversation, catalogs } = await searchAnswered(network, intercityShipment(), 'ONDC:LOG11', ['intercity']);
    await order(conversation, firstOffer(catalogs));
    const confirmed = readOrderCallback(await conversation.waitForState('on_confirm', 'Pending'));
    expect(confirmed.awb).toMatch(/^[0-9]{11,16}$/);
    expect(confirmed.labelUrl).toMatch(/\/partners\/intercity\/labels\/.+\.pdf$/);
    expect(readOrderCallback(await conversation.waitForState('on_status', 'In-transit'))).toMatchObject({ report: 'in_transit', awb: confirmed.awb });
    await conversation.waitForState('on_status', 'Order-delivered');
  });
});

describe('ONDC sandbox: a partner that refuses', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['nacker', 'cheap-slow'] });
  });
  afterAll(() => network.close());

  it('nacker is the cheapest, NACKs /init, and the order goes to the next candidate', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['nacker', 'cheap-slow']);
    const [nacker, cheapSlow] = [firstOffer(catalogs, 0), firstOffer(catalogs, 1)];
    expect(nacker.pricePaise).toBeLessThan(cheapSlow.pricePaise);
    await expect(conversation.init(nacker)).resolves.toMatchObject({ outcome: { outcome: 'nack', error: { type: 'DOMAIN-ERROR', code: '60004' } } });
    await order(conversation, cheapSlow);
    await conversation.waitForState('on_status', 'Order-delivered');
    expect(network.buyer.refused).toEqual([]);
  });
});

describe('ONDC sandbox: a partner that refuses at confirm', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: [{ name: 'nacker', nackAt: 'confirm' }] });
  });
  afterAll(() => network.close());

  it('quotes at /init, then NACKs /confirm with 65001', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['nacker']);
    const offer = firstOffer(catalogs);
    const init = await conversation.init(offer);
    const { onInit, check } = await conversation.onInit(offer, init.messageId);
    expect(check.ok).toBe(true);
    await expect(conversation.confirm(offer, onInit.message.order.quote)).resolves.toMatchObject({ outcome: { outcome: 'nack', error: { type: 'DOMAIN-ERROR', code: '65001' } } });
  });
});

describe('ONDC sandbox: a partner that never answers', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['silent', 'cheap-slow'] });
  });
  afterAll(() => network.close());

  it('silent ACKs the search and sends no catalog', async () => {
    const { search } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['cheap-slow']);
    await answeredLater(network, ['cheap-slow']);
    expect(network.buyer.callbacksFrom(network.partnerId('silent'), 'on_search')).toEqual([]);
    expect(network.buyer.accepted.filter((v) => v.callback.context.message_id === search.messageId)).toHaveLength(1);
  });
});

describe('ONDC sandbox: a troublemaker', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['troublemaker'] });
  });
  afterAll(() => network.close());
  afterEach(() => expect(network.buyer.refused.map((r) => r.reason)).toEqual([]));

  it('returns the parcel to origin after pickup: on_cancel with RTO-Initiated and the RTO charge, then RTO-Delivered', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['troublemaker']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    await conversation.waitForState('on_status', 'Order-picked-up');
    const onCancel = await conversation.waitForState('on_cancel', 'RTO-Initiated');
    expect(readOrderCallback(onCancel)).toMatchObject({ report: 'rto_initiated', orderState: 'Cancelled', cancellation: { reasonId: '013', cancelledBy: network.partnerId('troublemaker') } });
    const quote = onCancel.message.order.quote;
    expect(quote?.price.value).toBe(((offer.pricePaise + (offer.rto?.pricePaise ?? 0)) / 100).toFixed(2));
    expect(readOrderCallback(await conversation.waitForState('on_status', 'RTO-Delivered'))).toMatchObject({ report: 'rto_delivered' });
  });
});

describe('ONDC sandbox: a troublemaker that gives up', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: [{ name: 'troublemaker', trouble: 'cancel' }] });
  });
  afterAll(() => network.close());

  it('cancels after assigning an agent, with its own reason', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['troublemaker']);
    await order(conversation, firstOffer(catalogs));
    await conversation.waitForState('on_status', 'Agent-assigned');
    const onCancel = await conversation.waitForState('on_cancel', 'Cancelled');
    expect(readOrderCallback(onCancel)).toMatchObject({ report: 'cancelled', cancellation: { reasonId: '016', cancelledBy: network.partnerId('troublemaker') } });
    expect(network.buyer.refused).toEqual([]);
  });
});

describe('ONDC sandbox: a partner that sends its AWB late', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: [{ name: 'intercity', lateAwb: true }] });
  });
  afterAll(() => network.close());

  it('P2H2P: no AWB or label at confirm; an unsolicited on_update brings both before the journey', async () => {
    const { conversation, catalogs } = await searchAnswered(network, intercityShipment(), 'ONDC:LOG11', ['intercity']);
    await order(conversation, firstOffer(catalogs));
    const confirmed = readOrderCallback(await conversation.waitForState('on_confirm', 'Pending'));
    expect(confirmed.awb).toBeUndefined();
    expect(confirmed.labelUrl).toBeUndefined();
    const late = readOrderCallback(await conversation.waitForState('on_update', 'Pending'));
    expect(late.awb).toMatch(/^[0-9]{11,16}$/);
    expect(late.labelUrl).toMatch(/\/partners\/intercity\/labels\/.+\.pdf$/);
    expect(readOrderCallback(await conversation.waitForState('on_status', 'Order-delivered'))).toMatchObject({ report: 'delivered', awb: late.awb });
  });
});

describe('ONDC sandbox: a partner that NACKs /cancel once', () => {
  let network: TestNetwork;
  beforeAll(async () => {
    network = await startNetwork({ participants: [{ name: 'nacker', nackAt: 'cancel' }], stepMs: 60_000 });
  });
  afterAll(() => network.close());

  it('takes the order, refuses the first /cancel by policy, and takes the next', async () => {
    const { conversation, catalogs } = await searchAnswered(network, hyperlocalShipment(), 'ONDC:LOG10', ['nacker']);
    const offer = firstOffer(catalogs);
    await order(conversation, offer);
    await conversation.waitForState('on_confirm', 'Pending');
    await expect(conversation.cancel(offer, '005')).resolves.toMatchObject({ outcome: { outcome: 'nack', error: { type: 'POLICY-ERROR', code: '60007', message: 'cannot cancel right now' } } });
    const cancel = await conversation.cancel(offer, '005');
    expect(cancel.outcome).toMatchObject({ outcome: 'ack' });
    const onCancel = await network.buyer.waitFor('on_cancel', (c) => c.context.message_id === cancel.messageId, 'on_cancel');
    expect(readOrderCallback(onCancel)).toMatchObject({ report: 'cancelled', cancellation: { reasonId: '005' } });
  });
});
