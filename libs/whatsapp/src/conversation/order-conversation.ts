import type { ActiveOrder, OrderRef, ShipmentStatus, ShippingMode, StoredImage } from '@fulfil/domain';
import { currentShipment, isCancelledByPartner, isTerminal } from '@fulfil/domain';
import { ACTION_TITLES, actionPayload, type SellerAction } from './seller-actions';

/**
 * The WhatsApp conversation of one seller about one order, as a decider: events in the stream
 * `whatsapp-conversation:{sellerId}:{orderId}` (ids hold no `:`, so two sellers' conversations
 * never share a name), a state folded from them, and a pure `decide` from a seller's message to
 * the facts to record, the order command to send and the replies.
 */
export const conversationStream = (sellerId: string, orderId: string): string => `whatsapp-conversation:${sellerId}:${orderId}`;

export type ConversationEvent =
  | { type: 'WhatsAppShippingStarted'; data: { shipmentId: string; messageId: string } }
  | { type: 'WhatsAppCourierNamed'; data: { courierName: string; messageId: string } }
  | { type: 'WhatsAppTrackingNumberGiven'; data: { trackingNumber: string; messageId: string } }
  | { type: 'WhatsAppShipmentPhotoAdded'; data: { image: StoredImage; messageId: string } }
  | { type: 'WhatsAppShipmentMarkedShipped'; data: { shipmentId: string; messageId: string } }
  | { type: 'WhatsAppDeliveryConfirmed'; data: { shipmentId: string; messageId: string } };

export type ConversationStep =
  | { step: 'idle' }
  | { step: 'courier'; shipmentId: string }
  | { step: 'tracking'; shipmentId: string; courierName: string }
  | { step: 'photos'; shipmentId: string; courierName: string; trackingNumber: string; images: StoredImage[] }
  | { step: 'otp'; shipmentId: string };

export type ConversationState = ConversationStep & {
  /** Messages already acted on, so a message handled again after a crash changes nothing. */
  handled: string[];
};

export const initialConversation = (): ConversationState => ({ step: 'idle', handled: [] });

/** Enough to recognise a redelivery; older ids are long past Meta's redelivery horizon. */
const HANDLED_KEPT = 200;

export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  const handled = [...state.handled, event.data.messageId].slice(-HANDLED_KEPT);
  switch (event.type) {
    case 'WhatsAppShippingStarted':
      return { step: 'courier', shipmentId: event.data.shipmentId, handled };
    case 'WhatsAppCourierNamed':
      return state.step === 'courier' ? { step: 'tracking', shipmentId: state.shipmentId, courierName: event.data.courierName, handled } : { ...state, handled };
    case 'WhatsAppTrackingNumberGiven':
      return state.step === 'tracking' ? { ...state, step: 'photos', trackingNumber: event.data.trackingNumber, images: [], handled } : { ...state, handled };
    case 'WhatsAppShipmentPhotoAdded':
      return state.step === 'photos' ? { ...state, images: [...state.images, event.data.image], handled } : { ...state, handled };
    case 'WhatsAppShipmentMarkedShipped':
      return { step: 'otp', shipmentId: event.data.shipmentId, handled };
    case 'WhatsAppDeliveryConfirmed':
      return { step: 'idle', handled };
  }
}

/** What the conversation needs to know of the order. */
export interface OrderFacts {
  orderId: string;
  sellerId: string;
  invoiced: boolean;
  cancelled: boolean;
  delivered: boolean;
  /** The shipment in progress (not delivered, returned or cancelled), if any. */
  activeShipment?: { shipmentId: string; mode: ShippingMode; status: ShipmentStatus };
  /** The order's shipment, when its partner cancelled it: the seller may take it up again. */
  partnerCancelledShipment?: { shipmentId: string };
}

export function orderFactsOf(order: ActiveOrder): OrderFacts {
  const active = order.shipments.find((s) => !isTerminal(s));
  const current = currentShipment(order);
  return {
    orderId: order.orderId,
    sellerId: order.sellerId,
    invoiced: order.invoice !== undefined,
    cancelled: order.cancelled,
    delivered: order.shipments.some((s) => s.status === 'delivered'),
    ...(active ? { activeShipment: { shipmentId: active.shipmentId, mode: active.mode, status: active.status } } : {}),
    ...(current && isCancelledByPartner(current) ? { partnerCancelledShipment: { shipmentId: current.shipmentId } } : {}),
  };
}

