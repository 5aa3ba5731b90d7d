// kernels-state.js - the kernels page's state and the arithmetic it writes out.
//
// No DOM and no engine here: the page's whole view is one plain object
// (defaultState()), saved in and restored from the URL hash
// (encodeHash / decodeHash, key by key), so a link reproduces what the
// teacher sees; viewProblem() says when a view cannot be computed and why.
// The numbers the page shows about a convolution (output-shape formula,
// which input pixel a padded cell repeats) are computed here with the same
// rules as core/cl_conv.h; the convolution itself runs in the engine.
import { SAMPLES } from '../lib/image-source.js';

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


// ---- numbers typed in a field or written in a link ----
// Only what a person means: decimal digits with an optional sign and point
// ("2", "-0.5", ".5"); never hex ("0x10"), exponents ("1e1"), spaces or Infinity,
// which Number() would take.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * A whole number from lo to hi, as typed: { ok: true, value } or
 * { ok: false, problem }, the problem written to stand first in a sentence,
 * before the field's rule ("“1.5” is not a whole number", "9 is too large").
 * `text` null is a field whose text the browser could not read as a number
 * (an <input type=number>'s bad input).
 */
export function readWhole(text, lo, hi) {
  const t = text === null ? null : String(text).trim();
  if (t === '') return { ok: false, problem: 'Empty' };
  if (t === null || !DECIMAL.test(t)) return { ok: false, problem: t === null ? 'Not a number' : `“${shorten(t)}” is not a number` };
  const v = Number(t);
  if (!Number.isInteger(v)) return { ok: false, problem: `“${t}” is not a whole number` };
  if (v < lo || v > hi) return { ok: false, problem: `${t} is too ${v < lo ? 'small' : 'large'}` };
  return { ok: true, value: v === 0 ? 0 : v };
}

/** A decimal number from lo to hi, as typed: as readWhole(), without the whole-number rule. */
export function readDecimal(text, lo, hi) {
  const t = text === null ? null : String(text).trim();
  if (t === '') return { ok: false, problem: 'Empty' };
  if (t === null || !DECIMAL.test(t)) return { ok: false, problem: t === null ? 'Not a number' : `“${shorten(t)}” is not a number` };
  const v = Number(t);
  if (v < lo || v > hi) return { ok: false, problem: `${t} is too ${v < lo ? 'small' : 'large'}` };
  return { ok: true, value: v === 0 ? 0 : v };
}

/** Text from a link or a field, cut to `n` characters for a message. */
function shorten(text, n = 24) {
  const t = String(text);
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

// ---- why a view cannot be computed ----

/** The cells of the kernels in use that are not numbers: [{ kernel, cell, label, reason }]. */
export function cellProblems(state) {
  if (state.preset === 'magnitude') return [];
  const n = kernelCount(state);
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = n === 1 ? 'W' : `W_${CHANNEL_NAMES[i]}`;
    state.kernels[i].forEach((text, cell) => {
      const r = parseCell(text);
      if (!r.ok) out.push({ kernel: i, cell, label: `${name}[${Math.floor(cell / state.k2)}, ${cell % state.k2}]`, reason: r.reason });
    });
  }
  return out;
}

/**
 * Why the view `state` asks for cannot be computed on an image of h x w
 * (null while there is no image), or null when it can:
 *   { kind: 'no-output', text, fit, cells }  the kernel does not fit: no output exists
 *   { kind: 'not-numbers', text, cells }     a kernel cell is not a number
 * `text` says everything that is wrong, `fit` only that the kernel does not
 * fit; `cells` lists the cells that are not numbers (cellProblems), in both.
 */
export function viewProblem(state, h, w) {
  const cells = cellProblems(state);
  const cellText = cells.length === 0 ? ''
    : `${cells[0].label} ${cells[0].reason}${cells.length > 1 ? ` (and ${cells.length - 1} more cell${cells.length > 2 ? 's' : ''})` : ''}.`;
  if (h) {
    const [k1, k2] = state.preset === 'magnitude' ? [3, 3] : [state.k1, state.k2];
    const { rows, cols } = outShape(h, w, k1, k2, state.pad, state.stride);
    if (rows.out < 1 || cols.out < 1) {
      const fit = `The ${k1} × ${k2} kernel does not fit in the ${h} × ${w} image without padding: `
        + `choose a padding, or a kernel of at most ${h} × ${w}.`;
      return { kind: 'no-output', text: cellText ? `${fit} ${cellText}` : fit, fit, cells };
    }
  }
  if (cells.length) return { kind: 'not-numbers', text: cellText, cells };
  return null;
}

// ---- reading a link ----
// Each key is read on its own: one a link cannot mean falls back to its
// default, the rest of the link is kept, and a note says which key was
// ignored and why. The kernel's keys (k, preset, w, wg, wb) depend on each
// other (w= must hold k1 x k2 numbers) and fall back together.

const oneOf = (list) => (t) => (list.includes(t) ? { ok: true, value: t } : { ok: false });
const flag = (t) => (t === '1' || t === '0' ? { ok: true, value: t === '1' } : { ok: false });
const cellValue = (t) => {
  const r = parseCell(t);
  return r.ok ? r : { ok: false, why: `bias ${r.reason}` };
};
const wholeIn = (lo, hi) => (t) => readWhole(t, lo, hi);
const decimalIn = (lo, hi) => (t) => readDecimal(t, lo, hi);
const listed = (list) => `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;

// The keys read alone: state field, reader, the rule a link breaks, and what is used instead.
const SIMPLE_KEYS = [
  { key: 'img', field: 'image', read: oneOf(IMAGE_IDS), rule: `img is ${listed(IMAGE_IDS)}`, using: 'dot' },
  { key: 'mode', field: 'mode', read: oneOf(MODES), rule: `mode is ${listed(MODES)}`, using: 'gray' },
  { key: 'sigma', field: 'sigma', read: decimalIn(0.1, 10), rule: 'sigma is a number from 0.1 to 10', using: '1' },
  { key: 'norm', field: 'normalise', read: flag, rule: 'norm is 1 or 0', using: '0' },
  { key: 'bias', field: 'bias', read: cellValue, rule: 'bias is a number', using: '0' },
  { key: 'pad', field: 'pad', read: oneOf(PADS), rule: `pad is ${listed(PADS)}`, using: 'valid' },
  { key: 'stride', field: 'stride', read: wholeIn(1, MAX_STRIDE), rule: `stride is 1 to ${MAX_STRIDE}`, using: '1' },
  { key: 'display', field: 'display', read: oneOf(DISPLAYS), rule: `display is ${listed(DISPLAYS)}`, using: 'auto' },
];
const KERNEL_KEYS = ['k', 'preset', 'w', 'wg', 'wb'];
const KNOWN_KEYS = new Set([...SIMPLE_KEYS.map((r) => r.key), ...KERNEL_KEYS, 'px']);
const DEFAULT_KERNEL = 'the class’s 3 × 3 example kernel';

/** “k=99x3”, “w=1,2” and “wg=3”: the keys of a link as it wrote them. */
function quoted(p, keys) {
  const q = keys.map((k) => `“${shorten(`${k}=${p.get(k)}`, 32)}”`);
  return q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** "This link’s “stride=9” was ignored (stride is 1 to 4): using 1." */
function ignoredNote(p, keys, why, using) {
  const together = keys.length > 1 ? ' were ignored together' : ' was ignored';
  return { keys, text: `This link’s ${quoted(p, keys)}${together} (${why})${using ? `: using ${using}` : ''}.` };
}

/** "3x3" -> { ok, k1, k2 } or { ok: false, why }. */
function readSize(text) {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) return { ok: false, why: 'the kernel size is written rows x columns, such as 3x3' };
  const k1 = Number(m[1]), k2 = Number(m[2]);
  if (!(k1 >= 1 && k1 <= MAX_K && k2 >= 1 && k2 <= MAX_K)) return { ok: false, why: `kernel rows and columns are 1 to ${MAX_K}` };
  return { ok: true, k1, k2 };
}

/** "1,0,-1" for a kernel of n cells -> { ok, cells } or { ok: false, why }. */
function readCells(text, n, key) {
  const cells = text.split(',').map((c) => c.trim());
  if (cells.length !== n) return { ok: false, why: `the kernel size needs ${n} numbers in ${key}=, it has ${cells.length}` };
  for (const c of cells) {
    const r = parseCell(c);
    if (!r.ok) return { ok: false, why: `${key}= ${r.reason}` };
  }
  return { ok: true, cells };
}

/** The kernel's keys, read together into `s` (whose mode is read already); notes pushed to `notes`. */
function readKernel(p, s, notes) {
  let preset = p.get('preset');
  if (preset !== null) {
    let why = null;
    if (!PRESETS.some((x) => x.id === preset)) why = 'no such preset';
    else if (preset === 'luma' && s.mode !== 'sum') why = 'that preset is for the multi-channel mode, mode=sum';
    if (why) {
      notes.push(ignoredNote(p, ['preset'], why, 'custom, your own numbers'));
      preset = 'custom';
    }
  }
  const size = p.has('k') ? readSize(p.get('k')) : { ok: true, k1: 3, k2: 3 };
  if (preset === 'magnitude' && s.mode !== 'sum') {
    // Sobel Gx and Gy, always 3 x 3: the link carries no kernel numbers.
    s.preset = 'magnitude';
    if (!size.ok) notes.push(ignoredNote(p, ['k'], size.why, '3x3'));
    return;
  }
  let why = null;
  if (preset === 'magnitude') why = 'the gradient magnitude has no multi-channel sum';
  else if (!size.ok) why = size.why;
  else if (!p.has('w')) {
    // No kernel in the link: the default one, said only if the link asked for another.
    if (!p.has('k') && (preset === null || preset === 'class')) return;
    why = 'the link has no kernel numbers, w=';
  }
  let w = null;
  if (!why) {
    w = readCells(p.get('w'), size.k1 * size.k2, 'w');
    if (!w.ok) why = w.why;
  }
  if (why) {
    const keys = KERNEL_KEYS.filter((k) => p.has(k) && !(k === 'preset' && preset === 'custom' && p.get(k) !== 'custom'));
    if (keys.length) notes.push(ignoredNote(p, keys, why, DEFAULT_KERNEL));
    return; // s keeps the default kernel, its size and its preset
  }
  s.k1 = size.k1;
  s.k2 = size.k2;
  s.preset = preset ?? 'custom';
  s.kernels = [w.cells, w.cells.slice(), w.cells.slice()];
  if (s.mode !== 'sum') return;
  ['wg', 'wb'].forEach((key, i) => {
    if (!p.has(key)) return;
    const r = readCells(p.get(key), size.k1 * size.k2, key);
    if (r.ok) s.kernels[i + 1] = r.cells;
    else notes.push(ignoredNote(p, [key], r.why, `a copy of w=, the R kernel`));
  });
}

/**
 * Reads a link's hash (made by encodeHash(), or written by hand). Returns
 * { state, notes }: every key the link could not mean is at its default in
 * `state`, and `notes` says which ones, in sentences for the page
 * ([{ keys: ['stride'], text: 'This link’s “stride=9” was ignored (stride is 1 to 4): using 1.' }]).
 * An empty hash is the default view, with no notes. No DOM: a pure function.
 */
export function decodeHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  const s = defaultState();
  const notes = [];
  if (text === '') return { state: s, notes };
  const p = new URLSearchParams(text);
  for (const key of new Set(p.keys())) {
    if (!KNOWN_KEYS.has(key)) notes.push(ignoredNote(p, [key], 'the page has no such setting', null));
  }
  for (const row of SIMPLE_KEYS) {
    if (!p.has(row.key)) continue;
    const t = p.get(row.key);
    if (row.key === 'img' && t === 'own') {
      s.image = 'camera';
      notes.push({ keys: ['img'], text: 'This link was made with an image of someone’s own, which a link cannot carry: showing the sample photo instead.' });
      continue;
    }
    const r = row.read(t);
    if (r.ok) s[row.field] = r.value;
    else notes.push(ignoredNote(p, [row.key], r.why ?? row.rule, row.using));
  }
  readKernel(p, s, notes);
  if (s.preset === 'magnitude') s.k1 = s.k2 = 3;
  if (p.has('px')) {
    const m = /^(\d+),(\d+)$/.exec(p.get('px'));
    const sel = m && [Number(m[1]), Number(m[2])];
    if (sel && sel[0] <= 1 << 16 && sel[1] <= 1 << 16) s.sel = sel;
    else notes.push(ignoredNote(p, ['px'], 'px is the selected pixel’s row,column, such as 2,3', '0,0'));
  }
  // in the order the link wrote its keys
  const at = [...p.keys()];
  notes.sort((a, b) => at.indexOf(a.keys[0]) - at.indexOf(b.keys[0]));
  return { state: s, notes };
}
