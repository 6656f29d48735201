import { IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import {
  EARLIER,
  KARNATAKA_GSTIN,
  NOW_ISO,
  OrderIds,
  bengaluruPickup,
  freshOrderIds,
  invoiceGenerated,
  invoicedOrder,
  mysuruDelivery,
  orderCancelled,
  orderContext,
  orderReceived,
  orderSpecification,
  puneDelivery,
  receiveOrder,
} from '../testing/decider-specification';
import type { InvoiceCorrections, OrderCommand, OrderCommandOf } from './order-commands';

const spec = orderSpecification();

const generateInvoice = (ids: OrderIds, overrides: Partial<OrderCommandOf<'GenerateInvoice'>> = {}): OrderCommand => ({
  type: 'GenerateInvoice',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  invoiceNumber: 'INV/00001',
  numberSource: 'sequence',
  auto: false,
  ...overrides,
});

const regenerate = (
  ids: OrderIds,
  corrections: InvoiceCorrections,
  numbers: { newInvoiceNumber?: string; creditNoteNumber?: string } = {},
): OrderCommandOf<'RegenerateInvoice'> => ({
  type: 'RegenerateInvoice',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  reason: 'Buyer reported a mistake',
  corrections,
  ...numbers,
});

const items = receiveOrder({ sellerId: 's', orderId: 'o', shipmentId: 'x' }).items;

describe('Invoice generated', () => {
  it('from the seller series: a GST invoice of revision 1, dated now, in the financial year of now', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(generateInvoice(ids)).thenMatches([
      {
        type: 'InvoiceGenerated',
        data: {
          orderId: ids.orderId,
          sellerId: ids.sellerId,
          invoiceNumber: 'INV/00001',
          financialYear: '2026-27',
          invoiceDate: NOW_ISO,
          revision: 1,
          numberSource: 'sequence',
          auto: false,
          snapshot: {
            supplier: { gstin: KARNATAKA_GSTIN, stateCode: '29', address: bengaluruPickup },
            deliveryAddress: puneDelivery,
            placeOfSupplyStateCode: '27',
            paymentMethod: 'cod',
          },
        },
      },
    ]);
  });

  it('to another state charges IGST only', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(generateInvoice(ids)).thenMatches([
      // 4000 taxable at 5% + 50 shipping at 18%
      { type: 'InvoiceGenerated', data: { totals: { intraState: false, taxablePaise: 405_000, cgstPaise: 0, sgstPaise: 0, igstPaise: 20_900, grandTotalPaise: 425_900 } } },
    ]);
  });

  it('within the seller state splits the tax into CGST and SGST', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids, { deliveryAddress: mysuruDelivery })]).when(generateInvoice(ids)).thenMatches([
      { type: 'InvoiceGenerated', data: { snapshot: { placeOfSupplyStateCode: '29' }, totals: { intraState: true, cgstPaise: 10_450, sgstPaise: 10_450, igstPaise: 0, grandTotalPaise: 425_900 } } },
    ]);
  });

  it('with the seller own custom number, automatically on receipt', () => {
    const ids = freshOrderIds();

    spec
      .given([orderReceived(ids)])
      .when(generateInvoice(ids, { invoiceNumber: 'KH/26-27/0042', numberSource: 'custom', auto: true }))
      .thenMatches([{ type: 'InvoiceGenerated', data: { invoiceNumber: 'KH/26-27/0042', numberSource: 'custom', auto: true } }]);
  });

  it.each([
    ['a number of 17 characters', 'INV/2026-27/00001'],
    ['a number with a space', 'INV 00001'],
    ['a number with an underscore', 'INV_00001'],
    ['an empty number', ''],
  ])('with %s is refused: at most 16 letters, digits, "/" and "-"', (_, invoiceNumber) => {
    const ids = freshOrderIds();

    const error = spec.given([orderReceived(ids)]).when(generateInvoice(ids, { invoiceNumber })).thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['invoiceNumber']);
  });

  it('accepts a number of exactly 16 characters', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(generateInvoice(ids, { invoiceNumber: 'ABCD/2026-27/001' })).thenMatches([{ type: 'InvoiceGenerated' }]);
  });

  it('twice is refused: regenerate instead', () => {
    const ids = freshOrderIds();

    const error = spec.given(invoicedOrder(ids)).when(generateInvoice(ids, { invoiceNumber: 'INV/00002' })).thenThrows(IllegalStepError, 'INVOICE_ALREADY_GENERATED');
    expect(error.message).toContain('INV/00001');
  });

  it('for a cancelled order is refused', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids), orderCancelled(ids)]).when(generateInvoice(ids)).thenThrows(IllegalStepError, 'ORDER_CANCELLED');
  });

  it('needs the seller profile to print the supplier', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(generateInvoice(ids), { seller: undefined }).thenThrows(NotFoundError, 'SELLER_NOT_FOUND');
  });
});

