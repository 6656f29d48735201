import { ValidationError } from '../shared/domain-error';
import { NOW_ISO, OrderIds, PARTNER, freshOrderIds, orderReceived, orderSpecification, partnerConfirmed, partnerReported } from '../testing/decider-specification';
import type { OrderCommand } from './order-commands';
import type { OrderEvent } from './order-events';

const spec = orderSpecification();

/** The COD fixture order is due its whole total on delivery. */
const duePaise = (ids: OrderIds): number => orderReceived(ids).data.totalPaise;

const delivered = (ids: OrderIds, codCollectedPaise?: number): OrderCommand => ({
  type: 'RecordPartnerReport',
  ...ids,
  partnerId: PARTNER.partnerId,
  report: 'delivered',
  reportedAt: NOW_ISO,
  ...(codCollectedPaise === undefined ? {} : { codCollectedPaise }),
});

const outForDelivery = (ids: OrderIds): OrderEvent[] => [...partnerConfirmed(ids), partnerReported(ids, 'picked_up'), partnerReported(ids, 'out_for_delivery')];

describe('What the partner collected on a COD delivery', () => {
  it('the amount due, collected, is recorded with the delivery and raises nothing else', () => {
    const ids = freshOrderIds();

    spec
      .given(outForDelivery(ids))
      .when(delivered(ids, duePaise(ids)))
      .then([{ type: 'ShipmentDelivered', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, via: 'partner', codCollectedPaise: duePaise(ids), deliveredAt: NOW_ISO } }]);
  });

  it('less than due is recorded, and the mismatch is its own event for the seller', () => {
    const ids = freshOrderIds();

    spec
      .given(outForDelivery(ids))
      .when(delivered(ids, duePaise(ids) - 10_000))
      .then([
        { type: 'ShipmentDelivered', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, via: 'partner', codCollectedPaise: duePaise(ids) - 10_000, deliveredAt: NOW_ISO } },
        {
          type: 'CodCollectionMismatched',
          data: { orderId: ids.orderId, shipmentId: ids.shipmentId, partnerId: PARTNER.partnerId, duePaise: duePaise(ids), collectedPaise: duePaise(ids) - 10_000, reportedAt: NOW_ISO },
        },
      ]);
  });

  it('a delivery without a collected amount is a delivery as before', () => {
    const ids = freshOrderIds();

    spec.given(outForDelivery(ids)).when(delivered(ids)).then([{ type: 'ShipmentDelivered', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, via: 'partner', deliveredAt: NOW_ISO } }]);
  });

  it('a prepaid shipment has nothing to collect: an amount reported is ignored', () => {
    const ids = freshOrderIds();
    const prepaid = orderReceived(ids, { paymentMethod: 'prepaid' });
    const history = outForDelivery(ids).map((e) => (e.type === 'OrderReceived' ? prepaid : e.type === 'ShipmentCreated' ? { ...e, data: { ...e.data, paymentMethod: 'prepaid' as const, codAmountPaise: 0 } } : e));

    spec.given(history).when(delivered(ids, 5_000)).then([{ type: 'ShipmentDelivered', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, via: 'partner', deliveredAt: NOW_ISO } }]);
  });

  it.each([
    ['a negative amount', -1],
    ['a fraction of a paisa', 10.5],
  ])('%s is refused and changes nothing', (_what, amount) => {
    const ids = freshOrderIds();

    spec.given(outForDelivery(ids)).when(delivered(ids, amount)).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });

  it('an amount with any report but a delivery is refused', () => {
    const ids = freshOrderIds();

    spec
      .given(outForDelivery(ids))
      .when({ type: 'RecordPartnerReport', ...ids, partnerId: PARTNER.partnerId, report: 'in_transit', reportedAt: NOW_ISO, codCollectedPaise: 100 })
      .thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});

