import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { evolveIssue, evolveOrder, initialIssueState, initialOrderState, issueRefOfStream, orderRefOfStream, orderStream, type IssueEvent, type OrderRef, OrderEvent, OrderState } from '@fulfil/domain';
import { StreamRevisionConflictError } from '@fulfil/event-store';
import type { EventStore, JsonObject, RecordedEvent } from '@fulfil/event-store';
import { ContextBuilder, chooseDomain, cityCodeForPincode, rfc3339 , ConversationEvent, conversationStream , describeShipment, newPickupCode } from '@fulfil/ondc';
import type { Reaction } from '@fulfil/read-models';
import type { ConversationCache } from '../driver/conversation-cache';
import type { ConversationDriver } from '../driver/conversation-driver';
import { TransactionIndex } from '../driver/transaction-index';
import { reactionMetadata } from '../driver/adapter-metadata';
import type { OndcAdapterConfig } from '../ondc-config';

const RTS = 'ShipmentMarkedReadyToShip';
const CANCELLED = 'ShipmentCancelled';
const REATTEMPT = 'ShipmentReattemptRequested';
const RETURN = 'ShipmentReturnRequested';
/** The seller's own actions on an issue, each carried to the partner; the partner's responses are its own news. */
const SELLER_ISSUE_ACTIONS: ReadonlySet<string> = new Set(['IssueRaised', 'IssueInfoProvided', 'IssueResolutionAccepted', 'IssueEscalated', 'IssueClosed']);
const DIFF_ACCEPTED = 'WeightDifferentialAccepted';
const DIFF_DISPUTED = 'WeightDifferentialDisputed';
/** A conflicting append is retried from a fresh read this many times (another instance handling the same event). */
const CONFLICT_RETRIES = 3;
/**
 * Orders whose events are handled at once. Each event costs a few reads and appends, so one at a
 * time a burst of ready-to-ships queued behind each other's round trips to the store; events of
 * one order stay in order (the runner keeps a lane per stream).
 */
const CONCURRENT_ORDERS = 16;

const asJson = (data: object): JsonObject => data as unknown as JsonObject;

/**
 * The adapter's store subscription: an on-network shipment marked ready to ship opens a
 * conversation (one search per RTS event, so a redelivered event opens nothing), and a cancelled
 * shipment that has one records the seller's cancellation for the driver to act on, as it records
 * the seller's answers to failed attempts and their actions on issues about the shipment (IGM).
 */
export class LogisticsReaction {
  private readonly logger = new Logger('OndcLogisticsReaction');
  private readonly contexts: ContextBuilder;

  constructor(
    private readonly config: OndcAdapterConfig,
    private readonly store: EventStore,
    private readonly conversations: ConversationCache,
    private readonly driver: ConversationDriver,
    private readonly transactions: TransactionIndex,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.contexts = new ContextBuilder({ bapId: config.identity.subscriberId, bapUri: config.identity.bapUri });
  }

  subscriber(): Reaction {
    return {
      kind: 'reaction',
      name: 'ondc-logistics-adapter',
      filter: { kind: 'eventType', prefixes: [RTS, CANCELLED, REATTEMPT, RETURN, DIFF_ACCEPTED, DIFF_DISPUTED, ...SELLER_ISSUE_ACTIONS] },
      concurrency: CONCURRENT_ORDERS,
      handle: (event) => this.handle(event),
    };
  }

  async handle(event: RecordedEvent): Promise<void> {
    if (SELLER_ISSUE_ACTIONS.has(event.type)) return this.withRetries(() => this.recordIssueAction(event));
    const shipmentId = event.data['shipmentId'];
    const order = orderRefOfStream(event.stream);
    if (typeof shipmentId !== 'string' || !order) return;
    // The prefix filter also lets ShipmentCancelledByPartner through: that one is the partner's own news.
    if (event.type === RTS && event.data['mode'] === 'on-network') await this.withRetries(() => this.startSearch(event, order, shipmentId));
    if (event.type === CANCELLED) await this.withRetries(() => this.recordCancellation(event, shipmentId));
    if (event.type === REATTEMPT || event.type === RETURN) await this.withRetries(() => this.recordAnswer(event, shipmentId));
    if (event.type === DIFF_ACCEPTED || event.type === DIFF_DISPUTED) await this.withRetries(() => this.recordDifferentialAnswer(event, shipmentId));
  }