describe('Invoice regenerated', () => {
  it('for a typo in the address line keeps the number and date and adds revision 2 with the reason', () => {
    const ids = freshOrderIds();
    const corrected = { ...puneDelivery, line1: 'Flat 4C, Lotus Residency' };

    spec.given(invoicedOrder(ids)).when(regenerate(ids, { deliveryAddress: { line1: 'Flat 4C, Lotus Residency' } })).thenMatches([
      {
        type: 'InvoiceRegenerated',
        data: {
          revision: 2,
          reason: 'Buyer reported a mistake',
          taxRelevantChange: false,
          invoiceNumber: 'INV/00001',
          previousInvoiceNumber: 'INV/00001',
          financialYear: '2026-27',
          invoiceDate: EARLIER,
          snapshot: { deliveryAddress: corrected },
          regeneratedAt: NOW_ISO,
        },
      },
    ]);
  });

  it('keeps the earlier revisions readable', () => {
    const ids = freshOrderIds();

    const state = spec.given(invoicedOrder(ids)).when(regenerate(ids, { buyer: { name: 'Asha K. Kulkarni' } })).thenState();
    if (state.status !== 'active') throw new Error('order expected');
    expect(state.invoice?.revisions.map((r) => [r.revision, r.invoiceNumber, r.snapshot.buyer.name])).toEqual([
      [1, 'INV/00001', 'Asha Kulkarni'],
      [2, 'INV/00001', 'Asha K. Kulkarni'],
    ]);
  });

  it.each<[string, InvoiceCorrections]>([
    ['an amount', { items: [{ ...items[0]!, unitPricePaise: 400_000 }] }],
    ['a tax rate', { items: [{ ...items[0]!, taxRatePercent: 18 }] }],
    ['an HSN code', { items: [{ ...items[0]!, hsnCode: '5208' }] }],
    ['the buyer GSTIN', { buyer: { gstin: '27AAPFU0939F1ZV' } }],
    ['the place of supply', { deliveryAddress: { ...mysuruDelivery } }],
    ['a charge', { charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 9_000, taxRatePercent: 18 }] }],
  ])('for a change of %s issues a credit note citing the original and a new invoice number', (_, corrections) => {
    const ids = freshOrderIds();
    const original = invoiceGenerated(ids).data;

    spec.given(invoicedOrder(ids)).when(regenerate(ids, corrections, { newInvoiceNumber: 'INV/00007', creditNoteNumber: 'CN/00001' })).thenMatches([
      {
        type: 'CreditNoteIssued',
        data: {
          creditNoteNumber: 'CN/00001',
          financialYear: '2026-27',
          issuedAt: NOW_ISO,
          reason: 'Buyer reported a mistake',
          originalInvoiceNumber: 'INV/00001',
          originalInvoiceDate: EARLIER,
          originalRevision: 1,
          totals: original.totals,
        },
      },
      {
        type: 'InvoiceRegenerated',
        data: {
          revision: 2,
          taxRelevantChange: true,
          invoiceNumber: 'INV/00007',
          previousInvoiceNumber: 'INV/00001',
          creditNoteNumber: 'CN/00001',
          invoiceDate: NOW_ISO,
          financialYear: '2026-27',
        },
      },
    ]);
  });

  it('when tax moves from IGST to CGST + SGST, the new invoice carries the new split', () => {
    const ids = freshOrderIds();

    spec
      .given(invoicedOrder(ids))
      .when(regenerate(ids, { deliveryAddress: { ...mysuruDelivery } }, { newInvoiceNumber: 'INV/00002', creditNoteNumber: 'CN/00001' }))
      .thenMatches([{ type: 'CreditNoteIssued', data: { totals: { intraState: false } } }, { type: 'InvoiceRegenerated', data: { totals: { intraState: true, igstPaise: 0 } } }]);
  });

  it('after the seller changed GSTIN, even an address fix needs a credit note and a new number', () => {
    const ids = freshOrderIds();
    const seller = orderContext(ids.sellerId).seller!;
    const reRegistered = { ...seller, profile: { ...seller.profile, gstin: '29AABCT1332L1ZA' } };

    spec
      .given(invoicedOrder(ids))
      .when(regenerate(ids, { deliveryAddress: { line1: 'Flat 4C' } }), { seller: reRegistered })
      .thenThrows(IllegalStepError, 'INVOICE_NUMBER_REQUIRED');
  });

  it('that is tax-relevant but brings no new numbers is refused', () => {
    const ids = freshOrderIds();

    spec.given(invoicedOrder(ids)).when(regenerate(ids, { buyer: { gstin: '27AAPFU0939F1ZV' } })).thenThrows(IllegalStepError, 'INVOICE_NUMBER_REQUIRED');
    spec
      .given(invoicedOrder(ids))
      .when(regenerate(ids, { buyer: { gstin: '27AAPFU0939F1ZV' } }, { newInvoiceNumber: 'INV/00002' }))
      .thenThrows(IllegalStepError, 'INVOICE_NUMBER_REQUIRED');
  });

  it('with new numbers of the wrong format is refused, naming both', () => {
    const ids = freshOrderIds();

    const error = spec
      .given(invoicedOrder(ids))
      .when(regenerate(ids, { buyer: { gstin: '27AAPFU0939F1ZV' } }, { newInvoiceNumber: 'INV 2', creditNoteNumber: 'CN/2026-27/000001' }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['newInvoiceNumber', 'creditNoteNumber']);
  });

  it('without an invoice is refused', () => {
    const ids = freshOrderIds();

    spec.given([orderReceived(ids)]).when(regenerate(ids, { buyer: { name: 'Asha K.' } })).thenThrows(IllegalStepError, 'INVOICE_REQUIRED');
  });

  it('for a cancelled order is refused', () => {
    const ids = freshOrderIds();

    spec.given([...invoicedOrder(ids), orderCancelled(ids)]).when(regenerate(ids, { buyer: { name: 'Asha K.' } })).thenThrows(IllegalStepError, 'ORDER_CANCELLED');
  });

  it('needs a reason and valid corrections', () => {
    const ids = freshOrderIds();
    const command = { ...regenerate(ids, { deliveryAddress: { pincode: '12' }, buyer: { phone: '123' } }), reason: '' };

    const error = spec.given(invoicedOrder(ids)).when(command).thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['reason', 'corrections.buyer.phone', 'corrections.deliveryAddress.pincode']);
  });
});

