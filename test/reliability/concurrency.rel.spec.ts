import { DeliveryOtpGenerator } from '@fulfil/domain';
import { budget } from './support/budget';
import { EngineProcess, newEngineSecrets } from './support/engine-process';
import { recordFigure } from './support/figures';
import { HttpResult, PROBLEM_JSON, registerSeller, SellerApi } from './support/http-client';
import { EngineStore, engineStores } from './support/stores';

const plan = budget();

/** A loser of a race: a 409 problem document that names why, never a 5xx or a silent success. */
function expectClearConflict(response: HttpResult, codes: readonly string[]): void {
  expect({ status: response.status, contentType: response.contentType.split(';')[0], code: response.body['code'] }).toEqual({
    status: 409,
    contentType: PROBLEM_JSON,
    code: expect.stringMatching(new RegExp(`^(${codes.join('|')})$`)),
  });
  expect(typeof response.body['detail']).toBe('string');
}

const count = (types: string[], type: string): number => types.filter((t) => t === type).length;

/**
 * Many clients of one seller racing on the same orders with commands that exclude each other: only
 * legal outcomes, every loser told so with a 409, and the events add up to the winners.
 */
describe.each(engineStores())('concurrent conflicting commands on %s', (name, makeStore) => {
  let store: EngineStore;
  let engine: EngineProcess;
  let api: SellerApi;
  let otp: DeliveryOtpGenerator;
  let sellerId: string;
  const suite = `concurrency (${name})`;

  beforeAll(async () => {
    store = makeStore();
    const secrets = newEngineSecrets();
    engine = new EngineProcess({ dataDir: store.dataDir, env: store.env, ...secrets });
    await engine.start();
    const seller = await registerSeller(engine.baseUrl, secrets.platformApiKey);
    sellerId = seller.sellerId;
    api = new SellerApi(engine.baseUrl, seller.apiKey);
    otp = new DeliveryOtpGenerator(Buffer.from(secrets.deliveryOtpSecret, 'hex'));
  });

  afterAll(async () => {
    await engine.kill();
    await store.dispose();
  });

  const orders = (mode: 'on-network' | 'off-network') => Promise.all(Array.from({ length: plan.contestedOrders }, () => api.packedOrder(mode)));

  it('ready to ship racing cancel: the order always ends cancelled, RTS wins only if it came first', async () => {
    const contested = await orders('on-network');
    let conflicts = 0;
    await Promise.all(
      contested.map(async ({ orderId, shipmentId }) => {
        const [rts, cancel] = await Promise.all([
          api.post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`),
          api.post(`/v1/orders/${orderId}/cancel`, { reason: 'Buyer cancelled' }),
        ]);
        // Cancelling is legal before pickup whether or not the parcel was marked ready: cancel never loses.
        expect(cancel.status).toBe(200);
        const types = await api.eventTypes(orderId);
        expect(count(types, 'OrderCancelled')).toBe(1);
        if (rts.status === 200) {
          expect(types.indexOf('ShipmentMarkedReadyToShip')).toBeLessThan(types.indexOf('OrderCancelled'));
        } else {
          expectClearConflict(rts, ['ORDER_CANCELLED', 'SHIPMENT_CANCELLED']);
          expect(count(types, 'ShipmentMarkedReadyToShip')).toBe(0);
          conflicts++;
        }
        // Read-your-writes: the order view waits for the read model to reach the cancellation.
        const order = await api.expect(200, api.get(`/v1/orders/${orderId}?minPosition=${String(cancel.body['position'])}`));
        expect(`${String(order.body['status'])} after ${types.join()}`).toBe(`cancelled after ${types.join()}`);
      }),
    );
    recordFigure(suite, 'RTS vs cancel races', contested.length);
    recordFigure(suite, 'conflicts resolved with a 409', conflicts);
  });

  it('two correct delivery OTPs at once: one delivers, the other is told it is already delivered', async () => {
    const contested = await orders('off-network');
    let conflicts = 0;
    await Promise.all(
      contested.map(async ({ orderId, shipmentId }) => {
        await api.expect(200, api.post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'Delhivery', trackingNumber: 'DL12345678' }));
        const code = otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 });
        const answers = await Promise.all([1, 2].map(() => api.post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: code })));
        const winners = answers.filter((a) => a.status === 200);
        expect(winners).toHaveLength(1);
        expect(winners[0]!.body['orderStatus']).toBe('delivered');
        expectClearConflict(answers.find((a) => a.status !== 200)!, ['SHIPMENT_ALREADY_DELIVERED', 'ORDER_DELIVERED', 'SHIPMENT_NOT_SHIPPED', 'ORDER_ALREADY_DELIVERED']);
        conflicts++;
        expect(count(await api.eventTypes(orderId), 'ShipmentDelivered')).toBe(1);
      }),
    );
    recordFigure(suite, 'double OTP verifications', contested.length);
    recordFigure(suite, 'conflicts resolved with a 409', conflicts);
  });

  it('bulk RTS overlapping single RTS: each shipment is marked once, and bulk plus single winners add up', async () => {
    // Off-network: on-network, the ONDC adapter may report "no partner found", after which a second RTS is a legal retry.
    const contested = await orders('off-network');
    const [bulk, ...singles] = await Promise.all([
      api.post('/v1/shipments/ready-to-ship', { items: contested }),
      ...contested.map(({ orderId, shipmentId }) => api.post(`/v1/orders/${orderId}/shipments/${shipmentId}/ready-to-ship`)),
    ]);
    expect(bulk!.status).toBe(200);
    const results = bulk!.body['results'] as Array<{ orderId: string; ok: boolean; status?: number; code?: string }>;
    let conflicts = 0;
    for (const [index, { orderId }] of contested.entries()) {
      const single = singles[index]!;
      const item = results[index]!;
      expect(item.orderId).toBe(orderId);
      // Exactly one of the two marked the shipment; the other got a 409 naming why.
      const types = await api.eventTypes(orderId);
      expect({ winners: [item.ok, single.status === 200].filter(Boolean).length, single: single.body, types }).toEqual({ winners: 1, single: single.body, types });
      if (item.ok) expectClearConflict(single, ['SHIPMENT_ALREADY_READY']);
      else expect({ status: item.status, code: item.code }).toEqual({ status: 409, code: 'SHIPMENT_ALREADY_READY' });
      conflicts++;
      expect(count(types, 'ShipmentMarkedReadyToShip')).toBe(1);
    }
    const singleWins = singles.filter((s) => s.status === 200).length;
    expect(bulk!.body['succeeded']).toBe(results.filter((r) => r.ok).length);
    expect((bulk!.body['succeeded'] as number) + singleWins).toBe(contested.length);
    recordFigure(suite, 'bulk vs single RTS races', contested.length);
    recordFigure(suite, 'conflicts resolved with a 409', conflicts);
  });
});
