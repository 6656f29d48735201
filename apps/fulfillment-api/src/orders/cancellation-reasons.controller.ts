import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SELLER_CANCELLATION_REASONS, SELLER_CANCELLATION_REASON_CODES } from '@fulfil/domain';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/cancellation-reasons')
export class CancellationReasonsController {
  @Get()
  @ApiOperation({ summary: 'The reasons a seller may give for cancelling an order or shipment: buyer-side and merchant-side, each with its ONDC retail reason id' })
  list() {
    return {
      reasons: SELLER_CANCELLATION_REASON_CODES.map((code) => {
        const { side, text, ondcRetailReasonId } = SELLER_CANCELLATION_REASONS[code];
        return { code, side, text, ondcRetailReasonId };
      }),
    };
  }
}
