import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  EARLIER,
  NOW_ISO,
  OrderIds,
  freshOrderIds,
  invoiceGenerated,
  orderCancelled,
  orderReceived,
  orderSpecification,
  partnerJourney,
  registeredSeller,
  shippedOffNetwork,
} from '../testing/decider-specification';
import type { OrderCommandOf } from './order-commands';
import type { OrderEvent, OrderEventOf, OrderItem } from './order-events';
import { activeOrderStatus } from './order-status';

const spec = orderSpecification();

const SAREE: OrderItem = { sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 450_000, discountPaise: 50_000, taxRatePercent: 5 };
/** Three stoles with ₹100 off the line: a third of it does not divide into whole paise. */
const STOLES: OrderItem = { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 3, unit: 'NOS', unitPricePaise: 60_000, discountPaise: 10_000, taxRatePercent: 5 };
const items = [SAREE, STOLES];

const fieldsOf = (error: ValidationError): string[] => error.issues.map((issue) => issue.field);
const DAY_MS = 24 * 3600 * 1000;

/** Invoiced to Pune from Karnataka (IGST), delivered by the partner at EARLIER. */
const withItems = (ids: OrderIds, journey: OrderEvent[]): OrderEvent[] => [orderReceived(ids, { items }), invoiceGenerated(ids, { received: { items } }), ...journey.slice(2)];
const delivered = (ids: OrderIds): OrderEvent[] => withItems(ids, partnerJourney(ids, 'delivered'));

const requestReturn = (ids: OrderIds, overrides: Partial<OrderCommandOf<'RequestReturn'>> = {}): OrderCommandOf<'RequestReturn'> => ({
  type: 'RequestReturn',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  returnId: 'ret-1',
  lines: [{ sku: 'STOLE-02', quantity: 2 }],
  reason: 'Colour not as shown',
  ...overrides,
});

const returnRequested = (ids: OrderIds, returnId = 'ret-1', lines = [{ sku: 'STOLE-02', quantity: 2 }]): OrderEventOf<'ReturnRequested'> => ({
  type: 'ReturnRequested',
  data: {
    orderId: ids.orderId,
    sellerId: ids.sellerId,
    returnId,
    shipmentId: ids.shipmentId,
    lines,
    reason: 'Colour not as shown',
    windowEndsAt: new Date(Date.parse(EARLIER) + 7 * DAY_MS).toISOString(),
    requestedAt: EARLIER,
  },
});

const returnShipped = (ids: OrderIds, returnId = 'ret-1'): OrderEventOf<'ReturnShipped'> => ({
  type: 'ReturnShipped',
  data: { orderId: ids.orderId, returnId, courierName: 'Blue Dart', trackingNumber: 'BD998877', shippedAt: EARLIER },
});

const receiveReturn = (ids: OrderIds, overrides: Partial<OrderCommandOf<'ReceiveReturn'>> = {}): OrderCommandOf<'ReceiveReturn'> => ({
  type: 'ReceiveReturn',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  returnId: 'ret-1',
  accepted: [{ sku: 'STOLE-02', quantity: 2 }],
  rejected: [],
  creditNoteNumber: 'CN/00001',
  ...overrides,
});

