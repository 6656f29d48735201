import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, orderRefOfStream } from '@fulfil/domain';
import type { RecordedEvent } from '@fulfil/event-store';
import type { CommandMeta } from '../command-meta';
import { CancelOrderCommand, CreateShipmentCommand, GenerateInvoiceCommand } from '../order-command-messages';
import { SellerReader } from '../seller-reader';

/** Refusals that only mean the step already happened or no longer applies. */
const ALREADY_SETTLED = new Set(['INVOICE_ALREADY_GENERATED', 'ORDER_CANCELLED', 'SHIPMENT_ALREADY_ACTIVE', 'ORDER_ALREADY_DELIVERED']);

/** The reason an order closed by its parcel's return carries, on its credit note too. */
const RETURNED_TO_ORIGIN_REASON = 'Returned to origin';

function systemMeta(cause: RecordedEvent, step: string): CommandMeta {
  const correlation = cause.metadata['correlationId'];
  return {
    actor: { type: 'system', id: step },
    channel: 'system',
    ...(typeof correlation === 'string' ? { correlationId: correlation } : {}),
    causationId: cause.id,
    // The same cause always yields the same key, so a redelivered event repeats nothing.
    idempotencyKey: `${step}:${cause.id}`,
  };
}

/**
 * The seller's automatic steps: invoice on receipt when *auto invoice* is on, and an on-network
 * shipment once invoiced when *auto manifest* is on. And for every seller, an order whose parcel
 * came back to origin is closed with a credit note for its whole invoice (ADR 0027). Driven by a
 * store subscription, so a crash between an order's receipt and its invoice only delays the invoice.
 */
@Injectable()
export class AutomaticStepsReaction {
  static readonly eventTypes = ['OrderReceived', 'InvoiceGenerated', 'ShipmentRtoDelivered'];
  private readonly logger = new Logger(AutomaticStepsReaction.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly sellers: SellerReader,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'ShipmentRtoDelivered') return this.closeReturnedOrder(event);
    const sellerId = event.data['sellerId'];
    const orderId = event.data['orderId'];
    if (typeof sellerId !== 'string' || typeof orderId !== 'string') return;
    const seller = await this.sellers.find(sellerId);
    if (!seller) return;
    if (event.type === 'OrderReceived' && seller.settings.autoInvoice) {
      await this.settle(new GenerateInvoiceCommand({ sellerId, orderId, auto: true }, systemMeta(event, 'auto-invoice')));
    }
    if (event.type === 'InvoiceGenerated' && seller.settings.autoManifest) {
      const shipmentId = `shp_${createHash('sha256').update(`auto-manifest:${sellerId}:${orderId}`).digest('hex').slice(0, 20)}`;
      await this.settle(new CreateShipmentCommand({ sellerId, orderId, shipmentId, mode: 'on-network' }, systemMeta(event, 'auto-manifest')));
    }
  }

  private async closeReturnedOrder(event: RecordedEvent): Promise<void> {
    const ref = orderRefOfStream(event.stream);
    if (!ref) return;
    await this.settle(new CancelOrderCommand({ ...ref, reason: RETURNED_TO_ORIGIN_REASON }, systemMeta(event, 'close-returned-order')));
  }

  /**
   * A domain refusal is final (retrying gives the same answer), so it ends the step with a warning
   * the seller's operator can act on; anything else (the store is down) is thrown to be retried.
   */
  private async settle(command: object): Promise<void> {
    try {
      await this.commands.execute(command as never);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (!ALREADY_SETTLED.has(error.code)) this.logger.warn(`Automatic step skipped: ${error.code}: ${error.message}`);
    }
  }
}
