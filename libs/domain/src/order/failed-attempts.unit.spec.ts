import { IllegalStepError, ValidationError } from '../shared/domain-error';
import { NOW_ISO, OrderIds, PARTNER, freshOrderIds, orderSpecification, partnerJourney, shippedOffNetwork } from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent, PartnerReport } from './order-events';
import { needsAttention } from './order-state';
import { activeOrderStatus } from './order-status';

const spec = orderSpecification();

const FIRST_TRY = '2026-05-04T10:30:00.000Z';
const NEXT_TRY = '2026-05-05T04:30:00.000Z';
const SECOND_TRY = '2026-05-05T11:00:00.000Z';

const report = (ids: OrderIds, what: PartnerReport, overrides: Partial<OrderCommandOf<'RecordPartnerReport'>> = {}): OrderCommand => ({
  type: 'RecordPartnerReport',
  ...ids,
  partnerId: PARTNER.partnerId,
  report: what,
  reportedAt: FIRST_TRY,
  ...overrides,
});

const ref = (ids: OrderIds) => ({ orderId: ids.orderId, shipmentId: ids.shipmentId });

const deliveryFailed = (ids: OrderIds, attempt = 1, reportedAt = FIRST_TRY): OrderEvent => ({
  type: 'ShipmentAttemptFailed',
  data: { ...ref(ids), stage: 'delivery', attempt, reason: 'ONDC delay reason 011', reasonCode: '011', nextAttemptAt: NEXT_TRY, by: 'partner', reportedAt },
});

const activeStatus = (events: OrderEvent[]) => {
  const state = spec.stateAfter(events);
  if (state.status !== 'active') throw new Error('no order');
  return state;
};

describe('Failed attempts reported by the partner', () => {
  it('a failed delivery with a reason id and a next attempt becomes attempt 1, and the shipment needs the seller', () => {
    const ids = freshOrderIds();
    const given = partnerJourney(ids, 'out_for_delivery');

    spec.given(given).when(report(ids, 'delivery_failed', { reasonCode: '011', nextAttemptAt: '2026-05-05T10:00:00+05:30' })).then([deliveryFailed(ids)]);

    const order = activeStatus([...given, deliveryFailed(ids)]);
    expect(order.shipments[0]!.status).toBe('delivery_failed');
    expect(needsAttention(order.shipments[0]!)).toBe(true);
    expect(activeOrderStatus(order)).toBe('shipped');
  });

  it('the same failure again changes nothing; a later one is the next attempt', () => {
    const ids = freshOrderIds();
    const given = [...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)];

    spec.given(given).when(report(ids, 'delivery_failed', { reasonCode: '011' })).then([]);
    spec.given(given).when(report(ids, 'delivery_failed', { reportedAt: SECOND_TRY })).thenMatches([
      { type: 'ShipmentAttemptFailed', data: { stage: 'delivery', attempt: 2, reason: 'No reason given by the logistics partner', reportedAt: SECOND_TRY } },
    ]);
  });

  it('after a failed delivery, a new out-for-delivery moves on; one older than the failure is kept for the timeline', () => {
    const ids = freshOrderIds();
    const given = [...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)];

    spec.given(given).when(report(ids, 'out_for_delivery', { reportedAt: SECOND_TRY })).thenMatches([{ type: 'ShipmentOutForDelivery', data: { reportedAt: SECOND_TRY } }]);
    spec.given(given).when(report(ids, 'out_for_delivery', { reportedAt: '2026-05-04T09:00:00.000Z' })).thenMatches([
      { type: 'LatePartnerReportRecorded', data: { report: 'out_for_delivery', statusWhenReceived: 'delivery_failed' } },
    ]);
  });

  it('a rescheduled delivery records the next attempt time on the open failure', () => {
    const ids = freshOrderIds();
    const given = [...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)];
    const later = '2026-05-06T04:30:00.000Z';

    const events = spec.given(given).when(report(ids, 'delivery_rescheduled', { nextAttemptAt: later, reasonCode: '011' })).then([
      { type: 'ShipmentAttemptRescheduled', data: { ...ref(ids), stage: 'delivery', nextAttemptAt: later, reasonCode: '011', reportedAt: FIRST_TRY } },
    ]);
    expect(activeStatus([...given, ...events]).shipments[0]!.lastFailure?.nextAttemptAt).toBe(later);
  });

  it('a failed pickup before pickup puts the shipment in pickup_failed; the pickup after it moves on', () => {
    const ids = freshOrderIds();
    const given = partnerJourney(ids, 'agent_assigned');

    const failed = spec.given(given).when(report(ids, 'pickup_failed', { reasonCode: '004' })).thenMatches([{ type: 'ShipmentAttemptFailed', data: { stage: 'pickup', attempt: 1, reasonCode: '004' } }]);
    const after = [...given, ...failed];
    expect(activeOrderStatus(activeStatus(after))).toBe('ready_for_pickup');
    spec.given(after).when(report(ids, 'picked_up', { reportedAt: SECOND_TRY })).thenMatches([{ type: 'ShipmentPickedUp' }]);
  });

  it('a failed pickup reported after the pickup is kept for the timeline only', () => {
    const ids = freshOrderIds();
    spec.given(partnerJourney(ids, 'in_transit')).when(report(ids, 'pickup_failed')).thenMatches([{ type: 'LatePartnerReportRecorded', data: { report: 'pickup_failed', statusWhenReceived: 'in_transit' } }]);
  });

  it('a return to origin may follow a failed delivery', () => {
    const ids = freshOrderIds();
    spec.given([...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)]).when(report(ids, 'rto_initiated', { reportedAt: SECOND_TRY })).thenMatches([{ type: 'ShipmentRtoInitiated' }]);
  });

  it('a next attempt time that is no timestamp is refused', () => {
    const ids = freshOrderIds();
    spec.given(partnerJourney(ids, 'out_for_delivery')).when(report(ids, 'delivery_failed', { nextAttemptAt: 'tomorrow' })).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});

