// link.js - the kernels page's view in its URL hash, both ways, from one table
// of keys (FIELDS, on lib/hash-state.js), so a link opens exactly the view the
// teacher shares:
//
//   #img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero&stride=1&display=auto&px=10,20
//
// (wg= and wb= hold the G and B kernels in the multi-channel mode; w= is then
// R's). A key a link cannot mean falls back to its default, the rest of the
// link is kept, and a note says which key and why. The kernel's keys (k,
// preset, w, wg, wb) mean something only together (w= must hold k1 x k2
// numbers), so readKernel() reads them as one: they fall back together.
// Pure; tested in node (tests/node/kernels-state.test.mjs).
import { MAX_KERNEL, MAX_STRIDE } from '../lib/limits.js';
import { wholeNumber } from '../lib/numbers.js';
import { decodeHash as decodeFields, encodeHash as encodeFields, ignoredLines } from '../lib/hash-state.js';
import { IMAGE_IDS, MODES, PADS, DISPLAYS, SCALES, PRESETS, CLASS_KERNEL, defaultState, cellProblems } from './state.js';
import { parseCell, readDecimal, SIGMA, SIGMA_RULE } from './typed.js';
import { MAX_MAPS, LAYER_PRESET_IDS, defaultLayer } from './layer.js';

/** @typedef {import('./state.js').Settings} Settings */
/** @typedef {{ key: string, short: string, value: string, why: string, using?: string }} Ignored */

const KERNEL_KEYS = ['k', 'preset', 'w', 'wg', 'wb'];
// The convolutional layer's keys, read together too (layer.js): its preset,
// N, each kernel's cells (C slices of K1 x K2, channel by channel), the biases,
// ReLU, and the selected map.
const LAYER_KERNEL_KEYS = Array.from({ length: MAX_MAPS }, (_, i) => `lw${i}`);
const LAYER_KEYS = ['layer', 'n', ...LAYER_KERNEL_KEYS, 'lb', 'relu', 'map'];
const MAX_PX = 1 << 16;
const PX_RULE = 'the selected pixel is written row,column, such as 2,3';

/** @param {string[]} cells */
const cellsText = (cells) => cells.join(',');
/** The G and B kernels: their cells, or (null) a copy of the R kernel. @param {string[] | null} cells */
const cellsOrCopy = (cells) => (cells === null ? 'a copy of w=, the R kernel' : cells.join(','));
/** @param {Record<string, any>} s */
const sumKernels = (s) => s.mode === 'sum' && s.preset !== 'magnitude';
/** @param {Record<string, any>} s */
const layerMode = (s) => s.mode === 'layer';

/**
 * Every key of the link, in the order a link writes them. The kernel's keys
 * have no `parse`: readKernel() reads them, together.
 * @type {import('../lib/hash-state.js').Field[]}
 */
export const FIELDS = [
  { key: 'image', short: 'img', what: 'the image', type: 'enum', values: IMAGE_IDS, def: 'dot' },
  { key: 'mode', short: 'mode', what: 'the mode', type: 'enum', values: MODES, def: 'gray' },
  { key: 'k', short: 'k', what: 'the kernel size', type: 'custom', def: [3, 3], format: ([k1, k2]) => `${k1}x${k2}` },
  { key: 'preset', short: 'preset', what: 'the preset', type: 'enum', values: PRESETS.map((p) => p.id), def: 'class' },
  {
    key: 'sigma', short: 'sigma', what: 'σ', type: 'custom', def: 1, format: String, when: (s) => s.preset === 'gaussian',
    parse: (t) => {
      const r = readDecimal(t, SIGMA.min, SIGMA.max);
      return r.ok ? { value: r.value } : { error: SIGMA_RULE };
    },
  },
  { key: 'w', short: 'w', what: 'the kernel', type: 'custom', def: CLASS_KERNEL, format: cellsText, when: (s) => s.preset !== 'magnitude' },
  { key: 'wg', short: 'wg', what: 'the G kernel', type: 'custom', def: null, format: cellsOrCopy, when: sumKernels },
  { key: 'wb', short: 'wb', what: 'the B kernel', type: 'custom', def: null, format: cellsOrCopy, when: sumKernels },
  { key: 'normalise', short: 'norm', what: 'normalise', type: 'bool', def: false, when: (s) => s.normalise },
  {
    key: 'bias', short: 'bias', what: 'the bias', type: 'custom', def: 0, format: String, when: (s) => s.mode === 'sum' && s.bias !== 0,
    parse: (t) => {
      const r = parseCell(t);
      return r.ok ? { value: r.value } : { error: `the bias ${r.reason}` };
    },
  },
  { key: 'layerPreset', short: 'layer', what: 'the layer’s preset', type: 'custom', def: 'features', format: String, when: layerMode },
  { key: 'n', short: 'n', what: 'the number of kernels', type: 'custom', def: 4, format: String, when: layerMode },
  ...LAYER_KERNEL_KEYS.map((key, i) => ({
    key, short: key, what: `kernel ${i}`, type: /** @type {'custom'} */ ('custom'), def: null, format: String, when: (s) => layerMode(s) && i < s.layer.n,
  })),
  { key: 'lb', short: 'lb', what: 'the biases', type: 'custom', def: null, format: String, when: layerMode },
  { key: 'relu', short: 'relu', what: 'ReLU', type: 'bool', def: true, when: layerMode },
  { key: 'pad', short: 'pad', what: 'the padding', type: 'enum', values: PADS, def: 'valid' },
  { key: 'stride', short: 'stride', what: 'the stride', type: 'int', min: 1, max: MAX_STRIDE, def: 1 },
  { key: 'display', short: 'display', what: 'the display', type: 'enum', values: DISPLAYS, def: 'auto' },
  { key: 'scale', short: 'scale', what: 'the colour scale', type: 'enum', values: SCALES, def: 'auto', when: (s) => s.scale !== 'auto' },
  {
    key: 'sel', short: 'px', what: 'the selected pixel', type: 'custom', def: [0, 0], format: (v) => v.join(','),
    parse: (t) => {
      const parts = t.split(',').map((p) => wholeNumber(p, 0, MAX_PX, 'each number'));
      return parts.length === 2 && parts.every((r) => r.error === undefined) ? { value: parts.map((r) => r.value) } : { error: PX_RULE };
    },
  },
  { key: 'map', short: 'map', what: 'the selected map', type: 'custom', def: 0, format: String, when: layerMode },
];
// The keys read one by one, by the table alone.
const ALONE = FIELDS.filter((d) => !KERNEL_KEYS.includes(d.short) && !LAYER_KEYS.includes(d.short));