export type SellerInput =
  | { kind: 'action'; action: SellerAction }
  | { kind: 'text'; text: string }
  /** `image` is absent when no step wanted a photo, so it was not downloaded. */
  | { kind: 'image'; image?: StoredImage };

/** The order commands a conversation may send, always for the conversation's own seller and order. */
export type ConversationCommand =
  | { type: 'MarkShipmentReadyToShip'; shipmentId: string }
  | { type: 'CreateShipment'; shipmentId: string; mode: 'off-network' }
  | { type: 'MarkShipmentShipped'; shipmentId: string; courierName: string; trackingNumber: string; images: StoredImage[] }
  | { type: 'VerifyDeliveryOtp'; shipmentId: string; otp: string }
  | { type: 'ReissueDeliveryOtp'; shipmentId: string }
  | { type: 'RequestReattempt'; shipmentId: string }
  | { type: 'RequestReturnToOrigin'; shipmentId: string }
  | { type: 'RecordFailedAttempt'; shipmentId: string; reason: string }
  | { type: 'RecordReturnToOrigin'; shipmentId: string; reason: string }
  | { type: 'RetryPartnerSearch'; shipmentId: string }
  | { type: 'SwitchShipmentToOffNetwork'; shipmentId: string }
  | { type: 'CancelShipment'; shipmentId: string; reason: string };

/** How the order took the command: done, or refused with the domain's code. */
export type CommandResult = { ok: true } | { ok: false; code: string; message: string; attemptsLeft?: number; retryAfterSeconds?: number };

/** A message back to the seller; buttons become interactive reply buttons for this order. */
export interface Reply {
  body: string;
  buttons?: SellerAction[];
}

export interface Outcome {
  events: ConversationEvent[];
  replies: Reply[];
}

export interface ConversationDecision extends Outcome {
  /** A command to send; `settle` turns its result into what to record and answer. */
  command?: { command: ConversationCommand; settle: (result: CommandResult) => Outcome };
}

export interface DecisionContext {
  messageId: string;
  /** Id for a shipment this message may create, derived from the message so a redelivery names the same one. */
  newShipmentId: string;
}

export const MAX_PHOTOS = 10;
const COURIER_NAME_MAX = 100;
const TRACKING_NUMBER = /^[A-Za-z0-9/-]{3,40}$/;
const OTP = /^[0-9]{4,8}$/;

const answer = (...replies: Reply[]): ConversationDecision => ({ events: [], replies });

/** While the seller's own courier has the parcel: a fresh OTP, a failed attempt, or the parcel back. */
const OFF_NETWORK_SHIPPED_BUTTONS: SellerAction[] = ['resend_otp', 'delivery_failed', 'parcel_returned'];
const WHATSAPP_FAILED_ATTEMPT = 'The courier could not deliver (reported on WhatsApp)';
const WHATSAPP_RETURN = 'The parcel came back to the seller (reported on WhatsApp)';

/** The button whose id carries this order, as `Reply.buttons` names it. */
export const replyButton = (action: SellerAction, order: OrderRef) => ({ id: actionPayload(action, order), title: ACTION_TITLES[action] });

function refusalText(order: OrderFacts, result: Extract<CommandResult, { ok: false }>): Reply {
  switch (result.code) {
    case 'DELIVERY_OTP_INCORRECT':
      return { body: `Order ${order.orderId}: that OTP is not right. ${result.attemptsLeft ?? 0} tries left. Ask the buyer for the OTP they received and send it here.` };
    case 'DELIVERY_OTP_LOCKED':
      return { body: `Order ${order.orderId}: too many wrong OTPs, so the OTP is locked. Tap Resend OTP in an hour to send the buyer a fresh one.`, buttons: ['resend_otp'] };
    case 'DELIVERY_OTP_LOCKOUT_ACTIVE':
    case 'DELIVERY_OTP_REISSUE_LIMIT':
      return { body: `Order ${order.orderId}: ${result.message}. Try again in ${Math.ceil((result.retryAfterSeconds ?? 60) / 60)} minutes.` };
    case 'DELIVERY_OTP_EXPIRED':
      return { body: `Order ${order.orderId}: the buyer's OTP has expired. Tap Resend OTP to send a fresh one.`, buttons: ['resend_otp'] };
    case 'INVOICE_REQUIRED':
      return { body: `Order ${order.orderId} needs an invoice before it can ship. Generate it from your dashboard, then try again.` };
    default:
      return { body: `Order ${order.orderId}: that could not be done. ${result.message}` };
  }
}

