import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  COURIER,
  NOW,
  NOW_ISO,
  OTP_POLICY,
  OrderIds,
  PINCODE_POINTS,
  bengaluruPickup,
  freshId,
  freshOrderIds,
  image,
  invoiceGenerated,
  invoicedOrder,
  noLogisticsPartnerFound,
  orderContext,
  orderReceived,
  orderSpecification,
  packageImageRecorded,
  packedOrder,
  partnerConfirmed,
  partnerJourney,
  puneDelivery,
  readyForPickup,
  sellerDefaultPackage,
  shipmentCancelled,
  shipmentMarkedReadyToShip,
  shipmentModeSwitched,
  shippedOffNetwork,
} from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';

const spec = orderSpecification();

const shipNow = (ids: OrderIds, overrides: Partial<OrderCommandOf<'CreateShipment'>> = {}): OrderCommand => ({
  type: 'CreateShipment',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  shipmentId: ids.shipmentId,
  ...overrides,
});

const readyToShip = (ids: OrderIds, bulk?: boolean): OrderCommand => ({ type: 'MarkShipmentReadyToShip', ...ids, ...(bulk !== undefined ? { bulk } : {}) });
const recordImage = (ids: OrderIds, seed: number): OrderCommand => ({ type: 'RecordPackageImage', ...ids, image: image(seed) });
const cancelShipment = (ids: OrderIds, reason = 'Packed the wrong colour'): OrderCommand => ({ type: 'CancelShipment', ...ids, reason });
const switchToOffNetwork = (ids: OrderIds): OrderCommand => ({ type: 'SwitchShipmentToOffNetwork', ...ids });
const markShipped = (ids: OrderIds, overrides: Partial<OrderCommandOf<'MarkShipmentShipped'>> = {}): OrderCommand => ({
  type: 'MarkShipmentShipped',
  ...ids,
  ...COURIER,
  ...overrides,
});

const fieldsOf = (error: ValidationError): string[] => error.issues.map((issue) => issue.field);

