import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  NOW_ISO,
  OrderIds,
  PARTNER,
  freshOrderIds,
  invoicedOrder,
  orderContext,
  orderSpecification,
  partnerConfirmed,
  partnerJourney,
  readyForPickup,
  sellerDefaultPackage,
  shippedOffNetwork,
} from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent } from './order-events';

const spec = orderSpecification();
const REPORTED_AT = '2026-05-04T16:00:00+05:30';
const REPORTED_AT_UTC = '2026-05-04T10:30:00.000Z';

const differential = (ids: OrderIds, overrides: Partial<OrderCommandOf<'RecordWeightDifferential'>> = {}): OrderCommand => ({
  type: 'RecordWeightDifferential',
  ...ids,
  partnerId: PARTNER.partnerId,
  measuredWeightGrams: 2_500,
  measuredDimensionsCm: { length: 30, width: 20, height: 15 },
  amountPaise: 4_000,
  taxPaise: 720,
  proofUrl: 'https://lsp.example.in/weighing/NO12345.jpg',
  reportedAt: REPORTED_AT,
  ...overrides,
});

function reported(ids: OrderIds): OrderEvent {
  return {
    type: 'WeightDifferentialReported',
    data: {
      orderId: ids.orderId,
      shipmentId: ids.shipmentId,
      partnerId: PARTNER.partnerId,
      declaredWeightGrams: sellerDefaultPackage.weightGrams,
      measuredWeightGrams: 2_500,
      measuredDimensionsCm: { length: 30, width: 20, height: 15 },
      amountPaise: 4_000,
      taxPaise: 720,
      proofUrl: 'https://lsp.example.in/weighing/NO12345.jpg',
      reportedAt: REPORTED_AT_UTC,
    },
  };
}

const pickedUpWithDifferential = (ids: OrderIds): OrderEvent[] => [...partnerJourney(ids, 'picked_up'), reported(ids)];
const accept = (ids: OrderIds): OrderCommand => ({ type: 'AcceptWeightDifferential', ...ids });
const dispute = (ids: OrderIds, reason?: string): OrderCommand => ({ type: 'DisputeWeightDifferential', ...ids, ...(reason ? { reason } : {}) });

describe('A weight differential the partner reports after pickup', () => {
  it('is recorded with the declared weight beside the measured one, the charge and its GST, and the proof', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when(differential(ids)).then([reported(ids)]);
  });

  it('leaves the shipment where it is, with the differential pending for the seller', () => {
    const ids = freshOrderIds();

    const state = spec.given(pickedUpWithDifferential(ids)).when(accept(ids)).thenState();
    expect(state.status === 'active' && state.shipments[0]!.status).toBe('picked_up');
    expect(state.status === 'active' && state.shipments[0]!.weightDifferential).toMatchObject({ status: 'accepted', amountPaise: 4_000, answeredAt: NOW_ISO });
  });

  it('repeated as it was (a partner repeats its quote in later callbacks) changes nothing', () => {
    const ids = freshOrderIds();

    spec.given(pickedUpWithDifferential(ids)).when(differential(ids)).thenNothingHappens();
  });

  it('is refused before the partner has the parcel, from another partner, and off-network', () => {
    const ids = freshOrderIds();
    spec.given(partnerConfirmed(ids)).when(differential(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_PICKED_UP');
    spec.given(partnerJourney(ids, 'picked_up')).when(differential(ids, { partnerId: 'other.example.in' })).thenThrows(IllegalStepError, 'NOT_THE_SHIPMENT_PARTNER');
    const offNetwork = freshOrderIds();
    spec.given(shippedOffNetwork(offNetwork)).when(differential(offNetwork)).thenThrows(IllegalStepError, 'NOT_THE_SHIPMENT_PARTNER');
  });

  it('with an amount that is not whole paise, no weight, or no time is refused naming each field', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(partnerJourney(ids, 'picked_up'))
      .when(differential(ids, { amountPaise: 12.5, measuredWeightGrams: 0, reportedAt: 'yesterday' }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field).sort()).toEqual(['amountPaise', 'measuredWeightGrams', 'reportedAt']);
  });

  it('a new figure after the seller answered is refused: the answer stands', () => {
    const ids = freshOrderIds();

    spec
      .given([...pickedUpWithDifferential(ids), { type: 'WeightDifferentialAccepted', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, amountPaise: 4_000, taxPaise: 720, acceptedAt: NOW_ISO } }])
      .when(differential(ids, { amountPaise: 9_000 }))
      .thenThrows(IllegalStepError, 'WEIGHT_DIFFERENTIAL_ANSWERED');
  });
});