const refused = (order: OrderFacts, result: CommandResult): Outcome => (result.ok ? { events: [], replies: [] } : { events: [], replies: [refusalText(order, result)] });

function askCourier(order: OrderFacts): Reply {
  return { body: `Order ${order.orderId}: which courier did you ship it with? Send the courier's name.` };
}

function currentQuestion(order: OrderFacts, state: ConversationState): Reply {
  switch (state.step) {
    case 'courier':
      return askCourier(order);
    case 'tracking':
      return { body: `Order ${order.orderId}: send the tracking number from ${state.courierName}.` };
    case 'photos':
      return { body: `Order ${order.orderId}: send photos of the shipment, then tap Done (${state.images.length} so far).`, buttons: ['photos_done'] };
    case 'otp':
      return { body: `Order ${order.orderId} is shipped. After delivery, ask the buyer for their delivery OTP and send it here.`, buttons: OFF_NETWORK_SHIPPED_BUTTONS };
    case 'idle':
      return { body: `Order ${order.orderId}: nothing is waiting for an answer. Tap Ready to Ship or Mark as Shipped on the order message to go on.` };
  }
}

function readyToShip(order: OrderFacts): ConversationDecision {
  const shipment = order.activeShipment;
  if (!shipment) {
    return answer({
      body: order.invoiced
        ? `Order ${order.orderId} has no shipment to mark ready yet. Create one with Ship now in your dashboard, or tap Mark as Shipped if you ship it with your own courier.`
        : `Order ${order.orderId} needs an invoice and a shipment before it is ready to ship.`,
    });
  }
  if (shipment.status !== 'created' && shipment.status !== 'no_partner_found') {
    return answer({ body: `Order ${order.orderId}: shipment ${shipment.shipmentId} is already ${shipment.status.replace(/_/g, ' ')}.` });
  }
  return {
    events: [],
    replies: [],
    command: {
      command: { type: 'MarkShipmentReadyToShip', shipmentId: shipment.shipmentId },
      settle: (result) =>
        result.ok
          ? {
              events: [],
              replies: [
                shipment.mode === 'on-network'
                  ? { body: `Order ${order.orderId} is ready to ship. We are finding a delivery partner and will tell you when one is assigned.` }
                  : { body: `Order ${order.orderId} is ready to ship. Tap Mark as Shipped once you hand it to your courier.`, buttons: ['mark_shipped'] },
              ],
            }
          : refused(order, result),
    },
  };
}

function markShipped(state: ConversationState, order: OrderFacts, ctx: DecisionContext): ConversationDecision {
  const shipment = order.activeShipment;
  const started = (shipmentId: string): Outcome => ({ events: [{ type: 'WhatsAppShippingStarted', data: { shipmentId, messageId: ctx.messageId } }], replies: [askCourier(order)] });
  if (state.step !== 'idle' && state.step !== 'otp' && shipment?.shipmentId === state.shipmentId) return answer(currentQuestion(order, state));
  if (!shipment) {
    if (order.delivered) return answer({ body: `Order ${order.orderId} is already delivered.` });
    if (!order.invoiced) return answer({ body: `Order ${order.orderId} needs an invoice before it can ship. Generate it from your dashboard, then tap Mark as Shipped again.` });
    return {
      events: [],
      replies: [],
      command: {
        command: { type: 'CreateShipment', shipmentId: ctx.newShipmentId, mode: 'off-network' },
        settle: (result) => (result.ok ? started(ctx.newShipmentId) : refused(order, result)),
      },
    };
  }
  if (shipment.mode === 'on-network') {
    return answer({ body: `Order ${order.orderId} ships with an ONDC delivery partner: it is marked shipped when the partner picks it up.` });
  }
  if (shipment.status === 'shipped') {
    return {
      events: [{ type: 'WhatsAppShipmentMarkedShipped', data: { shipmentId: shipment.shipmentId, messageId: ctx.messageId } }],
      replies: [currentQuestion(order, { step: 'otp', shipmentId: shipment.shipmentId, handled: [] })],
    };
  }
  if (shipment.status !== 'created' && shipment.status !== 'ready_to_ship') {
    return answer({ body: `Order ${order.orderId}: shipment ${shipment.shipmentId} is ${shipment.status.replace(/_/g, ' ')} and cannot be marked shipped.` });
  }
  return started(shipment.shipmentId);
}

