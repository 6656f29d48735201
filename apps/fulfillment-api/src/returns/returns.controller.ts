import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CancelReturnCommand, CommandOutcome, MarkReturnShippedCommand, ReceiveReturnCommand, RequestReturnCommand } from '@fulfil/commands';
import { ActiveOrder, OrderState, activeOrderStatus, returnsOf } from '@fulfil/domain';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { OrderReader } from '../orders/order-reader';
import { OrderIdParam } from '../orders/route-params';
import { CancelReturnDto, MarkReturnShippedDto, ReceiveReturnDto, RequestReturnDto, ReturnParams } from './return.dto';

/** A return as the seller sees it, with the credit note that settled it. */
function returnView(order: ActiveOrder, returnId: string) {
  const found = returnsOf(order).find((r) => r.returnId === returnId);
  const creditNote = order.invoice?.creditNotes.find((c) => c.returnId === returnId);
  return found ? { ...found, ...(creditNote ? { creditNoteNumber: creditNote.creditNoteNumber } : {}) } : undefined;
}

const returnSummary = (outcome: CommandOutcome<OrderState>, returnId: string) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  const view = order ? returnView(order, returnId) : undefined;
  return {
    orderId: order?.orderId,
    orderStatus: order ? activeOrderStatus(order) : undefined,
    returnId,
    returnStatus: view?.status,
    ...(view?.creditNoteNumber ? { creditNoteNumber: view.creditNoteNumber } : {}),
    ...written(outcome),
  };
};

@ApiTags('returns')
@ApiBearerAuth()
@Controller('v1/orders/:orderId/returns')
export class ReturnsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly orders: OrderReader,
  ) {}

  @Get()
  @ApiOperation({ summary: "The order's customer returns, oldest first, each with its credit note once inspected" })
  async list(@Param() { orderId }: OrderIdParam, @CurrentSeller() seller: SellerIdentity) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    return { orderId, returns: returnsOf(order).map((r) => returnView(order, r.returnId)) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Record a customer return of delivered goods on the buyer's behalf, within the seller's return window (settings.returnWindowDays)" })
  async request(@Param() { orderId }: OrderIdParam, @Body() body: RequestReturnDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const returnId = newId('ret', request, seller, `return:${orderId}`);
    const outcome = await this.commands.execute<RequestReturnCommand, CommandOutcome<OrderState>>(
      new RequestReturnCommand({ sellerId: seller.sellerId, orderId, returnId, lines: body.lines, reason: body.reason }, sellerMeta(request, seller)),
    );
    return returnSummary(outcome, returnId);
  }

  @Post(':returnId/ship')
  @HttpCode(200)
  @ApiOperation({ summary: 'The buyer sent the goods back: the courier and tracking number of the return parcel' })
  async ship(@Param() { orderId, returnId }: ReturnParams, @Body() body: MarkReturnShippedDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.commands.execute<MarkReturnShippedCommand, CommandOutcome<OrderState>>(
      new MarkReturnShippedCommand({ sellerId: seller.sellerId, orderId, returnId, ...body }, sellerMeta(request, seller)),
    );
    return returnSummary(outcome, returnId);
  }

  @Post(':returnId/receive')
  @HttpCode(200)
  @ApiOperation({ summary: 'The goods came back and were inspected: accepted units get a GST credit note, rejected ones a note each' })
  async receive(@Param() { orderId, returnId }: ReturnParams, @Body() body: ReceiveReturnDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.commands.execute<ReceiveReturnCommand, CommandOutcome<OrderState>>(
      new ReceiveReturnCommand({ sellerId: seller.sellerId, orderId, returnId, accepted: body.accepted ?? [], rejected: body.rejected ?? [] }, sellerMeta(request, seller)),
    );
    return returnSummary(outcome, returnId);
  }

  @Post(':returnId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a return the buyer has not sent yet' })
  async cancel(@Param() { orderId, returnId }: ReturnParams, @Body() body: CancelReturnDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.commands.execute<CancelReturnCommand, CommandOutcome<OrderState>>(
      new CancelReturnCommand({ sellerId: seller.sellerId, orderId, returnId, reason: body.reason }, sellerMeta(request, seller)),
    );
    return returnSummary(outcome, returnId);
  }
}
