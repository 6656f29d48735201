import { backoffCeilingMs } from '../retry';
import { lbnpCancellationReason } from '../error-codes';
import type { LbnpCancellationCause } from '../error-codes';
import { rfc3339 } from '../context';
import { buildAttemptAnswerUpdate, buildCancel, buildConfirm, buildInit, buildReadyToShipUpdate, buildSearch, buildStatus, buildWeightDifferentialAnswer } from '../messages';
import { checkInitQuote } from '../parsers';
import type { CatalogOffer, ShipmentDescription } from '../messages';
import type { ContextInput } from '../context';
import type { ContextOf, LogisticsDomain, OndcMessage, Quote, RequestAction } from '../types';

import { choosePartner, eligibleOfferCount } from './choose-partner';
import type { ChoiceInput } from './choose-partner';
import type { ConversationEvent, FailedStep, FailureKind, TatStage } from './conversation-events';
import { Attempt, Candidate, ConversationState, PartnerOrder, SentRequest, currentAttempt, currentCandidate, isOrderCallbackAction, requestOf } from './conversation-state';
import { issueCallbackStep, issueEscalationStep, issueStep, withEscalationClock } from './plan-issues';
import { reconCallbackStep, reconStep } from './plan-recon';
import { assignKey, cancelRequestsOf, differentialStep, nextCallbackStep, pendingCommandStep } from './plan-reports';
import { OutboundRequest, PlanContext, Step, describeAnswer, iso, progressOf, resendOf, waitUntil } from './steps';

type PartnerAction = Exclude<RequestAction, 'search'>;

/**
 * The next step of one shipment's conversation, from its folded stream alone: draw the consequences
 * of callbacks first, then tell the domain what it is owed, then move the search along
 * (search, choose, init, confirm, fall back) or look after the confirmed order (deferred ready to
 * ship, status polls, the seller's cancellation, the COD's reconciliation once delivered). Issues
 * about the shipment go their own way beside it.
 */
export function planConversation(state: ConversationState, ctx: PlanContext): Step {
  const step =
    nextCallbackStep(state, ctx) ??
    issueCallbackStep(state, ctx) ??
    reconCallbackStep(state, ctx) ??
    differentialStep(state) ??
    pendingCommandStep(state) ??
    issueStep(state, ctx) ??
    issueEscalationStep(state, ctx) ??
    attemptStep(state, ctx);
  return withEscalationClock(step, state, ctx);
}

function attemptStep(state: ConversationState, ctx: PlanContext): Step {
  const attempt = currentAttempt(state);
  if (!attempt) return waitUntil();
  const order = state.partnerOrder?.transactionId === attempt.transactionId ? state.partnerOrder : undefined;
  // The domain would not take the partner (the seller cancelled, or switched the shipment to their own courier meanwhile): the partner must let the order go.
  const unwanted = order !== undefined && state.notified[assignKey(order.bppId, order.networkOrderId)] === 'refused';
  if (state.sellerCancel || unwanted) return cancelStep(state, attempt, order, ctx);
  // Our own cancellation for a breached TAT, until the partner takes it (cancelled, or returning the parcel it holds).
  if (state.tatBreach && order && !order.returning) return partnerCancelStep(state, attempt, order, ctx, 'tat-breached');
  if (attempt.exhausted) return waitUntil();
  if (!attempt.shipment) return exhaust(attempt, attempt.unsearchable ?? 'the shipment cannot be described to the network', ctx);
  if (order) return orderStep(state, attempt, attempt.shipment, order, ctx);
  return searchStep(state, attempt, attempt.shipment, ctx);
}

const exhaust = (attempt: Attempt, reason: string, ctx: PlanContext): Step => ({
  kind: 'append',
  events: [{ type: 'PartnerSearchExhausted', data: { transactionId: attempt.transactionId, candidatesTried: attempt.candidates.length, reason, exhaustedAt: iso(ctx) } }],
});

