import type { PartnerReport } from '@fulfil/domain';
import type { KnownTransaction } from '../callback-verifier';
import type { OndcError, Quote, RequestAction, CallbackAction, OndcMessage } from '../types';
import type { ShipmentDescription, BuyerBilling, CatalogOffer } from '../messages';
import type { OrderCallbackAction, PartnerUpdate } from '../parsers';
import { appliedCallbackKey } from '../callback-verifier';
import { readOrderCallback } from '../parsers';
import {
  CallbackData,
  ConversationEvent,
  ConversationEventOf,
  FailedStep,
  FailureKind,
  ToldDifferential,
  actionOfSentType,
  isSentEvent,
} from './conversation-events';
import { newPartnerFacts, withFacts, type PartnerFacts } from './partner-facts';

/** A request we sent, with the synchronous answer once it is known. */
export interface SentRequest {
  action: RequestAction;
  transactionId: string;
  messageId: string;
  to: string;
  bppId?: string;
  message: object;
  sentAtMs: number;
  sentBy: string;
  /** How many times it went out (a lost request is sent again with the same message id). */
  sends: number;
  answer?: { outcome: 'ack' | 'nack' | 'unreachable'; error?: OndcError; detail?: string; atMs: number };
}

export interface RecordedCallback extends CallbackData {
  eventId: string;
  receivedAtMs: number;
  /** An order callback whose consequences were drawn (CallbackProcessed). */
  processed: boolean;
}

/** A partner chosen in one attempt, and how far it got. */
export interface Candidate {
  offer: CatalogOffer;
  chosenAtMs: number;
  reason: string;
  initMessageId?: string;
  quote?: { accepted: true; quote: Quote; totalPaise: number; surgePaise?: number } | { accepted: false; detail: string };
  confirmMessageId?: string;
  networkOrderId?: string;
  failure?: { step: FailedStep; why: FailureKind; detail: string; atMs: number };
}

/** One search for a partner, started by one ready-to-ship of the shipment. */
export interface Attempt {
  attempt: number;
  rtsEventId: string;
  transactionId: string;
  domain: string;
  city: string;
  startedAtMs: number;
  shipment?: ShipmentDescription;
  unsearchable?: string;
  billing: BuyerBilling;
  searchMessageId?: string;
  offers: CatalogOffer[];
  candidates: Candidate[];
  exhausted?: { reason: string; candidatesTried: number; atMs: number };
}

/** The order a partner accepted. */
export interface PartnerOrder {
  transactionId: string;
  bppId: string;
  partnerName: string;
  networkOrderId: string;
  offer: CatalogOffer;
  confirmedAtMs: number;
  awb?: string;
  trackingUrl?: string;
  pickupSlot?: { start: string; end: string };
  /** What the domain has of the partner's facts (from the confirmation and the details forwarded since). */
  facts: PartnerFacts;
  /** When the partner last told us anything about it. */
  lastHeardAtMs: number;
  /** A terminal report (delivered, cancelled, returned) was forwarded: nothing is left to poll for. */
  settled: boolean;
  /** The partner reported the parcel picked up (or any later state): a pickup TAT no longer applies. */
  pickedUp: boolean;
  /** The end of the delivery window the partner last promised, if it gave one. */
  deliveryBy?: string;
  /** The partner reported a return to origin: the parcel is on its way back (and /cancel has nothing more to do). */
  returning: boolean;
  /** The quote we confirmed (what a disputed weight differential leaves the order at). */
  quote?: Quote;
  /** The surge fee and its tax in the confirmed quote. */
  surgePaise?: number;
  /** The weight differential the domain was told last. */
  differential?: ToldDifferential;
  /** When the domain took the partner's delivery report: a COD settlement window counts from it. */
  deliveredAtMs?: number;
  /** The COD reconciliation is over: the partner settled in accord, or we gave up asking. */
  reconClosed?: boolean;
}

