import type { OrderCommandOf, OrderCommandType, SellerCommand } from '@fulfil/domain';
import type { CommandMeta } from './command-meta';

/** A domain order command on the CommandBus; one subclass per use case so each has its own handler. */
export abstract class OrderCommandMessage<T extends OrderCommandType> {
  constructor(
    readonly command: Omit<OrderCommandOf<T>, 'type'>,
    readonly meta: CommandMeta,
  ) {}
  abstract readonly type: T;
}

export class ReceiveOrderCommand extends OrderCommandMessage<'ReceiveOrder'> {
  readonly type = 'ReceiveOrder';
}
export class CreateShipmentCommand extends OrderCommandMessage<'CreateShipment'> {
  readonly type = 'CreateShipment';
}
export class MarkShipmentReadyToShipCommand extends OrderCommandMessage<'MarkShipmentReadyToShip'> {
  readonly type = 'MarkShipmentReadyToShip';
}
export class RecordPackageImageCommand extends OrderCommandMessage<'RecordPackageImage'> {
  readonly type = 'RecordPackageImage';
}
export class SwitchShipmentToOffNetworkCommand extends OrderCommandMessage<'SwitchShipmentToOffNetwork'> {
  readonly type = 'SwitchShipmentToOffNetwork';
}
export class RetryPartnerSearchCommand extends OrderCommandMessage<'RetryPartnerSearch'> {
  readonly type = 'RetryPartnerSearch';
}
export class MarkShipmentShippedCommand extends OrderCommandMessage<'MarkShipmentShipped'> {
  readonly type = 'MarkShipmentShipped';
}
export class VerifyDeliveryOtpCommand extends OrderCommandMessage<'VerifyDeliveryOtp'> {
  readonly type = 'VerifyDeliveryOtp';
}
export class ReissueDeliveryOtpCommand extends OrderCommandMessage<'ReissueDeliveryOtp'> {
  readonly type = 'ReissueDeliveryOtp';
}
export class AssignLogisticsPartnerCommand extends OrderCommandMessage<'AssignLogisticsPartner'> {
  readonly type = 'AssignLogisticsPartner';
}
export class RecordNoPartnerFoundCommand extends OrderCommandMessage<'RecordNoPartnerFound'> {
  readonly type = 'RecordNoPartnerFound';
}
export class RecordPartnerReportCommand extends OrderCommandMessage<'RecordPartnerReport'> {
  readonly type = 'RecordPartnerReport';
}
export class RequestReattemptCommand extends OrderCommandMessage<'RequestReattempt'> {
  readonly type = 'RequestReattempt';
}
export class RequestReturnToOriginCommand extends OrderCommandMessage<'RequestReturnToOrigin'> {
  readonly type = 'RequestReturnToOrigin';
}
export class RecordFailedAttemptCommand extends OrderCommandMessage<'RecordFailedAttempt'> {
  readonly type = 'RecordFailedAttempt';
}
export class RecordReturnToOriginCommand extends OrderCommandMessage<'RecordReturnToOrigin'> {
  readonly type = 'RecordReturnToOrigin';
}
export class RecordPartnerDetailsCommand extends OrderCommandMessage<'RecordPartnerDetails'> {
  readonly type = 'RecordPartnerDetails';
}
export class RecordPartnerCancellationOutcomeCommand extends OrderCommandMessage<'RecordPartnerCancellationOutcome'> {
  readonly type = 'RecordPartnerCancellationOutcome';
}
export class RecordWeightDifferentialCommand extends OrderCommandMessage<'RecordWeightDifferential'> {
  readonly type = 'RecordWeightDifferential';
}
export class AcceptWeightDifferentialCommand extends OrderCommandMessage<'AcceptWeightDifferential'> {
  readonly type = 'AcceptWeightDifferential';
}
export class DisputeWeightDifferentialCommand extends OrderCommandMessage<'DisputeWeightDifferential'> {
  readonly type = 'DisputeWeightDifferential';
}
export class RecordCodSettlementCommand extends OrderCommandMessage<'RecordCodSettlement'> {
  readonly type = 'RecordCodSettlement';
}
export class CancelShipmentCommand extends OrderCommandMessage<'CancelShipment'> {
  readonly type = 'CancelShipment';
}
export class ReshipOrderCommand extends OrderCommandMessage<'ReshipOrder'> {
  readonly type = 'ReshipOrder';
}
export class CancelOrderCommand extends OrderCommandMessage<'CancelOrder'> {
  readonly type = 'CancelOrder';
}

export class RequestReturnCommand extends OrderCommandMessage<'RequestReturn'> {
  readonly type = 'RequestReturn';
}
export class MarkReturnShippedCommand extends OrderCommandMessage<'MarkReturnShipped'> {
  readonly type = 'MarkReturnShipped';
}
export class CancelReturnCommand extends OrderCommandMessage<'CancelReturn'> {
  readonly type = 'CancelReturn';
}

/** The credit note number for the accepted goods is the handler's to allocate, after the inspection is checked. */
export class ReceiveReturnCommand {
  constructor(
    readonly command: Omit<OrderCommandOf<'ReceiveReturn'>, 'type' | 'creditNoteNumber'>,
    readonly meta: CommandMeta,
  ) {}
}

/** The invoice number is not the caller's to allocate: the handler reserves a custom one or takes the next of the series. */
export class GenerateInvoiceCommand {
  constructor(
    readonly command: { sellerId: string; orderId: string; customInvoiceNumber?: string; auto?: boolean },
    readonly meta: CommandMeta,
  ) {}
}

export class RegenerateInvoiceCommand {
  constructor(
    readonly command: Omit<OrderCommandOf<'RegenerateInvoice'>, 'type' | 'newInvoiceNumber' | 'creditNoteNumber'>,
    readonly meta: CommandMeta,
  ) {}
}

export class SellerCommandMessage {
  constructor(
    readonly command: SellerCommand,
    readonly meta: CommandMeta,
  ) {}
}