describe("The seller's answer to a failed attempt", () => {
  it('re-attempt answers the open failure; asking again changes nothing', () => {
    const ids = freshOrderIds();
    const given = [...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)];

    const events = spec.given(given).when({ type: 'RequestReattempt', ...ids, note: 'Buyer is home after 6 pm' }).then([
      { type: 'ShipmentReattemptRequested', data: { ...ref(ids), stage: 'delivery', attempt: 1, note: 'Buyer is home after 6 pm', requestedAt: NOW_ISO } },
    ]);
    const after = [...given, ...events];
    expect(needsAttention(activeStatus(after).shipments[0]!)).toBe(false);
    spec.given(after).when({ type: 'RequestReattempt', ...ids }).then([]);
    spec.given(after).when({ type: 'RequestReturnToOrigin', ...ids }).thenThrows(IllegalStepError, 'FAILED_ATTEMPT_ANSWERED');
  });

  it('return to me asks the partner for the parcel back', () => {
    const ids = freshOrderIds();
    spec.given([...partnerJourney(ids, 'out_for_delivery'), deliveryFailed(ids)]).when({ type: 'RequestReturnToOrigin', ...ids }).then([
      { type: 'ShipmentReturnRequested', data: { ...ref(ids), attempt: 1, requestedAt: NOW_ISO } },
    ]);
  });

  it('there is nothing to answer without a failed attempt', () => {
    const ids = freshOrderIds();
    spec.given(partnerJourney(ids, 'out_for_delivery')).when({ type: 'RequestReattempt', ...ids }).thenThrows(IllegalStepError, 'NO_FAILED_ATTEMPT');
  });

  it('a failed pickup cannot be answered with a return: the parcel never left', () => {
    const ids = freshOrderIds();
    const pickupFailed: OrderEvent = {
      type: 'ShipmentAttemptFailed',
      data: { ...ref(ids), stage: 'pickup', attempt: 1, reason: 'ONDC delay reason 004', reasonCode: '004', by: 'partner', reportedAt: FIRST_TRY },
    };
    const given = [...partnerJourney(ids, 'agent_assigned'), pickupFailed];
    spec.given(given).when({ type: 'RequestReturnToOrigin', ...ids }).thenThrows(IllegalStepError, 'NO_FAILED_ATTEMPT');
    spec.given(given).when({ type: 'RequestReattempt', ...ids }).thenMatches([{ type: 'ShipmentReattemptRequested', data: { stage: 'pickup' } }]);
  });
});

