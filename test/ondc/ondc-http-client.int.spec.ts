import type { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import { OndcHttpClient, generateSigningKeyPair, verifyAuthorization } from '@fulfil/ondc';
import type { OndcMessage } from '@fulfil/ondc';

const us = { subscriberId: 'buyer.example', uniqueKeyId: 'k1', keys: generateSigningKeyPair() };
const signer = { subscriberId: us.subscriberId, uniqueKeyId: us.uniqueKeyId, privateKey: us.keys.signingPrivateKey };
const quickRetries = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

const status: OndcMessage<'status'> = {
  context: {
    domain: 'ONDC:LOG10',
    country: 'IND',
    city: 'std:080',
    action: 'status',
    core_version: '1.2.5',
    bap_id: us.subscriberId,
    bap_uri: 'https://buyer.example/ondc',
    bpp_id: 'lsp.example',
    bpp_uri: 'https://lsp.example/ondc',
    transaction_id: 'T1',
    message_id: 'M1',
    timestamp: new Date().toISOString(),
    ttl: 'PT30S',
  },
  message: { order_id: 'O1' },
};

/** A partner stand-in answering each POST with the next of `answers`; it records the bytes and headers it got. */
async function partner(answers: Array<{ status: number; body?: unknown }>) {
  const received: Array<{ raw: Buffer; authorization: string | undefined; gateway: string | undefined }> = [];
  const server: FastifyInstance = Fastify();
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  server.post<{ Body: Buffer }>('/ondc/status', async (request, reply) => {
    received.push({ raw: request.body, authorization: request.headers.authorization, gateway: request.headers['x-gateway-authorization'] as string | undefined });
    const answer = answers[Math.min(received.length, answers.length) - 1] ?? { status: 500 };
    return reply.status(answer.status).send(answer.body ?? '');
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, received, uri: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/ondc` };
}

const ACK = { message: { ack: { status: 'ACK' } } };
const nackWith = (type: string, code: string) => ({ message: { ack: { status: 'NACK' } }, error: { type, code, message: 'no' } });

describe('outbound client', () => {
  const servers: FastifyInstance[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  const start = async (answers: Array<{ status: number; body?: unknown }>) => {
    const stand = await partner(answers);
    servers.push(stand.server);
    return stand;
  };

  it('signs the exact bytes it sends, to {uri}/{action}, and reads the ACK', async () => {
    const lsp = await start([{ status: 200, body: ACK }]);
    const outcome = await new OndcHttpClient({ signer, retry: quickRetries }).send(lsp.uri, status);
    expect(outcome).toMatchObject({ outcome: 'ack', httpStatus: 200, attempts: 1 });
    const [request] = lsp.received;
    expect(request?.raw.toString()).toBe(JSON.stringify(status));
    await expect(verifyAuthorization(request?.raw ?? Buffer.alloc(0), request?.authorization, () => us.keys.signingPublicKey)).resolves.toMatchObject({ ok: true });
    // What went on the wire, for the transaction log: the signature sent and the answer's bytes as they came.
    expect(outcome.exchange?.authorization).toBe(request?.authorization);
    expect(outcome.exchange?.answer?.httpStatus).toBe(200);
    expect(outcome.exchange?.answer?.body.toString()).toBe(JSON.stringify(ACK));
  });

  it('returns a NACK that says the request is wrong at once, without retrying', async () => {
    const lsp = await start([{ status: 200, body: nackWith('DOMAIN-ERROR', '66004') }]);
    const outcome = await new OndcHttpClient({ signer, retry: quickRetries }).send(lsp.uri, status);
    expect(outcome).toMatchObject({ outcome: 'nack', httpStatus: 200, attempts: 1, error: { type: 'DOMAIN-ERROR', code: '66004', message: 'no' } });
    expect(lsp.received).toHaveLength(1);
  });

  it('reads a 401 with a NACK as a refusal of our signature, not a transport failure', async () => {
    const lsp = await start([{ status: 401, body: nackWith('POLICY-ERROR', '60005') }]);
    await expect(new OndcHttpClient({ signer, retry: quickRetries }).send(lsp.uri, status)).resolves.toMatchObject({ outcome: 'nack', httpStatus: 401, attempts: 1 });
  });

  it('retries the same bytes while the peer answers 503 without a NACK or asks for a retry (66001), until it ACKs', async () => {
    const lsp = await start([{ status: 503 }, { status: 200, body: nackWith('CORE-ERROR', '66001') }, { status: 200, body: ACK }]);
    const outcome = await new OndcHttpClient({ signer, retry: quickRetries }).send(lsp.uri, status);
    expect(outcome).toMatchObject({ outcome: 'ack', httpStatus: 200, attempts: 3 });
    expect(new Set(lsp.received.map((r) => r.raw.toString())).size).toBe(1);
  });

  it('gives up as unreachable when nobody answers, after its tries', async () => {
    const closed = await start([]);
    await closed.server.close();
    const outcome = await new OndcHttpClient({ signer, retry: quickRetries }).send(closed.uri, status);
    expect(outcome).toMatchObject({ outcome: 'unreachable', attempts: 3, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('puts its signature in X-Gateway-Authorization when relaying, next to the sender’s own', async () => {
    const lsp = await start([{ status: 200, body: ACK }]);
    const gateway = new OndcHttpClient({ signer, signatureHeader: 'x-gateway-authorization', retry: quickRetries });
    await gateway.deliver(`${lsp.uri}/status`, Buffer.from('{}'), { authorization: 'Signature keyId="sender"' });
    expect(lsp.received[0]).toMatchObject({ authorization: 'Signature keyId="sender"', gateway: expect.stringMatching(/^Signature keyId="buyer\.example\|k1\|ed25519"/) });
  });
});