export interface ConversationState {
  shipmentId: string;
  orderId: string;
  sellerId: string;
  attempts: Attempt[];
  requests: SentRequest[];
  callbacks: RecordedCallback[];
  partnerOrder?: PartnerOrder;
  sellerCancel?: { reason: string; reasonCode?: string; atMs: number };
  /** The promised pickup or delivery time passed: the order is being cancelled with reason 007. */
  tatBreach?: ConversationEventOf<'TatBreached'>['data'];
  /** The seller's answers to failed attempts, each to be sent to the partner as one /update. */
  answers: Array<ConversationEventOf<'SellerAnsweredAttempt'>['data']>;
  /** The seller's actions on issues about the shipment, each to be sent to the partner as one /issue. */
  issueUpdates: Array<ConversationEventOf<'SellerIssueActed'>['data']>;
  /** The seller's answers to weight differentials, each to be sent to the partner as one /update. */
  differentialAnswers: Array<ConversationEventOf<'SellerAnsweredWeightDifferential'>['data']>;
  /** The cancellation with the partner failed for good (every /cancel refused or unanswered). */
  cancelAbandoned?: { transactionId: string; bppId: string; networkOrderId: string; attempts: number; reason: string; atMs: number };
  /** Domain commands already sent, by idempotency key. */
  notified: Record<string, 'applied' | 'refused'>;
  /** Partners that cancelled this shipment's order on their own (not at the seller's word): a new search tries others first. */
  cancelledBy: string[];
}

/** A stored event with the id the store gave it (callbacks are referred to by it). */
export interface StoredConversationEvent {
  id: string;
  event: ConversationEvent;
}

const ms = (iso: string): number => Date.parse(iso);

export const callbackKey = (c: { bppId: string; messageId: string; timestamp: string }): string => `${c.bppId} ${c.messageId} ${c.timestamp}`;

export const currentAttempt = (state: ConversationState): Attempt | undefined => state.attempts[state.attempts.length - 1];

/** The candidate still in play in an attempt: the last one chosen, unless it failed. */
export function currentCandidate(attempt: Attempt | undefined): Candidate | undefined {
  const last = attempt?.candidates[attempt.candidates.length - 1];
  return last && !last.failure ? last : undefined;
}

export const attemptOf = (state: ConversationState, transactionId: string): Attempt | undefined => state.attempts.find((a) => a.transactionId === transactionId);

export const requestOf = (state: ConversationState, messageId: string | undefined): SentRequest | undefined =>
  messageId === undefined ? undefined : state.requests.find((r) => r.messageId === messageId);

function candidateOf(state: ConversationState, transactionId: string, bppId: string): Candidate | undefined {
  const candidates = attemptOf(state, transactionId)?.candidates ?? [];
  return [...candidates].reverse().find((c) => c.offer.bppId === bppId);
}

function recordRequest(state: ConversationState, event: Extract<ConversationEvent, { type: `${string}Sent` }>): void {
  const action = actionOfSentType(event.type);
  const { data } = event;
  const previous = state.requests.find((r) => r.messageId === data.messageId);
  const request: SentRequest = {
    action,
    transactionId: data.transactionId,
    messageId: data.messageId,
    to: data.to,
    message: data.message,
    sentAtMs: ms(data.sentAt),
    sentBy: data.sentBy,
    sends: (previous?.sends ?? 0) + 1,
  };
  if (data.bppId !== undefined) request.bppId = data.bppId;
  // A resend keeps its message id: the record is replaced, its earlier answer forgotten.
  state.requests = [...state.requests.filter((r) => r.messageId !== data.messageId), request];
  const attempt = attemptOf(state, data.transactionId);
  if (action === 'search' && attempt) attempt.searchMessageId = data.messageId;
  const candidate = data.bppId ? candidateOf(state, data.transactionId, data.bppId) : undefined;
  if (!candidate) return;
  if (action === 'init') candidate.initMessageId = data.messageId;
  if (action === 'confirm') {
    candidate.confirmMessageId = data.messageId;
    const order = (data.message as { message?: { order?: { id?: string } } }).message?.order;
    if (order?.id) candidate.networkOrderId = order.id;
  }
}

