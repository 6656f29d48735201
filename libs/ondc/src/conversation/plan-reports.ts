import { CANCELLATION_REASONS } from '../error-codes';
import { readOrderCallback } from '../parsers';
import type { OndcMessage } from '../types';
import type { OrderCallbackAction, PartnerUpdate } from '../parsers';
import type { ConversationEvent, ProcessedResult } from './conversation-events';
import { ConversationState, PartnerOrder, RecordedCallback, attemptOf, currentCandidate, currentAttempt, isOrderCallbackAction, newDifferential } from './conversation-state';
import { newPartnerFacts } from './partner-facts';
import { CommandResult, DomainCommandSpec, PlanContext, Step, TERMINAL_REPORTS, iso } from './steps';

/**
 * What partners' order callbacks (on_confirm, on_status, on_update, on_cancel) come to, one at a
 * time in the order they were recorded: the acceptance of our confirm, a report for the domain, or
 * nothing. And the domain commands the conversation owes (partner assigned, no partner found).
 */

export const assignKey = (bppId: string, networkOrderId: string): string => `ondc-assign:${bppId}:${networkOrderId}`;
export const noPartnerKey = (transactionId: string): string => `ondc-no-partner:${transactionId}`;
/** The brief's rule: a partner's report is applied once per partner and message id. */
export const reportKey = (bppId: string, messageId: string): string => `ondc:${bppId}:${messageId}`;
/** The late facts of one callback, forwarded once. */
export const detailsKey = (bppId: string, messageId: string): string => `ondc-details:${bppId}:${messageId}`;
/** A weight differential of one callback, told once. */
export const differentialKey = (bppId: string, messageId: string): string => `ondc-weight-diff:${bppId}:${messageId}`;
/** The outcome of the seller's cancellation with one partner order, recorded once (a confirmation after a failure is a new fact). */
export const cancelOutcomeKey = (outcome: 'confirmed' | 'failed', bppId: string, networkOrderId: string): string => `ondc-cancel-${outcome}:${bppId}:${networkOrderId}`;

/** The /cancel requests sent for the confirmed order, oldest first. */
export const cancelRequestsOf = (state: ConversationState, order: PartnerOrder) =>
  state.requests.filter((r) => r.action === 'cancel' && r.transactionId === order.transactionId && r.bppId === order.bppId);

const readUpdate = (callback: RecordedCallback): PartnerUpdate => readOrderCallback(callback.body as OndcMessage<OrderCallbackAction>);

/** The partner says it has our order and keeps it. */
const accepts = (update: PartnerUpdate): boolean =>
  !update.error && update.orderState !== 'Cancelled' && !update.cancellation && (update.report === undefined || !TERMINAL_REPORTS.has(update.report));

/** The partner says no: an error, or the order cancelled as soon as it was confirmed. */
const refuses = (update: PartnerUpdate): boolean => update.error !== undefined || update.orderState === 'Cancelled' || update.report === 'cancelled';

const REASON_TEXTS: Readonly<Record<string, string>> = {
  [CANCELLATION_REASONS.TAT_BREACHED]: 'TAT breached: not picked up or delivered within the promised time',
  [CANCELLATION_REASONS.NOT_READY_FOR_PICKUP]: 'the parcel was not ready for pickup',
  [CANCELLATION_REASONS.BUYER_NOT_FOUND]: 'the buyer could not be found or contacted',
  '012': 'the buyer does not want the product any more',
  [CANCELLATION_REASONS.BUYER_REFUSED]: 'the buyer refused the delivery',
  '014': 'address not found',
  '015': 'the buyer was not available at the location',
  [CANCELLATION_REASONS.LSP_VEHICLE_ISSUES]: 'accident, rain, strike or vehicle issues',
  '017': 'delivery delayed or not possible',
  '018': 'the delivery PIN code is not serviceable',
  [CANCELLATION_REASONS.MERCHANT_REJECTED]: 'the seller cancelled',
  [CANCELLATION_REASONS.LBNP_CONFIRMATION_FAILURE]: 'the confirmation failed on our side',
  [CANCELLATION_REASONS.LSP_CONFIRMATION_FAILURE]: 'the confirmation failed on the partner side',
};

