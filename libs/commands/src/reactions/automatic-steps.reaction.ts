import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '@fulfil/domain';
import type { RecordedEvent } from '@fulfil/event-store';
import type { CommandMeta } from '../command-meta';
import { CreateShipmentCommand, GenerateInvoiceCommand } from '../order-command-messages';
import { SellerReader } from '../seller-reader';

/** Refusals that only mean the step already happened or no longer applies. */
const ALREADY_SETTLED = new Set(['INVOICE_ALREADY_GENERATED', 'ORDER_CANCELLED', 'SHIPMENT_ALREADY_ACTIVE', 'ORDER_ALREADY_DELIVERED']);

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
 * shipment once invoiced when *auto manifest* is on. Driven by a store subscription, so a crash
 * between an order's receipt and its invoice only delays the invoice.
 */
@Injectable()
export class AutomaticStepsReaction {
  static readonly eventTypes = ['OrderReceived', 'InvoiceGenerated'];
  private readonly logger = new Logger(AutomaticStepsReaction.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly sellers: SellerReader,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
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
