import { createHash } from 'node:crypto';
import { issueDecider, loadStream, orderDecider, type CommandMeta } from '@fulfil/commands';
import {
  DomainError,
  issueStream,
  orderStream,
  type Actor,
  type IssueCommandOf,
  type IssueEvent,
  type IssueState,
  type OpenedIssue,
  type OrderEvent,
  type OrderState,
  type RegisteredSeller,
  type StoredImage,
} from '@fulfil/domain';
import { StreamRevisionConflictError, newEventId, type EventStore, type JsonObject } from '@fulfil/event-store';
import { WhatsAppApiError, type WhatsAppApi } from '../cloud-api/whatsapp-api';
import { outboxIdFor, type PlannedMessage } from '../outbox/outbox-message';
import { queueMessage, recordDeliveryStatus } from '../outbox/whatsapp-outbox';
import { mask, type SenderLogger } from '../outbox/whatsapp-sender';
import type { WhatsAppSenderTuning } from '../whatsapp-config';
import { whatsAppMetadata } from '../whatsapp-metadata';
import type { InboundMessage, WebhookDelivery } from '../webhook/webhook-payload';
import {
  conversationStream,
  decideConversation,
  evolveConversation,
  expectsPhoto,
  initialConversation,
  orderFactsOf,
  replyButton,
  type CommandResult,
  type ConversationCommand,
  type ConversationEvent,
  type ConversationState,
  type Reply,
  type SellerInput,
} from './order-conversation';
import { parseActionPayload, parseIssueActionPayload, type IssueRef, type SellerIssueAction } from './seller-actions';

/** The issue commands a seller's tap can send: their answer to the partner's proposed resolution. */
export type IssueTapCommand = IssueCommandOf<'AcceptIssueResolution'> | IssueCommandOf<'EscalateIssue'>;

export interface WhatsAppInboxDeps {
  store: EventStore;
  api: WhatsAppApi;
  findSeller: (sellerId: string) => Promise<RegisteredSeller | undefined>;
  /** Sends the order command; a refusal is thrown as a DomainError. */
  execute: (command: ConversationCommand, scope: { sellerId: string; orderId: string }, meta: CommandMeta) => Promise<unknown>;
  /** Sends the issue command; a refusal is thrown as a DomainError. */
  executeIssue: (command: IssueTapCommand, meta: CommandMeta) => Promise<unknown>;
  /** Stores an image like an API upload; throws when the bytes are not an image we accept. */
  saveImage: (content: Buffer) => Promise<StoredImage>;
  tuning: WhatsAppSenderTuning;
  logger: SenderLogger;
  clock?: () => Date;
  /** Our business number's id: messages to other numbers of the same Meta app are not ours to act on. */
  phoneNumberId?: string;
}

export interface DeliveryReport {
  handled: number;
  duplicates: number;
  statuses: number;
  /** Messages to another business number. */
  ignored: number;
}

const digest = (value: string, length = 40): string => createHash('sha256').update(value).digest('hex').slice(0, length);
/** One stream per inbound message id: a claim while it is handled, then the record that it was, so a redelivery is recognised. */
const inboundStream = (messageId: string): string => `whatsapp-inbound-${digest(messageId)}`;
/** The order a sender's plain texts and photos go to: the one they last tapped a button for. */
const senderStream = (number: string): string => `whatsapp-sender-${number}`;

/**
 * A number a delivery OTP could be: 4 to 8 digits, spaces allowed (as the conversation reads an
 * OTP), standing apart. Longer numbers and parts of a tracking number (`DL-2024/88812`) stay.
 */
const CODE_LIKE = /(?<![\p{L}\p{N}/_-])[0-9](?:\s*[0-9]){3,7}(?![\p{L}\p{N}/_-])/gu;

/** A received text as kept for the order's story: the buyer's OTP a seller sends must not be stored or shown. */
export const withoutCodes = (text: string): string => text.replace(CODE_LIKE, '••••');

