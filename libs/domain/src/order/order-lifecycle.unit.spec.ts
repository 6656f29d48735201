import { ConflictError, IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  NOW_ISO,
  OrderIds,
  freshId,
  freshOrderIds,
  image,
  invoicedOrder,
  orderCancelled,
  invoiceGenerated,
  orderReceived,
  orderSpecification,
  packedOrder,
  partnerConfirmed,
  partnerJourney,
  readyForPickup,
  receiveOrder,
  sellerDefaultPackage,
  shipmentCancelled,
  shipmentCreated,
  shippedOffNetwork,
  shippingLabelGenerated,
} from '../testing/decider-specification';
import type { OrderCommand, OrderCommandOf } from './order-commands';
import type { OrderEvent, OrderItem, ReshipReason } from './order-events';

const spec = orderSpecification();

/** The fields a ValidationError names, in the order it names them. */
const fieldsOf = (error: ValidationError): string[] => error.issues.map((issue) => issue.field);

const saree = (overrides: Partial<OrderItem> = {}): OrderItem => ({
  sku: 'SAREE-SILK-01',
  name: 'Mysore silk saree',
  hsnCode: '5007',
  quantity: 1,
  unit: 'NOS',
  unitPricePaise: 450_000,
  discountPaise: 0,
  taxRatePercent: 5,
  ...overrides,
});

describe('Order received', () => {
  it('records a valid order with its total, at the time it arrived', () => {
    const ids = freshOrderIds();
    const command = receiveOrder(ids);

    spec.given([]).when(command).then([
      {
        type: 'OrderReceived',
        data: {
          orderId: ids.orderId,
          sellerId: ids.sellerId,
          salesChannel: 'storefront',
          items: command.items,
          charges: command.charges,
          buyer: command.buyer,
          deliveryAddress: command.deliveryAddress,
          paymentMethod: 'cod',
          // (4500 - 500) + 5% = 4200, shipping 50 + 18% = 59
          totalPaise: 420_000 + 5_900,
          receivedAt: NOW_ISO,
        },
      },
    ]);
  });

  it('keeps the package the order brings and the storefront reference', () => {
    const ids = freshOrderIds();
    const pkg = { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 };

    spec
      .given([])
      .when(receiveOrder(ids, { package: pkg, externalRef: 'SHOPIFY-1001' }))
      .thenMatches([{ type: 'OrderReceived', data: { package: pkg, externalRef: 'SHOPIFY-1001' } }]);
  });

  describe('refuses input it cannot fulfil, naming the field', () => {
    it.each<[string, (ids: OrderIds) => OrderCommand, string]>([
      ['no items', (ids) => receiveOrder(ids, { items: [] }), 'items'],
      ['an HSN code of 5 digits', (ids) => receiveOrder(ids, { items: [saree({ hsnCode: '50071' })] }), 'items.0.hsnCode'],
      ['a PIN code starting with 0', (ids) => receiveOrder(ids, { deliveryAddress: { ...receiveOrder(ids).deliveryAddress, pincode: '011045' } }), 'deliveryAddress.pincode'],
      ['an unknown state code', (ids) => receiveOrder(ids, { deliveryAddress: { ...receiveOrder(ids).deliveryAddress, stateCode: '99' } }), 'deliveryAddress.stateCode'],
      ['a 7% tax rate', (ids) => receiveOrder(ids, { items: [saree({ taxRatePercent: 7 })] }), 'items.0.taxRatePercent'],
      ['a discount above quantity × price', (ids) => receiveOrder(ids, { items: [saree({ quantity: 2, unitPricePaise: 1_000, discountPaise: 2_001 })] }), 'items.0.discountPaise'],
      ['a charge taxed at 7%', (ids) => receiveOrder(ids, { charges: [{ description: 'Shipping', amountPaise: 5_000, taxRatePercent: 7 }] }), 'charges.0.taxRatePercent'],
      ['a buyer phone that is not Indian', (ids) => receiveOrder(ids, { buyer: { name: 'Asha', phone: '12345' } }), 'buyer.phone'],
      ['a buyer GSTIN whose check character fails', (ids) => receiveOrder(ids, { buyer: { name: 'Asha', phone: '9123456780', gstin: '27AAPFU0939F1ZX' } }), 'buyer.gstin'],
      ['a package of 60 kg', (ids) => receiveOrder(ids, { package: { ...sellerDefaultPackage, weightGrams: 60_000 } }), 'package.weightGrams'],
    ])('an order with %s is refused', (_, command, field) => {
      const error = spec.given([]).when(command(freshOrderIds())).thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');
      expect(fieldsOf(error)).toEqual([field]);
    });

    it('names every wrong field at once', () => {
      const ids = freshOrderIds();
      const command = receiveOrder(ids, {
        items: [saree({ hsnCode: 'ABCD', taxRatePercent: 7 })],
        deliveryAddress: { ...receiveOrder(ids).deliveryAddress, pincode: '4110', stateCode: '00' },
      });

      const error = spec.given([]).when(command).thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(error)).toEqual(['items.0.hsnCode', 'items.0.taxRatePercent', 'deliveryAddress.stateCode', 'deliveryAddress.pincode']);
    });
  });

  it('records a B2B buyer GSTIN typed in lower case in capitals', () => {
    const ids = freshOrderIds();

    spec
      .given([])
      .when(receiveOrder(ids, { buyer: { name: 'Asha', phone: '9123456780', gstin: '27aapfu0939f1zv' } }))
      .thenMatches([{ type: 'OrderReceived', data: { buyer: { gstin: '27AAPFU0939F1ZV' } } }]);
  });

  it('refuses a second order with the same id', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(receiveOrder(ids)).thenThrows(ConflictError, 'ORDER_ALREADY_EXISTS');
  });
});

