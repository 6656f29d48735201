import { IllegalStepError, ValidationError } from '../shared/domain-error';
import {
  COURIER,
  OrderIds,
  PINCODE_POINTS,
  freshOrderIds,
  invoiceGenerated,
  invoicedOrder,
  noLogisticsPartnerFound,
  orderCancelled,
  orderReceived,
  orderSpecification,
  packedOrder,
  partnerConfirmed,
  partnerReported,
  puneDelivery,
  readyForPickup,
  shipmentCancelled,
  shipmentCreated,
  shipmentMarkedReadyToShip,
  shippingLabelGenerated,
} from '../testing/decider-specification';
import type { OrderCommand } from './order-commands';
import type { OrderEvent } from './order-events';
import { waysForward } from './ways-forward';

const spec = orderSpecification();

const shipNow = (ids: OrderIds, mode: 'on-network' | 'off-network' = 'on-network'): OrderCommand => ({ type: 'CreateShipment', ...ids, mode });
const retry = (ids: OrderIds): OrderCommand => ({ type: 'RetryPartnerSearch', ...ids });
const noPartner = (ids: OrderIds): OrderEvent[] => [...readyForPickup(ids), noLogisticsPartnerFound(ids)];
const issuesOf = (error: ValidationError) => error.issues.map((i) => ({ field: i.field, message: i.message }));
const detailsOf = (error: IllegalStepError) => error.details as { allowed: string[]; shipmentStatus: string };

describe('On-network addresses without GPS', () => {
  it('get their PIN code coordinates, and the shipment says which are approximate', () => {
    const ids = freshOrderIds();
    const given = { lat: 18.559, lng: 73.7868 };

    spec
      .given([orderReceived(ids, { deliveryAddress: { ...puneDelivery, gps: given } }), invoiceGenerated(ids, { received: { deliveryAddress: { ...puneDelivery, gps: given } } })])
      .when(shipNow(ids))
      .thenMatches([
        {
          type: 'ShipmentCreated',
          data: { deliveryAddress: { gps: given }, pickupAddress: { gps: PINCODE_POINTS['560001'] }, gpsFromPincode: ['pickupAddress'] },
        },
        { type: 'ShippingLabelGenerated' },
      ]);
  });

  it('are refused when the PIN code is unknown too, naming the field and writing nothing', () => {
    const ids = freshOrderIds();
    const unknown = { ...puneDelivery, pincode: '999999' };

    const error = spec
      .given([orderReceived(ids, { deliveryAddress: unknown }), invoiceGenerated(ids, { received: { deliveryAddress: unknown } })])
      .when(shipNow(ids))
      .thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');

    expect(issuesOf(error)).toEqual([{ field: 'deliveryAddress.gps', message: expect.stringMatching(/PIN code 999999 is not in the PIN code directory.*off-network/) }]);
  });

  it('need nothing off-network: the addresses stay as given', () => {
    const ids = freshOrderIds();
    const unknown = { ...puneDelivery, pincode: '999999' };

    const [created] = spec
      .given([orderReceived(ids, { deliveryAddress: unknown }), invoiceGenerated(ids, { received: { deliveryAddress: unknown } })])
      .when(shipNow(ids, 'off-network'))
      .thenMatches([{ type: 'ShipmentCreated', data: { deliveryAddress: unknown } }, { type: 'ShippingLabelGenerated' }]);

    expect(created?.data).not.toHaveProperty('gpsFromPincode');
    expect(created?.data).not.toHaveProperty('deliveryAddress.gps');
  });

  it('of a shipment created before PIN codes were located are refused at ready to ship, naming the fields', () => {
    const ids = freshOrderIds();
    const legacy = shipmentCreated(ids);
    const { gps: _pickupGps, ...pickupAddress } = legacy.data.pickupAddress;
    const { gps: _dropGps, ...deliveryAddress } = legacy.data.deliveryAddress;
    const withoutGps: OrderEvent = { type: 'ShipmentCreated', data: { ...legacy.data, pickupAddress, deliveryAddress } };

    const error = spec
      .given([...invoicedOrder(ids), withoutGps, shippingLabelGenerated(ids)])
      .when({ type: 'MarkShipmentReadyToShip', ...ids })
      .thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');

    expect(error.issues.map((i) => i.field)).toEqual(['pickupAddress.gps', 'deliveryAddress.gps']);
  });
});

