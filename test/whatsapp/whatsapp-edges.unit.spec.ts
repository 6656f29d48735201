import {
  DEFAULT_SENDER_TUNING,
  ISSUE_ACTION_TITLES,
  MAX_BUTTON_ID,
  MAX_BUTTON_TITLE,
  MAX_INTERACTIVE_BODY,
  NOTIFYING_EVENT_TYPES,
  REDACTED_SECRET,
  SandboxSink,
  cloudApiBody,
  actionPayload,
  handshakeChallenge,
  issueActionPayload,
  issueNotificationsFor,
  judgeSendFailure,
  loadWhatsAppConfig,
  messageLimitViolation,
  metaJson,
  notificationsFor,
  parseActionPayload,
  parseIssueActionPayload,
  readWebhookDelivery,
  signWebhookBody,
  webhookDelivery,
  webhookSignatureValid,
  whatsAppNumberOf,
} from '@fulfil/whatsapp';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActiveOrder, IssueEvent, OpenedIssue, OrderEvent } from '@fulfil/domain';

describe('webhook signature (X-Hub-Signature-256)', () => {
  const secret = 'app-secret-for-tests';
  const raw = metaJson(webhookDelivery([{ from: '919876543210', id: 'wamid.1', content: { text: 'Courier: DTDC / Surface — ठीक है' } }]), { escapeNonAscii: true });

  it('matches only the bytes as sent', () => {
    expect(raw).toContain('\\/');
    expect(raw).toMatch(/\\u0920/);
    const header = signWebhookBody(Buffer.from(raw), secret);
    expect(webhookSignatureValid(Buffer.from(raw), header, secret)).toBe(true);
    expect(webhookSignatureValid(Buffer.from(JSON.stringify(JSON.parse(raw))), header, secret)).toBe(false);
    expect(webhookSignatureValid(Buffer.from(raw), header, 'other-secret-value')).toBe(false);
    expect(webhookSignatureValid(Buffer.from(raw), undefined, secret)).toBe(false);
    expect(webhookSignatureValid(undefined, header, secret)).toBe(false);
    expect(webhookSignatureValid(Buffer.from(raw), header.replace('sha256=', 'sha1='), secret)).toBe(false);
  });

  it('answers the handshake only for subscribe with the right token', () => {
    expect(handshakeChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '42' }, 'tok')).toBe('42');
    expect(handshakeChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok2', 'hub.challenge': '42' }, 'tok')).toBeUndefined();
    expect(handshakeChallenge({ 'hub.verify_token': 'tok', 'hub.challenge': '42' }, 'tok')).toBeUndefined();
  });
});

describe('webhook payload', () => {
  it('reads every entry, change, message and status, with both kinds of button', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '111' },
                messages: [
                  { from: '919800000001', id: 'w1', timestamp: '1', type: 'button', button: { payload: 'fulfil:rts:o1', text: 'Ready to Ship' } },
                  { from: '919800000001', id: 'w2', timestamp: '1', type: 'interactive', context: { id: 'wamid.x' }, interactive: { type: 'button_reply', button_reply: { id: 'fulfil:done:o1', title: 'Done' } } },
                ],
              },
            },
            { field: 'messages', value: { statuses: [{ id: 'wamid.s', status: 'failed', recipient_id: '919800000001', errors: [{ code: 131047, title: 'Re-engagement message' }] }] } },
          ],
        },
        { id: '2', changes: [{ field: 'messages', value: { messages: [{ from: '919800000002', id: 'w3', type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }, { from: '919800000002', id: 'w4', type: 'sticker', sticker: {} }] } }] },
      ],
    };
    const delivery = readWebhookDelivery(JSON.parse(metaJson(body)));
    expect(delivery.messages.map((m) => [m.id, m.content])).toEqual([
      ['w1', { kind: 'button', payload: 'fulfil:rts:o1', title: 'Ready to Ship' }],
      ['w2', { kind: 'button', payload: 'fulfil:done:o1', title: 'Done' }],
      ['w3', { kind: 'image', mediaId: 'media-1', mimeType: 'image/jpeg' }],
      ['w4', { kind: 'unsupported', type: 'sticker' }],
    ]);
    expect(delivery.statuses).toEqual([{ messageId: 'wamid.s', status: 'failed', recipient: '919800000001', timestamp: '', errors: [{ code: 131047, title: 'Re-engagement message' }] }]);
  });

  it('reads nothing from other objects or malformed items', () => {
    expect(readWebhookDelivery({ object: 'page', entry: [] })).toEqual({ messages: [], statuses: [] });
    expect(readWebhookDelivery({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [{ id: 'no-sender' }, 'x'] } }] }] })).toEqual({ messages: [], statuses: [] });
  });
});