function finishPhotos(state: Extract<ConversationState, { step: 'photos' }>, order: OrderFacts, ctx: DecisionContext): ConversationDecision {
  return {
    events: [],
    replies: [],
    command: {
      command: { type: 'MarkShipmentShipped', shipmentId: state.shipmentId, courierName: state.courierName, trackingNumber: state.trackingNumber, images: state.images },
      settle: (result) =>
        result.ok
          ? {
              events: [{ type: 'WhatsAppShipmentMarkedShipped', data: { shipmentId: state.shipmentId, messageId: ctx.messageId } }],
              replies: [
                {
                  body: `Order ${order.orderId} is marked shipped with ${state.courierName} (${state.trackingNumber}). The buyer got a delivery OTP on WhatsApp: after delivery, ask them for it and send it here.`,
                },
              ],
            }
          : refused(order, result),
    },
  };
}

function verifyOtp(state: Extract<ConversationState, { step: 'otp' }>, order: OrderFacts, otp: string, ctx: DecisionContext): ConversationDecision {
  const delivered = (): Outcome => ({
    events: [{ type: 'WhatsAppDeliveryConfirmed', data: { shipmentId: state.shipmentId, messageId: ctx.messageId } }],
    replies: [{ body: `Order ${order.orderId} is delivered. Thank you!` }],
  });
  return {
    events: [],
    replies: [],
    command: {
      command: { type: 'VerifyDeliveryOtp', shipmentId: state.shipmentId, otp },
      settle: (result) => (result.ok || result.code === 'SHIPMENT_ALREADY_DELIVERED' ? delivered() : refused(order, result)),
    },
  };
}

function resendOtp(state: ConversationState, order: OrderFacts): ConversationDecision {
  const shipmentId = state.step === 'otp' ? state.shipmentId : order.activeShipment?.status === 'shipped' ? order.activeShipment.shipmentId : undefined;
  if (!shipmentId) return answer({ body: `Order ${order.orderId} has no shipped parcel waiting for a delivery OTP.` });
  return {
    events: [],
    replies: [],
    command: {
      command: { type: 'ReissueDeliveryOtp', shipmentId },
      settle: (result) => (result.ok ? { events: [], replies: [{ body: `Order ${order.orderId}: a fresh delivery OTP was sent to the buyer. Send it here once they share it.` }] } : refused(order, result)),
    },
  };
}

const settledWith = (order: OrderFacts, reply: Reply) => (result: CommandResult): Outcome => (result.ok ? { events: [], replies: [reply] } : refused(order, result));

function command(order: OrderFacts, cmd: ConversationCommand, reply: Reply): ConversationDecision {
  return { events: [], replies: [], command: { command: cmd, settle: settledWith(order, reply) } };
}

/** After a failed pickup or delivery: try again (on-network the partner is asked; off-network the courier goes again). */
function reattempt(order: OrderFacts): ConversationDecision {
  const shipment = order.activeShipment;
  if (!shipment || (shipment.status !== 'pickup_failed' && shipment.status !== 'delivery_failed')) {
    return answer({ body: `Order ${order.orderId} has no failed pickup or delivery waiting for your answer.` });
  }
  const reply: Reply =
    shipment.mode === 'on-network'
      ? { body: `Order ${order.orderId}: we asked the delivery partner to try again. We will tell you how it goes.` }
      : { body: `Order ${order.orderId}: noted, your courier tries again. After delivery, send the buyer's delivery OTP here.`, buttons: OFF_NETWORK_SHIPPED_BUTTONS };
  return command(order, { type: 'RequestReattempt', shipmentId: shipment.shipmentId }, reply);
}

