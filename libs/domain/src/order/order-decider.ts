import { ConflictError, NotFoundError } from '../shared/domain-error';
import { decideGenerateInvoice, decideRegenerateInvoice, invoiceTotals } from './invoice-decisions';
import type { OrderContext, RegisteredSeller } from './order-context';
import type { OrderCommand } from './order-commands';
import type { OrderEvent } from './order-events';
import type { ActiveOrder, OrderState } from './order-state';
import { validateReceiveOrder, withNormalBuyerGstin } from './order-validation';
import { decideRecordFailedAttempt, decideRecordReturnToOrigin, decideRequestReattempt, decideRequestReturnToOrigin } from './failed-attempt-decisions';
import { decideAssignPartner, decideNoPartnerFound, decidePartnerCancellationOutcome, decidePartnerDetails, decidePartnerReport } from './partner-decisions';
import { decideRecordCodSettlement } from './cod-settlement-decisions';
import { decideAcceptWeightDifferential, decideDisputeWeightDifferential, decideRecordWeightDifferential } from './weight-differential-decisions';
import { decideCancelReturn, decideMarkReturnShipped, decideReceiveReturn, decideRequestReturn } from './return-decisions';
import {
  decideCancelOrder,
  decideCancelShipment,
  decideCreateShipment,
  decideMarkReadyToShip,
  decideMarkShipped,
  decideRecordPackageImage,
  decideReissueDeliveryOtp,
  decideReship,
  decideRetryPartnerSearch,
  decideSwitchToOffNetwork,
  decideVerifyDeliveryOtp,
} from './shipment-decisions';

/** The order of another seller is reported exactly like a missing one, so ids cannot be probed. */
export function requireOrder(state: OrderState, sellerId: string, orderId: string): ActiveOrder {
  if (state.status !== 'active' || state.sellerId !== sellerId) {
    throw new NotFoundError('ORDER_NOT_FOUND', `Order ${orderId} was not found`, { orderId });
  }
  return state;
}

function requireSeller(ctx: OrderContext): RegisteredSeller {
  if (!ctx.seller) throw new NotFoundError('SELLER_NOT_FOUND', 'The seller is not registered');
  return ctx.seller;
}

export function decideOrder(given: OrderCommand, state: OrderState, ctx: OrderContext): OrderEvent[] {
  if (given.type === 'ReceiveOrder') {
    const command = { ...given, buyer: withNormalBuyerGstin(given.buyer) };
    validateReceiveOrder(command, ctx.now);
    if (state.status === 'active') {
      throw new ConflictError('ORDER_ALREADY_EXISTS', `Order ${command.orderId} already exists`, { orderId: command.orderId });
    }
    const totals = invoiceTotals({
      supplier: { legalName: '', gstin: '', stateCode: command.deliveryAddress.stateCode, address: command.deliveryAddress },
      placeOfSupplyStateCode: command.deliveryAddress.stateCode,
      items: command.items,
      charges: command.charges,
    });
    return [
      {
        type: 'OrderReceived',
        data: {
          orderId: command.orderId,
          sellerId: command.sellerId,
          ...(command.externalRef ? { externalRef: command.externalRef } : {}),
          salesChannel: command.salesChannel,
          items: command.items,
          charges: command.charges,
          buyer: command.buyer,
          deliveryAddress: command.deliveryAddress,
          paymentMethod: command.paymentMethod,
          totalPaise: totals.grandTotalPaise,
          ...(command.package ? { package: command.package } : {}),
          receivedAt: ctx.now.toISOString(),
        },
      },
    ];
  }
  const command = given;
  const order = requireOrder(state, command.sellerId, command.orderId);
  switch (command.type) {
    case 'GenerateInvoice':
      return decideGenerateInvoice(order, command, requireSeller(ctx), ctx.now);
    case 'RegenerateInvoice':
      return decideRegenerateInvoice(order, command, requireSeller(ctx), ctx.now);
    case 'CreateShipment':
      return decideCreateShipment(order, command, ctx);
    case 'MarkShipmentReadyToShip':
      return decideMarkReadyToShip(order, command, ctx.now);
    case 'RecordPackageImage':
      return decideRecordPackageImage(order, command, ctx.now);
    case 'RetryPartnerSearch':
      return decideRetryPartnerSearch(order, command, ctx.now);
    case 'SwitchShipmentToOffNetwork':
      return decideSwitchToOffNetwork(order, command, ctx.now);
    case 'MarkShipmentShipped':
      return decideMarkShipped(order, command, ctx);
    case 'VerifyDeliveryOtp':
      return decideVerifyDeliveryOtp(order, command, ctx);
    case 'ReissueDeliveryOtp':
      return decideReissueDeliveryOtp(order, command, ctx);
    case 'AssignLogisticsPartner':
      return decideAssignPartner(order, command, ctx.now);
    case 'RecordNoPartnerFound':
      return decideNoPartnerFound(order, command, ctx.now);
    case 'RecordPartnerReport':
      return decidePartnerReport(order, command);
    case 'RequestReattempt':
      return decideRequestReattempt(order, command, ctx.now);
    case 'RequestReturnToOrigin':
      return decideRequestReturnToOrigin(order, command, ctx.now);
    case 'RecordFailedAttempt':
      return decideRecordFailedAttempt(order, command, ctx.now);
    case 'RecordReturnToOrigin':
      return decideRecordReturnToOrigin(order, command, ctx.now);
    case 'RecordPartnerDetails':
      return decidePartnerDetails(order, command, ctx.now);
    case 'RecordPartnerCancellationOutcome':
      return decidePartnerCancellationOutcome(order, command);
    case 'RecordWeightDifferential':
      return decideRecordWeightDifferential(order, command);
    case 'AcceptWeightDifferential':
      return decideAcceptWeightDifferential(order, command, ctx.now);
    case 'DisputeWeightDifferential':
      return decideDisputeWeightDifferential(order, command, ctx.now);
    case 'RecordCodSettlement':
      return decideRecordCodSettlement(order, command, ctx.now);
    case 'CancelShipment':
      return decideCancelShipment(order, command, ctx.now);
    case 'ReshipOrder':
      return decideReship(order, command, ctx);
    case 'CancelOrder':
      return decideCancelOrder(order, command, ctx.now);
    case 'RequestReturn':
      return decideRequestReturn(order, command, requireSeller(ctx), ctx.now);
    case 'MarkReturnShipped':
      return decideMarkReturnShipped(order, command, ctx.now);
    case 'ReceiveReturn':
      return decideReceiveReturn(order, command, ctx.now);
    case 'CancelReturn':
      return decideCancelReturn(order, command, ctx.now);
  }
}
