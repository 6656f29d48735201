import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CancelOrderCommand,
  CommandOutcome,
  GenerateInvoiceCommand,
  ReceiveOrderCommand,
  RegenerateInvoiceCommand,
  ReshipOrderCommand,
} from '@fulfil/commands';
import { NotFoundError, OrderItem, OrderState, activeOrderStatus } from '@fulfil/domain';
import { OrderQueries } from '@fulfil/read-models';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { CancelOrderDto, GenerateInvoiceDto, ListOrdersQueryDto, OrderItemDto, ReceiveOrderDto, RegenerateInvoiceDto, ReshipDto } from './order.dto';
import { OrderReader } from './order-reader';
import { FreshReadQueryDto, ReadYourWrites } from './read-your-writes';
import { OrderIdParam } from './route-params';
import { cancellationOf } from './cancellation-of';

const withItemDefaults = (item: OrderItemDto): OrderItem => ({ ...item, unit: item.unit ?? 'NOS', discountPaise: item.discountPaise ?? 0 });

const orderSummary = (outcome: CommandOutcome<OrderState>) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  return {
    orderId: order?.orderId,
    status: order ? activeOrderStatus(order) : undefined,
    ...written(outcome),
  };
};

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly orders: OrderReader,
    private readonly queries: OrderQueries,
    private readonly freshness: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Orders, newest first, filtered by status, shipping mode, date received and a search term; cursor-paginated (read models)' })
  async list(@Query() query: ListOrdersQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    const { minPosition: _wait, limit, q, ...filters } = query;
    return this.queries.listOrders(seller.sellerId, { ...filters, ...(q !== undefined ? { search: q } : {}), limit: limit ?? 50 });
  }

  @Post()
  @ApiOperation({ summary: 'Receive an order' })
  async receive(@Body() body: ReceiveOrderDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const orderId = body.orderId ?? newId('ord', request, seller, 'order');
    const outcome = await this.commands.execute<ReceiveOrderCommand, CommandOutcome<OrderState>>(
      new ReceiveOrderCommand(
        {
          sellerId: seller.sellerId,
          orderId,
          ...(body.externalRef ? { externalRef: body.externalRef } : {}),
          salesChannel: body.salesChannel ?? 'api',
          items: body.items.map(withItemDefaults),
          charges: body.charges ?? [],
          buyer: body.buyer,
          deliveryAddress: body.deliveryAddress,
          paymentMethod: body.paymentMethod,
          ...(body.package ? { package: body.package } : {}),
        },
        sellerMeta(request, seller),
      ),
    );
    return orderSummary(outcome);
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'An order with its invoice, shipments, tracking and timeline (read models)' })
  async get(@Param() { orderId }: OrderIdParam, @Query() query: FreshReadQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    const order = await this.queries.getOrder(seller.sellerId, orderId);
    if (!order) throw new NotFoundError('ORDER_NOT_FOUND', `Order ${orderId} was not found`, { orderId });
    return order;
  }

  @Get(':orderId/events')
  @ApiOperation({ summary: "The order's raw events, oldest first" })
  async events(@Param() { orderId }: OrderIdParam, @CurrentSeller() seller: SellerIdentity) {
    const { events } = await this.orders.load(seller.sellerId, orderId);
    return {
      orderId,
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        revision: e.revision.toString(),
        position: e.position.toString(),
        recordedAt: e.recordedAt.toISOString(),
        data: e.data,
        metadata: e.metadata,
      })),
    };
  }

  @Post(':orderId/invoice')
  @HttpCode(201)
  @ApiOperation({ summary: 'Generate the GST tax invoice (optionally with your own invoice number)' })
  async invoice(@Param() { orderId }: OrderIdParam, @Body() body: GenerateInvoiceDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.commands.execute<GenerateInvoiceCommand, CommandOutcome<OrderState>>(
      new GenerateInvoiceCommand(
        { sellerId: seller.sellerId, orderId, ...(body.invoiceNumber !== undefined ? { customInvoiceNumber: body.invoiceNumber } : {}) },
        sellerMeta(request, seller),
      ),
    );
    const invoice = outcome.state.status === 'active' ? outcome.state.invoice?.current : undefined;
    return { ...orderSummary(outcome), invoiceNumber: invoice?.invoiceNumber, revision: invoice?.revision, totals: invoice?.totals };
  }

  @Post(':orderId/invoice/regenerate')
  @HttpCode(201)
  @ApiOperation({ summary: 'Correct the invoice: same number for non-tax fixes, credit note and new number otherwise' })
  async regenerate(@Param() { orderId }: OrderIdParam, @Body() body: RegenerateInvoiceDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const { items, ...rest } = body.corrections;
    const corrections = { ...rest, ...(items ? { items: items.map(withItemDefaults) } : {}) };
    const outcome = await this.commands.execute<RegenerateInvoiceCommand, CommandOutcome<OrderState>>(
      new RegenerateInvoiceCommand({ sellerId: seller.sellerId, orderId, reason: body.reason, corrections }, sellerMeta(request, seller)),
    );
    const invoice = outcome.state.status === 'active' ? outcome.state.invoice : undefined;
    return {
      ...orderSummary(outcome),
      invoiceNumber: invoice?.current.invoiceNumber,
      revision: invoice?.current.revision,
      creditNotes: invoice?.creditNotes.map((c) => c.creditNoteNumber) ?? [],
    };
  }

  @Post(':orderId/reship')
  @HttpCode(201)
  @ApiOperation({ summary: 'Send the order again with a new shipment' })
  async reship(@Param() { orderId }: OrderIdParam, @Body() body: ReshipDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const shipmentId = newId('shp', request, seller, `reship:${orderId}`);
    const outcome = await this.commands.execute<ReshipOrderCommand, CommandOutcome<OrderState>>(
      new ReshipOrderCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)),
    );
    return { ...orderSummary(outcome), shipmentId };
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the order before pickup; an invoiced order gets a credit note cancelling its invoice' })
  async cancel(@Param() { orderId }: OrderIdParam, @Body() body: CancelOrderDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.commands.execute<CancelOrderCommand, CommandOutcome<OrderState>>(
      new CancelOrderCommand({ sellerId: seller.sellerId, orderId, ...cancellationOf(body) }, sellerMeta(request, seller)),
    );
    const invoice = outcome.state.status === 'active' ? outcome.state.invoice : undefined;
    return { ...orderSummary(outcome), creditNotes: invoice?.creditNotes.map((c) => c.creditNoteNumber) ?? [] };
  }
}
