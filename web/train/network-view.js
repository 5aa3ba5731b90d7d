// train/network-view.js - section 7, the network view: one image through the
// student's own model, every layer's output with its shape written as the
// lesson writes a tensor's, (height, width, channels): the input, each conv
// and pooling layer's maps (a conv layer's values can be chosen: their
// canvases carry data-pick-layer), the flattened vector before the first
// dense layer, the dense layers' activations, and the softmax as labelled
// bars. Also the chooser of the image (a test image, a drawing, a picture).
import { $, $$, h, say } from '../lib/dom.js';
import { CLASS_NAMES, IMAGE_PIXELS } from '../lib/limits.js';
import { pct, fmtValue } from '../lib/format.js';
import { divergingRGBA } from '../lib/colour.js';
import { drawTiles, imageCanvas } from './tiles.js';
import { shapeText, shapeWords } from './state.js';

/** Maps of a layer a row, at most. */
const MAP_COLUMNS = 8;

/** The view's elements. */
export function find(root = document) {
  return {
    sources: $$('[data-net-source]', root), groups: $$('[data-net-group]', root),
    pad: $('[data-draw-pad]', root), file: $('[data-net-file]', root), fileError: $('[data-error-for="net-file"]', root),
    invert: $('[data-net-invert]', root), live: $('[data-net-live]', root),
    message: $('[data-net-message]', root), net: $('[data-net]', root),
  };
}

/** The image source chosen ('test', 'draw' or 'file'). */
export const readSource = (els) => els.sources.find((r) => r.checked)?.value ?? 'test';

/** Shows the fields of the chosen source. */
export function renderSource(els, source) {
  for (const g of els.groups) g.hidden = g.dataset.netGroup !== source;
}

/** No model, or a new one: nothing to show. */
export function clear(els) {
  els.net.replaceChildren();
  say(els.message, '');
}

/**
 * A sentence under the chooser ('' clears it).
 * @param {'info'|'ok'|'warning'|'error'} [kind]
 */
export function renderMessage(els, text, kind = 'info') {
  say(els.message, text, kind);
}

/** The file field's error ('' when none). */
export function renderFileError(els, text) {
  els.fileError.textContent = text;
  els.file.setAttribute('aria-invalid', text ? 'true' : 'false');
}