describe('outgoing messages', () => {
  it('keeps to the interactive limits: 3 buttons, unique titles of at most 20 characters', () => {
    const to = '919876543210';
    expect(messageLimitViolation({ type: 'buttons', to, body: 'ok', buttons: [{ id: 'a', title: 'Ready to Ship' }] })).toBeUndefined();
    expect(messageLimitViolation({ type: 'buttons', to, body: 'ok', buttons: [{ id: 'a', title: 'A title longer than twenty' }] })).toMatch(/title/);
    expect(messageLimitViolation({ type: 'buttons', to, body: 'ok', buttons: [{ id: 'a', title: 'x' }, { id: 'b', title: 'x' }] })).toMatch(/unique/);
    const four = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id }));
    expect(messageLimitViolation({ type: 'buttons', to, body: 'ok', buttons: four })).toMatch(/1 to 3/);
    expect(messageLimitViolation({ type: 'text', to: '+91 98', body: 'x' })).toMatch(/recipient/);
  });

  it('builds the Cloud API bodies', () => {
    expect(cloudApiBody({ type: 'document', to: '919876543210', mediaId: 'm1', filename: 'invoice.pdf', caption: 'Invoice' })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: 'document',
      document: { id: 'm1', filename: 'invoice.pdf', caption: 'Invoice' },
    });
    const template = cloudApiBody({ type: 'template', to: '919876543210', name: 'new_order_alert', language: 'en', bodyParameters: ['o1'], quickReplies: [{ text: 'Ready to Ship', payload: 'fulfil:rts:o1' }] });
    expect(template['template']).toMatchObject({ components: [{ type: 'body' }, { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'fulfil:rts:o1' }] }] });
  });
});

describe('send failures', () => {
  const tuning = { ...DEFAULT_SENDER_TUNING, maxAttempts: 3 };
  it('reports re-engagement and undeliverable for good', () => {
    expect(judgeSendFailure(131047, 400, 1, tuning)).toMatchObject({ final: true, reason: expect.stringContaining('re-engagement') });
    expect(judgeSendFailure(131026, 400, 1, tuning)).toEqual({ final: true, reason: 'undeliverable' });
    expect(judgeSendFailure(100, 400, 1, tuning)).toMatchObject({ final: true });
  });
  it('retries rate limits and outages with growing backoff, then gives up', () => {
    expect(judgeSendFailure(130429, 400, 1, tuning)).toEqual({ final: false, retryInMs: 1000, reason: 'rate limited (error 130429)' });
    expect(judgeSendFailure(131056, 400, 2, tuning)).toMatchObject({ final: false, retryInMs: 2000 });
    expect(judgeSendFailure(undefined, undefined, 1, tuning)).toMatchObject({ final: false });
    expect(judgeSendFailure(undefined, 503, 1, tuning)).toMatchObject({ final: false });
    expect(judgeSendFailure(130429, 400, 3, tuning)).toMatchObject({ final: true, reason: expect.stringContaining('gave up after 3') });
  });
});

