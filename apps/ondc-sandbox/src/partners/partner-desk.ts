import { randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AckOrNack,
  CANCELLATION_REASONS,
  CallbackAction,
  Fulfillment,
  FulfillmentState,
  MessageByAction,
  ONDC_ERRORS,
  OndcErrorCode,
  OndcContext,
  OndcHttpClient,
  OndcMessage,
  RequestAction,
  ack,
  distanceKm,
  inr,
  parseRupees,
  isCancellationReasonId,
  isoDurationToMinutes,
  nack,
  parseGps,
  readAttemptAnswer,
  readWeightDifferentialAnswer,
  rfc3339,
} from '@fulfil/ondc';
import { Refusal, refusal } from '../inbound';
import { SANDBOX_OPTIONS, SandboxNetwork, SandboxPartner } from '../network';
import { SANDBOX_HTTP_RETRY, SANDBOX_HTTP_TIMEOUT_MS } from '../sandbox-http';
import { DEFAULT_REPLY_DELAY_MS, PartnerName, SandboxOptions } from '../sandbox-options';
import { SandboxClock } from '../sandbox-clock';
import { InitQuote, PartnerBook, SandboxOrder } from './partner-book';
import { callbackContext, differentialCharge, initQuoteOf, onInitMessage, orderMessage, trackingMessage } from './partner-callbacks';
import { catalogOf, quoteSearch } from './partner-catalog';
import { answersToIssue } from './partner-issues';
import { answerRecon } from './partner-recon';

export interface DeskAnswer {
  status: number;
  body: AckOrNack;
}

/** Steps of a shipment after ready to ship; RTO, failed attempts and partner cancellation are the troublemaker's, a late AWB the late-AWB partner's. */
type Step =
  | 'Awb-issued'
  | 'Agent-assigned'
  | 'Pickup-failed'
  | 'Pickup-rescheduled'
  | 'Order-picked-up'
  | 'Weight-measured'
  | 'In-transit'
  | 'Out-for-delivery'
  | 'Delivery-failed'
  | 'Delivery-rescheduled'
  | 'Order-delivered'
  | 'RTO-Initiated'
  | 'RTO-Delivered'
  | 'RTO-Disposed'
  | 'Partner-cancelled';

/** A troublemaker failing every delivery tries this many times, then returns the parcel. */
const MAX_DELIVERY_ATTEMPTS = 3;
/** `fulfillment_delay` reason ids the troublemaker gives, as in the contract's examples. */
const PICKUP_DELAY_REASON = '004';
const DELIVERY_DELAY_REASON = '005';
const HOUR_MS = 3_600_000;

const AGENTS = [
  { name: 'Ravi Kumar', phone: '9876543210' },
  { name: 'Lakshmi Devi', phone: '9845012345' },
  { name: 'Imran Shaikh', phone: '9822098220' },
];
const PICKED_UP_OR_LATER: ReadonlySet<FulfillmentState> = new Set(['Order-picked-up', 'In-transit', 'At-destination-hub', 'Out-for-delivery', 'At-delivery', 'Order-delivered']);
const DEFAULT_PICKUP_MINUTES = 60;
/** How many steps the troublemakers that miss their TAT promise (miss-pickup, stall-in-transit). */
const PROMISE_STEPS = 3;

const accepted = (): DeskAnswer => ({ status: 200, body: ack() });
const refused = (r: Refusal): DeskAnswer => ({ status: r.status, body: r.body });
const domainRefusal = (code: OndcErrorCode, detail: string): DeskAnswer => ({ status: 200, body: nack('DOMAIN-ERROR', code, detail) });

