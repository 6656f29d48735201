import { loadStream, orderDecider } from '@fulfil/commands';
import { DocumentInputError, renderInvoiceOf, labelDocumentOf, renderLabelsOf, type RenderedDocument } from '@fulfil/documents';
import { type ActiveOrder, type DeliveryOtpGenerator, type OrderEvent, type OrderState, orderStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import type { OutgoingMessage } from '../cloud-api/outgoing-message';
import type { WhatsAppApi } from '../cloud-api/whatsapp-api';
import type { WhatsAppTemplates } from '../whatsapp-config';
import type { QueuedMessage } from './outbox-message';

/** A queued message that can no longer be sent as planned (the order or shipment is gone). */
export class UnsendableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsendableMessageError';
  }
}

/** A document the order's events cannot make (no invoice any more) will never be sendable. */
async function rendered(render: () => Promise<RenderedDocument>): Promise<RenderedDocument> {
  try {
    return await render();
  } catch (error) {
    if (error instanceof DocumentInputError) throw new UnsendableMessageError(error.message);
    throw error;
  }
}

/** The seller a message about an order was queued for: an order's id means nothing without it. */
function sellerOf(queued: QueuedMessage): string {
  if (!queued.sellerId) throw new UnsendableMessageError(`Message ${queued.outboxId} is about an order but names no seller`);
  return queued.sellerId;
}

/**
 * Turns a queued plan into the Cloud API message at the moment of sending: documents are rendered
 * from the order's events and uploaded, the buyer's OTP and a seller's number code are derived from the server secret.
 */
export class MessageResolver {
  constructor(
    private readonly store: EventStore,
    private readonly otp: DeliveryOtpGenerator,
    private readonly templates: WhatsAppTemplates,
  ) {}

  async resolve(queued: QueuedMessage, api: WhatsAppApi): Promise<OutgoingMessage> {
    const to = queued.to;
    const plan = queued.message;
    switch (plan.kind) {
      case 'text':
        return { type: 'text', to, body: plan.body };
      case 'buttons':
        return { type: 'buttons', to, body: plan.body, buttons: plan.buttons };
      case 'order-template':
        return { type: 'template', to, name: this.templates.newOrder, language: this.templates.language, bodyParameters: [plan.orderId, plan.amount, plan.payment], quickReplies: plan.quickReplies };
      case 'attempt-failed-template':
        return {
          type: 'template',
          to,
          name: this.templates.attemptFailed,
          language: this.templates.language,
          bodyParameters: [plan.orderId, plan.failed, plan.reason, plan.nextAttempt],
          quickReplies: plan.quickReplies,
        };
      case 'delivery-attempt-template':
        return { type: 'template', to, name: this.templates.deliveryAttempt, language: this.templates.language, bodyParameters: [plan.orderId, plan.nextAttempt], quickReplies: [] };
      case 'delivery-otp': {
        const otp = this.otp.otpFor({ sellerId: sellerOf(queued), orderId: plan.orderId, shipmentId: plan.shipmentId, sequence: plan.otpSequence });
        return { type: 'template', to, name: this.templates.deliveryOtp, language: this.templates.language, bodyParameters: [otp, plan.orderId], quickReplies: [], secretParameters: [0] };
      }
      case 'whatsapp-number-code': {
        const code = this.otp.whatsappNumberCodeFor({ sellerId: plan.sellerId, number: plan.number, sequence: plan.codeSequence });
        return { type: 'template', to, name: this.templates.numberCode, language: this.templates.language, bodyParameters: [code], quickReplies: [], secretParameters: [0] };
      }
      case 'invoice-document': {
        const order = await this.order(sellerOf(queued), plan.orderId);
        return this.document(to, await rendered(() => renderInvoiceOf(order, { copy: 'supplier' })), plan.caption, api);
      }
      case 'label-document': {
        const order = await this.order(sellerOf(queued), plan.orderId);
        const shipment = order.shipments.find((s) => s.shipmentId === plan.shipmentId);
        if (!shipment) throw new UnsendableMessageError(`Order ${plan.orderId} has no shipment ${plan.shipmentId}`);
        return this.document(to, await rendered(() => renderLabelsOf([labelDocumentOf(order, shipment)], 'thermal-4x6')), plan.caption, api);
      }
    }
  }

  private async order(sellerId: string, orderId: string): Promise<ActiveOrder> {
    const { state } = await loadStream<OrderState, OrderEvent>(this.store, orderStream(sellerId, orderId), orderDecider);
    if (state.status !== 'active') throw new UnsendableMessageError(`Order ${orderId} does not exist`);
    return state;
  }

  private async document(to: string, rendered: RenderedDocument, caption: string, api: WhatsAppApi): Promise<OutgoingMessage> {
    const { mediaId } = await api.uploadMedia(rendered.pdf, 'application/pdf', rendered.filename);
    return { type: 'document', to, mediaId, filename: rendered.filename, caption };
  }
}
