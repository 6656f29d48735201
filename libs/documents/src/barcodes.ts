import bwipjs = require('bwip-js');
import { opaqueGrayscalePng } from './opaque-png';

/** A barcode drawn as a PNG, ready for a pdfmake image node. */
export interface BarcodeImage {
  dataUrl: string;
}

export interface LinearBarcodeImage extends BarcodeImage {
  /** Width in modules (narrowest bar widths), so the caller can print it at a scannable size. */
  modules: number;
}

/** Pixels per module: the image stays sharp when the PDF scales it to print size. */
const PIXELS_PER_MODULE = 3;

/**
 * Code 128 without human-readable text: the caller prints the value under it as real PDF text.
 * Bars are uniform top to bottom and the PDF stretches the image to its printed height, so a
 * short image (5 mm) saves encoding and embedding work without losing anything.
 */
export async function code128(text: string): Promise<LinearBarcodeImage> {
  const png = await barcodePng({ bcid: 'code128', text, scale: PIXELS_PER_MODULE, height: 5 });
  // bwip-js draws one Code 128 module per unit, times the scale.
  return { dataUrl: dataUrl(png), modules: pngWidth(png) / PIXELS_PER_MODULE };
}

/**
 * QR code at error correction level M (BWIPP's default). bwip-js draws a QR module as 2 units,
 * so 8 units of padding is the 4-module quiet zone the standard asks for.
 */
export async function qrCode(text: string): Promise<BarcodeImage> {
  return { dataUrl: dataUrl(await barcodePng({ bcid: 'qrcode', text, scale: PIXELS_PER_MODULE, paddingwidth: 8, paddingheight: 8 })) };
}

async function barcodePng(options: bwipjs.RenderOptions): Promise<Buffer> {
  return opaqueGrayscalePng(await bwipjs.toBuffer(options));
}

function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A PNG's width sits in its IHDR chunk, the first after the 8-byte signature, at byte 16. */
function pngWidth(png: Buffer): number {
  return png.readUInt32BE(16);
}