/** What a received message said, as kept beside its outcome. */
function receivedText(content: InboundMessage['content']): string | undefined {
  switch (content.kind) {
    case 'text':
      return withoutCodes(content.text.trim());
    case 'button':
      return `Tapped ${content.title}`;
    case 'image':
      return 'A photo';
    default:
      return undefined;
  }
}

const MAX_ATTEMPTS = 5;
const WEBHOOK_ACTOR: Actor = { type: 'system', id: 'whatsapp-webhook' };
const REPLY_ACTOR: Actor = { type: 'system', id: 'whatsapp-conversation' };
/** How long a claim on an inbound message keeps other processes off it: longer than handling one takes. */
const CLAIM_LEASE_MS = 30_000;

const NO_CONVERSATION =
  'There is no order conversation open on this number. Tap Ready to Ship or Mark as Shipped on an order message to start. If you expected order messages here, check the WhatsApp number in your seller settings.';
const NOT_YOURS = (orderId: string) => `We could not find order ${orderId} for this WhatsApp number.`;
const NOT_YOUR_ISSUE = (issueId: string) => `We could not find issue ${issueId} for this WhatsApp number.`;
/** The escalation's reason as the partner's grievance officer reads it: a tap carries no words of the seller's. */
const ESCALATION_REASON = 'The seller escalated the offer on WhatsApp: it falls short';

interface Scope {
  sellerId: string;
  orderId: string;
}

/**
 * Acts on webhook deliveries: every message of every change of every entry, each once. A message
 * may act only on an order (or issue) whose seller has the sender's number as their WhatsApp number
 * now: a button carries an order or issue id, and plain texts and photos go to the order the sender
 * last tapped.
 */
export class WhatsAppInbox {
  /** Messages of one sender are handled one after another, as their conversation is a sequence. */
  private readonly senderQueues = new Map<string, Promise<unknown>>();
  private readonly clock: () => Date;

  constructor(private readonly deps: WhatsAppInboxDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async receive(delivery: WebhookDelivery): Promise<DeliveryReport> {
    const ours = delivery.messages.filter((m) => this.deps.phoneNumberId === undefined || m.phoneNumberId === this.deps.phoneNumberId);
    const report: DeliveryReport = { handled: 0, duplicates: 0, statuses: 0, ignored: delivery.messages.length - ours.length };
    const results = await Promise.all(ours.map((message) => this.serialised(message.from, () => this.handleOnce(message))));
    for (const fresh of results) {
      if (fresh) report.handled++;
      else report.duplicates++;
    }
    for (const status of delivery.statuses) {
      if ((await recordDeliveryStatus(this.deps.store, status, this.deps.tuning, this.clock())) === 'recorded') report.statuses++;
    }
    return report;
  }

  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.senderQueues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.senderQueues.set(key, next);
    void next.catch(() => undefined).finally(() => {
      if (this.senderQueues.get(key) === next) this.senderQueues.delete(key);
    });
    return next;
  }

  /**
   * False for a message already handled, or being handled by another process. Meta may deliver one
   * message to two instances at once: each claims it in its stream first, and the store lets one
   * claim win. A claim older than its lease was left by a process that died mid-way; Meta's retry
   * then takes it over.
   */
  private async handleOnce(message: InboundMessage): Promise<boolean> {
    const stream = inboundStream(message.id);
    for (;;) {
      const events = await this.deps.store.readStream(stream);
      const last = events[events.length - 1];
      if (events.some((e) => e.type === 'WhatsAppMessageHandled')) return false;
      if (last && this.clock().getTime() - Date.parse(String(last.data['claimedAt'])) < CLAIM_LEASE_MS) return false;
      try {
        await this.deps.store.append(
          stream,
          [{ id: newEventId(), type: 'WhatsAppMessageClaimed', data: { messageId: message.id, claimedAt: this.clock().toISOString() }, metadata: this.metadata(message) }],
          { expectedRevision: last ? last.revision : 'no_stream' },
        );
        break;
      } catch (error) {
        if (!(error instanceof StreamRevisionConflictError)) throw error;
      }
    }
    const { outcome, scope } = await this.handle(message);
    const text = receivedText(message.content);
    // The order it was about, so the order's story can show it (the whatsapp_messages read model).
    const about = scope ? { sellerId: scope.sellerId, orderId: scope.orderId, ...(text !== undefined ? { text } : {}) } : {};
    await this.deps.store.append(
      stream,
      [{ id: newEventId(), type: 'WhatsAppMessageHandled', data: { messageId: message.id, from: message.from, kind: message.content.kind, outcome, handledAt: this.clock().toISOString(), ...about }, metadata: this.metadata(message) }],
      { expectedRevision: 'any' },
    );
    return true;
  }

