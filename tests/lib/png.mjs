// PNG files written and read in node, for the tests: an encoder to make test
// images with known numbers, and a small independent decoder (zlib and the five
// PNG filters) whose numbers the pages' numbers are compared with. Neither shares
// any code with the browsers' decoders or with web/.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

export const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data, CRC. */
export function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A PNG of `raw` rows (each row its filter byte, then its bytes). */
export function pngFromRows(width, height, bitDepth, colorType, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** An 8-bit RGB PNG from pixels [[r, g, b], ...], row by row. */
export function rgbPng(width, height, pixels) {
  const raw = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(pixels[y * width + x], y * (1 + 3 * width) + 1 + 3 * x);
  }
  return pngFromRows(width, height, 8, 2, raw);
}

/**
 * An 8-bit RGB PNG whose pixel (x, y), the i-th in row order, is colour(x, y, i)
 * ([r, g, b], any numbers): rounded and clamped to 0-255 as ImageData stores them.
 */
export function rgbPngOf(width, height, colour) {
  const row = 1 + 3 * width, raw = new Uint8ClampedArray(height * row);
  for (let i = 0; i < width * height; i++) {
    const x = i % width, y = (i - x) / width;
    raw.set(colour(x, y, i), y * row + 1 + 3 * x);
  }
  return pngFromRows(width, height, 8, 2, Buffer.from(raw.buffer));
}

/** Decodes an 8-bit, non-interlaced gray (0) or RGB (2) PNG: { width, height, channels, data }. */
export function decodePng(buf) {
  assert.ok(buf.subarray(0, 8).equals(SIGNATURE), 'a PNG file');
  let pos = 8, width, height, channels;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      assert.equal(data[12], 0, 'not interlaced');
      channels = { 0: 1, 2: 3 }[data[9]];
      assert.ok(channels, `colour type ${data[9]} handled`);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels, out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const e = a + b - c, pa = Math.abs(e - a), pb = Math.abs(e - b), pc = Math.abs(e - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + i] = (row[i] + p) & 255;
    }
  }
  return { width, height, channels, data: out };
}

/** The channel values of pixel (row, col) of a decoded image. */
export function pixelAt(img, row, col) {
  const i = (row * img.width + col) * img.channels;
  return [...img.data.subarray(i, i + img.channels)];
}
