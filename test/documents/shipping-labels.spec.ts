import { contentHash, DocumentInputError, renderShippingLabels } from '@fulfil/documents';
import { label } from './fixtures';
import { assertDocumentToolsInstalled, decodeBarcodes, flattened, pageSizes, pdfText, row } from './pdf-tools';

beforeAll(assertDocumentToolsInstalled);

const THERMAL_4X6 = '288 x 432';
const A4 = '595.28 x 841.89';

describe('renderShippingLabels', () => {
  describe('given a prepaid shipment with an AWB, on a 4x6 thermal label', () => {
    let pdf: Buffer;
    let text: string;
    beforeAll(async () => {
      pdf = await renderShippingLabels([label()], 'thermal-4x6');
      text = pdfText(pdf);
    });

    it('when rendered, then the page is 4 x 6 inches', () => {
      expect(pageSizes(pdf)).toEqual([THERMAL_4X6]);
    });

    it('then it shows whom to ship to, with PIN code and phone', () => {
      expect(text).toContain('SHIP TO');
      expect(text).toContain('Ananya Rao');
      expect(text).toContain('Flat 4B, Lakeview Residency');
      expect(text).toContain('Bengaluru, Karnataka');
      expect(text).toContain('PIN 560038');
      expect(text).toContain('Phone: 9845012345');
    });

    it('then it shows the return address, the order and shipment, the parcel and the partner', () => {
      expect(flattened(text)).toContain('IF UNDELIVERED, RETURN TO Kaveri Handlooms No. 12, 3rd Cross, Chickpet, Bengaluru, Karnataka - 560053');
      expect(text).toContain('Order ID: ORD-8F2K1');
      expect(text).toContain('Shipment ID: SHP-8F2K1-1');
      expect(text).toContain('Weight: 1.250 kg');
      expect(text).toContain('Dimensions: 30 x 22 x 8 cm');
      expect(text).toContain('Delhivery');
      expect(text).toMatch(row('Delhivery', 'PREPAID'));
    });

    it('then the AWB is printed under its Code 128 barcode, and the QR code holds the shipment id', () => {
      expect(text).toContain('1490810022345');
      expect(decodeBarcodes(pdf, 1)).toEqual(['CODE-128:1490810022345', 'QR-Code:SHP-8F2K1-1']);
    });
  });

  describe('given a shipment travelling under an invoice', () => {
    it('when rendered, then the label carries the invoice number, the invoice value and the seller GSTIN, on one 4x6 page', async () => {
      const pdf = await renderShippingLabels([label({ invoice: { number: 'KH/26-27/000123', valuePaise: 1_177_64 }, sellerGstin: '29AABCT1332L1ZA' })], 'thermal-4x6');
      const text = pdfText(pdf);

      expect(text).toContain('Invoice: KH/26-27/000123, value Rs. 1,177.64');
      expect(text).toContain('Seller GSTIN: 29AABCT1332L1ZA');
      expect(pageSizes(pdf)).toEqual([THERMAL_4X6]);
    });
  });

  describe('given a cash-on-delivery shipment', () => {
    it('when rendered, then the label says COD and the amount to collect', async () => {
      const text = pdfText(await renderShippingLabels([label({ payment: { method: 'cod', amountToCollectPaise: 1_234_50 } })], 'thermal-4x6'));

      expect(text).toContain('COD');
      expect(text).toContain('Collect Rs. 1,234.50');
      expect(text).not.toContain('PREPAID');
    });
  });

  describe('given an on-network shipment before a partner is assigned', () => {
    it('when rendered, then it says AWB pending and the barcode carries the shipment id', async () => {
      const pdf = await renderShippingLabels([label({ awb: undefined, carrierName: undefined })], 'thermal-4x6');
      const text = pdfText(pdf);

      expect(text).toContain('AWB pending');
      expect(text).toContain('Partner pending');
      expect(decodeBarcodes(pdf, 1)).toEqual(['CODE-128:SHP-8F2K1-1', 'QR-Code:SHP-8F2K1-1']);
    });
  });

  describe('given a shipment id as long as a UUID and no AWB yet', () => {
    it('when rendered, then its barcode is narrowed to fit the label and still scans', async () => {
      const shipmentId = 'SHP-0b6f3c1e-5d2a-4f7e-9c61-2a8d7e4b9f10';
      const pdf = await renderShippingLabels([label({ shipmentId, awb: undefined })], 'thermal-4x6');

      expect(decodeBarcodes(pdf, 1)).toEqual([`CODE-128:${shipmentId}`, `QR-Code:${shipmentId}`]);
    });
  });

  describe('given three shipments on thermal labels', () => {
    it('when rendered, then each has its own 4x6 page and its own barcode', async () => {
      const pdf = await renderShippingLabels(
        [label(), label({ shipmentId: 'SHP-2', awb: '77001234567' }), label({ shipmentId: 'SHP-3', awb: 'EK123456789IN' })],
        'thermal-4x6',
      );

      expect(pageSizes(pdf)).toEqual([THERMAL_4X6, THERMAL_4X6, THERMAL_4X6]);
      expect(decodeBarcodes(pdf, 3)).toEqual(['CODE-128:EK123456789IN', 'QR-Code:SHP-3']);
    });
  });

  describe('given five shipments on A4 sheets', () => {
    const shipments = [1, 2, 3, 4, 5].map((n) => label({ shipmentId: `SHP-${n}`, awb: `149081002234${n}` }));

    it('when rendered, then four labels share the first A4 page and the fifth starts a second', async () => {
      const pdf = await renderShippingLabels(shipments, 'a4-4up');
      const pages = pdfText(pdf).split('\f');

      expect(pageSizes(pdf)).toEqual([A4, A4]);
      for (const n of [1, 2, 3, 4]) expect(pages[0]).toContain(`Shipment ID: SHP-${n}`);
      expect(pages[1]).toContain('Shipment ID: SHP-5');
      expect(decodeBarcodes(pdf, 1).filter((code) => code.startsWith('CODE-128:'))).toEqual([
        'CODE-128:1490810022341',
        'CODE-128:1490810022342',
        'CODE-128:1490810022343',
        'CODE-128:1490810022344',
      ]);
    });
  });

  describe('given the same labels rendered twice', () => {
    it('when compared, then the bytes are identical, however the renders interleave', async () => {
      // Several images per document, rendered concurrently: any race in embedding them would show.
      const batch = [label(), label({ shipmentId: 'SHP-2', awb: undefined }), label({ shipmentId: 'SHP-3', awb: '77001234567' })];
      const pdfs = await Promise.all([1, 2, 3, 4].map(() => renderShippingLabels(batch, 'a4-4up')));
      const again = await renderShippingLabels(batch, 'a4-4up');

      expect(new Set([...pdfs, again].map(contentHash)).size).toBe(1);
    });
  });

  describe('given no labels', () => {
    it('when rendered, then a DocumentInputError is thrown', async () => {
      await expect(renderShippingLabels([], 'thermal-4x6')).rejects.toThrow(DocumentInputError);
    });
  });
});
