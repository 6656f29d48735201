import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CallbackVerifier,
  KnownTransaction,
  PublicKeyResolver,
  RegistryUnavailableError,
  appliedCallbackKey,
  createAuthorizationHeader,
  generateSigningKeyPair,
} from '@fulfil/ondc';

const BAP_ID = 'buyer.fulfilment-engine.example';
const NOW = Date.UTC(2026, 2, 2, 10, 5, 0);
const lsp = { subscriberId: 'lsp.example', uniqueKeyId: 'UKID1', keys: generateSigningKeyPair() };
const otherLsp = { subscriberId: 'other-lsp.example', uniqueKeyId: 'UKID1', keys: generateSigningKeyPair() };
const registry: PublicKeyResolver = (keyId) => [lsp, otherLsp].find((p) => p.subscriberId === keyId.subscriberId && p.uniqueKeyId === keyId.uniqueKeyId)?.keys.signingPublicKey;

type Json = { context: Record<string, string>; message: unknown };
const fixture = (file: string): Json => {
  const body = JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')) as Json;
  body.context['timestamp'] = new Date(NOW - 1_000).toISOString();
  return body;
};

/** The transaction as the adapter would know it: a search, an init and a confirm sent, lsp.example chosen. */
const transaction = (): KnownTransaction => ({
  sentRequests: [
    { action: 'search', messageId: 'M1' },
    { action: 'init', messageId: 'M2' },
    { action: 'confirm', messageId: 'M3' },
  ],
  chosenBppId: 'lsp.example',
  appliedTimestamps: {},
});

/** `null`: the transaction is unknown to us. */
function verifierWith(known: KnownTransaction | null = transaction(), resolveSigningKey: PublicKeyResolver = registry) {
  return new CallbackVerifier({ bapId: BAP_ID, resolveSigningKey, findTransaction: () => known ?? undefined, nowMs: () => NOW });
}

/** `null` signer: posted unsigned. */
function posted(body: unknown, signer: { subscriberId: string; uniqueKeyId: string; keys: { signingPrivateKey: string } } | null = lsp, action?: string) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const headers = signer ? { authorization: createAuthorizationHeader(rawBody, { ...signer, privateKey: signer.keys.signingPrivateKey }, { nowMs: NOW }) } : {};
  const json = body as Json;
  return { action: action ?? json.context['action'] ?? '', rawBody, headers };
}

describe('callback verification: accepted', () => {
  it('a signed on_init answering our init: ACK, solicited, signer known', async () => {
    const verdict = await verifierWith().verify(posted(fixture('on_init.json')));
    expect(verdict).toMatchObject({ accepted: true, httpStatus: 200, response: { message: { ack: { status: 'ACK' } } }, solicited: true, duplicate: false, signer: { subscriberId: 'lsp.example' } });
  });

  it('an unsolicited on_status from the partner chosen, with its own message id', async () => {
    const verdict = await verifierWith().verify(posted(fixture('on_status.picked-up.json')));
    expect(verdict).toMatchObject({ accepted: true, solicited: false });
  });

  it('the same callback again: ACK, marked duplicate so it is not applied twice', async () => {
    const body = fixture('on_status.picked-up.json');
    const known = { ...transaction(), appliedTimestamps: { [appliedCallbackKey('lsp.example', 'U1')]: body.context['timestamp'] ?? '' } };
    await expect(verifierWith(known).verify(posted(body))).resolves.toMatchObject({ accepted: true, duplicate: true });
  });

  it('a repeat saying the same in other bytes (keys reordered) is a duplicate; one saying something new under the same id is refused', async () => {
    const body = fixture('on_status.picked-up.json');
    const key = appliedCallbackKey('lsp.example', 'U1');
    const known = { ...transaction(), appliedTimestamps: { [key]: body.context['timestamp'] ?? '' }, appliedBodies: { [key]: JSON.parse(JSON.stringify(body)) as unknown } };
    const { context, ...rest } = body;
    await expect(verifierWith(known).verify(posted({ ...rest, context }))).resolves.toMatchObject({ accepted: true, duplicate: true });

    const newer = structuredClone(body);
    newer.context['timestamp'] = new Date(Date.parse(body.context['timestamp'] ?? '') + 1_000).toISOString();
    const verdict = await verifierWith(known).verify(posted(newer));
    expect(verdict).toMatchObject({ accepted: false, httpStatus: 400, response: { error: { type: 'CONTEXT-ERROR', code: '20006', path: 'context.message_id' } } });
  });

  it('catalogs of several partners answering one search, whatever their order of arrival', async () => {
    const first = fixture('on_search.json');
    const second = fixture('on_search.json');
    second.context['bpp_id'] = 'other-lsp.example';
    second.context['timestamp'] = new Date(NOW - 5_000).toISOString();
    const known = { ...transaction(), appliedTimestamps: { [appliedCallbackKey('lsp.example', 'M1')]: first.context['timestamp'] ?? '' } };
    await expect(verifierWith(known).verify(posted(second, otherLsp))).resolves.toMatchObject({ accepted: true, solicited: true, duplicate: false });
  });

  it('the pre-1.2.5 domain and version', async () => {
    const body = fixture('on_init.json');
    body.context['domain'] = 'nic2004:60232';
    body.context['core_version'] = '1.2.0';
    await expect(verifierWith().verify(posted(body))).resolves.toMatchObject({ accepted: true });
  });
});

