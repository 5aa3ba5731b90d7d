// state.js - the kernels page's settings and their rules.
//
// No DOM and no engine here. The view a teacher shares is one plain object
// (defaultState(); link.js writes it to the URL hash and reads it back), and
// the rules of the page are pure functions of it: what a preset, a new size
// or a new mode does to the kernels, the engine request a view makes, and why
// a view cannot be computed (viewProblem()). Tested in node
// (tests/node/kernels-state.test.mjs).
import { SAMPLES } from '../lib/image-source.js';
import { cellText, outShape, resizeCells } from './arithmetic.js';
import { parseCell } from './typed.js';

export const SMALL_SIDE = 16; // images up to 16 x 16 are drawn as number matrices
// Longest side of a student's own image here: the class's photo (1050 x 700)
// fits; larger ones are scaled down (and told so) to keep edits interactive.
export const MAX_SIDE = 1280;

export const PADS = ['valid', 'zero', 'reflect', 'edge'];
export const MODES = ['gray', 'channels', 'sum'];
export const DISPLAYS = ['auto', 'clamp', 'abs', 'diverging'];
export const CHANNEL_NAMES = ['R', 'G', 'B'];
export const CHANNEL_COLOURS = ['red', 'green', 'blue'];

// The class's number matrices (../shared/LESSON.md): the dark dot, and a 5 x 5
// matrix of small numbers to slide the worked-example kernel over.
export const MATRICES = {
  dot: { label: 'The class’s dark dot (3 × 3 numbers)', h: 3, w: 3, values: [255, 255, 255, 255, 0, 255, 255, 255, 255] },
  grid5: {
    label: 'A 5 × 5 matrix of small numbers', h: 5, w: 5,
    values: [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1],
  },
};
export const IMAGE_IDS = [...Object.keys(MATRICES), ...SAMPLES.map((x) => x.name)];

// Presets. `engine` names the engine's preset (KERNEL in lib/limits.js); `size`
// is fixed for the classic 3 x 3 ones and null where any size works.
export const CLASS_KERNEL = ['0', '1', '2', '2', '2', '0', '0', '1', '2'];
export const PRESETS = [
  { id: 'class', label: 'The class’s example (3 × 3)', size: 3, cells: CLASS_KERNEL },
  { id: 'identity', label: 'Identity (copies the image)', engine: 'identity', size: null },
  { id: 'box', label: 'Uniform average (blur)', engine: 'box', size: null },
  { id: 'gaussian', label: 'Gaussian blur', engine: 'gaussian', size: null },
  { id: 'sobelX', label: 'Sobel Gx (vertical edges)', engine: 'sobelX', size: 3 },
  { id: 'sobelY', label: 'Sobel Gy (horizontal edges)', engine: 'sobelY', size: 3 },
  { id: 'magnitude', label: 'Gradient magnitude √(gx² + gy²), not linear', size: 3 },
  { id: 'sharpen', label: 'Sharpen', engine: 'sharpen', size: 3 },
  { id: 'laplacian', label: 'Laplacian (edges in every direction)', engine: 'laplacian', size: 3 },
  { id: 'emboss', label: 'Emboss', engine: 'emboss', size: 3 },
  { id: 'luma', label: 'Gray from colour: 1 × 1 kernels (multi-channel)', size: 1, sumOnly: true },
  { id: 'custom', label: 'Your own numbers', size: null },
];
export const LUMA_CELLS = [['0.299'], ['0.587'], ['0.114']];
// Presets made at any size: a new size makes them again rather than turning them into your own numbers.
const SIZE_FREE = ['identity', 'box', 'gaussian'];

/**
 * @typedef {object} Settings  the view a link holds
 * @property {string} image     a MATRICES or SAMPLES name, or 'own'
 * @property {string} mode      'gray', 'channels' or 'sum'
 * @property {number} k1        kernel rows
 * @property {number} k2        kernel columns
 * @property {string} preset    a PRESETS id
 * @property {number} sigma     the Gaussian's σ
 * @property {string[][]} kernels  three kernels' cells as typed (R, G, B; the first alone outside the 'sum' mode)
 * @property {boolean} normalise
 * @property {number} bias      added once to the multi-channel sum
 * @property {string} pad
 * @property {number} stride
 * @property {string} display
 * @property {number[]} sel     the selected output pixel [j1, j2]
 */

/** @param {string[]} cells */
const threeOf = (cells) => [cells.slice(), cells.slice(), cells.slice()];

/** @returns {Settings} */
export function defaultState() {
  return {
    image: 'dot', mode: 'gray', k1: 3, k2: 3, preset: 'class', sigma: 1, kernels: threeOf(CLASS_KERNEL),
    normalise: false, bias: 0, pad: 'valid', stride: 1, display: 'auto', sel: [0, 0],
  };
}

