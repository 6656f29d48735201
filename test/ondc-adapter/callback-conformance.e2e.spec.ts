import { OndcTransactionLog, createAuthorizationHeader } from '@fulfil/ondc';
import type { OndcMessage, Signer } from '@fulfil/ondc';
import type { PartnerName } from '@fulfil/ondc-sandbox';
import { OndcMetrics } from '@fulfil/ondc-logistics-adapter';
import { AdapterHarness, PlacedShipment, eventually } from './support/adapter-harness';
import { partnerReport } from './support/partner-report';

// A breakage reaches any field of the JSON as sent: typing each path would restate the very types it breaks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const inr = (paise: number) => ({ currency: 'INR', value: (paise / 100).toFixed(2) });

/** What a partner's callbacks go through: signed by the partner, posted to our bap_uri. */
function partnerPoster(harness: AdapterHarness) {
  const signerOf = (name: PartnerName): Signer => harness.network.signerOf(harness.network.partners.get(name)!);
  return (name: PartnerName, action: string, body: object) => {
    const text = JSON.stringify(body);
    return harness.http().post(`/ondc/${action}`).set({ 'content-type': 'application/json', authorization: createAuthorizationHeader(text, signerOf(name)) }).send(text);
  };
}

/** Findings counted so far for one action, rule and outcome. */
async function findingsCounted(harness: AdapterHarness, action: string, rule: string, outcome: 'refused' | 'accepted'): Promise<number> {
  const { values } = await harness.app.get(OndcMetrics).callbackFindings.get();
  return values.find((v) => v.labels['action'] === action && v.labels['rule'] === rule && v.labels['outcome'] === outcome)?.value ?? 0;
}

const sentBody = async (harness: AdapterHarness, placed: PlacedShipment, type: string): Promise<Body> =>
  (await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === type), type)).data['message'] as Body;

/** Our on_confirm as a 1.2.5 partner writes it: the order confirmed, its rider tracked, the pickup slot given. */
function onConfirmOf(confirm: Body): Body {
  const now = Date.now();
  const [fulfillment] = confirm['message'].order.fulfillments;
  return {
    context: { ...confirm['context'], action: 'on_confirm', timestamp: new Date(now).toISOString() },
    message: {
      order: {
        ...confirm['message'].order,
        state: 'Accepted',
        fulfillments: [
          {
            ...fulfillment,
            state: { descriptor: { code: 'Pending' } },
            tracking: true,
            start: { ...fulfillment.start, time: { ...fulfillment.start.time, range: { start: new Date(now).toISOString(), end: new Date(now + 3_600_000).toISOString() } } },
          },
        ],
        updated_at: new Date(now).toISOString(),
      },
    },
  };
}