function journeyOf(order: SandboxOrder): Step[] {
  // A partner that sends its AWB late says it in an on_update before anything moves.
  // 1.2.5: only intercity (P2H2P) shipments have an AWB.
  const journey = order.partner.setup.lateAwb && order.option.type === 'P2H2P' && !order.awb ? ['Awb-issued' as const, ...forwardJourneyOf(order)] : forwardJourneyOf(order);
  // A partner that weighs parcels does it right after the pickup, and says so in an on_update.
  const pickup = journey.indexOf('Order-picked-up');
  return order.partner.setup.measuredWeightGrams !== undefined && pickup >= 0 ? [...journey.slice(0, pickup + 1), 'Weight-measured', ...journey.slice(pickup + 1)] : journey;
}

/** What a parcel declared at `declaredGrams` costs more at `measuredGrams`: a flat rate per started extra kilogram, GST included. */
const DIFFERENTIAL_PER_KG_PAISE = 2_360;
const declaredGramsOf = (order: SandboxOrder): number => {
  const weight = order.confirmed['@ondc/org/linked_order']?.order.weight;
  return weight ? Math.round(weight.value * (weight.unit === 'kilogram' ? 1000 : 1)) : 0;
};

function forwardJourneyOf(order: SandboxOrder): Step[] {
  const { setup } = order.partner;
  const transit: Step[] = order.option.type === 'P2H2P' ? ['In-transit'] : [];
  if (setup.name === 'troublemaker' && setup.trouble === 'cancel') return ['Agent-assigned', 'Partner-cancelled'];
  // The promised time passes with nothing more: the buyer's TAT-breach /cancel is what moves it on.
  if (setup.name === 'troublemaker' && setup.trouble === 'miss-pickup') return ['Agent-assigned'];
  if (setup.name === 'troublemaker' && setup.trouble === 'stall-in-transit') return ['Agent-assigned', 'Order-picked-up', ...transit];
  if (setup.name === 'troublemaker' && setup.trouble === 'rto-disposed') return ['Agent-assigned', 'Order-picked-up', ...transit, 'Out-for-delivery', 'RTO-Initiated', 'RTO-Disposed'];
  if (setup.name === 'troublemaker' && setup.trouble === 'fail-pickup-once') {
    return ['Agent-assigned', 'Pickup-failed', 'Pickup-rescheduled', 'Order-picked-up', ...transit, 'Out-for-delivery', 'Order-delivered'];
  }
  // Then it waits for the buyer's word (an /update with the seller's answer).
  if (setup.name === 'troublemaker' && setup.trouble?.startsWith('fail-delivery')) return ['Agent-assigned', 'Order-picked-up', ...transit, 'Out-for-delivery', 'Delivery-failed'];
  if (setup.name === 'troublemaker') return ['Agent-assigned', 'Order-picked-up', ...transit, 'Out-for-delivery', 'RTO-Initiated', 'RTO-Delivered'];
  return ['Agent-assigned', 'Order-picked-up', ...transit, 'Out-for-delivery', 'Order-delivered'];
}

/** 14 digits, no leading zero: AWBs run 11 to 16 digits. */
const newAwb = (): string => `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e4)).padStart(4, '0')}`;

const isOpen = (order: SandboxOrder): boolean => order.orderState !== 'Cancelled' && order.orderState !== 'Completed';

const readyToShip = (fulfillment: Fulfillment | undefined): boolean =>
  fulfillment?.tags?.some((t) => t.code === 'state' && t.list.some((i) => i.code === 'ready_to_ship' && i.value.toLowerCase() === 'yes')) ?? false;

/**
 * What the partners do: answer each admitted request at once (ACK or NACK), send the callback a
 * moment later, and move accepted shipments through their states on the sandbox clock, telling the
 * buyer with unsolicited callbacks.
 */
@Injectable()
export class PartnerDesk {
  private readonly logger = new Logger('OndcSandboxPartners');
  private readonly books = new Map<PartnerName, PartnerBook>();
  private readonly clients = new Map<PartnerName, OndcHttpClient>();
  private readonly journeys = new Map<SandboxOrder, Step[]>();