  /** The outcome, and the order the message was about when its sender is that order's seller. */
  private async handle(message: InboundMessage): Promise<{ outcome: string; scope?: Scope }> {
    const content = message.content;
    let scope: Scope | undefined;
    let input: SellerInput | undefined;
    if (content.kind === 'button') {
      const issueTap = parseIssueActionPayload(content.payload);
      if (issueTap) return this.answerIssue(message, issueTap);
      const tapped = parseActionPayload(content.payload);
      if (!tapped) {
        await this.reply(message, undefined, [{ body: 'That button is no longer valid. Use the buttons on the latest order message.' }]);
        return { outcome: 'unknown-button' };
      }
      scope = await this.ownsOrder(message.from, tapped);
      if (!scope) {
        this.deps.logger.warn(`WhatsApp button for order ${tapped.orderId} from ${mask(message.from)}, which is not that order's seller: refused`);
        await this.reply(message, undefined, [{ body: NOT_YOURS(tapped.orderId) }]);
        return { outcome: 'not-authorised' };
      }
      await this.focus(message, scope);
      input = { kind: 'action', action: tapped.action };
    } else {
      const focused = await this.focusOf(message.from);
      scope = focused ? await this.ownsOrder(message.from, focused) : undefined;
      if (!scope) {
        await this.reply(message, undefined, [{ body: NO_CONVERSATION }]);
        return { outcome: 'no-conversation' };
      }
      if (content.kind === 'text') input = { kind: 'text', text: content.text };
      if (content.kind === 'unsupported') {
        await this.reply(message, scope, [{ body: 'I can read text, photos and button taps.' }]);
        return { outcome: 'unsupported', scope };
      }
    }
    return { outcome: await this.converse(message, scope, input), scope };
  }

  /** The order's scope when the sender's number is its seller's WhatsApp number; undefined for anything else. */
  private async ownsOrder(from: string, { sellerId, orderId }: Scope): Promise<Scope | undefined> {
    const { state } = await loadStream<OrderState, OrderEvent>(this.deps.store, orderStream(sellerId, orderId), orderDecider);
    if (state.status !== 'active') return undefined;
    const seller = await this.deps.findSeller(state.sellerId);
    return seller?.settings.whatsappNumber === from ? { sellerId: state.sellerId, orderId } : undefined;
  }

  /** The issue when the sender's number is its seller's WhatsApp number now (the rule of `ownsOrder`); undefined for anything else. */
  private async ownsIssue(from: string, { sellerId, issueId }: IssueRef): Promise<OpenedIssue | undefined> {
    const { state } = await loadStream<IssueState, IssueEvent>(this.deps.store, issueStream(sellerId, issueId), issueDecider);
    if (state.status === 'none') return undefined;
    const seller = await this.deps.findSeller(state.sellerId);
    return seller?.settings.whatsappNumber === from ? state : undefined;
  }