describe('After no partner was found', () => {
  it('the seller may search again: a new ready-to-ship attempt the adapter acts on', () => {
    const ids = freshOrderIds();

    spec.given(noPartner(ids)).when(retry(ids)).thenMatches([{ type: 'ShipmentMarkedReadyToShip', data: { attempt: 2, mode: 'on-network', bulk: false } }]);
  });

  it('a search still under way cannot be retried', () => {
    const ids = freshOrderIds();

    const error = spec.given(readyForPickup(ids)).when(retry(ids)).thenThrows<IllegalStepError>(IllegalStepError, 'PARTNER_SEARCH_NOT_FAILED');

    expect(detailsOf(error).allowed).toEqual(['cancel-shipment']);
  });

  it('a confirmed partner is not searched for again', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(retry(ids)).thenThrows(IllegalStepError, 'PARTNER_SEARCH_NOT_FAILED');
  });

  it('an off-network shipment has no partner to search for', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids, 'off-network')).when(retry(ids)).thenThrows(IllegalStepError, 'SHIPMENT_IS_OFF_NETWORK');
  });

  it('a second shipment is refused, naming the three ways forward', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(noPartner(ids))
      .when(shipNow({ ...ids, shipmentId: `${ids.shipmentId}-2` }, 'off-network'))
      .thenThrows<IllegalStepError>(IllegalStepError, 'SHIPMENT_ALREADY_ACTIVE');

    expect(detailsOf(error)).toMatchObject({ shipmentStatus: 'no_partner_found', allowed: ['retry-partner-search', 'switch-to-off-network', 'cancel-shipment'] });
    expect(error.message).toContain('allowed now: retry-partner-search, switch-to-off-network, cancel-shipment');
  });

  it('marking it shipped is refused until it is switched off-network, and says so', () => {
    const ids = freshOrderIds();

    const error = spec.given(noPartner(ids)).when({ type: 'MarkShipmentShipped', ...ids, ...COURIER }).thenThrows<IllegalStepError>(IllegalStepError, 'SHIPMENT_IS_ON_NETWORK');

    expect(detailsOf(error).allowed).toContain('switch-to-off-network');
  });

  it('a reship is refused, naming the ways forward', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(noPartner(ids))
      .when({ type: 'ReshipOrder', sellerId: ids.sellerId, orderId: ids.orderId, shipmentId: `${ids.shipmentId}-2`, reason: 'other' })
      .thenThrows<IllegalStepError>(IllegalStepError, 'SHIPMENT_STILL_ACTIVE');

    expect(detailsOf(error).allowed).toEqual(['retry-partner-search', 'switch-to-off-network', 'cancel-shipment']);
  });

  it('cancelling that shipment frees the order for a new one', () => {
    const ids = freshOrderIds();
    const cancelled = spec.given(noPartner(ids)).when({ type: 'CancelShipment', ...ids, reason: 'No partner serves the buyer' }).thenMatches([{ type: 'ShipmentCancelled' }]);

    spec
      .given([...noPartner(ids), ...cancelled])
      .when(shipNow({ ...ids, shipmentId: `${ids.shipmentId}-2` }, 'off-network'))
      .thenMatches([{ type: 'ShipmentCreated', data: { mode: 'off-network' } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('a second failed search leaves the same three ways open', () => {
    const ids = freshOrderIds();
    const history = [...noPartner(ids), shipmentMarkedReadyToShip(ids, 2), noLogisticsPartnerFound(ids)];

    spec.given(history).when(retry(ids)).thenMatches([{ type: 'ShipmentMarkedReadyToShip', data: { attempt: 3 } }]);
  });
});

describe('After the partner cancelled', () => {
  const partnerCancelled = (ids: OrderIds): OrderEvent[] => [...partnerConfirmed(ids), partnerReported(ids, 'cancelled')];
  const sellerCancelled = (ids: OrderIds): OrderEvent[] => [...partnerConfirmed(ids), shipmentCancelled(ids, true)];
  const shipmentAfter = (events: OrderEvent[]) => {
    const state = spec.stateAfter(events);
    if (state.status !== 'active') throw new Error('no order');
    return state.shipments[0]!;
  };
  const switchToOffNetwork = (ids: OrderIds): OrderCommand => ({ type: 'SwitchShipmentToOffNetwork', ...ids });
  const reship = (ids: OrderIds, shipmentId: string): OrderCommand => ({ type: 'ReshipOrder', sellerId: ids.sellerId, orderId: ids.orderId, shipmentId, reason: 'cancelled', mode: 'off-network' });

  it('the shipment records that the partner cancelled it, and names the ways forward with it', () => {
    const ids = freshOrderIds();

    const shipment = shipmentAfter(partnerCancelled(ids));

    expect(shipment).toMatchObject({ status: 'cancelled', cancelledBy: 'partner' });
    expect(waysForward(shipment)).toEqual(['retry-partner-search', 'switch-to-off-network', 'reship']);
  });

  it('the seller may search again for the same shipment: a new ready-to-ship attempt, the cancelled partner behind it', () => {
    const ids = freshOrderIds();

    spec.given(partnerCancelled(ids)).when(retry(ids)).thenMatches([{ type: 'ShipmentMarkedReadyToShip', data: { shipmentId: ids.shipmentId, attempt: 2, mode: 'on-network' } }]);

    const searching = shipmentAfter([...partnerCancelled(ids), shipmentMarkedReadyToShip(ids, 2)]);
    expect(searching).toMatchObject({ status: 'ready_to_ship', readyAttempts: 2 });
    expect(searching).not.toHaveProperty('partner');
    expect(searching).not.toHaveProperty('cancelledBy');
    // Cancelling the new search asks no partner to let an order go: none holds it yet.
    spec.given([...partnerCancelled(ids), shipmentMarkedReadyToShip(ids, 2)]).when({ type: 'CancelShipment', ...ids, reason: 'Changed my mind' })
      .thenMatches([{ type: 'ShipmentCancelled', data: { partnerAssigned: false } }]);
  });

  it('the seller may switch the same shipment to their own courier and ship it with the buyer OTP', () => {
    const ids = freshOrderIds();
    const switched = spec.given(partnerCancelled(ids)).when(switchToOffNetwork(ids)).thenMatches([{ type: 'ShipmentModeSwitched', data: { from: 'on-network', to: 'off-network' } }]);

    spec
      .given([...partnerCancelled(ids), ...switched])
      .when({ type: 'MarkShipmentShipped', ...ids, ...COURIER })
      .thenMatches([{ type: 'ShipmentMarkedShipped' }, { type: 'ShippingLabelGenerated' }, { type: 'DeliveryOtpIssued', data: { otpSequence: 1 } }]);
  });

  it('the order may still ship again by a reship, on-network or with the seller courier', () => {
    const ids = freshOrderIds();

    spec
      .given(partnerCancelled(ids))
      .when(reship(ids, `${ids.shipmentId}-2`))
      .thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated', data: { mode: 'off-network', reshipOf: ids.shipmentId } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('once reshipped, the cancelled shipment is not taken up again: two shipments never run at once', () => {
    const ids = freshOrderIds();
    const second = `${ids.shipmentId}-2`;
    const reshipped = spec.given(partnerCancelled(ids)).when(reship(ids, second)).thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);

    spec.given([...partnerCancelled(ids), ...reshipped]).when(retry(ids)).thenThrows(IllegalStepError, 'SHIPMENT_SUPERSEDED');
    spec.given([...partnerCancelled(ids), ...reshipped]).when(switchToOffNetwork(ids)).thenThrows(IllegalStepError, 'SHIPMENT_SUPERSEDED');
  });

  it('a shipment the seller cancelled stays cancelled: no search, no switch, only a reship', () => {
    const ids = freshOrderIds();

    const error = spec.given(sellerCancelled(ids)).when(retry(ids)).thenThrows<IllegalStepError>(IllegalStepError, 'PARTNER_SEARCH_NOT_FAILED');
    spec.given(sellerCancelled(ids)).when(switchToOffNetwork(ids)).thenThrows(IllegalStepError, 'SHIPMENT_MODE_LOCKED');

    expect(error.message).toContain('cancelled by the seller');
    expect(detailsOf(error).allowed).toEqual(['reship']);
    expect(shipmentAfter(sellerCancelled(ids))).toMatchObject({ status: 'cancelled', cancelledBy: 'seller' });
  });

  it('a partner cancellation of a cancelled order leaves nothing to take up', () => {
    const ids = freshOrderIds();

    spec.given([...partnerCancelled(ids), orderCancelled(ids)]).when(retry(ids)).thenThrows(IllegalStepError, 'ORDER_CANCELLED');
  });
});

describe('Every shipment status has a way forward', () => {
  it.each([
    'created',
    'ready_to_ship',
    'no_partner_found',
    'partner_assigned',
    'agent_assigned',
    'picked_up',
    'in_transit',
    'out_for_delivery',
    'shipped',
    'delivered',
    'rto_initiated',
    'rto_delivered',
    'rto_disposed',
    'cancelled',
  ] as const)('%s', (status) => {
    const shipment = { ...({} as Parameters<typeof waysForward>[0]), status, mode: status === 'shipped' ? ('off-network' as const) : ('on-network' as const) };

    expect(waysForward(shipment).length).toBeGreaterThan(0);
  });
});