const fail = (attempt: Attempt, candidate: Candidate, step: FailedStep, why: FailureKind, detail: string, ctx: PlanContext): Step => ({
  kind: 'append',
  events: [{ type: 'CandidateFailed', data: { transactionId: attempt.transactionId, bppId: candidate.offer.bppId, step, why, detail, failedAt: iso(ctx) } }],
});

const send = (request: OutboundRequest, decisions: ConversationEvent[] = []): Step => ({ kind: 'send', decisions, request });

/** A request to the partner of an offer, in the attempt's transaction. */
function toPartner<A extends PartnerAction>(
  action: A,
  attempt: Attempt,
  offer: Pick<CatalogOffer, 'bppId' | 'bppUri'>,
  message: (context: ContextOf<A>) => OndcMessage<A>,
  ctx: PlanContext,
  messageId?: string,
): OutboundRequest {
  // ContextInput's bpp is required for every action but search; TypeScript cannot resolve that conditional for a generic action.
  const input = {
    domain: attempt.domain as LogisticsDomain,
    city: attempt.city,
    transactionId: attempt.transactionId,
    bpp: { id: offer.bppId, uri: offer.bppUri },
    ...(messageId ? { messageId } : {}),
  } as ContextInput<A>;
  const context = ctx.contexts.build(action, input);
  return { action, transactionId: attempt.transactionId, target: { url: offer.bppUri }, bppId: offer.bppId, message: message(context) as OndcMessage<RequestAction> };
}

/** The last request of an action in a transaction. */
const lastRequest = (state: ConversationState, action: RequestAction, transactionId: string): SentRequest | undefined =>
  [...state.requests].reverse().find((r) => r.action === action && r.transactionId === transactionId);

function searchStep(state: ConversationState, attempt: Attempt, shipment: ShipmentDescription, ctx: PlanContext): Step {
  const search = requestOf(state, attempt.searchMessageId);
  if (!search) {
    const context = ctx.contexts.build('search', { domain: attempt.domain as LogisticsDomain, city: attempt.city, transactionId: attempt.transactionId });
    return send({ action: 'search', transactionId: attempt.transactionId, target: { gateway: attempt.domain as LogisticsDomain }, message: buildSearch(context, shipment) });
  }
  const progress = progressOf(search, ctx);
  if (progress.state === 'orphaned') return send(resendOf(search, ctx));
  if (progress.state === 'answered' && progress.answer.outcome !== 'ack') return exhaust(attempt, `the gateway did not take the search: ${describeAnswer(progress.answer)}`, ctx);
  const candidate = currentCandidate(attempt);
  return candidate ? candidateStep(state, attempt, shipment, candidate, ctx) : chooseStep(state, attempt, shipment, search, ctx);
}

function chooseStep(state: ConversationState, attempt: Attempt, shipment: ShipmentDescription, search: SentRequest, ctx: PlanContext): Step {
  const { policy, searchWindowMs, enoughQuotes } = ctx.settings;
  const lastFailure = attempt.candidates[attempt.candidates.length - 1]?.failure;
  const triedSoFar = lastFailure ? `; last: ${lastFailure.detail}` : '';
  if (attempt.candidates.length >= policy.maxCandidates) return exhaust(attempt, `${attempt.candidates.length} partners tried, none confirmed${triedSoFar}`, ctx);
  const input: ChoiceInput = {
    offers: attempt.offers,
    policy,
    tried: new Set(attempt.candidates.map((c) => c.offer.bppId)),
    // A partner that cancelled this very shipment ranks as one that failed us lately: a search after its cancellation tries the others first.
    recentFailures: (bppId) => ctx.recentFailures(bppId) + (state.cancelledBy.includes(bppId) ? 1 : 0),
    readyToShipAtConfirm: shipment.readyToShip,
    maxSurgeFeePaise: shipment.maxSurgeFeePaise ?? 0,
  };
  // Catalogs are collected for the window from when the gateway took the search (sending may have taken a while).
  const windowEnd = Math.max(search.sentAtMs, search.answer?.atMs ?? 0) + searchWindowMs;
  const open = ctx.nowMs < windowEnd;
  // The first choice waits for the window (or enough quotes); a fallback takes what is in.
  if (attempt.candidates.length === 0 && open && eligibleOfferCount(input) < enoughQuotes) return waitUntil(windowEnd);
  const choice = choosePartner(input);
  if (!choice) {
    if (open) return waitUntil(windowEnd);
    // Not a single catalog: they may have been lost (we were restarting, the network hiccupped). Search once more before concluding.
    if (attempt.offers.length === 0 && search.sends < SEARCH_SENDS) return send(resendOf(search, ctx));
    const reason = attempt.candidates.length === 0 ? `no partner offered to carry it (${attempt.offers.length} offers, none eligible)` : `no partner left to try${triedSoFar}`;
    return exhaust(attempt, reason, ctx);
  }
  const chosen: ConversationEvent = {
    type: 'PartnerChosen',
    data: { transactionId: attempt.transactionId, offer: choice.offer, reason: choice.reason, ranking: choice.ranking, chosenAt: iso(ctx) },
  };
  return send(initRequest(attempt, shipment, choice.offer, ctx), [chosen]);
}