  /**
   * The seller's answer to the partner's proposed resolution, tapped on the proposal message. It is
   * kept with the issue's order, but leaves the sender's order focus alone: an issue is no step of
   * the order conversation their texts and photos go to.
   */
  private async answerIssue(message: InboundMessage, tapped: { action: SellerIssueAction } & IssueRef): Promise<{ outcome: string; scope?: Scope }> {
    const issue = await this.ownsIssue(message.from, tapped);
    if (!issue) {
      this.deps.logger.warn(`WhatsApp button for issue ${tapped.issueId} from ${mask(message.from)}, which is not that issue's seller: refused`);
      await this.reply(message, undefined, [{ body: NOT_YOUR_ISSUE(tapped.issueId) }]);
      return { outcome: 'not-authorised' };
    }
    const scope: Scope = { sellerId: issue.sellerId, orderId: issue.orderId };
    const ref = { sellerId: issue.sellerId, issueId: issue.issueId };
    const command: IssueTapCommand = tapped.action === 'accept_resolution' ? { type: 'AcceptIssueResolution', ...ref } : { type: 'EscalateIssue', ...ref, reason: ESCALATION_REASON };
    try {
      await this.deps.executeIssue(command, this.commandMeta(scope, message));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A stale button (accepted or escalated already, the issue closed): the domain's reason says why nothing happened.
      const already = tapped.action === 'accept_resolution' && issue.status === 'resolution_accepted' ? ` You accepted ${issue.partnerName}'s offer already.` : '';
      await this.reply(message, scope, [{ body: `Order ${issue.orderId}: ${error.message}.${already}` }]);
      return { outcome: 'issue-refused', scope };
    }
    const body =
      command.type === 'AcceptIssueResolution'
        ? `Order ${issue.orderId}: you accepted ${issue.partnerName}'s offer on issue ${issue.issueId}; they are told.`
        : `Order ${issue.orderId}: issue ${issue.issueId} is escalated to ${issue.partnerName}'s grievance officer.`;
    await this.reply(message, scope, [{ body }]);
    return { outcome: command.type === 'AcceptIssueResolution' ? 'issue-accepted' : 'issue-escalated', scope };
  }

  private async focusOf(from: string): Promise<Scope | undefined> {
    const events = await this.deps.store.readStream(senderStream(from));
    const last = events[events.length - 1];
    return last ? { sellerId: String(last.data['sellerId']), orderId: String(last.data['orderId']) } : undefined;
  }

  private async focus(message: InboundMessage, scope: Scope): Promise<void> {
    const from = message.from;
    const current = await this.focusOf(from);
    if (current?.orderId === scope.orderId && current.sellerId === scope.sellerId) return;
    await this.deps.store.append(
      senderStream(from),
      [{ id: newEventId(), type: 'WhatsAppOrderFocused', data: { ...scope, focusedAt: this.clock().toISOString() }, metadata: this.metadata(message, scope) }],
      { expectedRevision: 'any' },
    );
  }

