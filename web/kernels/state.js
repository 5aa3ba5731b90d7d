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
import { defaultLayer, resizeLayer, layerCellProblems, layerWeights, isEdgeKernel, mapLabel, layerForChannels } from './layer.js';

export const SMALL_SIDE = 16; // images up to 16 x 16 are drawn as number matrices
// Longest side of a student's own image here: the class's photo (1050 x 700)
// fits; larger ones are scaled down (and told so) to keep edits interactive.
export const MAX_SIDE = 1280;

export const PADS = ['valid', 'zero', 'reflect', 'edge'];
export const MODES = ['gray', 'channels', 'sum', 'layer'];
export const DISPLAYS = ['auto', 'clamp', 'abs', 'diverging'];
// The colour scale: to the largest |value|, or to typical values (the 95th
// percentile of |value|, the strongest ones clipped), which shows the faint
// edges most of an edge kernel's result is made of.
export const SCALES = ['auto', 'max', 'typical'];
export const PERCENTILE = 0.95;
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
 * @property {string} mode      'gray', 'channels', 'sum' or 'layer' (the convolutional layer, layer.js)
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
 * @property {string} scale     the colour scale (SCALES)
 * @property {number[]} sel     the selected output pixel [j1, j2]
 * @property {import('./layer.js').Layer} layer  the convolutional layer's kernels, biases and ReLU
 * @property {number} map       the selected feature map n (the layer mode)
 * @property {number} channels  C, the image's channels as the layer reads them: 1 for a grayscale image, else 3
 *                              (what a link's layer kernels were written for, until the image is loaded)
 */

/** @param {string[]} cells */
const threeOf = (cells) => [cells.slice(), cells.slice(), cells.slice()];

/** @returns {Settings} */
export function defaultState() {
  return {
    image: 'dot', mode: 'gray', k1: 3, k2: 3, preset: 'class', sigma: 1, kernels: threeOf(CLASS_KERNEL),
    normalise: false, bias: 0, pad: 'valid', stride: 1, display: 'auto', scale: 'auto', sel: [0, 0],
    // C is 3 until an image says otherwise (takeChannels())
    layer: defaultLayer(3, 3, 3), map: 0, channels: 3,
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
/** The gradient magnitude (not in the layer mode, which has kernels of its own). @param {Settings} s */
export function isMagnitude(s) { return s.preset === 'magnitude' && s.mode !== 'layer'; }
/** @param {Settings} s */
export const isLayer = (s) => s.mode === 'layer';
/** @param {Settings} s @returns {[number, number]} */
export function kernelSize(s) { return isMagnitude(s) ? [3, 3] : [s.k1, s.k2]; }
/** How many kernels of the editor a mode uses: three in the multi-channel sum, none in the layer (its own), else one. @param {Settings} s */
export function kernelCount(s) { return s.mode === 'sum' ? 3 : s.mode === 'layer' ? 0 : 1; }
/** The output planes of a linear kernel: one in grayscale, the sum and each map of the layer, three per channel. @param {Settings} s */
export function planesOf(s) { return s.mode === 'channels' ? 3 : 1; }
/** The output planes of the view: the gradient magnitude keeps the image's channels. @param {Settings} s */
export function outPlanes(s) { return isMagnitude(s) ? (s.mode === 'gray' ? 1 : 3) : planesOf(s); }
/** The display asked for, except diverging colours on three planes, which show |value|. @param {Settings} s */
export function effectiveDisplay(s) { return s.display === 'diverging' && planesOf(s) !== 1 ? 'abs' : s.display; }
/** A kernel's name: W alone, W_R, W_G, W_B in the multi-channel sum. */
export const kernelName = (count, i) => (count === 1 ? 'W' : `W_${CHANNEL_NAMES[i]}`);
/** An output pixel's name: Z[j1, j2], or Z_R[j1, j2] when each channel has its own plane. */
export const outLabel = (planes, plane, j1, j2) => `${planes > 1 ? `Z_${CHANNEL_NAMES[plane]}` : 'Z'}[${j1}, ${j2}]`;
/** The name of a result's value: Z[j1, j2, n] of the layer's map n, else outLabel(). @param {{ mode: string }} params */
export const valueLabel = (params, planes, plane, j1, j2, map) => (params.mode === 'layer' ? mapLabel(j1, j2, map) : outLabel(planes, plane, j1, j2));

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
  resizeLayer(s.layer, s.k1, s.k2, n1, n2);
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
  if (mode === 'layer' && was !== 'layer') {
    note = `A convolutional layer: ${s.layer.n} kernel${s.layer.n > 1 ? 's' : ''}, each with a slice per channel of X and a bias, `
      + `give ${s.layer.n} feature map${s.layer.n > 1 ? 's' : ''}. Choose how many, and edit each one.`;
  }
  return { note, preset };
}

/**
 * An image of `channels` channels is X now: the layer's classic presets
 * are made again for it (blur and sharpen divide by C).
 * @param {Settings} s
 * @param {number} channels
 */
export function takeChannels(s, channels) {
  if (s.channels === channels) return;
  s.channels = channels;
  s.layer = layerForChannels(s.layer, s.k1, s.k2, channels);
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
  const geometry = { imageSeq, mode: s.mode, k1, k2, pad: s.pad, stride: s.stride, display: effectiveDisplay(s), scale: s.scale };
  if (isLayer(s)) {
    const kernels = layerWeights(s.layer, s.channels);
    return {
      ...geometry, op: 'layer', channels: s.channels, kernels, biases: s.layer.biases.slice(0, s.layer.n), relu: s.layer.relu,
      edges: kernels.map(isEdgeKernel), normalise: false, bias: 0,
    };
  }
  const kernels = magnitude ? [] : s.kernels.slice(0, kernelCount(s)).map((cells) => Float32Array.from(cells, (c) => parseCell(c).value));
  return {
    ...geometry,
    op: magnitude ? 'magnitude' : 'conv',
    kernels,
    normalise: s.normalise && !magnitude,
    bias: s.mode === 'sum' ? s.bias : 0,
    // an edge kernel's result is shown to typical values by default (chooseScale())
    edge: magnitude || isEdgeKernel(kernels.flatMap((k) => Array.from(k))),
  };
}

/**
 * The colour scale a result is shown with: 'max' (its largest |value| is the
 * strongest colour) or 'typical' (its 95th percentile of |value| is, the rest
 * clipped). Automatic: typical values for an edge kernel on a photo, whose
 * result is mostly faint edges and a few strong ones; the largest elsewhere,
 * and on the small number matrices, whose numbers are written on them.
 * @param {string} scale  SCALES
 * @param {boolean} edge
 * @param {boolean} small
 */
export function chooseScale(scale, edge, small) {
  if (scale !== 'auto') return scale;
  return edge && !small ? 'typical' : 'max';
}

/** 'auto' shows a result clamped to 0-255 up to this largest |value| (255 and float rounding), else scaled. */
export const CLAMP_ABOVE = 255.5;

/**
 * Whether 'auto' can show a filter's result clamped before computing it (so
 * no float values are made): when no value can go above CLAMP_ABOVE on 0-255
 * input, |bias| + 255 * sum |w| (of every kernel: a bound) at most 255.25. A
 * blur's weights sum to 1, or to a hair over it in float (225 times
 * fround(1/225) is 1 + 4e-8); the quarter left is room for the engine's float
 * sums' rounding, at most 224 roundings of 2^-24 of 255.25 for a 15 x 15
 * kernel (0.004).
 * @param {ArrayLike<number>} weights  every kernel's
 * @param {number} bias
 */
export function clampKnown(weights, bias) {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += Math.abs(weights[i]);
  return Math.abs(bias) + 255 * s <= 255.25;
}

/** Whether a result has signs: shown diverging, or made with a negative weight or bias (before a ReLU). */
export function resultSigned(display, params) {
  if (display === 'diverging') return true;
  if (params.op === 'layer' && params.relu) return false;
  return params.kernels.some((k) => k.some((v) => v < 0)) || params.bias < 0 || (params.biases ?? []).some((b) => b < 0);
}

/** Pixel (j1, j2) moved inside an oh x ow output. */
export function clampPixel(j1, j2, oh, ow) {
  return [Math.max(0, Math.min(oh - 1, j1)), Math.max(0, Math.min(ow - 1, j2))];
}

/**
 * The scan's speeds: a step every `ms`, of one pixel in reading order, or
 * (rows) of a whole row, down the same column.
 */
export const SPEEDS = [
  { id: 'p1', label: '1 pixel a second', ms: 1000, rows: false },
  { id: 'p2', label: '2 pixels a second', ms: 500, rows: false },
  { id: 'p5', label: '5 pixels a second', ms: 200, rows: false },
  { id: 'p20', label: '20 pixels a second', ms: 50, rows: false },
  { id: 'r1', label: 'a whole row a second', ms: 1000, rows: true },
  { id: 'r5', label: '5 rows a second', ms: 200, rows: true },
  { id: 'r20', label: '20 rows a second', ms: 50, rows: true },
];
export const DEFAULT_SPEED = 'p2';

/** The pixel one step of the scan at `speed` moves to from `sel`, on an oh x ow output. */
export function scanStep(sel, speed, oh, ow) {
  const { rows } = SPEEDS.find((x) => x.id === speed) ?? SPEEDS[0];
  return stepPixel(sel, rows ? ow : 1, oh, ow);
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

/** A size with its numbers named: "3 rows × 1 column". */
export const rowsColumns = (h, w) => `${h} row${h === 1 ? '' : 's'} × ${w} column${w === 1 ? '' : 's'}`;

/**
 * The cells of the kernels in use that are not numbers: [{ kernel, cell, label, reason }].
 * @param {Settings} s
 */
export function cellProblems(s) {
  if (isMagnitude(s)) return [];
  if (isLayer(s)) return layerCellProblems(s.layer, s.k2, s.channels).map((c) => ({ ...c, kernel: c.map }));
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
      const fit = `The ${k1} × ${k2} kernel does not fit in X, ${rowsColumns(h, w)}, without padding: `
        + `choose a padding, or a kernel of at most ${rowsColumns(h, w)}.`;
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
