import { ActiveOrder, OrderState, ShipmentStatus, currentShipment } from './order-state';
import { fullyReturned } from './return-decisions';

export type OrderStatus =
  | 'received'
  | 'invoiced'
  | 'packed'
  | 'ready_for_pickup'
  | 'shipped'
  | 'out_for_delivery'
  | 'delivered'
  | 'cancelled'
  | 'rto_initiated'
  | 'returned';

const ORDER_STATUS_BY_SHIPMENT_STATUS: Record<ShipmentStatus, OrderStatus> = {
  created: 'packed',
  no_partner_found: 'packed',
  ready_to_ship: 'ready_for_pickup',
  partner_assigned: 'ready_for_pickup',
  agent_assigned: 'ready_for_pickup',
  pickup_failed: 'ready_for_pickup',
  picked_up: 'shipped',
  in_transit: 'shipped',
  shipped: 'shipped',
  out_for_delivery: 'out_for_delivery',
  delivery_failed: 'shipped',
  delivered: 'delivered',
  rto_initiated: 'rto_initiated',
  rto_delivered: 'returned',
  rto_disposed: 'returned',
  cancelled: 'invoiced',
};

/** The order's status is derived from its facts, never stored by hand. */
export function orderStatus(state: OrderState): OrderStatus | undefined {
  if (state.status !== 'active') return undefined;
  return activeOrderStatus(state);
}

export function activeOrderStatus(order: ActiveOrder): OrderStatus {
  const shipment = currentShipment(order);
  // An order closed because its parcel came back is "returned", not cancelled by anyone.
  if (order.cancelled) return shipment?.status === 'rto_delivered' || shipment?.status === 'rto_disposed' ? 'returned' : 'cancelled';
  if (!order.invoice) return 'received';
  if (!shipment) return 'invoiced';
  // Every unit delivered and then accepted back from the buyer: returned, as after a return to origin.
  if (shipment.status === 'delivered' && fullyReturned(order)) return 'returned';
  return ORDER_STATUS_BY_SHIPMENT_STATUS[shipment.status];
}