  constructor(
    private readonly network: SandboxNetwork,
    private readonly clock: SandboxClock,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
  ) {
    for (const partner of network.partners.values()) {
      this.books.set(partner.setup.name, new PartnerBook());
      this.clients.set(partner.setup.name, new OndcHttpClient({ signer: () => network.signerOf(partner), retry: options.callbackRetry ?? SANDBOX_HTTP_RETRY, timeoutMs: SANDBOX_HTTP_TIMEOUT_MS }));
    }
  }

  handle<A extends RequestAction>(partner: SandboxPartner, action: A, message: OndcMessage<A>): DeskAnswer {
    if (action !== 'search' && message.context.bpp_id !== partner.subscriberId) {
      return refused(refusal(400, 'CONTEXT-ERROR', ONDC_ERRORS.LSP_INVALID_REQUEST, `addressed to ${message.context.bpp_id ?? 'nobody'}`, 'context.bpp_id'));
    }
    const answersThis = action === 'search' && partner.setup.silentFrom === 'init';
    if (partner.profile.silent && !answersThis) return accepted();
    // The map pairs each action with its handler; TypeScript cannot follow the pairing through a generic index.
    return (this.handlers[action] as (p: SandboxPartner, m: OndcMessage<A>) => DeskAnswer)(partner, message);
  }

  private readonly handlers: { [K in RequestAction]: (partner: SandboxPartner, message: OndcMessage<K>) => DeskAnswer } = {
    search: (p, m) => this.search(p, m),
    init: (p, m) => this.init(p, m),
    confirm: (p, m) => this.confirm(p, m),
    update: (p, m) => this.update(p, m),
    status: (p, m) => this.status(p, m),
    track: (p, m) => this.track(p, m),
    cancel: (p, m) => this.cancel(p, m),
    issue: (p, m) => this.issue(p, m),
    recon: (p, m) => this.recon(p, m),
  };

  /** The transactions whose searches each partner leaves unanswered (`ignoreFirstSearches`); a search sent again stays ignored. */
  private readonly ignoredSearches = new Map<string, Set<string>>();

  private ignoresSearch(partner: SandboxPartner, transactionId: string): boolean {
    const ignored = this.ignoredSearches.get(partner.setup.name) ?? new Set<string>();
    this.ignoredSearches.set(partner.setup.name, ignored);
    if (ignored.has(transactionId)) return true;
    if (ignored.size >= (partner.setup.ignoreFirstSearches ?? 0)) return false;
    ignored.add(transactionId);
    return true;
  }

  private book(partner: SandboxPartner): PartnerBook {
    const book = this.books.get(partner.setup.name);
    if (!book) throw new Error(`partner ${partner.setup.name} is not taking part`);
    return book;
  }

  private search(partner: SandboxPartner, search: OndcMessage<'search'>): DeskAnswer {
    if (this.ignoresSearch(partner, search.context.transaction_id)) {
      this.logger.debug(`${partner.setup.name} leaves search ${search.context.transaction_id} unanswered (one of its first ${partner.setup.ignoreFirstSearches})`);
      return accepted();
    }
    const answer = quoteSearch(partner, search, Date.now());
    if ('declined' in answer) {
      this.logger.debug(`${partner.setup.name} does not answer search ${search.context.transaction_id}: ${answer.declined}`);
      return accepted();
    }
    this.book(partner).rememberQuotes(search.context.transaction_id, answer.quotes);
    this.reply(partner, search.context, 'on_search', search.context.message_id, catalogOf(partner, answer.quotes, answer.distanceKm));
    return accepted();
  }

