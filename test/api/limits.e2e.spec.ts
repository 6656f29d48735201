import { orderInput, sellerProfile } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';

describe.each(storesUnderTest())('limits over HTTP on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi(storeConfig());
    ({ apiKey: key } = await api.newSeller());
  });
  afterAll(() => api.close());

  const post = (path: string, body: object = {}) => api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
  const get = (path: string) => api.http().get(path).set('authorization', `Bearer ${key}`);

  async function shippedOffNetwork(): Promise<{ orderId: string; shipmentId: string }> {
    const { sellerId: _ignored, orderId: _generated, ...body } = orderInput('ignored');
    const orderId = (await post('/v1/orders', body).expect(201)).body.orderId as string;
    await post(`/v1/orders/${orderId}/invoice`).expect(201);
    const shipmentId = (await post(`/v1/orders/${orderId}/shipments`, { mode: 'off-network' }).expect(201)).body.shipmentId as string;
    await post(`/v1/orders/${orderId}/shipments/${shipmentId}/ship`, { courierName: 'DTDC', trackingNumber: 'D1234567' }).expect(200);
    return { orderId, shipmentId };
  }

  describe('delivery OTP reissue', () => {
    it('answers the fourth reissue within an hour with 429, Retry-After and a problem, and records nothing', async () => {
      const { orderId, shipmentId } = await shippedOffNetwork();
      const resend = () => post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`);
      let position = '';
      for (let i = 0; i < 3; i++) position = (await resend().expect(200)).body.position as string;

      const refused = await resend().expect(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(refused.body).toMatchObject({
        status: 429,
        title: 'Too many requests',
        code: 'DELIVERY_OTP_REISSUE_LIMIT',
        type: 'https://fulfilment-engine.dev/problems/delivery-otp-reissue-limit',
        shipmentId,
        retryAfterSeconds: retryAfter,
        instance: `/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`,
      });
      const order = await get(`/v1/orders/${orderId}`).set('x-min-position', position).expect(200);
      const types = order.body.timeline.map((t: { eventType: string }) => t.eventType);
      expect(types.filter((t: string) => t === 'DeliveryOtpReissued')).toHaveLength(3);
      // The last code sent still delivers.
      await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: api.otp.otpFor({ orderId, shipmentId, sequence: 4 }) }).expect(200);
    });

    it('counts per shipment: another shipment may still be reissued', async () => {
      const first = await shippedOffNetwork();
      for (let i = 0; i < 3; i++) await post(`/v1/orders/${first.orderId}/shipments/${first.shipmentId}/delivery-otp/resend`).expect(200);
      const other = await shippedOffNetwork();
      await post(`/v1/orders/${other.orderId}/shipments/${other.shipmentId}/delivery-otp/resend`).expect(200);
    });

    it('does not lift a fresh lockout: the reissue is refused with 429 until the lockout ends', async () => {
      const { orderId, shipmentId } = await shippedOffNetwork();
      const right = api.otp.otpFor({ orderId, shipmentId, sequence: 1 });
      const wrong = right === '000000' ? '111111' : '000000';
      for (let i = 0; i < 4; i++) await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: wrong }).expect(422);
      const locked = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: wrong }).expect(422);
      expect(locked.body.code).toBe('DELIVERY_OTP_LOCKED');

      const refused = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`).expect(429);
      expect(refused.body).toMatchObject({ code: 'DELIVERY_OTP_LOCKOUT_ACTIVE', shipmentId });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
      const stillLocked = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: right }).expect(409);
      expect(stillLocked.body.code).toBe('DELIVERY_OTP_LOCKED');
    });
  });

  describe('pickup state and GSTIN', () => {
    const mumbaiPickup = { ...sellerProfile().pickupAddress, line1: '7 Linking Road', city: 'Mumbai', stateCode: '27', pincode: '400050' };
    const register = (profile: object) => api.http().post('/v1/sellers').set('authorization', `Bearer ${api.platformKey}`).send({ profile, settings: {} });
    const fieldsOf = (body: { issues?: Array<{ field: string }> }) => (body.issues ?? []).map((i) => i.field);

    it('refuses a registration whose pickup is outside the GSTIN state, and accepts it once that state is declared', async () => {
      const refused = await register({ ...sellerProfile(), pickupAddress: mumbaiPickup }).expect(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(fieldsOf(refused.body)).toEqual(['profile.pickupAddress.stateCode']);

      const accepted = await register({ ...sellerProfile(), pickupAddress: mumbaiPickup, additionalPlacesOfBusiness: ['27'] }).expect(201);
      expect(accepted.body.profile).toMatchObject({ gstin: sellerProfile().gstin, pickupAddress: { stateCode: '27' }, additionalPlacesOfBusiness: ['27'] });
    });

    it('refuses a profile update that moves the pickup to an undeclared state, changing nothing', async () => {
      const { apiKey } = await api.newSeller();
      const patch = (body: object) => api.http().patch('/v1/seller').set('authorization', `Bearer ${apiKey}`).send(body);

      const refused = await patch({ profile: { pickupAddress: mumbaiPickup } }).expect(400);
      expect(fieldsOf(refused.body)).toEqual(['profile.pickupAddress.stateCode']);
      expect((await api.http().get('/v1/seller').set('authorization', `Bearer ${apiKey}`).expect(200)).body.profile.pickupAddress.stateCode).toBe('29');

      const accepted = await patch({ profile: { pickupAddress: mumbaiPickup, additionalPlacesOfBusiness: ['27'] } }).expect(200);
      expect(accepted.body.profile).toMatchObject({ pickupAddress: { city: 'Mumbai', stateCode: '27' }, additionalPlacesOfBusiness: ['27'] });
      // Undeclaring the state the pickup is in is refused as well.
      expect(fieldsOf((await patch({ profile: { additionalPlacesOfBusiness: [] } }).expect(400)).body)).toEqual(['profile.pickupAddress.stateCode']);
    });
  });
});