describe('Off-network failed attempts and returns, recorded by the seller', () => {
  it('a failed attempt, then a re-attempt puts the parcel back out, and the OTP still delivers it', () => {
    const ids = freshOrderIds();
    const given = shippedOffNetwork(ids);

    const failed = spec.given(given).when({ type: 'RecordFailedAttempt', ...ids, reason: 'Door locked', nextAttemptAt: NEXT_TRY }).then([
      { type: 'ShipmentAttemptFailed', data: { ...ref(ids), stage: 'delivery', attempt: 1, reason: 'Door locked', nextAttemptAt: NEXT_TRY, by: 'seller', reportedAt: NOW_ISO } },
    ]);
    const retried = spec.given([...given, ...failed]).when({ type: 'RequestReattempt', ...ids }).thenMatches([{ type: 'ShipmentReattemptRequested' }]);
    expect(activeStatus([...given, ...failed, ...retried]).shipments[0]!.status).toBe('shipped');
  });

  it('a return to origin records the parcel back with the seller', () => {
    const ids = freshOrderIds();
    const events = spec.given(shippedOffNetwork(ids)).when({ type: 'RecordReturnToOrigin', ...ids, reason: 'Buyer refused the parcel' }).then([
      { type: 'ShipmentRtoInitiated', data: { ...ref(ids), reason: 'Buyer refused the parcel', reportedAt: NOW_ISO } },
      { type: 'ShipmentRtoDelivered', data: { ...ref(ids), reportedAt: NOW_ISO } },
    ]);
    expect(activeOrderStatus(activeStatus([...shippedOffNetwork(ids), ...events]))).toBe('returned');
  });

  it('an on-network shipment has its attempts reported by the partner, not the seller', () => {
    const ids = freshOrderIds();
    spec.given(partnerJourney(ids, 'out_for_delivery')).when({ type: 'RecordFailedAttempt', ...ids, reason: 'Door locked' }).thenThrows(IllegalStepError, 'SHIPMENT_IS_ON_NETWORK');
  });

  it('a failed attempt needs a reason', () => {
    const ids = freshOrderIds();
    spec.given(shippedOffNetwork(ids)).when({ type: 'RecordFailedAttempt', ...ids, reason: '' }).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});

describe('Cancelling after a failed pickup', () => {
  it('cancels the shipment, still with the seller, and tells the partner', () => {
    const ids = freshOrderIds();
    const pickupFailed: OrderEvent = {
      type: 'ShipmentAttemptFailed',
      data: { ...ref(ids), stage: 'pickup', attempt: 1, reason: 'Seller premises closed', by: 'partner', reportedAt: FIRST_TRY },
    };
    spec.given([...partnerJourney(ids, 'agent_assigned'), pickupFailed]).when({ type: 'CancelOrder', ...ids, reason: 'Out of stock', creditNoteNumber: 'CN/00002' }).thenMatches([
      { type: 'CreditNoteIssued' },
      { type: 'ShipmentCancelled', data: { shipmentId: ids.shipmentId, partnerAssigned: true } },
      { type: 'OrderCancelled' },
    ]);
  });
});

describe('An order whose parcel came back', () => {
  it('is "returned" once closed with its credit note', () => {
    const ids = freshOrderIds();
    const given = partnerJourney(ids, 'rto_delivered');
    const events = spec.given(given).when({ type: 'CancelOrder', ...ids, reason: 'Returned to origin', creditNoteNumber: 'CN/00001' }).thenMatches([{ type: 'CreditNoteIssued' }, { type: 'OrderCancelled' }]);
    expect(activeOrderStatus(activeStatus([...given, ...events]))).toBe('returned');
  });
});