describe('The seller answers a weight differential', () => {
  it('accepting records the charge accepted', () => {
    const ids = freshOrderIds();

    spec.given(pickedUpWithDifferential(ids)).when(accept(ids)).then([
      { type: 'WeightDifferentialAccepted', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, amountPaise: 4_000, taxPaise: 720, acceptedAt: NOW_ISO } },
    ]);
  });

  it('disputing records the dispute and the reason', () => {
    const ids = freshOrderIds();

    spec.given(pickedUpWithDifferential(ids)).when(dispute(ids, 'Weighed 1.2 kg at dispatch')).then([
      { type: 'WeightDifferentialDisputed', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, amountPaise: 4_000, taxPaise: 720, reason: 'Weighed 1.2 kg at dispatch', disputedAt: NOW_ISO } },
    ]);
  });

  it('the same answer again changes nothing; the other answer is refused', () => {
    const ids = freshOrderIds();
    const accepted: OrderEvent = { type: 'WeightDifferentialAccepted', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, amountPaise: 4_000, taxPaise: 720, acceptedAt: NOW_ISO } };

    spec.given([...pickedUpWithDifferential(ids), accepted]).when(accept(ids)).thenNothingHappens();
    spec.given([...pickedUpWithDifferential(ids), accepted]).when(dispute(ids)).thenThrows(IllegalStepError, 'WEIGHT_DIFFERENTIAL_ANSWERED');
  });

  it('with no differential reported is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when(accept(ids)).thenThrows(IllegalStepError, 'NO_WEIGHT_DIFFERENTIAL');
    spec.given(partnerJourney(ids, 'picked_up')).when(dispute(ids)).thenThrows(IllegalStepError, 'NO_WEIGHT_DIFFERENTIAL');
  });

  it("another seller's order is not found, and a reason too long is refused", () => {
    const ids = freshOrderIds();

    spec.given(pickedUpWithDifferential(ids)).when({ ...accept(ids), sellerId: 'seller-elsewhere' }).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
    spec.given(pickedUpWithDifferential(ids)).when(dispute(ids, 'x'.repeat(501))).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});

describe('Surge fees', () => {
  it("an on-network shipment carries the seller's surge cap; none is written when the seller accepts no surge", () => {
    const ids = freshOrderIds();
    const seller = orderContext(ids.sellerId).seller!;
    const withCap = { seller: { ...seller, settings: { ...seller.settings, maxSurgeFeePaise: 5_000 } } };

    spec.given(invoicedOrder(ids)).when({ type: 'CreateShipment', ...ids }, withCap).thenMatches([{ type: 'ShipmentCreated', data: { maxSurgeFeePaise: 5_000 } }, { type: 'ShippingLabelGenerated' }]);
    const [created] = spec.given(invoicedOrder(ids)).when({ type: 'CreateShipment', ...ids }).thenMatches([{ type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);
    expect(created!.data).not.toHaveProperty('maxSurgeFeePaise');
  });

  it('the surge of the confirmed quote is recorded with the partner; a negative one is refused', () => {
    const ids = freshOrderIds();
    const assign: OrderCommand = { type: 'AssignLogisticsPartner', ...ids, partnerId: PARTNER.partnerId, partnerName: PARTNER.partnerName, networkOrderId: PARTNER.networkOrderId, surgeFeePaise: 2_360 };

    spec.given(readyForPickup(ids)).when(assign).thenMatches([{ type: 'LogisticsPartnerAssigned', data: { surgeFeePaise: 2_360 } }]);
    spec.given(readyForPickup(ids)).when({ ...assign, surgeFeePaise: -1 } as OrderCommand).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });
});
