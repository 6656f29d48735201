import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@fulfil/domain';
import { OrderQueries } from '@fulfil/read-models';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import type { ApiRequest } from '../command-request';
import { FreshReadQueryDto, ReadYourWrites } from '../orders/read-your-writes';
import { OrderIdParam } from '../orders/route-params';

/** The WhatsApp messages sent and received about one order, for the seller console's order story. */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrderWhatsAppMessagesController {
  constructor(
    private readonly queries: OrderQueries,
    private readonly freshness: ReadYourWrites,
  ) {}

  @Get(':orderId/whatsapp-messages')
  @ApiOperation({
    summary:
      "The WhatsApp messages the engine sent about the order (to the seller and the buyer, with how far each got) and the seller's messages it received about it, oldest first (read models). A delivery OTP's message says it was sent, never the code; received texts have OTP-like numbers masked.",
  })
  async list(@Param() { orderId }: OrderIdParam, @Query() query: FreshReadQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    // Both reads are scoped to the calling seller: another seller's order reads as missing.
    const [order, messages] = await Promise.all([this.queries.orderExists(seller.sellerId, orderId), this.queries.whatsAppMessages(seller.sellerId, orderId)]);
    if (!order) throw new NotFoundError('ORDER_NOT_FOUND', `Order ${orderId} was not found`, { orderId });
    return { orderId, messages };
  }
}
