// kernels-state.js - the kernels page's state and the arithmetic it writes out.
//
// No DOM and no engine here: the page's whole view is one plain object
// (defaultState()), saved in and restored from the URL hash
// (encodeHash / decodeHash), so a link reproduces what the teacher sees.
// The numbers the page shows about a convolution (output-shape formula,
// which input pixel a padded cell repeats) are computed here with the same
// rules as core/cl_conv.h; the convolution itself runs in the engine.
import { SAMPLES } from './image-source.js';

export const MAX_K = 15;
export const MAX_STRIDE = 4;
export const SMALL_SIDE = 16; // images up to 16 x 16 are drawn as number matrices

export const PADS = ['valid', 'zero', 'reflect', 'edge'];
export const MODES = ['gray', 'channels', 'sum'];
export const DISPLAYS = ['auto', 'clamp', 'abs', 'diverging'];
export const CHANNEL_NAMES = ['R', 'G', 'B'];

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

// Presets. `engine` names the engine's preset (KERNEL in convlab.js); `size`
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

export function defaultState() {
  return {
    image: 'dot',
    mode: 'gray',
    k1: 3,
    k2: 3,
    preset: 'class',
    sigma: 1,
    kernels: [CLASS_KERNEL.slice(), CLASS_KERNEL.slice(), CLASS_KERNEL.slice()],
    normalise: false,
    bias: 0,
    pad: 'valid',
    stride: 1,
    display: 'auto',
    sel: [0, 0],
  };
}

/**
 * A kernel cell: a number ("2", "-0.5", ".25", "1e-3") or a simple fraction
 * ("1/9", "-2/3"). Returns { ok: true, value } or { ok: false, reason }, the
 * reason written to follow the cell's name ("W[0, 1] holds “x”, which is not a number").
 */
export function parseCell(text) {
  const t = String(text).trim().replace(/\u2212/g, '-');
  if (t === '') return { ok: false, reason: 'is empty (type 0 for nothing)' };
  const num = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const parts = t.split('/');
  if (parts.length > 2) return { ok: false, reason: `holds “${t}”, which is not a number or a fraction` };
  if (!parts.every((p) => num.test(p.trim()))) return { ok: false, reason: `holds “${t}”, which is not a number` };
  const a = Number(parts[0]);
  const b = parts.length === 2 ? Number(parts[1]) : 1;
  if (b === 0) return { ok: false, reason: `holds “${t}”, which divides by 0` };
  const value = a / b;
  if (!Number.isFinite(value) || Math.abs(value) > 1e6) return { ok: false, reason: `holds “${t}”, which is too large (keep it within ±1,000,000)` };
  return { ok: true, value };
}

