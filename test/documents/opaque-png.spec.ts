import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { opaqueGrayscalePng } from '../../libs/documents/src/opaque-png';

/** A minimal PNG of the shape bwip-js writes: 8-bit RGBA, unfiltered rows. */
function rgbaPng(width: number, rgbaRows: number[][], colorType = 6): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(rgbaRows.length, 4);
  header.set([8, colorType, 0, 0, 0], 8);
  const pixels = Buffer.from(rgbaRows.flatMap((row) => [0, ...row]));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The grayscale rows of a PNG written by opaqueGrayscalePng, without their filter bytes. */
function grayRows(png: Buffer): number[][] {
  const width = png.readUInt32BE(16);
  const idatLength = png.readUInt32BE(33);
  const data = inflateSync(png.subarray(41, 41 + idatLength));
  const rows: number[][] = [];
  for (let offset = 0; offset < data.length; offset += width + 1) rows.push([...data.subarray(offset + 1, offset + 1 + width)]);
  return rows;
}

describe('opaqueGrayscalePng', () => {
  describe('given an RGBA PNG with opaque, transparent and half-transparent black pixels', () => {
    const png = rgbaPng(3, [
      [0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128],
      [255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0],
    ]);

    it('when flattened, then it is an 8-bit grayscale PNG of the same size, composited over white', () => {
      const gray = opaqueGrayscalePng(png);

      expect(gray.readUInt32BE(16)).toBe(3);
      expect(gray.readUInt32BE(20)).toBe(2);
      expect([gray[24], gray[25]]).toEqual([8, 0]);
      expect(grayRows(gray)).toEqual([
        [0, 255, 127],
        [255, 0, 255],
      ]);
    });
  });

  describe('given a PNG of another shape', () => {
    it('when flattened, then it is refused rather than misread', () => {
      expect(() => opaqueGrayscalePng(rgbaPng(1, [[0, 0, 0]], 2))).toThrow('expected an 8-bit RGBA, non-interlaced PNG');
      expect(() => opaqueGrayscalePng(Buffer.from('not a png'))).toThrow('not a PNG');
    });
  });
});
