// bands.js - a filter of the kernels page computed in bands of output rows,
// each by its own engine (the page's worker and its helpers: team.js), with
// the same bits as one whole-image call (tests/wasm/bands.test.mjs).
//
// A band of output rows r0..r1-1 is one engine call on a strip of the
// image's rows, read in place from the kept bytes: the rows it needs, plus
// room so that the strip's own padding never reaches them. Output row r reads
// input rows r*s - p1 .. r*s - p1 + k1 - 1 (s the stride, p1 the padding
// before, cl_conv_pad_before). A strip that starts at input row b0, a
// multiple of s, makes output row r at its row r - b0/s from the same input
// rows, so every value is the whole call's: the engine sums a pixel's
// products in the same order wherever the pixel is. A strip that touches the
// image's top or bottom row keeps that edge, where the padding is the
// image's own (and is then at least k1 + 1 rows, so that reflect padding
// folds as on the whole image). Rows of the strip's output outside the band
// (about (p1 + k1) / s at each end) are thrown away.
import { DISPLAY } from '../lib/limits.js';

/**
 * A kernels-page filter as the engine takes it (filterImage's arguments, worker.js's `q`).
 * @typedef {object} BandFilter
 * @property {'gray' | 'per-channel' | 'sum' | 'magnitude'} mode
 * @property {Float32Array} kernels
 * @property {number} k1
 * @property {number} k2
 * @property {number} pad  PAD.*
 * @property {number} stride
 * @property {number} bias
 */

/**
 * Output rows 0..oh-1 in n bands as even as can be, in order: [[r0, r1], ...]
 * (fewer than n when there are fewer rows).
 * @param {number} oh
 * @param {number} n
 * @returns {[number, number][]}
 */
export function splitRows(oh, n) {
  const count = Math.max(1, Math.min(n, oh));
  return Array.from({ length: count }, (_, i) => /** @type {[number, number]} */ ([Math.floor((i * oh) / count), Math.floor(((i + 1) * oh) / count)]));
}

/**
 * The strip of input rows b0..b1-1 that makes output rows r0..r1-1 (of an
 * image of h rows) as the whole-image call does, and the strip's output row
 * i0 that is output row r0.
 * @param {number} r0
 * @param {number} r1
 * @param {number} h  the image's rows
 * @param {number} k1  the kernel's rows
 * @param {number} p1  padding rows before (cl_conv_pad_before)
 * @param {number} stride
 */
export function stripOf(r0, r1, h, k1, p1, stride) {
  const top = r0 * stride - p1;
  let b0 = top <= 0 ? 0 : stride * Math.floor(top / stride);
  const end = (r1 - 1) * stride - p1 + k1; // one past the last input row the band reads
  let b1 = end >= h ? h : end;
  // A strip that keeps an edge of the image is at least k1 + 1 rows, so that
  // reflect padding there folds once, as on the whole image (rows added on
  // the strip's inner side only make outputs that are thrown away).
  if (b0 === 0) b1 = Math.max(b1, Math.min(h, k1 + 1));
  if (b1 === h) b0 = Math.min(b0, stride * Math.floor(Math.max(0, h - k1 - 1) / stride));
  return { b0, b1, i0: r0 - b0 / stride };
}

/**
 * Output rows r0..r1-1 of filter q on the kept RGBA bytes `image`
 * ({ ptr, width, height }, cl.keepRGBA), by one engine call on their strip.
 * Writes the values and the clamped bytes (display clamp: every byte its own
 * value's) into `out`, whose arrays hold rows row0..row0+rows-1 of every
 * plane: z (planes x rows x ow floats), rgba (rows x ow x 4 bytes). Returns
 * the largest |value| of the band (the engine's, NaN ignored).
 * @param {any} cl  the engine (lib/convlab.js)
 * @param {{ ptr: number, width: number, height: number }} image
 * @param {BandFilter} q
 * @param {number} r0
 * @param {number} r1
 * @param {{ z: Float32Array, rgba: Uint8ClampedArray | Uint8Array, row0: number, rows: number }} out
 */
export function filterBand(cl, image, q, r0, r1, out) {
  const { width: w, height: h } = image;
  const k1 = q.mode === 'magnitude' ? 3 : q.k1;
  const { b0, b1, i0 } = stripOf(r0, r1, h, k1, cl.padBefore(k1, q.pad), q.stride);
  const strip = { ptr: image.ptr + 4 * b0 * w, width: w, height: b1 - b0 };
  const r = cl.filterImage(strip, { ...q, display: DISPLAY.clamp });
  const { width: ow, height: sh, planes } = r;
  const n = (r1 - r0) * ow;
  const z = r.values;
  let max = 0;
  for (let p = 0; p < planes; p++) {
    const from = (p * sh + i0) * ow;
    const band = z.subarray(from, from + n);
    const m = cl.viewMaxAbs(band);
    if (m > max) max = m;
    out.z.set(band, (p * out.rows + r0 - out.row0) * ow);
  }
  out.rgba.set(r.rgba.subarray(4 * i0 * ow, 4 * (i0 * ow + n)), 4 * (r0 - out.row0) * ow);
  return max;
}
