import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DeliveryOtpGenerator,
  DeliveryOtpPolicy,
  OrderCommand,
  OrderCommandType,
  OrderContext,
  OrderEvent,
  OrderState,
  PincodeLocator,
  decideOrder,
  evolveOrder,
  initialOrderState,
  orderStream,
  refusalRecordedIn,
} from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventMetadata } from './command-meta';
import { COMMAND_OBSERVER, CommandObserver, observed } from './command-observer';
import type { CommandOutcome } from './command-outcome';
import { handleCommand } from './handle-command';
import {
  AssignLogisticsPartnerCommand,
  CancelReturnCommand,
  CancelShipmentCommand,
  CreateShipmentCommand,
  MarkReturnShippedCommand,
  MarkShipmentReadyToShipCommand,
  MarkShipmentShippedCommand,
  OrderCommandMessage,
  ReceiveOrderCommand,
  RecordNoPartnerFoundCommand,
  RecordPackageImageCommand,
  RecordFailedAttemptCommand,
  RecordPartnerReportCommand,
  RecordReturnToOriginCommand,
  RecordPartnerDetailsCommand,
  RecordPartnerCancellationOutcomeCommand,
  RecordWeightDifferentialCommand,
  AcceptWeightDifferentialCommand,
  DisputeWeightDifferentialCommand,
  RecordCodSettlementCommand,
  ReissueDeliveryOtpCommand,
  RequestReturnCommand,
  RequestReattemptCommand,
  RequestReturnToOriginCommand,
  ReshipOrderCommand,
  RetryPartnerSearchCommand,
  SwitchShipmentToOffNetworkCommand,
  VerifyDeliveryOtpCommand,
} from './order-command-messages';
import type { PincodeDirectory } from './pincode-directory';
import { SellerReader } from './seller-reader';
import { CLOCK, Clock, DELIVERY_OTP, DELIVERY_OTP_POLICY, DOCUMENT_HASHES, DocumentHashes, EVENT_STORE, PINCODE_DIRECTORY } from './tokens';

export const orderDecider = { initialState: initialOrderState, evolve: evolveOrder };

/** Commands whose decision copies the seller's profile or settings. */
const NEEDS_SELLER: ReadonlySet<OrderCommandType> = new Set(['CreateShipment', 'ReshipOrder', 'GenerateInvoice', 'RegenerateInvoice', 'RequestReturn']);
/** Commands that create a shipment, whose addresses may need locating by PIN code. */
const NEEDS_PINCODES: ReadonlySet<OrderCommandType> = new Set(['CreateShipment', 'ReshipOrder']);
/** No other decision consults the directory: the others are spared loading it. */
const noPincodes: PincodeLocator = () => undefined;

