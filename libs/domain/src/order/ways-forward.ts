import { DISPATCHED_SHIPMENT_STATUSES, currentShipment, isTerminal, type ActiveOrder, type ShipmentState } from './order-state';

/**
 * What the seller may do next with a shipment, named as the steps of the seller API (each is a
 * route under `/v1/orders/{orderId}`). Refusals carry this list, so no refusal leaves a seller
 * guessing, and a shipment no partner took is never stuck.
 */
export type WayForward =
  | 'ready-to-ship'
  | 'retry-partner-search'
  | 'switch-to-off-network'
  | 'ship'
  | 'cancel-shipment'
  | 'verify-delivery-otp'
  | 'resend-delivery-otp'
  | 'reattempt'
  | 'return-to-origin'
  | 'record-failed-attempt'
  | 'record-returned'
  | 'reship';

export function waysForward(shipment: ShipmentState): WayForward[] {
  const onNetwork = shipment.mode === 'on-network';
  switch (shipment.status) {
    case 'created':
      return onNetwork ? ['ready-to-ship', 'switch-to-off-network', 'cancel-shipment'] : ['ready-to-ship', 'ship', 'cancel-shipment'];
    case 'ready_to_ship':
      // On-network the partner search is under way: its outcome (a partner, or none) opens the next steps.
      return onNetwork ? ['cancel-shipment'] : ['ship', 'cancel-shipment'];
    case 'no_partner_found':
      return ['retry-partner-search', 'switch-to-off-network', 'cancel-shipment'];
    case 'partner_assigned':
    case 'agent_assigned':
      return ['cancel-shipment'];
    case 'picked_up':
    case 'in_transit':
    case 'out_for_delivery':
    case 'rto_initiated':
      // With the partner: it reports what happens; a parcel lost in flight can be sent again.
      return ['reship'];
    case 'pickup_failed':
      // The seller answers the failed attempt (or the partner tries again by itself).
      return ['reattempt', 'cancel-shipment'];
    case 'delivery_failed':
      return onNetwork ? ['reattempt', 'return-to-origin'] : ['reattempt', 'record-returned'];
    case 'shipped':
      return ['verify-delivery-otp', 'resend-delivery-otp', 'record-failed-attempt', 'record-returned', 'reship'];
    case 'cancelled':
      // The partner let the order go, not the seller: the same shipment may be searched for again or go with the seller's own courier.
      return shipment.cancelledBy === 'partner' ? ['retry-partner-search', 'switch-to-off-network', 'reship'] : ['reship'];
    case 'delivered':
    case 'rto_delivered':
    case 'rto_disposed':
      return ['reship'];
  }
}

/** What the seller may do with the order itself, named as the steps of the seller API. */
export type OrderWayForward = 'generate-invoice' | 'regenerate-invoice' | 'create-shipment' | 'cancel-order';

/** A parcel that came back (or was disposed of on its way back) is no longer out with the buyer. */
const BACK_WITH_SELLER: readonly ShipmentState['status'][] = ['rto_delivered', 'rto_disposed'];

/**
 * The order's own steps open now. The decisions refuse exactly the others (the exploration in
 * order-ways-forward.unit.spec.ts holds the two together), so a view can offer these and no more.
 */
export function orderWaysForward(order: ActiveOrder): OrderWayForward[] {
  if (order.cancelled) return [];
  const ways: OrderWayForward[] = [order.invoice ? 'regenerate-invoice' : 'generate-invoice'];
  const underWay = order.shipments.some((s) => !isTerminal(s));
  if (order.invoice && !underWay && !order.shipments.some((s) => s.status === 'delivered')) ways.push('create-shipment');
  if (!order.shipments.some((s) => DISPATCHED_SHIPMENT_STATUSES.includes(s.status) && !BACK_WITH_SELLER.includes(s.status))) ways.push('cancel-order');
  return ways;
}

/**
 * A shipment's ways forward within its order: only the current shipment takes steps (an earlier
 * one was followed by it), and a cancelled order takes none.
 */
export function shipmentWaysForward(order: ActiveOrder, shipment: ShipmentState): WayForward[] {
  if (order.cancelled || currentShipment(order)?.shipmentId !== shipment.shipmentId) return [];
  return waysForward(shipment);
}