/** A number as the page writes it: whole numbers as they are, others with up to `digits` decimals. */
export function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Object.is(v, -0)) v = 0;
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(digits).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** The text a cell gets for an engine preset value (short, exact enough to sum to 1 within 1e-4). */
export function cellText(v) {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Rows (or columns) of padding before the image: (K - 1) / 2 rounded down, 0 for valid (cl_conv_pad_before). */
export function padBefore(k, pad) {
  return pad === 'valid' ? 0 : Math.floor((k - 1) / 2);
}

/**
 * The output size along one axis, with the formula written out:
 *   n input size, k kernel size, pad mode, s stride.
 * Returns { out, before, after, total, text } (out < 1 means no output).
 */
export function axisFormula(n, k, pad, s) {
  const before = padBefore(k, pad);
  const total = pad === 'valid' ? 0 : k - 1;
  const after = total - before;
  const out = Math.floor((n - k + total) / s) + 1;
  const div = s === 1 ? `(${n} − ${k} + ${total}) / 1` : `⌊(${n} − ${k} + ${total}) / ${s}⌋`;
  return { out, before, after, total, text: `${div} + 1 = ${out}` };
}

export function outShape(h, w, k1, k2, pad, stride) {
  return { rows: axisFormula(h, k1, pad, stride), cols: axisFormula(w, k2, pad, stride) };
}

/** Moves a kernel's cells to a new size, keeping the centre where it was; new cells are '0'. */
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

/** How many kernels a mode uses: three in the multi-channel sum, else one. */
export function kernelCount(state) {
  return state.mode === 'sum' ? 3 : 1;
}

// ---- the URL hash ----
// #img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero&stride=1&display=auto&px=10,20
// (wg= and wb= hold the G and B kernels in the multi-channel mode; w= is then R's).

export function encodeHash(state) {
  const p = new URLSearchParams();
  p.set('img', state.image);
  p.set('mode', state.mode);
  p.set('k', `${state.k1}x${state.k2}`);
  p.set('preset', state.preset);
  if (state.preset === 'gaussian') p.set('sigma', String(state.sigma));
  if (state.preset !== 'magnitude') {
    p.set('w', state.kernels[0].join(','));
    if (state.mode === 'sum') {
      p.set('wg', state.kernels[1].join(','));
      p.set('wb', state.kernels[2].join(','));
    }
  }
  if (state.normalise) p.set('norm', '1');
  if (state.mode === 'sum' && state.bias !== 0) p.set('bias', String(state.bias));
  p.set('pad', state.pad);
  p.set('stride', String(state.stride));
  p.set('display', state.display);
  p.set('px', `${state.sel[0]},${state.sel[1]}`);
  return '#' + p.toString().replace(/%2C/g, ',').replace(/%2F/g, '/');
}

function intIn(text, lo, hi, what) {
  if (!/^\d+$/.test(text)) throw new Error(`${what} “${text}” is not a whole number`);
  const v = Number(text);
  if (v < lo || v > hi) throw new Error(`${what} ${v} is outside ${lo}–${hi}`);
  return v;
}

function oneOf(text, list, what) {
  if (!list.includes(text)) throw new Error(`${what} “${text}” is not one of ${list.join(', ')}`);
  return text;
}

function cellsFrom(text, n, what) {
  const cells = text.split(',');
  if (cells.length !== n) throw new Error(`${what} has ${cells.length} numbers, the size needs ${n}`);
  for (const c of cells) {
    const r = parseCell(c);
    if (!r.ok) throw new Error(`${what} ${r.reason}`);
  }
  return cells.map((c) => c.trim());
}

/**
 * Reads a hash made by encodeHash(). Returns { state } for an empty hash
 * (the default view) or a good one, and { state: defaults, error } for a
 * hash that cannot be read, error saying why. An image that was the
 * student's own file (img=own) cannot travel in a link: { state, note }.
 */
export function decodeHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  if (text === '') return { state: defaultState() };
  try {
    const p = new URLSearchParams(text);
    const s = defaultState();
    let note;
    const img = p.get('img') ?? s.image;
    if (img === 'own') {
      note = 'This link was made with an image of someone’s own, which a link cannot carry: showing the sample photo instead.';
      s.image = 'camera';
    } else {
      s.image = oneOf(img, IMAGE_IDS, 'image');
    }
    s.mode = oneOf(p.get('mode') ?? s.mode, MODES, 'mode');
    const k = (p.get('k') ?? `${s.k1}x${s.k2}`).split('x');
    if (k.length !== 2) throw new Error('kernel size is not written as K1xK2');
    s.k1 = intIn(k[0], 1, MAX_K, 'kernel rows');
    s.k2 = intIn(k[1], 1, MAX_K, 'kernel columns');
    s.preset = oneOf(p.get('preset') ?? 'custom', PRESETS.map((x) => x.id), 'preset');
    if (p.has('sigma')) {
      s.sigma = Number(p.get('sigma'));
      if (!(s.sigma >= 0.1 && s.sigma <= 10)) throw new Error(`sigma “${p.get('sigma')}” is outside 0.1–10`);
    }
    const n = s.k1 * s.k2;
    if (s.preset === 'magnitude') {
      s.k1 = s.k2 = 3;
      s.kernels = [CLASS_KERNEL.slice(), CLASS_KERNEL.slice(), CLASS_KERNEL.slice()];
    } else {
      if (!p.has('w')) throw new Error('the kernel (w=) is missing');
      const w = cellsFrom(p.get('w'), n, 'the kernel');
      s.kernels = [w, w.slice(), w.slice()];
      if (s.mode === 'sum') {
        s.kernels[1] = p.has('wg') ? cellsFrom(p.get('wg'), n, 'the G kernel') : w.slice();
        s.kernels[2] = p.has('wb') ? cellsFrom(p.get('wb'), n, 'the B kernel') : w.slice();
      }
    }
    s.normalise = p.get('norm') === '1';
    if (p.has('bias')) {
      const b = parseCell(p.get('bias'));
      if (!b.ok) throw new Error(`bias ${b.reason}`);
      s.bias = b.value;
    }
    s.pad = oneOf(p.get('pad') ?? s.pad, PADS, 'padding');
    s.stride = intIn(p.get('stride') ?? '1', 1, MAX_STRIDE, 'stride');
    s.display = oneOf(p.get('display') ?? s.display, DISPLAYS, 'display');
    const px = (p.get('px') ?? '0,0').split(',');
    if (px.length !== 2) throw new Error('the selected pixel is not written as row,column');
    s.sel = [intIn(px[0], 0, 1 << 16, 'selected row'), intIn(px[1], 0, 1 << 16, 'selected column')];
    return note ? { state: s, note } : { state: s };
  } catch (e) {
    return { state: defaultState(), error: e.message };
  }
}
