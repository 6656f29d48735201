import { ContextBuilder, buildTrack, readTracking , ConversationEvent, conversationStream , attemptOf } from '@fulfil/ondc';
import type { LogisticsDomain, OndcCallback, OndcMessage } from '@fulfil/ondc';
import type { EventStore, JsonObject } from '@fulfil/event-store';
import type { CallbackIntake } from '../callbacks/callback-intake';
import type { ConversationCache } from '../driver/conversation-cache';
import type { OndcOutbound } from '../driver/ondc-outbound';
import { ondcMetadata } from '../driver/adapter-metadata';
import type { OndcAdapterConfig } from '../ondc-config';

export type TrackingAnswer =
  | { found: false }
  | {
      found: true;
      shipmentId: string;
      partner: { id: string; name: string; networkOrderId: string; awb?: string };
      /** What /track said: live, with a URL or a location; `unavailable` when the partner would not or did not answer in time. */
      tracking: { status: 'active' | 'inactive' | 'unavailable'; url?: string; gps?: string; detail?: string };
      /** The tracking URL the partner gave when it accepted the order, if any. */
      trackingUrl?: string;
    };

/**
 * `/track` on the seller's behalf: sent to the partner confirmed for the shipment (recorded in its
 * conversation like every request), answered from its `/on_track` when that comes within the
 * configured wait. Only the shipment's own seller may ask.
 */
export class ShipmentTracking {
  private readonly contexts: ContextBuilder;

  constructor(
    private readonly config: OndcAdapterConfig,
    private readonly store: EventStore,
    private readonly conversations: ConversationCache,
    private readonly outbound: OndcOutbound,
    private readonly intake: CallbackIntake,
    nowMs: () => number = Date.now,
  ) {
    this.contexts = new ContextBuilder({ bapId: config.identity.subscriberId, bapUri: config.identity.bapUri, nowMs });
  }

  async track(sellerId: string, orderId: string, shipmentId: string): Promise<TrackingAnswer> {
    const { state } = await this.conversations.load(shipmentId);
    const order = state.partnerOrder;
    if (state.sellerId !== sellerId || state.orderId !== orderId || !order) return { found: false };
    const attempt = attemptOf(state, order.transactionId);
    const base = {
      found: true as const,
      shipmentId,
      partner: { id: order.bppId, name: order.partnerName, networkOrderId: order.networkOrderId, ...(order.awb ? { awb: order.awb } : {}) },
      ...(order.trackingUrl ? { trackingUrl: order.trackingUrl } : {}),
    };
    if (!attempt) return { ...base, tracking: { status: 'unavailable', detail: 'the conversation has no transaction for the order' } };
    const context = this.contexts.build('track', {
      domain: attempt.domain as LogisticsDomain,
      city: attempt.city,
      transactionId: order.transactionId,
      bpp: { id: order.bppId, uri: order.offer.bppUri },
    });
    const message = buildTrack(context, order.networkOrderId);
    const answer = this.awaitOnTrack(context.message_id);
    try {
      const sent: ConversationEvent = {
        type: 'TrackSent',
        data: { transactionId: order.transactionId, messageId: context.message_id, to: order.offer.bppUri, bppId: order.bppId, message, sentAt: context.timestamp, sentBy: 'tracking' },
      };
      // The seller asked over the API; the request's own message id stands for that ask.
      const metadata = { ...ondcMetadata({ type: 'seller', id: sellerId }, order.transactionId, context.message_id), channel: 'api' };
      await this.store.append(conversationStream(shipmentId), [{ type: sent.type, data: sent.data as unknown as JsonObject, metadata }], { expectedRevision: 'any' });
      const outcome = await this.outbound.send({ action: 'track', transactionId: order.transactionId, target: { url: order.offer.bppUri }, bppId: order.bppId, message }, order.offer.bppUri, { sellerId, orderId, shipmentId });
      if (outcome.outcome !== 'ack') {
        const detail = outcome.outcome === 'nack' ? `the partner refused: ${outcome.error?.code ?? ''} ${outcome.error?.message ?? ''}`.trim() : `the partner did not answer: ${outcome.reason}`;
        return { ...base, tracking: { status: 'unavailable', detail } };
      }
      const onTrack = (await answer.promise) ?? (await this.recordedOnTrack(shipmentId, context.message_id));
      if (!onTrack) return { ...base, tracking: { status: 'unavailable', detail: `no on_track within ${this.config.trackTimeoutMs} ms` } };
      const reading = readTracking(onTrack);
      return { ...base, tracking: { status: reading.active ? 'active' : 'inactive', ...(reading.url ? { url: reading.url } : {}), ...(reading.gps ? { gps: reading.gps } : {}) } };
    } finally {
      answer.cancel();
    }
  }

  /** Resolves with the on_track this instance receives for the message, or undefined after the wait. */
  private awaitOnTrack(messageId: string): { promise: Promise<OndcMessage<'on_track'> | undefined>; cancel: () => void } {
    let stop = (): void => undefined;
    const promise = new Promise<OndcMessage<'on_track'> | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.config.trackTimeoutMs);
      const unlisten = this.intake.listen((callback: OndcCallback) => {
        if (callback.context.action === 'on_track' && callback.context.message_id === messageId) resolve(callback as OndcMessage<'on_track'>);
      });
      stop = () => {
        clearTimeout(timer);
        unlisten();
        resolve(undefined);
      };
    });
    return { promise, cancel: () => stop() };
  }

  /** Another instance may have received the on_track: the conversation has it. */
  private async recordedOnTrack(shipmentId: string, messageId: string): Promise<OndcMessage<'on_track'> | undefined> {
    const { state } = await this.conversations.load(shipmentId);
    const callback = state.callbacks.find((c) => c.action === 'on_track' && c.messageId === messageId);
    return callback ? (callback.body as OndcMessage<'on_track'>) : undefined;
  }
}
