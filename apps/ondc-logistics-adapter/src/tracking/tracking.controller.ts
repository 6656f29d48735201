import { Controller, ExecutionContext, Get, Inject, NotFoundException, Param, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ShipmentTracking } from './shipment-tracking';

export const SHIPMENT_TRACKING = Symbol('SHIPMENT_TRACKING');

/** The seller the host's API-key guard authenticated (it sets `request.seller`). */
const AuthenticatedSeller = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const seller = ctx.switchToHttp().getRequest<{ seller?: { sellerId: string } }>().seller;
  if (!seller) throw new Error('the tracking route needs the host to authenticate sellers');
  return seller.sellerId;
});

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/orders/:orderId/shipments/:shipmentId/tracking')
export class TrackingController {
  constructor(@Inject(SHIPMENT_TRACKING) private readonly tracking: ShipmentTracking) {}

  @Get()
  @ApiOperation({ summary: 'Live tracking of an on-network shipment, asked of its logistics partner with ONDC /track' })
  async track(@Param('orderId') orderId: string, @Param('shipmentId') shipmentId: string, @AuthenticatedSeller() sellerId: string) {
    const answer = await this.tracking.track(sellerId, orderId, shipmentId);
    if (!answer.found) throw new NotFoundException(`No on-network partner is confirmed for shipment ${shipmentId} of order ${orderId}`);
    const { found: _found, ...body } = answer;
    return body;
  }
}
