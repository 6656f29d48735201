import type { SqlProjection } from '../runner/subscriber';
import { fulfilmentSlaProjection } from './fulfilment-sla.projection';
import { invoiceRegisterProjection } from './invoice-register.projection';
import { ordersProjection } from './orders.projection';
import { sellerDashboardProjection } from './seller-dashboard.projection';
import { shipmentIssuesProjection } from './shipment-issues.projection';

export { fulfilmentSlaProjection, invoiceRegisterProjection, ordersProjection, sellerDashboardProjection, shipmentIssuesProjection };
export { ORDER_STREAMS, UnknownOrderEventError } from './order-event-facts';
export { StreamGapError } from './stream-revision';

/** Every read model the API and analytics read, each rebuilt on its own. */
export const READ_MODEL_PROJECTIONS: readonly SqlProjection[] = [ordersProjection, sellerDashboardProjection, invoiceRegisterProjection, fulfilmentSlaProjection, shipmentIssuesProjection];

export function projectionNamed(name: string, projections: readonly SqlProjection[] = READ_MODEL_PROJECTIONS): SqlProjection | undefined {
  return projections.find((p) => p.name === name);
}
