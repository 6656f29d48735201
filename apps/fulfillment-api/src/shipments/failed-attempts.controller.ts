import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CommandOutcome,
  RecordFailedAttemptCommand,
  RecordReturnToOriginCommand,
  RequestReattemptCommand,
  RequestReturnToOriginCommand,
} from '@fulfil/commands';
import { OrderState, activeOrderStatus } from '@fulfil/domain';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, sellerMeta, written } from '../command-request';
import { ShipmentParams } from '../orders/route-params';
import { AttemptAnswerDto, RecordFailedAttemptDto, RecordReturnDto } from './failed-attempt.dto';

const attemptSummary = (outcome: CommandOutcome<OrderState>, shipmentId: string) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  const shipment = order?.shipments.find((s) => s.shipmentId === shipmentId);
  return {
    orderId: order?.orderId,
    orderStatus: order ? activeOrderStatus(order) : undefined,
    shipmentId,
    shipmentStatus: shipment?.status,
    mode: shipment?.mode,
    ...(shipment?.lastFailure ? { lastFailedAttempt: shipment.lastFailure } : {}),
    ...written(outcome),
  };
};

/** Failed pickups and deliveries (NDR) and returns to origin: the seller's answers, and the records for their own courier. */
@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/orders/:orderId/shipments/:shipmentId')
export class FailedAttemptsController {
  constructor(private readonly commands: CommandBus) {}

  private run(command: object): Promise<CommandOutcome<OrderState>> {
    return this.commands.execute(command as never);
  }

  @Post('reattempt')
  @HttpCode(200)
  @ApiOperation({ summary: 'After a failed pickup or delivery: try again (on-network, the partner is asked with ONDC /update)' })
  async reattempt(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: AttemptAnswerDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new RequestReattemptCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)));
    return attemptSummary(outcome, shipmentId);
  }

  @Post('return-to-origin')
  @HttpCode(200)
  @ApiOperation({ summary: 'On-network, after a failed delivery: ask the partner to bring the parcel back (ONDC /update); the partner then reports the return' })
  async returnToOrigin(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: AttemptAnswerDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new RequestReturnToOriginCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)));
    return attemptSummary(outcome, shipmentId);
  }

  @Post('failed-attempts')
  @HttpCode(200)
  @ApiOperation({ summary: "Off-network: record that the seller's courier could not deliver" })
  async failedAttempt(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: RecordFailedAttemptDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new RecordFailedAttemptCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)));
    return attemptSummary(outcome, shipmentId);
  }

  @Post('returned')
  @HttpCode(200)
  @ApiOperation({
    summary: "Off-network: the courier brought the parcel back. The order then closes with a credit note for its invoice (status returned)",
  })
  async returned(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: RecordReturnDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new RecordReturnToOriginCommand({ sellerId: seller.sellerId, orderId, shipmentId, reason: body.reason }, sellerMeta(request, seller)));
    return attemptSummary(outcome, shipmentId);
  }
}
