// arithmetic.js - the numbers the kernels page writes out about a convolution,
// with the same rules as core/cl_conv.h: the output-shape formula, the padding
// before the image, which input pixels a kernel covers, and numbers as the
// page prints them. Pure (no DOM, no engine); tested in node
// (tests/node/kernels-state.test.mjs). The convolution itself runs in the engine.

/**
 * A number as the page writes it: whole numbers as they are, others with up
 * to `digits` decimals, trailing zeros dropped; '–' for none.
 * @param {number | null | undefined} v
 * @param {number} [digits]
 */
export function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Object.is(v, -0)) v = 0;
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(digits).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * "a + b − c" for a list of numbers: a minus sign, not "+ -c".
 * @param {number[]} values
 * @param {number} [digits]
 */
export function signedSum(values, digits = 3) {
  return values.map((t, i) => (i === 0 ? fmt(t, digits) : t < 0 ? `− ${fmt(-t, digits)}` : `+ ${fmt(t, digits)}`)).join(' ');
}

/**
 * The text a cell gets for an engine preset value (short, exact enough to sum to 1 within 1e-4).
 * @param {number} v
 */
export function cellText(v) {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * Rows (or columns) of padding before the image: (K - 1) / 2 rounded down, 0 for valid (cl_conv_pad_before).
 * @param {number} k
 * @param {string} pad
 */
export function padBefore(k, pad) {
  return pad === 'valid' ? 0 : Math.floor((k - 1) / 2);
}

/**
 * The output size along one axis, with the formula written out:
 *   n input size, k kernel size, pad mode, s stride.
 * Returns { out, before, after, total, text } (out < 1 means no output).
 * @param {number} n
 * @param {number} k
 * @param {string} pad
 * @param {number} s
 */
export function axisFormula(n, k, pad, s) {
  const before = padBefore(k, pad);
  const total = pad === 'valid' ? 0 : k - 1;
  const after = total - before;
  const out = Math.floor((n - k + total) / s) + 1;
  const div = s === 1 ? `(${n} − ${k} + ${total}) / 1` : `⌊(${n} − ${k} + ${total}) / ${s}⌋`;
  return { out, before, after, total, text: `${div} + 1 = ${out}` };
}

/**
 * Both axes of the output of a k1 x k2 kernel on an h x w image.
 * @param {number} h
 * @param {number} w
 * @param {number} k1
 * @param {number} k2
 * @param {string} pad
 * @param {number} stride
 */
export function outShape(h, w, k1, k2, pad, stride) {
  return { rows: axisFormula(h, k1, pad, stride), cols: axisFormula(w, k2, pad, stride) };
}

/**
 * Moves a kernel's cells to a new size, keeping the centre where it was; new cells are '0'.
 * @param {string[]} cells  k1 x k2, row by row
 * @param {number} k1
 * @param {number} k2
 * @param {number} n1
 * @param {number} n2
 */
export function resizeCells(cells, k1, k2, n1, n2) {
  const out = new Array(n1 * n2).fill('0');
  const d1 = Math.floor((n1 - 1) / 2) - Math.floor((k1 - 1) / 2);
  const d2 = Math.floor((n2 - 1) / 2) - Math.floor((k2 - 1) / 2);
  for (let a = 0; a < k1; a++) {
    for (let b = 0; b < k2; b++) {
      const r = a + d1, c = b + d2;
      if (r >= 0 && r < n1 && c >= 0 && c < n2) out[r * n2 + c] = cells[a * k2 + b];
    }
  }
  return out;
}

/**
 * @typedef {object} Geometry  what a computed result's kernel did (its filter request)
 * @property {number} k1       kernel rows (3 for the gradient magnitude)
 * @property {number} k2       kernel columns
 * @property {string} pad
 * @property {number} stride
 */

/**
 * The input rows and columns the kernel covers for output pixel (j1, j2):
 * { top, left, k1, k2, rows, cols } (indices below 0 or past the image are padding).
 * @param {Geometry} g
 * @param {number} j1
 * @param {number} j2
 */
export function patchOf({ k1, k2, pad, stride }, j1, j2) {
  const top = j1 * stride - padBefore(k1, pad);
  const left = j2 * stride - padBefore(k2, pad);
  return {
    top, left, k1, k2,
    rows: Array.from({ length: k1 }, (_, a) => top + a),
    cols: Array.from({ length: k2 }, (_, b) => left + b),
  };
}

/**
 * The output pixel whose patch is centred nearest to input pixel (y, x): [j1, j2] (not clamped).
 * @param {Geometry} g
 * @param {number} y
 * @param {number} x
 * @returns {[number, number]}
 */
export function pixelCentredAt({ k1, k2, pad, stride }, y, x) {
  return [Math.round((y + padBefore(k1, pad) - (k1 - 1) / 2) / stride), Math.round((x + padBefore(k2, pad) - (k2 - 1) / 2) / stride)];
}

/**
 * A weight as the step-by-step and the exercise write it: the number the
 * engine multiplies by (a float32), to 6 significant digits, so that a
 * Gaussian's 0.07511 is not shown as 0.075.
 * @param {number} v
 */
export function weightText(v) {
  if (Number.isInteger(v)) return String(v);
  const s = String(Number(v.toPrecision(6)));
  return s === '-0' ? '0' : s;
}
