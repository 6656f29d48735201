import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { OrderReader } from '../orders/order-reader';
import { OrderIdParam } from '../orders/route-params';

/**
 * The stream the ONDC adapter keeps one shipment's conversation in (`ondc-logistics-{shipmentId}`,
 * apps/ondc-logistics-adapter). Named here rather than imported: an app never imports another, and
 * this route only reads what the adapter wrote.
 */
const ondcConversationStream = (shipmentId: string): string => `ondc-logistics-${shipmentId}`;

/** Every message the engine exchanged with the ONDC network about one order, for the seller console's order story. */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrderOndcMessagesController {
  constructor(
    private readonly orders: OrderReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':orderId/ondc-messages')
  @ApiOperation({ summary: "The ONDC messages sent and received for the order's shipments (requests, callbacks, quotes, the partner chosen), oldest first" })
  async list(@Param() { orderId }: OrderIdParam, @CurrentSeller() seller: SellerIdentity) {
    // Loading the order through the seller's own stream is what keeps another seller's order unreachable.
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const shipmentIds = order.shipments.map((s) => s.shipmentId);
    const streams = await Promise.all(shipmentIds.map((shipmentId) => this.store.readStream(ondcConversationStream(shipmentId))));
    const messages = streams
      .flatMap((events, index) => events.map((e) => ({ shipmentId: shipmentIds[index]!, type: e.type, position: e.position, recordedAt: e.recordedAt.toISOString(), data: e.data })))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .map(({ position, ...message }) => ({ ...message, position: position.toString() }));
    return { orderId, messages };
  }
}
