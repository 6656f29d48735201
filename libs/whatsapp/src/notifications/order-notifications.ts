import { DISPATCHED_SHIPMENT_STATUSES, type ActiveOrder, type OrderEvent } from '@fulfil/domain';
import { ACTION_TITLES, actionPayload } from '../conversation/seller-actions';
import type { PlannedMessage } from '../outbox/outbox-message';

/** A message an order event calls for; `key` makes its outbox id, unique per event. */
export interface Notification {
  key: string;
  to: string;
  purpose: string;
  message: PlannedMessage;
}

export interface NotificationContext {
  /** The seller's WhatsApp number now, if they connected one. */
  sellerNumber: string | undefined;
  defaultCountryCode: string;
}

/** The order events that may call for a message. */
export const NOTIFYING_EVENT_TYPES = [
  'OrderReceived',
  'ShippingLabelGenerated',
  'LogisticsPartnerAssigned',
  'NoLogisticsPartnerFound',
  'ShipmentCancelledByPartner',
  'ShipmentPickedUp',
  'ShipmentDelivered',
  'DeliveryOtpIssued',
  'DeliveryOtpReissued',
  'ShipmentAttemptFailed',
  'ShipmentAttemptRescheduled',
  'PartnerCancellationFailed',
  'CodSettlementMismatched',
] as const;

const indianTime = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', dateStyle: 'medium', timeStyle: 'short' });
/** A time as the seller and buyer read it: Indian time, e.g. "5 May 2026, 10:00 am". */
export const formatWhen = (iso: string): string => indianTime.format(new Date(iso));

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' });
export const formatAmount = (paise: number): string => rupees.format(paise / 100);

/** A buyer's phone as WhatsApp wants it: country code and digits, no "+". Indian 10-digit numbers get the default code. */
export function whatsAppNumberOf(phone: string, defaultCountryCode: string): string | undefined {
  const digits = phone.replace(/[^0-9]/g, '');
  if (/^[6-9][0-9]{9}$/.test(digits)) return `${defaultCountryCode}${digits}`;
  if (/^0[6-9][0-9]{9}$/.test(digits)) return `${defaultCountryCode}${digits.slice(1)}`;
  return /^[1-9][0-9]{9,14}$/.test(digits) ? digits : undefined;
}

/**
 * What to send for an order event: the seller's new-order template with quick replies, the
 * invoice and label documents (invoice first) once a shipment's label exists, partner news, and
 * the buyer's delivery OTP. `order` is the order as it stands when the event is handled.
 */
