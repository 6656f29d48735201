import { randomBytes, randomUUID } from 'node:crypto';
import { OndcTransactionLog, type LoggedMessage } from '@fulfil/ondc';
import { openReadModelsDatabase, type SqlDatabase } from '@fulfil/read-models';

/** PGlite always; PostgreSQL too when DATABASE_URL is set. Each run its own schema, so runs never share rows. */
const databaseUrl = process.env['DATABASE_URL'];
const databases: Array<[string, () => Promise<SqlDatabase>]> = [
  ['PGlite', () => openReadModelsDatabase({ kind: 'embedded' })],
  ...(databaseUrl ? [['PostgreSQL', () => openReadModelsDatabase({ kind: 'postgres', databaseUrl })] as [string, () => Promise<SqlDatabase>]] : []),
];

const message = (overrides: Partial<LoggedMessage> = {}): LoggedMessage => ({
  transactionId: randomUUID(),
  direction: 'received',
  action: 'on_status',
  messageId: randomUUID(),
  timestamp: '2026-05-01T10:00:00.123Z',
  sellerId: 'sel_1',
  orderId: 'ORD-1',
  shipmentId: 'shp_1',
  peer: 'lsp.example',
  // Not valid UTF-8 and not canonical JSON: only a byte store keeps these as they are.
  body: Buffer.concat([Buffer.from('{"context":{"b":1,  "a":"\\u00e9"}}'), Buffer.from([0xff, 0x00, 0xfe])]),
  authorization: 'Signature keyId="lsp.example|k1|ed25519",signature="c2ln"',
  ...overrides,
});

const ack = { httpStatus: 200, body: Buffer.from('{"message":{"ack":{"status":"ACK"}}}') };

describe.each(databases)('ONDC transaction log on %s', (_name, open) => {
  let db: SqlDatabase;
  let log: OndcTransactionLog;

  beforeAll(async () => {
    db = await open();
    log = new OndcTransactionLog(() => ({ db, schema: `txlog_${randomBytes(4).toString('hex')}` }));
  });
  afterAll(async () => db?.close());

  it('gives back the exact bytes of a message received, with its signature and our answer', async () => {
    const received = message();
    await log.received(received, ack);

    const [entry, ...more] = await log.messagesOf(received.transactionId);

    expect(more).toEqual([]);
    expect(entry?.body.equals(received.body)).toBe(true);
    expect(entry).toMatchObject({ direction: 'received', action: 'on_status', messageId: received.messageId, timestamp: received.timestamp, orderId: 'ORD-1', peer: 'lsp.example', authorization: received.authorization });
    expect(entry?.answer?.httpStatus).toBe(200);
    expect(entry?.answer?.body.equals(ack.body)).toBe(true);
  });

  it('keeps a byte-identical repeat once, and a repeat with other bytes beside it', async () => {
    const first = message();
    await log.received(first, ack);
    await log.received(first, ack);
    await log.received({ ...first, body: Buffer.from('{"context":{"a":"é","b":1}}') }, ack);
    expect((await log.messagesOf(first.transactionId)).map((e) => e.body.toString('utf8'))).toEqual([first.body.toString('utf8'), '{"context":{"a":"é","b":1}}']);
  });

  it('logs a request before it leaves, then the answer and the signature it went with; a transaction reads back in order', async () => {
    const transactionId = randomUUID();
    const received = message({ transactionId });
    await log.received(received, ack);
    const sent = message({ transactionId, direction: 'sent', action: 'status', peer: 'http://lsp.example/ondc/status', body: Buffer.from('{"context":{"action":"status"}}') });
    delete sent.authorization;
    const seq = await log.sent(sent);
    expect((await log.messagesOf(transactionId))[1]).not.toHaveProperty('answer');

    const nack = { httpStatus: 400, body: Buffer.from('{"message":{"ack":{"status":"NACK"}},"error":{"type":"CONTEXT-ERROR","code":"66002"}}') };
    await log.answered(seq, nack, 'Signature keyId="engine|k|ed25519"');
    expect(await log.sent(sent)).toBe(seq);

    const entries = await log.messagesOf(transactionId);
    expect(entries.map((e) => `${e.direction} ${e.action}`)).toEqual(['received on_status', 'sent status']);
    expect(entries[1]).toMatchObject({ authorization: 'Signature keyId="engine|k|ed25519"', answer: { httpStatus: 400 } });
    expect(entries[1]?.answer?.body.equals(nack.body)).toBe(true);
    expect(await log.messagesOf(randomUUID())).toEqual([]);
  });
});
