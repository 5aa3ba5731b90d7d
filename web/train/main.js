// train.js - the train page: settings, drawing and persistence only.
// The engine, the data and the training loop live in train-worker.js; this
// module sends it messages and draws what comes back, a little at a time
// (curves on requestAnimationFrame), so the page stays responsive.
//
// All of the page's settings live in one object mirrored in the URL hash, so
// a link opens the same experiment; the last model, its settings and the
// curves are kept in IndexedDB and restored on reload.

import { WorkerClient } from '../lib/worker-rpc.js';
import { lossAdvice, farAboveGuessing, betterRate, formatRate, GUESS_LOSS } from './advice.js';
import { h } from '../lib/dom.js';
import { openStore } from '../lib/store.js';
import { fmtInt, pct, compact, fmtValue, fmtDuration } from '../lib/format.js';
import { epochSeconds, SLOW_EPOCH_SECONDS } from './cost.js';
import {
  MAX_BATCH, defaultSettings, decodeHash, encodeHash, ignoredMessage, layerValues,
  MAX_HIDDEN_LAYERS, MAX_UNITS, MAX_CONV_LAYERS, MAX_FILTERS, MAX_DENSE, MAX_EPOCHS,
} from './state.js';
import { parseDecimal as parseNumber, wholeNumber, realNumber } from '../lib/numbers.js';

const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SIDE = 28, PIXELS = SIDE * SIDE;
const COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const DATA_FILES = {
  trainImages: 'data/train-images-idx3-ubyte.gz', trainLabels: 'data/train-labels-idx1-ubyte.gz',
  testImages: 'data/t10k-images-idx3-ubyte.gz', testLabels: 'data/t10k-labels-idx1-ubyte.gz',
};
const DATA_CACHE = 'convlab-fashion-mnist-v1'; // the worker's cache name
const GALLERY = 12, SAMPLES_PER_CLASS = 6, CELL_IMAGES = 60;

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// ---- the worker ----

const engine = new WorkerClient(new URL('worker.js', import.meta.url), {
  onEvent: (data) => onEvent(data),
  onError: (e) => say('page', `The training engine failed: ${e.message}. Reload the page.`, 'error'),
});
const call = (type, args = {}, transfer = []) => engine.call(type, args, transfer);

// ---- page state: one object ----

const state = {
  settings: defaultSettings(),
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
  store: null,         // train-store.js: what is kept in the browser
  forgetEpoch: 0,      // bumped by Forget: saves of runs started before it are dropped
  rate: 0,             // this device's training speed (multiply-adds per second), from the worker
  slowConfirmed: '',   // the slow network whose Start was pressed once already
};

// ---- messages ----

