import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  OrderEvent,
  OrderState,
  assertInvoiceCanBeGenerated,
  creditNotePrefix,
  financialYearOf,
  orderNeedsCancelling,
  orderStream,
  planInvoiceCorrection,
  planReturnReceipt,
  requireOrder,
  type RegisteredSeller,
} from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventMetadata, type CommandMeta } from './command-meta';
import type { CommandOutcome } from './command-outcome';
import { isRepeatOf, loadStream } from './handle-command';
import { InvoiceNumberAllocator, NumberRequest } from './invoice-number-allocator';
import { OrderCommandExecutor, orderDecider } from './order-command.handler';
import { CancelOrderCommand, GenerateInvoiceCommand, ReceiveReturnCommand, RegenerateInvoiceCommand } from './order-command-messages';
import { SellerReader } from './seller-reader';
import { CLOCK, Clock, EVENT_STORE } from './tokens';

/** What the allocator needs to number one of the order's documents in the seller's invoice series, dated now. */
function numberRequest(command: { sellerId: string; orderId: string }, seller: RegisteredSeller, now: Date, meta: CommandMeta, held: readonly string[]): NumberRequest {
  return {
    sellerId: command.sellerId,
    orderId: command.orderId,
    financialYear: financialYearOf(now),
    prefix: seller.settings.invoicePrefix,
    now,
    metadata: eventMetadata(meta),
    held,
  };
}

async function loadOrder(store: EventStore, sellerId: string, orderId: string, meta: CommandMeta) {
  const loaded = await loadStream<OrderState, OrderEvent>(store, orderStream(sellerId, orderId), orderDecider);
  return { order: requireOrder(loaded.state, sellerId, orderId), repeat: isRepeatOf(loaded, eventMetadata(meta)) };
}

/** Checks the order can be invoiced, takes a number (custom or next in series), then records the invoice. */
@CommandHandler(GenerateInvoiceCommand)
export class GenerateInvoiceHandler implements ICommandHandler<GenerateInvoiceCommand, CommandOutcome<OrderState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sellers: SellerReader,
    private readonly numbers: InvoiceNumberAllocator,
    private readonly executor: OrderCommandExecutor,
  ) {}

  async execute({ command, meta }: GenerateInvoiceCommand): Promise<CommandOutcome<OrderState>> {
    const { order, repeat } = await loadOrder(this.store, command.sellerId, command.orderId, meta);
    // A retry whose first attempt wrote the invoice (its answer lost to a crash or timeout) gets that
    // answer back: the executor replays by idempotency key, before looking at the number.
    if (repeat) {
      const { sellerId, orderId } = command;
      return this.executor.execute({ type: 'GenerateInvoice', sellerId, orderId, invoiceNumber: order.invoice?.current.invoiceNumber ?? '', numberSource: 'sequence', auto: command.auto ?? false }, { meta });
    }
    // One reading of the clock dates the invoice, picks its financial year and checks its rates.
    const now = this.clock.now();
    assertInvoiceCanBeGenerated(order, now);
    const seller = await this.sellers.get(command.sellerId);
    const request = numberRequest(command, seller, now, meta, []);
    const invoiceNumber =
      command.customInvoiceNumber !== undefined
        ? await this.numbers.reserveCustom({ ...request, invoiceNumber: command.customInvoiceNumber })
        : await this.numbers.nextInvoiceNumber(request);
    return this.executor.execute(
      {
        type: 'GenerateInvoice',
        sellerId: command.sellerId,
        orderId: command.orderId,
        invoiceNumber,
        numberSource: command.customInvoiceNumber !== undefined ? 'custom' : 'sequence',
        auto: command.auto ?? false,
      },
      { meta },
      now,
    );
  }
}

