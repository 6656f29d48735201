import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Turns bwip-js's RGBA PNG into an 8-bit grayscale PNG without alpha, composited over white.
 *
 * Why: pdfkit splits a PNG's alpha channel into a soft mask asynchronously (zlib on the thread
 * pool), so with two or more such images the order their objects land in the PDF is a race and
 * the same input gives different bytes. An opaque image is embedded synchronously as it is. It is
 * also a quarter of the size, and barcodes are black on white anyway.
 */
export function opaqueGrayscalePng(rgbaPng: Buffer): Buffer {
  const { width, height, pixels } = readRgbaPng(rgbaPng);
  const gray = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const source = y * (width * 4 + 1) + 1;
    const target = y * (width + 1);
    gray[target] = FILTER_NONE;
    for (let x = 0; x < width; x++) {
      const pixel = source + x * 4;
      const level = ((pixels[pixel] ?? 0) + (pixels[pixel + 1] ?? 0) + (pixels[pixel + 2] ?? 0)) / 3;
      gray[target + 1 + x] = overWhite(level, pixels[pixel + 3] ?? 0);
    }
  }
  return writePng(width, height, COLOR_TYPE_GRAYSCALE, gray);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_GRAYSCALE = 0;
const COLOR_TYPE_RGBA = 6;
const FILTER_NONE = 0;

function overWhite(level: number, alpha: number): number {
  return Math.round((level * alpha + 255 * (255 - alpha)) / 255);
}

interface RgbaImage {
  width: number;
  height: number;
  /** Rows of RGBA pixels, each prefixed by its filter byte, as in the PNG's IDAT. */
  pixels: Buffer;
}

/**
 * Reads the only PNG shape bwip-js writes: 8-bit RGBA, not interlaced, every row unfiltered. Any
 * other shape (a future bwip-js) is refused rather than misread.
 */
function readRgbaPng(png: Buffer): RgbaImage {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== COLOR_TYPE_RGBA || data[12] !== 0) throw new Error('expected an 8-bit RGBA, non-interlaced PNG');
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  const rowBytes = width * 4 + 1;
  if (pixels.length !== rowBytes * height) throw new Error('PNG image data does not match its size');
  for (let y = 0; y < height; y++) {
    if (pixels[y * rowBytes] !== FILTER_NONE) throw new Error('expected unfiltered PNG rows');
  }
  return { width, height, pixels };
}

function writePng(width: number, height: number, colorType: number, rows: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colorType, 0, FILTER_NONE, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(typeAndData.length + 8);
  framed.writeUInt32BE(data.length, 0);
  typeAndData.copy(framed, 4);
  framed.writeUInt32BE(crc32(typeAndData), typeAndData.length + 4);
  return framed;
}