describe('order notifications', () => {
  const order = {
    status: 'active',
    orderId: 'o1',
    sellerId: 's1',
    buyer: { name: 'Asha', phone: '9123456780' },
    shipments: [{ shipmentId: 'sh1', mode: 'off-network', status: 'shipped' }],
    invoice: { current: { invoiceNumber: 'INV/00007' } },
  } as unknown as ActiveOrder;
  const ctx = { sellerNumber: '919876543210', defaultCountryCode: '91' };

  it('sends the buyer the OTP by reference only: the plan carries the sequence, never the OTP', () => {
    const event = { type: 'DeliveryOtpIssued', data: { orderId: 'o1', shipmentId: 'sh1', otpSequence: 1, issuedAt: '', expiresAt: '' } } as OrderEvent;
    expect(notificationsFor('e1', event, order, ctx)).toEqual([{ key: 'e1:0', to: '919123456780', purpose: 'delivery-otp', message: { kind: 'delivery-otp', orderId: 'o1', shipmentId: 'sh1', otpSequence: 1 } }]);
  });

  it('sends the invoice before the label when the first label exists', () => {
    const event = { type: 'ShippingLabelGenerated', data: { orderId: 'o1', shipmentId: 'sh1', labelVersion: 1, generatedAt: '' } } as OrderEvent;
    expect(notificationsFor('e2', event, order, ctx).map((n) => [n.key, n.message.kind])).toEqual([
      ['e2:0', 'invoice-document'],
      ['e2:1', 'label-document'],
    ]);
  });

  it('sends a label reissued with a late AWB while the parcel awaits pickup, and not once it is gone', () => {
    const event = { type: 'ShippingLabelGenerated', data: { orderId: 'o1', shipmentId: 'sh1', labelVersion: 2, awb: '12345678901234', generatedAt: '' } } as OrderEvent;
    const withShipment = (status: string) => ({ ...order, shipments: [{ shipmentId: 'sh1', mode: 'on-network', status }] }) as unknown as ActiveOrder;
    expect(notificationsFor('e4', event, withShipment('agent_assigned'), ctx).map((n) => n.message)).toEqual([
      { kind: 'label-document', orderId: 'o1', shipmentId: 'sh1', caption: 'Shipping label for order o1 (AWB 12345678901234)' },
    ]);
    expect(notificationsFor('e4', event, withShipment('delivered'), ctx)).toEqual([]);
  });

  it('tells the seller when a cancellation could not be made to land at the partner', () => {
    const event = {
      type: 'PartnerCancellationFailed',
      data: { orderId: 'o1', shipmentId: 'sh1', partnerId: 'lsp', partnerName: 'Swift Logistics', attempts: 6, reason: 'NACK POLICY-ERROR 60007', failedAt: '' },
    } as OrderEvent;
    const [told] = notificationsFor('e5', event, order, ctx);
    expect(told).toMatchObject({ key: 'e5:0', to: '919876543210', purpose: 'partner-cancellation-failed', message: { kind: 'text' } });
    expect(told?.message.kind === 'text' && told.message.body).toMatch(/^Order o1: Swift Logistics did not take your cancellation of shipment sh1 after 6 tries \(NACK POLICY-ERROR 60007\)\. .*keep it back/);
  });

  it('tells the seller when the partner settles other COD than was due or does not agree, and nothing when it settles as claimed', () => {
    const common = { orderId: 'o1', shipmentId: 'sh1', partnerId: 'lsp', partnerName: 'Swift Logistics' };
    const mismatch = { type: 'CodSettlementMismatched', data: { ...common, claimedPaise: 512_345, partnerPaise: 500_000, accord: false, reportedAt: '' } } as OrderEvent;
    const [told, ...more] = notificationsFor('e6', mismatch, order, ctx);
    expect(more).toEqual([]);
    expect(told).toEqual({
      key: 'e6:0',
      to: '919876543210',
      purpose: 'cod-settlement-mismatched',
      message: {
        kind: 'text',
        body: 'Order o1: Swift Logistics settles ₹5,000.00 for the cash it collected on shipment sh1, not the ₹5,123.45 due. Raise it with the partner before the next settlement.',
      },
    });
    expect(notificationsFor('e6', mismatch, order, { ...ctx, sellerNumber: undefined })).toEqual([]);
    const unagreed = { type: 'CodSettlementMismatched', data: { ...common, claimedPaise: 512_345, partnerPaise: 512_345, accord: false, reportedAt: '' } } as OrderEvent;
    expect(notificationsFor('e8', unagreed, order, ctx)[0]?.message).toEqual({
      kind: 'text',
      body: 'Order o1: Swift Logistics does not agree to settle the ₹5,123.45 due for the cash it collected on shipment sh1. Raise it with the partner before the next settlement.',
    });
    const reconciled = { type: 'CodSettlementReconciled', data: { ...common, amountPaise: 512_345, status: 'settled', settlementRef: 'UTR1', reconciledAt: '' } } as OrderEvent;
    expect(notificationsFor('e7', reconciled, order, ctx)).toEqual([]);
    expect(NOTIFYING_EVENT_TYPES).toContain('CodSettlementMismatched');
    expect(NOTIFYING_EVENT_TYPES).not.toContain('CodSettlementReconciled');
  });

  it('sends sellers nothing without a WhatsApp number', () => {
    const event = { type: 'OrderReceived', data: { orderId: 'o1', totalPaise: 100, paymentMethod: 'cod' } } as unknown as OrderEvent;
    expect(notificationsFor('e3', event, order, { ...ctx, sellerNumber: undefined })).toEqual([]);
    expect(notificationsFor('e3', event, order, ctx)[0]?.message).toMatchObject({ kind: 'order-template', amount: '₹1.00', payment: 'Cash on delivery' });
  });

  it('normalises buyer phone numbers', () => {
    expect(whatsAppNumberOf('+91 91234 56780', '91')).toBe('919123456780');
    expect(whatsAppNumberOf('09123456780', '91')).toBe('919123456780');
    expect(whatsAppNumberOf('12', '91')).toBeUndefined();
  });
});