/** Runs any order command against the order's stream; the use-case handlers below only route to it. */
@Injectable()
export class OrderCommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DELIVERY_OTP) private readonly otp: DeliveryOtpGenerator,
    @Inject(DELIVERY_OTP_POLICY) private readonly otpPolicy: DeliveryOtpPolicy,
    private readonly sellers: SellerReader,
    @Inject(COMMAND_OBSERVER) private readonly observer: CommandObserver,
    @Inject(DOCUMENT_HASHES) private readonly documents: DocumentHashes,
    @Inject(PINCODE_DIRECTORY) private readonly pincodes: PincodeDirectory,
  ) {}

  /**
   * `now`: the clock reading a handler already took for this command (to number an invoice in the
   * financial year it dates). Reading the clock again could cross midnight of 31 March and date the
   * invoice in another year than its number.
   */
  execute(command: OrderCommand, message: Pick<OrderCommandMessage<OrderCommandType>, 'meta'>, now?: Date): Promise<CommandOutcome<OrderState>> {
    return observed(this.observer, command.type, () => this.decideAndAppend(command, message, now ?? this.clock.now()));
  }

  private async decideAndAppend(command: OrderCommand, message: Pick<OrderCommandMessage<OrderCommandType>, 'meta'>, now: Date): Promise<CommandOutcome<OrderState>> {
    const seller = NEEDS_SELLER.has(command.type) ? await this.sellers.get(command.sellerId) : undefined;
    const locatePincode = NEEDS_PINCODES.has(command.type) ? await this.pincodes.load() : noPincodes;
    const result = await handleCommand<OrderState, OrderEvent>(
      this.store,
      orderStream(command.sellerId, command.orderId),
      orderDecider,
      (state) => decideOrder(command, state, this.context(seller, now, locatePincode)),
      {
        metadata: eventMetadata(message.meta),
        // Receiving twice is never a retry: the second is a duplicate order id.
        retryOnConflict: command.type !== 'ReceiveOrder',
        // An order is received once, under an id nobody used: saves the read of a stream that is not there.
        assumeNewStream: command.type === 'ReceiveOrder',
        enrich: (state, events) => this.withDocumentHashes(state, events),
      },
    );
    const refusal = refusalRecordedIn(result.events);
    if (refusal) throw refusal;
    return {
      eventTypes: result.events.map((e) => e.type),
      position: result.position,
      revision: result.revision,
      replayed: result.replayed,
      state: result.state,
    };
  }

  /** Documents are rendered from events alone, so their hash is known before the events are written. */
  private async withDocumentHashes(state: OrderState, events: OrderEvent[]): Promise<OrderEvent[]> {
    const after = events.reduce(evolveOrder, state);
    if (after.status !== 'active') return events;
    return Promise.all(
      events.map(async (event) => {
        const hash = await this.documents.hashOf(after, event);
        return hash ? ({ ...event, data: { ...event.data, documentSha256: hash } } as OrderEvent) : event;
      }),
    );
  }

  private context(seller: OrderContext['seller'], now: Date, locatePincode: PincodeLocator): OrderContext {
    return { now, ...(seller ? { seller } : {}), otp: this.otp, otpPolicy: this.otpPolicy, locatePincode };
  }
}

/** Decorated so that Nest emits the constructor's parameter types for the subclasses to inherit. */
@Injectable()
abstract class OrderUseCaseHandler<T extends OrderCommandType> implements ICommandHandler<OrderCommandMessage<T>, CommandOutcome<OrderState>> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute(message: OrderCommandMessage<T>): Promise<CommandOutcome<OrderState>> {
    // The message class fixes `type` for its fields; TypeScript cannot follow Omit<> through the generic.
    const command = { ...message.command, type: message.type } as unknown as OrderCommand;
    return this.executor.execute(command, message);
  }
}

