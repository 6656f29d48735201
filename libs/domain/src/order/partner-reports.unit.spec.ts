import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  NOW_ISO,
  OrderIds,
  PARTNER,
  freshId,
  freshOrderIds,
  noLogisticsPartnerFound,
  orderCancelled,
  orderSpecification,
  packedOrder,
  partnerConfirmed,
  partnerJourney,
  readyForPickup,
  shipmentCancelled,
  shipmentMarkedReadyToShip,
  shippedOffNetwork,
} from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent, PartnerReport } from './order-events';
import type { ShipmentStatus } from './order-state';

const spec = orderSpecification();

/** The partner's own clock, in the offset Indian partners often send. */
const REPORTED_AT = '2026-05-04T16:00:00+05:30';
const REPORTED_AT_UTC = '2026-05-04T10:30:00.000Z';

const assignPartner = (ids: OrderIds, overrides: Partial<OrderCommandOf<'AssignLogisticsPartner'>> = {}): OrderCommand => ({
  type: 'AssignLogisticsPartner',
  ...ids,
  ...PARTNER,
  ...overrides,
});

const report = (ids: OrderIds, what: PartnerReport, overrides: Partial<OrderCommandOf<'RecordPartnerReport'>> = {}): OrderCommand => ({
  type: 'RecordPartnerReport',
  ...ids,
  partnerId: PARTNER.partnerId,
  report: what,
  reportedAt: REPORTED_AT,
  ...overrides,
});

const noPartnerFound = (ids: OrderIds): OrderCommand => ({ type: 'RecordNoPartnerFound', ...ids, reason: 'No partner serves 411045', candidatesTried: 4 });

describe('On-network partner assigned', () => {
  it('with an AWB records the partner and puts the AWB on label version 2', () => {
    const ids = freshOrderIds();
    const ref = { orderId: ids.orderId, shipmentId: ids.shipmentId };

    spec.given(readyForPickup(ids)).when(assignPartner(ids, { trackingUrl: 'https://swift.example/t/AWB900001' })).then([
      {
        type: 'LogisticsPartnerAssigned',
        data: { ...ref, ...PARTNER, trackingUrl: 'https://swift.example/t/AWB900001', assignedAt: NOW_ISO },
      },
      { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: 2, awb: PARTNER.awb, carrierName: PARTNER.partnerName, generatedAt: NOW_ISO } },
    ]);
  });

  it('without an AWB yet leaves the label as it is', () => {
    const ids = freshOrderIds();
    const { awb: _awb, ...withoutAwb } = PARTNER;

    spec.given(readyForPickup(ids)).when({ type: 'AssignLogisticsPartner', ...ids, ...withoutAwb }).thenMatches([{ type: 'LogisticsPartnerAssigned' }]);
  });

  it('keeps the pickup slot in UTC', () => {
    const ids = freshOrderIds();

    spec
      .given(readyForPickup(ids))
      .when(assignPartner(ids, { pickupSlot: { start: '2026-05-05T10:00:00+05:30', end: '2026-05-05T13:00:00+05:30' } }))
      .thenMatches([{ type: 'LogisticsPartnerAssigned', data: { pickupSlot: { start: '2026-05-05T04:30:00.000Z', end: '2026-05-05T07:30:00.000Z' } } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('repeated by the same partner changes nothing', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(assignPartner(ids)).thenNothingHappens();
  });

  it('of a second, different partner is refused', () => {
    const ids = freshOrderIds();

    spec
      .given(partnerConfirmed(ids))
      .when(assignPartner(ids, { partnerId: 'lsp.other.in', partnerName: 'Other Couriers', networkOrderId: 'NO99999' }))
      .thenThrows(IllegalStepError, 'PARTNER_ALREADY_ASSIGNED');
  });

  it('before the seller marked the shipment ready is refused', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(assignPartner(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_AWAITING_PARTNER');
  });

  it('for a cancelled shipment is refused', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), shipmentCancelled(ids)]).when(assignPartner(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_AWAITING_PARTNER');
  });

  it('for an off-network shipment is refused', () => {
    const ids = freshOrderIds();

    spec
      .given([...packedOrder(ids, 'off-network'), shipmentMarkedReadyToShip(ids, 1, 'off-network')])
      .when(assignPartner(ids))
      .thenThrows(IllegalStepError, 'SHIPMENT_IS_OFF_NETWORK');
  });

  it('with a malformed network order id or pickup slot is refused', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(readyForPickup(ids))
      .when(assignPartner(ids, { networkOrderId: 'NO-1', pickupSlot: { start: 'tomorrow', end: 'later' } }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['networkOrderId', 'pickupSlot']);
  });
});

describe('No partner found', () => {
  it('is recorded while the network searches', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(noPartnerFound(ids)).then([
      {
        type: 'NoLogisticsPartnerFound',
        data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'No partner serves 411045', candidatesTried: 4, reportedAt: NOW_ISO },
      },
    ]);
  });

  it('reported twice is recorded once', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), noLogisticsPartnerFound(ids)]).when(noPartnerFound(ids)).thenNothingHappens();
  });

  it('after a partner was confirmed is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(noPartnerFound(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_AWAITING_PARTNER');
  });

  it('on a retry is recorded again', () => {
    const ids = freshOrderIds();

    spec
      .given([...readyForPickup(ids), noLogisticsPartnerFound(ids), shipmentMarkedReadyToShip(ids, 2)])
      .when(noPartnerFound(ids))
      .thenMatches([{ type: 'NoLogisticsPartnerFound' }]);
  });
});