describe('issue buttons', () => {
  const issue = { sellerId: 'seller_a-1', issueId: 'iss_0123456789abcdef0123' };

  it('reads back the issue it was written for, and only issue payloads', () => {
    expect(issueActionPayload('accept_resolution', issue)).toBe('fulfil:iok:seller_a-1:iss_0123456789abcdef0123');
    expect(issueActionPayload('escalate', issue)).toBe('fulfil:iup:seller_a-1:iss_0123456789abcdef0123');
    expect(parseIssueActionPayload(issueActionPayload('accept_resolution', issue))).toEqual({ action: 'accept_resolution', ...issue });
    expect(parseIssueActionPayload(issueActionPayload('escalate', issue))).toEqual({ action: 'escalate', ...issue });
    expect(parseIssueActionPayload('fulfil:iok:seller-a:../../x')).toBeUndefined();
    expect(parseIssueActionPayload('fulfil:iok:iss_1')).toBeUndefined();
    expect(parseIssueActionPayload('fulfil:nope:seller-a:iss_1')).toBeUndefined();
  });

  it('never mistakes an issue button for an order button, nor the reverse', () => {
    expect(parseActionPayload(issueActionPayload('accept_resolution', issue))).toBeUndefined();
    expect(parseActionPayload(issueActionPayload('escalate', issue))).toBeUndefined();
    for (const action of ['ready_to_ship', 'mark_shipped', 'retry_search', 'cancel_shipment'] as const) {
      expect(parseIssueActionPayload(actionPayload(action, { sellerId: issue.sellerId, orderId: issue.issueId }))).toBeUndefined();
    }
  });

  it("fits Meta's limits with the longest ids", () => {
    const longest = { sellerId: 's'.repeat(64), issueId: 'i'.repeat(64) };
    expect(issueActionPayload('accept_resolution', longest).length).toBeLessThanOrEqual(MAX_BUTTON_ID);
    expect(parseIssueActionPayload(issueActionPayload('escalate', longest))).toEqual({ action: 'escalate', ...longest });
    for (const title of Object.values(ISSUE_ACTION_TITLES)) expect([...title].length).toBeLessThanOrEqual(MAX_BUTTON_TITLE);
  });
});

