// image-header.js - what an image file's first bytes say (format, width,
// height) and whether the whole file is there, by its format's structure,
// without decoding it. Used by image-source.js before it decodes a file (and
// re-exported there), so that every browser engine answers alike and a huge
// file is refused before a decoder tries it.
//
//   import { readImageHeader, checkImageStructure } from './image-header.js';
//   readImageHeader(bytes)      // { format: 'png', width: 451, height: 300 } or null
//   checkImageStructure(bytes)  // null when complete, else e.g. 'PNG: no IEND chunk'

/**
 * What the first bytes say: { format, width, height } (format 'png', 'jpeg',
 * 'gif', 'webp', 'bmp'; width/height undefined when the header does not give
 * them), or null when the bytes do not start like any of these. For JPEG the
 * size is the displayed one (EXIF orientation applied).
 */
export function readImageHeader(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = (i, s) => [...s].every((ch, k) => b[i + k] === ch.charCodeAt(0));
  if (b.length >= 24 && b[0] === 0x89 && at(1, 'PNG\r\n\x1a\n') && at(12, 'IHDR')) {
    return { format: 'png', width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (b.length >= 10 && (at(0, 'GIF87a') || at(0, 'GIF89a'))) {
    return { format: 'gif', width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: 'jpeg', ...jpegSize(b, dv) };
  if (b.length >= 16 && at(0, 'RIFF') && at(8, 'WEBP')) return { format: 'webp', ...webpSize(b, dv) };
  if (b.length >= 26 && at(0, 'BM')) {
    return { format: 'bmp', width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
  }
  return null;
}

/**
 * Whether the whole file is there, by its format's structure (no decoding):
 * null when it is complete (or its format is not one checked here), else a
 * short reason in English for tests and logs, e.g. 'PNG: no IEND chunk'.
 *   PNG   the chunks, each inside the file, from IHDR through IDAT to IEND
 *   JPEG  an end-of-image marker (FF D9) after the first start-of-scan
 *   GIF   the blocks, each inside the file, up to the trailer (3B)
 *   WebP  the RIFF size fits in the file
 *   BMP   the pixel rows fit in the file (uncompressed BMPs)
 * Bytes after the end (a camera's trailer, padding) are allowed, as browsers
 * allow them.
 */
export function checkImageStructure(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const head = readImageHeader(b);
  if (!head) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (head.format) {
    case 'png': return pngStructure(b, dv);
    case 'jpeg': return jpegStructure(b);
    case 'gif': return gifStructure(b);
    case 'webp': return dv.getUint32(4, true) + 8 > b.length ? 'WebP: the RIFF size is larger than the file' : null;
    case 'bmp': return bmpStructure(b, dv);
    default: return null;
  }
}

// ---- private ----

function pngStructure(b, dv) {
  let pos = 8, first = true, idat = false;
  while (pos + 8 <= b.length) {
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]);
    if (len > 0x7fffffff) return `PNG: chunk ${type} claims ${len} bytes`;
    if (pos + 12 + len > b.length) return `PNG: chunk ${type} at byte ${pos} ends past the end of the file`;
    if (first && (type !== 'IHDR' || len !== 13)) return 'PNG: the first chunk is not a 13-byte IHDR';
    first = false;
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') return idat ? null : 'PNG: no IDAT chunk before IEND';
    pos += 12 + len;
  }
  return 'PNG: no IEND chunk';
}

// After the first SOS the entropy-coded data holds FF only as FF 00 or a restart
// marker (FF D0-D7): an FF D9 there is the end of the image, not data.
function jpegStructure(b) {
  let sos = -1;
  for (let i = 2; i + 3 < b.length;) {
    if (b[i] !== 0xff) { i++; continue; } // stray bytes before a marker: decoders skip them too
    const m = b[i + 1];
    if (m === 0xff) { i++; continue; }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) { i += 2; continue; }
    if (m === 0xd9) return 'JPEG: the image ends before its first scan';
    const next = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (m === 0xda) { sos = next; break; }
    i = next;
  }
  if (sos < 0 || sos > b.length) return 'JPEG: no start of scan';
  for (let i = b.length - 2; i >= sos; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return null;
  return 'JPEG: no end-of-image marker (FF D9) after the scan';
}

function gifStructure(b) {
  let pos = 13;
  const table = (flags) => (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  pos += table(b[10]);
  // sub-blocks: a size byte, that many bytes, ..., a 0 size byte
  const skipBlocks = (p) => {
    while (p < b.length && b[p] !== 0) p += 1 + b[p];
    return p < b.length ? p + 1 : -1;
  };
  let images = 0;
  while (pos < b.length) {
    const kind = b[pos];
    if (kind === 0x3b) return images ? null : 'GIF: no image before the trailer';
    if (kind === 0x21) pos = skipBlocks(pos + 2);
    else if (kind === 0x2c) {
      if (pos + 10 > b.length) break;
      pos = skipBlocks(pos + 10 + table(b[pos + 9]) + 1);
      images++;
    } else return `GIF: an unknown block (${kind}) at byte ${pos}`;
    if (pos < 0) break;
  }
  return 'GIF: no trailer (3B): the file is cut short';
}

function bmpStructure(b, dv) {
  if (b.length < 34) return 'BMP: the header is cut short';
  const offset = dv.getUint32(10, true), width = Math.abs(dv.getInt32(18, true)), height = Math.abs(dv.getInt32(22, true));
  const bits = dv.getUint16(28, true), compression = dv.getUint32(30, true);
  if (compression !== 0 && compression !== 3) return null; // RLE and embedded JPEG/PNG: left to the decoder
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  return offset + rowBytes * height > b.length ? 'BMP: the pixel rows end past the end of the file' : null;
}

// JPEG: walk the segments to the first start-of-frame; read the EXIF
// orientation on the way (5-8 swap width and height when displayed).
function jpegSize(b, dv) {
  let i = 2, orientation = 1;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return {};
    const m = b[i + 1];
    if (m === 0xff) { i++; continue; }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) { i += 2; continue; }
    const len = dv.getUint16(i + 2);
    if (m === 0xe1 && b[i + 4] === 0x45 && b[i + 5] === 0x78 && b[i + 6] === 0x69 && b[i + 7] === 0x66) {
      orientation = exifOrientation(dv, i + 10, Math.min(b.length, i + 2 + len)) ?? orientation;
    }
    const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (sof) {
      const h = dv.getUint16(i + 5), w = dv.getUint16(i + 7);
      return orientation >= 5 && orientation <= 8 ? { width: h, height: w } : { width: w, height: h };
    }
    i += 2 + len;
  }
  return {};
}

function exifOrientation(dv, tiff, end) {
  if (tiff + 8 > end) return undefined;
  const little = dv.getUint16(tiff) === 0x4949;
  const ifd = tiff + dv.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return undefined;
  const n = dv.getUint16(ifd, little);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > end) return undefined;
    if (dv.getUint16(e, little) === 0x0112) return dv.getUint16(e + 8, little);
  }
  return undefined;
}

function webpSize(b, dv) {
  const tag = String.fromCharCode(b[12], b[13], b[14], b[15]);
  if (tag === 'VP8 ' && b.length >= 30) return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  if (tag === 'VP8L' && b.length >= 25) {
    const bits = dv.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (tag === 'VP8X' && b.length >= 30) {
    return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
  }
  return {};
}
