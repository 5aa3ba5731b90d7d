// train.js - the train page: settings, drawing and persistence only.
// The engine, the data and the training loop live in train-worker.js; this
// module sends it messages and draws what comes back, a little at a time
// (curves on requestAnimationFrame), so the page stays responsive.
//
// All of the page's settings live in one object mirrored in the URL hash, so
// a link opens the same experiment; the last model, its settings and the
// curves are kept in IndexedDB and restored on reload.

import { WorkerClient } from './worker-rpc.js';
import { lossAdvice } from './train-advice.js';
import { h } from './dom.js';

const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SIDE = 28, PIXELS = SIDE * SIDE;
const COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const DATA_FILES = {
  trainImages: 'data/train-images-idx3-ubyte.gz', trainLabels: 'data/train-labels-idx1-ubyte.gz',
  testImages: 'data/t10k-images-idx3-ubyte.gz', testLabels: 'data/t10k-labels-idx1-ubyte.gz',
};
const DATA_CACHE = 'convlab-fashion-mnist-v1'; // the worker's cache name
const MAX_BATCH = 4096;                         // the engine's limit per call
const GALLERY = 12, SAMPLES_PER_CLASS = 6, CELL_IMAGES = 60;

const DEFAULTS = {
  arch: 'mlp', layers: '1', units: ['128'], convs: '2', filters: ['8', '16'], kernel: '3', pool: 'max', dense: '0',
  act: 'relu', spec: '', batch: '32', lr: '0.001', epochs: '3', l2: '0', loss: 'xent', optimizer: 'adam',
  momentum: '0.9', seed: '1', quick: true, shuffle: false,
};

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (v, digits = 1) => `${(100 * v).toFixed(digits)}%`;
/** 0.001 as it is, 1e20 as 1e+20. */
const compact = (v) => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential() : String(v));

// ---- the worker ----

const engine = new WorkerClient(new URL('train-worker.js', import.meta.url), {
  onEvent: (data) => onEvent(data),
  onError: (e) => say('page', `The training engine failed: ${e.message}. Reload the page.`, 'error'),
});
const call = (type, args = {}, transfer = []) => engine.call(type, args, transfer);

// ---- page state: one object ----

const state = {
  settings: structuredClone(DEFAULTS),
  data: null,          // sizes once loaded: { train, validation, test, total }
  phase: 'idle',       // idle | running | paused | finished
  hasModel: false,
  modelShuffled: false,
  runs: [],            // { id, name, colour, settings, train: [], validation: [], test, epochs, visible, how }
  currentRun: null,
  describe: null,      // the last spec description from the engine
  test: null,          // the last test-set results
  galleryStart: 0,
  queue: [],           // settings of the experiment's runs still to do
  dataLoading: false,
};

// ---- messages ----

function say(where, text, kind = 'info') {
  const el = $(`[data-${where}-message]`);
  el.textContent = text;
  el.dataset.kind = kind;
}

// ---- settings: DOM <-> object <-> URL hash ----

function readSettings() {
  const s = state.settings;
  for (const el of $$('[data-setting]')) {
    const key = el.dataset.setting;
    if (el.type === 'radio') { if (el.checked) s[key] = el.value; } else if (el.type === 'checkbox') s[key] = el.checked;
    else s[key] = el.value;
  }
  s.units = $$('[data-unit]').map((el) => el.value);
  s.filters = $$('[data-filter]').map((el) => el.value);
  return s;
}

function writeSettings(s) {
  for (const el of $$('[data-setting]')) {
    const key = el.dataset.setting;
    if (el.type === 'radio') el.checked = el.value === s[key];
    else if (el.type === 'checkbox') el.checked = Boolean(s[key]);
    else el.value = s[key] ?? '';
  }
  renderUnitFields();
}

/** The per-layer fields (units of each hidden layer, filters of each conv layer). */
function renderUnitFields() {
  const s = state.settings;
  const make = (container, count, values, kind) => {
    const n = Number(count);
    const want = Number.isInteger(n) && n >= 0 && n <= 6 ? n : $$(`[data-${kind}]`, container).length;
    while (values.length < want) values.push(String(Math.max(kind === 'unit' ? 10 : 4, Math.round((Number(values.at(-1)) || 128) / (kind === 'unit' ? 2 : 0.5)))));
    container.replaceChildren(...Array.from({ length: want }, (_, i) => {
      const id = `tr-${kind}-${i + 1}`;
      const label = kind === 'unit'
        ? h('label', { htmlFor: id }, 'Units N', h('sub', {}, String(i + 1)), ` in hidden layer ${i + 1}`)
        : h('label', { htmlFor: id }, `Filters in conv layer ${i + 1}`);
      const input = h('input', {
        id, type: 'text', inputMode: 'numeric', size: 5, value: values[i],
        dataset: { [kind]: '' }, attrs: { 'aria-describedby': `${id}-error` },
      });
      const error = h('span', { className: 'error', id: `${id}-error`, dataset: { errorFor: `${kind}-${i + 1}` } });
      return h('div', { className: 'field' }, label, input, error);
    }));
  };
  make($('[data-units]'), s.layers, s.units, 'unit');
  make($('[data-filters]'), s.convs, s.filters, 'filter');
  for (const g of $$('[data-arch-group]')) g.hidden = g.dataset.archGroup !== s.arch;
  $('[data-arch-common]').hidden = s.arch === 'custom';
  $('[data-momentum-field]').hidden = s.optimizer !== 'momentum';
}

const HASH_KEYS = {
  arch: 'arch', layers: 'L', units: 'units', convs: 'convs', filters: 'filters', kernel: 'k', pool: 'pool', dense: 'dense',
  act: 'f', spec: 'spec', batch: 'bs', lr: 'lr', epochs: 'epochs', l2: 'l2', loss: 'J', optimizer: 'opt',
  momentum: 'momentum', seed: 'seed', quick: 'quick', shuffle: 'shuffle',
};

function toHash(s) {
  const p = new URLSearchParams();
  for (const [key, short] of Object.entries(HASH_KEYS)) {
    if (key === 'spec' && s.arch !== 'custom') continue;
    if (['layers', 'units'].includes(key) && s.arch !== 'mlp') continue;
    if (['convs', 'filters', 'kernel', 'pool', 'dense'].includes(key) && s.arch !== 'cnn') continue;
    if (key === 'momentum' && s.optimizer !== 'momentum') continue;
    const v = s[key];
    p.set(short, Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? '1' : '0') : v);
  }
  return p.toString();
}

function fromHash(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s = structuredClone(DEFAULTS);
  let any = false;
  for (const [key, short] of Object.entries(HASH_KEYS)) {
    if (!p.has(short)) continue;
    any = true;
    const v = p.get(short);
    if (Array.isArray(DEFAULTS[key])) s[key] = v.split(',');
    else if (typeof DEFAULTS[key] === 'boolean') s[key] = v === '1' || v === 'true';
    else s[key] = v;
  }
  return any ? s : null;
}