/** The text of an ONDC cancellation reason id, when we know it. */
export const cancellationReasonText = (reasonId: string): string | undefined => REASON_TEXTS[reasonId];

function reasonOf(state: ConversationState, update: PartnerUpdate): string | undefined {
  const breach = state.tatBreach;
  // Our own cancellation for a breached TAT, taken by the partner: say what was promised and missed.
  if (breach && (update.report === 'cancelled' || update.report === 'rto_initiated')) {
    return `TAT breached: ${breach.stage === 'pickup' ? 'not picked up' : 'not delivered'} by ${breach.promisedBy} (ONDC cancellation reason ${CANCELLATION_REASONS.TAT_BREACHED})`;
  }
  const cancellation = update.cancellation;
  if (!cancellation) return undefined;
  const text = REASON_TEXTS[cancellation.reasonId];
  return `ONDC cancellation reason ${cancellation.reasonId}${text ? ` (${text})` : ''}, by ${cancellation.cancelledBy}`;
}

/** The reason id a report carries: the delay's for a failed attempt, the cancellation's for a cancellation or a return to origin. */
function reasonCodeOf(state: ConversationState, update: PartnerUpdate): string | undefined {
  if (update.delay?.reasonId) return update.delay.reasonId;
  if (update.report !== 'cancelled' && update.report !== 'rto_initiated') return undefined;
  return state.tatBreach ? CANCELLATION_REASONS.TAT_BREACHED : update.cancellation?.reasonId;
}

