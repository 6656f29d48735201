import { IllegalStepError, ValidationError } from '../shared/domain-error';
import {
  NOW_ISO,
  OrderIds,
  PARTNER,
  freshOrderIds,
  logisticsPartnerAssigned,
  orderSpecification,
  partnerConfirmed,
  partnerJourney,
  readyForPickup,
  shipmentCancelled,
  shippedOffNetwork,
} from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent } from './order-events';

const spec = orderSpecification();
const REPORTED_AT = '2026-05-04T16:00:00+05:30';
const REPORTED_AT_UTC = '2026-05-04T10:30:00.000Z';
/** A hyperlocal partner confirmed without an AWB: the label still says "AWB pending". */
function confirmedWithoutAwb(ids: OrderIds): OrderEvent[] {
  const { awb: _none, ...assigned } = logisticsPartnerAssigned(ids).data;
  return [...readyForPickup(ids), { type: 'LogisticsPartnerAssigned', data: assigned }];
}

const details = (ids: OrderIds, overrides: Partial<OrderCommandOf<'RecordPartnerDetails'>> = {}): OrderCommand => ({
  type: 'RecordPartnerDetails',
  ...ids,
  partnerId: PARTNER.partnerId,
  reportedAt: REPORTED_AT,
  ...overrides,
});

const cancelOutcome = (ids: OrderIds, overrides: Partial<OrderCommandOf<'RecordPartnerCancellationOutcome'>> = {}): OrderCommand => ({
  type: 'RecordPartnerCancellationOutcome',
  ...ids,
  partnerId: PARTNER.partnerId,
  outcome: 'confirmed',
  attempts: 2,
  reportedAt: REPORTED_AT,
  ...overrides,
});

describe('Partner details that arrive after the assignment', () => {
  it('an AWB sent late is recorded and the label is reissued with it and the partner name', () => {
    const ids = freshOrderIds();
    const ref = { orderId: ids.orderId, shipmentId: ids.shipmentId };

    spec.given(confirmedWithoutAwb(ids)).when(details(ids, { awb: 'AWB777' })).then([
      { type: 'PartnerDetailsUpdated', data: { ...ref, partnerId: PARTNER.partnerId, awb: 'AWB777', reportedAt: REPORTED_AT_UTC } },
      { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: 2, awb: 'AWB777', carrierName: PARTNER.partnerName, generatedAt: NOW_ISO } },
    ]);
  });

  it('an AWB that arrives with the delivery still reaches the shipment and its label', () => {
    const ids = freshOrderIds();

    spec
      .given([...confirmedWithoutAwb(ids), ...partnerJourney(ids, 'delivered').slice(partnerConfirmed(ids).length)])
      .when(details(ids, { awb: 'AWB778' }))
      .thenMatches([{ type: 'PartnerDetailsUpdated', data: { awb: 'AWB778' } }, { type: 'ShippingLabelGenerated', data: { awb: 'AWB778' } }]);
  });

  it('records only what changed: a pickup slot (in UTC), the partner label and a new agent, without a new label', () => {
    const ids = freshOrderIds();

    spec
      .given(partnerJourney(ids, 'agent_assigned'))
      .when(
        details(ids, {
          awb: PARTNER.awb,
          labelUrl: 'https://swift.example/labels/NO12345.pdf',
          pickupSlot: { start: '2026-05-05T10:00:00+05:30', end: '2026-05-05T13:00:00+05:30' },
          agentName: 'Lakshmi Devi',
          agentPhone: '9845012345',
        }),
      )
      .then([
        {
          type: 'PartnerDetailsUpdated',
          data: {
            orderId: ids.orderId,
            shipmentId: ids.shipmentId,
            partnerId: PARTNER.partnerId,
            labelUrl: 'https://swift.example/labels/NO12345.pdf',
            pickupSlot: { start: '2026-05-05T04:30:00.000Z', end: '2026-05-05T07:30:00.000Z' },
            agentName: 'Lakshmi Devi',
            agentPhone: '9845012345',
            reportedAt: REPORTED_AT_UTC,
          },
        },
      ]);
  });

  it('the same facts again change nothing', () => {
    const ids = freshOrderIds();
    const slot = { start: '2026-05-05T04:30:00.000Z', end: '2026-05-05T07:30:00.000Z' };
    const first = spec.given(confirmedWithoutAwb(ids)).when(details(ids, { awb: 'AWB779', pickupSlot: slot })).thenMatches([{ type: 'PartnerDetailsUpdated' }, { type: 'ShippingLabelGenerated' }]);

    spec
      .given([...confirmedWithoutAwb(ids), ...first])
      .when(details(ids, { awb: 'AWB779', pickupSlot: { start: '2026-05-05T10:00:00+05:30', end: '2026-05-05T13:00:00+05:30' } }))
      .thenNothingHappens();
  });

  it('from a partner that is not the shipment\'s is refused', () => {
    const ids = freshOrderIds();

    spec.given(confirmedWithoutAwb(ids)).when(details(ids, { partnerId: 'other.lsp', awb: 'AWB1' })).thenThrows(IllegalStepError, 'PARTNER_NOT_ASSIGNED');
    spec.given(readyForPickup(ids)).when(details(ids, { awb: 'AWB1' })).thenThrows(IllegalStepError, 'PARTNER_NOT_ASSIGNED');
  });

  it('for an off-network shipment, or with a malformed slot, is refused', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(details(ids, { awb: 'AWB1' })).thenThrows(IllegalStepError, 'SHIPMENT_IS_OFF_NETWORK');
    spec.given(confirmedWithoutAwb(ids)).when(details(ids, { pickupSlot: { start: 'soon', end: 'later' } })).thenThrows(ValidationError);
  });
});

