// colour.js - the lab's one palette for signed values: the engine's diverging
// map (cl_image.c, CL_DIVERGING_*), blue for negative, white for 0, red for
// positive. Pages draw weights and feature maps with it, so a student sees
// the same reds and blues as in the engine's own pictures;
// tests/wasm/limits.test.mjs checks it byte for byte against the engine.
import { DIVERGING } from './limits.js';

const f = Math.fround;

/** Round half to even, as C's nearbyintf in the default rounding mode. */
function nearbyint(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The engine's to_byte: NaN and below 0 to 0, above 255 to 255, else the nearest (halves to even). */
function toByte(v) {
  if (!(v > 0)) return 0;
  if (v > 255) return 255;
  return nearbyint(v);
}

/**
 * The colour of t in [-1, 1] (beyond it: the end colours; NaN: white), as
 * [r, g, b] bytes, computed as the engine computes it (in float32).
 * @param {number} t
 * @returns {[number, number, number]}
 */
export function diverging(t) {
  let v = f(t);
  if (!(v === v)) v = 0;
  const end = v < 0 ? DIVERGING.blue : DIVERGING.red;
  const a = Math.abs(v);
  const u = a > 1 ? 1 : a;
  const w = DIVERGING.white;
  // white + (end - white) * u, each step rounded to float32 as in C
  return /** @type {[number, number, number]} */ ([0, 1, 2].map((ch) => toByte(f(w[ch] + f(f(end[ch] - w[ch]) * u)))));
}

/**
 * Values as RGBA bytes on the diverging map scaled by `inv` (1 / the largest
 * |value|, as the engine scales them): what cl_image_to_rgba draws.
 * @param {ArrayLike<number>} values
 * @param {number} inv
 * @param {Uint8ClampedArray} [out]
 */
export function divergingRGBA(values, inv, out = new Uint8ClampedArray(4 * values.length)) {
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = diverging(f(values[i] * inv));
    out[4 * i] = r; out[4 * i + 1] = g; out[4 * i + 2] = b; out[4 * i + 3] = 255;
  }
  return out;
}

/**
 * A CSS colour for [r, g, b].
 * @param {ArrayLike<number>} rgb
 */
export const css = (rgb) => `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;

/** A CSS gradient of the map from -1 to +1 (for legends). */
export const DIVERGING_GRADIENT = `linear-gradient(to right, ${css(DIVERGING.blue)}, ${css(DIVERGING.white)}, ${css(DIVERGING.red)})`;

/** Relative luminance of sRGB bytes, 0 (black) to 1 (white), to pick dark or light ink over a colour. */
export function luminance(r, g, b) {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