const initRequest = (attempt: Attempt, shipment: ShipmentDescription, offer: CatalogOffer, ctx: PlanContext): OutboundRequest =>
  toPartner('init', attempt, offer, (context) => buildInit(context, shipment, offer, attempt.billing), ctx);

function candidateStep(state: ConversationState, attempt: Attempt, shipment: ShipmentDescription, candidate: Candidate, ctx: PlanContext): Step {
  const init = requestOf(state, candidate.initMessageId);
  if (!init) return send(initRequest(attempt, shipment, candidate.offer, ctx));
  const initProgress = progressOf(init, ctx);
  if (initProgress.state === 'orphaned') return send(resendOf(init, ctx));
  if (initProgress.state === 'answered' && initProgress.answer.outcome !== 'ack') {
    return fail(attempt, candidate, 'init', initProgress.answer.outcome === 'nack' ? 'nack' : 'unreachable', describeAnswer(initProgress.answer), ctx);
  }
  if (!candidate.quote) return quoteStep(state, attempt, candidate, init, ctx);
  if (!candidate.quote.accepted) return waitUntil();
  const quote = candidate.quote.quote;
  const confirm = requestOf(state, candidate.confirmMessageId);
  if (!confirm) {
    const networkOrderId = ctx.newNetworkOrderId();
    const onInit = onInitOf(state, candidate, init);
    const message = (context: ContextOf<'confirm'>) =>
      buildConfirm(context, { shipment, offer: candidate.offer, quote, buyer: attempt.billing, networkOrderId, ...(onInit ? { onInit } : {}) });
    return send(toPartner('confirm', attempt, candidate.offer, message, ctx));
  }
  const confirmProgress = progressOf(confirm, ctx);
  // The partner's /confirm is idempotent for the same order id, so a lost one is sent again as it was.
  if (confirmProgress.state === 'orphaned') return send(resendOf(confirm, ctx));
  if (confirmProgress.state === 'answered' && confirmProgress.answer.outcome !== 'ack') {
    return fail(attempt, candidate, 'confirm', confirmProgress.answer.outcome === 'nack' ? 'nack' : 'unreachable', describeAnswer(confirmProgress.answer), ctx);
  }
  const deadline = confirm.sentAtMs + ctx.settings.confirmTimeoutMs;
  if (ctx.nowMs < deadline) return waitUntil(deadline);
  // The partner took the confirm and may hold the order: its on_confirm may have been lost (a restart, the network). Ask again once.
  if (confirm.sends < CONFIRM_SENDS) return send(resendOf(confirm, ctx));
  // Still nothing: the contract's way out is to cancel with 996, so that the order is never held by two partners.
  const networkOrderId = candidate.networkOrderId ?? '';
  const failed: ConversationEvent = {
    type: 'CandidateFailed',
    data: { transactionId: attempt.transactionId, bppId: candidate.offer.bppId, step: 'confirm', why: 'timeout', detail: `no on_confirm within ${ctx.settings.confirmTimeoutMs} ms, ${confirm.sends} times`, failedAt: iso(ctx) },
  };
  const cancel = (context: ContextOf<'cancel'>) => buildCancel(context, networkOrderId, lbnpCancellationReason('confirmation-failed'));
  return send(toPartner('cancel', attempt, candidate.offer, cancel, ctx), [failed]);
}

