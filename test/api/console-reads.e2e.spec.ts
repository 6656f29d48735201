import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { orderInput } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';

/** The public routes the seller console reads beside the rest of the API (ADR 0029). */
describe.each(storesUnderTest())('routes the seller console reads, on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let seller: { sellerId: string; apiKey: string };
  let other: { sellerId: string; apiKey: string };
  beforeAll(async () => {
    api = await startApi(storeConfig());
    seller = await api.newSeller();
    other = await api.newSeller();
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}, as = seller.apiKey) => api.http().post(path).set('authorization', `Bearer ${as}`).send(body);
  const get = (path: string, as = seller.apiKey) => api.http().get(path).set('authorization', `Bearer ${as}`);

  async function receive(buyer: { name: string; phone: string }, as = seller.apiKey) {
    const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
    const response = await post('/v1/orders', { ...body, buyer, deliveryAddress: { ...body.deliveryAddress, ...buyer } }, as).expect(201);
    return response.body.orderId as string;
  }

  describe('searching the orders list (q)', () => {
    let zoya: string;
    let ravi: string;
    let shippedId: string;
    let invoiceNumber: string;
    let position: string;
    beforeAll(async () => {
      zoya = await receive({ name: 'Zoya Qureshi', phone: '9800011111' });
      ravi = await receive({ name: 'Ravi Menon', phone: '9800022222' });
      shippedId = await receive({ name: 'Anil Rao', phone: '9800033333' });
      invoiceNumber = (await post(`/v1/orders/${shippedId}/invoice`).expect(201)).body.invoiceNumber;
      const { shipmentId } = (await post(`/v1/orders/${shippedId}/shipments`, { mode: 'off-network' }).expect(201)).body;
      await post(`/v1/orders/${shippedId}/shipments/${shipmentId}/ready-to-ship`).expect(200);
      position = (await post(`/v1/orders/${shippedId}/shipments/${shipmentId}/ship`, { courierName: 'Blue Dart', trackingNumber: 'BD998877' }).expect(200)).body.position;
      // Another seller's buyer of the same name is never found.
      await receive({ name: 'Zoya Qureshi', phone: '9800011111' }, other.apiKey);
    });
    const search = async (q: string) => (await get(`/v1/orders?q=${encodeURIComponent(q)}&minPosition=${position}`).expect(200)).body.items.map((o: { orderId: string }) => o.orderId);

    it("finds part of the buyer's name in any case, or part of their phone", async () => {
      expect(await search('zoya')).toEqual([zoya]);
      expect(await search('22222')).toEqual([ravi]);
    });

    it('finds an order by its id, its invoice number in any case, or its tracking number', async () => {
      expect(await search(ravi)).toEqual([ravi]);
      expect(await search(invoiceNumber.toLowerCase())).toEqual([shippedId]);
      expect(await search('bd998877')).toEqual([shippedId]);
    });

    it('takes wildcards literally and pages a search like any list', async () => {
      expect(await search('%')).toEqual([]);
      expect(await search('_')).toEqual([]);
      const first = await get(`/v1/orders?q=98000&limit=2&minPosition=${position}`).expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await get(`/v1/orders?q=98000&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect([...first.body.items, ...second.body.items].map((o: { orderId: string }) => o.orderId).sort()).toEqual([zoya, ravi, shippedId].sort());
    });

    it('refuses an over-long term with a problem naming the field', async () => {
      const response = await get(`/v1/orders?q=${'x'.repeat(101)}`).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(response.body.issues)).toContain('q');
    });
  });

  describe("an order's ONDC messages", () => {
    it("lists what was exchanged for the order's shipments, oldest first, and reads another seller's order as not found", async () => {
      const orderId = await receive({ name: 'Asha Kulkarni', phone: '9123456780' });
      await post(`/v1/orders/${orderId}/invoice`).expect(201);
      const { shipmentId } = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'on-network' }).expect(201)).body;
      expect((await get(`/v1/orders/${orderId}/ondc-messages`).expect(200)).body).toEqual({ orderId, messages: [] });

      // What the ONDC adapter writes to the shipment's conversation stream (apps/ondc-logistics-adapter).
      const store = api.app.get<EventStore>(EVENT_STORE);
      await store.append(
        `ondc-logistics-${shipmentId}`,
        [
          { type: 'SearchSent', data: { transactionId: 'txn-1', messageId: 'msg-1' } },
          { type: 'CandidateFailed', data: { transactionId: 'txn-1', bppId: 'nacker.example', step: 'init', why: 'nack', detail: 'refused', failedAt: new Date().toISOString() } },
        ],
        { expectedRevision: 'any' },
      );
      const { body } = await get(`/v1/orders/${orderId}/ondc-messages`).expect(200);
      expect(body.messages.map((m: { type: string; shipmentId: string }) => [m.type, m.shipmentId])).toEqual([
        ['SearchSent', shipmentId],
        ['CandidateFailed', shipmentId],
      ]);
      expect(body.messages[1].data).toMatchObject({ bppId: 'nacker.example', why: 'nack' });

      const refused = await get(`/v1/orders/${orderId}/ondc-messages`, other.apiKey).expect(404);
      expect(refused.body).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    });
  });

  describe("an order's allowed steps", () => {
    it("names the order's own steps and its current shipment's, as the domain's ways forward, and none for a shipment a reship followed", async () => {
      const orderId = await receive({ name: 'Meera Iyer', phone: '9123456781' });
      const read = async (position: string) => (await get(`/v1/orders/${orderId}?minPosition=${position}`).expect(200)).body;
      const received = await read((await get(`/v1/orders/${orderId}/events`).expect(200)).body.events[0].position);
      expect(received.allowed).toEqual(['generate-invoice', 'cancel-order']);

      await post(`/v1/orders/${orderId}/invoice`).expect(201);
      const created = await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201);
      const first = await read(created.body.position);
      expect(first.allowed).toEqual(['regenerate-invoice', 'cancel-order']);
      expect(first.shipments.map((s: { allowed: string[]; takesPackageImages: boolean }) => [s.allowed, s.takesPackageImages])).toEqual([[created.body.allowed, false]]);

      await post(`/v1/orders/${orderId}/shipments/${created.body.shipmentId}/cancel`, { reason: 'Wrong parcel' }).expect(200);
      const reshipped = await post(`/v1/orders/${orderId}/reship`, { reason: 'cancelled' }).expect(201);
      const again = await read(reshipped.body.position);
      expect(again.shipments.map((s: { shipmentId: string; allowed: string[] }) => [s.shipmentId, s.allowed])).toEqual([
        [created.body.shipmentId, []],
        [reshipped.body.shipmentId, ['ready-to-ship', 'ship', 'cancel-shipment']],
      ]);
    });
  });

  describe('operator routes (platform key)', () => {
    const asPlatform = (path: string) => api.http().get(path).set('authorization', `Bearer ${api.platformKey}`);

    it('lists every registered seller with its legal name and GSTIN', async () => {
      const { body } = await asPlatform('/v1/admin/sellers').expect(200);
      expect(body.truncated).toBe(false);
      const ids = body.sellers.map((s: { sellerId: string }) => s.sellerId);
      expect(ids).toEqual(expect.arrayContaining([seller.sellerId, other.sellerId]));
      expect(body.sellers.find((s: { sellerId: string }) => s.sellerId === seller.sellerId)).toMatchObject({ legalName: 'Kaveri Handlooms Private Limited', gstin: '29ABCDE1234F1ZW' });
    });

    it('tallies ONDC partners by what they did: failed steps with the last reason', async () => {
      const store = api.app.get<EventStore>(EVENT_STORE);
      await store.append('ondc-logistics-shp_partner_tally', [{ type: 'CandidateFailed', data: { transactionId: 'txn-2', bppId: 'silent.example', step: 'search', why: 'timeout', detail: 'no on_search', failedAt: new Date().toISOString() } }], {
        expectedRevision: 'any',
      });
      const { body } = await asPlatform('/v1/admin/ondc-partners').expect(200);
      expect(body.partners.find((p: { partnerId: string }) => p.partnerId === 'silent.example')).toMatchObject({ assigned: 0, candidateFailures: 1, lastFailure: { step: 'search', why: 'timeout' } });
    });

    it("is closed to a seller's key", async () => {
      for (const path of ['/v1/admin/sellers', '/v1/admin/ondc-partners']) {
        const response = await get(path).expect(401);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    });
  });
});