  private async withRetries(attempt: () => Promise<void>): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof StreamRevisionConflictError) || i >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  private async readOrder({ sellerId, orderId }: OrderRef): Promise<OrderState> {
    const events = await this.store.readStream(orderStream(sellerId, orderId));
    return events.reduce((state, e) => evolveOrder(state, { type: e.type, data: e.data } as unknown as OrderEvent), initialOrderState());
  }

  private async startSearch(event: RecordedEvent, ref: OrderRef, shipmentId: string): Promise<void> {
    const conversation = await this.conversations.load(shipmentId);
    if (conversation.state.attempts.some((a) => a.rtsEventId === event.id)) return this.driver.nudge(shipmentId);
    const order = await this.readOrder(ref);
    const shipment = order.status === 'active' ? order.shipments.find((s) => s.shipmentId === shipmentId) : undefined;
    const attempt = Number(event.data['attempt']);
    // Replayed from an old checkpoint after the shipment moved on (another attempt, a cancellation): nothing to start.
    if (order.status !== 'active' || !shipment || shipment.mode !== 'on-network' || shipment.status !== 'ready_to_ship' || shipment.readyAttempts !== attempt) return;
    const settings = { defaultCategory: this.config.category, goodsCategory: this.config.goodsCategory, readyToShipAtConfirm: this.config.readyToShipAtConfirm };
    const described = describeShipment(order, shipment, settings, newPickupCode());
    const transactionId = this.contexts.newTransactionId();
    const pickup = shipment.pickupAddress;
    const drop = shipment.deliveryAddress;
    // A PIN code's point can be tens of km off (ADR 0025): too rough to promise a hyperlocal ride on.
    const approximate = (shipment.gpsFromPincode?.length ?? 0) > 0;
    const domain = pickup.gps && drop.gps && !approximate ? chooseDomain({ pickup: pickup.gps, drop: drop.gps }, { hyperlocalMaxKm: this.config.hyperlocalMaxKm }) : 'ONDC:LOG11';
    const now = rfc3339(this.nowMs());
    const started: ConversationEvent = {
      type: 'LogisticsSearchStarted',
      data: {
        shipmentId,
        orderId: ref.orderId,
        sellerId: ref.sellerId,
        attempt,
        rtsEventId: event.id,
        transactionId,
        domain,
        city: cityCodeForPincode(pickup.pincode, { defaultCityCode: this.config.defaultCityCode }),
        ...(described.ok ? { shipment: described.shipment } : { unsearchable: described.problem }),
        billing: { ...this.config.billing, updatedAt: now },
        startedAt: now,
      },
    };
    // The index first: a callback can only name the transaction once the search went out, after this.
    await this.transactions.open(transactionId, shipmentId, reactionMetadata(event));
    await this.store.append(conversationStream(shipmentId), [{ type: started.type, data: asJson(started.data), metadata: reactionMetadata(event) }], {
      expectedRevision: conversation.revision,
    });
    this.driver.nudge(shipmentId);
  }

  /** The seller's answer to a failed attempt, for the driver to send to the partner (off-network shipments have no conversation). */
  private async recordAnswer(event: RecordedEvent, shipmentId: string): Promise<void> {
    const conversation = await this.conversations.load(shipmentId);
    if (conversation.revision === 'no_stream' || conversation.state.answers.some((a) => a.answerEventId === event.id)) return;
    const stage = event.data['stage'] === 'pickup' ? 'pickup' : 'delivery';
    const answered: ConversationEvent = {
      type: 'SellerAnsweredAttempt',
      data: {
        answer: event.type === REATTEMPT ? 'reattempt' : 'return',
        stage,
        attempt: Number(event.data['attempt']),
        answerEventId: event.id,
        messageId: randomUUID(),
        answeredAt: rfc3339(this.nowMs()),
      },
    };
    await this.store.append(conversationStream(shipmentId), [{ type: answered.type, data: asJson(answered.data), metadata: reactionMetadata(event) }], {
      expectedRevision: conversation.revision,
    });
    this.driver.nudge(shipmentId);
  }

  /** The issue as it stood right after the seller's action (a later read may already hold the partner's answer), for one /issue to the partner. */
  private async recordIssueAction(event: RecordedEvent): Promise<void> {
    const ref = issueRefOfStream(event.stream);
    if (!ref) return;
    const events = await this.store.readStream(event.stream);
    const upTo = events.findIndex((e) => e.id === event.id);
    if (upTo < 0) return;
    const issue = events.slice(0, upTo + 1).reduce((state, e) => evolveIssue(state, { type: e.type, data: e.data } as unknown as IssueEvent), initialIssueState());
    if (issue.status === 'none') return;
    const conversation = await this.conversations.load(issue.shipmentId);
    if (conversation.revision === 'no_stream' || conversation.state.issueUpdates.some((u) => u.issueEventId === event.id)) return;
    const acted: ConversationEvent = {
      type: 'SellerIssueActed',
      data: { issueId: ref.issueId, issueEventId: event.id, messageId: randomUUID(), issue, actedAt: rfc3339(this.nowMs()) },
    };
    await this.store.append(conversationStream(issue.shipmentId), [{ type: acted.type, data: asJson(acted.data), metadata: reactionMetadata(event) }], {
      expectedRevision: conversation.revision,
    });
    this.driver.nudge(issue.shipmentId);
  }

  /** The seller's answer to a weight differential, for the driver to send to the partner once (ADR 0037). */
  private async recordDifferentialAnswer(event: RecordedEvent, shipmentId: string): Promise<void> {
    const conversation = await this.conversations.load(shipmentId);
    if (conversation.revision === 'no_stream' || conversation.state.differentialAnswers.some((a) => a.answerEventId === event.id)) return;
    const answered: ConversationEvent = {
      type: 'SellerAnsweredWeightDifferential',
      data: { answer: event.type === DIFF_ACCEPTED ? 'accepted' : 'disputed', answerEventId: event.id, messageId: randomUUID(), answeredAt: rfc3339(this.nowMs()) },
    };
    await this.store.append(conversationStream(shipmentId), [{ type: answered.type, data: asJson(answered.data), metadata: reactionMetadata(event) }], {
      expectedRevision: conversation.revision,
    });
    this.driver.nudge(shipmentId);
  }

  private async recordCancellation(event: RecordedEvent, shipmentId: string): Promise<void> {
    const conversation = await this.conversations.load(shipmentId);
    if (conversation.revision === 'no_stream' || conversation.state.sellerCancel) return;
    const reason = typeof event.data['reason'] === 'string' ? event.data['reason'] : 'cancelled by the seller';
    const reasonCode = typeof event.data['reasonCode'] === 'string' ? event.data['reasonCode'] : undefined;
    const cancelled: ConversationEvent = { type: 'SellerCancelled', data: { reason, ...(reasonCode ? { reasonCode } : {}), cancelEventId: event.id, cancelledAt: rfc3339(this.nowMs()) } };
    await this.store.append(conversationStream(shipmentId), [{ type: cancelled.type, data: asJson(cancelled.data), metadata: reactionMetadata(event) }], {
      expectedRevision: conversation.revision,
    });
    this.logger.log(`shipment ${shipmentId} cancelled by the seller; the partner is told if one was confirmed`);
    this.driver.nudge(shipmentId);
  }
}