/** What the image is, in words. */
export function sourceWords(v) {
  if (v.source.kind === 'test') {
    const name = CLASS_NAMES[v.label];
    return `test image ${v.source.index}, ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  return v.source.name || 'your drawing';
}

const isMap = (l) => l.shape[1] * l.shape[2] > 1;

/**
 * The view (network.js's: { source, label, layers, shuffled, pick }), a row a
 * layer; the flattened vector goes before the first dense layer that reads maps
 * (or the image). scroll: bring it into view (the student asked).
 * @param {ReturnType<typeof find>} els
 */
export function renderView(els, v, scroll = false) {
  const items = [];
  v.layers.forEach((l, i) => {
    const prev = v.layers[i - 1];
    if (l.kind === 'dense' && prev && isMap(prev)) items.push(flattenedItem(prev));
    items.push(layerItem(v, l));
  });
  els.net.replaceChildren(h('ol', { className: 'tr-net-layers', attrs: { 'aria-label': `Every layer’s output for ${sourceWords(v)}` } }, ...items));
  if (v.pick) markPick(els, v);
  if (scroll) els.net.scrollIntoView({ block: 'nearest' });
}

/** One layer's row: its heading (number, name, shape) and its output. */
function layerItem(v, l) {
  const shape = shapeText(l.shape);
  const title = l.index === 0 ? 'Input' : `Layer ${l.index}: ${l.name}`;
  const head = h('p', { className: 'tr-net-head' }, h('strong', { text: title }), ' ',
    h('span', { className: 'mono', text: shape, attrs: { 'aria-label': `shape ${shape}: ${shapeWords(l.shape)}` } }));
  let body;
  if (l.index === 0) body = inputPicture(v, l);
  else if (l.kind === 'softmax') body = softmaxBars(l.data);
  else if (isMap(l)) body = mapsPicture(l);
  else body = strip(l.data, `${l.name}: ${l.shape[0]} values`);
  return h('li', { className: 'tr-net-layer', dataset: { layer: String(l.index), kind: l.kind } }, head, body, note(l));
}

/**
 * The value explained, framed on its layer's maps, and the patches it reads
 * framed on every map of the layer before (outlines over the canvases, placed
 * in percent so that they follow the canvases' size).
 */
function markPick(els, v) {
  const p = v.pick;
  const frame = (index, tiles, [r0, c0], kh, kw, label) => {
    const canvas = els.net.querySelector(`li[data-layer="${index}"] canvas`);
    if (!canvas) return;
    const [, H, W] = v.layers[index].shape;
    const cols = Number(canvas.dataset.cols || 1);
    const wrap = h('span', { className: 'tr-mark-wrap' });
    canvas.replaceWith(wrap);
    wrap.append(canvas);
    for (const t of tiles) {
      const top = Math.max(0, r0), left = Math.max(0, c0);
      const bottom = Math.min(H, r0 + kh), right = Math.min(W, c0 + kw);
      if (bottom <= top || right <= left) continue;
      const x = (t % cols) * (W + 1) + left, y = Math.floor(t / cols) * (H + 1) + top;
      const mark = h('span', { className: 'tr-mark', attrs: { 'aria-hidden': 'true' }, dataset: { mark: label } });
      Object.assign(mark.style, {
        left: `${(100 * x) / canvas.width}%`, top: `${(100 * y) / canvas.height}%`,
        width: `${(100 * (right - left)) / canvas.width}%`, height: `${(100 * (bottom - top)) / canvas.height}%`,
      });
      wrap.append(mark);
    }
  };
  const prev = v.layers[p.layer - 1];
  frame(p.layer - 1, Array.from({ length: prev.shape[0] }, (_, c) => c), p.origin, p.kh, p.kw, 'patch');
  frame(p.layer, [p.channel], [p.row, p.col], 1, 1, 'value');
}

/** A word on what a layer does, where it helps. */
function note(l) {
  const text = {
    conv: 'Choose a value to see how it is computed.',
    maxpool: 'Each value: the largest of a 2 × 2 square of the maps above.',
    avgpool: 'Each value: the mean of a 2 × 2 square of the maps above.',
    relu: 'max(0, z): negative values become 0.',
    softmax: 'The class probabilities: they add up to 100%.',
  }[l.kind];
  return text ? h('p', { className: 'hint muted', text }) : null;
}

/** The image as the model read it (the engine's layer 0: 0 to 1). */
function inputPicture(v, l) {
  const bytes = new Uint8Array(IMAGE_PIXELS);
  for (let i = 0; i < IMAGE_PIXELS; i++) bytes[i] = Math.round(255 * l.data[i]);
  const c = imageCanvas(bytes, false);
  c.className = 'tr-net-input';
  c.dataset.cols = '1';
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', `The input: ${sourceWords(v)}${v.shuffled ? ', its pixels shuffled as the model saw them' : ''}`);
  return c;
}

/** A layer's maps, MAP_COLUMNS a row, each value a pixel shown larger; signed values in diverging colours. */
function mapsPicture(l) {
  const [C, H, W] = l.shape;
  let signed = false;
  for (const x of l.data) if (x < 0) { signed = true; break; }
  const cols = Math.min(C, MAP_COLUMNS);
  const scale = Math.max(2, Math.round(80 / Math.max(H, W)));
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', {
    className: 'tr-net-maps',
    attrs: { role: 'img', 'aria-label': `${C} map${C === 1 ? '' : 's'} of ${H} rows and ${W} columns, layer ${l.index} ${l.name}${signed ? ' (blue negative, red positive)' : ' (black 0 to white the largest value)'}` },
  }));
  drawTiles(canvas, null, C, cols, { side: H, values: l.data, signed, scale });
  canvas.dataset.cols = String(cols);
  if (l.kind === 'conv') {
    canvas.dataset.pickLayer = String(l.index);
    canvas.classList.add('tr-pickable');
  }
  return h('div', { className: 'tr-net-out' }, canvas);
}

/**
 * Where a click on a conv layer's maps fell: { layer, channel, row, col }, or
 * null between maps. x, y: the click's offset in CSS pixels.
 * @param {HTMLCanvasElement} canvas
 * @param {[number, number, number]} shape  the layer's (C, H, W)
 */
export function pickAt(canvas, shape, x, y) {
  const [C, H, W] = shape;
  const rect = canvas.getBoundingClientRect();
  const px = Math.floor((x * canvas.width) / rect.width), py = Math.floor((y * canvas.height) / rect.height);
  const cols = Number(canvas.dataset.cols);
  const tx = Math.floor(px / (W + 1)), ty = Math.floor(py / (H + 1));
  const col = px % (W + 1), row = py % (H + 1);
  const channel = ty * cols + tx;
  if (col >= W || row >= H || tx >= cols || channel >= C) return null;
  return { layer: Number(canvas.dataset.pickLayer), channel, row, col };
}

/** The maps before the first dense layer read as one vector: the same numbers, channel after channel. */
function flattenedItem(prev) {
  const n = prev.shape[0] * prev.shape[1] * prev.shape[2];
  const what = prev.index === 0 ? 'the image' : `the ${shapeText(prev.shape)} maps`;
  return h('li', { className: 'tr-net-layer', dataset: { kind: 'flatten' } },
    h('p', { className: 'tr-net-head' }, h('strong', { text: 'Flattened' }), ' ',
      h('span', { className: 'mono', text: `(${n})`, attrs: { 'aria-label': `shape (${n}): a vector of ${n}` } })),
    strip(prev.data, `${what} as one vector of ${n} values`),
    h('p', { className: 'hint muted', text: `A dense layer reads ${what} as one vector of ${n} numbers, ${prev.index === 0 ? 'row after row' : 'map after map, row after row'}: where a value was is lost.` }));
}

/** A vector as a strip of coloured cells (at most 1,024 shown). */
function strip(values, label) {
  const n = Math.min(values.length, 1024);
  const cell = n <= 64 ? 8 : n <= 256 ? 3 : 1;
  const rows = Math.ceil(n / 256);
  const per = Math.min(n, 256);
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { className: 'tr-net-strip', attrs: { role: 'img', 'aria-label': label } }));
  canvas.width = per; canvas.height = rows;
  canvas.style.width = `${per * cell}px`;
  canvas.style.height = `${rows * Math.max(cell, 6)}px`;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(values[i]));
  const rgba = divergingRGBA(values.subarray(0, n), max > 0 ? Math.fround(1 / max) : 0);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(per, rows);
  img.data.fill(255);
  img.data.set(rgba.subarray(0, 4 * n));
  ctx.putImageData(img, 0, 0);
  let lo = Infinity, hi = -Infinity;
  for (const x of values) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  return h('div', { className: 'tr-net-out' }, canvas,
    h('p', { className: 'hint muted', text: `from ${fmtValue(lo, 3)} to ${fmtValue(hi, 3)} (blue negative, white 0, red positive)` }));
}

/** The softmax: a labelled bar a class, the most likely marked. */
function softmaxBars(probs) {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  return h('ul', { className: 'tr-probs', attrs: { 'aria-label': 'Class probabilities' } }, ...Array.from(probs, (p, k) => {
    const bar = h('span', { className: 'tr-prob-fill' });
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    return h('li', { className: k === best ? 'tr-prob-best' : undefined, dataset: { class: String(k) } },
      h('span', { className: 'tr-prob-label', text: CLASS_NAMES[k] ?? `class ${k}` }),
      h('span', { className: 'tr-prob', attrs: { 'aria-hidden': 'true' } }, bar),
      h('span', { className: 'num', text: pct(p) }));
  }));
}
