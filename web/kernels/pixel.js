// pixel.js - one output pixel of the kernels page's filter, worked out on
// demand from the image's bytes (worker.js): the patch the kernel covers, as
// the engine reads it (padding included), and its sum, by the engine on that
// patch alone. So the page keeps no float planes of the whole image for the
// numbers under the cursor: they cost one k1 x k2 convolution.
//
// The engine sums a pixel's products in the same order wherever the pixel
// is, and a padded tap it skips adds nothing here either (its byte is 0, so
// its product is 0, which leaves a sum unchanged but for the sign of a zero):
// the value is the one the whole-image call makes (tests/wasm/pixel.test.mjs).
import { PAD, DISPLAY } from '../lib/limits.js';

/**
 * @typedef {object} PixelFilter  what the engine computed (filterImage's arguments)
 * @property {'gray' | 'per-channel' | 'sum' | 'magnitude'} mode
 * @property {Float32Array} kernels  kc * k1 * k2 (unused for 'magnitude')
 * @property {number} k1  3 for 'magnitude'
 * @property {number} k2
 * @property {number} pad  PAD.*
 * @property {number} stride
 * @property {number} bias  added by 'sum' only
 */

/**
 * Output pixel (j1, j2) of `q` on the kept RGBA bytes `image` ({ ptr, width, height }, cl.keepRGBA).
 * gray: the patch is read as the luma plane (else as R, G, B).
 * Returns { channels: [{ x, src }], z }: per input plane the k1*k2 values the
 * kernel covers, row by row (null where padding puts a zero) and where each
 * comes from ([iy, ix], or null); z: the pixel's value in every output plane.
 * @param {any} cl  the engine (lib/convlab.js)
 * @param {{ ptr: number, width: number, height: number }} image
 * @param {PixelFilter} q
 * @param {boolean} gray
 * @param {number} j1
 * @param {number} j2
 */
export function pixelAt(cl, image, q, gray, j1, j2) {
  const { width: w, height: h } = image;
  const k1 = q.mode === 'magnitude' ? 3 : q.k1, k2 = q.mode === 'magnitude' ? 3 : q.k2;
  const p1 = cl.padBefore(k1, q.pad), p2 = cl.padBefore(k2, q.pad);
  const bytes = cl.keptBytes(image);
  // the patch as a k1 x k2 image of its own; padding's zeros are black pixels
  const patch = new Uint8ClampedArray(4 * k1 * k2);
  const src = [];
  for (let a = 0; a < k1; a++) {
    const iy = cl.padIndex(j1 * q.stride + a - p1, h, q.pad);
    for (let b = 0; b < k2; b++) {
      const ix = cl.padIndex(j2 * q.stride + b - p2, w, q.pad);
      const at = 4 * (a * k2 + b);
      if (iy >= 0 && ix >= 0) {
        patch.set(bytes.subarray(4 * (iy * w + ix), 4 * (iy * w + ix) + 3), at);
        src.push([iy, ix]);
      } else {
        src.push(null);
      }
      patch[at + 3] = 255;
    }
  }
  const img = { data: patch, width: k2, height: k1 };
  const x = cl.toPlanar(img, gray);
  const r = cl.filterImage(img, {
    kernels: q.kernels, k1, k2, mode: q.mode, pad: PAD.valid, stride: 1, bias: q.bias, display: DISPLAY.clamp,
  });
  const z = Array.from(r.values);
  const n = k1 * k2;
  const channels = [];
  for (let ch = 0; ch < x.length / n; ch++) {
    channels.push({ x: src.map((s, i) => (s ? x[ch * n + i] : null)), src: src.slice() });
  }
  return { channels, z };
}
