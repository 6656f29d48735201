import { orderInput, sellerProfile } from '../support/fixtures';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { until } from '../support/until';

describe.each(storesUnderTest())('limits over HTTP on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  let sellerId: string;
  beforeAll(async () => {
    api = await startApi(storeConfig());
    ({ apiKey: key, sellerId } = await api.newSeller());
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
      await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: api.otp.otpFor({ sellerId, orderId, shipmentId, sequence: 4 }) }).expect(200);
    });

    it('counts per shipment: another shipment may still be reissued', async () => {
      const first = await shippedOffNetwork();
      for (let i = 0; i < 3; i++) await post(`/v1/orders/${first.orderId}/shipments/${first.shipmentId}/delivery-otp/resend`).expect(200);
      const other = await shippedOffNetwork();
      await post(`/v1/orders/${other.orderId}/shipments/${other.shipmentId}/delivery-otp/resend`).expect(200);
    });

    it('lets a fresh code lift a lock at once, and bounds wrong tries by the reissue limit', async () => {
      const { orderId, shipmentId } = await shippedOffNetwork();
      const code = (sequence: number) => api.otp.otpFor({ sellerId, orderId, shipmentId, sequence });
      const wrongFor = (sequence: number) => (code(sequence) === '000000' ? '111111' : '000000');
      const lock = async (sequence: number) => {
        for (let i = 0; i < 4; i++) await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: wrongFor(sequence) }).expect(422);
        const locked = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: wrongFor(sequence) }).expect(422);
        expect(locked.body.code).toBe('DELIVERY_OTP_LOCKED');
        expect((await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: code(sequence) }).expect(409)).body.code).toBe('DELIVERY_OTP_LOCKED');
      };
      await lock(1);
      for (const sequence of [2, 3, 4]) {
        await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`).expect(200);
        await lock(sequence);
      }
      // Twenty wrong tries in the hour, then no fresh code until the oldest reissue leaves the window.
      const refused = await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`).expect(429);
      expect(refused.body).toMatchObject({ code: 'DELIVERY_OTP_REISSUE_LIMIT', shipmentId });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);

      api.clock.advanceMinutes(61);
      await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/resend`).expect(200);
      await post(`/v1/orders/${orderId}/shipments/${shipmentId}/delivery-otp/verify`, { otp: code(5) }).expect(200);
    });
  });

  describe('seller WhatsApp number', () => {
    let numberSeq = 0;
    const freshNumber = () => `9197${String(Date.now() % 1_000_000).padStart(6, '0')}${String(++numberSeq).padStart(2, '0')}`;
    const as = (apiKey: string) => ({
      get: () => api.http().get('/v1/seller').set('authorization', `Bearer ${apiKey}`),
      setNumber: (whatsappNumber: string) => api.http().patch('/v1/seller').set('authorization', `Bearer ${apiKey}`).send({ settings: { whatsappNumber } }),
      verify: (code: string) => api.http().post('/v1/seller/whatsapp/verify').set('authorization', `Bearer ${apiKey}`).send({ code }),
      order: () => {
        const { sellerId: _s, orderId: _o, ...body } = orderInput('ignored');
        return api.http().post('/v1/orders').set('authorization', `Bearer ${apiKey}`).send(body);
      },
    });
    const outbox = async (recipient: string) =>
      (await api.http().get('/v1/admin/outbox').query({ recipient, limit: 100 }).set('authorization', `Bearer ${api.platformKey}`).expect(200)).body.messages as Array<{
        purpose?: string;
        orderId?: string;
        message: { type: string; name?: string; bodyParameters?: string[] };
      }>;
    /** The latest code WhatsApp brought to the number, read from the sandbox outbox as the seller would read it. */
    const codeSentTo = async (number: string, notThis?: string): Promise<string> => {
      let code: string | undefined;
      await until(`a verification code to ${number}`, async () => {
        // The outbox lists the newest message first.
        code = (await outbox(number)).find((m) => m.purpose === 'whatsapp-number-code')?.message.bodyParameters?.[0];
        return code !== undefined && code !== notThis;
      });
      return code!;
    };
    const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

    it('is pending until confirmed with the code sent to it: a wrong code is refused with the tries left, the right one makes it the number in use', async () => {
      const { apiKey } = await api.newSeller();
      const seller = as(apiKey);
      const number = freshNumber();

      const pending = await seller.setNumber(number).expect(200);
      expect(pending.body.settings.whatsappNumber).toBeUndefined();
      expect(pending.body.pendingWhatsAppNumber).toMatchObject({ number });
      const code = await codeSentTo(number);
      expect(code).toMatch(/^[0-9]{6}$/);

      const refused = await seller.verify(wrong(code)).expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'WHATSAPP_CODE_INCORRECT', attemptsLeft: 4 });
      await seller.verify('12345').expect(400);

      const verified = await seller.verify(code).expect(200);
      expect(verified.body.settings.whatsappNumber).toBe(number);
      expect(verified.body.pendingWhatsAppNumber).toBeUndefined();
      expect(verified.body.events).toEqual(['SellerWhatsAppNumberVerified']);
      expect((await seller.verify(code).expect(409)).body.code).toBe('WHATSAPP_NUMBER_NOT_PENDING');
    });

    it('sends order messages only to the verified number', async () => {
      const { apiKey } = await api.newSeller({ autoInvoice: true });
      const seller = as(apiKey);
      const number = freshNumber();
      await seller.setNumber(number).expect(200);
      const code = await codeSentTo(number);
      const beforeVerified = (await seller.order().expect(201)).body.orderId as string;

      await seller.verify(code).expect(200);
      const afterVerified = (await seller.order().expect(201)).body.orderId as string;
      // Notifications are handled in store order: once the second order's message is out, the first one's was decided.
      await until('the order message to the verified number', async () => (await outbox(number)).some((m) => m.orderId === afterVerified));
      expect((await outbox(number)).filter((m) => m.orderId === beforeVerified)).toEqual([]);
    });

    it('refuses an expired code, and a fresh one is sent when the number is set again', async () => {
      const { apiKey } = await api.newSeller();
      const seller = as(apiKey);
      const number = freshNumber();
      await seller.setNumber(number).expect(200);
      const first = await codeSentTo(number);

      api.clock.advanceMinutes(11);
      const expired = await seller.verify(first).expect(409);
      expect(expired.body).toMatchObject({ code: 'WHATSAPP_CODE_EXPIRED', number });

      await seller.setNumber(number).expect(200);
      const second = await codeSentTo(number, first);
      await seller.verify(second).expect(200);
    });

    /** Two sellers who both set the same fresh number, each holding the code it was sent for them. */
    async function twoSellersWithCodesFor() {
      const a = as((await api.newSeller()).apiKey);
      const b = as((await api.newSeller()).apiKey);
      const number = freshNumber();
      await a.setNumber(number).expect(200);
      const codeForA = await codeSentTo(number);
      await b.setNumber(number).expect(200);
      const codeForB = await codeSentTo(number, codeForA);
      return { a, b, number, codeForA, codeForB };
    }

    it('is unique across sellers: a number another seller verified is refused with 409, also for a seller who got a code for it first', async () => {
      const { a, b, number, codeForA, codeForB } = await twoSellersWithCodesFor();

      await a.verify(codeForA).expect(200);
      const lost = await b.verify(codeForB).expect(409);
      expect(lost.headers['content-type']).toContain('application/problem+json');
      expect(lost.body).toMatchObject({ status: 409, code: 'WHATSAPP_NUMBER_TAKEN', number });
      expect((await b.get().expect(200)).body.settings.whatsappNumber).toBeUndefined();

      const taken = await b.setNumber(number).expect(409);
      expect(taken.body).toMatchObject({ code: 'WHATSAPP_NUMBER_TAKEN', number });
    });

    it('lets exactly one of two sellers verifying the same number at once win; the other gets 409', async () => {
      const { a, b, number, codeForA, codeForB } = await twoSellersWithCodesFor();

      const answers = await Promise.all([a.verify(codeForA), b.verify(codeForB)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(answers.find((r) => r.status === 409)?.body.code).toBe('WHATSAPP_NUMBER_TAKEN');
      const numbers = [(await a.get().expect(200)).body.settings.whatsappNumber, (await b.get().expect(200)).body.settings.whatsappNumber];
      expect(numbers.filter((n) => n === number)).toHaveLength(1);
    });

    it('frees the old number for other sellers once its holder verified another one', async () => {
      const a = as((await api.newSeller()).apiKey);
      const b = as((await api.newSeller()).apiKey);
      const [first, second] = [freshNumber(), freshNumber()];
      await a.setNumber(first).expect(200);
      const codeForA = await codeSentTo(first);
      await a.verify(codeForA).expect(200);
      await b.setNumber(first).expect(409);

      await a.setNumber(second).expect(200);
      await a.verify(await codeSentTo(second)).expect(200);
      expect((await a.get().expect(200)).body.settings.whatsappNumber).toBe(second);
      await b.setNumber(first).expect(200);
      await b.verify(await codeSentTo(first, codeForA)).expect(200);
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

    it('takes a GSTIN typed in lower case and keeps it in capitals', async () => {
      const accepted = await register({ ...sellerProfile(), gstin: sellerProfile().gstin.toLowerCase() }).expect(201);
      expect(accepted.body.profile.gstin).toBe(sellerProfile().gstin);
    });

    it('refuses a seller GSTIN or a B2B buyer GSTIN that fails its check character, naming the fault', async () => {
      const mistyped = await register({ ...sellerProfile(), gstin: '29ABCDE1234F1Z5' }).expect(400);
      expect(mistyped.body.issues).toEqual([{ field: 'profile.gstin', message: 'fails its check character (the 15th): a character is mistyped' }]);

      const { sellerId: _ignored, orderId: _generated, ...order } = orderInput('ignored');
      const b2b = await post('/v1/orders', { ...order, buyer: { ...order.buyer, gstin: '27AAPFU0939F1ZX' } }).expect(400);
      expect(b2b.body.issues).toEqual([{ field: 'buyer.gstin', message: 'fails its check character (the 15th): a character is mistyped' }]);
      const wrongState = await post('/v1/orders', { ...order, buyer: { ...order.buyer, gstin: '99AAPFU0939F1ZV' } }).expect(400);
      expect(wrongState.body.issues).toEqual([{ field: 'buyer.gstin', message: 'must start with a GST state code; "99" is not one' }]);
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