/** After a failed delivery: the parcel back to the seller (on-network asked of the partner, off-network recorded as back). */
function returnToMe(order: OrderFacts): ConversationDecision {
  const shipment = order.activeShipment;
  if (!shipment || shipment.status !== 'delivery_failed') return answer({ body: `Order ${order.orderId} has no failed delivery waiting for your answer.` });
  if (shipment.mode === 'off-network') return parcelReturned(order);
  return command(order, { type: 'RequestReturnToOrigin', shipmentId: shipment.shipmentId }, {
    body: `Order ${order.orderId}: we asked the delivery partner to bring the parcel back to you. Once it is back the order closes with a credit note.`,
  });
}

function deliveryFailed(order: OrderFacts): ConversationDecision {
  const shipment = order.activeShipment;
  if (!shipment || shipment.mode !== 'off-network' || shipment.status !== 'shipped') {
    return answer({ body: `Order ${order.orderId} has no parcel out with your own courier.` });
  }
  return command(order, { type: 'RecordFailedAttempt', shipmentId: shipment.shipmentId, reason: WHATSAPP_FAILED_ATTEMPT }, {
    body: `Order ${order.orderId}: failed delivery recorded. Tap Re-attempt when your courier tries again, or Parcel came back if it returns to you.`,
    buttons: ['reattempt', 'parcel_returned'],
  });
}

function parcelReturned(order: OrderFacts): ConversationDecision {
  const shipment = order.activeShipment;
  if (!shipment || shipment.mode !== 'off-network' || (shipment.status !== 'shipped' && shipment.status !== 'delivery_failed')) {
    return answer({ body: `Order ${order.orderId} has no parcel out with your own courier.` });
  }
  return command(order, { type: 'RecordReturnToOrigin', shipmentId: shipment.shipmentId, reason: WHATSAPP_RETURN }, {
    body: `Order ${order.orderId}: the parcel is back with you. The order closes with a credit note for its invoice.`,
  });
}

/** The shipment no partner was found for (or whose partner cancelled it), or why there is none to act on. */
function shipmentWithoutPartner(order: OrderFacts, action: 'retry_search' | 'own_courier' | 'cancel_shipment'): { shipmentId: string } | ConversationDecision {
  const shipment = order.activeShipment;
  if (shipment?.status === 'no_partner_found') return { shipmentId: shipment.shipmentId };
  // Cancelled already, by the partner: searched for again or sent with the seller's courier, not cancelled twice.
  if (order.partnerCancelledShipment && action !== 'cancel_shipment') return order.partnerCancelledShipment;
  if (!shipment) return answer({ body: `Order ${order.orderId} has no shipment waiting for a delivery partner.` });
  return answer({ body: `Order ${order.orderId}: shipment ${shipment.shipmentId} is ${shipment.status.replace(/_/g, ' ')}, not waiting for a delivery partner.` });
}

/** After "no partner found": one of the seller's three ways forward. */
function wayForward(action: 'retry_search' | 'own_courier' | 'cancel_shipment', order: OrderFacts, ctx: DecisionContext): ConversationDecision {
  const target = shipmentWithoutPartner(order, action);
  if (!('shipmentId' in target)) return target;
  const { shipmentId } = target;
  const settled = (done: Outcome) => (result: CommandResult) => (result.ok ? done : refused(order, result));
  switch (action) {
    case 'retry_search':
      return {
        events: [],
        replies: [],
        command: {
          command: { type: 'RetryPartnerSearch', shipmentId },
          settle: settled({ events: [], replies: [{ body: `Order ${order.orderId}: searching for a delivery partner again. We will tell you what we find.` }] }),
        },
      };
    case 'own_courier':
      // Switched, the shipment goes the off-network way at once: courier, tracking number, photos.
      return {
        events: [],
        replies: [],
        command: {
          command: { type: 'SwitchShipmentToOffNetwork', shipmentId },
          settle: settled({ events: [{ type: 'WhatsAppShippingStarted', data: { shipmentId, messageId: ctx.messageId } }], replies: [askCourier(order)] }),
        },
      };
    case 'cancel_shipment':
      return {
        events: [],
        replies: [],
        command: {
          command: { type: 'CancelShipment', shipmentId, reason: 'No delivery partner was found; cancelled by the seller on WhatsApp' },
          settle: settled({
            events: [],
            replies: [{ body: `Order ${order.orderId}: shipment ${shipmentId} is cancelled; the order stays open. Tap Mark as Shipped to send it with your own courier.`, buttons: ['mark_shipped'] }],
          }),
        },
      };
  }
}

