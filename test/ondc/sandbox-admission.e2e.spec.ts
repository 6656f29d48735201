import axios from 'axios';
import { ContextBuilder, buildSearch, buildStatus, createAuthorizationHeader, generateSigningKeyPair } from '@fulfil/ondc';
import { TestNetwork, startNetwork } from './support/network';
import { hyperlocalShipment } from './support/shipments';

/** The sandbox's gateway and partners check what they receive as a careful participant would. */
describe('ONDC sandbox: what the network refuses', () => {
  let network: TestNetwork;
  let contexts: ContextBuilder;
  beforeAll(async () => {
    network = await startNetwork({ participants: ['cheap-slow'] });
    contexts = network.buyer.contexts();
  });
  afterAll(() => network.close());

  const searchBody = (overrides: { timestamp?: string } = {}) => {
    const message = buildSearch(contexts.build('search', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: contexts.newTransactionId() }), hyperlocalShipment());
    if (overrides.timestamp) message.context.timestamp = overrides.timestamp;
    return Buffer.from(JSON.stringify(message));
  };
  const post = (url: string, body: Buffer, headers: Record<string, string>) =>
    axios.post(url, body, { headers: { 'content-type': 'application/json', ...headers }, validateStatus: () => true });
  const signed = (body: Buffer, privateKey = network.buyer.keys.signingPrivateKey) => ({
    authorization: createAuthorizationHeader(body, { subscriberId: network.buyer.subscriberId, uniqueKeyId: network.buyer.uniqueKeyId, privateKey }),
  });
  const partnerUrl = () => `${network.sandbox.baseUrl}/partners/cheap-slow`;

  it('the gateway: 401 NACK 10001 for a search without signature, signed by a stranger, or changed after signing', async () => {
    const body = searchBody();
    const tampered = Buffer.from(body.toString().replace('Standard Delivery', 'Express Delivery'));
    for (const [payload, headers] of [
      [body, {}],
      [body, signed(body, generateSigningKeyPair().signingPrivateKey)],
      [tampered, signed(body)],
    ] as const) {
      const response = await post(`${network.gatewayUrl}/search`, payload, headers);
      expect(response.status).toBe(401);
      expect(response.data).toMatchObject({ message: { ack: { status: 'NACK' } }, error: { type: 'POLICY-ERROR', code: '10001' } });
    }
  });

  it('the gateway: 400 NACK for a search that breaks its schema, with the path', async () => {
    const broken = JSON.parse(searchBody().toString()) as { message: { intent: { category?: unknown } } };
    delete broken.message.intent.category;
    const body = Buffer.from(JSON.stringify(broken));
    const response = await post(`${network.gatewayUrl}/search`, body, signed(body));
    expect(response.status).toBe(400);
    expect(response.data).toMatchObject({ error: { type: 'JSON-SCHEMA-ERROR', code: '10000', path: 'message.intent.category' } });
  });

  it('a partner: 401 NACK 60005 for a search that did not come through the gateway', async () => {
    const body = searchBody();
    const response = await post(`${partnerUrl()}/search`, body, signed(body));
    expect(response.status).toBe(401);
    expect(response.data).toMatchObject({ error: { type: 'POLICY-ERROR', code: '60005' } });
  });

  it('a partner: 400 NACK 65003 for a request older than its ttl', async () => {
    const message = buildStatus(
      contexts.build('status', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp: { id: network.partnerId('cheap-slow'), uri: partnerUrl() } }),
      'O1',
    );
    message.context.timestamp = new Date(Date.now() - 60_000).toISOString();
    const body = Buffer.from(JSON.stringify(message));
    const response = await post(`${partnerUrl()}/status`, body, signed(body));
    expect(response.status).toBe(400);
    expect(response.data).toMatchObject({ error: { type: 'CONTEXT-ERROR', code: '65003' } });
  });

  it('a partner: 400 NACK 60006 for a request addressed to another partner', async () => {
    const message = buildStatus(contexts.build('status', { domain: 'ONDC:LOG10', city: 'std:080', transactionId: 'T1', bpp: { id: 'someone-else.example', uri: partnerUrl() } }), 'O1');
    const outcome = await network.buyer.send(partnerUrl(), message);
    expect(outcome).toMatchObject({ outcome: 'nack', httpStatus: 400, error: { type: 'CONTEXT-ERROR', code: '60006' } });
  });

  it('404 for a partner that does not take part', async () => {
    const body = searchBody();
    const response = await post(`${network.sandbox.baseUrl}/partners/fast-dear/status`, body, signed(body));
    expect(response.status).toBe(404);
  });
});