function recordCallback(state: ConversationState, id: string, data: CallbackData): void {
  const order = state.partnerOrder;
  const fromPartner = order !== undefined && order.transactionId === data.transactionId && order.bppId === data.bppId;
  // A callback of the confirmed partner that reports nothing (Pending, a failed attempt) and brings no new fact has no consequence to draw: it is done as it is recorded.
  const update = fromPartner && isOrderCallbackAction(data.action) ? readOrderCallback(data.body as OndcMessage<OrderCallbackAction>) : undefined;
  // A differential is told apart, once the callback is processed (differentialStep).
  const reportsNothing = update !== undefined && update.report === undefined && newPartnerFacts(update, order!.facts) === undefined;
  state.callbacks.push({ ...data, eventId: id, receivedAtMs: ms(data.receivedAt), processed: reportsNothing });
  if (fromPartner) {
    order.lastHeardAtMs = Math.max(order.lastHeardAtMs, ms(data.receivedAt));
    if (update?.deliveryBy) order.deliveryBy = update.deliveryBy;
  }
}

/** The weight differential a callback reports that the domain was not told yet (a partner repeats its quote in later callbacks). */
export function newDifferential(update: PartnerUpdate, order: PartnerOrder): (ToldDifferential & NonNullable<PartnerUpdate['weightDifferential']>) | undefined {
  const diff = update.weightDifferential;
  if (!diff || diff.amountPaise <= 0 || diff.measuredWeightGrams === undefined) return undefined;
  const told = order.differential;
  if (told && told.amountPaise === diff.amountPaise && told.taxPaise === diff.taxPaise && told.measuredWeightGrams === diff.measuredWeightGrams) return undefined;
  return { ...diff, measuredWeightGrams: diff.measuredWeightGrams };
}

function addOffers(state: ConversationState, event: ConversationEventOf<'CatalogReceived'>): void {
  const attempt = attemptOf(state, event.data.transactionId);
  if (!attempt) return;
  const fresh = event.data.offers;
  const sameOffer = (a: CatalogOffer, b: CatalogOffer) => a.bppId === b.bppId && a.itemId === b.itemId;
  attempt.offers = [...attempt.offers.filter((o) => !fresh.some((f) => sameOffer(o, f))), ...fresh];
}

function confirmOrder(state: ConversationState, data: ConversationEventOf<'OrderConfirmed'>['data']): void {
  const candidate = candidateOf(state, data.transactionId, data.bppId);
  if (!candidate) return;
  const order: PartnerOrder = {
    transactionId: data.transactionId,
    bppId: data.bppId,
    partnerName: data.partnerName,
    networkOrderId: data.networkOrderId,
    offer: candidate.offer,
    confirmedAtMs: ms(data.confirmedAt),
    facts: {
      ...(data.awb ? { awb: data.awb } : {}),
      ...(data.trackingUrl ? { trackingUrl: data.trackingUrl } : {}),
      ...(data.pickupSlot ? { pickupSlot: data.pickupSlot } : {}),
    },
    lastHeardAtMs: ms(data.confirmedAt),
    settled: false,
    pickedUp: false,
    returning: false,
  };
  // The acceptance itself may promise a delivery window (1.2.5 sends it once ready to ship).
  const accepting = state.callbacks.find((c) => c.messageId === data.callbackMessageId && c.bppId === data.bppId && isOrderCallbackAction(c.action));
  const deliveryBy = accepting ? readOrderCallback(accepting.body as OndcMessage<OrderCallbackAction>).deliveryBy : undefined;
  if (deliveryBy) order.deliveryBy = deliveryBy;
  if (candidate.quote?.accepted) {
    order.quote = candidate.quote.quote;
    if (candidate.quote.surgePaise) order.surgePaise = candidate.quote.surgePaise;
  }
  if (data.awb) order.awb = data.awb;
  if (data.trackingUrl) order.trackingUrl = data.trackingUrl;
  if (data.pickupSlot) order.pickupSlot = data.pickupSlot;
  state.partnerOrder = order;
}

function markProcessed(state: ConversationState, data: ConversationEventOf<'CallbackProcessed'>['data']): void {
  const key = callbackKey(data);
  const order = state.partnerOrder;
  for (const callback of state.callbacks) {
    if (callbackKey(callback) !== key) continue;
    callback.processed = true;
    // An agent-assigned report told the domain its agent.
    if (order && data.result === 'reported' && data.report === 'agent_assigned') {
      const agent = readOrderCallback(callback.body as OndcMessage<OrderCallbackAction>).agent;
      if (agent) order.facts = withFacts(order.facts, { agent });
    }
  }
  if (data.settles && order) order.settled = true;
  if (order && data.report === 'delivered' && data.result === 'reported') order.deliveredAtMs ??= ms(data.processedAt);
  if (order && data.settles && state.callbacks.some((c) => c.action === 'on_recon' && callbackKey(c) === key)) order.reconClosed = true;
  if (order && data.report && AFTER_PICKUP.has(data.report)) order.pickedUp = true;
  if (order && data.report?.startsWith('rto_')) order.returning = true;
  // The partner's own cancellation, told to the domain (the confirmation of the seller's /cancel is the seller's).
  if (data.report === 'cancelled' && data.result === 'reported' && !state.sellerCancel && !state.cancelledBy.includes(data.bppId)) state.cancelledBy.push(data.bppId);
}