describe('Seller isolation', () => {
  const commandsOfAnotherSeller: Array<[string, (ids: OrderIds, other: string) => OrderCommand]> = [
    ['generate its invoice', (ids, other) => ({ type: 'GenerateInvoice', sellerId: other, orderId: ids.orderId, invoiceNumber: 'X/00001', numberSource: 'sequence', auto: false })],
    ['ship it', (ids, other) => ({ type: 'CreateShipment', sellerId: other, orderId: ids.orderId, shipmentId: freshId('shp') })],
    ['mark it ready to ship', (ids, other) => ({ type: 'MarkShipmentReadyToShip', sellerId: other, orderId: ids.orderId, shipmentId: ids.shipmentId })],
    ['add a package image', (ids, other) => ({ type: 'RecordPackageImage', sellerId: other, orderId: ids.orderId, shipmentId: ids.shipmentId, image: image(1) })],
    ['cancel it', (ids, other) => ({ type: 'CancelOrder', sellerId: other, orderId: ids.orderId, reason: 'mine now' })],
    ['cancel its shipment', (ids, other) => ({ type: 'CancelShipment', sellerId: other, orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'mine now' })],
    ['reship it', (ids, other) => ({ type: 'ReshipOrder', sellerId: other, orderId: ids.orderId, shipmentId: freshId('shp'), reason: 'other' })],
  ];

  it.each(commandsOfAnotherSeller)('another seller who tries to %s is told the order does not exist', (_, command) => {
    const ids = freshOrderIds();

    const error = spec.given(readyForPickup(ids)).when(command(ids, freshId('seller'))).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
    expect(error.message).not.toContain(ids.sellerId);
  });

  it('an order that was never received is not found either', () => {
    const ids = freshOrderIds();

    spec.given([]).when({ type: 'CancelOrder', ...ids, reason: 'test' }).thenThrows(NotFoundError, 'ORDER_NOT_FOUND');
  });
});

