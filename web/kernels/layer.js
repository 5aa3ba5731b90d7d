// layer.js - the convolutional layer mode's rules (the lesson's "What is a
// convolutional layer?"): N kernels (1 to MAX_MAPS), each of shape
// (K1, K2, C) for a C-channel image, a bias each, and an optional ReLU give
// N feature maps, a tensor of shape (OH, OW, N):
//
//   Z[j1, j2, n] = ReLU( Σ_c Σ_k1,k2 W_n[k1, k2, c] · X[j1 + k1, j2 + k2, c] + b_n )
//
// Each kernel keeps three channel slices of typed cells (R, G, B), whatever
// the image: a grayscale image (C = 1) uses the first. Pure (no DOM, no
// engine); tested in node (tests/node/kernels-layer.test.mjs).
import { resizeCells } from './arithmetic.js';
import { parseCell } from './typed.js';

export const MAX_MAPS = 16;
/** The units of the dense layer the page compares a convolutional layer with (the lesson's advice: about 128). */
export const DENSE_UNITS = 128;

const SOBEL_X = [1, 0, -1, 2, 0, -2, 1, 0, -1];
const SOBEL_Y = [1, 2, 1, 0, 0, 0, -1, -2, -1];
const SHARPEN = [0, -1, 0, -1, 5, -1, 0, -1, 0];

/**
 * The layer's presets. `kinds` lists the kernels a preset makes (3 x 3: its
 * size is set to 3 x 3); null where any number and size works.
 */
export const LAYER_PRESETS = [
  { id: 'features', label: 'Sobel Gx, Sobel Gy, blur, sharpen (4 kernels)', kinds: ['sobelX', 'sobelY', 'blur', 'sharpen'] },
  { id: 'edges', label: 'Sobel Gx and Sobel Gy (2 kernels)', kinds: ['sobelX', 'sobelY'] },
  { id: 'random', label: 'Random numbers from −1 to 1', kinds: null },
  { id: 'custom', label: 'Your own numbers', kinds: null },
];
export const LAYER_PRESET_IDS = LAYER_PRESETS.map((p) => p.id);

/**
 * @typedef {object} Layer
 * @property {string} preset        a LAYER_PRESETS id
 * @property {number} n             how many kernels (and feature maps)
 * @property {string[][][]} kernels n kernels, each three channel slices of k1*k2 cells as typed
 * @property {number[]} biases      b_0 ... b_(n-1)
 * @property {boolean} relu         ReLU after the bias
 */

/** A weight as a cell's text: "1/27", "5/3" for thirds of whole numbers, else the number. */
function fraction(num, den) {
  if (num === 0) return '0';
  if (den === 1) return String(num);
  return `${num}/${den}`;
}

/**
 * One 3 x 3 kernel of the presets, as its three slices for a C-channel image:
 * the edge kernels are the same in every channel (the lesson's "the same or
 * different"); blur and sharpen are divided by C, so that summed over the
 * channels they average them, as in a grayscale picture.
 * @param {string} kind
 * @param {number} k1
 * @param {number} k2
 * @param {number} channels
 */
function presetSlices(kind, k1, k2, channels) {
  let cells;
  if (kind === 'sobelX') cells = SOBEL_X.map(String);
  else if (kind === 'sobelY') cells = SOBEL_Y.map(String);
  else if (kind === 'sharpen') cells = SHARPEN.map((v) => fraction(v, channels));
  else cells = new Array(k1 * k2).fill(fraction(1, k1 * k2 * channels));
  return [cells, cells.slice(), cells.slice()];
}

/** A random weight from -1 to 1 with two decimals, as a cell's text. @param {() => number} random */
function randomCell(random) {
  const v = Math.round((random() * 2 - 1) * 100) / 100;
  return String(v === 0 ? 0 : v);
}

/** A kernel of random weights (all three slices). */
function randomKernel(k1, k2, random) {
  return [0, 1, 2].map(() => Array.from({ length: k1 * k2 }, () => randomCell(random)));
}

/**
 * The layer a preset makes. The 3 x 3 presets need k1 = k2 = 3 (presetSize()
 * says so); 'random' fills `n` kernels; 'custom' is not made (null).
 * @param {string} id
 * @param {number} k1
 * @param {number} k2
 * @param {number} channels  1 or 3
 * @param {number} n         for 'random': how many kernels
 * @param {() => number} [random]
 * @returns {Layer | null}
 */
export function makeLayer(id, k1, k2, channels, n, random = Math.random) {
  const p = LAYER_PRESETS.find((x) => x.id === id);
  if (!p || id === 'custom') return null;
  const kernels = p.kinds ? p.kinds.map((kind) => presetSlices(kind, k1, k2, channels))
    : Array.from({ length: n }, () => randomKernel(k1, k2, random));
  return { preset: id, n: kernels.length, kernels, biases: new Array(kernels.length).fill(0), relu: true };
}

/** The size a layer preset needs: 3 for the Sobel ones, null for any. @param {string} id */
export function presetSize(id) {
  return LAYER_PRESETS.find((x) => x.id === id)?.kinds ? 3 : null;
}