/** Reports that mean the partner has the parcel (or had it): no pickup is owed any more. */
const AFTER_PICKUP: ReadonlySet<PartnerReport> = new Set<PartnerReport>([
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'delivery_rescheduled',
  'rto_initiated',
  'rto_delivered',
  'rto_disposed',
]);

function failCandidate(state: ConversationState, transactionId: string, bppId: string, failure: NonNullable<Candidate['failure']>): void {
  const candidate = candidateOf(state, transactionId, bppId);
  if (candidate && !candidate.failure) candidate.failure = failure;
}

/** Applies one event to the state under construction (the fold owns the state it builds, so it edits in place). */
function apply(state: ConversationState, { id, event }: StoredConversationEvent): void {
  if (isSentEvent(event)) return recordRequest(state, event);
  switch (event.type) {
    case 'LogisticsSearchStarted': {
      const d = event.data;
      state.shipmentId = d.shipmentId;
      state.orderId = d.orderId;
      state.sellerId = d.sellerId;
      const attempt: Attempt = {
        attempt: d.attempt,
        rtsEventId: d.rtsEventId,
        transactionId: d.transactionId,
        domain: d.domain,
        city: d.city,
        startedAtMs: ms(d.startedAt),
        billing: d.billing,
        offers: [],
        candidates: [],
      };
      if (d.shipment) attempt.shipment = d.shipment;
      if (d.unsearchable) attempt.unsearchable = d.unsearchable;
      state.attempts.push(attempt);
      return;
    }
    case 'RequestAnswered': {
      const request = requestOf(state, event.data.messageId);
      const { outcome, error, detail, answeredAt } = event.data;
      if (request && !request.answer) request.answer = { outcome, atMs: ms(answeredAt), ...(error ? { error } : {}), ...(detail ? { detail } : {}) };
      return;
    }
    case 'CatalogReceived':
      recordCallback(state, id, event.data);
      return addOffers(state, event);
    case 'CallbackReceived':
      return recordCallback(state, id, event.data);
    case 'PartnerChosen': {
      const attempt = attemptOf(state, event.data.transactionId);
      attempt?.candidates.push({ offer: event.data.offer, chosenAtMs: ms(event.data.chosenAt), reason: event.data.reason });
      return;
    }
    case 'QuoteAccepted': {
      const candidate = candidateOf(state, event.data.transactionId, event.data.bppId);
      if (candidate) candidate.quote = { accepted: true, quote: event.data.quote, totalPaise: event.data.totalPaise, ...(event.data.surgePaise ? { surgePaise: event.data.surgePaise } : {}) };
      return;
    }
    case 'QuoteRejected': {
      const { transactionId, bppId, detail, rejectedAt } = event.data;
      const candidate = candidateOf(state, transactionId, bppId);
      if (candidate) candidate.quote = { accepted: false, detail };
      return failCandidate(state, transactionId, bppId, { step: 'init', why: 'quote', detail, atMs: ms(rejectedAt) });
    }
    case 'CandidateFailed': {
      const { transactionId, bppId, step, why, detail, failedAt } = event.data;
      return failCandidate(state, transactionId, bppId, { step, why, detail, atMs: ms(failedAt) });
    }
    case 'OrderConfirmed':
      return confirmOrder(state, event.data);
    case 'PartnerSearchExhausted': {
      const attempt = attemptOf(state, event.data.transactionId);
      if (attempt) attempt.exhausted = { reason: event.data.reason, candidatesTried: event.data.candidatesTried, atMs: ms(event.data.exhaustedAt) };
      return;
    }
    case 'SellerCancelled':
      state.sellerCancel ??= { reason: event.data.reason, ...(event.data.reasonCode ? { reasonCode: event.data.reasonCode } : {}), atMs: ms(event.data.cancelledAt) };
      return;
    case 'TatBreached':
      state.tatBreach ??= event.data;
      return;
    case 'SellerAnsweredAttempt':
      if (!state.answers.some((a) => a.answerEventId === event.data.answerEventId)) state.answers.push(event.data);
      return;
    case 'SellerIssueActed':
      if (!state.issueUpdates.some((u) => u.issueEventId === event.data.issueEventId)) state.issueUpdates.push(event.data);
      return;
    case 'SellerAnsweredWeightDifferential':
      if (!state.differentialAnswers.some((a) => a.answerEventId === event.data.answerEventId)) state.differentialAnswers.push(event.data);
      return;
    case 'CallbackProcessed':
      return markProcessed(state, event.data);
    case 'DomainNotified':
      state.notified[event.data.idempotencyKey] = event.data.result;
      // Refused or not, they count as told: the same facts are not offered again.
      if (event.data.details && state.partnerOrder) state.partnerOrder.facts = withFacts(state.partnerOrder.facts, event.data.details);
      if (event.data.differential && state.partnerOrder) state.partnerOrder.differential = event.data.differential;
      return;
    case 'CodReconciliationAbandoned':
      if (state.partnerOrder) state.partnerOrder.reconClosed = true;
      return;
    case 'PartnerCancellationAbandoned': {
      const { abandonedAt, ...rest } = event.data;
      state.cancelAbandoned = { ...rest, atMs: ms(abandonedAt) };
      return;
    }
  }
}