describe('Cancel order', () => {
  it('cancels an order that has not been invoiced yet, with no credit note', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when({ type: 'CancelOrder', ...ids, reason: 'Out of stock' }).then([
      { type: 'OrderCancelled', data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'Out of stock', cancelledAt: NOW_ISO } },
    ]);
  });

  it('cancels an invoiced order with a credit note for the whole invoice, citing it', () => {
    const ids = freshOrderIds();
    const invoice = invoiceGenerated(ids).data;

    spec.given(invoicedOrder(ids)).when({ type: 'CancelOrder', ...ids, reason: 'Out of stock', creditNoteNumber: 'CN/00001' }).then([
      {
        type: 'CreditNoteIssued',
        data: {
          orderId: ids.orderId,
          sellerId: ids.sellerId,
          creditNoteNumber: 'CN/00001',
          financialYear: '2026-27',
          issuedAt: NOW_ISO,
          reason: 'Order cancelled: Out of stock',
          originalInvoiceNumber: invoice.invoiceNumber,
          originalInvoiceDate: invoice.invoiceDate,
          originalRevision: 1,
          totals: invoice.totals,
        },
      },
      { type: 'OrderCancelled', data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'Out of stock', cancelledAt: NOW_ISO } },
    ]);
  });

  it('refuses to cancel an invoiced order without a credit note number, changing nothing', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when({ type: 'CancelOrder', ...ids, reason: 'Out of stock' }).thenThrows(IllegalStepError, 'CREDIT_NOTE_NUMBER_REQUIRED');
  });

  it('before pickup, also cancels the open shipment and tells whether a partner must be told', () => {
    const ids = freshOrderIds();

    spec.given(partnerConfirmed(ids)).when({ type: 'CancelOrder', ...ids, reason: 'Out of stock', creditNoteNumber: 'CN/00001' }).then([
      expect.objectContaining({ type: 'CreditNoteIssued' }),
      { type: 'ShipmentCancelled', data: { orderId: ids.orderId, shipmentId: ids.shipmentId, reason: 'Out of stock', partnerAssigned: true, cancelledAt: NOW_ISO } },
      { type: 'OrderCancelled', data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'Out of stock', cancelledAt: NOW_ISO } },
    ]);
  });

  it('after pickup is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'picked_up')).when({ type: 'CancelOrder', ...ids, reason: 'Too late' }).thenThrows(IllegalStepError, 'ORDER_ALREADY_DISPATCHED');
  });

  it('after an off-network shipment left is refused', () => {
    const ids = freshOrderIds();

    spec.given(shippedOffNetwork(ids)).when({ type: 'CancelOrder', ...ids, reason: 'Too late' }).thenThrows(IllegalStepError, 'ORDER_ALREADY_DISPATCHED');
  });

  it('after the parcel came back to the seller is allowed', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'rto_delivered')).when({ type: 'CancelOrder', ...ids, reason: 'Buyer refused delivery', creditNoteNumber: 'CN/00001' }).then([
      expect.objectContaining({ type: 'CreditNoteIssued', data: expect.objectContaining({ reason: 'Order cancelled: Buyer refused delivery' }) }),
      { type: 'OrderCancelled', data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'Buyer refused delivery', cancelledAt: NOW_ISO } },
    ]);
  });

  it('of a reship that has not been picked up yet is allowed, even though an earlier parcel travelled', () => {
    const ids = freshOrderIds();
    const next: OrderIds = { ...ids, shipmentId: freshId('shp') };
    const reshipped = [...partnerJourney(ids, 'rto_delivered'), shipmentCreated(next, { reshipOf: ids.shipmentId }), shippingLabelGenerated(next)];

    spec.given(reshipped).when({ type: 'CancelOrder', ...ids, reason: 'Buyer no longer wants it', creditNoteNumber: 'CN/00001' }).thenMatches([
      { type: 'CreditNoteIssued' },
      { type: 'ShipmentCancelled', data: { shipmentId: next.shipmentId, partnerAssigned: false } },
      { type: 'OrderCancelled' },
    ]);
  });

  it('while the return is still on its way is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'rto_initiated')).when({ type: 'CancelOrder', ...ids, reason: 'Too late' }).thenThrows(IllegalStepError, 'ORDER_ALREADY_DISPATCHED');
  });

  it('after delivery is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'delivered')).when({ type: 'CancelOrder', ...ids, reason: 'Too late' }).thenThrows(IllegalStepError, 'ORDER_ALREADY_DISPATCHED');
  });

  it('twice changes nothing the second time', () => {
    const ids = freshOrderIds();

    spec.given([...invoicedOrder(ids), orderCancelled(ids)]).when({ type: 'CancelOrder', ...ids, reason: 'Again' }).thenNothingHappens();
  });

  it('needs a reason', () => {
    const ids = freshOrderIds();

    const error = spec.given(invoicedOrder(ids)).when({ type: 'CancelOrder', ...ids, reason: ' ' }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['reason']);
  });

  it.each<[string, (ids: OrderIds) => OrderCommand, string]>([
    ['invoiced', (ids) => ({ type: 'GenerateInvoice', ...ids, invoiceNumber: 'INV/00009', numberSource: 'sequence', auto: false }), 'ORDER_CANCELLED'],
    ['shipped', (ids) => ({ type: 'CreateShipment', ...ids, shipmentId: freshId('shp') }), 'ORDER_CANCELLED'],
    ['reshipped', (ids) => ({ type: 'ReshipOrder', ...ids, shipmentId: freshId('shp'), reason: 'cancelled' }), 'ORDER_CANCELLED'],
  ])('a cancelled order cannot be %s', (_, command, code) => {
    const ids = freshOrderIds();

    spec.given([...packedOrder(ids), shipmentCancelled(ids), orderCancelled(ids)]).when(command(ids)).thenThrows(IllegalStepError, code);
  });
});