describe('Return requested', () => {
  it('records the lines and reason of a delivered order, with the end of the seller’s window', () => {
    const ids = freshOrderIds();
    spec.given(delivered(ids)).when(requestReturn(ids)).then([
      {
        type: 'ReturnRequested',
        data: {
          orderId: ids.orderId,
          sellerId: ids.sellerId,
          returnId: 'ret-1',
          shipmentId: ids.shipmentId,
          lines: [{ sku: 'STOLE-02', quantity: 2 }],
          reason: 'Colour not as shown',
          windowEndsAt: new Date(Date.parse(EARLIER) + 7 * DAY_MS).toISOString(),
          requestedAt: NOW_ISO,
        },
      },
    ]);
  });

  it('uses the window the seller set, and refuses once it has closed', () => {
    const ids = freshOrderIds();
    const history = delivered(ids);
    const threeDaysLater = new Date(Date.parse(EARLIER) + 3 * DAY_MS + 1);
    spec.given(history).when(requestReturn(ids), { now: threeDaysLater, seller: registeredSeller(ids.sellerId, { returnWindowDays: 3 }) }).thenThrows(IllegalStepError, 'RETURN_WINDOW_CLOSED');
    spec.given(history).when(requestReturn(ids), { now: threeDaysLater, seller: registeredSeller(ids.sellerId, { returnWindowDays: 4 }) }).thenAccepted();
  });

  it('refuses every return when the seller’s window is 0 days', () => {
    const ids = freshOrderIds();
    spec.given(delivered(ids)).when(requestReturn(ids), { seller: registeredSeller(ids.sellerId, { returnWindowDays: 0 }) }).thenThrows(IllegalStepError, 'RETURN_WINDOW_CLOSED');
  });

  it('refuses an order not delivered yet, or cancelled', () => {
    const ids = freshOrderIds();
    const inTransit = withItems(ids, partnerJourney(ids, 'in_transit'));
    spec.given(inTransit).when(requestReturn(ids)).thenThrows(IllegalStepError, 'ORDER_NOT_DELIVERED');
    spec.given(shippedOffNetwork(ids)).when(requestReturn(ids)).thenThrows(IllegalStepError, 'ORDER_NOT_DELIVERED');
    spec.given([orderReceived(ids), orderCancelled(ids)]).when(requestReturn(ids)).thenThrows(IllegalStepError, 'ORDER_CANCELLED');
  });

  it('refuses a SKU not on the order and more units than were delivered, naming each line', () => {
    const ids = freshOrderIds();
    const error = spec
      .given(delivered(ids))
      .when(requestReturn(ids, { lines: [{ sku: 'KURTA-9', quantity: 1 }, { sku: 'STOLE-02', quantity: 4 }] }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues).toEqual([
      { field: 'lines.0.sku', message: `KURTA-9 is not a line of order ${ids.orderId}` },
      { field: 'lines.1.quantity', message: 'at most 3 of STOLE-02 can be returned (delivered, less returned or being returned)' },
    ]);
  });

  it('counts units already being returned or accepted back, and not those refused on inspection', () => {
    const ids = freshOrderIds();
    const oneBeingReturned = [...delivered(ids), returnRequested(ids, 'ret-1', [{ sku: 'STOLE-02', quantity: 2 }])];
    spec.given(oneBeingReturned).when(requestReturn(ids, { returnId: 'ret-2', lines: [{ sku: 'STOLE-02', quantity: 2 }] })).thenThrows(ValidationError);
    spec.given(oneBeingReturned).when(requestReturn(ids, { returnId: 'ret-2', lines: [{ sku: 'STOLE-02', quantity: 1 }] })).thenAccepted();

    const inspected = spec.given(oneBeingReturned).when(receiveReturn(ids, { accepted: [{ sku: 'STOLE-02', quantity: 1 }], rejected: [{ sku: 'STOLE-02', quantity: 1, note: 'Stained' }] })).thenAccepted();
    const afterInspection = [...oneBeingReturned, ...inspected];
    spec.given(afterInspection).when(requestReturn(ids, { returnId: 'ret-2', lines: [{ sku: 'STOLE-02', quantity: 3 }] })).thenThrows(ValidationError);
    spec.given(afterInspection).when(requestReturn(ids, { returnId: 'ret-2', lines: [{ sku: 'STOLE-02', quantity: 2 }] })).thenAccepted();
  });

  it('refuses malformed input all at once: no lines, a SKU twice, a zero quantity, an empty reason', () => {
    const ids = freshOrderIds();
    const none = spec.given(delivered(ids)).when(requestReturn(ids, { lines: [], reason: ' ' })).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(none)).toEqual(['reason', 'lines']);
    const twice = spec
      .given(delivered(ids))
      .when(requestReturn(ids, { lines: [{ sku: 'STOLE-02', quantity: 1 }, { sku: 'STOLE-02', quantity: 0 }] }))
      .thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(twice)).toEqual(['lines.1.quantity', 'lines.1.sku']);
  });

  it('refuses a return id already used', () => {
    const ids = freshOrderIds();
    spec.given([...delivered(ids), returnRequested(ids)]).when(requestReturn(ids, { lines: [{ sku: 'SAREE-SILK-01', quantity: 1 }] })).thenThrows(IllegalStepError, 'RETURN_ID_IN_USE');
  });
});

