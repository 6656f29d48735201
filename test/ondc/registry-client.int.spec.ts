import type { AddressInfo } from 'node:net';
import axios from 'axios';
import Fastify from 'fastify';
import { RegistryClient, RegistryUnavailableError, createAuthorizationHeader, generateSigningKeyPair, verifyAuthorization } from '@fulfil/ondc';
import { RunningSandbox, startSandbox } from '../../apps/ondc-sandbox/src';
import { TestBuyer } from './support/test-buyer';

/** Counts the requests a registry client makes, by path. */
function countingHttp() {
  const http = axios.create({ timeout: 2_000 });
  const paths: string[] = [];
  http.interceptors.request.use((config) => {
    paths.push(new URL(config.url ?? '').pathname);
    return config;
  });
  return { http, paths };
}

describe('registry client against the sandbox registry, over HTTP', () => {
  let buyer: TestBuyer;
  let sandbox: RunningSandbox;
  let registryUrl: string;
  const cheapSlowKeyId = () => {
    const partner = sandbox.network.partners.get('cheap-slow');
    if (!partner) throw new Error('cheap-slow takes part');
    return { subscriberId: partner.subscriberId, uniqueKeyId: partner.uniqueKeyId };
  };

  beforeAll(async () => {
    buyer = new TestBuyer();
    await buyer.listen();
    sandbox = await startSandbox({ stepMs: 1_000, participants: ['cheap-slow', 'intercity'], buyers: [buyer.registration()], logger: false });
    registryUrl = `${sandbox.baseUrl}/registry`;
  });
  afterAll(async () => {
    await sandbox.close();
    await buyer.close();
  });

  it('looks a partner up with a signed /v2.0/lookup and gets its records, one per domain it serves', async () => {
    const { http, paths } = countingHttp();
    const client = new RegistryClient({ registryUrl, signer: buyer.signer(), http });
    const records = await client.lookup({ subscriber_id: cheapSlowKeyId().subscriberId });
    expect(paths).toEqual(['/registry/v2.0/lookup']);
    expect(records.map((r) => r.domain).sort()).toEqual(['ONDC:LOG10', 'ONDC:LOG11']);
    expect(records[0]).toEqual({
      subscriber_id: cheapSlowKeyId().subscriberId,
      ukId: 'k1',
      subscriber_url: `${sandbox.baseUrl}/partners/cheap-slow`,
      type: 'BPP',
      domain: expect.any(String),
      signing_public_key: sandbox.network.partners.get('cheap-slow')?.keys.signingPublicKey,
      encr_public_key: expect.any(String),
      valid_from: expect.any(String),
      valid_until: expect.any(String),
      status: 'SUBSCRIBED',
      city: '*',
      country: 'IND',
      created: expect.any(String),
      updated: expect.any(String),
    });
  });

  it('falls back to /lookup when it cannot sign, or the registry refuses its v2.0 signature', async () => {
    const unsigned = countingHttp();
    await expect(new RegistryClient({ registryUrl, http: unsigned.http }).lookup({ type: 'BPP', domain: 'ONDC:LOG11' })).resolves.toHaveLength(2);
    expect(unsigned.paths).toEqual(['/registry/lookup']);

    const stranger = countingHttp();
    const signer = { subscriberId: 'stranger.example', uniqueKeyId: 'k1', privateKey: generateSigningKeyPair().signingPrivateKey };
    await expect(new RegistryClient({ registryUrl, signer, http: stranger.http }).lookup({ type: 'BG' })).resolves.toHaveLength(2);
    expect(stranger.paths).toEqual(['/registry/v2.0/lookup', '/registry/lookup']);
  });

  it('v2.0 refuses an unsigned lookup with 401 and a NACK', async () => {
    const response = await axios.post(`${registryUrl}/v2.0/lookup`, { type: 'BPP' }, { validateStatus: () => true });
    expect(response.status).toBe(401);
    expect(response.data).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'POLICY-ERROR' } });
  });

  it('answers from its cache until the TTL runs out', async () => {
    // The client's clock also dates its signatures: start it in the past so that moving it on stays believable.
    let now = Date.now() - 120_000;
    const { http, paths } = countingHttp();
    const client = new RegistryClient({ registryUrl, signer: buyer.signer(), http, cacheTtlMs: 60_000, nowMs: () => now });
    await client.findKey(cheapSlowKeyId());
    await client.findKey(cheapSlowKeyId());
    expect(paths).toHaveLength(1);
    now += 61_000;
    await client.findKey(cheapSlowKeyId());
    expect(paths).toHaveLength(2);
  });

  it('refreshes a cached key when a signature fails with it (the partner rotated its key), at most once per interval', async () => {
    let now = Date.now() - 120_000;
    const { http, paths } = countingHttp();
    const client = new RegistryClient({ registryUrl, signer: buyer.signer(), http, minRefreshIntervalMs: 30_000, nowMs: () => now });
    await client.findKey(cheapSlowKeyId());
    now += 60_000;
    const rotated = sandbox.network.rotateKeys('cheap-slow');
    const body = Buffer.from('{"context":{"action":"on_status"}}');
    const header = createAuthorizationHeader(body, { ...cheapSlowKeyId(), privateKey: rotated.signingPrivateKey }, { nowMs: now });
    await expect(verifyAuthorization(body, header, client.resolveSigningKey, { nowMs: now })).resolves.toMatchObject({ ok: true });
    expect(paths).toHaveLength(2);

    // A forged signature right after must not make the client ask the registry again.
    const forged = createAuthorizationHeader(body, { ...cheapSlowKeyId(), privateKey: generateSigningKeyPair().signingPrivateKey }, { nowMs: now });
    await expect(verifyAuthorization(body, forged, client.resolveSigningKey, { nowMs: now })).resolves.toMatchObject({ ok: false, failure: 'bad-signature' });
    expect(paths).toHaveLength(2);
  });

  it('drops records outside their validity dates or not subscribed', async () => {
    const client = new RegistryClient({ registryUrl, nowMs: () => Date.now() + 2 * 365 * 86_400_000 });
    await expect(client.lookup({ type: 'BPP' })).resolves.toEqual([]);
  });
});

describe('registry client transport', () => {
  it('retries a registry that is briefly unavailable, then answers', async () => {
    let calls = 0;
    const server = Fastify();
    server.post('/lookup', async (_request, reply) => (++calls < 3 ? reply.status(503).send('busy') : reply.send([])));
    await server.listen({ port: 0, host: '127.0.0.1' });
    const registryUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    await expect(new RegistryClient({ registryUrl, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } }).lookup({ type: 'BPP' })).resolves.toEqual([]);
    expect(calls).toBe(3);
    await server.close();
  });

  it('says the registry is unavailable, rather than that nobody is registered, when it never answers', async () => {
    const server = Fastify();
    await server.listen({ port: 0, host: '127.0.0.1' });
    const registryUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    await server.close();
    const client = new RegistryClient({ registryUrl, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    await expect(client.lookup({ type: 'BPP' })).rejects.toThrow(RegistryUnavailableError);
  });
});