function say(where, text, kind = 'info') {
  const el = $(`[data-${where}-message]`);
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Adds a sentence to the page's message (start-up can have several things to say). */
function pageNote(text, kind) {
  const el = $('[data-page-message]');
  const rank = { info: 0, ok: 1, warning: 2, error: 3 };
  const was = el.textContent ? el.dataset.kind : 'info';
  say('page', el.textContent ? `${el.textContent} ${text}` : text, rank[kind] > rank[was] ? kind : was);
}

// ---- settings: DOM <-> object <-> URL hash ----

function readSettings() {
  const s = state.settings;
  for (const el of $$('[data-setting]')) {
    const key = el.dataset.setting;
    if (el.type === 'radio') { if (el.checked) s[key] = el.value; } else if (el.type === 'checkbox') s[key] = el.checked;
    else s[key] = el.value;
  }
  // the fields shown, then what was typed for layers not shown now (kept for when they come back)
  const shown = (kind, kept) => { const v = $$(`[data-${kind}]`).map((el) => el.value); return [...v, ...kept.slice(v.length)]; };
  s.units = shown('unit', s.units);
  s.filters = shown('filter', s.filters);
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
  const make = (container, count, key, kind, max) => {
    const n = wholeNumber(count, 0, max, '').value;
    const want = n ?? $$(`[data-${kind}]`, container).length; // a count being typed: the fields stay
    const values = s[key] = layerValues(s[key], want, kind);
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
  make($('[data-units]'), s.layers, 'units', 'unit', MAX_HIDDEN_LAYERS);
  make($('[data-filters]'), s.convs, 'filters', 'filter', MAX_CONV_LAYERS);
  for (const g of $$('[data-arch-group]')) g.hidden = g.dataset.archGroup !== s.arch;
  $('[data-arch-common]').hidden = s.arch === 'custom';
  $('[data-momentum-field]').hidden = s.optimizer !== 'momentum';
}

function updateHash() {
  history.replaceState(null, '', `#${encodeHash(state.settings)}`);
  $('[data-link]').value = location.href;
}

// ---- validation: every field refused next to itself ----

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
  return validateSettings(readSettings());
}

/** Every setting checked: { ok, errors (by field), values (numbers, and the spec) }. */
function validateSettings(s) {
  const errors = {}, v = {};
  const take = (key, r) => { if (r.error) errors[key] = r.error; else v[key] = r.value; };
  if (s.arch === 'mlp') {
    take('layers', wholeNumber(s.layers, 0, MAX_HIDDEN_LAYERS, 'The number of hidden layers'));
    v.units = s.units.slice(0, v.layers ?? 0).map((u, i) => { const r = wholeNumber(u, 1, MAX_UNITS, 'Units'); if (r.error) errors[`unit-${i + 1}`] = r.error; return r.value; });
  } else if (s.arch === 'cnn') {
    take('convs', wholeNumber(s.convs, 1, MAX_CONV_LAYERS, 'The number of conv layers'));
    v.filters = s.filters.slice(0, v.convs ?? 0).map((f, i) => { const r = wholeNumber(f, 1, MAX_FILTERS, 'Filters'); if (r.error) errors[`filter-${i + 1}`] = r.error; return r.value; });
    take('dense', wholeNumber(s.dense, 0, MAX_DENSE, 'Dense units'));
  }
  const setSize = trainingSetSize();
  const wanted = parseNumber(s.batch);
  let b = wholeNumber(s.batch, 1, Math.min(setSize, MAX_BATCH), 'The batch size');
  if (wanted > setSize && (Number.isInteger(wanted) || wanted === Infinity)) {
    b = { error: `The batch size cannot be larger than the training set (${fmtInt(setSize)} images)` };
  } else if (wanted > MAX_BATCH && Number.isInteger(wanted)) {
    b = { error: `The batch size can be at most ${fmtInt(MAX_BATCH)} (the engine's limit)` };
  }
  take('batch', b);
  take('lr', realNumber(s.lr, { above: 0, below: 1e30 }, 'The learning rate', '0.001'));
  take('epochs', wholeNumber(s.epochs, 1, MAX_EPOCHS, 'Epochs'));
  take('l2', realNumber(s.l2, { min: 0, below: 1e30 }, 'λ', '0 or 0.0001'));
  if (s.optimizer === 'momentum') take('momentum', realNumber(s.momentum, { min: 0, below: 1 }, 'Momentum', '0.9'));
  else v.momentum = 0.9;
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
  showCost();
  refreshErrors();
}

/** Seconds an epoch of the described network should take on this device, or null. */
function epochEstimate() {
  const d = state.describe;
  if (!d?.ok || !state.rate) return null;
  const nVal = state.data?.validation ?? (state.settings.quick ? 1000 : 5000);
  return epochSeconds(d.macs, { nTrain: trainingSetSize(), nVal }, state.rate);
}

/** What the network costs, under its layer table; a warning when an epoch would take minutes. */
function showCost() {
  const d = state.describe, secs = epochEstimate();
  if (!d?.ok || secs === null) { say('cost', ''); return; }
  const work = d.macs >= 1e6 ? `${(d.macs / 1e6).toFixed(d.macs < 1e7 ? 1 : 0)} million` : fmtInt(d.macs);
  const text = `${work} multiply-adds per image: one epoch of ${fmtInt(trainingSetSize())} images takes about ${fmtDuration(secs)} on this device.`;
  if (secs > SLOW_EPOCH_SECONDS) {
    say('cost', `${text} That is a long wait: fewer filters, pooling after each conv, or a smaller dense layer train much faster.`, 'warning');
  } else say('cost', text, 'info');
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
  const cancel = $('[data-cancel-data]');
  cancel.hidden = false;
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
    const kept = state.data ? 'The data loaded before is still in use.' : 'Nothing was loaded.';
    if (e.status === 'cancelled') {
      say('data', `The download was cancelled. ${kept} Press “Retry the download” to start it again.`, 'info');
      $('[data-data-progress-text]').textContent = 'Cancelled';
    } else {
      say('data', `The data could not be loaded: ${e.message}. ${kept} Check the connection and press “Retry the download”.`, 'error');
      $('[data-data-progress-text]').textContent = 'Failed';
    }
    button.textContent = 'Retry the download';
  } finally {
    state.dataLoading = false;
    const focusBack = document.activeElement === cancel;
    cancel.hidden = true;
    updateButtons(focusBack ? button : undefined);
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
  if (ev.phase !== 'download') $('[data-cancel-data]').hidden = true; // nothing left to cancel
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
    forgetEpoch: state.forgetEpoch, keptNote: '',
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
  // A network that would take minutes per epoch: the first press warns, the second starts.
  const secs = epochEstimate();
  const slowKey = `${v.spec} ${trainingSetSize()}`;
  if (!values && secs > SLOW_EPOCH_SECONDS && state.slowConfirmed !== slowKey) {
    state.slowConfirmed = slowKey;
    say('run', `This network would take about ${fmtDuration(secs)} per epoch on this device. Press Start again to train it anyway `
      + '(Stop ends it at any time), or make it smaller.', 'warning');
    return;
  }
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
    keepRunStart(run);
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
    if (r.created) { state.hasModel = true; state.modelShuffled = v.shuffle; run.info = r.created; state.test = null; clearResults(); keepRunStart(run); }
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
  stats('left', ev.state === 'running' ? fmtDuration(ev.secondsLeft) : '–');
  stats('loss', ev.lastLoss === null ? '–' : fmtValue(ev.lastLoss, 4));
  scheduleDraw();
}

async function onFinished(ev) {
  onProgress(ev);
  const run = state.runs.find((r) => r.id === ev.runId);
  if (!run) return;
  run.how = ev.how;
  // Finite but far above guessing: diverged all the same (train-advice.js)
  const lastLoss = run.train.at(-1)?.loss;
  const farAbove = ev.how === 'done' && farAboveGuessing(lastLoss, run.settings.loss);
  if (farAbove) run.how = 'diverged';
  if (run === state.currentRun) showAdvice(run, true); // the final numbers; a diverged run has its own message
  state.phase = 'finished';
  updateButtons($('[data-action="start"]'));
  const perEpoch = ev.epochSeconds.length ? ` (${ev.epochSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} per epoch)` : '';
  if (farAbove) {
    const better = formatRate(betterRate(run.settings.lr, run.settings.optimizer, -1));
    say('run', `Training diverged: the loss ended at ${fmtValue(lastLoss, 2)}, far above the ${GUESS_LOSS.toFixed(2)} that guessing gives, `
      + `so this model is worse than guessing. The learning rate (${compact(run.settings.lr)}) is far too large: try ${better}.`, 'error');
  } else if (ev.how === 'diverged') say('run', ev.message, 'error');
  else if (ev.how === 'error') say('run', ev.message, 'error');
  else if (ev.how === 'stopped') say('run', `Stopped at epoch ${ev.epoch}, batch ${ev.batch}. The model keeps what it learned so far.`);
  else say('run', `Finished ${run.name}${perEpoch}.`, 'ok');
  stats('left', '–');
  renderRuns();
  scheduleDraw();
  await evaluate(run);
  await keepModel(run);
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
    box.addEventListener('change', () => { r.visible = box.checked; scheduleDraw(); keepRuns(); });
    const swatch = h('span', { className: 'tr-swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.background = r.colour; // the CSSOM drops a value that is not a colour
    const tr = h('tr', {},
      h('th', { scope: 'row' }, h('label', { className: 'tr-run-name' }, box, swatch, h('span', { text: r.name })),
        r.keptNote ? h('span', { className: 'tr-run-note', text: r.keptNote }) : null),
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
    const how = { diverged: ' (diverged)', stopped: ' (stopped)', interrupted: ' (not finished)', error: ' (failed)' }[r.how] ?? '';
    tds[0].textContent = `${lastTrain ? lastTrain.x.toFixed(2) : '0'}${how}`;
    tds[1].textContent = lastTrain ? fmtValue(lastTrain.loss) : '–';
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
    // a new model took the old one's place during its test: its own test follows
    if (e.status !== 'superseded') say('run', `Evaluation failed: ${e.message}`, 'error');
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
    // The worker reads the file, header first: a file that is not a model is
    // refused without being read whole, and the page never holds its bytes.
    await adoptModel({ file }, false, `Loaded ${file.name}`);
  } catch (e) {
    err.textContent = e.message;
    input.setAttribute('aria-invalid', 'true');
    say('keep', '');
  }
}

/**
 * Loads a model into the worker ({ bytes } kept in the browser, or { file }
 * chosen by the student) and shows it with its own settings, or with
 * `settings` when given (a link's, for the same network). Throws the refusal;
 * then nothing on the page changes.
 */
async function adoptModel(source, shuffled, what, settings = null, { keep = true } = {}) {
  const m = await call('load', { ...source, shuffled });
  if (state.phase === 'running' || state.phase === 'paused') {
    state.queue = [];
    if (state.currentRun?.how === 'running') state.currentRun.how = 'stopped';
  }
  state.phase = 'finished';
  state.hasModel = true;
  state.modelShuffled = shuffled;
  Object.assign(state.settings, settings ?? {
    arch: 'custom', spec: m.spec, optimizer: m.settings.optimizer, lr: String(+m.settings.lr.toPrecision(6)),
    l2: String(+m.settings.l2.toPrecision(6)), loss: m.settings.loss === 'mse' ? 'mse' : 'xent', seed: String(m.seed),
    momentum: String(+m.settings.momentum.toPrecision(6)),
  });
  writeSettings(state.settings);
  updateHash();
  await describe();
  say('keep', `${what}: ${m.spec}, ${fmtInt(m.params)} parameters.${state.data ? '' : ' Load the data to test it.'}`, 'ok');
  renderRuns();
  updateButtons();
  clearResults();
  await evaluate();
  if (keep) await keepModel(null);
  return m;
}

// ---- kept in the browser (train-store.js) ----

/**
 * What a run's save came to, next to it in the runs table: '' (kept, or not
 * tried), or why a reload will not find it.
 */
function keptNote(e) {
  if (e.reason === 'full') return 'not kept after a reload: the browser’s storage is full';
  if (e.reason === 'unavailable') return 'not kept after a reload: the browser keeps nothing for this page';
  return `not kept after a reload: ${e.message}`;
}

/** The runs as they are kept (no worker info, plain data only). */
function runsToKeep() {
  return state.runs.map((r) => ({
    id: r.id, name: r.name, colour: r.colour, settings: r.settings, train: r.train, validation: r.validation,
    test: r.test ?? null, epochs: r.epochs, visible: r.visible, how: r.how,
  }));
}

/** Keeps the curves; resolves to '' or the StoreError's note. Never rejects. */
async function keepRuns() {
  if (!state.store?.available) return '';
  try {
    await state.store.put('runs', runsToKeep());
    return '';
  } catch (e) {
    return keptNote(e);
  }
}

/**
 * Keeps the model the worker holds and the curves, after `run` (null: a
 * loaded model). A Forget pressed since the run started wins: nothing is
 * written for it. A failed save leaves everything on the page and says so
 * next to the run.
 */
async function keepModel(run) {
  const store = state.store;
  if (!store?.available) return;
  const epoch = run ? run.forgetEpoch : state.forgetEpoch;
  if (epoch !== state.forgetEpoch) return;
  let note = '';
  try {
    const { bytes, spec } = state.hasModel ? await call('save') : { bytes: null, spec: '' };
    if (epoch !== state.forgetEpoch) return; // forgotten while the bytes came back
    // one transaction: a page left at any moment finds the model, its curves
    // and the end of the 'a run is going' marker all kept, or none of them
    const puts = { runs: runsToKeep() };
    if (bytes) {
      puts.model = {
        bytes, spec, settings: structuredClone(state.settings), shuffled: state.modelShuffled,
        test: state.test ? state.test.accuracy : null, savedAt: Date.now(), runId: run?.id ?? null,
      };
    }
    await store.write(puts, run ? ['unfinished'] : []);
  } catch (e) {
    note = keptNote(e);
  }
  if (run) {
    run.keptNote = note;
    renderRuns();
  }
  if (note) say('keep', `This model is ${note}. Save it to a file to keep it.`, 'warning');
}

/** A run starts: its curves are kept as it goes, and a marker says one is going. */
async function keepRunStart(run) {
  if (!state.store?.available || run.forgetEpoch !== state.forgetEpoch) return;
  try {
    await state.store.write({ runs: runsToKeep(), unfinished: { runId: run.id, name: run.name, startedAt: Date.now() } });
  } catch (e) {
    run.keptNote = keptNote(e);
    renderRuns();
  }
}

/** A run as read back from storage: only the fields the page uses, each checked. */
function keptRun(r) {
  if (!r || typeof r !== 'object' || !Number.isInteger(r.id)) return null;
  const points = (ps) => (Array.isArray(ps) ? ps.filter((p) => p && Number.isFinite(p.x)).map((p) => ({ x: p.x, loss: Number(p.loss), acc: Number(p.acc) })) : []);
  return {
    id: r.id, name: String(r.name ?? `run ${r.id}`), colour: String(r.colour ?? COLOURS[0]),
    settings: r.settings && typeof r.settings === 'object' ? r.settings : {},
    train: points(r.train), validation: points(r.validation),
    test: Number.isFinite(r.test) ? r.test : null, epochs: Number.isFinite(r.epochs) ? r.epochs : 1,
    visible: r.visible !== false, how: ['done', 'stopped', 'diverged', 'error', 'interrupted'].includes(r.how) ? r.how : 'stopped',
  };
}

/** The record a model was kept in: the current one, or the single record older pages kept. */
async function keptModel(store) {
  const [model, runs, unfinished, legacy] = await Promise.all(['model', 'runs', 'unfinished', 'last']
    .map((k) => store.get(k).catch(() => undefined)));
  if (legacy && !model && !runs) {
    return { model: legacy.model ? { bytes: legacy.model, settings: legacy.settings, shuffled: legacy.shuffled, test: legacy.test, savedAt: legacy.savedAt } : null, runs: legacy.runs, unfinished: null };
  }
  return { model, runs, unfinished };
}

/**
 * After a (re)load: the curves, and the last model. What is shown is what the
 * worker holds: the kept model comes back with its own settings, or with the
 * link's when the link describes the same network; a link for another network
 * wins, and the kept model waits behind a button.
 */
async function restore(link) {
  const store = state.store;
  if (!store.available) return;
  const { model, runs, unfinished } = await keptModel(store);
  state.runs = (Array.isArray(runs) ? runs : []).map(keptRun).filter(Boolean);
  const notes = [];
  if (unfinished) {
    const lost = state.runs.find((r) => r.id === unfinished.runId);
    if (lost) { lost.how = 'interrupted'; lost.keptNote = 'the page was closed or reloaded during this run: its model was not kept'; }
    notes.push(`The run “${String(unfinished.name)}” was still training when the page was closed or reloaded: it was not kept.`);
    store.delete('unfinished').catch(() => {});
    keepRuns();
  }
  renderRuns();
  scheduleDraw();
  if (!model?.bytes) {
    if (notes.length) pageNote(notes.join(' '), 'warning');
    return;
  }
  const own = model.settings && typeof model.settings === 'object' ? { ...defaultSettings(), ...model.settings } : null;
  // A link for another network: the link wins (unless the page was left mid-run: then the link is that lost run's)
  if (link && !unfinished && model.spec && link.settings && specOf(link.settings) !== model.spec) {
    offerKeptModel(model, own, notes);
    return;
  }
  try {
    const m = await adoptModel({ bytes: model.bytes }, Boolean(model.shuffled), 'Restored your last model', unfinished ? own : (link?.settings ?? own), { keep: false });
    const when = model.savedAt ? `, saved ${new Date(model.savedAt).toLocaleString()}` : '';
    notes.push(`${unfinished ? 'Showing your last finished model' : 'Restored your last model'} (${m.spec}`
      + `${Number.isFinite(model.test) ? `, test accuracy ${pct(model.test)}` : ''})${when}, with its own settings. `
      + '“Forget the saved model and curves” in section 8 clears it.');
    pageNote(notes.join(' '), unfinished ? 'warning' : 'ok');
    if (Number.isFinite(model.test) && !state.data) {
      $('[data-test-accuracy]').textContent = pct(model.test);
      $('[data-test-detail]').textContent = '(when it was saved; load the data to see the details)';
    }
  } catch (e) {
    pageNote(`${notes.join(' ')} Your last model could not be restored: ${e.message}`, 'warning');
  }
}

/** The spec the settings describe (as the engine writes it, for comparing with a kept model's). */
function specOf(settings) {
  return validateSettings({ ...defaultSettings(), ...settings }).values.spec;
}

/** A kept model for another network than the link's: say so, and offer it. */
function offerKeptModel(model, own, notes) {
  const box = $('[data-restore-offer]');
  const button = h('button', { type: 'button', className: 'secondary', text: 'Restore my last model' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await adoptModel({ bytes: model.bytes }, Boolean(model.shuffled), 'Restored your last model', own, { keep: false });
      box.hidden = true;
      say('keep', `Restored your last model (${model.spec}) with its own settings.`, 'ok');
    } catch (e) {
      say('keep', `Your last model could not be restored: ${e.message}`, 'warning');
      button.disabled = false;
    }
  });
  if (notes.length) pageNote(notes.join(' '), 'warning');
  box.replaceChildren(`This link opens other settings than your last model’s (${model.spec}), `
    + 'so the page shows the link’s and holds no model yet. Your last model is still kept: ', button);
  box.hidden = false;
}

async function forget() {
  state.forgetEpoch++; // any save still on its way is dropped (keepModel checks it)
  const running = state.phase === 'running' || state.phase === 'paused' ? state.currentRun : null;
  state.runs = running ? [running] : [];
  if (running) running.keptNote = 'not kept: you asked to forget the saved model and curves';
  renderRuns();
  scheduleDraw();
  if (state.store?.available) {
    try {
      await state.store.delete('model', 'runs', 'unfinished', 'last');
    } catch (e) {
      say('keep', `Could not forget: ${e.message}.`, 'error');
      return;
    }
  }
  say('keep', 'Forgot the saved model and curves: a reload starts afresh. (The downloaded data stays in the browser’s cache.)', 'ok');
}

// ---- wiring ----

function wire() {
  const form = $('main');
  form.addEventListener('input', (e) => { if (e.target.closest('[data-setting], [data-unit], [data-filter]')) onSettingsChanged(e); });
  form.addEventListener('change', (e) => { if (e.target.closest('[data-setting], [data-unit], [data-filter]') && e.target.type !== 'text') onSettingsChanged(e); });
  $('[data-load-data]').addEventListener('click', loadData);
  $('[data-cancel-data]').addEventListener('click', () => call('cancelData'));
  const actions = {
    start: () => start(), pause, resume, step, stop, reset, experiment,
    'clear-runs': () => { state.runs = state.runs.filter((r) => r === state.currentRun && state.phase !== 'finished' && state.phase !== 'idle'); renderRuns(); scheduleDraw(); keepRuns(); },
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
    const link = decodeHash(location.hash);
    if (!link.any) return;
    state.settings = link.settings;
    writeSettings(link.settings);
    scheduleDescribe();
    refreshErrors();
    if (link.ignored.length || link.unknown.length) {
      say('page', ignoredMessage(link.ignored, link.unknown), 'warning');
      updateHash();
    }
  });
  // A run in progress lives only in this page: leaving asks first.
  window.addEventListener('beforeunload', (e) => {
    if (state.phase !== 'running' && state.phase !== 'paused') return;
    e.preventDefault();
    e.returnValue = ''; // older browsers show the prompt only when this is set
  });
  for (const c of $$('[data-plot]')) plotObserver.observe(c);
}

async function main() {
  wire();
  const link = decodeHash(location.hash);
  if (link.any) state.settings = link.settings;
  writeSettings(state.settings);
  renderRuns();
  updateButtons();
  scheduleDraw();
  const storeOpening = openStore();
  try {
    const info = await call('init');
    state.rate = info.rate;
    $('[data-engine-badge]').textContent = `Engine: ${info.buildName}`;
    if (info.note) pageNote(info.note, 'warning');
  } catch (e) {
    $('[data-engine-badge]').textContent = 'Engine: not loaded';
    say('page', `The engine could not start: ${e.message}`, 'error');
    return;
  }
  if (link.ignored.length || link.unknown.length) pageNote(ignoredMessage(link.ignored, link.unknown), 'warning');
  state.store = await storeOpening;
  if (!state.store.available) {
    pageNote(`Your models and curves will not survive a reload: ${state.store.why}. `
      + 'Everything else works; save a model to a file (section 8) to keep it.', 'warning');
  }
  await describe();
  updateHash();
  await restore(link.any ? link : null);
  if (await dataIsCached()) await loadData();
  else say('data', 'Press “Load the data” to download Fashion-MNIST (about 30 MB, once).');
}

main();
