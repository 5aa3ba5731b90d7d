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
 * The q-th quantile of |value| (nearest rank: the smallest p with at least a
 * fraction q of the values at or below it), and how many values lie above it.
 * Exact, in two passes over the values (three without `max`): a histogram
 * finds p's bin, whose values alone are sorted; the values above p are those
 * of the bins above and those above p in its bin (a value's bin grows with it).
 * Returns { p, above, max, count }.
 * @param {ArrayLike<number>} values
 * @param {number} q  0 < q <= 1
 * @param {number} [max]  the largest |value| when it is known (the engine's, say)
 */
export function percentileAbs(values, q, max = undefined) {
  if (values instanceof Float32Array) return percentileAbsF32(values, q, max);
  const count = values.length;
  if (max === undefined) {
    max = 0;
    for (let i = 0; i < count; i++) max = Math.max(max, Math.abs(values[i]));
  }
  if (count === 0 || max === 0) return { p: 0, above: 0, max, count };
  const bins = 4096, scale = (bins - 1) / max;
  const hist = new Uint32Array(bins);
  for (let i = 0; i < count; i++) hist[Math.floor(Math.abs(values[i]) * scale)]++;
  const rank = Math.max(1, Math.ceil(q * count));
  let below = 0, bin = 0;
  while (below + hist[bin] < rank) below += hist[bin++];
  const inBin = new Float64Array(hist[bin]);
  for (let i = 0, k = 0; i < count; i++) {
    const a = Math.abs(values[i]);
    if (Math.floor(a * scale) === bin) inBin[k++] = a;
  }
  inBin.sort();
  const p = inBin[rank - below - 1];
  let above = 0;
  for (let b = bin + 1; b < bins; b++) above += hist[b];
  for (let k = rank - below; k < inBin.length; k++) if (inBin[k] > p) above++;
  return { p, above, max, count };
}

/**
 * percentileAbs() of float32 values (an engine result), the same answer
 * faster: a value's bin is the top 16 bits of |value|'s bit pattern, which
 * grows with |value| (IEEE 754 orders non-negative numbers as their bits), so
 * no float arithmetic per value. Values must not be NaN.
 * @param {Float32Array} values
 * @param {number} q
 * @param {number} [max]
 */
function percentileAbsF32(values, q, max = undefined) {
  const count = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, count);
  const hist = new Uint32Array(1 << 15);
  for (let i = 0; i < count; i++) hist[(bits[i] & 0x7fffffff) >>> 16]++;
  if (max === undefined) {
    let top = hist.length - 1;
    while (top > 0 && hist[top] === 0) top--;
    max = 0;
    for (let i = 0; i < count; i++) if (((bits[i] & 0x7fffffff) >>> 16) === top) max = Math.max(max, Math.abs(values[i]));
  }
  if (count === 0 || max === 0) return { p: 0, above: 0, max, count };
  const rank = Math.max(1, Math.ceil(q * count));
  let below = 0, bin = 0;
  while (below + hist[bin] < rank) below += hist[bin++];
  const inBin = new Float64Array(hist[bin]);
  for (let i = 0, k = 0; i < count; i++) if (((bits[i] & 0x7fffffff) >>> 16) === bin) inBin[k++] = Math.abs(values[i]);
  inBin.sort();
  const p = inBin[rank - below - 1];
  let above = 0;
  for (let b = bin + 1; b < hist.length; b++) above += hist[b];
  for (let k = rank - below; k < inBin.length; k++) if (inBin[k] > p) above++;
  return { p, above, max, count };
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
