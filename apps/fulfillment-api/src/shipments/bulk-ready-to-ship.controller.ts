import { Body, Controller, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandOutcome, MarkShipmentReadyToShipCommand } from '@fulfil/commands';
import { NotFoundError, OrderState, currentShipment } from '@fulfil/domain';
import { toProblem } from '@fulfil/platform';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, sellerMeta } from '../command-request';
import { OrderReader } from '../orders/order-reader';
import { BulkReadyToShipDto, BulkReadyToShipItemDto } from './shipment.dto';

/** Orders are independent streams, so a few run at once; more would only queue on the store. */
const PARALLELISM = 8;

type ItemResult =
  | { orderId: string; shipmentId: string; ok: true; shipmentStatus: string; position: string | null }
  | { orderId: string; shipmentId: string | null; ok: false; status: number; code: string; detail: string; errorId?: string; retryAfterSeconds?: number };

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/shipments')
export class BulkReadyToShipController {
  private readonly logger = new Logger('BulkReadyToShip');

  constructor(
    private readonly commands: CommandBus,
    private readonly orders: OrderReader,
  ) {}

  @Post('ready-to-ship')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark up to 1,000 shipments ready to ship; each succeeds or fails on its own, with a reason',
    description: 'Always one result per item, in order: an item that fails on our side (a 5xx, with its error id and any retry-after) fails alone, and the items already marked keep their results.',
  })
  async bulk(@Body() body: BulkReadyToShipDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const results: ItemResult[] = new Array(body.items.length);
    let next = 0;
    const worker = async () => {
      while (next < body.items.length) {
        const index = next++;
        results[index] = await this.markOne(body.items[index]!, index, seller, request);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLELISM, body.items.length) }, worker));
    const succeeded = results.filter((r) => r.ok).length;
    return { total: results.length, succeeded, failed: results.length - succeeded, results };
  }

  private async markOne(item: BulkReadyToShipItemDto, index: number, seller: SellerIdentity, request: ApiRequest): Promise<ItemResult> {
    let shipmentId = item.shipmentId ?? null;
    try {
      shipmentId ??= await this.currentShipmentOf(seller.sellerId, item.orderId);
      const meta = sellerMeta(request, seller);
      const outcome = await this.commands.execute<MarkShipmentReadyToShipCommand, CommandOutcome<OrderState>>(
        new MarkShipmentReadyToShipCommand(
          { sellerId: seller.sellerId, orderId: item.orderId, shipmentId, bulk: true },
          // Each item carries its own key, so a repeated bulk request re-marks nothing.
          { ...meta, ...(meta.idempotencyKey ? { idempotencyKey: `${meta.idempotencyKey}#${index}` } : {}) },
        ),
      );
      const shipment = outcome.state.status === 'active' ? outcome.state.shipments.find((s) => s.shipmentId === shipmentId) : undefined;
      return { orderId: item.orderId, shipmentId, ok: true, shipmentStatus: shipment?.status ?? 'ready_to_ship', position: outcome.position?.toString() ?? null };
    } catch (error) {
      // A server-side failure of one item is that item's result: the others, some already written, must still be reported.
      const { problem, headers } = toProblem(error, this.logger);
      const errorId = typeof problem['errorId'] === 'string' ? problem['errorId'] : undefined;
      const retryAfter = headers['retry-after'] ? Number(headers['retry-after']) : undefined;
      return {
        orderId: item.orderId,
        shipmentId,
        ok: false,
        status: problem.status,
        code: problem.code,
        detail: problem.detail,
        ...(errorId ? { errorId } : {}),
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      };
    }
  }

  private async currentShipmentOf(sellerId: string, orderId: string): Promise<string> {
    const { order } = await this.orders.load(sellerId, orderId);
    const shipment = currentShipment(order);
    if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `Order ${orderId} has no shipment yet; ship it first`);
    return shipment.shipmentId;
  }
}