describe('Return shipped back', () => {
  it('records the courier and tracking number of a requested return', () => {
    const ids = freshOrderIds();
    spec
      .given([...delivered(ids), returnRequested(ids)])
      .when({ type: 'MarkReturnShipped', sellerId: ids.sellerId, orderId: ids.orderId, returnId: 'ret-1', courierName: 'Blue Dart', trackingNumber: 'BD998877' })
      .then([{ type: 'ReturnShipped', data: { orderId: ids.orderId, returnId: 'ret-1', courierName: 'Blue Dart', trackingNumber: 'BD998877', shippedAt: NOW_ISO } }]);
  });

  it('refuses a bad tracking number, an unknown return, and a return already on its way', () => {
    const ids = freshOrderIds();
    const ship = (returnId: string, trackingNumber = 'BD998877') =>
      ({ type: 'MarkReturnShipped', sellerId: ids.sellerId, orderId: ids.orderId, returnId, courierName: 'Blue Dart', trackingNumber }) as const;
    spec.given([...delivered(ids), returnRequested(ids)]).when(ship('ret-1', 'BD 99')).thenThrows(ValidationError);
    spec.given([...delivered(ids), returnRequested(ids)]).when(ship('ret-9')).thenThrows(NotFoundError, 'RETURN_NOT_FOUND');
    spec.given([...delivered(ids), returnRequested(ids), returnShipped(ids)]).when(ship('ret-1')).thenThrows(IllegalStepError, 'RETURN_NOT_AWAITING_SHIPMENT');
  });
});

