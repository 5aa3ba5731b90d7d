// formula.js - the sum behind one output pixel, written the lesson's way:
//
//   Z[j1, j2] = Σ W[k1, k2] · X[j1 + k1, j2 + k2]
//
// with the stride and padding terms only when they matter (s·j1 when the
// stride s is above 1, − p when p rows or columns of padding come before the
// image), each explained, and the same index with this pixel's numbers.
// Pure (no DOM); tested in node (tests/node/kernels-layer.test.mjs).
import { padBefore } from './arithmetic.js';
import { CHANNEL_NAMES } from './state.js';

/**
 * An input index along one axis: "j1 + k1", "2·j1 + k1", "j1 + k1 − 1", ...
 * @param {string} j  the output index's name
 * @param {string} k  the kernel index's name
 * @param {number} s  the stride
 * @param {number} p  padding before the image
 */
export function indexTerm(j, k, s, p) {
  return `${s > 1 ? `${s}·` : ''}${j} + ${k}${p ? ` − ${p}` : ''}`;
}

/**
 * The same index for one output pixel, with its numbers: "3 + k1", "k1 − 1", "k1".
 * @param {number} start  j·s − p, the first input row (or column) the kernel covers
 * @param {string} k
 */
export function startTerm(start, k) {
  if (start === 0) return k;
  return start > 0 ? `${start} + ${k}` : `${k} − ${-start}`;
}

/**
 * The step-by-step's formula for output pixel (j1, j2) of a result's request
 * `params` ({ op, mode, k1, k2, pad, stride, channels? }): { general, here,
 * notes }: the sum with the symbols, the sum for this pixel, and a sentence
 * for each of the stride and the padding that appear in them.
 * `channel`: the one channel asked about (a plane per channel), if any;
 * `map`: the layer's map n.
 * @param {any} params
 * @param {number} j1
 * @param {number} j2
 * @param {{ channel?: number, map?: number }} [which]
 */
export function stepFormula(params, j1, j2, { channel, map = 0 } = {}) {
  const s = params.stride;
  const k1 = params.op === 'magnitude' ? 3 : params.k1, k2 = params.op === 'magnitude' ? 3 : params.k2;
  const p1 = padBefore(k1, params.pad), p2 = padBefore(k2, params.pad);
  const idx = `${indexTerm('j1', 'k1', s, p1)}, ${indexTerm('j2', 'k2', s, p2)}`;
  const at = `${startTerm(j1 * s - p1, 'k1')}, ${startTerm(j2 * s - p2, 'k2')}`;
  const range = `k1 < ${k1}, k2 < ${k2}`;
  let general, here;
  if (params.op === 'magnitude') {
    general = `gx = Σ Gx[k1, k2] · X[${idx}], gy = Σ Gy[k1, k2] · X[${idx}], Z[j1, j2] = √(gx² + gy²)  (${range})`;
    here = `Z[${j1}, ${j2}] = √(gx² + gy²), gx = Σ Gx[k1, k2] · X[${at}], gy likewise with Gy`;
  } else if (params.op === 'layer') {
    const c = params.channels;
    general = `Z[j1, j2, n] = ReLU( Σ over c < ${c} and ${range} of W_n[k1, k2, c] · X[${idx}, c] + b_n )`;
    here = `Z[${j1}, ${j2}, ${map}] = ReLU( Σ W_${map}[k1, k2, c] · X[${at}, c] + b_${map} )`;
    if (!params.relu) {
      general = general.replace(/^(Z\[j1, j2, n\] = )ReLU\( (.*) \)$/, '$1$2');
      here = here.replace(/^(Z\[\d+, \d+, \d+\] = )ReLU\( (.*) \)$/, '$1$2');
    }
  } else if (params.mode === 'sum') {
    general = `Z[j1, j2] = Σ over c = R, G, B and ${range} of W_c[k1, k2] · X_c[${idx}] + b`;
    here = `Z[${j1}, ${j2}] = Σ_c Σ W_c[k1, k2] · X_c[${at}] + b`;
  } else if (params.mode === 'channels') {
    const c = channel === undefined ? 'c' : CHANNEL_NAMES[channel];
    general = `Z_${c}[j1, j2] = Σ over ${range} of W[k1, k2] · X_${c}[${idx}]${channel === undefined ? ', for each channel c = R, G, B' : ''}`;
    here = `Z_${c}[${j1}, ${j2}] = Σ W[k1, k2] · X_${c}[${at}]`;
  } else {
    general = `Z[j1, j2] = Σ over ${range} of W[k1, k2] · X[${idx}]`;
    here = `Z[${j1}, ${j2}] = Σ W[k1, k2] · X[${at}]`;
  }
  const notes = [];
  if (s > 1) {
    notes.push(`Stride s = ${s}: the kernel moves ${s} pixels for each output pixel, so output row j1 starts at input row ${s}·j1 `
      + `and output column j2 at input column ${s}·j2.`);
  }
  if (p1 || p2) {
    const what = params.pad === 'zero' ? 'zeros' : params.pad === 'reflect' ? 'mirrored pixels' : 'copies of the edge pixels';
    const sides = [p1 ? `${p1} row${p1 > 1 ? 's' : ''} above` : '', p2 ? `${p2} column${p2 > 1 ? 's' : ''} to the left` : ''].filter(Boolean).join(' and ');
    notes.push(`${params.pad[0].toUpperCase()}${params.pad.slice(1)} padding puts ${sides} of the image (${what}), `
      + `so the patch of output pixel (0, 0) starts there: that is the − ${p1 && p2 && p1 !== p2 ? `${p1} and − ${p2}` : p1 || p2}.`);
  }
  return { general, here, notes };
}