  private init(partner: SandboxPartner, init: OndcMessage<'init'>): DeskAnswer {
    const transaction = this.book(partner).transaction(init.context.transaction_id);
    const option = transaction?.quotes.find((q) => q.itemId === init.message.order.items[0]?.id);
    if (!transaction || !option) return domainRefusal(ONDC_ERRORS.LSP_QUOTE_UNAVAILABLE, 'no quote of ours for this transaction and item');
    const [fulfillment] = init.message.order.fulfillments;
    const from = parseGps(fulfillment?.start?.location?.gps ?? '');
    const to = parseGps(fulfillment?.end?.location?.gps ?? '');
    const limit = partner.profile.maxDistanceKm;
    if (limit !== undefined && from && to && distanceKm(from, to) > limit) return domainRefusal(ONDC_ERRORS.LSP_DISTANCE_EXCEEDED, `beyond ${limit} km`);
    if (partner.setup.name === 'nacker' && (partner.setup.nackAt ?? 'init') === 'init') return domainRefusal(ONDC_ERRORS.LSP_NO_AGENTS, 'no riders free');
    transaction.initQuote = { option, quote: initQuoteOf(option) };
    this.reply(partner, init.context, 'on_init', init.context.message_id, onInitMessage(option, init.message));
    return accepted();
  }

  private confirm(partner: SandboxPartner, confirm: OndcMessage<'confirm'>): DeskAnswer {
    const { order } = confirm.message;
    const book = this.book(partner);
    const existing = book.order(confirm.context.transaction_id, order.id);
    if (existing) {
      // The contract makes /confirm idempotent: the same order gets the same answer.
      this.reply(partner, confirm.context, 'on_confirm', confirm.context.message_id, orderMessage(existing, Date.now()));
      return accepted();
    }
    const initQuote = book.transaction(confirm.context.transaction_id)?.initQuote;
    if (!initQuote) return domainRefusal(ONDC_ERRORS.LSP_ORDER_VALIDATION_FAILURE, 'no /init preceded this /confirm');
    if (order.items[0]?.id !== initQuote.option.itemId || order.quote.price.value !== initQuote.quote.price.value) {
      return domainRefusal(ONDC_ERRORS.LSP_ORDER_VALIDATION_FAILURE, 'items or quote differ from on_init');
    }
    if (partner.setup.name === 'nacker' && partner.setup.nackAt === 'confirm') return domainRefusal(ONDC_ERRORS.LSP_ORDER_CONFIRM_ERROR, 'cannot take orders now');
    const opened = this.openOrder(partner, confirm, initQuote);
    book.addOrder(opened);
    this.reply(partner, confirm.context, 'on_confirm', confirm.context.message_id, orderMessage(opened, Date.now()), (answer) => {
      if (answer !== 'ack') this.failConfirmation(partner, opened);
    });
    if (opened.readyToShip) this.startJourney(opened);
    return accepted();
  }

  private openOrder(partner: SandboxPartner, confirm: OndcMessage<'confirm'>, initQuote: InitQuote): SandboxOrder {
    const { order } = confirm.message;
    const partnerUrl = this.network.urlOf(partner);
    const opened: SandboxOrder = {
      id: order.id,
      partner,
      context: confirm.context,
      option: initQuote.option,
      quote: initQuote.quote,
      confirmed: order,
      orderState: 'Accepted',
      fulfillmentState: 'Pending',
      readyToShip: readyToShip(order.fulfillments[0]),
      trackingUrl: `${partnerUrl}/track/${order.id}`,
    };
    if (opened.option.type === 'P2H2P' && !partner.setup.lateAwb) opened.awb = newAwb();
    if (opened.readyToShip) this.readyForPickup(opened);
    return opened;
  }

  /** The AWB (and for P2H2P the label) of a partner that gives them after the confirmation. */
  private issueAwb(order: SandboxOrder): void {
    order.awb ??= newAwb();
    if (order.option.type === 'P2H2P') order.labelUrl = `${this.network.urlOf(order.partner)}/labels/${order.id}.pdf`;
  }

