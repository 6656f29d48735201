import { startApi, type ApiHarness } from '../support/api-harness';

const LIMIT = 5;
const forged = `fes_${'x'.repeat(8)}.abcdef0123456789.${'y'.repeat(43)}`;

describe('failed authentications behind a reverse proxy', () => {
  describe.each([
    ['the proxy named in TRUST_PROXY', { trustProxy: ['127.0.0.1'] }],
    ['a proxy hop count', { trustProxy: 1 }],
  ])('with %s', (_name, trust) => {
    let api: ApiHarness;
    let seller: { sellerId: string; apiKey: string };

    beforeAll(async () => {
      api = await startApi({ kind: 'embedded' }, { ...trust, authFailuresPerMinute: LIMIT });
      seller = await api.newSeller();
    });
    afterAll(async () => {
      await api.close();
    });

    const from = (client: string, key: string) => api.http().get('/v1/seller').set('x-forwarded-for', client).set('authorization', `Bearer ${key}`);

    it('counts failures per client the proxy names, so one client with bad keys locks out no other', async () => {
      for (let i = 0; i < LIMIT; i++) await from('203.0.113.7', forged).expect(401);
      const limited = await from('203.0.113.7', forged).expect(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await from('198.51.100.20', seller.apiKey).expect(200);
      await from('198.51.100.20', forged).expect(401);
    });
  });

  describe('without TRUST_PROXY', () => {
    let api: ApiHarness;
    let seller: { sellerId: string; apiKey: string };

    beforeAll(async () => {
      api = await startApi({ kind: 'embedded' }, { authFailuresPerMinute: LIMIT });
      seller = await api.newSeller();
    });
    afterAll(async () => {
      await api.close();
    });

    it('ignores a forged X-Forwarded-For, and still lets a valid key in from the locked address', async () => {
      for (let i = 0; i < LIMIT; i++) {
        await api.http().get('/v1/seller').set('x-forwarded-for', `192.0.2.${i}`).set('authorization', `Bearer ${forged}`).expect(401);
      }
      await api.http().get('/v1/seller').set('x-forwarded-for', '192.0.2.99').set('authorization', `Bearer ${forged}`).expect(429);
      await api.http().get('/v1/seller').set('authorization', `Bearer ${seller.apiKey}`).expect(200);
    });
  });
});