export function notificationsFor(eventId: string, event: OrderEvent, order: ActiveOrder, ctx: NotificationContext): Notification[] {
  const seller = ctx.sellerNumber;
  const toSeller = (purpose: string, messages: PlannedMessage[]): Notification[] =>
    seller ? messages.map((message, index) => ({ key: `${eventId}:${index}`, to: seller, purpose, message })) : [];
  const text = (body: string): PlannedMessage => ({ kind: 'text', body });
  switch (event.type) {
    case 'OrderReceived':
      return toSeller('order-received', [
        {
          kind: 'order-template',
          orderId: order.orderId,
          amount: formatAmount(event.data.totalPaise),
          payment: event.data.paymentMethod === 'cod' ? 'Cash on delivery' : 'Prepaid',
          quickReplies: [
            { text: ACTION_TITLES.ready_to_ship, payload: actionPayload('ready_to_ship', order) },
            { text: ACTION_TITLES.mark_shipped, payload: actionPayload('mark_shipped', order) },
          ],
        },
      ]);
    case 'ShippingLabelGenerated': {
      const shipment = order.shipments.find((s) => s.shipmentId === event.data.shipmentId);
      if (!shipment) return [];
      const label: PlannedMessage = {
        kind: 'label-document',
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        caption: event.data.awb ? `Shipping label for order ${order.orderId} (AWB ${event.data.awb})` : `Shipping label for order ${order.orderId}`,
      };
      if (event.data.labelVersion === 1) {
        const invoice: PlannedMessage[] = order.invoice
          ? [{ kind: 'invoice-document', orderId: order.orderId, caption: `Invoice ${order.invoice.current.invoiceNumber} for order ${order.orderId}` }]
          : [];
        return toSeller('documents', [...invoice, label]);
      }
      // Off-network labels change when the seller marks the parcel shipped; they have it already. A
      // label reissued once the parcel is gone (an AWB sent late) is for the record, not for the seller's hands.
      const awaitingPickup = !DISPATCHED_SHIPMENT_STATUSES.includes(shipment.status) && shipment.status !== 'cancelled';
      return shipment.mode === 'on-network' && event.data.awb && awaitingPickup ? toSeller('documents', [label]) : [];
    }
    case 'LogisticsPartnerAssigned': {
      const d = event.data;
      const slot = d.pickupSlot ? ` Pickup between ${d.pickupSlot.start} and ${d.pickupSlot.end}.` : '';
      return toSeller('partner-assigned', [text(`Order ${order.orderId}: ${d.partnerName} will deliver it${d.awb ? ` (AWB ${d.awb})` : ''}.${slot}`)]);
    }
    case 'NoLogisticsPartnerFound': {
      // The seller's three ways forward, one tap each (domain.md §8): search again, own courier, or cancel this shipment.
      const buttons = (['retry_search', 'own_courier', 'cancel_shipment'] as const).map((action) => ({ id: actionPayload(action, order), title: ACTION_TITLES[action] }));
      return toSeller('no-partner-found', [
        {
          kind: 'buttons',
          body: `Order ${order.orderId}: no delivery partner was found (${event.data.reason}). Search again, ship it with your own courier, or cancel this shipment.`,
          buttons,
        },
      ]);
    }
    case 'ShipmentCancelledByPartner': {
      // The partner let the order go; the seller's two ways forward with the same shipment, one tap each (a reship stays on the API).
      const partner = order.shipments.find((s) => s.shipmentId === event.data.shipmentId)?.partner?.name ?? 'The delivery partner';
      const buttons = (['retry_search', 'own_courier'] as const).map((action) => ({ id: actionPayload(action, order), title: ACTION_TITLES[action] }));
      return toSeller('partner-cancelled', [
        {
          kind: 'buttons',
          body: `Order ${order.orderId}: ${partner} cancelled the delivery (${event.data.reason}). Search again for a delivery partner, or ship it with your own courier.`,
          buttons,
        },
      ]);
    }
    case 'ShipmentPickedUp': {
      const partner = order.shipments.find((s) => s.shipmentId === event.data.shipmentId)?.partner?.name;
      return toSeller('picked-up', [text(`Order ${order.orderId} was picked up${partner ? ` by ${partner}` : ''}.`)]);
    }
    case 'ShipmentDelivered':
      // A delivery the seller confirmed with the OTP is answered in their conversation.
      return event.data.via === 'partner' ? toSeller('delivered', [text(`Order ${order.orderId} is delivered.`)]) : [];
    case 'PartnerCancellationFailed': {
      const d = event.data;
      return toSeller('partner-cancellation-failed', [
        text(
          `Order ${order.orderId}: ${d.partnerName} did not take your cancellation of shipment ${d.shipmentId} after ${d.attempts} tries (${d.reason}). ` +
            'The partner may still come to pick the parcel up: keep it back, and contact the partner to cancel.',
        ),
      ]);
    }
    case 'CodSettlementMismatched': {
      // A reconciled settlement is money arriving as agreed: only the one to chase is worth a message.
      const d = event.data;
      // The right amount without the partner's accord is still a dispute, but "₹X, not the ₹X due" would read as none.
      const what =
        d.partnerPaise === d.claimedPaise
          ? `does not agree to settle the ${formatAmount(d.claimedPaise)} due for the cash it collected on shipment ${d.shipmentId}.`
          : `settles ${formatAmount(d.partnerPaise)} for the cash it collected on shipment ${d.shipmentId}, not the ${formatAmount(d.claimedPaise)} due.`;
      return toSeller('cod-settlement-mismatched', [text(`Order ${order.orderId}: ${d.partnerName} ${what} Raise it with the partner before the next settlement.`)]);
    }
    case 'DeliveryOtpIssued':
    case 'DeliveryOtpReissued': {
      const buyer = whatsAppNumberOf(order.buyer.phone, ctx.defaultCountryCode);
      if (!buyer) return [];
      return [
        {
          key: `${eventId}:0`,
          to: buyer,
          purpose: 'delivery-otp',
          message: { kind: 'delivery-otp', orderId: order.orderId, shipmentId: event.data.shipmentId, otpSequence: event.data.otpSequence },
        },
      ];
    }
    case 'ShipmentAttemptFailed': {
      const d = event.data;
      const shipment = order.shipments.find((s) => s.shipmentId === d.shipmentId);
      const toBuyer = d.stage === 'delivery' && d.nextAttemptAt ? buyerNotice(eventId, order, d.nextAttemptAt, ctx) : [];
      // A failure the seller recorded themselves needs no alert back to them.
      if (d.by === 'seller' || !shipment) return toBuyer;
      const quickReplies = [
        { text: ACTION_TITLES.reattempt, payload: actionPayload('reattempt', order) },
        ...(d.stage === 'delivery' ? [{ text: ACTION_TITLES.return_to_me, payload: actionPayload('return_to_me', order) }] : []),
      ];
      const alert: PlannedMessage = {
        kind: 'attempt-failed-template',
        orderId: order.orderId,
        failed: `${d.stage === 'pickup' ? 'Pickup' : 'Delivery'} attempt ${d.attempt}`,
        reason: d.reason,
        nextAttempt: d.nextAttemptAt ? formatWhen(d.nextAttemptAt) : 'not set yet',
        quickReplies,
      };
      return [...toSeller('attempt-failed', [alert]), ...toBuyer];
    }
    case 'ShipmentAttemptRescheduled':
      return event.data.stage === 'delivery' && event.data.nextAttemptAt ? buyerNotice(eventId, order, event.data.nextAttemptAt, ctx) : [];
    default:
      return [];
  }
}

/** The buyer's template naming the next delivery attempt; its key differs from the seller's so both are queued. */
function buyerNotice(eventId: string, order: ActiveOrder, nextAttemptAt: string, ctx: NotificationContext): Notification[] {
  const buyer = whatsAppNumberOf(order.buyer.phone, ctx.defaultCountryCode);
  if (!buyer) return [];
  return [{ key: `${eventId}:buyer`, to: buyer, purpose: 'delivery-attempt', message: { kind: 'delivery-attempt-template', orderId: order.orderId, nextAttempt: formatWhen(nextAttemptAt) } }];
}
