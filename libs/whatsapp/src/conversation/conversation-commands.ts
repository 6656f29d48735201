import {
  CancelShipmentCommand,
  CreateShipmentCommand,
  MarkShipmentReadyToShipCommand,
  MarkShipmentShippedCommand,
  RecordFailedAttemptCommand,
  RecordReturnToOriginCommand,
  ReissueDeliveryOtpCommand,
  RequestReattemptCommand,
  RequestReturnToOriginCommand,
  RetryPartnerSearchCommand,
  SwitchShipmentToOffNetworkCommand,
  VerifyDeliveryOtpCommand,
  type CommandMeta,
} from '@fulfil/commands';
import type { ConversationCommand } from './order-conversation';

/** The CommandBus message for a conversation's command, always scoped to the conversation's seller and order. */
export function commandMessageFor(command: ConversationCommand, scope: { sellerId: string; orderId: string }, meta: CommandMeta): object {
  const base = { sellerId: scope.sellerId, orderId: scope.orderId, shipmentId: command.shipmentId };
  switch (command.type) {
    case 'MarkShipmentReadyToShip':
      return new MarkShipmentReadyToShipCommand(base, meta);
    case 'CreateShipment':
      return new CreateShipmentCommand({ ...base, mode: command.mode }, meta);
    case 'MarkShipmentShipped':
      return new MarkShipmentShippedCommand({ ...base, courierName: command.courierName, trackingNumber: command.trackingNumber, images: command.images }, meta);
    case 'VerifyDeliveryOtp':
      return new VerifyDeliveryOtpCommand({ ...base, otp: command.otp }, meta);
    case 'ReissueDeliveryOtp':
      return new ReissueDeliveryOtpCommand(base, meta);
    case 'RequestReattempt':
      return new RequestReattemptCommand(base, meta);
    case 'RequestReturnToOrigin':
      return new RequestReturnToOriginCommand(base, meta);
    case 'RecordFailedAttempt':
      return new RecordFailedAttemptCommand({ ...base, reason: command.reason }, meta);
    case 'RecordReturnToOrigin':
      return new RecordReturnToOriginCommand({ ...base, reason: command.reason }, meta);
    case 'RetryPartnerSearch':
      return new RetryPartnerSearchCommand(base, meta);
    case 'SwitchShipmentToOffNetwork':
      return new SwitchShipmentToOffNetworkCommand(base, meta);
    case 'CancelShipment':
      return new CancelShipmentCommand({ ...base, reason: command.reason }, meta);
  }
}