/**
 * The link's text of a view (with its '#').
 * @param {Settings} s
 */
export function encodeHash(s) {
  const layer = s.layer;
  const lw = Object.fromEntries(layer.kernels.map((slices, i) => [`lw${i}`, slices.slice(0, s.channels).flat().join(',')]));
  return `#${encodeFields(FIELDS, {
    ...s, k: [s.k1, s.k2], w: s.kernels[0], wg: s.kernels[1], wb: s.kernels[2],
    layerPreset: layer.preset, n: layer.n, ...lw, lb: layer.biases.join(','), relu: layer.relu,
  })}`;
}

/** "3x3" -> { value: [k1, k2] } or { error }. @param {string} text */
function readSize(text) {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) return { error: 'the kernel size is written rows x columns, such as 3x3' };
  const k1 = Number(m[1]), k2 = Number(m[2]);
  if (!(k1 >= 1 && k1 <= MAX_KERNEL && k2 >= 1 && k2 <= MAX_KERNEL)) return { error: `kernel rows and columns are 1 to ${MAX_KERNEL}` };
  return { value: [k1, k2] };
}

/** "1,0,-1" for a kernel of n cells -> { value: cells } or { error }. @param {string} text @param {number} n @param {string} key */
function readCells(text, n, key) {
  const cells = text.split(',').map((c) => c.trim());
  if (cells.length !== n) return { error: `the kernel size needs ${n} numbers in ${key}=, it has ${cells.length}` };
  for (const c of cells) {
    const r = parseCell(c);
    if (!r.ok) return { error: `${key}= ${r.reason}` };
  }
  return { value: cells };
}

/**
 * The kernel's keys, read together for a link in `mode`. Returns
 * { kernel, ignored }: kernel is { k1, k2, preset, kernels? }, or null for
 * the default kernel. Rules:
 *  - a preset the link cannot mean falls back alone, to your own numbers;
 *  - the gradient magnitude takes no numbers (a bad k= alone falls back);
 *  - otherwise k=, preset= and w= fall back together when any is at fault
 *    (wg= and wb= with them), and a link asking for a kernel must hold w=;
 *  - wg= or wb= at fault alone falls back to a copy of w=.
 * @param {URLSearchParams} p
 * @param {string} mode
 */