describe('Rates in force on the invoice date', () => {
  const BEFORE_GST_2 = '2025-09-10T06:00:00.000Z';
  const stoleAt12 = { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unit: 'NOS', unitPricePaise: 60_000, discountPaise: 0, taxRatePercent: 12 };
  const stole = (taxRatePercent: number) => ({ ...stoleAt12, taxRatePercent });
  const REFUSAL = '12% is not a GST rate in force on 2026-05-04';

  it('an order received after GST 2.0 with a line at 12% is refused, naming the line', () => {
    const ids = freshOrderIds();

    const error = spec.given([]).when(receiveOrder(ids, { items: [stole(5), stoleAt12] })).thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');
    expect(error.issues).toEqual([{ field: 'items.1.taxRatePercent', message: expect.stringContaining(`line 2 ("Cotton stole", HSN 6214): ${REFUSAL}`) }]);
  });

  it('an order received after GST 2.0 with a charge at 28% is refused, naming the charge', () => {
    const ids = freshOrderIds();

    const error = spec
      .given([])
      .when(receiveOrder(ids, { charges: [{ description: 'Gift wrap', amountPaise: 5_000, taxRatePercent: 28 }] }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues).toEqual([{ field: 'charges.0.taxRatePercent', message: expect.stringContaining('charge 1 ("Gift wrap"): 28% is not a GST rate in force on 2026-05-04') }]);
  });

  it('bricks at 12% are still taxed at 12% after GST 2.0', () => {
    const ids = freshOrderIds();
    const bricks = { sku: 'BRICK-1', name: 'Building bricks', hsnCode: '69041000', quantity: 1_000, unit: 'NOS', unitPricePaise: 800, discountPaise: 0, taxRatePercent: 12 };

    spec.given([]).when(receiveOrder(ids, { items: [bricks] })).thenMatches([{ type: 'OrderReceived', data: { items: [{ taxRatePercent: 12 }] } }]);
  });

  it('an order received at 12% before GST 2.0 and invoiced after it is refused its invoice, naming the line, and takes one once the rate is corrected', () => {
    const ids = freshOrderIds();
    const receivedBefore = orderReceived(ids, { items: [stoleAt12], receivedAt: BEFORE_GST_2 });

    const error = spec.given([receivedBefore]).when(generateInvoice(ids)).thenThrows<ValidationError>(ValidationError);
    expect(error.issues).toEqual([{ field: 'items.0.taxRatePercent', message: expect.stringContaining(`line 1 ("Cotton stole", HSN 6214): ${REFUSAL}`) }]);
  });

  it('an order received at 12% before GST 2.0 is invoiced at 12% on a date before it', () => {
    const ids = freshOrderIds();
    const receivedBefore = orderReceived(ids, { items: [stoleAt12], receivedAt: BEFORE_GST_2 });

    spec
      .given([receivedBefore])
      .when(generateInvoice(ids), { now: new Date('2025-09-15T06:00:00.000Z') })
      .thenMatches([{ type: 'InvoiceGenerated', data: { invoiceDate: '2025-09-15T06:00:00.000Z', snapshot: { items: [{ taxRatePercent: 12 }] } } }]);
  });

  describe('given an invoice at 12% dated before GST 2.0', () => {
    const oldInvoice = (ids: OrderIds) => {
      const generated = invoiceGenerated(ids, { received: { items: [stoleAt12], receivedAt: BEFORE_GST_2 } });
      return [orderReceived(ids, { items: [stoleAt12], receivedAt: BEFORE_GST_2 }), { ...generated, data: { ...generated.data, invoiceDate: BEFORE_GST_2, financialYear: '2025-26' } }];
    };

    it('a correction with no tax change keeps the number, the date and the 12% it was issued at', () => {
      const ids = freshOrderIds();

      spec
        .given(oldInvoice(ids))
        .when(regenerate(ids, { items: [{ ...stoleAt12, name: 'Cotton stole, indigo' }] }))
        .thenMatches([{ type: 'InvoiceRegenerated', data: { taxRelevantChange: false, invoiceDate: BEFORE_GST_2, snapshot: { items: [{ taxRatePercent: 12 }] } } }]);
    });

    it('a tax-relevant correction is a new invoice dated today, so a line left at 12% is refused, naming it', () => {
      const ids = freshOrderIds();

      const error = spec
        .given(oldInvoice(ids))
        .when(regenerate(ids, { items: [{ ...stoleAt12, unitPricePaise: 55_000 }] }, { newInvoiceNumber: 'INV/00002', creditNoteNumber: 'CN/00001' }))
        .thenThrows<ValidationError>(ValidationError);
      expect(error.issues).toEqual([{ field: 'corrections.items.0.taxRatePercent', message: expect.stringContaining(`line 1 ("Cotton stole", HSN 6214): ${REFUSAL}`) }]);
    });

    it('a correction to 5% is a new invoice at today’s rate', () => {
      const ids = freshOrderIds();

      spec
        .given(oldInvoice(ids))
        .when(regenerate(ids, { items: [stole(5)] }, { newInvoiceNumber: 'INV/00002', creditNoteNumber: 'CN/00001' }))
        .thenMatches([{ type: 'CreditNoteIssued' }, { type: 'InvoiceRegenerated', data: { invoiceDate: NOW_ISO, snapshot: { items: [{ taxRatePercent: 5 }] } } }]);
    });
  });
});

describe('Bill-to and ship-to', () => {
  const MUMBAI_BUYER_GSTIN = '27AAPFU0939F1ZV';
  const mumbaiOffice = { name: 'Rohan Textiles LLP', phone: '9820012345', line1: '12 Shivaji Park Road', city: 'Mumbai', stateCode: '27', pincode: '400028' };

  it('a registered buyer billed at its registered address in another state than the delivery is invoiced with that state as the place of supply', () => {
    const ids = freshOrderIds();
    const received = orderReceived(ids, { buyer: { name: 'Rohan Textiles LLP', phone: '9820012345', gstin: MUMBAI_BUYER_GSTIN, billingAddress: mumbaiOffice }, deliveryAddress: mysuruDelivery });

    spec.given([received]).when(generateInvoice(ids)).thenMatches([
      { type: 'InvoiceGenerated', data: { snapshot: { placeOfSupplyStateCode: '27', deliveryAddress: { stateCode: '29' }, buyer: { billingAddress: { stateCode: '27' } } }, totals: { intraState: false } } },
    ]);
  });

  it('a consumer billed in another state is invoiced with the delivery state as the place of supply', () => {
    const ids = freshOrderIds();
    const received = orderReceived(ids, { buyer: { name: 'Asha Kulkarni', phone: '9123456780', billingAddress: { ...mumbaiOffice, name: 'Asha Kulkarni' } }, deliveryAddress: mysuruDelivery });

    spec.given([received]).when(generateInvoice(ids)).thenMatches([{ type: 'InvoiceGenerated', data: { snapshot: { placeOfSupplyStateCode: '29' }, totals: { intraState: true } } }]);
  });

  it('a registered buyer billed outside its GSTIN state is refused, naming the field', () => {
    const ids = freshOrderIds();

    const error = spec
      .given([])
      .when(receiveOrder(ids, { buyer: { name: 'Rohan Textiles LLP', phone: '9820012345', gstin: MUMBAI_BUYER_GSTIN, billingAddress: { ...mumbaiOffice, stateCode: '29', city: 'Mysuru', pincode: '570001' } } }))
      .thenThrows<ValidationError>(ValidationError);
    expect(error.issues).toEqual([
      { field: 'buyer.billingAddress.stateCode', message: "must be the state of the buyer's GSTIN (27): a registered buyer is billed at its registered address" },
    ]);
  });
});