describe('Ship now', () => {
  it('creates an on-network shipment from the seller pickup to the invoiced address, with its first label', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when(shipNow(ids)).then([
      {
        type: 'ShipmentCreated',
        data: {
          orderId: ids.orderId,
          shipmentId: ids.shipmentId,
          sellerId: ids.sellerId,
          mode: 'on-network',
          package: sellerDefaultPackage,
          // Neither address came with GPS: both get their PIN code's point, and say so.
          pickupAddress: { ...bengaluruPickup, gps: PINCODE_POINTS['560001'] },
          deliveryAddress: { ...puneDelivery, gps: PINCODE_POINTS['411045'] },
          paymentMethod: 'cod',
          codAmountPaise: invoiceGenerated(ids).data.totals.grandTotalPaise,
          gpsFromPincode: ['pickupAddress', 'deliveryAddress'],
          createdAt: NOW_ISO,
        },
      },
      { type: 'ShippingLabelGenerated', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, labelVersion: 1, generatedAt: NOW_ISO } },
    ]);
  });

  it('off-network when the seller asks for it', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when(shipNow(ids, { mode: 'off-network' })).thenMatches([{ type: 'ShipmentCreated', data: { mode: 'off-network' } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('in the seller default mode when none is named', () => {
    const ids = freshOrderIds();
    const seller = orderContext(ids.sellerId).seller!;

    spec
      .given(invoicedOrder(ids))
      .when(shipNow(ids), { seller: { ...seller, settings: { ...seller.settings, defaultShippingMode: 'off-network' } } })
      .thenMatches([{ type: 'ShipmentCreated', data: { mode: 'off-network' } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('of a prepaid order collects nothing on delivery', () => {
    const ids = freshOrderIds();

    spec
      .given([orderReceived(ids, { paymentMethod: 'prepaid' }), invoiceGenerated(ids, { received: { paymentMethod: 'prepaid' } })])
      .when(shipNow(ids))
      .thenMatches([{ type: 'ShipmentCreated', data: { paymentMethod: 'prepaid', codAmountPaise: 0 } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('delivers to the address of the current invoice revision', () => {
    const ids = freshOrderIds();
    const corrected = spec
      .given(invoicedOrder(ids))
      .when({ type: 'RegenerateInvoice', ...ids, reason: 'Wrong flat number', corrections: { deliveryAddress: { line1: 'Flat 4C' } } })
      .thenMatches([{ type: 'InvoiceRegenerated' }]);

    spec.given([...invoicedOrder(ids), ...corrected]).when(shipNow(ids)).thenMatches([{ type: 'ShipmentCreated', data: { deliveryAddress: { ...puneDelivery, line1: 'Flat 4C' } } }, { type: 'ShippingLabelGenerated' }]);
  });

  describe('package', () => {
    const bigBox = { weightGrams: 2_000, lengthCm: 40, widthCm: 30, heightCm: 20 };
    const orderBox = { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 };

    it('uses the package the seller enters', () => {
      const ids = freshOrderIds();

      spec.given(invoicedOrder(ids)).when(shipNow(ids, { package: bigBox })).thenMatches([{ type: 'ShipmentCreated', data: { package: bigBox } }, { type: 'ShippingLabelGenerated' }]);
    });

    it('otherwise the package the order brought', () => {
      const ids = freshOrderIds();

      spec
        .given([orderReceived(ids, { package: orderBox }), invoiceGenerated(ids)])
        .when(shipNow(ids))
        .thenMatches([{ type: 'ShipmentCreated', data: { package: orderBox } }, { type: 'ShippingLabelGenerated' }]);
    });

    it('otherwise the seller default package', () => {
      const ids = freshOrderIds();

      spec.given(invoicedOrder(ids)).when(shipNow(ids)).thenMatches([{ type: 'ShipmentCreated', data: { package: sellerDefaultPackage } }, { type: 'ShippingLabelGenerated' }]);
    });

    it('is required when there is none of these', () => {
      const ids = freshOrderIds();
      const seller = orderContext(ids.sellerId).seller!;
      const { defaultPackage: _none, ...settings } = seller.settings;

      const error = spec.given(invoicedOrder(ids)).when(shipNow(ids), { seller: { ...seller, settings } }).thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(error)).toEqual(['package']);
    });

    it('must be within parcel limits', () => {
      const ids = freshOrderIds();

      const error = spec
        .given(invoicedOrder(ids))
        .when(shipNow(ids, { package: { weightGrams: 0, lengthCm: 250, widthCm: 10, heightCm: 10 } }))
        .thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(error)).toEqual(['package.weightGrams', 'package.lengthCm']);
    });

  describe('delivery category', () => {
    const withCategory = (ids: OrderIds, deliveryCategory: 'Same Day Delivery' | 'Express Delivery') => {
      const seller = orderContext(ids.sellerId).seller!;
      return { seller: { ...seller, settings: { ...seller.settings, deliveryCategory } } };
    };

    it('on-network, asks for the one the shipment names', () => {
      const ids = freshOrderIds();

      spec
        .given(invoicedOrder(ids))
        .when(shipNow(ids, { deliveryCategory: 'Immediate Delivery' }), withCategory(ids, 'Same Day Delivery'))
        .thenMatches([{ type: 'ShipmentCreated', data: { mode: 'on-network', deliveryCategory: 'Immediate Delivery' } }, { type: 'ShippingLabelGenerated' }]);
    });

    it("otherwise the seller's setting", () => {
      const ids = freshOrderIds();

      const state = spec.given(invoicedOrder(ids)).when(shipNow(ids), withCategory(ids, 'Express Delivery')).thenState();
      expect(state.status === 'active' && state.shipments[0]!.deliveryCategory).toBe('Express Delivery');
    });

    it("otherwise none, which leaves it to the ONDC adapter's default", () => {
      const ids = freshOrderIds();

      const [created] = spec.given(invoicedOrder(ids)).when(shipNow(ids)).thenMatches([{ type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);
      expect(created!.data).not.toHaveProperty('deliveryCategory');
    });

    it("off-network records none, whatever the seller's setting", () => {
      const ids = freshOrderIds();

      const [created] = spec
        .given(invoicedOrder(ids))
        .when(shipNow(ids, { mode: 'off-network' }), withCategory(ids, 'Same Day Delivery'))
        .thenMatches([{ type: 'ShipmentCreated', data: { mode: 'off-network' } }, { type: 'ShippingLabelGenerated' }]);
      expect(created!.data).not.toHaveProperty('deliveryCategory');
    });

    it('is refused off-network, and when it is not an ONDC category', () => {
      const ids = freshOrderIds();

      const offNetwork = spec.given(invoicedOrder(ids)).when(shipNow(ids, { mode: 'off-network', deliveryCategory: 'Same Day Delivery' })).thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(offNetwork)).toEqual(['deliveryCategory']);
      const unknown = spec
        .given(invoicedOrder(ids))
        .when(shipNow(ids, { deliveryCategory: 'Teleport' as OrderCommandOf<'CreateShipment'>['deliveryCategory'] }))
        .thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(unknown)).toEqual(['deliveryCategory']);
    });
  });
  });

  it('before the invoice is refused', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(shipNow(ids)).thenThrows(IllegalStepError, 'INVOICE_REQUIRED');
  });

  it('while another shipment is in progress is refused', () => {
    const ids = freshOrderIds();

    const error = spec.given(readyForPickup(ids)).when(shipNow(ids, { shipmentId: freshId('shp') })).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_ACTIVE');
    expect(error).toMatchObject({ details: { shipmentId: ids.shipmentId } });
  });

  it('after the order was delivered is refused: reship instead', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'delivered')).when(shipNow(ids, { shipmentId: freshId('shp') })).thenThrows(IllegalStepError, 'ORDER_ALREADY_DELIVERED');
  });

  it('again after the first shipment was cancelled is allowed', () => {
    const ids = freshOrderIds();

    spec
      .given([...packedOrder(ids), shipmentCancelled(ids)])
      .when(shipNow(ids, { shipmentId: freshId('shp') }))
      .thenMatches([{ type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated', data: { labelVersion: 1 } }]);
  });

  it('with a malformed shipment id or mode is refused', () => {
    const ids = freshOrderIds();
    const command = { ...shipNow(ids, { shipmentId: 'shp 1' }), mode: 'by-pigeon' } as unknown as OrderCommand;

    const error = spec.given(invoicedOrder(ids)).when(command).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['shipmentId', 'mode']);
  });

  it('needs the seller profile for the pickup address', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when(shipNow(ids), { seller: undefined }).thenThrows(NotFoundError, 'SELLER_NOT_FOUND');
  });
});

describe('Ready to ship', () => {
  it('marks a created shipment ready: the first attempt', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(readyToShip(ids)).then([
      {
        type: 'ShipmentMarkedReadyToShip',
        data: { orderId: ids.orderId, shipmentId: ids.shipmentId, sellerId: ids.sellerId, mode: 'on-network', attempt: 1, bulk: false, markedAt: NOW_ISO },
      },
    ]);
  });

  it('remembers that it came in a bulk request', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(readyToShip(ids, true)).thenMatches([{ type: 'ShipmentMarkedReadyToShip', data: { bulk: true } }]);
  });

  it('twice is refused', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(readyToShip(ids)).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_READY');
  });

  it('once a partner is on the way is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(readyToShip(ids)).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_READY');
  });

  it('of a cancelled shipment is refused', () => {
    const ids = freshOrderIds();

    spec.given([...packedOrder(ids), shipmentCancelled(ids)]).when(readyToShip(ids)).thenThrows(IllegalStepError, 'SHIPMENT_CANCELLED');
  });

  it('retried after no partner was found is the second attempt', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), noLogisticsPartnerFound(ids)]).when(readyToShip(ids)).thenMatches([{ type: 'ShipmentMarkedReadyToShip', data: { attempt: 2 } }]);
  });

  it('of a shipment the order does not have is not found', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(readyToShip({ ...ids, shipmentId: freshId('shp') })).thenThrows(NotFoundError, 'SHIPMENT_NOT_FOUND');
  });
});