function updateHash() {
  const h = toHash(state.settings);
  history.replaceState(null, '', `#${h}`);
  $('[data-link]').value = location.href;
}

// ---- validation: every field refused next to itself ----

function parseNumber(text) {
  const t = String(text ?? '').trim();
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

function wholeNumber(text, min, max, what) {
  const v = parseNumber(text);
  if (Number.isNaN(v)) return { error: `${what} must be a number` };
  if (!Number.isInteger(v)) return { error: `${what} must be a whole number` };
  if (v < min || v > max) return { error: `${what} must be from ${fmtInt(min)} to ${fmtInt(max)}` };
  return { value: v };
}

function trainingSetSize() {
  if (state.data) return state.data.train; // the worker's split, updated when Quick changes
  return state.settings.quick ? 10000 : 55000;
}

/** The spec the architecture controls describe (or the custom one). */
function specFrom(s, v) {
  if (s.arch === 'custom') return s.spec.trim();
  const act = s.act;
  if (s.arch === 'mlp') return [...v.units.map((n) => `dense${n}-${act}`), 'dense10-softmax'].join('-');
  const pool = s.pool === 'none' ? '' : `-${s.pool}pool2`;
  const parts = v.filters.map((f) => `conv${s.kernel}x${s.kernel}x${f}-${act}${pool}`);
  if (v.dense > 0) parts.push(`dense${v.dense}-${act}`);
  parts.push('dense10-softmax');
  return parts.join('-');
}

function validate() {
  const s = readSettings();
  const errors = {}, v = {};
  const take = (key, r) => { if (r.error) errors[key] = r.error; else v[key] = r.value; };
  if (s.arch === 'mlp') {
    take('layers', wholeNumber(s.layers, 0, 6, 'The number of hidden layers'));
    v.units = s.units.map((u, i) => { const r = wholeNumber(u, 1, 4096, 'Units'); if (r.error) errors[`unit-${i + 1}`] = r.error; return r.value; });
  } else if (s.arch === 'cnn') {
    take('convs', wholeNumber(s.convs, 1, 3, 'The number of conv layers'));
    v.filters = s.filters.map((f, i) => { const r = wholeNumber(f, 1, 64, 'Filters'); if (r.error) errors[`filter-${i + 1}`] = r.error; return r.value; });
    take('dense', wholeNumber(s.dense, 0, 1024, 'Dense units'));
  }
  const setSize = trainingSetSize();
  const b = wholeNumber(s.batch, 1, Number.MAX_SAFE_INTEGER, 'The batch size');
  if (!b.error && b.value > setSize) b.error = `The batch size cannot be larger than the training set (${fmtInt(setSize)} images)`;
  else if (!b.error && b.value > MAX_BATCH) b.error = `The batch size can be at most ${fmtInt(MAX_BATCH)} (the engine's limit)`;
  take('batch', b);
  const lr = parseNumber(s.lr);
  if (Number.isNaN(lr)) errors.lr = 'The learning rate must be a number, like 0.001';
  else if (!(lr > 0) || !Number.isFinite(lr)) errors.lr = 'The learning rate must be greater than 0';
  else if (lr >= 1e30) errors.lr = 'The learning rate must be below 1e30';
  else v.lr = lr;
  take('epochs', wholeNumber(s.epochs, 1, 100, 'Epochs'));
  const l2 = parseNumber(s.l2);
  if (Number.isNaN(l2)) errors.l2 = 'λ must be a number, like 0 or 0.0001';
  else if (l2 < 0) errors.l2 = 'λ cannot be negative';
  else if (l2 >= 1e30) errors.l2 = 'λ must be below 1e30';
  else v.l2 = l2;
  if (s.optimizer === 'momentum') {
    const m = parseNumber(s.momentum);
    if (Number.isNaN(m)) errors.momentum = 'Momentum must be a number, like 0.9';
    else if (m < 0 || m >= 1) errors.momentum = 'Momentum must be at least 0 and less than 1';
    else v.momentum = m;
  } else v.momentum = 0.9;
  take('seed', wholeNumber(s.seed, 0, 4294967295, 'The seed'));
  const specOk = !Object.keys(errors).some((k) => /^(layers|unit|convs|filter|dense)/.test(k));
  v.spec = specOk ? specFrom(s, v) : '';
  if (specOk && !v.spec) errors.spec = 'Type a model spec, e.g. dense128-relu-dense10-softmax';
  const d = state.describe;
  if (specOk && v.spec && d && d.for === v.spec) {
    if (!d.ok) errors.spec = d.message;
    else if (d.outputs !== 10) errors.spec = `The model has ${d.outputs} outputs; it needs 10, one per class: end the spec with dense10-softmax`;
  }
  if (s.loss === 'xent' && v.spec && !/softmax$/.test(v.spec.toLowerCase().replace(/\s/g, ''))) {
    errors.loss = 'Cross-entropy needs a softmax output: end the spec with softmax, or choose mean squared error';
  }
  Object.assign(v, { arch: s.arch, act: s.act, loss: s.loss, optimizer: s.optimizer, quick: s.quick, shuffle: s.shuffle });
  return { ok: Object.keys(errors).length === 0, errors, values: v };
}

function showErrors(errors) {
  for (const el of $$('[data-error-for]')) {
    const key = el.dataset.errorFor;
    if (key === 'model-file' || key === 'image-index') continue;
    el.textContent = errors[key] ?? '';
    const input = document.getElementById(el.id.replace(/-error$/, ''));
    if (input) input.setAttribute('aria-invalid', errors[key] ? 'true' : 'false');
  }
}

// ---- live description of the model: shapes and parameter counts ----

let describeTimer = 0, describeSeq = 0;
function scheduleDescribe() {
  clearTimeout(describeTimer);
  describeTimer = setTimeout(describe, 120);
}

async function describe() {
  const { values } = validate();
  const spec = values.spec;
  if (state.settings.arch !== 'custom' && spec) {
    $('#tr-spec').value = spec;
    state.settings.spec = spec;
  }
  const seq = ++describeSeq;
  const tbody = $('[data-layer-table] tbody');
  if (!spec) { tbody.replaceChildren(); $('[data-param-total]').textContent = '–'; refreshErrors(); return; }
  const d = await call('describe', { spec });
  if (seq !== describeSeq) return;
  state.describe = { ...d, for: spec };
  if (d.ok) {
    tbody.replaceChildren(...d.layers.map((l) => {
      const tr = document.createElement('tr');
      const shape = l.shape[1] === 1 && l.shape[2] === 1 ? `${l.shape[0]}` : l.shape.join(' × ');
      for (const [text, cls] of [[l.index, ''], [l.name, 'mono'], [shape, 'mono'], [l.params ? fmtInt(l.params) : '–', 'num']]) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }));
    $('[data-param-total]').textContent = fmtInt(d.params);
  } else {
    tbody.replaceChildren();
    $('[data-param-total]').textContent = '–';
  }
  refreshErrors();
}

let touched = false; // errors show once the student has edited or pressed Start
function refreshErrors() {
  const r = validate();
  if (touched) showErrors(r.errors);
  else showErrors(r.errors.spec ? { spec: r.errors.spec } : {});
  return r;
}

function onSettingsChanged(e) {
  touched = true;
  if (e?.target?.id === 'tr-spec') {
    state.settings.arch = 'custom';
    $('input[name="arch"][value="custom"]').checked = true;
  }
  readSettings();
  if (e?.target?.matches?.('[data-setting="layers"], [data-setting="convs"], [data-setting="arch"], [data-setting="optimizer"]')) renderUnitFields();
  if (e?.target?.matches?.('[data-setting="quick"]') && state.data) {
    call('setQuick', { quick: state.settings.quick }).then((sizes) => { if (sizes) { state.data = sizes; describeData(); refreshErrors(); } });
  }
  updateHash();
  scheduleDescribe();
  refreshErrors();
}

// ---- data ----

async function loadData() {
  if (state.dataLoading) return;
  state.dataLoading = true;
  const button = $('[data-load-data]');
  button.disabled = true;
  $('[data-data-progress]').hidden = false;
  say('data', 'Loading the data…');
  try {
    const urls = Object.fromEntries(Object.entries(DATA_FILES).map(([k, v]) => [k, new URL(v, location.href).href]));
    const sizes = await call('loadData', { urls, quick: state.settings.quick });
    state.data = sizes;
    $('#tr-data-bar').value = 1;
    $('[data-data-progress-text]').textContent = sizes.fromCache ? 'Loaded from your browser’s cache' : 'Downloaded';
    describeData(sizes.fromCache, sizes.cached);
    if ($('[data-run-message]').dataset.kind === 'error') say('run', '');
    button.textContent = 'Load the data again';
    await showSamples();
    refreshErrors();
    updateButtons();
    if (state.hasModel) evaluate();
  } catch (e) {
    say('data', `The data could not be loaded: ${e.message}. Nothing was loaded: check the connection and press “Retry the download”.`, 'error');
    $('[data-data-progress-text]').textContent = 'Failed';
    button.textContent = 'Retry the download';
  } finally {
    state.dataLoading = false;
    updateButtons();
  }
}

function describeData(fromCache, cached) {
  const d = state.data;
  const where = fromCache ? ' (from your browser’s cache, no download)' : cached ? ' (kept in your browser for next time)' : '';
  say('data', `Loaded ${fmtInt(d.total)} training and ${fmtInt(d.test)} test images${where}. `
    + `Training on ${fmtInt(d.train)}, validating on ${fmtInt(d.validation)} held out, testing on ${fmtInt(d.test)}.`, 'ok');
}

function onDataProgress(ev) {
  const bar = $('#tr-data-bar'), text = $('[data-data-progress-text]');
  if (ev.phase === 'download') {
    const frac = ev.total ? Math.min(1, ev.loaded / ev.total) : 0;
    bar.value = frac;
    text.textContent = ev.fromCache ? 'Reading from your browser’s cache…'
      : `Downloading: ${(ev.loaded / 1e6).toFixed(1)} of ${(ev.total / 1e6).toFixed(1)} MB (${Math.round(100 * frac)}%)`;
  } else if (ev.phase === 'decompress') text.textContent = 'Decompressing…';
  else if (ev.phase === 'parse') text.textContent = 'Reading the IDX files…';
}

async function dataIsCached() {
  try {
    if (typeof caches === 'undefined') return false;
    const c = await caches.open(DATA_CACHE);
    for (const v of Object.values(DATA_FILES)) if (!(await c.match(new URL(v, location.href).href))) return false;
    return true;
  } catch {
    return false;
  }
}

/** Draws 28 x 28 images (n * 784 bytes) into a canvas as a grid of `cols` tiles with 1 px gaps. */
function drawTiles(canvas, images, n, cols, { side = SIDE, scale = 2, values = null, signed = false } = {}) {
  const rows = Math.max(1, Math.ceil(n / cols));
  const W = cols * (side + 1) - 1, H = rows * (side + 1) - 1;
  canvas.width = W; canvas.height = H;
  canvas.style.width = `${W * scale}px`;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(W, H);
  img.data.fill(255);
  const area = side * side;
  for (let t = 0; t < n; t++) {
    const ox = (t % cols) * (side + 1), oy = Math.floor(t / cols) * (side + 1);
    let max = 0;
    if (values) for (let i = 0; i < area; i++) max = Math.max(max, Math.abs(values[t * area + i]));
    for (let i = 0; i < area; i++) {
      const at = 4 * ((oy + Math.floor(i / side)) * W + ox + (i % side));
      let r, g, b;
      if (!values) r = g = b = images[t * area + i];
      else if (signed) [r, g, b] = diverging(max ? values[t * area + i] / max : 0);
      else r = g = b = max ? Math.round((255 * values[t * area + i]) / max) : 0;
      img.data[at] = r; img.data[at + 1] = g; img.data[at + 2] = b; img.data[at + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** -1 blue, 0 white, +1 red. */
function diverging(v) {
  const a = Math.min(1, Math.abs(v));
  return v < 0 ? [Math.round(255 * (1 - a * 0.85)), Math.round(255 * (1 - a * 0.6)), 255] : [255, Math.round(255 * (1 - a * 0.75)), Math.round(255 * (1 - a * 0.85))];
}

function imageCanvas(pixels, label) {
  const c = document.createElement('canvas');
  c.width = c.height = SIDE;
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) { img.data.fill(pixels[i], 4 * i, 4 * i + 3); img.data[4 * i + 3] = 255; }
  ctx.putImageData(img, 0, 0);
  if (label) c.setAttribute('aria-hidden', 'true');
  return c;
}

async function showSamples() {
  const { images, indices, labels } = await call('samples', { perClass: SAMPLES_PER_CLASS });
  const grid = $('[data-sample-grid]');
  const groups = CLASS_NAMES.map((name, k) => {
    return h('figure', { className: 'tr-class' },
      h('figcaption', {}, h('span', { className: 'mono' }, String(k)), ` ${name}`),
      h('div', { className: 'tr-class-images' }));
  });
  indices.forEach((index, j) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tr-thumb';
    b.tabIndex = j === 0 ? 0 : -1; // one tab stop for the grid: arrow keys move inside it
    b.setAttribute('aria-label', `Training image ${index}: ${CLASS_NAMES[labels[j]]}`);
    const px = images.subarray(j * PIXELS, (j + 1) * PIXELS);
    b.append(imageCanvas(px, true));
    b.addEventListener('click', () => showNumbers(px, `Training image ${index} (${CLASS_NAMES[labels[j]]}) as 28 × 28 numbers`));
    $('.tr-class-images', groups[labels[j]]).append(b);
  });
  grid.replaceChildren(...groups);
  $('[data-samples]').hidden = false;
}

/**
 * The sample grid is one tab stop (a roving tabindex): Left and Right go to
 * the previous and next image, Up and Down to the same place in the class
 * above or below, Home and End to the first and last.
 */
function sampleGridKeys(e) {
  const thumbs = [...$$('.tr-thumb', e.currentTarget)];
  const at = thumbs.indexOf(e.target);
  if (at < 0) return;
  const row = SAMPLES_PER_CLASS;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + row, ArrowUp: at - row, Home: 0, End: thumbs.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  const next = thumbs[Math.max(0, Math.min(thumbs.length - 1, to))];
  thumbs[at].tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

function showNumbers(px, title) {
  const table = $('[data-numbers-table]');
  const rows = [];
  for (let y = 0; y < SIDE; y++) {
    const tr = h('tr');
    for (let x = 0; x < SIDE; x++) {
      const v = px[y * SIDE + x];
      tr.append(h('td', { text: v, style: { background: `rgb(${v},${v},${v})`, color: v > 140 ? '#000' : '#fff' } }));
    }
    rows.push(tr);
  }
  table.replaceChildren(h('caption', { className: 'visually-hidden', text: title }), h('tbody', {}, ...rows));
  $('[data-numbers]').hidden = false;
  $('[data-numbers-title]').textContent = title;
  $('[data-numbers-title]').focus();
}

// ---- runs and the training controls ----

function archLabel(v) {
  if (v.arch === 'mlp') return `MLP ${v.units.length ? v.units.join('-') : '(no hidden layer)'} ${v.act}`;
  if (v.arch === 'cnn') return `CNN ${v.filters.join('-')} ${v.act}`;
  return v.spec;
}

function runName(v, extra = '') {
  const opt = { sgd: 'SGD', momentum: 'momentum', adam: 'Adam' }[v.optimizer];
  return `${extra || archLabel(v)} · ${opt} lr ${compact(v.lr)} · bs ${v.batch}${v.l2 ? ` · λ ${compact(v.l2)}` : ''}${v.loss === 'mse' ? ' · MSE' : ''}${v.shuffle ? ' · shuffled pixels' : ''}`;
}

function newRun(v, name) {
  const id = (state.runs.at(-1)?.id ?? 0) + 1;
  const run = {
    id, name: name ?? runName(v), colour: COLOURS[(id - 1) % COLOURS.length], settings: v,
    train: [], validation: [], test: null, epochs: v.epochs, visible: true, how: 'running',
  };
  state.runs.push(run);
  state.currentRun = run;
  renderRuns();
  return run;
}

function workerSettings(v, run) {
  return {
    runId: run.id, spec: v.spec, seed: v.seed, batch: v.batch, lr: v.lr, epochs: v.epochs, l2: v.l2,
    loss: v.loss, optimizer: v.optimizer, momentum: v.momentum, shufflePixels: v.shuffle,
  };
}

function checkBeforeTraining() {
  touched = true;
  const r = refreshErrors();
  if (!r.ok) {
    const first = Object.keys(r.errors)[0];
    const el = $(`[data-error-for="${first}"]`);
    document.getElementById(el?.id.replace(/-error$/, ''))?.focus();
    say('run', `Training did not start: ${Object.keys(r.errors).length === 1 ? 'one setting needs' : 'some settings need'} fixing (marked in red).`, 'error');
    return null;
  }
  if (!state.data) {
    say('run', 'Load the data first (section 1).', 'error');
    return null;
  }
  return r.values;
}

async function start(values = null, name = null) {
  const v = values ?? checkBeforeTraining();
  if (!v) return;
  const previous = state.currentRun;
  if (previous && previous.how === 'running') previous.how = 'stopped'; // a paused run, replaced
  const run = newRun(v, name);
  showAdvice(null);
  try {
    const info = await call('start', { settings: workerSettings(v, run) });
    state.phase = 'running';
    state.hasModel = true;
    state.test = null;
    clearResults(); // they were the replaced model's
    state.modelShuffled = v.shuffle;
    run.info = info;
    say('run', `Training ${run.name}: ${fmtInt(info.params)} parameters, ${fmtInt(info.batches)} batches per epoch.`);
  } catch (e) {
    state.runs.pop();
    state.currentRun = null;
    renderRuns();
    state.queue = [];
    say('run', `Training did not start: ${e.message}`, 'error');
  }
  updateButtons();
}

async function pause() {
  await call('pause');
  if (state.phase === 'running') state.phase = 'paused';
  updateButtons($('[data-action="resume"]'));
  say('run', 'Paused. Resume, or go one batch at a time with One step.');
}

async function resume() {
  await call('resume');
  state.phase = 'running';
  updateButtons($('[data-action="pause"]'));
  say('run', 'Training…');
}

async function step() {
  let v = null, run = state.currentRun;
  if (state.phase !== 'paused') {
    v = checkBeforeTraining();
    if (!v) return;
    run = newRun(v);
  }
  try {
    const r = await call('step', { settings: v ? workerSettings(v, run) : undefined });
    if (r.created) { state.hasModel = true; state.modelShuffled = v.shuffle; run.info = r.created; state.test = null; clearResults(); }
    if (r.state === 'paused') state.phase = 'paused';
    say('run', `One batch of ${r.n}: loss ${r.loss?.toFixed(4)}, ${r.correct} of ${r.n} right.`);
  } catch (e) {
    if (v) { state.runs.pop(); renderRuns(); }
    say('run', `No step: ${e.message}`, 'error');
  }
  updateButtons();
}

async function stop() {
  state.queue = [];
  await call('stop');
}

async function reset() {
  state.queue = [];
  await call('reset');
  state.phase = 'idle';
  state.hasModel = false;
  state.test = null;
  clearResults();
  updateButtons($('[data-action="start"]'));
  say('run', 'The model is gone; the curves stay (Clear the curves removes them). Start trains a new one.');
}

function updateButtons(focus) {
  const p = state.phase;
  const btn = (a) => $(`[data-action="${a}"]`);
  btn('start').disabled = p === 'running';
  btn('pause').hidden = p === 'paused';
  btn('pause').disabled = p !== 'running';
  btn('resume').hidden = p !== 'paused';
  btn('step').disabled = p === 'running';
  btn('stop').disabled = p !== 'running' && p !== 'paused';
  btn('reset').disabled = p === 'running' || !state.hasModel;
  btn('experiment').disabled = p === 'running';
  $('[data-load-data]').disabled = state.dataLoading || p === 'running' || p === 'paused';
  const canUse = state.hasModel && p !== 'running';
  btn('evaluate').disabled = !(state.hasModel && state.data);
  btn('save-model').disabled = !canUse;
  btn('feature-maps').disabled = !(state.hasModel && state.data);
  btn('more-gallery').disabled = !state.test;
  // a button that just hid or disabled itself would drop keyboard focus on the body
  const active = document.activeElement;
  if (focus && (!active || active === document.body || active.hidden || active.disabled)) focus.focus();
}

const stats = (key, text) => { $(`[data-stat="${key}"]`).textContent = text; };

function seconds(s) {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * What the current run's training curve says about its learning rate (see
 * train-advice.js), under the run's numbers. The words change only when the
 * verdict does, so a screen reader is not told every new loss.
 */
let adviceKind = null;
function showAdvice(run, final = false) {
  const adv = run && run.how !== 'diverged' ? lossAdvice(run.train, run.settings) : null;
  if (!final && (adv?.kind ?? null) === adviceKind) return;
  adviceKind = adv?.kind ?? null;
  $('[data-advice-message]').textContent = adv ? adv.text : '';
}

function onProgress(ev) {
  const run = state.runs.find((r) => r.id === ev.runId);
  if (!run) return;
  run.train.push(...ev.points.train);
  run.validation.push(...ev.points.validation);
  run.epochSeconds = ev.epochSeconds;
  if (run !== state.currentRun) return;
  showAdvice(run);
  $('#tr-run-bar').value = ev.done;
  stats('epoch', `${ev.epoch} of ${ev.epochs}`);
  stats('batch', `${fmtInt(ev.batch)} of ${fmtInt(ev.batches)}`);
  stats('speed', fmtInt(ev.perSec));
  stats('left', ev.state === 'running' ? seconds(ev.secondsLeft) : '–');
  stats('loss', ev.lastLoss === null ? '–' : ev.lastLoss.toFixed(4));
  scheduleDraw();
}

async function onFinished(ev) {
  onProgress(ev);
  const run = state.runs.find((r) => r.id === ev.runId);
  if (!run) return;
  run.how = ev.how;
  if (run === state.currentRun) showAdvice(run, true); // the final numbers; a diverged run has its own message
  state.phase = 'finished';
  updateButtons($('[data-action="start"]'));
  const perEpoch = ev.epochSeconds.length ? ` (${ev.epochSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} per epoch)` : '';
  if (ev.how === 'diverged') say('run', ev.message, 'error');
  else if (ev.how === 'error') say('run', ev.message, 'error');
  else if (ev.how === 'stopped') say('run', `Stopped at epoch ${ev.epoch}, batch ${ev.batch}. The model keeps what it learned so far.`);
  else say('run', `Finished ${run.name}${perEpoch}.`, 'ok');
  stats('left', '–');
  renderRuns();
  scheduleDraw();
  await evaluate(run);
  await persist();
  const next = state.queue.shift();
  if (next) await start(next.values, next.name);
}

function onEvent(ev) {
  if (ev.event === 'data-progress') onDataProgress(ev);
  else if (ev.event === 'progress') onProgress(ev);
  else if (ev.event === 'finished') onFinished(ev);
}

/** The experiment: MLP and CNN presets on normal and on shuffled pixels, overlaid. */
async function experiment() {
  const base = checkBeforeTraining();
  if (!base) return;
  const s = state.settings;
  const mlpUnits = s.units.map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const mlp = { ...base, arch: 'mlp', units: mlpUnits.length ? mlpUnits : [128] };
  mlp.spec = specFrom({ ...s, arch: 'mlp' }, mlp);
  const cnn = { ...base, arch: 'cnn', filters: [8, 16], dense: 0 };
  cnn.spec = specFrom({ ...s, arch: 'cnn', kernel: '3', pool: 'max' }, cnn);
  if (base.loss === 'xent') { mlp.loss = cnn.loss = 'xent'; }
  state.queue = [
    { values: { ...mlp, shuffle: true } },
    { values: { ...cnn, shuffle: false } },
    { values: { ...cnn, shuffle: true } },
  ];
  say('run', 'The shuffled-pixels experiment: four runs, one after the other.');
  await start({ ...mlp, shuffle: false });
}

// ---- curves ----

// Curves are redrawn at most 5 times a second, in an animation frame, with the
// canvases' sizes from a ResizeObserver: drawing never forces a layout.
let drawQueued = false, lastDraw = 0;
const DRAW_MS = 200;
function scheduleDraw() {
  if (drawQueued) return;
  drawQueued = true;
  const wait = Math.max(0, lastDraw + DRAW_MS - performance.now());
  setTimeout(() => requestAnimationFrame(() => { drawQueued = false; lastDraw = performance.now(); drawPlots(); }), wait);
}
const plotWidth = new Map();
const plotObserver = new ResizeObserver((entries) => {
  for (const e of entries) plotWidth.set(e.target, e.contentRect.width);
  scheduleDraw();
});

function renderRuns() {
  const tbody = $('[data-runs-table] tbody');
  if (!state.runs.length) {
    tbody.replaceChildren(h('tr', { className: 'tr-empty' }, h('td', { colSpan: 5, text: 'No runs yet: load the data and press Start.' })));
    return;
  }
  tbody.replaceChildren(...state.runs.map((r) => {
    const box = h('input', { type: 'checkbox', checked: Boolean(r.visible), attrs: { 'aria-label': `Show run ${r.id}: ${r.name}` } });
    box.addEventListener('change', () => { r.visible = box.checked; scheduleDraw(); persist(); });
    const swatch = h('span', { className: 'tr-swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.background = r.colour; // the CSSOM drops a value that is not a colour
    const tr = h('tr', {},
      h('th', { scope: 'row' }, h('label', { className: 'tr-run-name' }, box, swatch, h('span', { text: r.name }))),
      h('td', { className: 'num' }), h('td', { className: 'num' }), h('td', { className: 'num' }),
      h('td', { className: 'num', dataset: { runTest: '' } }));
    return tr;
  }));
  renderRunsNumbers();
}

function drawPlots() {
  const runs = state.runs.filter((r) => r.visible);
  const maxX = Math.max(1, ...runs.map((r) => r.epochs));
  let maxLoss = 0;
  for (const r of runs) for (const p of [...r.train, ...r.validation]) if (Number.isFinite(p.loss)) maxLoss = Math.max(maxLoss, p.loss);
  drawPlot($('[data-plot="loss"]'), runs, 'loss', maxX, maxLoss > 0 ? Math.min(maxLoss * 1.05, 5) : 2.5, null);
  drawPlot($('[data-plot="acc"]'), runs, 'acc', maxX, 1, 0.1);
  renderRunsNumbers();
}

function renderRunsNumbers() {
  // cheap in-place update of the table's numbers while training
  const rows = $$('[data-runs-table] tbody tr:not(.tr-empty)');
  state.runs.forEach((r, i) => {
    const tds = rows[i] ? $$('td', rows[i]) : null;
    if (!tds) return;
    const lastTrain = r.train.at(-1), lastVal = r.validation.at(-1);
    tds[0].textContent = `${lastTrain ? lastTrain.x.toFixed(2) : '0'}${r.how === 'diverged' ? ' (diverged)' : r.how === 'stopped' ? ' (stopped)' : ''}`;
    tds[1].textContent = lastTrain ? lastTrain.loss.toFixed(3) : '–';
    tds[2].textContent = lastVal ? pct(lastVal.acc) : '–';
    tds[3].textContent = r.test === null || r.test === undefined ? '–' : pct(r.test);
  });
}

function niceStep(range, ticks) {
  const raw = range / ticks, mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

function drawPlot(canvas, runs, key, maxX, maxY, guess) {
  const dpr = window.devicePixelRatio || 1;
  const cssW = plotWidth.get(canvas) || 560, cssH = Math.round(cssW * 0.54); // CSS aspect-ratio 100 / 54
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const L = 48, R = 12, T = 10, B = 34;
  const w = cssW - L - R, h = cssH - T - B;
  const X = (x) => L + (x / maxX) * w, Y = (y) => T + h - (Math.max(0, Math.min(maxY, y)) / maxY) * h;
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#555b66';
  ctx.strokeStyle = '#e3e5e9';
  ctx.lineWidth = 1;
  const ys = niceStep(maxY, 5);
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (let y = 0; y <= maxY + 1e-9; y += ys) {
    ctx.beginPath(); ctx.moveTo(L, Y(y)); ctx.lineTo(L + w, Y(y)); ctx.stroke();
    ctx.fillText(key === 'acc' ? `${Math.round(y * 100)}%` : y.toFixed(ys < 0.1 ? 2 : 1), L - 6, Y(y));
  }
  const xs = Math.max(niceStep(maxX, 6), maxX <= 1 ? 0.25 : 1);
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (let x = 0; x <= maxX + 1e-9; x += xs) {
    ctx.beginPath(); ctx.moveTo(X(x), T); ctx.lineTo(X(x), T + h); ctx.stroke();
    ctx.fillText(Number.isInteger(x) ? String(x) : x.toFixed(2), X(x), T + h + 4);
  }
  ctx.fillText('epochs', L + w / 2, T + h + 18);
  ctx.strokeStyle = '#9aa1ad';
  ctx.strokeRect(L, T, w, h);
  if (guess !== null) {
    ctx.save();
    ctx.strokeStyle = '#8a8f98'; ctx.setLineDash([2, 3]); ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(L, Y(guess)); ctx.lineTo(L + w, Y(guess)); ctx.stroke();
    ctx.fillStyle = '#6b717c'; ctx.textAlign = 'right'; ctx.textBaseline = 'bottom';
    ctx.fillText('guessing 10%', L + w - 4, Y(guess) - 2);
    ctx.restore();
  }
  for (const r of runs) {
    for (const [series, dash, width] of [[r.train, [5, 4], 1.5], [r.validation, [], 2.25]]) {
      const pts = series.filter((p) => Number.isFinite(p[key]));
      if (!pts.length) continue;
      ctx.save();
      ctx.strokeStyle = r.colour; ctx.fillStyle = r.colour; ctx.lineWidth = width; ctx.setLineDash(dash);
      ctx.beginPath();
      pts.forEach((p, i) => (i ? ctx.lineTo(X(p.x), Y(p[key])) : ctx.moveTo(X(p.x), Y(p[key]))));
      ctx.stroke();
      if (pts.length === 1) { ctx.beginPath(); ctx.arc(X(pts[0].x), Y(pts[0][key]), 3, 0, 2 * Math.PI); ctx.fill(); }
      ctx.restore();
    }
  }
}

// ---- results ----

function clearResults() {
  $('[data-test-accuracy]').textContent = '–';
  $('[data-test-detail]').textContent = '';
  $('[data-confusion]').replaceChildren();
  $('[data-gallery]').replaceChildren();
  $('[data-cell]').hidden = true;
  $('[data-maps]').replaceChildren();
  $('[data-filters-canvas]').hidden = true;
  $('[data-filters-caption]').textContent = 'Train or load a model to see what its first layer learned.';
  $('[data-unshuffle-field]').hidden = true;
  lastFilters = null;
}

async function evaluate(run = null) {
  if (!state.hasModel || !state.data) { updateButtons(); return; }
  try {
    const t = await call('evaluate');
    state.test = t;
    if (run) { run.test = t.accuracy; renderRunsNumbers(); }
    $('[data-test-accuracy]').textContent = pct(t.accuracy);
    $('[data-test-detail]').textContent = `on ${fmtInt(t.labels.length)} test images never used in training (loss ${t.loss.toFixed(3)})`;
    renderConfusion(t);
    await renderGallery();
    await renderFilters();
    await featureMaps(false);
  } catch (e) {
    say('run', `Evaluation failed: ${e.message}`, 'error');
  }
  updateButtons();
}

function renderConfusion(t) {
  const table = $('[data-confusion]');
  const K = 10;
  const head = h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, h('span', { className: 'visually-hidden', text: 'True class' })),
    ...CLASS_NAMES.map((n, k) => h('th', { scope: 'col', title: n }, h('abbr', { title: n, text: k })))));
  const body = h('tbody');
  for (let i = 0; i < K; i++) {
    const rowTotal = t.confusion.slice(i * K, i * K + K).reduce((a, b) => a + b, 0) || 1;
    const tr = h('tr', {}, h('th', { scope: 'row' }, String(i), h('span', { className: 'tr-cname', text: ` ${CLASS_NAMES[i]}` })));
    for (let j = 0; j < K; j++) {
      const c = t.confusion[i * K + j], f = c / rowTotal;
      const bg = i === j ? `rgba(27,122,58,${0.1 + 0.8 * f})` : `rgba(179,38,30,${Math.min(0.85, 3 * f)})`;
      const ink = (i === j ? f > 0.5 : 3 * f > 0.5) ? '#fff' : 'inherit';
      tr.append(h('td', { style: { background: bg, color: ink } }, h('button', {
        type: 'button', text: c, dataset: { cellTrue: i, cellPred: j },
        attrs: { 'aria-label': `True ${CLASS_NAMES[i]}, predicted ${CLASS_NAMES[j]}: ${c} images` },
      })));
    }
    body.append(tr);
  }
  table.replaceChildren(h('caption', { className: 'visually-hidden', text: 'Confusion matrix: rows true class, columns predicted class' }), head, body);
}

async function showCell(i, j) {
  const t = state.test;
  if (!t) return;
  const idx = [];
  for (let n = 0; n < t.labels.length && idx.length < CELL_IMAGES; n++) if (t.labels[n] === i && t.predicted[n] === j) idx.push(n);
  const count = t.confusion[i * 10 + j];
  const title = `True ${CLASS_NAMES[i]}, predicted ${CLASS_NAMES[j]}: ${fmtInt(count)} test image${count === 1 ? '' : 's'}${count > idx.length ? ` (the first ${idx.length})` : ''}`;
  $('[data-cell]').hidden = false;
  $('[data-cell-title]').textContent = title;
  const canvas = $('[data-cell-images]');
  canvas.setAttribute('aria-label', title);
  if (idx.length) {
    const images = await call('images', { set: 'test', indices: idx });
    drawTiles(canvas, images, idx.length, Math.min(12, idx.length));
    canvas.hidden = false;
  } else canvas.hidden = true;
  $('[data-cell-title]').focus();
}

async function renderGallery() {
  const t = state.test;
  if (!t) return;
  const n = t.labels.length;
  const indices = Array.from({ length: GALLERY }, (_, k) => (state.galleryStart + k) % n);
  const images = await call('images', { set: 'test', indices });
  const items = indices.map((index, k) => {
    const probs = t.probs.subarray(index * 10, index * 10 + 10);
    const order = [...probs.keys()].sort((a, b) => probs[b] - probs[a]);
    const pred = order[0], truth = t.labels[index], right = pred === truth;
    const li = document.createElement('li');
    li.className = `tr-pred${right ? '' : ' wrong'}`;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tr-thumb';
    b.setAttribute('aria-label', `Test image ${index}: show its feature maps`);
    b.append(imageCanvas(images.subarray(k * PIXELS, (k + 1) * PIXELS), true));
    b.addEventListener('click', () => { $('#tr-image-index').value = String(index); featureMaps(true); });
    const text = h('div', { className: 'tr-pred-text' },
      h('strong', { text: `${CLASS_NAMES[pred]} ${pct(probs[pred], 0)}` }),
      h('span', { className: 'muted', text: right ? `right (#${index})` : `wrong: it is a ${CLASS_NAMES[truth]} (#${index})` }),
      h('span', { className: 'tr-top', text: order.slice(1, 3).map((c) => `${CLASS_NAMES[c]} ${pct(probs[c], 0)}`).join(' · ') }));
    const bars = document.createElement('div');
    bars.className = 'tr-bars';
    bars.setAttribute('aria-hidden', 'true');
    for (let c = 0; c < 10; c++) {
      const bar = document.createElement('span');
      bar.style.height = `${Math.max(2, 100 * probs[c])}%`;
      if (c === truth) bar.className = 'truth';
      bar.title = `${CLASS_NAMES[c]} ${pct(probs[c])}`;
      bars.append(bar);
    }
    li.append(b, text, bars);
    return li;
  });
  $('[data-gallery]').replaceChildren(...items);
}

let lastFilters = null; // the first-layer weights last drawn, to redraw them another way
async function renderFilters() {
  const f = lastFilters = await call('filters');
  drawFilters(f);
}

function drawFilters(f) {
  const canvas = $('[data-filters-canvas]'), caption = $('[data-filters-caption]');
  $('[data-unshuffle-field]').hidden = !f?.unshuffled;
  if (!f) { canvas.hidden = true; caption.textContent = 'This model has no weight layer.'; return; }
  const [out, inC, kh, kw] = f.shape;
  if (f.kind === 'dense' && f.shape[1] === PIXELS) {
    const n = Math.min(out, 128);
    const back = Boolean(f.unshuffled) && $('[data-unshuffle]').checked;
    drawTiles(canvas, null, n, Math.min(16, n), { values: back ? f.unshuffled : f.weights, signed: true, scale: 2 });
    const how = !f.shuffled ? ''
      : back ? '; trained on shuffled pixels, drawn with each weight back at its pixel’s place: comparable with an MLP trained on the pictures as they are, since a dense layer never uses where a pixel is'
        : '; trained on shuffled pixels and drawn in the order the model saw them: noise to us, not to it';
    caption.textContent = `Layer ${f.index} (${f.name}): each of ${n === out ? 'the' : `the first ${n} of`} ${out} units’ 784 weights drawn as a 28 × 28 image `
      + `(red positive, blue negative)${how}.`;
  } else if (f.kind === 'conv' && inC === 1) {
    drawTiles(canvas, null, out, Math.min(16, out), { side: kh, values: f.weights, signed: true, scale: Math.max(6, Math.round(48 / kh)) });
    canvas.style.width = `${Math.min(16, out) * (kh + 1) * Math.max(6, Math.round(48 / kh))}px`;
    caption.textContent = `Layer ${f.index} (${f.name}): its ${out} kernels of ${kh} × ${kw} weights (red positive, blue negative).`;
  } else {
    canvas.hidden = true;
    caption.textContent = `The first weight layer (${f.name}) does not read the 28 × 28 image directly, so it has no picture.`;
    return;
  }
  canvas.setAttribute('aria-label', caption.textContent);
  canvas.hidden = false;
}

async function featureMaps(userAsked) {
  const input = $('#tr-image-index'), err = $('[data-error-for="image-index"]');
  const r = wholeNumber(input.value, 0, (state.data?.test ?? 10000) - 1, 'The test image number');
  err.textContent = r.error ?? '';
  input.setAttribute('aria-invalid', r.error ? 'true' : 'false');
  if (r.error || !state.hasModel || !state.data) return;
  const f = await call('featureMaps', { index: r.value });
  const box = $('[data-maps]');
  const head = document.createElement('div');
  head.className = 'tr-map-input';
  const c = imageCanvas(f.image, false);
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', `Test image ${f.index}, a ${CLASS_NAMES[f.label]}${f.shuffled ? ' with shuffled pixels' : ''}`);
  head.append(c);
  const p = document.createElement('p');
  p.textContent = `Test image ${f.index}: ${CLASS_NAMES[f.label]}${f.shuffled ? ' (shuffled pixels, as the model saw it)' : ''}.`
    + (f.layers.length ? ' Each small image is one channel of a layer’s output (gray: 0 black to the layer’s largest value white; signed values: blue negative, red positive).' : ' This model has no convolutional layers: its layers are vectors, not maps.');
  head.append(p);
  const rows = f.layers.map((l) => {
    const fig = document.createElement('figure');
    fig.className = 'tr-map-row';
    const [C, H, W] = l.shape;
    const cap = h('figcaption', {}, h('span', { className: 'mono', text: `layer ${l.index} ${l.name}: ${C} × ${H} × ${W}` }));
    const canvas = document.createElement('canvas');
    let signed = false;
    for (const v of l.data) if (v < 0) { signed = true; break; }
    const scale = Math.max(2, Math.round(56 / H));
    drawTiles(canvas, null, C, Math.min(C, 16), { side: H, values: l.data, signed, scale });
    canvas.style.width = `${Math.min(C, 16) * (W + 1) * scale}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${C} feature maps of ${H} × ${W} from layer ${l.index} ${l.name}`);
    fig.append(cap, canvas);
    return fig;
  });
  box.replaceChildren(head, ...rows);
  if (userAsked) box.scrollIntoView({ block: 'nearest' });
}

// ---- save, load, keep ----

function download(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function saveModel() {
  try {
    const { bytes, spec } = await call('save');
    download(bytes, `convlab-${spec.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.clnn`);
    say('keep', `Saved the model (${fmtInt(bytes.length)} bytes). Load it back here any time.`, 'ok');
  } catch (e) {
    say('keep', `Could not save: ${e.message}`, 'error');
  }
}

async function loadModelFile(file) {
  const err = $('[data-error-for="model-file"]'), input = $('#tr-model-file');
  err.textContent = '';
  input.setAttribute('aria-invalid', 'false');
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await adoptModel(bytes, false, `Loaded ${file.name}`);
  } catch (e) {
    err.textContent = e.message;
    input.setAttribute('aria-invalid', 'true');
    say('keep', '');
  }
}

/** Loads model bytes into the worker and shows its settings; throws the refusal. */
async function adoptModel(bytes, shuffled, what, settings = null) {
  const m = await call('load', { bytes, shuffled }, []);
  if (state.phase === 'running' || state.phase === 'paused') state.queue = [];
  state.phase = 'finished';
  state.hasModel = true;
  state.modelShuffled = shuffled;
  if (settings) Object.assign(state.settings, settings);
  else {
    Object.assign(state.settings, {
      arch: 'custom', spec: m.spec, optimizer: m.settings.optimizer, lr: String(+m.settings.lr.toPrecision(6)),
      l2: String(+m.settings.l2.toPrecision(6)), loss: m.settings.loss === 'mse' ? 'mse' : 'xent', seed: String(m.seed),
      momentum: String(+m.settings.momentum.toPrecision(6)),
    });
  }
  writeSettings(state.settings);
  updateHash();
  await describe();
  say('keep', `${what}: ${m.spec}, ${fmtInt(m.params)} parameters.${state.data ? '' : ' Load the data to test it.'}`, 'ok');
  updateButtons();
  clearResults();
  await evaluate();
  if (!settings) await persist();
  return m;
}

const DB_NAME = 'convlab-train', DB_STORE = 'state';
function idb(mode, fn) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(DB_STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(DB_STORE, mode);
      const req = fn(tx.objectStore(DB_STORE));
      tx.oncomplete = () => { db.close(); resolve(req?.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  });
}

async function persist() {
  try {
    const { bytes } = state.hasModel ? await call('save') : { bytes: null };
    const runs = state.runs.map(({ info, ...r }) => r);
    await idb('readwrite', (s) => s.put({
      settings: state.settings, model: bytes, shuffled: state.modelShuffled, runs,
      test: state.test ? state.test.accuracy : null, savedAt: Date.now(),
    }, 'last'));
  } catch { /* private mode or storage refused: nothing kept */ }
}

async function restore(hashSettings) {
  let last = null;
  try { last = await idb('readonly', (s) => s.get('last')); } catch { return false; }
  if (!last) return false;
  state.runs = (last.runs ?? []).map((r) => ({ ...r, how: r.how === 'running' ? 'stopped' : r.how }));
  renderRuns();
  scheduleDraw();
  if (!last.model) return false;
  try {
    const settings = hashSettings ?? last.settings;
    const m = await adoptModel(last.model, last.shuffled, 'Restored your last model', settings);
    const when = new Date(last.savedAt).toLocaleString();
    say('page', `Restored your last model (${m.spec}${last.test !== null ? `, test accuracy ${pct(last.test)}` : ''}), saved ${when}. `
      + '“Forget the saved model and curves” in section 8 clears it.', 'ok');
    if (last.test !== null && !state.data) {
      $('[data-test-accuracy]').textContent = pct(last.test);
      $('[data-test-detail]').textContent = '(when it was saved; load the data to see the details)';
    }
    return true;
  } catch (e) {
    say('page', `Your last model could not be restored: ${e.message}`, 'warning');
    return false;
  }
}

async function forget() {
  try { await idb('readwrite', (s) => s.delete('last')); } catch { /* nothing kept */ }
  state.runs = [];
  renderRuns();
  scheduleDraw();
  say('keep', 'Forgot the saved model and curves: a reload starts afresh. (The downloaded data stays in the browser’s cache.)', 'ok');
}

// ---- wiring ----

function wire() {
  const form = $('main');
  form.addEventListener('input', (e) => { if (e.target.closest('[data-setting], [data-unit], [data-filter]')) onSettingsChanged(e); });
  form.addEventListener('change', (e) => { if (e.target.closest('[data-setting], [data-unit], [data-filter]') && e.target.type !== 'text') onSettingsChanged(e); });
  $('[data-load-data]').addEventListener('click', loadData);
  const actions = {
    start: () => start(), pause, resume, step, stop, reset, experiment,
    'clear-runs': () => { state.runs = state.runs.filter((r) => r === state.currentRun && state.phase !== 'finished' && state.phase !== 'idle'); renderRuns(); scheduleDraw(); persist(); },
    evaluate: () => evaluate(state.currentRun),
    'more-gallery': () => { state.galleryStart = Math.floor(Math.random() * (state.test?.labels.length ?? 1)); renderGallery(); },
    'feature-maps': () => featureMaps(true),
    'save-model': saveModel,
    forget,
  };
  for (const [name, fn] of Object.entries(actions)) $(`[data-action="${name}"]`).addEventListener('click', fn);
  $('[data-confusion]').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-cell-true]');
    if (b) showCell(Number(b.dataset.cellTrue), Number(b.dataset.cellPred));
  });
  $('[data-model-file]').addEventListener('change', (e) => { const f = e.target.files[0]; if (f) loadModelFile(f); e.target.value = ''; });
  $('[data-unshuffle]').addEventListener('change', () => drawFilters(lastFilters));
  $('[data-sample-grid]').addEventListener('keydown', sampleGridKeys);
  $('#tr-image-index').addEventListener('keydown', (e) => { if (e.key === 'Enter') featureMaps(true); });
  window.addEventListener('hashchange', () => {
    const s = fromHash(location.hash);
    if (s) { state.settings = s; writeSettings(s); scheduleDescribe(); refreshErrors(); }
  });
  for (const c of $$('[data-plot]')) plotObserver.observe(c);
}

async function main() {
  wire();
  const hashSettings = fromHash(location.hash);
  if (hashSettings) state.settings = hashSettings;
  writeSettings(state.settings);
  renderRuns();
  updateButtons();
  scheduleDraw();
  try {
    const info = await call('init');
    $('[data-engine-badge]').textContent = `Engine: ${info.buildName}`;
    if (info.note) say('page', info.note, 'warning');
  } catch (e) {
    $('[data-engine-badge]').textContent = 'Engine: not loaded';
    say('page', `The engine could not start: ${e.message}`, 'error');
    return;
  }
  await describe();
  updateHash();
  await restore(hashSettings);
  if (await dataIsCached()) await loadData();
  else say('data', 'Press “Load the data” to download Fashion-MNIST (about 30 MB, once).');
}

main();