/**
 * One of the class's number matrices as an image (gray RGBA bytes).
 * @param {string} id  a MATRICES name
 */
export function matrixImage(id) {
  const m = MATRICES[id];
  const data = new Uint8ClampedArray(4 * m.h * m.w);
  m.values.forEach((v, i) => { data.set([v, v, v, 255], 4 * i); });
  return { data, width: m.w, height: m.h, name: m.label, gray: true };
}

/** @param {string} id */
export function presetById(id) { return PRESETS.find((p) => p.id === id); }
/** @param {Settings} s */
export function isMagnitude(s) { return s.preset === 'magnitude'; }
/** @param {Settings} s @returns {[number, number]} */
export function kernelSize(s) { return isMagnitude(s) ? [3, 3] : [s.k1, s.k2]; }
/** How many kernels a mode uses: three in the multi-channel sum, else one. @param {Settings} s */
export function kernelCount(s) { return s.mode === 'sum' ? 3 : 1; }
/** The output planes of a linear kernel: one in grayscale and in the sum, three per channel. @param {Settings} s */
export function planesOf(s) { return s.mode === 'channels' ? 3 : 1; }
/** The output planes of the view: the gradient magnitude keeps the image's channels. @param {Settings} s */
export function outPlanes(s) { return isMagnitude(s) ? (s.mode === 'gray' ? 1 : 3) : planesOf(s); }
/** The display asked for, except diverging colours on three planes, which show |value|. @param {Settings} s */
export function effectiveDisplay(s) { return s.display === 'diverging' && planesOf(s) !== 1 ? 'abs' : s.display; }
/** A kernel's name: W alone, W_R, W_G, W_B in the multi-channel sum. */
export const kernelName = (count, i) => (count === 1 ? 'W' : `W_${CHANNEL_NAMES[i]}`);
/** An output pixel's name: Z[j1, j2], or Z_R[j1, j2] when each channel has its own plane. */
export const outLabel = (planes, plane, j1, j2) => `${planes > 1 ? `Z_${CHANNEL_NAMES[plane]}` : 'Z'}[${j1}, ${j2}]`;

// ---- what an edit does to the settings ----

/**
 * Chooses preset `id` (its cells come from presetKernels() or the engine).
 * The classic presets are 3 x 3: returns a note when the size changes, else ''.
 * @param {Settings} s
 * @param {string} id
 */
export function choosePreset(s, id) {
  const p = presetById(id);
  s.preset = id;
  if (!p.size || (s.k1 === p.size && s.k2 === p.size)) return '';
  s.k1 = s.k2 = p.size;
  return `${p.label.split(' (')[0]} is a ${p.size} × ${p.size} kernel: the size is now ${p.size} × ${p.size}.`;
}

/**
 * The kernels of the preset chosen, where the page makes them (the class's,
 * the box, the luma weights); null where the engine does (presetById().engine)
 * or the cells stay as they are (your own numbers, the gradient magnitude).
 * @param {Settings} s
 */
export function presetKernels(s) {
  const n = s.k1 * s.k2;
  if (s.preset === 'class') return threeOf(CLASS_KERNEL);
  if (s.preset === 'box') return threeOf(new Array(n).fill(n === 1 ? '1' : `1/${n}`));
  if (s.preset === 'luma') return LUMA_CELLS.map((c) => c.slice());
  return null;
}

/** The engine's preset values as cells, the same kernel for each channel. @param {ArrayLike<number>} values */
export function engineKernels(values) {
  return threeOf(Array.from(values, cellText));
}

/**
 * A new kernel size: every kernel keeps its centre. Returns true when the
 * preset must be made again at the new size (identity, box, Gaussian); any
 * other preset becomes your own numbers.
 * @param {Settings} s
 * @param {number} n1
 * @param {number} n2
 */
export function resizeKernels(s, n1, n2) {
  s.kernels = s.kernels.map((cells) => resizeCells(cells, s.k1, s.k2, n1, n2));
  s.k1 = n1;
  s.k2 = n2;
  if (SIZE_FREE.includes(s.preset)) return true;
  s.preset = 'custom';
  return false;
}

/**
 * A new mode. Returns { note, preset }: a note to say, and the preset to
 * apply next ({ id, extra }: the gradient magnitude has no multi-channel sum), or null.
 * @param {Settings} s
 * @param {string} mode
 */
export function changeMode(s, mode) {
  const was = s.mode;
  s.mode = mode;
  let note = '', preset = null;
  if (mode === 'sum' && was !== 'sum' && !isMagnitude(s)) {
    s.kernels = [s.kernels[0], s.kernels[0].slice(), s.kernels[0].slice()];
    note = 'Each channel starts with a copy of the kernel: edit W_R, W_G and W_B separately.';
  }
  if (mode === 'sum' && isMagnitude(s)) {
    preset = { id: 'sobelX', extra: 'The gradient magnitude is not a linear kernel, so it has no multi-channel sum: here is Sobel Gx instead.' };
  }
  if (mode !== 'sum' && s.preset === 'luma') s.preset = 'custom';
  return { note, preset };
}

