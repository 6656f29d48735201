import { ValidationError } from '../shared/domain-error';
import { NOW_ISO, PARTNER, freshOrderIds, orderSpecification, packedOrder, partnerConfirmed, partnerReported, readyForPickup } from '../testing/decider-specification';
import type { OrderCommand } from './order-commands';

const spec = orderSpecification();

describe('The seller cancels with a reason of their choosing', () => {
  it('a buyer-side reason is kept on the shipment cancellation', () => {
    const ids = freshOrderIds();

    spec
      .given(readyForPickup(ids))
      .when({ type: 'CancelShipment', ...ids, reason: 'Buyer asked on the phone', reasonCode: 'buyer-changed-mind' })
      .then([
        {
          type: 'ShipmentCancelled',
          data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'Buyer asked on the phone', reasonCode: 'buyer-changed-mind', partnerAssigned: false, cancelledAt: NOW_ISO },
        },
      ]);
  });

  it('a merchant-side reason is kept on the order and its open shipment', () => {
    const ids = freshOrderIds();

    spec
      .given(packedOrder(ids))
      .when({ type: 'CancelOrder', ...ids, reason: 'One or more items are not available', reasonCode: 'item-out-of-stock', creditNoteNumber: 'CN/2026/0001' })
      .thenMatches([
        { type: 'CreditNoteIssued' },
        { type: 'ShipmentCancelled', data: { reasonCode: 'item-out-of-stock' } },
        { type: 'OrderCancelled', data: { reason: 'One or more items are not available', reasonCode: 'item-out-of-stock' } },
      ]);
  });

  it.each<[string, OrderCommand['type']]>([
    ['a shipment', 'CancelShipment'],
    ['an order', 'CancelOrder'],
  ])('an unknown reason code cancelling %s is refused and changes nothing', (_what, type) => {
    const ids = freshOrderIds();
    const command = { type, ...ids, reason: 'Because', reasonCode: 'bored' } as unknown as OrderCommand;

    spec.given(partnerConfirmed(ids)).when(command).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});

describe("The partner's cancellation keeps its ONDC reason", () => {
  it('a cancellation for a breached pickup TAT (007) leaves the ways forward of a partner cancellation', () => {
    const ids = freshOrderIds();
    const reason = 'TAT breached: not picked up by 2026-05-04T08:00:00.000Z (ONDC cancellation reason 007)';

    spec
      .given([...partnerConfirmed(ids), partnerReported(ids, 'agent_assigned')])
      .when({ type: 'RecordPartnerReport', ...ids, partnerId: PARTNER.partnerId, report: 'cancelled', reportedAt: NOW_ISO, reason, reasonCode: '007' })
      .then([{ type: 'ShipmentCancelledByPartner', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason, reasonCode: '007', reportedAt: NOW_ISO } }]);
  });

  it('a delivery TAT breached after pickup returns the parcel: the return to origin carries 007', () => {
    const ids = freshOrderIds();

    spec
      .given([...partnerConfirmed(ids), partnerReported(ids, 'picked_up'), partnerReported(ids, 'in_transit')])
      .when({ type: 'RecordPartnerReport', ...ids, partnerId: PARTNER.partnerId, report: 'rto_initiated', reportedAt: NOW_ISO, reason: 'TAT breached: not delivered', reasonCode: '007' })
      .then([{ type: 'ShipmentRtoInitiated', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'TAT breached: not delivered', reasonCode: '007', reportedAt: NOW_ISO } }]);
  });
});