describe('issue notifications', () => {
  const issue = { status: 'resolution_proposed', issueId: 'iss_1', sellerId: 's1', orderId: 'o1', kind: 'damaged', partnerName: 'Shadowfax' } as unknown as OpenedIssue;
  const ctx = { sellerNumber: '919876543210', defaultCountryCode: '91' };
  const proposed = (level: 'issue' | 'grievance', text = 'Refund of the parcel value'): IssueEvent => ({
    type: 'IssuePartnerResponded',
    data: { issueId: 'iss_1', actionId: 'L3', response: 'resolution_proposed', text: 'proposed', level, resolution: { resolutionId: 'R1', kind: 'refund', text, refundPaise: 45_000 }, respondedAt: '' },
  });

  it('offers Accept offer and Escalate on a proposal, each naming the issue', () => {
    const [told, ...more] = issueNotificationsFor('e1', proposed('issue'), issue, ctx);
    expect(more).toEqual([]);
    expect(told).toEqual({
      key: 'e1:0',
      to: '919876543210',
      purpose: 'issue-resolution-proposed',
      message: {
        kind: 'buttons',
        body: 'Order o1, your issue about a damaged parcel (iss_1): Shadowfax proposes Refund of the parcel value (₹450.00). Tap Accept offer to take it, or Escalate if it falls short; the console and the API work too.',
        buttons: [
          { id: 'fulfil:iok:s1:iss_1', title: 'Accept offer' },
          { id: 'fulfil:iup:s1:iss_1', title: 'Escalate' },
        ],
      },
    });
  });

  it('offers only Accept offer on a grievance: it cannot be escalated again', () => {
    const [told] = issueNotificationsFor('e2', proposed('grievance'), { ...issue, level: 'grievance' }, ctx);
    expect(told?.message).toEqual({
      kind: 'buttons',
      body: "Order o1, your issue about a damaged parcel (iss_1): Shadowfax's grievance officer proposes Refund of the parcel value (₹450.00). Tap Accept offer to take it, or use the console or the API.",
      buttons: [{ id: 'fulfil:iok:s1:iss_1', title: 'Accept offer' }],
    });
  });

  it("shortens a long offer to fit Meta's button body, keeping what to do", () => {
    const [told] = issueNotificationsFor('e3', proposed('issue', 'क'.repeat(2000)), issue, ctx);
    const body = told?.message.kind === 'buttons' ? told.message.body : '';
    expect(body.length).toBeLessThanOrEqual(MAX_INTERACTIVE_BODY);
    expect(body).toMatch(/क…\. Tap Accept offer to take it, or Escalate if it falls short; the console and the API work too\.$/);
  });

  it('sends nothing to a seller without a WhatsApp number, and keeps other answers plain text', () => {
    expect(issueNotificationsFor('e4', proposed('issue'), issue, { ...ctx, sellerNumber: undefined })).toEqual([]);
    const asked: IssueEvent = { type: 'IssuePartnerResponded', data: { issueId: 'iss_1', actionId: 'L2', response: 'info_requested', text: 'Send a photo of the box', level: 'issue', respondedAt: '' } };
    expect(issueNotificationsFor('e5', asked, issue, ctx)[0]?.message).toMatchObject({ kind: 'text' });
  });

  it('tells the seller of an escalation the adapter made when the partner let its time pass, and not of their own', () => {
    const escalated: IssueEvent = { type: 'IssueEscalated', data: { issueId: 'iss_1', actionId: 'A2', reason: 'Escalated automatically: Shadowfax did not respond within PT2H', escalatedAt: '' } };
    expect(issueNotificationsFor('e6', escalated, issue, { ...ctx, actorType: 'ondc-logistics' })).toEqual([
      {
        key: 'e6:0',
        to: '919876543210',
        purpose: 'issue-escalated',
        message: {
          kind: 'text',
          body: "Order o1, your issue about a damaged parcel (iss_1): Shadowfax did not answer in time, so it is now with Shadowfax's grievance officer (Escalated automatically: Shadowfax did not respond within PT2H).",
        },
      },
    ]);
    expect(issueNotificationsFor('e7', escalated, issue, { ...ctx, actorType: 'seller' })).toEqual([]);
  });
});