  /** `given` is undefined for a photo, which is fetched only if the conversation's step wants one. */
  private async converse(message: InboundMessage, scope: Scope, given: SellerInput | undefined): Promise<string> {
    const stream = conversationStream(scope.sellerId, scope.orderId);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.deps.store.readStream(stream);
      const state = loaded.reduce<ConversationState>((s, e) => evolveConversation(s, { type: e.type, data: e.data } as unknown as ConversationEvent), initialConversation());
      const { state: order } = await loadStream<OrderState, OrderEvent>(this.deps.store, orderStream(scope.sellerId, scope.orderId), orderDecider);
      if (order.status !== 'active') return 'order-missing';
      const input = given ?? (message.content.kind === 'image' ? await this.photoInput(message.content.mediaId, state) : undefined);
      if (!input) {
        await this.reply(message, scope, [{ body: `Order ${scope.orderId}: that file is not a photo we can keep (JPEG, PNG or WebP up to 5 MB). Send a photo, or tap Done.`, buttons: ['photos_done'] }]);
        return 'bad-photo';
      }
      const decision = decideConversation(state, input, orderFactsOf(order), { messageId: message.id, newShipmentId: `shp_wa_${digest(message.id, 20)}` });
      const settled = decision.command ? decision.command.settle(await this.run(decision.command.command, scope, message)) : { events: [], replies: [] };
      await this.reply(message, scope, [...decision.replies, ...settled.replies]);
      const events = [...decision.events, ...settled.events];
      if (events.length === 0) return decision.command ? 'command' : 'answered';
      try {
        const expected = loaded[loaded.length - 1]?.revision ?? 'no_stream';
        await this.deps.store.append(
          stream,
          events.map((e) => ({ id: newEventId(), type: e.type, data: e.data as unknown as JsonObject, metadata: this.metadata(message, scope) })),
          { expectedRevision: expected },
        );
        return 'advanced';
      } catch (error) {
        if (!(error instanceof StreamRevisionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * A photo is downloaded from Meta at once (its URL expires) and stored like an API upload, when
   * the conversation wants one; undefined when the file is not an image we accept.
   */
  private async photoInput(mediaId: string, state: ConversationState): Promise<SellerInput | undefined> {
    if (!expectsPhoto(state)) return { kind: 'image' };
    let content: Buffer;
    try {
      ({ content } = await this.deps.api.downloadMedia(mediaId));
    } catch (error) {
      // Meta refusing the media id will not change; anything else is retried with the webhook's redelivery.
      if (!(error instanceof WhatsAppApiError) || error.httpStatus === undefined || error.httpStatus >= 500) throw error;
      this.deps.logger.warn(`WhatsApp photo ${mediaId} could not be downloaded: ${error.message}`);
      return undefined;
    }
    try {
      return { kind: 'image', image: await this.deps.saveImage(content) };
    } catch (error) {
      this.deps.logger.warn(`WhatsApp photo ${mediaId} refused: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** A command sent for a message, as its seller. */
  private commandMeta(scope: Scope, message: InboundMessage): CommandMeta {
    return {
      actor: { type: 'seller', id: scope.sellerId },
      channel: 'whatsapp',
      correlationId: message.id,
      causationId: message.id,
      // A redelivered or re-handled message appends nothing twice.
      idempotencyKey: `whatsapp:${message.id}`,
    };
  }

  private async run(command: ConversationCommand, scope: Scope, message: InboundMessage): Promise<CommandResult> {
    try {
      await this.deps.execute(command, scope, this.commandMeta(scope, message));
      return { ok: true };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const attemptsLeft = error.details['attemptsLeft'];
      const retryAfterSeconds = error.details['retryAfterSeconds'];
      return {
        ok: false,
        code: error.code,
        message: error.message,
        ...(typeof attemptsLeft === 'number' ? { attemptsLeft } : {}),
        ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
      };
    }
  }

  private async reply(message: InboundMessage, scope: Scope | undefined, replies: Reply[]): Promise<void> {
    const now = this.clock();
    for (const [index, reply] of replies.entries()) {
      const planned: PlannedMessage =
        reply.buttons && scope
          ? { kind: 'buttons', body: reply.body, buttons: reply.buttons.map((action) => replyButton(action, scope)) }
          : { kind: 'text', body: reply.body };
      await queueMessage(
        this.deps.store,
        { outboxId: outboxIdFor(`reply:${message.id}:${index}`), to: message.from, purpose: 'reply', ...(scope ? { sellerId: scope.sellerId, orderId: scope.orderId } : {}), message: planned },
        now,
        { actor: REPLY_ACTOR, correlationId: message.id, causationId: message.id },
      );
    }
  }

  /** The seller when the message is theirs; an unknown sender is no actor of ours, so the webhook is named. */
  private metadata(message: InboundMessage, scope?: Scope): JsonObject {
    return whatsAppMetadata(scope ? { type: 'seller', id: scope.sellerId } : WEBHOOK_ACTOR, message.id, message.id);
  }
}