describe('Return received and inspected', () => {
  it('credits the accepted units only: their own number, the invoice cited, no charges, tax of those lines', () => {
    const ids = freshOrderIds();
    spec
      .given([...delivered(ids), returnRequested(ids, 'ret-1', [{ sku: 'STOLE-02', quantity: 2 }, { sku: 'SAREE-SILK-01', quantity: 1 }]), returnShipped(ids)])
      .when(receiveReturn(ids, { accepted: [{ sku: 'STOLE-02', quantity: 2 }], rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn, tag removed' }] }))
      .thenMatches([
        {
          type: 'ReturnReceived',
          data: { returnId: 'ret-1', accepted: [{ sku: 'STOLE-02', quantity: 2 }], rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn, tag removed' }], receivedAt: NOW_ISO },
        },
        {
          type: 'CreditNoteIssued',
          data: {
            creditNoteNumber: 'CN/00001',
            originalInvoiceNumber: 'INV/00001',
            originalRevision: 1,
            returnId: 'ret-1',
            reason: 'Goods returned (return ret-1): Colour not as shown',
            // Two of three stoles: ₹1,200 less two thirds of the ₹100 discount, and 5 % IGST (Karnataka to Maharashtra).
            items: [{ ...STOLES, quantity: 2, discountPaise: 6_667 }],
            totals: { intraState: false, taxablePaise: 113_333, igstPaise: 5_667, cgstPaise: 0, sgstPaise: 0, grandTotalPaise: 119_000 },
          },
        },
      ]);
  });

  it('shares a line’s discount over several returns so that all units together credit all of it', () => {
    const ids = freshOrderIds();
    let history = delivered(ids);
    const discounts: number[] = [];
    for (const returnId of ['ret-1', 'ret-2', 'ret-3']) {
      history = [...history, returnRequested(ids, returnId, [{ sku: 'STOLE-02', quantity: 1 }])];
      const events = spec.given(history).when(receiveReturn(ids, { returnId, accepted: [{ sku: 'STOLE-02', quantity: 1 }], creditNoteNumber: `CN/0000${returnId.slice(-1)}` })).thenAccepted();
      const note = events.find((e): e is OrderEventOf<'CreditNoteIssued'> => e.type === 'CreditNoteIssued')!;
      discounts.push(note.data.items![0]!.discountPaise);
      history = [...history, ...events];
    }
    expect(discounts).toEqual([3_333, 3_334, 3_333]);
    expect(discounts.reduce((a, b) => a + b, 0)).toBe(STOLES.discountPaise);
  });

  it('issues no credit note when every unit is refused, and needs no number', () => {
    const ids = freshOrderIds();
    spec
      .given([...delivered(ids), returnRequested(ids)])
      .when(receiveReturn(ids, { accepted: [], rejected: [{ sku: 'STOLE-02', quantity: 2, note: 'Not our product' }], creditNoteNumber: undefined }))
      .thenMatches([{ type: 'ReturnReceived', data: { accepted: [], rejected: [{ sku: 'STOLE-02', quantity: 2, note: 'Not our product' }] } }]);
  });

  it('refuses an inspection that does not account for exactly the units returned, or names other SKUs', () => {
    const ids = freshOrderIds();
    const history = [...delivered(ids), returnRequested(ids)];
    const short = spec.given(history).when(receiveReturn(ids, { accepted: [{ sku: 'STOLE-02', quantity: 1 }] })).thenThrows<ValidationError>(ValidationError);
    expect(short.issues).toEqual([{ field: 'accepted', message: 'STOLE-02: accepted and rejected must add up to the 2 returned, not 1' }]);
    const other = spec
      .given(history)
      .when(receiveReturn(ids, { accepted: [{ sku: 'STOLE-02', quantity: 2 }, { sku: 'SAREE-SILK-01', quantity: 1 }] }))
      .thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(other)).toEqual(['accepted.1.sku']);
    const noNote = spec.given(history).when(receiveReturn(ids, { accepted: [], rejected: [{ sku: 'STOLE-02', quantity: 2, note: '' }] })).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(noNote)).toEqual(['rejected.0.note']);
  });

  it('refuses accepting goods without a credit note number, and a return already received or withdrawn', () => {
    const ids = freshOrderIds();
    const history = [...delivered(ids), returnRequested(ids)];
    spec.given(history).when(receiveReturn(ids, { creditNoteNumber: undefined })).thenThrows(IllegalStepError, 'CREDIT_NOTE_NUMBER_REQUIRED');
    const received = spec.given(history).when(receiveReturn(ids)).thenAccepted();
    spec.given([...history, ...received]).when(receiveReturn(ids, { creditNoteNumber: 'CN/00002' })).thenThrows(IllegalStepError, 'RETURN_NOT_OPEN');
    const withdrawn: OrderEvent = { type: 'ReturnCancelled', data: { orderId: ids.orderId, returnId: 'ret-1', reason: 'Buyer kept it', cancelledAt: EARLIER } };
    spec.given([...history, withdrawn]).when(receiveReturn(ids)).thenThrows(IllegalStepError, 'RETURN_NOT_OPEN');
  });

  it('marks the order returned once every unit delivered has been accepted back', () => {
    const ids = freshOrderIds();
    const all = [{ sku: 'SAREE-SILK-01', quantity: 1 }, { sku: 'STOLE-02', quantity: 3 }];
    const history = [...delivered(ids), returnRequested(ids, 'ret-1', all)];
    const partly = spec.given(history).when(receiveReturn(ids, { accepted: [{ sku: 'STOLE-02', quantity: 3 }], rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn' }] })).thenState();
    expect(partly.status === 'active' && activeOrderStatus(partly)).toBe('delivered');
    const wholly = spec.given(history).when(receiveReturn(ids, { accepted: all })).thenState();
    expect(wholly.status === 'active' && activeOrderStatus(wholly)).toBe('returned');
  });
});

describe('Return withdrawn', () => {
  it('withdraws a requested return, frees its units, and refuses one already shipped back', () => {
    const ids = freshOrderIds();
    const cancel = { type: 'CancelReturn', sellerId: ids.sellerId, orderId: ids.orderId, returnId: 'ret-1', reason: 'Buyer kept it' } as const;
    const withdrawn = spec.given([...delivered(ids), returnRequested(ids)]).when(cancel).then([
      { type: 'ReturnCancelled', data: { orderId: ids.orderId, returnId: 'ret-1', reason: 'Buyer kept it', cancelledAt: NOW_ISO } },
    ]);
    spec.given([...delivered(ids), returnRequested(ids), ...withdrawn]).when(requestReturn(ids, { returnId: 'ret-2', lines: [{ sku: 'STOLE-02', quantity: 3 }] })).thenAccepted();
    spec.given([...delivered(ids), returnRequested(ids), ...withdrawn]).when(cancel).thenNothingHappens();
    spec.given([...delivered(ids), returnRequested(ids), returnShipped(ids)]).when(cancel).thenThrows(IllegalStepError, 'RETURN_ALREADY_SHIPPED');
  });
});