describe('Package image', () => {
  it('is recorded for a shipment ready for pickup', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(recordImage(ids, 1)).then([
      { type: 'PackageImageRecorded', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, image: image(1), recordedAt: NOW_ISO } },
    ]);
  });

  it('before ready to ship is refused', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(recordImage(ids, 1)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_READY');
  });

  it('of a cancelled shipment is refused', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), shipmentCancelled(ids)]).when(recordImage(ids, 1)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_READY');
  });

  it('uploaded twice is recorded once', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), packageImageRecorded(ids, 1)]).when(recordImage(ids, 1)).thenNothingHappens();
  });

  it('a second, different photo is recorded too', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), packageImageRecorded(ids, 1)]).when(recordImage(ids, 2)).thenMatches([{ type: 'PackageImageRecorded', data: { image: image(2) } }]);
  });

  it('that is not a JPEG, PNG or WebP photo is refused', () => {
    const ids = freshOrderIds();
    const command: OrderCommand = { type: 'RecordPackageImage', ...ids, image: { ...image(1), contentType: 'application/pdf' } };

    const error = spec.given(readyForPickup(ids)).when(command).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['image.0.contentType']);
  });
});

describe('Cancel shipment', () => {
  it('before pickup cancels it; no partner to tell yet', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(cancelShipment(ids)).then([
      { type: 'ShipmentCancelled', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'Packed the wrong colour', partnerAssigned: false, cancelledAt: NOW_ISO } },
    ]);
  });

  it('with a partner confirmed says the partner must be told', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'agent_assigned')).when(cancelShipment(ids)).thenMatches([{ type: 'ShipmentCancelled', data: { partnerAssigned: true } }]);
  });

  it('after pickup is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when(cancelShipment(ids)).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_DISPATCHED');
  });

  it('after it was delivered is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'delivered')).when(cancelShipment(ids)).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_DISPATCHED');
  });

  it('twice changes nothing the second time', () => {
    const ids = freshOrderIds();

    spec.given([...packedOrder(ids), shipmentCancelled(ids)]).when(cancelShipment(ids)).thenNothingHappens();
  });

  it('keeps the order: it can be shipped again', () => {
    const ids = freshOrderIds();

    const state = spec.given(packedOrder(ids)).when(cancelShipment(ids)).thenState();
    expect(state).toMatchObject({ cancelled: false, shipments: [{ shipmentId: ids.shipmentId, status: 'cancelled' }] });
  });
});