/**
 * The layer a view starts with, for a k1 x k2 kernel size: the four classic
 * kernels, their centres kept at another size (Sobel with a border of zeros
 * still finds edges), then your own numbers.
 * @param {number} k1
 * @param {number} k2
 * @param {number} channels
 * @returns {Layer}
 */
export function defaultLayer(k1 = 3, k2 = 3, channels = 1) {
  const layer = makeLayer('features', 3, 3, channels, 4);
  if (k1 !== 3 || k2 !== 3) resizeLayer(layer, 3, 3, k1, k2);
  return layer;
}

/**
 * Every kernel to a new size, keeping its centre; the Sobel presets become
 * your own numbers (they are 3 x 3), the random ones are drawn again.
 * @param {Layer} layer
 * @param {number} k1
 * @param {number} k2
 * @param {number} n1
 * @param {number} n2
 * @param {() => number} [random]
 */
export function resizeLayer(layer, k1, k2, n1, n2, random = Math.random) {
  if (layer.preset === 'random') {
    layer.kernels = layer.kernels.map(() => randomKernel(n1, n2, random));
    return;
  }
  layer.kernels = layer.kernels.map((slices) => slices.map((cells) => resizeCells(cells, k1, k2, n1, n2)));
  if (k1 !== n1 || k2 !== n2) layer.preset = 'custom';
}

/**
 * N kernels: new ones are random (a feature to find), each with bias 0; the
 * last ones go when N shrinks. The layer is your own numbers unless random.
 * @param {Layer} layer
 * @param {number} n
 * @param {number} k1
 * @param {number} k2
 * @param {() => number} [random]
 */
export function setMapCount(layer, n, k1, k2, random = Math.random) {
  while (layer.kernels.length < n) {
    layer.kernels.push(randomKernel(k1, k2, random));
    layer.biases.push(0);
  }
  layer.kernels.length = n;
  layer.biases.length = n;
  if (layer.n !== n && layer.preset !== 'random') layer.preset = 'custom';
  layer.n = n;
}

/**
 * The layer for an image of `channels` channels: the classic presets are
 * made again (blur and sharpen divide by C); random and your own numbers stay.
 * @param {Layer} layer
 * @param {number} k1
 * @param {number} k2
 * @param {number} channels
 */
export function layerForChannels(layer, k1, k2, channels) {
  if (!presetSize(layer.preset) || k1 !== 3 || k2 !== 3) return layer;
  return { ...makeLayer(layer.preset, 3, 3, channels, layer.n), biases: layer.biases.slice(), relu: layer.relu };
}

/** A kernel cell's name: W_n[k1, k2, c]. */
export const layerCellName = (map, a, b, c) => `W_${map}[${a}, ${b}, ${c}]`;
/** An output value's name: Z[j1, j2, n]. */
export const mapLabel = (j1, j2, n) => `Z[${j1}, ${j2}, ${n}]`;

/**
 * The cells in use that are not numbers: [{ map, channel, cell, label, reason }].
 * @param {Layer} layer
 * @param {number} k2
 * @param {number} channels
 */
export function layerCellProblems(layer, k2, channels) {
  const out = [];
  for (let n = 0; n < layer.n; n++) {
    for (let c = 0; c < channels; c++) {
      layer.kernels[n][c].forEach((text, cell) => {
        const r = parseCell(text);
        if (!r.ok) out.push({ map: n, channel: c, cell, label: layerCellName(n, Math.floor(cell / k2), cell % k2, c), reason: r.reason });
      });
    }
  }
  return out;
}

/**
 * Each kernel as the engine takes it: C planes of k1 x k2 weights, channel by
 * channel (cl_conv2d_sum's layout), for a layer whose cells are all numbers.
 * @param {Layer} layer
 * @param {number} channels
 */
export function layerWeights(layer, channels) {
  return layer.kernels.slice(0, layer.n).map((slices) => Float32Array.from(slices.slice(0, channels).flat(), (c) => parseCell(c).value));
}

/**
 * Whether a kernel finds edges: its weights sum to 0 (it answers only to
 * change) and are not all 0. Sobel, the Laplacian, and their like.
 * @param {ArrayLike<number>} weights
 */
export function isEdgeKernel(weights) {
  let sum = 0, size = 0;
  for (const v of Array.from(weights)) {
    sum += v;
    size += Math.abs(v);
  }
  return size > 0 && Math.abs(sum) <= 1e-6 * size;
}

/**
 * The lesson's point about fully connected layers, for this image: the
 * weights of a dense layer of DENSE_UNITS units on an (h, w, c) image, and of
 * this convolutional layer (n kernels of k1 x k2 x c, a bias each).
 */
export function paramCounts(h, w, c, k1, k2, n) {
  return { dense: h * w * c * DENSE_UNITS + DENSE_UNITS, conv: k1 * k2 * c * n + n };
}

/** A whole number with thousands separators: 282,240,128. @param {number} v */
export const grouped = (v) => v.toLocaleString('en-US');