  /** After ready to ship: a pickup slot from now until the partner's usual pickup time, and for P2H2P the shipping label. */
  private readyForPickup(order: SandboxOrder): void {
    const now = Date.now();
    order.readyToShip = true;
    // The pickup-missing troublemaker promises a slot it lets pass within the sandbox's time scale.
    const promised = order.partner.setup.trouble === 'miss-pickup' ? PROMISE_STEPS * this.options.stepMs : (isoDurationToMinutes(order.partner.profile.pickupTime) ?? DEFAULT_PICKUP_MINUTES) * 60_000;
    const pickupBy = now + promised;
    order.pickupSlot = { start: rfc3339(now), end: rfc3339(pickupBy) };
    // 1.2.5 answers ready to ship with the delivery slot too: from the pickup until the TAT runs out.
    order.deliveryWindow = { start: rfc3339(pickupBy), end: rfc3339(pickupBy + (isoDurationToMinutes(order.option.tat.duration) ?? DEFAULT_PICKUP_MINUTES) * 60_000) };
    if (order.option.type === 'P2H2P' && order.awb) order.labelUrl = `${this.network.urlOf(order.partner)}/labels/${order.id}.pdf`;
  }

  private update(partner: SandboxPartner, update: OndcMessage<'update'>): DeskAnswer {
    const order = this.book(partner).order(update.context.transaction_id, update.message.order.id);
    if (!order) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${update.message.order.id}`);
    if (isOpen(order) && !order.readyToShip && readyToShip(update.message.order.fulfillments[0])) {
      this.readyForPickup(order);
      // Deferred ready to ship, as the contract has it: the AWB and label come with its on_update.
      if (partner.setup.lateAwb && order.option.type === 'P2H2P') this.issueAwb(order);
      this.startJourney(order);
    }
    const answer = readAttemptAnswer(update);
    if (answer && order.fulfillmentState === 'Delivery-failed' && !this.journeys.has(order)) this.resumeAfterFailure(order, answer);
    // The buyer's word on a weight differential: the updated quote accepted, or the charge refused (then taken back).
    const differentialAnswer = readWeightDifferentialAnswer(update);
    if (differentialAnswer && order.differential && !order.differential.answer) order.differential.answer = differentialAnswer;
    this.reply(partner, update.context, 'on_update', update.context.message_id, orderMessage(order, Date.now()));
    return accepted();
  }

  private status(partner: SandboxPartner, status: OndcMessage<'status'>): DeskAnswer {
    const order = this.book(partner).order(status.context.transaction_id, status.message.order_id);
    if (!order) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${status.message.order_id}`);
    this.reply(partner, status.context, 'on_status', status.context.message_id, orderMessage(order, Date.now()));
    return accepted();
  }

  private track(partner: SandboxPartner, track: OndcMessage<'track'>): DeskAnswer {
    const order = this.book(partner).order(track.context.transaction_id, track.message.order_id);
    if (!order) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${track.message.order_id}`);
    // The contract: tracking starts when the order is picked up; before that /track is refused with 60012.
    if (!PICKED_UP_OR_LATER.has(order.fulfillmentState)) return domainRefusal(ONDC_ERRORS.LSP_TRACKING_NOT_ENABLED, 'not picked up yet');
    this.reply(partner, track.context, 'on_track', track.context.message_id, trackingMessage(order, Date.now()));
    return accepted();
  }

  private cancel(partner: SandboxPartner, cancel: OndcMessage<'cancel'>): DeskAnswer {
    const order = this.book(partner).order(cancel.context.transaction_id, cancel.message.order_id);
    if (!order) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${cancel.message.order_id}`);
    if (!isCancellationReasonId(cancel.message.cancellation_reason_id)) {
      return domainRefusal(ONDC_ERRORS.LSP_INVALID_CANCELLATION_REASON, `unknown reason ${cancel.message.cancellation_reason_id}`);
    }
    if (!isOpen(order)) {
      return { status: 200, body: nack('POLICY-ERROR', ONDC_ERRORS.LSP_CANCELLATION_NOT_POSSIBLE, `order is ${order.orderState}`) };
    }
    const { setup } = partner;
    if (setup.name === 'nacker' && setup.nackAt === 'cancel' && (order.cancelsRefused ?? 0) < (setup.cancelNacks ?? 1)) {
      order.cancelsRefused = (order.cancelsRefused ?? 0) + 1;
      // A policy NACK, which the HTTP client does not retry: the conversation's own retry must.
      return { status: 200, body: nack('POLICY-ERROR', ONDC_ERRORS.LSP_CANCELLATION_NOT_POSSIBLE, 'cannot cancel right now') };
    }
    this.stopJourney(order);
    const holdsParcel = PICKED_UP_OR_LATER.has(order.fulfillmentState) && order.fulfillmentState !== 'Order-delivered';
    this.markCancelled(order, cancel.message.cancellation_reason_id, cancel.context.bap_id);
    // 1.2.5: a cancellation once the parcel is picked up is a return to origin (the RTO fulfillment and rto_event), not a lost parcel.
    if (holdsParcel) order.rto = { state: 'RTO-Initiated', at: rfc3339(Date.now()) };
    this.reply(partner, cancel.context, 'on_cancel', cancel.context.message_id, orderMessage(order, Date.now()));
    if (holdsParcel) {
      this.journeys.set(order, ['RTO-Delivered']);
      this.scheduleNextStep(order);
    }
    return accepted();
  }

  /** Cash on delivery: the collection amount the buyer asked for, less the partner's shortfall if it has one. */
  private collectCod(order: SandboxOrder, now: string): void {
    const due = order.confirmed.payment['@ondc/org/collection_amount'];
    if (order.confirmed.payment.type !== 'ON-FULFILLMENT' || due === undefined) return;
    const duePaise = parseRupees(due) ?? 0;
    order.codCollected = { value: inr(Math.max(0, duePaise - (order.partner.setup.codShortfallPaise ?? 0))).value, at: now };
  }

  private markCancelled(order: SandboxOrder, reasonId: string, cancelledBy: string): void {
    order.cancellation = { reasonId, cancelledBy, precancelState: order.fulfillmentState, at: rfc3339(Date.now()) };
    order.fulfillmentState = 'Cancelled';
    order.orderState = 'Cancelled';
  }

  /** The contract: an LSP whose on_confirm is NACKed cancels with reason 997 and tells the buyer. */
  private failConfirmation(partner: SandboxPartner, order: SandboxOrder): void {
    this.stopJourney(order);
    this.markCancelled(order, CANCELLATION_REASONS.LSP_CONFIRMATION_FAILURE, partner.subscriberId);
    this.reply(partner, order.context, 'on_status', randomUUID(), orderMessage(order, Date.now()));
  }

  // ---- the shipment's journey ---------------------------------------------------------------

  private startJourney(order: SandboxOrder): void {
    this.journeys.set(order, journeyOf(order));
    this.scheduleNextStep(order);
  }

  private stopJourney(order: SandboxOrder): void {
    order.cancelNextStep?.();
    this.journeys.delete(order);
  }

  /** The buyer's answer to a failed delivery: another attempt (failing again, for some), or the parcel back. */
  private resumeAfterFailure(order: SandboxOrder, answer: 'reattempt' | 'rto'): void {
    const returnIt: Step[] = ['RTO-Initiated', 'RTO-Delivered'];
    const untilRto = order.partner.setup.trouble === 'fail-delivery-until-rto';
    const last = (order.deliveryFailures ?? 0) + 1 >= MAX_DELIVERY_ATTEMPTS;
    const next: Step[] = answer === 'rto' ? returnIt : ['Delivery-rescheduled', 'Out-for-delivery', ...(!untilRto ? ['Order-delivered' as const] : last ? ['Delivery-failed' as const, ...returnIt] : ['Delivery-failed' as const])];
    this.journeys.set(order, next);
    this.scheduleNextStep(order);
  }

  private scheduleNextStep(order: SandboxOrder): void {
    const steps = this.journeys.get(order);
    const step = steps?.shift();
    if (!step) {
      this.journeys.delete(order);
      return;
    }
    order.cancelNextStep = this.clock.after(this.options.stepMs, async () => {
      const action = this.apply(order, step);
      await this.deliver(order.partner, order.context, action, randomUUID(), orderMessage(order, Date.now()));
      this.scheduleNextStep(order);
    });
  }

  /** Moves the order one step; returns the callback that tells the buyer. */
  private apply(order: SandboxOrder, step: Step): 'on_status' | 'on_cancel' | 'on_update' {
    const now = rfc3339(Date.now());
    switch (step) {
      case 'Awb-issued':
        this.issueAwb(order);
        return 'on_update';
      case 'Agent-assigned':
        order.agent = AGENTS[randomInt(0, AGENTS.length)];
        order.orderState = 'In-progress';
        break;
      case 'Order-picked-up':
        order.pickedUpAt = now;
        // The stalling troublemaker promises a delivery it will not make, within the sandbox's time scale.
        if (order.partner.setup.trouble === 'stall-in-transit') order.deliveryWindow = { start: now, end: rfc3339(Date.now() + PROMISE_STEPS * this.options.stepMs) };
        break;
      case 'Weight-measured': {
        const declaredGrams = declaredGramsOf(order);
        const measuredGrams = order.partner.setup.measuredWeightGrams ?? declaredGrams;
        const extraKg = Math.ceil((measuredGrams - declaredGrams) / 1000);
        if (extraKg > 0) order.differential = { declaredGrams, measuredGrams, ...differentialCharge(extraKg * DIFFERENTIAL_PER_KG_PAISE), at: now };
        return 'on_update';
      }
      case 'Order-delivered':
        order.deliveredAt = now;
        order.orderState = 'Completed';
        this.collectCod(order, now);
        break;
      case 'Pickup-failed':
      case 'Pickup-rescheduled':
        order.delays = { ...order.delays, pickup: order.delays?.pickup ?? { reasonId: PICKUP_DELAY_REASON, at: now } };
        order.pickupSlot = { start: rfc3339(Date.now() + HOUR_MS), end: rfc3339(Date.now() + 3 * HOUR_MS) };
        break;
      case 'Delivery-failed':
        order.deliveryFailures = (order.deliveryFailures ?? 0) + 1;
        order.delays = { ...order.delays, delivery: { reasonId: DELIVERY_DELAY_REASON, at: now } };
        order.deliveryWindow = { start: rfc3339(Date.now() + 24 * HOUR_MS), end: rfc3339(Date.now() + 28 * HOUR_MS) };
        break;
      case 'Delivery-rescheduled':
        order.deliveryWindow = { start: rfc3339(Date.now() + 20 * HOUR_MS), end: rfc3339(Date.now() + 24 * HOUR_MS) };
        break;
      case 'RTO-Initiated':
        // 1.2.5: the forward fulfillment is cancelled and the RTO fulfillment carries the parcel back.
        this.markCancelled(order, order.deliveryFailures ? CANCELLATION_REASONS.BUYER_NOT_FOUND : CANCELLATION_REASONS.BUYER_REFUSED, order.partner.subscriberId);
        order.rto = { state: 'RTO-Initiated', at: now };
        return 'on_cancel';
      case 'RTO-Delivered':
        order.rto = { state: 'RTO-Delivered', at: order.rto?.at ?? now, endedAt: now };
        return 'on_status';
      case 'RTO-Disposed':
        order.rto = { state: 'RTO-Disposed', at: order.rto?.at ?? now, endedAt: now };
        return 'on_status';
      case 'Partner-cancelled':
        this.markCancelled(order, CANCELLATION_REASONS.LSP_VEHICLE_ISSUES, order.partner.subscriberId);
        return 'on_cancel';
      case 'In-transit':
      case 'Out-for-delivery':
        break;
    }
    order.fulfillmentState = step;
    return 'on_status';
  }

  /** An issue about an order of ours (IGM 2.0): answered at once, then taken further on the sandbox clock. */
  private issue(partner: SandboxPartner, message: OndcMessage<'issue'>): DeskAnswer {
    const { issue } = message.message;
    const orderId = issue.refs.find((r) => r.ref_type === 'ORDER')?.ref_id ?? '';
    if (!this.book(partner).order(message.context.transaction_id, orderId)) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${orderId} of ours in this transaction`);
    if (partner.setup.ignoresIssues) return accepted();
    const replyDelay = this.options.replyDelayMs ?? DEFAULT_REPLY_DELAY_MS;
    const receivedAtMs = Date.now();
    for (const reply of answersToIssue(partner, issue, (afterSteps) => receivedAtMs + replyDelay + this.options.stepMs * afterSteps)) {
      if (reply.afterSteps === 0) this.reply(partner, message.context, 'on_issue', message.context.message_id, reply.message);
      // Later news of the issue is the partner's own message, under its own id.
      else this.clock.after(replyDelay + this.options.stepMs * reply.afterSteps, async () => {
        await this.deliver(partner, message.context, 'on_issue', randomUUID(), reply.message);
      });
    }
    return accepted();
  }

  /** Rounds of /recon each order was asked, by order id. */
  private readonly reconRounds = new Map<string, number>();

  /** The COD of delivered orders of ours, reconciled (RSF 2.0): answered with what we remit, and whether it is settled. */
  private recon(partner: SandboxPartner, message: OndcMessage<'recon'>): DeskAnswer {
    const book = this.book(partner);
    const now = rfc3339(Date.now());
    const answers: OndcMessage<'on_recon'>['message']['orders'] = [];
    for (const asked of message.message.orders) {
      const order = book.order(message.context.transaction_id, asked.id);
      if (!order) return domainRefusal(ONDC_ERRORS.LSP_ORDER_NOT_FOUND, `no order ${asked.id} of ours in this transaction`);
      if (!order.codCollected) return domainRefusal(ONDC_ERRORS.LSP_ORDER_VALIDATION_FAILURE, `order ${asked.id} has no cash collected on delivery to reconcile`);
      const round = (this.reconRounds.get(order.id) ?? 0) + 1;
      this.reconRounds.set(order.id, round);
      answers.push(answerRecon(partner, asked, order, round, now));
    }
    this.reply(partner, message.context, 'on_recon', message.context.message_id, { orders: answers });
    return accepted();
  }

  // ---- callbacks ----------------------------------------------------------------------------

  /** Sends a callback shortly after the synchronous answer, so that the ACK always reaches the buyer first. */
  private reply<C extends CallbackAction>(
    partner: SandboxPartner,
    request: OndcContext,
    action: C,
    messageId: string,
    message: MessageByAction[C],
    then?: (outcome: 'ack' | 'refused') => void,
  ): void {
    this.clock.after(this.options.replyDelayMs ?? DEFAULT_REPLY_DELAY_MS, async () => {
      const outcome = await this.deliver(partner, request, action, messageId, message);
      then?.(outcome);
    });
  }

  private async deliver<C extends CallbackAction>(partner: SandboxPartner, request: OndcContext, action: C, messageId: string, message: MessageByAction[C]): Promise<'ack' | 'refused'> {
    const client = this.clients.get(partner.setup.name);
    if (!client) throw new Error(`partner ${partner.setup.name} is not taking part`);
    // An on_issue goes out under the time its issue was updated (ONDC's check wants them equal); the issue was stamped for now.
    const stampMs = action === 'on_issue' ? Date.parse((message as MessageByAction['on_issue']).issue.updated_at) : Date.now();
    const context = callbackContext(request, { subscriberId: partner.subscriberId, url: this.network.urlOf(partner) }, action, messageId, stampMs);
    const outcome = await client.send(request.bap_uri, { context, message });
    if (outcome.outcome === 'ack') return 'ack';
    this.logger.warn(`${partner.setup.name} ${action} for ${request.transaction_id} not taken: ${JSON.stringify(outcome)}`);
    return 'refused';
  }
}
