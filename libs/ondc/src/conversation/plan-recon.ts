import { rfc3339 } from '../context';
import { buildRecon, readOnRecon } from '../rsf/recon-messages';
import type { ShipmentDescription } from '../messages';
import type { OndcMessage } from '../types';
import { attemptOf, type ConversationState, type PartnerOrder, type SentRequest } from './conversation-state';
import { processed } from './plan-reports';
import { PlanContext, Step, describeAnswer, iso, progressOf, resendOf, waitUntil } from './steps';

/**
 * The COD of a delivered shipment, reconciled with its partner (RSF 2.0) in the shipment's
 * conversation: a settlement window after the delivery we send /recon with what the partner owes;
 * its /on_recon goes to the domain (settled in accord, or a mismatch the seller is told of). Until
 * the partner has settled in accord, another round follows each window, up to the rounds allowed.
 */

/** One answer of a partner to one /recon is recorded once. */
export const reconKey = (bppId: string, messageId: string): string => `ondc-recon:${bppId}:${messageId}`;

const reconRounds = (state: ConversationState, order: PartnerOrder): SentRequest[] =>
  state.requests.filter((r) => r.action === 'recon' && r.transactionId === order.transactionId && r.bppId === order.bppId);

/** The oldest /on_recon not yet told to the domain. */
export function reconCallbackStep(state: ConversationState, ctx: PlanContext): Step | undefined {
  const callback = state.callbacks.find((c) => c.action === 'on_recon' && !c.processed);
  if (!callback) return undefined;
  const order = state.partnerOrder;
  const cod = order ? attemptOf(state, order.transactionId)?.shipment?.cod : undefined;
  if (!order || !cod || order.transactionId !== callback.transactionId || order.bppId !== callback.bppId) {
    return { kind: 'append', events: [processed(callback, ctx, 'not-for-the-current-order')] };
  }
  const answer = readOnRecon(callback.body as OndcMessage<'on_recon'>, order.networkOrderId);
  if ('problem' in answer) return { kind: 'append', events: [processed(callback, ctx, 'nothing-to-report', { detail: answer.problem })] };
  const claimedPaise = cod.amountPaise;
  return {
    kind: 'command',
    spec: {
      command: 'RecordCodSettlement',
      idempotencyKey: reconKey(callback.bppId, callback.messageId),
      transactionId: callback.transactionId,
      callback,
      closes: answer.accord && answer.status === 'settled' && answer.partnerPaise === claimedPaise,
      data: {
        partnerId: callback.bppId,
        claimedPaise,
        partnerPaise: answer.partnerPaise,
        status: answer.status,
        accord: answer.accord,
        ...(answer.settlementRef ? { settlementRef: answer.settlementRef } : {}),
      },
    },
  };
}

/** The next /recon of a delivered COD shipment, when one is due; undefined when none is owed. */
export function reconStep(state: ConversationState, shipment: ShipmentDescription, order: PartnerOrder, ctx: PlanContext): Step | undefined {
  if (!shipment.cod || order.deliveredAtMs === undefined || order.reconClosed) return undefined;
  const { settlementWindowMs, reconRounds: allowed } = ctx.settings;
  const rounds = reconRounds(state, order);
  const last = rounds[rounds.length - 1];
  const newRound = (): Step => {
    const context = ctx.contexts.buildRecon({ transactionId: order.transactionId, bpp: { id: order.bppId, uri: order.offer.bppUri } });
    const message = buildRecon(context, { networkOrderId: order.networkOrderId, claimedPaise: shipment.cod!.amountPaise, collectedAt: rfc3339(order.deliveredAtMs!) });
    return { kind: 'send', decisions: [], request: { action: 'recon', transactionId: order.transactionId, target: { url: order.offer.bppUri }, bppId: order.bppId, message } };
  };
  if (!last) {
    const due = order.deliveredAtMs + settlementWindowMs;
    return ctx.nowMs < due ? waitUntil(due) : newRound();
  }
  const progress = progressOf(last, ctx);
  if (progress.state === 'orphaned') return { kind: 'send', decisions: [], request: resendOf(last, ctx) };
  if (progress.state === 'in-flight') return waitUntil();
  if (progress.state === 'pending') return waitUntil(progress.untilMs);
  // Answered or not, settled or not: the partner's next chance is the next window.
  const nextAt = last.sentAtMs + settlementWindowMs;
  if (ctx.nowMs < nextAt) return waitUntil(nextAt);
  if (rounds.length < allowed) return newRound();
  const answers = state.callbacks.filter((c) => c.action === 'on_recon' && c.transactionId === order.transactionId).length;
  return {
    kind: 'append',
    events: [
      {
        type: 'CodReconciliationAbandoned',
        data: {
          transactionId: order.transactionId,
          bppId: order.bppId,
          networkOrderId: order.networkOrderId,
          rounds: rounds.length,
          reason: `${rounds.length} /recon rounds, ${answers} answered, none settled in accord; the last: ${describeAnswer(progress.answer)}`,
          abandonedAt: iso(ctx),
        },
      },
    ],
  };
}