function readKernel(p, mode) {
  /** @type {Ignored[]} */
  const ignored = [];
  const fallBack = (key, why, using) => ignored.push({ key, short: key, value: p.get(key), why, ...(using ? { using } : {}) });
  let preset = p.get('preset');
  if (preset !== null) {
    const why = !PRESETS.some((x) => x.id === preset) ? 'no such preset'
      : preset === 'luma' && mode !== 'sum' ? 'that preset is for the multi-channel mode, mode=sum' : '';
    if (why) {
      fallBack('preset', why, 'custom');
      preset = 'custom';
    }
  }
  const size = p.has('k') ? readSize(p.get('k')) : { value: [3, 3] };
  if (preset === 'magnitude' && mode !== 'sum') {
    // Sobel Gx and Gy, always 3 x 3: the link carries no kernel numbers.
    if (size.error) fallBack('k', size.error);
    return { kernel: { k1: 3, k2: 3, preset }, ignored };
  }
  let fault = null; // [the key at fault, why]: the kernel falls back whole
  let w = null;
  if (preset === 'magnitude') fault = ['preset', 'the gradient magnitude has no multi-channel sum'];
  else if (size.error) fault = ['k', size.error];
  else if (!p.has('w')) {
    // No kernel in the link: the default one, said only if the link asked for another.
    if (!p.has('k') && (preset === null || preset === 'class')) return { kernel: null, ignored };
    fault = [p.has('k') ? 'k' : 'preset', 'the link has no kernel numbers, w='];
  } else {
    w = readCells(p.get('w'), size.value[0] * size.value[1], 'w');
    if (w.error) fault = ['w', w.error];
  }
  if (fault) {
    const [culprit, why] = fault;
    for (const key of KERNEL_KEYS) {
      if (p.has(key) && !ignored.some((i) => i.key === key)) fallBack(key, key === culprit ? why : `it goes with “${culprit}”, which was ignored`);
    }
    return { kernel: null, ignored };
  }
  const [k1, k2] = size.value;
  const kernels = [w.value, w.value.slice(), w.value.slice()];
  if (mode === 'sum') {
    ['wg', 'wb'].forEach((key, i) => {
      if (!p.has(key)) return;
      const r = readCells(p.get(key), k1 * k2, key);
      if (r.error) fallBack(key, r.error);
      else kernels[i + 1] = r.value;
    });
  }
  return { kernel: { k1, k2, preset: preset ?? 'custom', kernels }, ignored };
}

/**
 * The layer's keys, read together for a link in the layer mode with a
 * k1 x k2 kernel size. Returns { layer, channels, map, ignored }: layer is
 * null for the default one; channels, what its kernels were written for (null
 * when the link does not say). Rules:
 *  - n= and every kernel lw0= ... lw(n-1)= fall back together, with layer=,
 *    when any is at fault: each kernel holds K1 x K2 numbers per channel, for
 *    1 or 3 channels, all alike (a kernel size that fell back takes them along);
 *  - a preset the link cannot mean falls back alone, to your own numbers;
 *  - the biases (lb=, n numbers), relu= and map= (a kernel's number) fall back alone.
 * @param {URLSearchParams} p
 * @param {number} k1
 * @param {number} k2
 */
function readLayer(p, k1, k2) {
  /** @type {Ignored[]} */
  const ignored = [];
  const fallBack = (key, why, using) => ignored.push({ key: key === 'layer' ? 'layerPreset' : key, short: key, value: p.get(key), why, using });
  let layer = null, channels = null;
  const given = LAYER_KERNEL_KEYS.filter((key) => p.has(key));
  if (p.has('n') || given.length) {
    const count = p.has('n') ? wholeNumber(p.get('n'), 1, MAX_MAPS, 'the number of kernels') : { value: given.length };
    let fault = count.error ? ['n', count.error] : null;
    const kernels = [];
    for (let i = 0; !fault && i < count.value; i++) {
      const key = `lw${i}`;
      if (!p.has(key)) {
        fault = [p.has('n') ? 'n' : key, `the link has no numbers for kernel ${i}, ${key}=`];
        break;
      }
      const cells = p.get(key).split(',').map((c) => c.trim());
      const c = cells.length === k1 * k2 ? 1 : cells.length === 3 * k1 * k2 ? 3 : 0;
      const bad = cells.map(parseCell).find((r) => !r.ok);
      if (!c) fault = [key, `a ${k1} × ${k2} kernel needs ${k1 * k2} numbers per channel, for 1 or 3 channels, in ${key}=; it has ${cells.length}`];
      else if (channels && c !== channels) fault = [key, `kernel ${i} is for ${c} channel${c > 1 ? 's' : ''}, kernel 0 for ${channels}`];
      else if (bad) fault = [key, `${key}= ${bad.reason}`];
      else {
        channels = c;
        const slices = [0, 1, 2].map((ch) => cells.slice(k1 * k2 * (c === 1 ? 0 : ch), k1 * k2 * ((c === 1 ? 0 : ch) + 1)));
        kernels.push(slices);
      }
    }
    if (fault) {
      const [culprit, why] = fault;
      for (const key of ['layer', 'n', ...given]) {
        if (p.has(key)) fallBack(key, key === culprit ? why : `it goes with “${culprit}”, which was ignored`, key.startsWith('lw') ? 'the layer’s first kernels' : undefined);
      }
      channels = null;
    } else {
      let preset = p.get('layer') ?? 'custom';
      if (!LAYER_PRESET_IDS.includes(preset)) {
        fallBack('layer', `the layer’s preset is ${LAYER_PRESET_IDS.join(', ')}`, 'custom');
        preset = 'custom';
      }
      layer = { preset, n: count.value, kernels, biases: new Array(count.value).fill(0), relu: true };
      for (const key of given) if (Number(key.slice(2)) >= count.value) fallBack(key, `the layer has ${count.value} kernel${count.value > 1 ? 's' : ''}`, 'nothing');
    }
  }
  const n = layer?.n ?? 4;
  const biases = new Array(n).fill(0);
  if (p.has('lb')) {
    const parts = p.get('lb').split(',').map((t) => parseCell(t));
    if (parts.length === n && parts.every((r) => r.ok)) parts.forEach((r, i) => { biases[i] = r.value; });
    else fallBack('lb', parts.length !== n ? `the biases are ${n} numbers, one per kernel` : `a bias ${parts.find((r) => !r.ok).reason}`, new Array(n).fill(0).join(','));
  }
  let relu = true;
  if (p.has('relu')) {
    const t = p.get('relu');
    if (t === '0' || t === '1') relu = t === '1';
    else fallBack('relu', 'ReLU is 0 or 1', '1');
  }
  let map = 0;
  if (p.has('map')) {
    const r = wholeNumber(p.get('map'), 0, n - 1, 'the selected map');
    if (r.error) fallBack('map', r.error, '0');
    else map = r.value;
  }
  return { layer: layer && { ...layer, biases, relu }, biases, relu, channels, map, ignored };
}

