import { strFromU8, unzipSync } from 'fflate';
import { verifyAuthorization } from '@fulfil/ondc';
import type { Response } from 'supertest';
import { AdapterHarness, PlacedShipment } from './support/adapter-harness';

interface IndexEntry {
  file: string;
  direction: 'sent' | 'received';
  action: string;
  messageId: string;
  peer: string;
  digest: string;
  authorization?: string;
  answer?: { file: string; httpStatus: number };
}

/** Supertest hands binary bodies back as a Buffer only when asked to collect them. */
const collectBytes = (res: Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('ONDC transaction log export: every message of an order as it went on the wire', () => {
  let harness: AdapterHarness;
  let placed: PlacedShipment;
  let transactionId: string;
  let ownerKey: string;

  beforeAll(async () => {
    harness = await AdapterHarness.start({ participants: ['cheap-slow', 'fast-dear'], stepMs: 3_600_000 });
    const { sellerId, apiKey } = await harness.newSeller();
    ownerKey = apiKey;
    placed = await harness.placeOnNetworkOrder(sellerId);
    await harness.statusReaches(placed, 'partner_assigned');
    await harness.driver.idle();
    const onConfirm = (await harness.conversationEvents(placed.shipmentId)).find((e) => e.type === 'CallbackReceived' && e.data['action'] === 'on_confirm');
    transactionId = onConfirm?.data['transactionId'] as string;
  });
  afterAll(async () => harness.close());

  const exportLog = (id: string, key?: string) => {
    const call = harness.http().get(`/v1/admin/ondc/transactions/${encodeURIComponent(id)}/log`);
    return (key ? call.set('authorization', `Bearer ${key}`) : call).buffer(true).parse(collectBytes);
  };

  it('answers the platform key with a zip: one bare body per message, each the exact bytes its signature signs', async () => {
    const response = await exportLog(transactionId, harness.platformKey);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(response.body as Buffer));
    const index = JSON.parse(strFromU8(files[`${transactionId}/index.json`]!)) as { transactionId: string; messages: IndexEntry[] };
    expect(index.transactionId).toBe(transactionId);
    const flow = index.messages.map((m) => `${m.direction} ${m.action}`);
    expect(flow).toEqual(expect.arrayContaining(['sent search', 'received on_search', 'sent init', 'received on_init', 'sent confirm', 'received on_confirm']));
    expect(flow.indexOf('sent search')).toBe(0);
    expect(flow.indexOf('sent confirm')).toBeLessThan(flow.indexOf('received on_confirm'));
    // Nothing but the bodies in messages/: the folder ONDC's log checks are pointed at.
    const messageFiles = Object.keys(files).filter((name) => name.startsWith(`${transactionId}/messages/`));
    expect(messageFiles).toHaveLength(index.messages.length);

    const events = await harness.conversationEvents(placed.shipmentId);
    const keyOf = (subscriberId: string): string => {
      if (subscriberId === harness.config.identity.subscriberId) return harness.config.identity.signingPublicKey;
      const partner = [...harness.network.partners.values()].find((p) => p.subscriberId === subscriberId);
      if (!partner) throw new Error(`no key for ${subscriberId}`);
      return partner.keys.signingPublicKey;
    };
    for (const entry of index.messages) {
      const bytes = Buffer.from(files[`${transactionId}/${entry.file}`]!);
      expect(entry.file).toMatch(new RegExp(`^messages/\\d{3}_${placed.orderId}_${entry.direction}_${entry.action}_${entry.messageId}_[0-9T.Z-]+\\.json$`));
      // The signature that went with the message verifies over the stored bytes: they are the bytes on the wire.
      const verified = await verifyAuthorization(bytes, entry.authorization, (keyId) => keyOf(keyId.subscriberId), { nowMs: Date.now() });
      expect({ file: entry.file, ok: verified.ok }).toEqual({ file: entry.file, ok: true });
      // And they say what the conversation recorded (partners all answer a search with its message id, so the partner tells them apart).
      const recordedBodies = events.map((e) => (e.data['message'] ?? e.data['body']) as { context: { action: string; message_id: string; bpp_id?: string } } | undefined);
      const recorded = recordedBodies.find((body) => body?.context.message_id === entry.messageId && body.context.action === entry.action && (entry.direction === 'sent' || body.context.bpp_id === entry.peer));
      expect(recorded).toEqual(JSON.parse(bytes.toString('utf8')));
      // Each has its synchronous answer beside it: an ACK (or the partner's NACK) for ours, our ACK for theirs.
      expect(entry.answer?.httpStatus).toBeDefined();
      const answer = JSON.parse(strFromU8(files[`${transactionId}/${entry.answer!.file}`]!)) as { message: { ack: { status: string } } };
      expect(['ACK', 'NACK']).toContain(answer.message.ack.status);
    }
  });

  it("is refused to another seller, to the order's own seller and to a caller without a key; an unknown transaction is not found", async () => {
    const other = await harness.newSeller();
    expect((await exportLog(transactionId, other.apiKey)).status).toBe(401);
    expect((await exportLog(transactionId, ownerKey)).status).toBe(401);
    expect((await exportLog(transactionId)).status).toBe(401);
    expect((await exportLog('no-such-transaction', harness.platformKey)).status).toBe(404);
  });
});