/**
 * A kernel cell as typed: the kernel is your own numbers from now on.
 * Returns true when that changed the preset.
 * @param {Settings} s
 * @param {number} kernel
 * @param {number} cell
 * @param {string} text
 */
export function editCell(s, kernel, cell, text) {
  s.kernels[kernel][cell] = text;
  if (s.preset === 'custom') return false;
  s.preset = 'custom';
  return true;
}

/**
 * The engine's filter request for settings viewProblem() found computable.
 * @param {Settings} s
 * @param {number} imageSeq  which image it is for
 */
export function filterParams(s, imageSeq) {
  const magnitude = isMagnitude(s);
  const [k1, k2] = kernelSize(s);
  return {
    imageSeq,
    mode: s.mode,
    op: magnitude ? 'magnitude' : 'conv',
    kernels: magnitude ? [] : s.kernels.slice(0, kernelCount(s)).map((cells) => Float32Array.from(cells, (c) => parseCell(c).value)),
    k1, k2,
    normalise: s.normalise && !magnitude,
    bias: s.mode === 'sum' ? s.bias : 0,
    pad: s.pad,
    stride: s.stride,
    display: effectiveDisplay(s),
  };
}

/** Whether a result has signs: shown diverging, or made with a negative weight or bias. */
export function resultSigned(display, params) {
  return display === 'diverging' || params.kernels.some((k) => k.some((v) => v < 0)) || params.bias < 0;
}

/** Pixel (j1, j2) moved inside an oh x ow output. */
export function clampPixel(j1, j2, oh, ow) {
  return [Math.max(0, Math.min(oh - 1, j1)), Math.max(0, Math.min(ow - 1, j2))];
}

/** The pixel `delta` steps on from `sel` in reading order, wrapping around an oh x ow output. */
export function stepPixel(sel, delta, oh, ow) {
  const n = oh * ow;
  const i = (sel[0] * ow + sel[1] + delta + n) % n;
  return [Math.floor(i / ow), i % ow];
}

/** The move an arrow key makes on the output (ten pixels with Shift), or null for other keys. */
export function arrowMove(key, shift) {
  const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[key];
  const n = shift ? 10 : 1;
  return d ? [d[0] * n, d[1] * n] : null;
}

// ---- why a view cannot be computed ----

/**
 * The cells of the kernels in use that are not numbers: [{ kernel, cell, label, reason }].
 * @param {Settings} s
 */
export function cellProblems(s) {
  if (isMagnitude(s)) return [];
  const n = kernelCount(s);
  const out = [];
  for (let i = 0; i < n; i++) {
    s.kernels[i].forEach((text, cell) => {
      const r = parseCell(text);
      if (!r.ok) out.push({ kernel: i, cell, label: `${kernelName(n, i)}[${Math.floor(cell / s.k2)}, ${cell % s.k2}]`, reason: r.reason });
    });
  }
  return out;
}

/**
 * Why the view `s` asks for cannot be computed on an image of h x w
 * (null while there is no image), or null when it can:
 *   { kind: 'no-output', text, fit, cells }  the kernel does not fit: no output exists
 *   { kind: 'not-numbers', text, cells }     a kernel cell is not a number
 * `text` says everything that is wrong, `fit` only that the kernel does not
 * fit; `cells` lists the cells that are not numbers (cellProblems), in both.
 * @param {Settings} s
 * @param {number | null} h
 * @param {number | null} w
 */
export function viewProblem(s, h, w) {
  const cells = cellProblems(s);
  const said = cells.length === 0 ? ''
    : `${cells[0].label} ${cells[0].reason}${cells.length > 1 ? ` (and ${cells.length - 1} more cell${cells.length > 2 ? 's' : ''})` : ''}.`;
  if (h) {
    const [k1, k2] = kernelSize(s);
    const { rows, cols } = outShape(h, w, k1, k2, s.pad, s.stride);
    if (rows.out < 1 || cols.out < 1) {
      const fit = `The ${k1} × ${k2} kernel does not fit in the ${h} × ${w} image without padding: `
        + `choose a padding, or a kernel of at most ${h} × ${w}.`;
      return { kind: 'no-output', text: said ? `${fit} ${said}` : fit, fit, cells };
    }
  }
  if (cells.length) return { kind: 'not-numbers', text: said, cells };
  return null;
}

// ---- the exercise ----

/** Whether two results hold the same numbers: image, kernels and geometry (their colours aside). */
export function sameView(a, b) {
  const numbers = (d) => JSON.stringify({ ...d.params, key: 0, display: 0, kernels: d.params.kernels.map((k) => Array.from(k)) });
  return a === b || Boolean(a && b && numbers(a) === numbers(b));
}