describe('WhatsApp configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wa-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the sandbox with generated secrets that stay the same across starts', () => {
    const first = loadWhatsAppConfig({}, dir);
    expect(first.channel).toEqual({ kind: 'sandbox', directory: join(dir, 'whatsapp-sandbox'), redactSecrets: false });
    expect(loadWhatsAppConfig({}, dir)).toMatchObject({ appSecret: first.appSecret, verifyToken: first.verifyToken });
  });

  it('outside the embedded default, fails closed: the sandbox only by name, and then it keeps no secret', () => {
    const production = { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x' };
    expect(() => loadWhatsAppConfig(production, dir)).toThrow('Invalid configuration: WHATSAPP_ACCESS_TOKEN is required outside the embedded default');
    expect(() => loadWhatsAppConfig({ WHATSAPP_MODE: 'Sandbox' }, dir)).toThrow('Invalid configuration: WHATSAPP_MODE must be one of cloud, sandbox (got "Sandbox")');
    expect(() => loadWhatsAppConfig({ WHATSAPP_MODE: 'cloud' }, dir)).toThrow('Invalid configuration: WHATSAPP_ACCESS_TOKEN is required when WHATSAPP_MODE=cloud');
    expect(loadWhatsAppConfig({ ...production, WHATSAPP_MODE: 'sandbox' }, dir).channel).toEqual({ kind: 'sandbox', directory: join(dir, 'whatsapp-sandbox'), redactSecrets: true });
    expect(loadWhatsAppConfig({ WHATSAPP_MODE: 'sandbox', WHATSAPP_ACCESS_TOKEN: 'token' }, dir).channel.kind).toBe('sandbox');
  });

  it('a redacting sandbox sink masks the secret parameters in its file and its listing, and only those', async () => {
    const sinkDir = mkdtempSync(join(tmpdir(), 'wa-sink-'));
    try {
      const otpMessage = { type: 'template' as const, to: '919123456780', name: 'delivery_otp', language: 'en', bodyParameters: ['482913', 'ord-1'], quickReplies: [], secretParameters: [0] };
      const sink = new SandboxSink(sinkDir, { redactSecrets: true });
      await sink.send(otpMessage);
      await sink.send({ type: 'text', to: '919123456780', body: 'hello 482913' });
      expect(sink.list().map((m) => m.message)).toEqual([{ type: 'text', to: '919123456780', body: 'hello 482913' }, { ...otpMessage, bodyParameters: [REDACTED_SECRET, 'ord-1'] }]);
      expect(readFileSync(join(sinkDir, 'outbox.jsonl'), 'utf8').split('\n')[0]).not.toContain('482913');
      await new SandboxSink(sinkDir, { redactSecrets: false }).send(otpMessage);
      expect(new SandboxSink(sinkDir, { redactSecrets: false }).list()[0]!.message).toMatchObject({ bodyParameters: ['482913', 'ord-1'] });
    } finally {
      rmSync(sinkDir, { recursive: true, force: true });
    }
  });

  it('names the one variable that is missing or wrong', () => {
    expect(() => loadWhatsAppConfig({ WHATSAPP_ACCESS_TOKEN: 'token' }, dir)).toThrow('Invalid configuration: WHATSAPP_PHONE_NUMBER_ID is required when WHATSAPP_ACCESS_TOKEN is set');
    expect(() => loadWhatsAppConfig({ WHATSAPP_GRAPH_API_VERSION: '21' }, dir)).toThrow(/WHATSAPP_GRAPH_API_VERSION/);
    const cloud = loadWhatsAppConfig(
      { WHATSAPP_ACCESS_TOKEN: 'token', WHATSAPP_PHONE_NUMBER_ID: '1234567890', WHATSAPP_APP_SECRET: 'a'.repeat(32), WHATSAPP_VERIFY_TOKEN: 'verify', WHATSAPP_GRAPH_API_VERSION: 'v22.0' },
      dir,
    );
    expect(cloud.channel).toMatchObject({ kind: 'cloud', graphApiVersion: 'v22.0', phoneNumberId: '1234567890' });
    expect(cloud.sender.pairIntervalMs).toBe(1000);
  });
});
