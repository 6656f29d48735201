import type { Content, CustomTableLayout, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces';
import { gstStateName } from '@fulfil/domain';
import { code128, qrCode, type BarcodeImage, type LinearBarcodeImage } from './barcodes';
import { DocumentInputError } from './document-input-error';
import type { LabelAddress, LabelLayout, LabelPayment, ShippingLabelDocument } from './document-inputs';
import { formatIndianDate, formatRupees, parseDocumentDate } from './formatting';
import { DEFAULT_FONT, renderPdf } from './pdf-renderer';

/** 4 x 6 inches at 72 points an inch: the label size of thermal printers and most partners. */
const THERMAL_PAGE = { width: 4 * 72, height: 6 * 72 };
const THERMAL_MARGIN = 10;
/** Drawing width of one label; fits the thermal page and a quarter of an A4 sheet alike. */
const LABEL_WIDTH = THERMAL_PAGE.width - 2 * THERMAL_MARGIN;

const A4_MARGIN = 14;
const A4_CELL_PADDING = 6;
const LABELS_PER_A4 = 4;
/** Half the A4 height less margins, padding and cut lines, so two rows always share a page. */
const A4_LABEL_HEIGHT = 390;

/**
 * Module width of the printed Code 128: about 0.35 mm, three dots of a 203 dpi thermal head, which
 * every handheld scanner reads. Barcodes too long for the label at this width are narrowed to fit.
 */
const BARCODE_MODULE_PT = 1;
const BARCODE_HEIGHT_PT = 64;
const QR_SIZE_PT = 72;

const LABEL_STYLES = {
  carrier: { fontSize: 12, bold: true },
  caption: { fontSize: 7, bold: true, color: '#444444' },
  shipToName: { fontSize: 12, bold: true },
  shipToLine: { fontSize: 10 },
  pincode: { fontSize: 16, bold: true },
  barcodeText: { fontSize: 11, bold: true, alignment: 'center' as const },
  returnAddress: { fontSize: 7.5 },
};

/** Dashed cut lines between the labels of an A4 sheet. */
const CUT_LINES: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineStyle: () => ({ dash: { length: 4, space: 3 } }),
  vLineStyle: () => ({ dash: { length: 4, space: 3 } }),
  paddingLeft: () => A4_CELL_PADDING,
  paddingRight: () => A4_CELL_PADDING,
  paddingTop: () => A4_CELL_PADDING,
  paddingBottom: () => A4_CELL_PADDING,
};

/**
 * Shipping labels, one per 4x6 page or four per A4 sheet. A label shows its AWB as Code 128 with
 * the number under it; before a partner is assigned there is no AWB yet, so the shipment id is
 * barcoded instead and the label says "AWB pending".
 */
export async function renderShippingLabels(labels: ShippingLabelDocument[], layout: LabelLayout): Promise<Buffer> {
  if (labels.length === 0) throw new DocumentInputError('renderShippingLabels needs at least one label');
  const documentDate = latestLabelDate(labels);
  const contents = await Promise.all(labels.map(labelContent));
  const pages = layout === 'thermal-4x6' ? thermalPages(contents) : a4Sheets(contents);
  const title = labels.length === 1 ? `Shipping label ${labels[0]?.shipmentId ?? ''}` : `Shipping labels (${labels.length})`;
  return renderPdf({ ...pages, defaultStyle: { font: DEFAULT_FONT, fontSize: 8 }, styles: LABEL_STYLES }, documentDate, title);
}

/** A batch is dated by its newest label, so re-rendering the same batch gives the same bytes. */
function latestLabelDate(labels: readonly ShippingLabelDocument[]): Date {
  const times = labels.map((label, i) => parseDocumentDate(label.labelDate, `labels.${i}.labelDate`).getTime());
  return new Date(Math.max(...times));
}

function thermalPages(contents: Content[]): Pick<TDocumentDefinitions, 'pageSize' | 'pageMargins' | 'content'> {
  return {
    pageSize: THERMAL_PAGE,
    pageMargins: THERMAL_MARGIN,
    content: contents.map((content, i) => ({ stack: [content], ...(i > 0 ? { pageBreak: 'before' as const } : {}) })),
  };
}

function a4Sheets(contents: Content[]): Pick<TDocumentDefinitions, 'pageSize' | 'pageMargins' | 'content'> {
  const sheets: Content[] = [];
  for (let first = 0; first < contents.length; first += LABELS_PER_A4) {
    const cells: TableCell[] = contents.slice(first, first + LABELS_PER_A4).map((content) => ({ stack: [content] }));
    while (cells.length < LABELS_PER_A4) cells.push({ text: '' });
    sheets.push({
      table: { widths: [LABEL_WIDTH, LABEL_WIDTH], heights: A4_LABEL_HEIGHT, dontBreakRows: true, body: [cells.slice(0, 2), cells.slice(2, 4)] },
      layout: CUT_LINES,
      ...(first > 0 ? { pageBreak: 'before' as const } : {}),
    });
  }
  return { pageSize: 'A4', pageMargins: A4_MARGIN, content: sheets };
}