describe('callback verification: refused, with the ONDC error for the reason', () => {
  it.each([
    ['no signature', posted(fixture('on_init.json'), null)],
    ['a signature by a key not registered', posted(fixture('on_init.json'), { ...lsp, keys: generateSigningKeyPair() })],
  ])('401 POLICY-ERROR 20001: %s', async (_case, incoming) => {
    const verdict = await verifierWith().verify(incoming);
    expect(verdict).toMatchObject({ accepted: false, httpStatus: 401, response: { message: { ack: { status: 'NACK' } }, error: { type: 'POLICY-ERROR', code: '20001' } } });
  });

  it('401 POLICY-ERROR 20001: a signature valid for 10 years, or for longer than the configured maximum', async () => {
    const incoming = posted(fixture('on_init.json'));
    const tenYears = createAuthorizationHeader(incoming.rawBody, { ...lsp, privateKey: lsp.keys.signingPrivateKey }, { nowMs: NOW, validitySeconds: 10 * 365 * 86_400 });
    const verdict = await verifierWith().verify({ ...incoming, headers: { authorization: tenYears } });
    expect(verdict).toMatchObject({ accepted: false, httpStatus: 401, response: { message: { ack: { status: 'NACK' } }, error: { type: 'POLICY-ERROR', code: '20001' } } });
    expect(verdict.accepted ? '' : verdict.reason).toMatch(/^signature validity window too long: valid for 315360000 s, at most 3600 s accepted/);
    const strict = new CallbackVerifier({ bapId: BAP_ID, resolveSigningKey: registry, findTransaction: () => transaction(), nowMs: () => NOW, maxSignatureValiditySeconds: 60 });
    await expect(strict.verify(incoming)).resolves.toMatchObject({ accepted: false, httpStatus: 401, response: { error: { code: '20001' } } });
  });

  it('401 POLICY-ERROR 20001: a body changed after signing', async () => {
    const incoming = posted(fixture('on_init.json'));
    const tampered = Buffer.from(incoming.rawBody.toString().replace('59.00', '95.00'));
    await expect(verifierWith().verify({ ...incoming, rawBody: tampered })).resolves.toMatchObject({ httpStatus: 401, response: { error: { code: '20001' } } });
  });

  it('401 POLICY-ERROR 20001: one partner signing a callback that names another', async () => {
    const verdict = await verifierWith().verify(posted(fixture('on_init.json'), otherLsp));
    expect(verdict).toMatchObject({ httpStatus: 401, response: { error: { code: '20001' } } });
    expect(!verdict.accepted && verdict.reason).toContain('signed by another subscriber');
  });

  it('400 JSON-SCHEMA-ERROR 63002 with the path: a callback that breaks its schema', async () => {
    const body = fixture('on_init.json') as Json & { message: { order: { quote?: unknown } } };
    delete body.message.order.quote;
    const verdict = await verifierWith().verify(posted(body));
    expect(verdict).toMatchObject({ httpStatus: 400, response: { error: { type: 'JSON-SCHEMA-ERROR', code: '63002', path: 'message.order.quote' } } });
  });

  it('400 JSON-SCHEMA-ERROR 63002: a body that is not JSON', async () => {
    const incoming = posted(fixture('on_init.json'));
    const rawBody = Buffer.from('{"context": ');
    const headers = { authorization: createAuthorizationHeader(rawBody, { ...lsp, privateKey: lsp.keys.signingPrivateKey }, { nowMs: NOW }) };
    await expect(verifierWith().verify({ ...incoming, rawBody, headers })).resolves.toMatchObject({ httpStatus: 400, response: { error: { code: '63002' } } });
  });

  it.each([
    ['addressed to another buyer', 'bap_id', 'someone-else.example'],
    ['in a domain we do not use', 'domain', 'ONDC:RET10'],
    ['of a core version we do not speak', 'core_version', '1.1.0'],
    ['posted to another action than it says', 'action', 'on_confirm'],
    ['dated in the future', 'timestamp', new Date(NOW + 120_000).toISOString()],
  ])('400 CONTEXT-ERROR 20006: a callback %s', async (_case, field, value) => {
    const body = fixture('on_init.json');
    body.context[field] = value;
    const verdict = await verifierWith().verify(posted(body, lsp, 'on_init'));
    expect(verdict).toMatchObject({ httpStatus: 400, response: { error: { type: 'CONTEXT-ERROR', code: '20006', path: `context.${field}` } } });
  });

  it('400 CONTEXT-ERROR 65003: a stale callback, too old or older than one already applied', async () => {
    const old = fixture('on_status.picked-up.json');
    old.context['timestamp'] = new Date(NOW - 3_600_000).toISOString();
    await expect(verifierWith().verify(posted(old))).resolves.toMatchObject({ httpStatus: 400, response: { error: { type: 'CONTEXT-ERROR', code: '65003' } } });
    const replayed = fixture('on_status.picked-up.json');
    const known = { ...transaction(), appliedTimestamps: { [appliedCallbackKey('lsp.example', 'U1')]: new Date(NOW).toISOString() } };
    await expect(verifierWith(known).verify(posted(replayed))).resolves.toMatchObject({ response: { error: { code: '65003' } } });
  });

  it('400 CONTEXT-ERROR 20008: a transaction we never started', async () => {
    await expect(verifierWith(null).verify(posted(fixture('on_init.json')))).resolves.toMatchObject({
      httpStatus: 400,
      response: { error: { type: 'CONTEXT-ERROR', code: '20008', path: 'context.transaction_id' } },
    });
  });

  it('400 CONTEXT-ERROR 20008: an on_init that answers no init of ours, or reuses the id of another request', async () => {
    const unpaired = fixture('on_init.json');
    unpaired.context['message_id'] = 'M-unknown';
    await expect(verifierWith().verify(posted(unpaired))).resolves.toMatchObject({ response: { error: { code: '20008', path: 'context.message_id' } } });
    const crossed = fixture('on_status.picked-up.json');
    crossed.context['message_id'] = 'M3';
    await expect(verifierWith().verify(posted(crossed))).resolves.toMatchObject({ response: { error: { code: '20008', path: 'context.message_id' } } });
  });

  it('200 POLICY-ERROR 20008: order callbacks from a partner we did not choose', async () => {
    const body = fixture('on_status.picked-up.json');
    body.context['bpp_id'] = 'other-lsp.example';
    await expect(verifierWith().verify(posted(body, otherLsp))).resolves.toMatchObject({
      httpStatus: 200,
      response: { message: { ack: { status: 'NACK' } }, error: { type: 'POLICY-ERROR', code: '20008', path: 'context.bpp_id' } },
    });
  });

  it('503 CORE-ERROR 63001 (retriable): the registry cannot be asked for the key', async () => {
    const down: PublicKeyResolver = () => Promise.reject(new RegistryUnavailableError('registry unreachable'));
    await expect(verifierWith(transaction(), down).verify(posted(fixture('on_init.json')))).resolves.toMatchObject({
      httpStatus: 503,
      response: { error: { type: 'CORE-ERROR', code: '63001' } },
    });
  });

  it('400 CONTEXT-ERROR 20006: a path that is no callback', async () => {
    await expect(verifierWith().verify(posted(fixture('on_init.json'), lsp, 'on_select'))).resolves.toMatchObject({ httpStatus: 400, response: { error: { code: '20006' } } });
  });
});