const OWN_IMAGE_NOTE = 'This link was made with an image of someone’s own, which a link cannot carry: showing the sample photo instead.';

/**
 * Reads a link's hash (made by encodeHash(), or written by hand). Returns
 * { state, ignored, unknown, notes }: every key the link could not mean is at
 * its default in `state`; `ignored` says which ones and why (lib/hash-state.js's
 * entries, in the table's order), `unknown` the names no key has, and `notes`
 * all of it in sentences for the page. An empty hash is the default view,
 * with nothing to say. Pure.
 * @param {string | null | undefined} hash
 */
export function decodeHash(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const alone = decodeFields(ALONE, hash);
  const state = Object.assign(defaultState(), alone.state);
  const notes = [];
  let ignored = alone.ignored;
  if (p.get('img') === 'own') {
    state.image = 'camera';
    ignored = ignored.filter((i) => i.key !== 'image');
    notes.push(OWN_IMAGE_NOTE);
  }
  const { kernel, ignored: kernelIgnored } = readKernel(p, state.mode);
  Object.assign(state, kernel);
  // C: what the layer's kernels were written for (else 3, until the image is loaded: takeChannels())
  state.layer = defaultLayer(state.k1, state.k2, state.channels);
  let layerIgnored = [];
  if (state.mode === 'layer') {
    const read = readLayer(p, state.k1, state.k2);
    if (read.channels) state.channels = read.channels;
    state.layer = read.layer ?? { ...defaultLayer(state.k1, state.k2, state.channels), biases: read.biases, relu: read.relu };
    state.map = read.map;
    layerIgnored = read.ignored;
  }
  const at = (i) => FIELDS.findIndex((d) => d.key === i.key);
  ignored = [...ignored, ...kernelIgnored, ...layerIgnored].sort((a, b) => at(a) - at(b));
  const unknown = alone.unknown.filter((k) => !KERNEL_KEYS.includes(k) && !LAYER_KEYS.includes(k));
  notes.push(...ignoredLines(FIELDS, ignored, unknown));
  return { state, ignored, unknown, notes };
}

/**
 * The settings a link holds: the current ones, or, while a kernel cell is not
 * a number (which a link cannot hold), the last ones whose cells all were.
 * A view with no output is a whole view too: its link opens it, with no output.
 * @param {Settings} s
 * @param {Settings | null} lastWhole
 */
export function linkSettings(s, lastWhole) {
  return cellProblems(s).length === 0 ? s : lastWhole;
}

/** What a copied link leaves out of the view shown ('' when nothing). @param {Settings} s */
export function shareCaveats(s) {
  return (s.image === 'own' ? ' Your own image is not in the link: it opens with a sample photo.' : '')
    + (cellProblems(s).length ? ' A kernel cell is not a number: the link holds the last kernel that was all numbers.' : '');
}

/** The note for a link's pixel that the output turned out not to have. */
export function pixelOutsideNote(asked, oh, ow, sel) {
  return `This link’s “px=${asked.join(',')}” is outside Z, which has ${oh} row${oh > 1 ? 's' : ''} and ${ow} column${ow > 1 ? 's' : ''}: using ${sel.join(',')}.`;
}