/** A tax-relevant correction needs a credit note and a new invoice number; others keep the number. */
@CommandHandler(RegenerateInvoiceCommand)
export class RegenerateInvoiceHandler implements ICommandHandler<RegenerateInvoiceCommand, CommandOutcome<OrderState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sellers: SellerReader,
    private readonly numbers: InvoiceNumberAllocator,
    private readonly executor: OrderCommandExecutor,
  ) {}

  async execute({ command, meta }: RegenerateInvoiceCommand): Promise<CommandOutcome<OrderState>> {
    const { order, repeat } = await loadOrder(this.store, command.sellerId, command.orderId, meta);
    // As for a first invoice: a repeat replays what the first attempt wrote, without planning or numbering again.
    if (repeat) return this.executor.execute({ type: 'RegenerateInvoice', ...command }, { meta });
    const seller = await this.sellers.get(command.sellerId);
    const now = this.clock.now();
    const plan = planInvoiceCorrection(order, command.corrections, seller, command.reason, now);
    let numbers: { newInvoiceNumber: string; creditNoteNumber: string } | undefined;
    if (plan.taxRelevant) {
      const request = numberRequest(command, seller, now, meta, order.invoice?.revisions.map((r) => r.invoiceNumber) ?? []);
      numbers = {
        creditNoteNumber: await this.numbers.nextCreditNoteNumber({
          ...request,
          prefix: creditNotePrefix(seller.settings.invoicePrefix),
          held: order.invoice?.creditNotes.map((c) => c.creditNoteNumber) ?? [],
        }),
        newInvoiceNumber: await this.numbers.nextInvoiceNumber(request),
      };
    }
    return this.executor.execute({ type: 'RegenerateInvoice', ...command, ...numbers }, { meta }, now);
  }
}

/**
 * Cancelling an invoiced order issues a credit note for the invoice, so its number is taken from
 * the seller's credit-note series first (after the checks, so a refused cancellation takes none).
 */
@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand, CommandOutcome<OrderState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sellers: SellerReader,
    private readonly numbers: InvoiceNumberAllocator,
    private readonly executor: OrderCommandExecutor,
  ) {}

  async execute({ command, meta }: CancelOrderCommand): Promise<CommandOutcome<OrderState>> {
    const { order, repeat } = await loadOrder(this.store, command.sellerId, command.orderId, meta);
    const cancel = { type: 'CancelOrder' as const, ...command };
    if (repeat || !order.invoice || !orderNeedsCancelling(order, command.reason, command.reasonCode)) return this.executor.execute(cancel, { meta });
    const seller = await this.sellers.get(command.sellerId);
    const now = this.clock.now();
    const creditNoteNumber = await this.numbers.nextCreditNoteNumber({
      ...numberRequest(command, seller, now, meta, []),
      prefix: creditNotePrefix(seller.settings.invoicePrefix),
      held: order.invoice.creditNotes.map((c) => c.creditNoteNumber),
    });
    return this.executor.execute({ ...cancel, creditNoteNumber }, { meta }, now);
  }
}

/**
 * Accepting returned goods issues a credit note for them: its number is taken from the seller's
 * credit-note series once the inspection is known to be valid, so a refused one takes none.
 */
@CommandHandler(ReceiveReturnCommand)
export class ReceiveReturnHandler implements ICommandHandler<ReceiveReturnCommand, CommandOutcome<OrderState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sellers: SellerReader,
    private readonly numbers: InvoiceNumberAllocator,
    private readonly executor: OrderCommandExecutor,
  ) {}

  async execute({ command, meta }: ReceiveReturnCommand): Promise<CommandOutcome<OrderState>> {
    const { order, repeat } = await loadOrder(this.store, command.sellerId, command.orderId, meta);
    const receive = { type: 'ReceiveReturn' as const, ...command };
    if (repeat || !order.invoice || !planReturnReceipt(order, command).creditDue) return this.executor.execute(receive, { meta });
    const seller = await this.sellers.get(command.sellerId);
    const now = this.clock.now();
    const creditNoteNumber = await this.numbers.nextCreditNoteNumber({
      ...numberRequest(command, seller, now, meta, []),
      prefix: creditNotePrefix(seller.settings.invoicePrefix),
      held: order.invoice.creditNotes.map((c) => c.creditNoteNumber),
    });
    return this.executor.execute({ ...receive, creditNoteNumber }, { meta }, now);
  }
}