/** A search that brought no catalog at all is sent this many times in all before no partner is found. */
const SEARCH_SENDS = 2;

/** A confirm the partner ACKed but never answered is sent this many times in all before the partner is given up. */
const CONFIRM_SENDS = 2;

/** The partner's answer to our /init, if it came. */
function onInitOf(state: ConversationState, candidate: Candidate, init: SentRequest): OndcMessage<'on_init'> | undefined {
  const callback = state.callbacks.find((c) => c.action === 'on_init' && c.messageId === init.messageId && c.bppId === candidate.offer.bppId);
  return callback?.body as OndcMessage<'on_init'> | undefined;
}

/** The partner's on_init: a quote that adds up and matches the catalog moves on to confirm; anything else falls back. */
function quoteStep(state: ConversationState, attempt: Attempt, candidate: Candidate, init: SentRequest, ctx: PlanContext): Step {
  const onInit = state.callbacks.find((c) => c.action === 'on_init' && c.messageId === init.messageId && c.bppId === candidate.offer.bppId);
  if (onInit) {
    const check = checkInitQuote(onInit.body as OndcMessage<'on_init'>, candidate.offer, attempt.shipment?.maxSurgeFeePaise ?? 0);
    const base = { transactionId: attempt.transactionId, bppId: candidate.offer.bppId, messageId: onInit.messageId };
    return {
      kind: 'append',
      events: [
        check.ok
          ? { type: 'QuoteAccepted', data: { ...base, totalPaise: check.totalPaise, ...(check.surgePaise ? { surgePaise: check.surgePaise } : {}), quote: check.quote, acceptedAt: iso(ctx) } }
          : { type: 'QuoteRejected', data: { ...base, problem: check.problem, detail: check.detail, code: check.nack.code, rejectedAt: iso(ctx) } },
      ],
    };
  }
  const deadline = init.sentAtMs + ctx.settings.initTimeoutMs;
  if (ctx.nowMs >= deadline) return fail(attempt, candidate, 'init', 'timeout', `no on_init within ${ctx.settings.initTimeoutMs} ms`, ctx);
  return waitUntil(deadline);
}

/**
 * A confirmed order: ready to ship sent later when confirmed early, the seller's answers to failed
 * attempts, and a /status when the partner has been quiet too long.
 */
function orderStep(state: ConversationState, attempt: Attempt, shipment: ShipmentDescription, order: PartnerOrder, ctx: PlanContext): Step {
  // The seller may answer a weight differential after the delivery settled the order: the answer still goes out.
  const differentialStep = differentialAnswerStep(state, attempt, shipment, order, ctx);
  if (differentialStep) return differentialStep;
  // A COD delivery still owes its cash: reconciled a settlement window on.
  if (order.settled) return reconStep(state, shipment, order, ctx) ?? waitUntil();
  if (!shipment.readyToShip && !lastRequest(state, 'update', order.transactionId)) {
    const message = (context: ContextOf<'update'>) =>
      buildReadyToShipUpdate(context, { shipment, offer: order.offer, networkOrderId: order.networkOrderId, buyer: attempt.billing });
    return send(toPartner('update', attempt, order.offer, message, ctx));
  }
  const answerStep = attemptAnswerStep(state, attempt, order, ctx);
  if (answerStep) return answerStep;
  const promise = state.tatBreach ? undefined : tatPromiseOf(state, shipment, order);
  const breachAt = promise ? promise.byMs + ctx.settings.tatGraceMs : undefined;
  if (promise && breachAt !== undefined && ctx.nowMs >= breachAt) {
    const breached: ConversationEvent = {
      type: 'TatBreached',
      data: { transactionId: order.transactionId, bppId: order.bppId, networkOrderId: order.networkOrderId, stage: promise.stage, promisedBy: rfc3339(promise.byMs), breachedAt: iso(ctx) },
    };
    return send(cancelRequest(attempt, order, 'tat-breached', ctx), [breached]);
  }
  const lastPoll = lastRequest(state, 'status', order.transactionId);
  const pollAt = Math.max(order.lastHeardAtMs, lastPoll?.sentAtMs ?? 0) + ctx.settings.statusPollMs;
  if (ctx.nowMs < pollAt) return waitUntil(breachAt === undefined ? pollAt : Math.min(pollAt, breachAt));
  return send(toPartner('status', attempt, order.offer, (context) => buildStatus(context, order.networkOrderId), ctx));
}