describe('The outcome of the seller\'s cancellation at the partner', () => {
  const cancelledWithPartner = (ids: OrderIds): OrderEvent[] => [...partnerJourney(ids, 'agent_assigned'), shipmentCancelled(ids, true)];

  it('the partner confirming it is recorded once, with the tries it took', () => {
    const ids = freshOrderIds();
    const confirmed = spec.given(cancelledWithPartner(ids)).when(cancelOutcome(ids)).then([
      { type: 'PartnerCancellationConfirmed', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, partnerId: PARTNER.partnerId, attempts: 2, confirmedAt: REPORTED_AT_UTC } },
    ]);

    spec.given([...cancelledWithPartner(ids), ...confirmed]).when(cancelOutcome(ids)).thenNothingHappens();
  });

  it('failing for good is recorded with the reason, and a confirmation that comes after all still lands', () => {
    const ids = freshOrderIds();
    const failed = spec
      .given(cancelledWithPartner(ids))
      .when(cancelOutcome(ids, { outcome: 'failed', attempts: 6, reason: '6 /cancel requests, none confirmed' }))
      .then([
        {
          type: 'PartnerCancellationFailed',
          data: { orderId: ids.orderId, shipmentId: ids.shipmentId, partnerId: PARTNER.partnerId, partnerName: PARTNER.partnerName, attempts: 6, reason: '6 /cancel requests, none confirmed', failedAt: REPORTED_AT_UTC },
        },
      ]);
    const given = [...cancelledWithPartner(ids), ...failed];

    spec.given(given).when(cancelOutcome(ids, { outcome: 'failed', attempts: 6, reason: 'again' })).thenNothingHappens();
    spec.given(given).when(cancelOutcome(ids, { attempts: 7 })).thenMatches([{ type: 'PartnerCancellationConfirmed', data: { attempts: 7 } }]);
  });

  it('a failure after the partner confirmed changes nothing', () => {
    const ids = freshOrderIds();
    const confirmed = spec.given(cancelledWithPartner(ids)).when(cancelOutcome(ids)).thenMatches([{ type: 'PartnerCancellationConfirmed' }]);

    spec.given([...cancelledWithPartner(ids), ...confirmed]).when(cancelOutcome(ids, { outcome: 'failed', reason: 'late timer' })).thenNothingHappens();
  });

  it('is refused for a shipment the seller did not cancel, another partner, or a failure without its reason', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'agent_assigned')).when(cancelOutcome(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_CANCELLED');
    spec.given(cancelledWithPartner(ids)).when(cancelOutcome(ids, { partnerId: 'other.lsp' })).thenThrows(IllegalStepError, 'PARTNER_NOT_ASSIGNED');
    spec.given(cancelledWithPartner(ids)).when(cancelOutcome(ids, { outcome: 'failed' })).thenThrows(ValidationError);
  });
});