export const emptyConversation = (): ConversationState => ({ shipmentId: '', orderId: '', sellerId: '', attempts: [], requests: [], callbacks: [], answers: [], issueUpdates: [], differentialAnswers: [], notified: {}, cancelledBy: [] });

/** Folds more events into a state (it is edited in place): how a cached conversation catches up with its stream. */
export function foldConversationInto(state: ConversationState, events: readonly StoredConversationEvent[]): ConversationState {
  for (const event of events) apply(state, event);
  return state;
}

export const foldConversation = (events: readonly StoredConversationEvent[]): ConversationState => foldConversationInto(emptyConversation(), events);

/** What the callback verifier needs to know of a transaction: our requests, the partner chosen, the callbacks applied. */
export function knownTransaction(state: ConversationState, transactionId: string): KnownTransaction | undefined {
  const attempt = attemptOf(state, transactionId);
  if (!attempt) return undefined;
  const appliedTimestamps: Record<string, string> = {};
  const appliedBodies: Record<string, unknown> = {};
  for (const callback of state.callbacks.filter((c) => c.transactionId === transactionId)) {
    const key = appliedCallbackKey(callback.bppId, callback.messageId);
    const earlier = appliedTimestamps[key];
    if (earlier === undefined || ms(callback.timestamp) > ms(earlier)) {
      appliedTimestamps[key] = callback.timestamp;
      appliedBodies[key] = callback.body;
    }
  }
  const order = state.partnerOrder?.transactionId === transactionId ? state.partnerOrder : undefined;
  const chosenBppId = order?.bppId ?? currentCandidate(attempt)?.offer.bppId;
  const requests = state.requests.filter((r) => r.transactionId === transactionId);
  // Sent and received in the order they happened, as the conformance rules read a transaction.
  const messages = [
    ...requests.map((r) => ({ atMs: r.sentAtMs, message: { direction: 'sent' as const, body: r.message } })),
    ...state.callbacks.filter((c) => c.transactionId === transactionId).map((c) => ({ atMs: c.receivedAtMs, message: { direction: 'received' as const, body: c.body } })),
  ]
    .sort((a, b) => a.atMs - b.atMs)
    .map((m) => m.message);
  return {
    sentRequests: requests.map((r) => ({ action: r.action, messageId: r.messageId })),
    ...(chosenBppId ? { chosenBppId } : {}),
    appliedTimestamps,
    appliedBodies,
    messages,
  };
}

export const isOrderCallbackAction = (action: CallbackAction): action is 'on_confirm' | 'on_status' | 'on_update' | 'on_cancel' =>
  action === 'on_confirm' || action === 'on_status' || action === 'on_update' || action === 'on_cancel';
