import {
  BuyerBilling,
  CatalogOffer,
  ContextBuilder,
  DeliveryOutcome,
  LogisticsDomain,
  OndcMessage,
  ShipmentDescription,
  buildCancel,
  buildConfirm,
  buildInit,
  buildReadyToShipUpdate,
  buildSearch,
  buildStatus,
  buildTrack,
  checkInitQuote,
  cityCodeForPincode,
  newNetworkOrderId,
  parseCatalog,
  validateOndcMessage,
} from '@fulfil/ondc';
import type { TestBuyer } from './test-buyer';
import { BUYER_BILLING } from './shipments';

/**
 * One shipment's conversation with the network, as the adapter will hold it: one transaction id,
 * the offer chosen, our network order id. Every request is built by the library's builders and
 * checked against its schema before it is sent.
 */
export class Conversation {
  readonly transactionId: string;
  readonly city: string;
  private readonly contexts: ContextBuilder;
  networkOrderId = newNetworkOrderId();

  constructor(
    private readonly buyer: TestBuyer,
    private readonly gatewayUrl: string,
    readonly shipment: ShipmentDescription,
    readonly domain: LogisticsDomain,
    private readonly billing: BuyerBilling = BUYER_BILLING,
  ) {
    this.contexts = buyer.contexts();
    this.transactionId = this.contexts.newTransactionId();
    this.city = cityCodeForPincode(shipment.pickup.pincode, { defaultCityCode: 'std:080' });
  }

  async search(): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    const message = buildSearch(this.contexts.build('search', { domain: this.domain, city: this.city, transactionId: this.transactionId }), this.shipment);
    return { outcome: await this.send(this.gatewayUrl, message), messageId: message.context.message_id };
  }

  /** The offers of one partner's catalog, once it arrives. */
  async offersFrom(bppId: string, searchMessageId: string): Promise<CatalogOffer[]> {
    const onSearch = await this.buyer.waitFor(`catalog of ${bppId}`, (c) => c.context.bpp_id === bppId && c.context.message_id === searchMessageId, 'on_search');
    return parseCatalog(onSearch).offers;
  }

  async init(offer: CatalogOffer): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    this.buyer.choose(this.transactionId, offer.bppId);
    const message = buildInit(this.contexts.build('init', this.partnerContext(offer)), this.shipment, offer, this.billing);
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  async onInit(offer: CatalogOffer, messageId: string) {
    const onInit = await this.buyer.waitFor('on_init', (c) => c.context.message_id === messageId, 'on_init');
    return { onInit, check: checkInitQuote(onInit, offer) };
  }

  async confirm(offer: CatalogOffer, quote: OndcMessage<'on_init'>['message']['order']['quote']): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    if (!quote) throw new Error('no quote to confirm');
    const message = buildConfirm(this.contexts.build('confirm', this.partnerContext(offer)), {
      shipment: this.shipment,
      offer,
      quote,
      buyer: this.billing,
      networkOrderId: this.networkOrderId,
    });
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  async readyToShip(offer: CatalogOffer): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    const message = buildReadyToShipUpdate(this.contexts.build('update', this.partnerContext(offer)), { shipment: this.shipment, offer, networkOrderId: this.networkOrderId, buyer: this.billing });
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  async status(offer: CatalogOffer): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    const message = buildStatus(this.contexts.build('status', this.partnerContext(offer)), this.networkOrderId);
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  async track(offer: CatalogOffer): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    const message = buildTrack(this.contexts.build('track', this.partnerContext(offer)), this.networkOrderId);
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  async cancel(offer: CatalogOffer, reasonId: string): Promise<{ outcome: DeliveryOutcome; messageId: string }> {
    const message = buildCancel(this.contexts.build('cancel', this.partnerContext(offer)), this.networkOrderId, reasonId);
    return { outcome: await this.send(offer.bppUri, message), messageId: message.context.message_id };
  }

  /** Order callbacks of this transaction whose forward or RTO fulfillment reached a state. */
  waitForState(action: 'on_status' | 'on_cancel' | 'on_confirm' | 'on_update', state: string, timeoutMs = 5_000) {
    return this.buyer.waitFor(
      `${action} in ${state}`,
      (c) =>
        c.context.transaction_id === this.transactionId &&
        'order' in c.message &&
        (c.message.order.fulfillments ?? []).some((f) => f.state?.descriptor.code === state),
      action,
      timeoutMs,
    );
  }

  private partnerContext(offer: CatalogOffer) {
    return { domain: this.domain, city: this.city, transactionId: this.transactionId, bpp: { id: offer.bppId, uri: offer.bppUri } };
  }

  private async send<A extends 'search' | 'init' | 'confirm' | 'update' | 'status' | 'track' | 'cancel'>(uri: string, message: OndcMessage<A>): Promise<DeliveryOutcome> {
    const check = validateOndcMessage(message.context.action, message);
    if (!check.valid) throw new Error(`our ${message.context.action} breaks its schema: ${JSON.stringify(check.errors)}`);
    return this.buyer.send(uri, message);
  }
}