describe('Partner reports move the shipment forward', () => {
  const ref = (ids: OrderIds) => ({ orderId: ids.orderId, shipmentId: ids.shipmentId });

  it('agent assigned, with the agent name and phone', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(report(ids, 'agent_assigned', { agentName: 'Ramesh', agentPhone: '9000000001' })).then([
      { type: 'DeliveryAgentAssigned', data: { ...ref(ids), agentName: 'Ramesh', agentPhone: '9000000001', reportedAt: REPORTED_AT_UTC } },
    ]);
  });

  it('agent assigned without a name gets a placeholder', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(report(ids, 'agent_assigned')).thenMatches([{ type: 'DeliveryAgentAssigned', data: { agentName: 'Delivery agent' } }]);
  });

  it.each<[PartnerReport, PartnerReport, OrderEvent['type']]>([
    ['agent_assigned', 'picked_up', 'ShipmentPickedUp'],
    ['picked_up', 'in_transit', 'ShipmentInTransit'],
    ['in_transit', 'out_for_delivery', 'ShipmentOutForDelivery'],
    ['in_transit', 'rto_initiated', 'ShipmentRtoInitiated'],
    ['rto_initiated', 'rto_delivered', 'ShipmentRtoDelivered'],
    ['rto_initiated', 'rto_disposed', 'ShipmentRtoDisposed'],
  ])('after %s, %s is recorded as %s', (last, next, type) => {
    const ids = freshOrderIds();

    const events = spec.given(partnerJourney(ids, last)).when(report(ids, next)).thenAccepted();
    expect(events).toEqual([{ type, data: { ...ref(ids), reportedAt: REPORTED_AT_UTC } }]);
  });

  it('delivered marks the shipment delivered by the partner', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'out_for_delivery')).when(report(ids, 'delivered')).then([
      { type: 'ShipmentDelivered', data: { ...ref(ids), via: 'partner', deliveredAt: REPORTED_AT_UTC } },
    ]);
  });

  it('cancelled by the partner before pickup, with the reason', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'agent_assigned')).when(report(ids, 'cancelled', { reason: 'Vehicle breakdown' })).then([
      { type: 'ShipmentCancelledByPartner', data: { ...ref(ids), reason: 'Vehicle breakdown', reportedAt: REPORTED_AT_UTC } },
    ]);
  });

  it('RTO initiated keeps the reason the partner gave', () => {
    const ids = freshOrderIds();

    spec
      .given(partnerJourney(ids, 'out_for_delivery'))
      .when(report(ids, 'rto_initiated', { reason: 'Buyer refused' }))
      .then([{ type: 'ShipmentRtoInitiated', data: { ...ref(ids), reason: 'Buyer refused', reportedAt: REPORTED_AT_UTC } }]);
  });

  it('a report that skips steps still moves forward (picked up straight after assignment)', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(report(ids, 'picked_up')).thenMatches([{ type: 'ShipmentPickedUp' }]);
  });
});