export function processed(
  callback: RecordedCallback,
  ctx: PlanContext,
  result: ProcessedResult,
  extra: { detail?: string; report?: PartnerUpdate['report']; settles?: boolean; reconOwed?: boolean } = {},
): ConversationEvent {
  return {
    type: 'CallbackProcessed',
    data: {
      transactionId: callback.transactionId,
      bppId: callback.bppId,
      messageId: callback.messageId,
      timestamp: callback.timestamp,
      result,
      ...(extra.report ? { report: extra.report } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(extra.settles ? { settles: true } : {}),
      ...(extra.reconOwed ? { reconOwed: true } : {}),
      processedAt: iso(ctx),
    },
  };
}

/** A callback from the partner we sent /confirm to, before any order is confirmed: the answer to our confirm. */
function confirmationStep(state: ConversationState, callback: RecordedCallback, update: PartnerUpdate, ctx: PlanContext): Step {
  const attempt = attemptOf(state, callback.transactionId);
  const candidate = attempt === currentAttempt(state) ? currentCandidate(attempt) : undefined;
  const ours = candidate && candidate.offer.bppId === callback.bppId && candidate.networkOrderId !== undefined && update.networkOrderId === candidate.networkOrderId;
  if (!candidate || !ours) return { kind: 'append', events: [processed(callback, ctx, 'not-for-the-current-order')] };
  if (refuses(update)) {
    const detail = update.error ? `${update.error.code}: ${update.error.message ?? ''}`.trim() : `order ${update.orderState ?? 'cancelled'}${update.cancellation ? ` (reason ${update.cancellation.reasonId})` : ''}`;
    return {
      kind: 'append',
      events: [
        { type: 'CandidateFailed', data: { transactionId: callback.transactionId, bppId: callback.bppId, step: 'confirm', why: 'rejected', detail, failedAt: iso(ctx) } },
        processed(callback, ctx, 'nothing-to-report', { detail: `the partner refused the order: ${detail}` }),
      ],
    };
  }
  if (!accepts(update)) return { kind: 'append', events: [processed(callback, ctx, 'nothing-to-report', { detail: 'neither an acceptance nor a refusal' })] };
  const confirmed: ConversationEvent = {
    type: 'OrderConfirmed',
    data: {
      transactionId: callback.transactionId,
      bppId: callback.bppId,
      partnerName: candidate.offer.providerName,
      networkOrderId: candidate.networkOrderId!,
      callbackMessageId: callback.messageId,
      ...(update.awb ? { awb: update.awb } : {}),
      ...(update.trackingUrl ? { trackingUrl: update.trackingUrl } : {}),
      ...(update.pickupSlot ? { pickupSlot: update.pickupSlot } : {}),
      confirmedAt: iso(ctx),
    },
  };
  // The callback stays unprocessed: once the assignment is recorded, any report it carries is applied like any other.
  return { kind: 'append', events: [confirmed] };
}

/**
 * A callback about the confirmed order: first the facts it brings that the domain lacks (an AWB
 * sent late, a label, a pickup slot, an agent), then its report, if it makes one. Once the seller
 * cancelled, the partner's word that the order is cancelled is the outcome of that cancellation.
 */
function reportStep(state: ConversationState, order: PartnerOrder, callback: RecordedCallback, update: PartnerUpdate, ctx: PlanContext): Step {
  const facts = newPartnerFacts(update, order.facts);
  const factsKey = detailsKey(callback.bppId, callback.messageId);
  if (facts && state.notified[factsKey] === undefined) {
    return {
      kind: 'command',
      spec: {
        command: 'RecordPartnerDetails',
        idempotencyKey: factsKey,
        transactionId: callback.transactionId,
        callback,
        facts,
        data: {
          partnerId: callback.bppId,
          reportedAt: update.reportedAt,
          ...(facts.awb ? { awb: facts.awb } : {}),
          ...(facts.labelUrl ? { labelUrl: facts.labelUrl } : {}),
          ...(facts.trackingUrl ? { trackingUrl: facts.trackingUrl } : {}),
          ...(facts.pickupSlot ? { pickupSlot: facts.pickupSlot } : {}),
          ...(facts.agent?.name ? { agentName: facts.agent.name } : {}),
          ...(facts.agent?.phone ? { agentPhone: facts.agent.phone } : {}),
        },
      },
    };
  }
  if (state.sellerCancel && update.report === 'cancelled') {
    return {
      kind: 'command',
      spec: {
        command: 'RecordPartnerCancellationOutcome',
        idempotencyKey: cancelOutcomeKey('confirmed', order.bppId, order.networkOrderId),
        transactionId: callback.transactionId,
        callback,
        data: { partnerId: callback.bppId, outcome: 'confirmed', attempts: cancelRequestsOf(state, order).length, reportedAt: update.reportedAt },
      },
    };
  }
  if (!update.report) {
    const detail = update.unreadableStates.length > 0 ? `unreadable states: ${update.unreadableStates.join(', ')}` : undefined;
    return { kind: 'append', events: [processed(callback, ctx, 'nothing-to-report', detail ? { detail } : {})] };
  }
  const reason = reasonOf(state, update);
  const reasonCode = reasonCodeOf(state, update);
  const reconOwed = update.report === 'delivered' && attemptOf(state, order.transactionId)?.shipment?.cod !== undefined;
  return {
    kind: 'command',
    spec: {
      command: 'RecordPartnerReport',
      idempotencyKey: reportKey(callback.bppId, callback.messageId),
      transactionId: callback.transactionId,
      callback,
      ...(reconOwed ? { reconOwed } : {}),
      data: {
        partnerId: callback.bppId,
        report: update.report,
        reportedAt: update.reportedAt,
        ...(update.agent?.name ? { agentName: update.agent.name } : {}),
        ...(update.agent?.phone ? { agentPhone: update.agent.phone } : {}),
        ...(reason ? { reason } : {}),
        ...(reasonCode ? { reasonCode } : {}),
        ...(update.report === 'delivered' && update.codCollectedPaise !== undefined ? { codCollectedPaise: update.codCollectedPaise } : {}),
        ...(update.delay?.nextAttemptAt ? { nextAttemptAt: update.delay.nextAttemptAt } : {}),
      },
    },
  };
}

/** The oldest order callback whose consequences are not drawn yet, and what they are. */
export function nextCallbackStep(state: ConversationState, ctx: PlanContext): Step | undefined {
  const callback = state.callbacks.find((c) => isOrderCallbackAction(c.action) && !c.processed);
  if (!callback) return undefined;
  const update = readUpdate(callback);
  const order = state.partnerOrder;
  if (!order || order.transactionId !== callback.transactionId) {
    // A retried ready to ship searches again: its transaction may confirm even though an earlier one had a partner.
    const awaitingConfirmation = callback.transactionId === currentAttempt(state)?.transactionId;
    return awaitingConfirmation ? confirmationStep(state, callback, update, ctx) : { kind: 'append', events: [processed(callback, ctx, 'not-for-the-current-order')] };
  }
  if (order.bppId !== callback.bppId || (update.networkOrderId && update.networkOrderId !== order.networkOrderId)) {
    return { kind: 'append', events: [processed(callback, ctx, 'not-for-the-current-order')] };
  }
  // The domain hears of the partner first: its reports and facts are refused until the assignment is in.
  if (!state.sellerCancel && state.notified[assignKey(order.bppId, order.networkOrderId)] === undefined) return undefined;
  return reportStep(state, order, callback, update, ctx);
}

const chargesDifferential = (callback: RecordedCallback): boolean =>
  ((callback.body as Partial<OndcMessage<OrderCallbackAction>>).message?.order?.quote?.breakup ?? []).some((line) => line['@ondc/org/title_type'] === 'diff');

/**
 * A weight differential a callback of the confirmed partner brought, told to the domain once the
 * callback's own report is in (the domain records a differential only once the parcel is picked up,
 * and the callback that brings it may be the one that says so).
 */
export function differentialStep(state: ConversationState): Step | undefined {
  const order = state.partnerOrder;
  if (!order) return undefined;
  for (const callback of state.callbacks) {
    if (!callback.processed || callback.transactionId !== order.transactionId || callback.bppId !== order.bppId || !isOrderCallbackAction(callback.action)) continue;
    // Planned at every step over every callback kept (status polls add up): the quote is looked at before the whole callback is read.
    if (!chargesDifferential(callback)) continue;
    const update = readUpdate(callback);
    if (update.networkOrderId && update.networkOrderId !== order.networkOrderId) continue;
    const differential = newDifferential(update, order);
    const key = differentialKey(callback.bppId, callback.messageId);
    if (!differential || state.notified[key] !== undefined) continue;
    const told = { amountPaise: differential.amountPaise, taxPaise: differential.taxPaise, measuredWeightGrams: differential.measuredWeightGrams };
    return {
      kind: 'command',
      spec: {
        command: 'RecordWeightDifferential',
        idempotencyKey: key,
        transactionId: callback.transactionId,
        callback,
        told,
        data: {
          partnerId: callback.bppId,
          ...told,
          ...(differential.measuredDimensionsCm ? { measuredDimensionsCm: differential.measuredDimensionsCm } : {}),
          ...(differential.proofUrl ? { proofUrl: differential.proofUrl } : {}),
          reportedAt: callback.timestamp,
        },
      },
    };
  }
  return undefined;
}

/** Commands the conversation owes the domain: the partner assigned once confirmed, or no partner found once exhausted. */
export function pendingCommandStep(state: ConversationState): Step | undefined {
  const abandoned = state.cancelAbandoned;
  if (abandoned) {
    const key = cancelOutcomeKey('failed', abandoned.bppId, abandoned.networkOrderId);
    if (state.notified[key] !== undefined) return undefined;
    return {
      kind: 'command',
      spec: {
        command: 'RecordPartnerCancellationOutcome',
        idempotencyKey: key,
        transactionId: abandoned.transactionId,
        data: { partnerId: abandoned.bppId, outcome: 'failed', attempts: abandoned.attempts, reason: abandoned.reason, reportedAt: new Date(abandoned.atMs).toISOString() },
      },
    };
  }
  if (state.sellerCancel) return undefined;
  const order = state.partnerOrder;
  if (order && state.notified[assignKey(order.bppId, order.networkOrderId)] === undefined) {
    return {
      kind: 'command',
      spec: {
        command: 'AssignLogisticsPartner',
        idempotencyKey: assignKey(order.bppId, order.networkOrderId),
        transactionId: order.transactionId,
        data: {
          partnerId: order.bppId,
          partnerName: order.partnerName,
          networkOrderId: order.networkOrderId,
          ...(order.awb ? { awb: order.awb } : {}),
          ...(order.trackingUrl ? { trackingUrl: order.trackingUrl } : {}),
          ...(order.pickupSlot ? { pickupSlot: order.pickupSlot } : {}),
          ...(order.surgePaise ? { surgeFeePaise: order.surgePaise } : {}),
        },
      },
    };
  }
  const attempt = currentAttempt(state);
  if (attempt?.exhausted && state.notified[noPartnerKey(attempt.transactionId)] === undefined) {
    return {
      kind: 'command',
      spec: {
        command: 'RecordNoPartnerFound',
        idempotencyKey: noPartnerKey(attempt.transactionId),
        transactionId: attempt.transactionId,
        data: { reason: attempt.exhausted.reason, candidatesTried: attempt.exhausted.candidatesTried },
      },
    };
  }
  return undefined;
}

/** What is recorded once a command ran: the callback processed, or the domain notified. */
export function recordOfCommand(spec: DomainCommandSpec, outcome: CommandResult, ctx: PlanContext): ConversationEvent {
  const detail = outcome.result === 'refused' ? outcome.detail : undefined;
  if (spec.command === 'RecordPartnerCancellationOutcome' && spec.callback) {
    // The partner's word that the order is cancelled: nothing more will come of it.
    return processed(spec.callback, ctx, outcome.result === 'applied' ? 'reported' : 'refused-by-domain', { report: 'cancelled', ...(detail ? { detail } : {}), settles: true });
  }
  if (spec.command === 'RecordPartnerReport') {
    const settles = outcome.result === 'applied' && TERMINAL_REPORTS.has(spec.data.report);
    return processed(spec.callback, ctx, outcome.result === 'applied' ? 'reported' : 'refused-by-domain', {
      report: spec.data.report,
      ...(detail ? { detail } : {}),
      ...(settles ? { settles } : {}),
      ...(settles && spec.reconOwed ? { reconOwed: true } : {}),
    });
  }
  if (spec.command === 'RecordCodSettlement') {
    // A refusal ends it as surely as a settlement: asking again would be refused again.
    const settles = spec.closes || outcome.result === 'refused';
    return processed(spec.callback, ctx, outcome.result === 'applied' ? 'reported' : 'refused-by-domain', { ...(detail ? { detail } : {}), ...(settles ? { settles } : {}) });
  }
  return {
    type: 'DomainNotified',
    data: {
      transactionId: spec.transactionId,
      command: spec.command,
      idempotencyKey: spec.idempotencyKey,
      result: outcome.result,
      ...(detail ? { detail } : {}),
      ...(spec.command === 'RecordPartnerDetails' ? { details: spec.facts } : {}),
      ...(spec.command === 'RecordWeightDifferential' ? { differential: spec.told } : {}),
      // No partner found, or a cancellation failed for good: nothing is left to do until someone acts.
      ...(spec.command === 'RecordNoPartnerFound' || spec.command === 'RecordPartnerCancellationOutcome' ? { settles: true } : {}),
      notifiedAt: iso(ctx),
    },
  };
}