describe('Switch to off-network', () => {
  it('after no partner was found hands the shipment to the seller own courier', () => {
    const ids = freshOrderIds();

    spec.given([...readyForPickup(ids), noLogisticsPartnerFound(ids)]).when(switchToOffNetwork(ids)).then([
      { type: 'ShipmentModeSwitched', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, from: 'on-network', to: 'off-network', switchedAt: NOW_ISO } },
    ]);
  });

  it('before ready to ship is allowed too', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids)).when(switchToOffNetwork(ids)).thenMatches([{ type: 'ShipmentModeSwitched' }]);
  });

  it('while the network is still looking for a partner is refused', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(switchToOffNetwork(ids)).thenThrows(IllegalStepError, 'SHIPMENT_MODE_LOCKED');
  });

  it('once a partner is confirmed is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when(switchToOffNetwork(ids)).thenThrows(IllegalStepError, 'SHIPMENT_MODE_LOCKED');
  });

  it('of an off-network shipment is refused', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids, 'off-network')).when(switchToOffNetwork(ids)).thenThrows(IllegalStepError, 'SHIPMENT_ALREADY_OFF_NETWORK');
  });

  it('then lets the seller mark it shipped with their courier', () => {
    const ids = freshOrderIds();

    spec
      .given([...readyForPickup(ids), noLogisticsPartnerFound(ids), shipmentModeSwitched(ids)])
      .when(markShipped(ids))
      .thenMatches([{ type: 'ShipmentMarkedShipped' }, { type: 'ShippingLabelGenerated' }, { type: 'DeliveryOtpIssued' }]);
  });
});

describe('Off-network: marked shipped', () => {
  it('records courier, tracking and photos, puts the tracking number on label 2 and issues the delivery OTP', () => {
    const ids = freshOrderIds();
    const ref = { orderId: ids.orderId, shipmentId: ids.shipmentId };
    const photos = [image(1), image(2)];

    spec
      .given(packedOrder(ids, 'off-network'))
      .when(markShipped(ids, { trackingUrl: 'https://www.dtdc.in/track/D12345678', images: photos }))
      .then([
        {
          type: 'ShipmentMarkedShipped',
          data: { ...ref, courierName: 'DTDC', trackingNumber: 'D12345678', trackingUrl: 'https://www.dtdc.in/track/D12345678', images: photos, shippedAt: NOW_ISO },
        },
        { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: 2, awb: 'D12345678', carrierName: 'DTDC', generatedAt: NOW_ISO } },
        { type: 'DeliveryOtpIssued', data: { ...ref, otpSequence: 1, issuedAt: NOW_ISO, expiresAt: new Date(NOW.getTime() + OTP_POLICY.ttlMs).toISOString() } },
      ]);
  });

  it('without a tracking URL or photos', () => {
    const ids = freshOrderIds();

    spec.given(packedOrder(ids, 'off-network')).when(markShipped(ids)).thenMatches([
      { type: 'ShipmentMarkedShipped', data: { images: [] } },
      { type: 'ShippingLabelGenerated' },
      { type: 'DeliveryOtpIssued' },
    ]);
  });

  it('after ready to ship', () => {
    const ids = freshOrderIds();

    spec
      .given([...packedOrder(ids, 'off-network'), shipmentMarkedReadyToShip(ids, 1, 'off-network')])
      .when(markShipped(ids))
      .thenMatches([{ type: 'ShipmentMarkedShipped' }, { type: 'ShippingLabelGenerated' }, { type: 'DeliveryOtpIssued' }]);
  });

  it('of an on-network shipment is refused: the partner ships it', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(markShipped(ids)).thenThrows(IllegalStepError, 'SHIPMENT_IS_ON_NETWORK');
  });

  it('twice is refused', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when(markShipped(ids)).thenThrows(IllegalStepError, 'SHIPMENT_NOT_SHIPPABLE');
  });

  it('of a cancelled order is refused', () => {
    const ids = freshOrderIds();

    spec
      .given([...packedOrder(ids, 'off-network'), shipmentCancelled(ids), { type: 'OrderCancelled', data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'x', cancelledAt: NOW_ISO } }])
      .when(markShipped(ids))
      .thenThrows(IllegalStepError, 'ORDER_CANCELLED');
  });

  it('with no courier, a bad tracking number or URL is refused, naming each', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(packedOrder(ids, 'off-network'))
      .when(markShipped(ids, { courierName: '', trackingNumber: 'D1', trackingUrl: 'ftp://dtdc.in/D1' }))
      .thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['courierName', 'trackingNumber', 'trackingUrl']);
  });
});
