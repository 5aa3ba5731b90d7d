// bands.js - a filter of the kernels page computed in bands of output rows,
// each by its own engine (the page's worker and its helpers: team.js), with
// the same bits as one whole-image call (tests/wasm/bands.test.mjs).
//
// A band of output rows r0..r1-1 is one engine call on the kept bytes of the
// whole image, told to make those rows only (filterImage's `rows`): it reads
// the input rows they need, padding where the whole image's padding is, and
// sums each pixel's products in the same order as the whole call.
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
 * Output rows r0..r1-1 of filter q on the kept RGBA bytes `image`
 * ({ ptr, width, height }, cl.keepRGBA), by one engine call. Writes the
 * clamped bytes (display clamp: every byte its own value's) and, when out.z
 * is given, the values into `out`, whose arrays hold rows row0..row0+rows-1
 * of every plane: z (planes x rows x ow floats, or null: the engine then
 * keeps no float planes), rgba (rows x ow x 4 bytes). Returns the largest
 * |value| of the band (the engine's, NaN ignored).
 * @param {any} cl  the engine (lib/convlab.js)
 * @param {{ ptr: number, width: number, height: number }} image
 * @param {BandFilter} q
 * @param {number} r0
 * @param {number} r1
 * @param {{ z: Float32Array | null, rgba: Uint8ClampedArray | Uint8Array, row0: number, rows: number }} out
 */
export function filterBand(cl, image, q, r0, r1, out) {
  const r = cl.filterImage(image, { ...q, display: DISPLAY.clamp, rows: [r0, r1], values: out.z !== null });
  const { width: ow, planes } = r;
  const n = (r1 - r0) * ow;
  if (out.z) {
    for (let p = 0; p < planes; p++) out.z.set(r.values.subarray(p * n, (p + 1) * n), (p * out.rows + r0 - out.row0) * ow);
  }
  out.rgba.set(r.rgba, 4 * (r0 - out.row0) * ow);
  return r.maxAbs;
}