describe('Reship', () => {
  const reship = (ids: OrderIds, newShipmentId: string, reason: ReshipReason): OrderCommandOf<'ReshipOrder'> => ({
    type: 'ReshipOrder',
    sellerId: ids.sellerId,
    orderId: ids.orderId,
    shipmentId: newShipmentId,
    reason,
  });

  it('after the parcel came back, creates a new shipment with its own label and keeps the invoice', () => {
    const ids = freshOrderIds();
    const next = freshId('shp');

    const events = spec.given(partnerJourney(ids, 'rto_delivered')).when({ ...reship(ids, next, 'returned'), note: 'Buyer asked again' }).thenMatches([
      { type: 'OrderReshipped', data: { orderId: ids.orderId, shipmentId: next, previousShipmentId: ids.shipmentId, reason: 'returned', note: 'Buyer asked again', reshippedAt: NOW_ISO } },
      { type: 'ShipmentCreated', data: { orderId: ids.orderId, shipmentId: next, reshipOf: ids.shipmentId, mode: 'on-network', package: sellerDefaultPackage } },
      { type: 'ShippingLabelGenerated', data: { orderId: ids.orderId, shipmentId: next, labelVersion: 1, generatedAt: NOW_ISO } },
    ]);
    expect(events.some((e) => e.type === 'InvoiceGenerated' || e.type === 'InvoiceRegenerated')).toBe(false);

    const state = spec.given(partnerJourney(ids, 'rto_delivered')).when(reship(ids, next, 'returned')).thenState();
    expect(state.status === 'active' && state.invoice?.current.invoiceNumber).toBe('INV/00001');
  });

  it('on-network, asks for the delivery category the shipment it replaces asked for, unless told another; off-network for none', () => {
    const ids = freshOrderIds();
    const history = partnerJourney(ids, 'delivered').map((e) => (e.type === 'ShipmentCreated' ? { ...e, data: { ...e.data, deliveryCategory: 'Same Day Delivery' as const } } : e));

    spec.given(history).when(reship(ids, freshId('shp'), 'damaged')).thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated', data: { deliveryCategory: 'Same Day Delivery' } }, { type: 'ShippingLabelGenerated' }]);
    spec
      .given(history)
      .when({ ...reship(ids, freshId('shp'), 'damaged'), deliveryCategory: 'Express Delivery' })
      .thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated', data: { deliveryCategory: 'Express Delivery' } }, { type: 'ShippingLabelGenerated' }]);
    const [, offNetwork] = spec.given(history).when({ ...reship(ids, freshId('shp'), 'damaged'), mode: 'off-network' }).thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);
    expect(offNetwork!.data).not.toHaveProperty('deliveryCategory');
  });

  it.each<[string, (ids: OrderIds) => OrderEvent[]]>([
    ['delivered (damaged on arrival)', (ids) => partnerJourney(ids, 'delivered')],
    ['cancelled', (ids) => [...packedOrder(ids), shipmentCancelled(ids)]],
    ['cancelled by the partner', (ids) => partnerJourney(ids, 'cancelled')],
    ['disposed of on return', (ids) => partnerJourney(ids, 'rto_disposed')],
  ])('is allowed once the last shipment was %s', (_, history) => {
    const ids = freshOrderIds();

    spec.given(history(ids)).when(reship(ids, freshId('shp'), 'damaged')).thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);
  });

  it('reuses the package of the shipment it replaces', () => {
    const ids = freshOrderIds();
    const bigBox = { weightGrams: 2_000, lengthCm: 40, widthCm: 30, heightCm: 20 };

    spec
      .given([...invoicedOrder(ids), shipmentCreated(ids, { package: bigBox }), shippingLabelGenerated(ids), shipmentCancelled(ids)])
      .when(reship(ids, freshId('shp'), 'cancelled'))
      .thenMatches([{ type: 'OrderReshipped' }, { type: 'ShipmentCreated', data: { package: bigBox } }, { type: 'ShippingLabelGenerated' }]);
  });

  it('of a parcel lost in transit is allowed while the old shipment is still in flight', () => {
    const ids = freshOrderIds();

    spec
      .given(partnerJourney(ids, 'in_transit'))
      .when(reship(ids, freshId('shp'), 'lost'))
      .thenMatches([{ type: 'OrderReshipped', data: { reason: 'lost', previousShipmentId: ids.shipmentId } }, { type: 'ShipmentCreated' }, { type: 'ShippingLabelGenerated' }]);
  });

  it('while the shipment is still on its way is refused', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'in_transit')).when(reship(ids, freshId('shp'), 'damaged')).thenThrows(IllegalStepError, 'SHIPMENT_STILL_ACTIVE');
  });

  it('"lost" is refused for a parcel that never left the seller', () => {
    const ids = freshOrderIds();

    spec.given(readyForPickup(ids)).when(reship(ids, freshId('shp'), 'lost')).thenThrows(IllegalStepError, 'SHIPMENT_STILL_ACTIVE');
  });

  it('without any shipment yet is refused: ship it instead', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when(reship(ids, freshId('shp'), 'other')).thenThrows(IllegalStepError, 'NOTHING_TO_RESHIP');
  });

  it('with a reason outside the list is refused', () => {
    const ids = freshOrderIds();
    const command = { ...reship(ids, freshId('shp'), 'other'), reason: 'bored' } as unknown as OrderCommand;

    spec.given(partnerJourney(ids, 'delivered')).when(command).thenThrows(ValidationError, 'VALIDATION_FAILED');
  });

  it('cannot reuse the id of an earlier shipment', () => {
    const ids = freshOrderIds();

    spec.given(partnerJourney(ids, 'delivered')).when(reship(ids, ids.shipmentId, 'damaged')).thenThrows(IllegalStepError, 'SHIPMENT_ID_IN_USE');
  });
});
