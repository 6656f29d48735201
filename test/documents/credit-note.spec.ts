import { contentHash, renderCreditNote } from '@fulfil/documents';
import { BUYER_IN_CHANDIGARH, BUYER_IN_KARNATAKA, creditNote, SUPPLIER, SUPPLIER_IN_CHANDIGARH } from './fixtures';
import { assertDocumentToolsInstalled, flattened, pdfInfo, pdfText, row } from './pdf-tools';

beforeAll(assertDocumentToolsInstalled);

describe('renderCreditNote', () => {
  describe('given a credit note cancelling an intra-UT invoice in Chandigarh', () => {
    it('when rendered, then the amounts reversed are split into CGST and UTGST, with no SGST', async () => {
      const text = pdfText(await renderCreditNote(creditNote({ supplier: SUPPLIER_IN_CHANDIGARH, buyer: BUYER_IN_CHANDIGARH })));

      expect(text).toMatch(row('Taxable Value', 'Tax Rate', 'CGST', 'UTGST', 'Total'));
      expect(text).toMatch(row('1', 'Cotton kurta', '62114210', '3 PCS', '850.00', '150.00', '2,400.00', '6% + 6%', '144.00', '144.00', '2,688.00'));
      expect(text).toMatch(row('UTGST', '149.40'));
      expect(text).not.toMatch(/SGST|IGST/);
    });
  });

  describe('given a credit note cancelling an inter-state invoice', () => {
    let text: string;
    beforeAll(async () => {
      text = pdfText(await renderCreditNote(creditNote()));
    });

    it('when rendered, then it is a credit note with its own number and date', () => {
      expect(text).toContain('CREDIT NOTE');
      expect(text).not.toContain('TAX INVOICE');
      expect(text).toMatch(row('Credit Note No.', 'KH/CN/26-27/0007'));
      expect(text).toMatch(row('Credit Note Date', '02 Jun 2026'));
    });

    it('then it cites the original invoice by number and date, and gives the reason', () => {
      expect(text).toMatch(row('Against Invoice No.', 'KH/26-27/000123'));
      expect(text).toMatch(row('Invoice Date', '14 May 2026'));
      expect(flattened(text)).toContain('Reason: Place of supply corrected from Karnataka to Maharashtra');
    });

    it('then it names both parties with their GSTINs and the place of supply', () => {
      expect(text).toContain(SUPPLIER.legalName);
      expect(text).toContain('GSTIN: 29AABCT1332L1ZA');
      expect(text).toContain('Rohan Deshmukh');
      expect(text).toContain('GSTIN: 27AAPFU0939F1ZV');
      expect(text).toMatch(row('Place of Supply', 'Maharashtra (27)'));
    });

    it('then the amounts reversed are split as IGST, line by line', () => {
      expect(text).toContain('Amounts reversed');
      expect(text).toMatch(row('1', 'Cotton kurta', '62114210', '3 PCS', '850.00', '150.00', '2,400.00', '12%', '288.00', '2,688.00'));
      expect(text).toMatch(row('Shipping charges', '996812', '-', '60.00', '-', '60.00', '18%', '10.80', '70.80'));
      expect(text).not.toMatch(/CGST|SGST/);
    });

    it('then the total credit is in figures and in words', () => {
      expect(text).toMatch(row('Taxable Value', '2,460.00'));
      expect(text).toMatch(row('IGST', '298.80'));
      expect(text).toMatch(row('Total Credit', 'Rs. 2,758.80'));
      expect(flattened(text)).toContain('Amount in words: Rupees Two Thousand Seven Hundred Fifty-Eight and Eighty Paise Only');
      expect(text).toContain('Authorised Signatory');
    });
  });

  describe('given a credit note for an intra-state invoice', () => {
    it('when rendered, then the reversed tax is split into CGST and SGST', async () => {
      const text = pdfText(await renderCreditNote(creditNote({ buyer: BUYER_IN_KARNATAKA, charges: [] })));

      expect(text).toMatch(row('2,400.00', '6% + 6%', '144.00', '144.00', '2,688.00'));
      expect(text).toMatch(row('Total Credit', 'Rs. 2,688.00'));
    });
  });

  describe('given the same credit note rendered twice', () => {
    it('when compared, then the bytes are identical and the PDF is dated with the credit note date', async () => {
      const first = await renderCreditNote(creditNote());
      const second = await renderCreditNote(creditNote());

      expect(contentHash(first)).toBe(contentHash(second));
      expect(pdfInfo(first)).toMatch(/CreationDate:\s+Tue Jun\s+2 00:00:00 2026 UTC/);
    });
  });
});
