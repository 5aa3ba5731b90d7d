// image-source.js's pure parts, in node: the header reader and the structure
// check that refuses a file cut short before any browser decodes it (so that
// Chromium, Firefox and WebKit all refuse it alike). Files are written here:
// PNGs by tests/lib/png.mjs, GIF, WebP, BMP and JPEG byte by byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageHeader, checkImageStructure, MAX_DECODE_PIXELS } from '../../web/lib/image-source.js';
import { chunk, pngFromRows, rgbPng, SIGNATURE } from '../lib/png.mjs';

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** Asserts that every cut of `file` in [from, file.length) is refused and the whole file is not. */
function refusedWhenCut(file, from, what) {
  assert.equal(checkImageStructure(file), null, `${what}: the whole file`);
  for (let n = from; n < file.length; n++) {
    assert.notEqual(checkImageStructure(file.subarray(0, n)), null, `${what} cut to ${n} of ${file.length} bytes`);
  }
}

// ---- PNG ----

const sixPixels = rgbPng(3, 2, [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 34, 56], [200, 100, 50], [255, 255, 255]]);

test('PNG: a whole file passes; cut anywhere after its header, it is refused', () => {
  refusedWhenCut(sixPixels, 24, 'six-pixels.png');
  const cut = sixPixels.subarray(0, sixPixels.length - 20);
  assert.match(checkImageStructure(cut), /^PNG: chunk IDAT at byte 33 ends past the end of the file$/);
  assert.equal(checkImageStructure(sixPixels.subarray(0, sixPixels.length - 12)), 'PNG: no IEND chunk');
  // Bigger, with several IDAT chunks: cut at each chunk boundary
  const raw = Buffer.alloc(64 * (1 + 64));
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  const one = pngFromRows(64, 64, 8, 0, raw);
  const body = one.subarray(33 + 8, one.length - 12 - 4); // the zlib stream
  const idats = [0, 1, 2, 3].map((k) => chunk('IDAT', body.subarray(k * (body.length >> 2), k === 3 ? body.length : (k + 1) * (body.length >> 2))));
  const multi = Buffer.concat([one.subarray(0, 33), ...idats, chunk('IEND', Buffer.alloc(0))]);
  let boundary = 33;
  for (const c of idats) {
    boundary += c.length;
    assert.equal(checkImageStructure(multi.subarray(0, boundary)), 'PNG: no IEND chunk', `cut after an IDAT at ${boundary}`);
  }
  refusedWhenCut(multi, 24, 'four IDAT chunks');
});

test('PNG: bytes after IEND are allowed; a missing IDAT, a bad first chunk or an absurd length are refused', () => {
  assert.equal(checkImageStructure(Buffer.concat([sixPixels, Buffer.from('trailing bytes')])), null);
  const ihdrOnly = Buffer.concat([sixPixels.subarray(0, 33), chunk('IEND', Buffer.alloc(0))]);
  assert.equal(checkImageStructure(ihdrOnly), 'PNG: no IDAT chunk before IEND');
  const huge = Buffer.from(sixPixels);
  huge.writeUInt32BE(0xfffffff0, 33);
  assert.match(checkImageStructure(huge), /^PNG: chunk IDAT claims \d+ bytes$/);
  const shortIhdr = Buffer.concat([SIGNATURE, chunk('IHDR', Buffer.alloc(12)), sixPixels.subarray(33)]);
  assert.equal(readImageHeader(shortIhdr)?.format, 'png');
  assert.equal(checkImageStructure(shortIhdr), 'PNG: the first chunk is not a 13-byte IHDR');
});

// ---- GIF ----

// A real 1 x 1 GIF89a: global colour table of 2, a graphic control extension, one image, the trailer.
const GIF = bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0], [255, 255, 255, 0, 0, 0],
  [0x21, 0xf9, 4, 1, 0, 0, 0, 0], [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0], [2, 2, 0x44, 0x01, 0], [0x3b]);

test('GIF: the blocks are walked to the trailer; any cut is refused', () => {
  assert.deepEqual(readImageHeader(GIF), { format: 'gif', width: 1, height: 1 });
  refusedWhenCut(GIF, 10, '1x1.gif');
  assert.equal(checkImageStructure(GIF.subarray(0, GIF.length - 1)), 'GIF: no trailer (3B): the file is cut short');
  // A local colour table and an application extension are skipped over correctly.
  const withTables = bytes('GIF89a', [2, 0, 1, 0, 0x00, 0, 0],
    [0x21, 0xff, 11], 'NETSCAPE2.0', [3, 1, 0, 0, 0],
    [0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0x81], [0, 0, 0, 255, 255, 255, 1, 2, 3, 4, 5, 6], [2, 2, 0x44, 0x01, 0], [0x3b]);
  refusedWhenCut(withTables, 10, 'a GIF with a local colour table');
  assert.equal(checkImageStructure(bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0], [0x3b])), 'GIF: no image before the trailer');
});