@CommandHandler(ReceiveOrderCommand)
export class ReceiveOrderHandler extends OrderUseCaseHandler<'ReceiveOrder'> {}
@CommandHandler(CreateShipmentCommand)
export class CreateShipmentHandler extends OrderUseCaseHandler<'CreateShipment'> {}
@CommandHandler(MarkShipmentReadyToShipCommand)
export class MarkShipmentReadyToShipHandler extends OrderUseCaseHandler<'MarkShipmentReadyToShip'> {}
@CommandHandler(RecordPackageImageCommand)
export class RecordPackageImageHandler extends OrderUseCaseHandler<'RecordPackageImage'> {}
@CommandHandler(SwitchShipmentToOffNetworkCommand)
export class SwitchShipmentToOffNetworkHandler extends OrderUseCaseHandler<'SwitchShipmentToOffNetwork'> {}
@CommandHandler(RetryPartnerSearchCommand)
export class RetryPartnerSearchHandler extends OrderUseCaseHandler<'RetryPartnerSearch'> {}
@CommandHandler(MarkShipmentShippedCommand)
export class MarkShipmentShippedHandler extends OrderUseCaseHandler<'MarkShipmentShipped'> {}
@CommandHandler(VerifyDeliveryOtpCommand)
export class VerifyDeliveryOtpHandler extends OrderUseCaseHandler<'VerifyDeliveryOtp'> {}
@CommandHandler(ReissueDeliveryOtpCommand)
export class ReissueDeliveryOtpHandler extends OrderUseCaseHandler<'ReissueDeliveryOtp'> {}
@CommandHandler(AssignLogisticsPartnerCommand)
export class AssignLogisticsPartnerHandler extends OrderUseCaseHandler<'AssignLogisticsPartner'> {}
@CommandHandler(RecordNoPartnerFoundCommand)
export class RecordNoPartnerFoundHandler extends OrderUseCaseHandler<'RecordNoPartnerFound'> {}
@CommandHandler(RecordPartnerReportCommand)
export class RecordPartnerReportHandler extends OrderUseCaseHandler<'RecordPartnerReport'> {}
@CommandHandler(RequestReattemptCommand)
export class RequestReattemptHandler extends OrderUseCaseHandler<'RequestReattempt'> {}
@CommandHandler(RequestReturnToOriginCommand)
export class RequestReturnToOriginHandler extends OrderUseCaseHandler<'RequestReturnToOrigin'> {}
@CommandHandler(RecordFailedAttemptCommand)
export class RecordFailedAttemptHandler extends OrderUseCaseHandler<'RecordFailedAttempt'> {}
@CommandHandler(RecordReturnToOriginCommand)
export class RecordReturnToOriginHandler extends OrderUseCaseHandler<'RecordReturnToOrigin'> {}
@CommandHandler(RecordPartnerDetailsCommand)
export class RecordPartnerDetailsHandler extends OrderUseCaseHandler<'RecordPartnerDetails'> {}
@CommandHandler(RecordPartnerCancellationOutcomeCommand)
export class RecordPartnerCancellationOutcomeHandler extends OrderUseCaseHandler<'RecordPartnerCancellationOutcome'> {}
@CommandHandler(RecordWeightDifferentialCommand)
export class RecordWeightDifferentialHandler extends OrderUseCaseHandler<'RecordWeightDifferential'> {}
@CommandHandler(AcceptWeightDifferentialCommand)
export class AcceptWeightDifferentialHandler extends OrderUseCaseHandler<'AcceptWeightDifferential'> {}
@CommandHandler(DisputeWeightDifferentialCommand)
export class DisputeWeightDifferentialHandler extends OrderUseCaseHandler<'DisputeWeightDifferential'> {}
@CommandHandler(RecordCodSettlementCommand)
export class RecordCodSettlementHandler extends OrderUseCaseHandler<'RecordCodSettlement'> {}
@CommandHandler(CancelShipmentCommand)
export class CancelShipmentHandler extends OrderUseCaseHandler<'CancelShipment'> {}
@CommandHandler(ReshipOrderCommand)
export class ReshipOrderHandler extends OrderUseCaseHandler<'ReshipOrder'> {}
@CommandHandler(RequestReturnCommand)
export class RequestReturnHandler extends OrderUseCaseHandler<'RequestReturn'> {}
@CommandHandler(MarkReturnShippedCommand)
export class MarkReturnShippedHandler extends OrderUseCaseHandler<'MarkReturnShipped'> {}
@CommandHandler(CancelReturnCommand)
export class CancelReturnHandler extends OrderUseCaseHandler<'CancelReturn'> {}

export const ORDER_USE_CASE_HANDLERS = [
  ReceiveOrderHandler,
  CreateShipmentHandler,
  MarkShipmentReadyToShipHandler,
  RecordPackageImageHandler,
  SwitchShipmentToOffNetworkHandler,
  RetryPartnerSearchHandler,
  MarkShipmentShippedHandler,
  VerifyDeliveryOtpHandler,
  ReissueDeliveryOtpHandler,
  AssignLogisticsPartnerHandler,
  RecordNoPartnerFoundHandler,
  RecordPartnerReportHandler,
  RequestReattemptHandler,
  RequestReturnToOriginHandler,
  RecordFailedAttemptHandler,
  RecordReturnToOriginHandler,
  RecordPartnerDetailsHandler,
  RecordPartnerCancellationOutcomeHandler,
  RecordWeightDifferentialHandler,
  AcceptWeightDifferentialHandler,
  DisputeWeightDifferentialHandler,
  RecordCodSettlementHandler,
  CancelShipmentHandler,
  ReshipOrderHandler,
  RequestReturnHandler,
  MarkReturnShippedHandler,
  CancelReturnHandler,
];