function onText(state: ConversationState, order: OrderFacts, raw: string, ctx: DecisionContext): ConversationDecision {
  const text = raw.trim();
  switch (state.step) {
    case 'courier':
      if (text.length === 0 || text.length > COURIER_NAME_MAX) return answer({ body: `Order ${order.orderId}: send the courier's name (up to ${COURIER_NAME_MAX} characters).` });
      return {
        events: [{ type: 'WhatsAppCourierNamed', data: { courierName: text, messageId: ctx.messageId } }],
        replies: [{ body: `Order ${order.orderId}: now send the tracking number from ${text}.` }],
      };
    case 'tracking': {
      const trackingNumber = text.replace(/\s+/g, '');
      if (!TRACKING_NUMBER.test(trackingNumber)) {
        return answer({ body: `Order ${order.orderId}: that does not look like a tracking number. Send 3 to 40 letters, digits, "/" or "-".` });
      }
      return {
        events: [{ type: 'WhatsAppTrackingNumberGiven', data: { trackingNumber, messageId: ctx.messageId } }],
        replies: [{ body: `Order ${order.orderId}: send photos of the shipment (the parcel, the courier receipt), then tap Done.`, buttons: ['photos_done'] }],
      };
    }
    case 'photos':
      if (/^done$/i.test(text)) return finishPhotos(state, order, ctx);
      return answer({ body: `Order ${order.orderId}: send a photo of the shipment, or tap Done when you have sent them all.`, buttons: ['photos_done'] });
    case 'otp': {
      const otp = text.replace(/\s+/g, '');
      if (!OTP.test(otp)) return answer({ body: `Order ${order.orderId}: send the delivery OTP the buyer received (digits only).`, buttons: ['resend_otp'] });
      return verifyOtp(state, order, otp, ctx);
    }
    case 'idle':
      return answer(currentQuestion(order, state));
  }
}

/** Whether an image from the seller would be used; the caller downloads it only then. */
export const expectsPhoto = (state: ConversationState): boolean => state.step === 'photos' && state.images.length < MAX_PHOTOS;

export function decideConversation(state: ConversationState, input: SellerInput, order: OrderFacts, ctx: DecisionContext): ConversationDecision {
  if (state.handled.includes(ctx.messageId)) return answer();
  if (order.cancelled) return answer({ body: `Order ${order.orderId} is cancelled; there is nothing more to do for it.` });
  if (input.kind === 'action') {
    switch (input.action) {
      case 'ready_to_ship':
        return readyToShip(order);
      case 'mark_shipped':
        return markShipped(state, order, ctx);
      case 'photos_done':
        return state.step === 'photos' ? finishPhotos(state, order, ctx) : answer(currentQuestion(order, state));
      case 'resend_otp':
        return resendOtp(state, order);
      case 'reattempt':
        return reattempt(order);
      case 'return_to_me':
        return returnToMe(order);
      case 'delivery_failed':
        return deliveryFailed(order);
      case 'parcel_returned':
        return parcelReturned(order);
      case 'retry_search':
      case 'own_courier':
      case 'cancel_shipment':
        return wayForward(input.action, order, ctx);
    }
  }
  if (input.kind === 'image') {
    if (!expectsPhoto(state) || !input.image) {
      return answer(state.step === 'photos' ? { body: `Order ${order.orderId}: that is ${MAX_PHOTOS} photos already. Tap Done.`, buttons: ['photos_done'] } : currentQuestion(order, state));
    }
    const count = state.step === 'photos' ? state.images.length + 1 : 1;
    return {
      events: [{ type: 'WhatsAppShipmentPhotoAdded', data: { image: input.image, messageId: ctx.messageId } }],
      replies: [{ body: `Order ${order.orderId}: photo ${count} saved. Send more, or tap Done.`, buttons: ['photos_done'] }],
    };
  }
  return onText(state, order, input.text, ctx);
}