// ---- WebP ----

// A real 1 x 1 lossless WebP.
const WEBP = bytes('RIFF', [0x1a, 0, 0, 0], 'WEBPVP8L', [0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0]);

test('WebP: the RIFF size must fit in the file', () => {
  assert.deepEqual(readImageHeader(WEBP), { format: 'webp', width: 1, height: 1 });
  refusedWhenCut(WEBP, 16, '1x1.webp');
  assert.equal(checkImageStructure(WEBP.subarray(0, 30)), 'WebP: the RIFF size is larger than the file');
});

// ---- BMP ----

function bmp(width, height, bits) {
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  const file = Buffer.alloc(54 + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(-height, 22); // top-down
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bits, 28);
  return file;
}

test('BMP: the pixel rows must fit in the file', () => {
  const file = bmp(5, 3, 24);
  assert.deepEqual(readImageHeader(file), { format: 'bmp', width: 5, height: 3 });
  refusedWhenCut(file, 26, '5x3.bmp');
  assert.equal(checkImageStructure(file.subarray(0, file.length - 1)), 'BMP: the pixel rows end past the end of the file');
});

// ---- JPEG ----

/** A JPEG's segments around a fake scan: the structure check does not decode. */
function jpeg({ thumbnail = false } = {}) {
  const seg = (marker, body) => bytes([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255], body);
  const exif = thumbnail
    ? seg(0xe1, bytes('Exif\0\0', 'MM\0\x2a\0\0\0\x08\0\0', [0xff, 0xd8, 0xff, 0xd9])) // a thumbnail's own SOI ... EOI
    : Buffer.alloc(0);
  return bytes([0xff, 0xd8], seg(0xe0, bytes('JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0])), exif,
    seg(0xdb, bytes([0], Array(64).fill(1))),
    seg(0xc0, bytes([8, 0, 16, 0, 24, 1, 1, 0x11, 0])), // 24 x 16, one component
    seg(0xc4, bytes([0], Array(16).fill(0).map((_, i) => (i === 0 ? 1 : 0)), [0])),
    seg(0xda, bytes([1, 1, 0, 0, 63, 0])),
    [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0x78, 0x9a], // entropy data with a stuffed FF and a restart marker
    [0xff, 0xd9]);
}

test('JPEG: an end-of-image marker after the scan; one in an EXIF thumbnail does not count', () => {
  const file = jpeg();
  assert.deepEqual(readImageHeader(file), { format: 'jpeg', width: 24, height: 16 });
  refusedWhenCut(file, 3, 'a JPEG');
  assert.equal(checkImageStructure(file.subarray(0, file.length - 2)), 'JPEG: no end-of-image marker (FF D9) after the scan');
  const withThumb = jpeg({ thumbnail: true });
  assert.equal(checkImageStructure(withThumb), null);
  assert.equal(checkImageStructure(withThumb.subarray(0, withThumb.length - 4)), 'JPEG: no end-of-image marker (FF D9) after the scan');
  // A camera's trailer after the end of the image is allowed.
  assert.equal(checkImageStructure(Buffer.concat([file, Buffer.from('SEFT trailer bytes')])), null);
  // Stray bytes between two segments are skipped, as decoders skip them.
  const stray = Buffer.concat([file.subarray(0, 20), Buffer.from([0, 0, 0]), file.subarray(20)]);
  assert.equal(file[20], 0xff, 'a segment starts at byte 20');
  refusedWhenCut(stray, 3, 'a JPEG with stray bytes');
});

// ---- the rest ----

test('files that are not images, or formats not walked here, are left to the decoder', () => {
  assert.equal(checkImageStructure(Buffer.from('These are my notes, not a picture.\n')), null);
  assert.equal(checkImageStructure(Buffer.alloc(0)), null);
  assert.equal(checkImageStructure(bytes([0, 0, 0, 0x1c], 'ftypavif', Array(20).fill(0))), null);
});

test('the decode budget is 50 megapixels: a 48-megapixel photo is under it, 20000 x 20000 is not', () => {
  assert.equal(MAX_DECODE_PIXELS, 50_000_000);
  assert.ok(8000 * 6000 <= MAX_DECODE_PIXELS);
  assert.ok(20000 * 20000 > MAX_DECODE_PIXELS);
});