describe('ONDC callbacks that break the 1.2.5 rules', () => {
  describe('in strict mode (the default in tests and the embedded default)', () => {
    let harness: AdapterHarness;
    let placed: PlacedShipment;
    let post: ReturnType<typeof partnerPoster>;
    let transactionId: string;
    let search: Body;
    let confirm: Body;

    /** What a refusal must leave alone: every event in the store, and the transaction's log. */
    const snapshot = async () => ({ head: await harness.store.headPosition(), logged: (await harness.app.get(OndcTransactionLog).messagesOf(transactionId)).length });

    beforeAll(async () => {
      // The silent partner answers the search only: its on_init and on_confirm are the test's to send.
      harness = await AdapterHarness.start({ participants: [{ name: 'silent', silentFrom: 'init' }, 'intercity'], stepMs: 3_600_000, env: { ONDC_INIT_TIMEOUT_MS: '30000', ONDC_CONFIRM_TIMEOUT_MS: '60000' } });
      post = partnerPoster(harness);
      const { sellerId } = await harness.newSeller();
      placed = await harness.placeOnNetworkOrder(sellerId);
      search = await sentBody(harness, placed, 'SearchSent');
      transactionId = search['context'].transaction_id;
      const init = await sentBody(harness, placed, 'InitSent');
      const catalog = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CatalogReceived')?.data['body'] as Body;
      const item = catalog['message'].catalog['bpp/providers'][0].items.find((i: Body) => i['id'] === init['message'].order.items[0].id);
      const pricePaise = Math.round(Number(item.price.value) * 100);
      const chargePaise = Math.round(pricePaise / 1.18);
      const onInit = {
        context: { ...init['context'], action: 'on_init', timestamp: new Date().toISOString() },
        message: {
          order: {
            provider: init['message'].order.provider,
            items: init['message'].order.items.map((i: Body) => ({ id: i['id'], fulfillment_id: i['fulfillment_id'] })),
            quote: {
              price: inr(pricePaise),
              breakup: [
                { '@ondc/org/item_id': item.id, '@ondc/org/title_type': 'delivery', price: inr(chargePaise) },
                { '@ondc/org/item_id': item.id, '@ondc/org/title_type': 'tax', price: inr(pricePaise - chargePaise) },
              ],
              ttl: 'PT15M',
            },
            payment: { ...init['message'].order.payment, '@ondc/org/settlement_details': [{ settlement_counterparty: 'lsp', settlement_type: 'upi', beneficiary_name: 'Silent Carriers', upi_address: 'silent@upi' }] },
            tags: [{ code: 'bpp_terms', list: [{ code: 'max_liability', value: '2' }] }],
          },
        },
      };
      expect((await post('silent', 'on_init', onInit)).body).toEqual({ message: { ack: { status: 'ACK' } } });
      confirm = await sentBody(harness, placed, 'ConfirmSent');
    });
    afterAll(async () => harness.close());

    it('an on_search without the RTO fulfillment 1.2.5 requires is NACKed with 20006, counted, and nothing is recorded or logged', async () => {
      // The /confirm's answer is still being recorded: the snapshot starts once the adapter is idle.
      await eventually(async () => (await harness.conversationEvents(placed.shipmentId)).some((e) => e.type === 'RequestAnswered' && e.data['action'] === 'confirm'), 'the /confirm ACK recorded');
      await harness.driver.idle();
      const before = await snapshot();
      const counted = await findingsCounted(harness, 'on_search', 'on_search.forward-and-rto', 'refused');
      const onSearch = {
        context: { ...search['context'], action: 'on_search', bpp_id: harness.partnerId('intercity'), bpp_uri: harness.network.urlOf(harness.network.partners.get('intercity')!), timestamp: new Date().toISOString() },
        message: {
          catalog: {
            'bpp/descriptor': { name: 'Intercity Express Cargo' },
            'bpp/providers': [
              {
                id: 'P1',
                descriptor: { name: 'Intercity Express Cargo' },
                categories: [{ id: 'Standard Delivery', time: { label: 'TAT', duration: 'PT8H', timestamp: new Date().toISOString().slice(0, 10) } }],
                fulfillments: [{ id: 'F1', type: 'Delivery', start: { time: { duration: 'PT4H' } } }],
                items: [{ id: 'standard', category_id: 'Standard Delivery', fulfillment_id: 'F1', descriptor: { code: 'P2P', name: 'Standard' }, price: inr(9_900), time: { label: 'TAT', duration: 'PT8H', timestamp: new Date().toISOString().slice(0, 10) } }],
              },
            ],
          },
        },
      };

      const response = await post('intercity', 'on_search', onSearch);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        message: { ack: { status: 'NACK' } },
        error: { type: 'JSON-SCHEMA-ERROR', code: '20006', path: 'message.catalog.bpp/providers[0].fulfillments', message: expect.stringContaining('on_search.forward-and-rto at message.catalog.bpp/providers[0].fulfillments') },
      });
      expect(await findingsCounted(harness, 'on_search', 'on_search.forward-and-rto', 'refused')).toBe(counted + 1);
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
    });

    it('an on_confirm whose hyperlocal rider is not tracked is NACKed and confirms nothing; the conformant one after it confirms the partner', async () => {
      await harness.driver.idle();
      const before = await snapshot();
      const untracked = onConfirmOf(confirm);
      untracked['message'].order.fulfillments[0].tracking = false;

      const response = await post('silent', 'on_confirm', untracked);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'JSON-SCHEMA-ERROR', code: '20006', path: 'message.order.fulfillments[0].tracking' } });
      expect(await findingsCounted(harness, 'on_confirm', 'on_confirm.tracking', 'refused')).toBe(1);
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
      expect((await harness.shipment(placed))?.status).not.toBe('partner_assigned');

      expect((await post('silent', 'on_confirm', onConfirmOf(confirm))).body).toEqual({ message: { ack: { status: 'ACK' } } });
      await harness.statusReaches(placed, 'partner_assigned');
    });

    it('an on_update charging a weight differential without its tax_diff line is NACKed, and no differential reaches the seller', async () => {
      await harness.statusReaches(placed, 'partner_assigned');
      await harness.driver.idle();
      const template = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm')?.data['body'] as unknown as OndcMessage<'on_status'>;
      const before = await snapshot();
      const weighed = structuredClone(partnerReport(template, 'Order-picked-up')) as unknown as Body;
      weighed['context'] = { ...weighed['context'], action: 'on_update' };
      const order = weighed['message'].order;
      const itemId = order.items[0].id;
      order.quote = { price: inr(Math.round(Number(order.quote.price.value) * 100) + 4_000), breakup: [...order.quote.breakup, { '@ondc/org/item_id': itemId, '@ondc/org/title_type': 'diff', price: inr(4_000) }] };
      order.fulfillments[0].tags = [
        ...(order.fulfillments[0].tags ?? []),
        { code: 'linked_order_diff', list: ['id:O1', 'weight_unit:kilogram', 'weight_value:2.6', 'dim_unit:centimeter', 'length:30', 'breadth:25', 'height:5'].map((kv) => ({ code: kv.split(':')[0], value: kv.split(':')[1] })) },
        { code: 'linked_order_diff_proof', list: [{ code: 'id', value: 'O1' }, { code: 'type', value: 'image' }, { code: 'url', value: 'https://lsp.example/weighing/1.jpg' }] },
      ];

      const response = await post('silent', 'on_update', weighed);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { code: '20006', path: 'message.order.quote.breakup', message: expect.stringContaining('order.weight-differential') } });
      expect(await findingsCounted(harness, 'on_update', 'order.weight-differential', 'refused')).toBe(1);
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);
      expect((await harness.orderEvents(placed)).map((e) => e.type)).not.toContain('WeightDifferentialReported');
    });

    it('an on_status saying delivered without the delivery time is NACKed and moves nothing; a repeat of it with the time is taken', async () => {
      await harness.statusReaches(placed, 'partner_assigned');
      await harness.driver.idle();
      const template = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm')?.data['body'] as unknown as OndcMessage<'on_status'>;
      const before = await snapshot();
      const delivered = partnerReport(template, 'Order-delivered') as unknown as Body;
      const undated = structuredClone(delivered);
      delete undated['message'].order.fulfillments[0].end.time.timestamp;

      const response = await post('silent', 'on_status', undated);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { code: '20006', path: 'message.order.fulfillments[0].end.time.timestamp', message: expect.stringContaining('order.state-times') } });
      expect(await findingsCounted(harness, 'on_status', 'order.state-times', 'refused')).toBe(1);
      await harness.driver.idle();
      expect(await snapshot()).toEqual(before);

      expect((await post('silent', 'on_status', delivered)).body).toEqual({ message: { ack: { status: 'ACK' } } });
      await harness.statusReaches(placed, 'delivered');
    });
  });

  describe('in lenient mode', () => {
    let harness: AdapterHarness;
    beforeAll(async () => {
      harness = await AdapterHarness.start({ participants: ['cheap-slow'], stepMs: 3_600_000, env: { ONDC_CALLBACK_CONFORMANCE: 'lenient' } });
    });
    afterAll(async () => harness.close());

    it('a non-conformant on_status is ACKed and applied, and its findings are counted as accepted', async () => {
      const { sellerId } = await harness.newSeller();
      const placed = await harness.placeOnNetworkOrder(sellerId);
      await harness.statusReaches(placed, 'partner_assigned');
      await harness.driver.idle();
      const template = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm')?.data['body'] as unknown as OndcMessage<'on_status'>;
      const pickedUp = partnerReport(template, 'Order-picked-up') as unknown as Body;
      delete pickedUp['message'].order.fulfillments[0].start.time.timestamp;

      const response = await partnerPoster(harness)('cheap-slow', 'on_status', pickedUp);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: { ack: { status: 'ACK' } } });
      await harness.statusReaches(placed, 'picked_up');
      expect(await findingsCounted(harness, 'on_status', 'order.state-times', 'accepted')).toBe(1);
      expect(await findingsCounted(harness, 'on_status', 'order.state-times', 'refused')).toBe(0);
    });
  });
});