/**
 * What the partner promised and has not done yet: the pickup by the end of its pickup slot (or,
 * without one, its catalog's pickup time after ready to ship), then the delivery by the end of the
 * delivery window it last gave (or, without one, the catalog's TAT after ready to ship). Undefined
 * when it promised nothing we can hold it to, or the order is not ready to ship yet.
 */
export function tatPromiseOf(state: ConversationState, shipment: ShipmentDescription, order: PartnerOrder): { stage: TatStage; byMs: number } | undefined {
  // Confirmed not ready: the clock starts with the ready-to-ship /update, the first update of the order.
  const readyAtMs = shipment.readyToShip ? order.confirmedAtMs : state.requests.find((r) => r.action === 'update' && r.transactionId === order.transactionId)?.sentAtMs;
  if (readyAtMs === undefined) return undefined;
  const minutes = (m: number | undefined) => (m === undefined ? undefined : readyAtMs + m * 60_000);
  if (!order.pickedUp) {
    const slotEnd = order.facts.pickupSlot?.end ?? order.pickupSlot?.end;
    const byMs = slotEnd !== undefined ? Date.parse(slotEnd) : minutes(order.offer.pickupMinutes);
    return byMs === undefined || Number.isNaN(byMs) ? undefined : { stage: 'pickup', byMs };
  }
  const byMs = order.deliveryBy !== undefined ? Date.parse(order.deliveryBy) : minutes(order.offer.tatMinutes);
  return byMs === undefined || Number.isNaN(byMs) ? undefined : { stage: 'delivery', byMs };
}

/** Each answer of the seller goes out once as an /update under the message id chosen for it; a lost one is sent again. */
function attemptAnswerStep(state: ConversationState, attempt: Attempt, order: PartnerOrder, ctx: PlanContext): Step | undefined {
  for (const answer of state.answers) {
    const sent = requestOf(state, answer.messageId);
    if (!sent) {
      const message = (context: ContextOf<'update'>) =>
        buildAttemptAnswerUpdate(context, { offer: order.offer, networkOrderId: order.networkOrderId, answer: answer.answer, stage: answer.stage });
      return send(toPartner('update', attempt, order.offer, message, ctx, answer.messageId));
    }
    if (progressOf(sent, ctx).state === 'orphaned') return send(resendOf(sent, ctx));
  }
  return undefined;
}

/** The partner's latest quote with the weight differential in it (its diff lines), from its callbacks about the order. */
function differentialQuoteOf(state: ConversationState, order: PartnerOrder): Quote | undefined {
  const withDiff = state.callbacks
    .filter((c) => c.transactionId === order.transactionId && c.bppId === order.bppId && isOrderCallbackAction(c.action))
    .map((c) => (c.body as OndcMessage<'on_update'>).message.order.quote)
    .filter((q): q is Quote => q !== undefined && q.breakup.some((l) => l['@ondc/org/title_type'] === 'diff'));
  return withDiff[withDiff.length - 1];
}

/**
 * Each answer of the seller to a weight differential goes out once as an /update under the message
 * id chosen for it (ADR 0037): accepting repeats the partner's quote with the differential, disputing
 * repeats the quote we confirmed. A lost one is sent again.
 */