describe('Late or repeated partner reports never move a status backwards', () => {
  it('a repeat of the current status changes nothing', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'in_transit')).when(report(ids, 'in_transit')).thenNothingHappens();
  });

  it.each<[PartnerReport, PartnerReport]>([
    ['out_for_delivery', 'picked_up'],
    ['out_for_delivery', 'agent_assigned'],
    ['in_transit', 'cancelled'],
    ['delivered', 'out_for_delivery'],
    ['delivered', 'rto_initiated'],
    ['rto_initiated', 'delivered'],
    ['rto_initiated', 'out_for_delivery'],
    ['rto_delivered', 'in_transit'],
  ])('when the shipment is %s, a report of %s is kept for the timeline only', (last, late) => {
    const ids = freshOrderIds();
    const history = partnerJourney(ids, last);
    const before = spec.stateAfter(history);

    spec.given(history).when(report(ids, late)).then([
      { type: 'LatePartnerReportRecorded', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, report: late, statusWhenReceived: last as ShipmentStatus, reportedAt: REPORTED_AT_UTC } },
    ]);
    expect(spec.given(history).when(report(ids, late)).thenState()).toEqual(before);
  });

  it('a report about a shipment the seller cancelled is kept for the timeline only', () => {
    const ids = freshOrderIds();

    spec
      .given([...partnerConfirmed(ids), shipmentCancelled(ids, true), orderCancelled(ids)])
      .when(report(ids, 'picked_up'))
      .thenMatches([{ type: 'LatePartnerReportRecorded', data: { report: 'picked_up', statusWhenReceived: 'cancelled' } }]);
  });

  it('a cancellation after pickup does not undo the pickup', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when(report(ids, 'cancelled')).thenMatches([{ type: 'LatePartnerReportRecorded', data: { statusWhenReceived: 'picked_up' } }]);
  });
});

describe('Partner reports about unknown or foreign shipments are refused', () => {
  it('from a partner who is not the partner of the shipment', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when(report(ids, 'delivered', { partnerId: 'lsp.other.in' })).thenThrows(IllegalStepError, 'PARTNER_NOT_ASSIGNED');
  });

  it('before any partner was assigned', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(report(ids, 'picked_up')).thenThrows(IllegalStepError, 'PARTNER_NOT_ASSIGNED');
  });

  it('about a shipment the order does not have', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(report({ ...ids, shipmentId: freshId('shp') }, 'picked_up')).thenThrows(NotFoundError, 'SHIPMENT_NOT_FOUND');
  });

  it('about an order of another seller', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(report({ ...ids, sellerId: freshId('seller') }, 'picked_up')).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
  });

  it('about an off-network shipment', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(report(ids, 'delivered')).thenThrows(IllegalStepError, 'SHIPMENT_IS_OFF_NETWORK');
  });

  it('with an unknown report or an unreadable time', () => {
    const ids = freshOrderIds();
    const command = report(ids, 'teleported' as PartnerReport, { reportedAt: 'yesterday' });

    const error = spec.given(partnerConfirmed(ids)).when(command).thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['report', 'reportedAt']);
  });
});

describe('Retry after no partner found', () => {
  it('the seller marks ready again and a partner is found on the second search', () => {
    const ids = freshOrderIds();
    const history = [...readyForPickup(ids), noLogisticsPartnerFound(ids), shipmentMarkedReadyToShip(ids, 2)];

    spec.given(history).when(assignPartner(ids)).thenMatches([{ type: 'LogisticsPartnerAssigned' }, { type: 'ShippingLabelGenerated', data: { labelVersion: 2 } }]);
  });
});
