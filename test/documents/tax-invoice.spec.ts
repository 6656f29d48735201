import { contentHash, DocumentInputError, renderTaxInvoice } from '@fulfil/documents';
import { GstInputError } from '../../libs/domain/src/gst';
import { BUYER_IN_CHANDIGARH, BUYER_IN_KARNATAKA, BUYER_IN_MAHARASHTRA, invoice, KURTA, SAREE, SHIPPING, STOLE, SUPPLIER, SUPPLIER_IN_CHANDIGARH } from './fixtures';
import { assertDocumentToolsInstalled, flattened, pageSizes, pdfInfo, pdfText, row } from './pdf-tools';

beforeAll(assertDocumentToolsInstalled);

describe('renderTaxInvoice', () => {
  describe('given an intra-state prepaid order (Karnataka seller, Karnataka buyer)', () => {
    let text: string;
    beforeAll(async () => {
      text = pdfText(await renderTaxInvoice(invoice(), 'recipient'));
    });

    it("when the recipient's copy is rendered, then it is an original tax invoice with the supplier's identity", () => {
      expect(text).toMatch(/TAX INVOICE\s+ORIGINAL FOR RECIPIENT/);
      expect(text).toContain(SUPPLIER.legalName);
      expect(text).toContain('No. 12, 3rd Cross, Chickpet');
      expect(text).toContain('State: Karnataka, Code: 29');
      expect(text).toContain('GSTIN: 29AABCT1332L1ZA');
    });

    it('then it carries the invoice number, date in India, revision, order and payment', () => {
      expect(text).toMatch(row('Invoice No.', 'KH/26-27/000123'));
      expect(text).toMatch(row('Invoice Date', '14 May 2026'));
      expect(text).toMatch(row('Revision', '1'));
      expect(text).toMatch(row('Order ID', 'ORD-8F2K1'));
      expect(text).toMatch(row('Payment', 'Prepaid'));
    });

    it('then it names the buyer at the delivery address and the place of supply', () => {
      expect(text).toContain('Ananya Rao');
      expect(text).toContain('Flat 4B, Lakeview Residency');
      expect(text).toContain('Bengaluru - 560038');
      expect(text).toMatch(row('Place of Supply', 'Karnataka (29)'));
    });

    it('then the line splits 18% into CGST 9% and SGST 9% and there is no IGST', () => {
      expect(text).toMatch(row('Description', 'HSN/SAC', 'Qty', 'Unit Price', 'Discount', 'Taxable Value', 'Tax Rate', 'CGST', 'SGST', 'Total'));
      expect(text).toMatch(row('1', 'Printed stole', '62149090', '2 PCS', '499.00', '0.00', '998.00', '9% + 9%', '89.82', '89.82', '1,177.64'));
      expect(text).not.toContain('IGST');
    });

    it('then the totals are in figures and in words', () => {
      expect(text).toMatch(row('Taxable Value', '998.00'));
      expect(text).toMatch(row('CGST', '89.82'));
      expect(text).toMatch(row('SGST', '89.82'));
      expect(text).toMatch(row('Total Tax', '179.64'));
      expect(text).toMatch(row('Invoice Total', 'Rs. 1,177.64'));
      expect(flattened(text)).toContain('Amount in words: Rupees One Thousand One Hundred Seventy-Seven and Sixty-Four Paise Only');
    });

    it('then it states that no tax is payable under reverse charge and leaves room for a signature', () => {
      expect(text).toContain('Whether tax is payable under reverse charge: No');
      expect(text).toContain(`For ${SUPPLIER.legalName}`);
      expect(text).toContain('Authorised Signatory');
    });
  });

  describe('given a registered buyer billed at its Mumbai office and shipped to its Bengaluru branch', () => {
    it('when rendered, then it has a Bill to block with the GSTIN, a Ship to block, and Maharashtra as the place of supply (IGST)', async () => {
      const buyer = {
        ...BUYER_IN_KARNATAKA,
        name: 'Deshmukh Textiles LLP',
        gstin: '27AAPFU0939F1ZV',
        placeOfSupplyStateCode: '27',
        billTo: { name: 'Deshmukh Textiles LLP', addressLines: ['12 Shivaji Park Road', 'Dadar West'], city: 'Mumbai', pincode: '400028', stateCode: '27' },
      };
      const text = pdfText(await renderTaxInvoice(invoice({ buyer }), 'recipient'));

      expect(text).toMatch(/Bill to\s+Ship to/);
      expect(text).toMatch(row('Deshmukh Textiles LLP', 'Deshmukh Textiles LLP'));
      expect(text).toMatch(row('12 Shivaji Park Road', 'Flat 4B, Lakeview Residency'));
      expect(text).toMatch(row('Mumbai - 400028', 'Bengaluru - 560038'));
      expect(text).toMatch(row('State: Maharashtra, Code: 27', 'State: Karnataka, Code: 29'));
      expect(text).toContain('GSTIN: 27AAPFU0939F1ZV');
      expect(text).toMatch(row('Place of Supply', 'Maharashtra (27)'));
      expect(text).toMatch(row('Taxable Value', 'Tax Rate', 'IGST', 'Total'));
      expect(text).not.toContain('Bill to / Ship to');
    });
  });

  describe('given the three copies of GST rule 48', () => {
    it.each([
      ['recipient', 'ORIGINAL FOR RECIPIENT'],
      ['transporter', 'DUPLICATE FOR TRANSPORTER'],
      ['supplier', 'TRIPLICATE FOR SUPPLIER'],
    ] as const)('when the %s copy is rendered, then it is marked %s and no other copy', async (copy, marking) => {
      const text = pdfText(await renderTaxInvoice(invoice(), copy));

      expect(text).toMatch(new RegExp(`TAX INVOICE\\s+${marking}`));
      expect(text.match(/ORIGINAL FOR RECIPIENT|DUPLICATE FOR TRANSPORTER|TRIPLICATE FOR SUPPLIER/g)).toEqual([marking, marking]);
      expect(text).toMatch(row('Invoice No.', 'KH/26-27/000123'));
    });
  });

  describe('given a corrected copy under the same number (an address typo fixed, no tax fact changed)', () => {
    it('when rendered, then it is marked revised, with the date and reason of the revision, and keeps the number and invoice date', async () => {
      const text = pdfText(await renderTaxInvoice(invoice({ revision: 2, revised: { at: '2026-05-20T11:00:00+05:30', reason: 'Flat number corrected' } }), 'recipient'));

      expect(text).toMatch(/TAX INVOICE - REVISED\s+ORIGINAL FOR RECIPIENT/);
      expect(text).toMatch(row('Invoice No.', 'KH/26-27/000123'));
      expect(text).toMatch(row('Invoice Date', '14 May 2026'));
      expect(text).toMatch(row('Revised On', '20 May 2026'));
      expect(text).toMatch(row('Revised Because', 'Flat number corrected'));
    });

    it('when the first issue is rendered, then it carries no revised marking', async () => {
      expect(pdfText(await renderTaxInvoice(invoice(), 'recipient'))).not.toContain('REVISED');
    });
  });

  describe('given an intra-UT order in Chandigarh, a union territory without a legislature', () => {
    let text: string;
    beforeAll(async () => {
      text = pdfText(await renderTaxInvoice(invoice({ supplier: SUPPLIER_IN_CHANDIGARH, buyer: BUYER_IN_CHANDIGARH, charges: [{ ...SHIPPING, amountPaise: 50_00 }] }), 'recipient'));
    });

    it('when rendered, then each row, the rate summary and the totals split the tax into CGST and UTGST, with no SGST', () => {
      expect(text).toMatch(row('Place of Supply', 'Chandigarh (04)'));
      expect(text).toMatch(row('Description', 'HSN/SAC', 'Qty', 'Unit Price', 'Discount', 'Taxable Value', 'Tax Rate', 'CGST', 'UTGST', 'Total'));
      expect(text).toMatch(row('1', 'Printed stole', '62149090', '2 PCS', '499.00', '0.00', '998.00', '9% + 9%', '89.82', '89.82', '1,177.64'));
      expect(text).toMatch(row('Shipping charges', '996812', '-', '50.00', '-', '50.00', '9% + 9%', '4.50', '4.50', '59.00'));
      expect(text).toMatch(row('GST Rate', 'Taxable Value', 'CGST', 'UTGST', 'Total Tax'));
      expect(text).toMatch(row('18%', '1,048.00', '94.32', '94.32', '188.64'));
      expect(text).toMatch(row('UTGST', '94.32'));
      expect(text).toMatch(row('Invoice Total', 'Rs. 1,236.64'));
      expect(text).not.toMatch(/SGST|IGST/);
    });
  });

  describe('given an inter-state order to a registered buyer (Karnataka seller, Maharashtra buyer)', () => {
    let text: string;
    beforeAll(async () => {
      text = pdfText(await renderTaxInvoice(invoice({ buyer: BUYER_IN_MAHARASHTRA }), 'supplier'));
    });

    it("when the supplier's copy is rendered, then it is marked for the supplier", () => {
      expect(text).toContain('TRIPLICATE FOR SUPPLIER');
      expect(text).not.toContain('ORIGINAL FOR RECIPIENT');
    });

    it("then the place of supply is the buyer's state and the buyer's GSTIN is printed", () => {
      expect(text).toMatch(row('Place of Supply', 'Maharashtra (27)'));
      expect(text).toContain('State: Maharashtra, Code: 27');
      expect(text).toContain('GSTIN: 27AAPFU0939F1ZV');
    });

    it('then the whole 18% is IGST and there is no CGST or SGST', () => {
      expect(text).toMatch(row('Taxable Value', 'Tax Rate', 'IGST', 'Total'));
      expect(text).toMatch(row('1', 'Printed stole', '62149090', '2 PCS', '499.00', '0.00', '998.00', '18%', '179.64', '1,177.64'));
      expect(text).toMatch(row('IGST', '179.64'));
      expect(text).not.toMatch(/CGST|SGST/);
    });
  });

  describe('given a discounted line', () => {
    it('when rendered, then tax is charged on the value after discount and the totals show the discount', async () => {
      const text = pdfText(await renderTaxInvoice(invoice({ lines: [{ ...KURTA, quantity: 3, unitPricePaise: 850_00, discountPaise: 150_00 }] }), 'recipient'));

      expect(text).toMatch(row('1', 'Cotton kurta', '62114210', '3 PCS', '850.00', '150.00', '2,400.00', '6% + 6%', '144.00', '144.00', '2,688.00'));
      expect(text).toMatch(row('Gross Value', '2,550.00'));
      expect(text).toMatch(row('Less: Discount', '150.00'));
      expect(text).toMatch(row('Taxable Value', '2,400.00'));
      expect(text).toMatch(row('Invoice Total', 'Rs. 2,688.00'));
    });
  });

  describe('given lines at 5%, 12% and a shipping charge at 18%, paid cash on delivery', () => {
    let text: string;
    beforeAll(async () => {
      const pdf = await renderTaxInvoice(
        invoice({
          lines: [
            { ...SAREE, quantity: 1, unitPricePaise: 12_000_00, discountPaise: 500_00 },
            { ...KURTA, quantity: 3, unitPricePaise: 850_00, discountPaise: 0 },
          ],
          charges: [{ ...SHIPPING, amountPaise: 60_00 }],
          paymentMethod: 'cod',
        }),
        'recipient',
      );
      text = pdfText(pdf);
    });

    it('when rendered, then each line and the charge carry their own rate and tax', () => {
      expect(text).toMatch(row('1', 'Mysore silk saree', '50072010', '1 PCS', '12,000.00', '500.00', '11,500.00', '2.5% + 2.5%', '287.50', '287.50', '12,075.00'));
      expect(text).toMatch(row('2', 'Cotton kurta', '62114210', '3 PCS', '850.00', '0.00', '2,550.00', '6% + 6%', '153.00', '153.00', '2,856.00'));
      expect(text).toMatch(row('Shipping charges', '996812', '-', '60.00', '-', '60.00', '9% + 9%', '5.40', '5.40', '70.80'));
    });

    it('then the rate-wise summary has a row per rate', () => {
      expect(text).toMatch(row('5%', '11,500.00', '287.50', '287.50', '575.00'));
      expect(text).toMatch(row('12%', '2,550.00', '153.00', '153.00', '306.00'));
      expect(text).toMatch(row('18%', '60.00', '5.40', '5.40', '10.80'));
    });

    it('then the totals add up and the payment is cash on delivery', () => {
      expect(text).toMatch(row('Gross Value', '14,610.00'));
      expect(text).toMatch(row('Taxable Value', '14,110.00'));
      expect(text).toMatch(row('Total Tax', '891.80'));
      expect(text).toMatch(row('Invoice Total', 'Rs. 15,001.80'));
      expect(flattened(text)).toContain('Rupees Fifteen Thousand One and Eighty Paise Only');
      expect(text).toMatch(row('Payment', 'Cash on Delivery'));
    });
  });

  describe('given a line whose tax is an odd number of paise', () => {
    it('when rendered intra-state, then CGST prints the odd paisa and the halves add up to the tax', async () => {
      const text = pdfText(await renderTaxInvoice(invoice({ lines: [{ ...SAREE, quantity: 1, unitPricePaise: 10_10, discountPaise: 0 }] }), 'recipient'));

      expect(text).toMatch(row('10.10', '2.5% + 2.5%', '0.26', '0.25', '10.61'));
      expect(text).toMatch(row('Total Tax', '0.51'));
    });
  });

  describe('given the same invoice rendered twice', () => {
    it('when compared, then the bytes and content hashes are identical, even when rendered concurrently', async () => {
      const [first, second] = await Promise.all([renderTaxInvoice(invoice(), 'recipient'), renderTaxInvoice(invoice(), 'recipient')]);
      const later = await renderTaxInvoice(invoice(), 'recipient');

      expect(first.equals(second)).toBe(true);
      expect(first.equals(later)).toBe(true);
      expect(contentHash(first)).toMatch(/^[0-9a-f]{64}$/);
      expect(contentHash(first)).toBe(contentHash(later));
    });

    it("when the copy differs, then so does the hash", async () => {
      const recipient = await renderTaxInvoice(invoice(), 'recipient');
      const supplier = await renderTaxInvoice(invoice(), 'supplier');

      expect(contentHash(recipient)).not.toBe(contentHash(supplier));
    });

    it("then the PDF is dated with the invoice's date, not the time of rendering, on an A4 page", async () => {
      const pdf = await renderTaxInvoice(invoice(), 'recipient');

      expect(pdfInfo(pdf)).toMatch(/CreationDate:\s+Thu May 14 05:00:00 2026 UTC/);
      expect(pdfInfo(pdf)).toMatch(/ModDate:\s+Thu May 14 05:00:00 2026 UTC/);
      expect(pageSizes(pdf)).toEqual(['595.28 x 841.89']);
    });
  });

  describe('given many lines', () => {
    it('when they overflow a page, then the invoice continues on numbered pages', async () => {
      const lines = Array.from({ length: 60 }, (_, i) => ({ ...STOLE, description: `Printed stole, design ${i + 1}`, quantity: 1, unitPricePaise: 100_00, discountPaise: 0 }));
      const pdf = await renderTaxInvoice(invoice({ lines }), 'recipient');
      const text = pdfText(pdf);

      expect(pageSizes(pdf).length).toBeGreaterThan(1);
      expect(text).toContain('Page 1 of 2');
      expect(text).toContain('Printed stole, design 60');
      expect(text).toMatch(row('Invoice Total', 'Rs. 7,080.00'));
    });
  });

  describe('given input the invoice cannot be drawn from', () => {
    it('when the date has no time zone, then a DocumentInputError is thrown', async () => {
      await expect(renderTaxInvoice(invoice({ invoiceDate: '2026-05-14T10:30:00' }), 'recipient')).rejects.toThrow(DocumentInputError);
    });

    it('when a rate is not a GST rate, then the GST maths refuses it', async () => {
      await expect(renderTaxInvoice(invoice({ lines: [{ ...STOLE, taxRatePercent: 7, quantity: 1, unitPricePaise: 100, discountPaise: 0 }] }), 'recipient')).rejects.toThrow(GstInputError);
    });
  });
});