async function labelContent(label: ShippingLabelDocument): Promise<Content> {
  const [barcode, qr] = await Promise.all([code128(label.awb ?? label.shipmentId), qrCode(label.shipmentId)]);
  return {
    stack: [
      carrierAndPayment(label.carrierName, label.payment),
      rule(),
      shipTo(label.shipTo),
      rule(),
      trackingBarcode(label, barcode),
      rule(),
      shipmentDetails(label, qr),
      rule(),
      returnTo(label.returnTo),
    ],
  };
}

function carrierAndPayment(carrierName: string | undefined, payment: LabelPayment): Content {
  return {
    columns: [
      { width: '*', text: carrierName ?? 'Partner pending', style: 'carrier', margin: [0, 4, 0, 0] },
      { width: 120, table: { widths: ['*'], body: [[paymentCell(payment)]] }, layout: 'noBorders' },
    ],
  };
}

/** Cash on delivery is printed white on black so the delivery agent cannot miss the amount. */
function paymentCell(payment: LabelPayment): TableCell {
  if (payment.method === 'prepaid') {
    return { stack: [{ text: 'PREPAID', fontSize: 14, bold: true }, { text: 'Do not collect cash', fontSize: 7 }], alignment: 'center' };
  }
  return {
    stack: [{ text: 'COD', fontSize: 14, bold: true }, { text: `Collect ${formatRupees(payment.amountToCollectPaise)}`, fontSize: 9, bold: true }],
    alignment: 'center',
    fillColor: '#000000',
    color: '#ffffff',
  };
}

function shipTo(address: LabelAddress): Content {
  return {
    stack: [
      { text: 'SHIP TO', style: 'caption' },
      { text: address.name, style: 'shipToName' },
      ...address.addressLines.map((line) => ({ text: line, style: 'shipToLine' })),
      { text: `${address.city}, ${gstStateName(address.stateCode)}`, style: 'shipToLine' },
      { text: `PIN ${address.pincode}`, style: 'pincode' },
      { text: `Phone: ${address.phone}`, style: 'shipToLine' },
    ],
  };
}

function trackingBarcode(label: ShippingLabelDocument, barcode: LinearBarcodeImage): Content {
  const width = Math.min(LABEL_WIDTH, barcode.modules * BARCODE_MODULE_PT);
  return {
    stack: [
      label.awb === undefined
        ? { text: 'AWB pending: shipment ID below', fontSize: 9, bold: true, alignment: 'center' }
        : { text: 'AWB', style: 'caption', alignment: 'center' },
      { image: barcode.dataUrl, width, height: BARCODE_HEIGHT_PT, alignment: 'center', margin: [0, 2, 0, 2] },
      { text: label.awb ?? label.shipmentId, style: 'barcodeText' },
    ],
  };
}

function shipmentDetails(label: ShippingLabelDocument, qr: BarcodeImage): Content {
  const { weightGrams, lengthCm, widthCm, heightCm } = label.package;
  return {
    columns: [
      {
        width: '*',
        stack: [
          `Order ID: ${label.orderId}`,
          `Shipment ID: ${label.shipmentId}`,
          ...(label.invoice ? [`Invoice: ${label.invoice.number}, value ${formatRupees(label.invoice.valuePaise)}`] : []),
          ...(label.sellerGstin ? [`Seller GSTIN: ${label.sellerGstin}`] : []),
          `Weight: ${(weightGrams / 1000).toFixed(3)} kg`,
          `Dimensions: ${lengthCm} x ${widthCm} x ${heightCm} cm`,
          `Date: ${formatIndianDate(parseDocumentDate(label.labelDate, 'labelDate'))}`,
        ],
        fontSize: 8,
        lineHeight: 1.3,
      },
      { width: QR_SIZE_PT, image: qr.dataUrl, fit: [QR_SIZE_PT, QR_SIZE_PT] },
    ],
    columnGap: 8,
  };
}

function returnTo(address: LabelAddress): Content {
  return {
    stack: [
      { text: 'IF UNDELIVERED, RETURN TO', style: 'caption' },
      { text: address.name, bold: true },
      [...address.addressLines, `${address.city}, ${gstStateName(address.stateCode)} - ${address.pincode}`].join(', '),
      `Phone: ${address.phone}`,
    ],
    style: 'returnAddress',
  };
}

function rule(): Content {
  return { canvas: [{ type: 'line', x1: 0, y1: 0, x2: LABEL_WIDTH, y2: 0, lineWidth: 0.75 }], margin: [0, 4, 0, 4] };
}
