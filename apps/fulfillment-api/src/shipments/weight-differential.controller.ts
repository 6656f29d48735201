import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptWeightDifferentialCommand, CommandOutcome, DisputeWeightDifferentialCommand } from '@fulfil/commands';
import { OrderState } from '@fulfil/domain';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, sellerMeta, written } from '../command-request';
import { ShipmentParams } from '../orders/route-params';
import { DisputeWeightDifferentialDto } from './weight-differential.dto';

const differentialSummary = (outcome: CommandOutcome<OrderState>, shipmentId: string) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  const shipment = order?.shipments.find((s) => s.shipmentId === shipmentId);
  return { orderId: order?.orderId, shipmentId, shipmentStatus: shipment?.status, weightDifferential: shipment?.weightDifferential ?? null, ...written(outcome) };
};

/** The seller's answer to a partner's weight differential charge (ONDC LOG11): sent to the partner as one /update. */
@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/orders/:orderId/shipments/:shipmentId/weight-differential')
export class WeightDifferentialController {
  constructor(private readonly commands: CommandBus) {}

  private run(command: object): Promise<CommandOutcome<OrderState>> {
    return this.commands.execute(command as never);
  }

  @Post('accept')
  @HttpCode(200)
  @ApiOperation({ summary: "Accept the partner's weight differential charge: the partner's updated quote is accepted with ONDC /update" })
  async accept(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new AcceptWeightDifferentialCommand({ sellerId: seller.sellerId, orderId, shipmentId }, sellerMeta(request, seller)));
    return differentialSummary(outcome, shipmentId);
  }

  @Post('dispute')
  @HttpCode(200)
  @ApiOperation({ summary: "Dispute the partner's weight differential charge: the partner is told the charge is rejected (ONDC 62504) with ONDC /update" })
  async dispute(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: DisputeWeightDifferentialDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new DisputeWeightDifferentialCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)));
    return differentialSummary(outcome, shipmentId);
  }
}