function differentialAnswerStep(state: ConversationState, attempt: Attempt, shipment: ShipmentDescription, order: PartnerOrder, ctx: PlanContext): Step | undefined {
  for (const answer of state.differentialAnswers) {
    const sent = requestOf(state, answer.messageId);
    if (sent) {
      if (progressOf(sent, ctx).state === 'orphaned') return send(resendOf(sent, ctx));
      continue;
    }
    const quote = answer.answer === 'accepted' ? differentialQuoteOf(state, order) : order.quote;
    if (!quote) continue;
    const message = (context: ContextOf<'update'>) =>
      buildWeightDifferentialAnswer(context, { shipment, offer: order.offer, networkOrderId: order.networkOrderId, buyer: attempt.billing, quote });
    return send(toPartner('update', attempt, order.offer, message, ctx, answer.messageId));
  }
  return undefined;
}

/**
 * The seller cancelled: a confirmed order is cancelled with the partner (reason 007, the one 1.2.5
 * lets a logistics buyer give; see lbnpCancellationReason); a confirmation still awaited is waited for, so that an order the partner accepts
 * after all is cancelled too.
 */
function cancelStep(state: ConversationState, attempt: Attempt, order: PartnerOrder | undefined, ctx: PlanContext): Step {
  if (order) return partnerCancelStep(state, attempt, order, ctx);
  const candidate = currentCandidate(attempt);
  const confirm = requestOf(state, candidate?.confirmMessageId);
  if (!confirm || (confirm.answer && confirm.answer.outcome !== 'ack')) return waitUntil();
  const deadline = confirm.sentAtMs + ctx.settings.confirmTimeoutMs;
  return ctx.nowMs < deadline ? waitUntil(deadline) : waitUntil();
}

const cancelRequest = (attempt: Attempt, order: PartnerOrder, cause: LbnpCancellationCause, ctx: PlanContext): OutboundRequest =>
  toPartner('cancel', attempt, order.offer, (context) => buildCancel(context, order.networkOrderId, lbnpCancellationReason(cause)), ctx);

/**
 * A /cancel lands when the partner confirms it (on_cancel, or any callback saying the order is
 * cancelled; drawn by the report planner). A try fails on a NACK, on no answer, or on an ACK with
 * no confirmation within the timeout; the next one follows after a doubling backoff, with its own
 * message id (the partner answered the last one). After the last try the cancellation is given up:
 * the domain records the failure and the seller is told. Each try's record is appended before it
 * leaves, so a restart continues the count from the stream.
 */
function partnerCancelStep(state: ConversationState, attempt: Attempt, order: PartnerOrder, ctx: PlanContext, cause: LbnpCancellationCause = 'seller-cancelled'): Step {
  if (order.settled || state.cancelAbandoned) return waitUntil();
  const cancels = cancelRequestsOf(state, order);
  const last = cancels[cancels.length - 1];
  const newCancel = () => send(cancelRequest(attempt, order, cause, ctx));
  if (!last) return newCancel();
  const progress = progressOf(last, ctx);
  if (progress.state === 'orphaned') return send(resendOf(last, ctx));
  if (progress.state === 'in-flight') return waitUntil();
  if (progress.state === 'pending') return waitUntil(progress.untilMs);
  const { answer } = progress;
  const { cancelTimeoutMs, cancelRetry } = ctx.settings;
  let failedAtMs = answer.atMs;
  let failure = describeAnswer(answer);
  if (answer.outcome === 'ack') {
    failedAtMs = answer.atMs + cancelTimeoutMs;
    if (ctx.nowMs < failedAtMs) return waitUntil(failedAtMs);
    failure = `ACK, but no on_cancel within ${cancelTimeoutMs} ms`;
  }
  if (cancels.length >= cancelRetry.attempts) {
    return {
      kind: 'append',
      events: [
        {
          type: 'PartnerCancellationAbandoned',
          data: {
            transactionId: order.transactionId,
            bppId: order.bppId,
            networkOrderId: order.networkOrderId,
            attempts: cancels.length,
            reason: `${cancels.length} /cancel requests, none confirmed; the last: ${failure}`,
            abandonedAt: iso(ctx),
          },
        },
      ],
    };
  }
  const retryAt = failedAtMs + backoffCeilingMs(cancelRetry, cancels.length);
  return ctx.nowMs < retryAt ? waitUntil(retryAt) : newCancel();
}
