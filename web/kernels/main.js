// Kernels page: edit a kernel, see the convolution of an image, open any
// output pixel to see its sum, check your own computation.
//
// The page only draws: the engine runs in kernels-worker.js. All the view's
// settings live in one object, `state` (kernels-state.js), mirrored in the
// URL hash so that a link opens exactly this view.
import {
  MAX_K, MATRICES, PRESETS, LUMA_CELLS, CLASS_KERNEL, CHANNEL_NAMES, SMALL_SIDE,
  defaultState, parseCell, fmt, cellText, padBefore, outShape, resizeCells, kernelCount,
  encodeHash, decodeHash, readWhole, readDecimal, cellProblems, viewProblem,
} from './state.js';
import { SAMPLES, loadSample, bindImageInputs, openCamera } from '../lib/image-source.js';
import { WorkerClient } from '../lib/worker-rpc.js';
import { h } from '../lib/dom.js';

const $ = (sel) => document.querySelector(sel);
const ui = {
  badge: $('[data-engine-badge]'),
  pageMessage: $('[data-page-message]'),
  imageSelect: $('[data-image-select]'),
  file: $('[data-file]'),
  dropZone: $('[data-drop-zone]'),
  cameraStart: $('[data-camera-start]'),
  cameraCapture: $('[data-camera-capture]'),
  cameraStop: $('[data-camera-stop]'),
  video: $('[data-camera-video]'),
  imageMessage: $('[data-image-message]'),
  imageShape: $('[data-image-shape]'),
  preset: $('[data-preset]'),
  sigmaField: $('[data-sigma-field]'),
  sigma: $('[data-sigma]'),
  sigmaError: $('[data-sigma-error]'),
  k1: $('[data-k1]'),
  k2: $('[data-k2]'),
  normalise: $('[data-normalise]'),
  kernelMessage: $('[data-kernel-message]'),
  editors: $('[data-kernel-editors]'),
  biasField: $('[data-bias-field]'),
  bias: $('[data-bias]'),
  biasError: $('[data-bias-error]'),
  usedNote: $('[data-used-note]'),
  used: $('[data-kernel-used]'),
  modes: [...document.querySelectorAll('[data-mode]')],
  pad: $('[data-pad]'),
  stride: $('[data-stride]'),
  display: $('[data-display]'),
  displayHint: $('[data-display-hint]'),
  formula: $('[data-shape-formula]'),
  inputCanvas: $('[data-input-canvas]'),
  inputCaption: $('[data-input-caption]'),
  outputFigure: $('[data-output-figure]'),
  outputStatus: $('[data-output-status]'),
  outputWrap: $('[data-output-wrap]'),
  outputCanvas: $('[data-output-canvas]'),
  outputCaption: $('[data-output-caption]'),
  fieldMarker: $('[data-field-marker]'),
  pixelMarker: $('[data-pixel-marker]'),
  legend: $('[data-legend]'),
  announce: $('[data-announce]'),
  pickSummary: $('[data-pick-summary]'),
  share: $('[data-share]'),
  shareStatus: $('[data-share-status]'),
  shareUrl: $('[data-share-url]'),
  renderInfo: $('[data-render-info]'),
  j1: $('[data-j1]'),
  j2: $('[data-j2]'),
  j1Error: $('[data-j1-error]'),
  j2Error: $('[data-j2-error]'),
  prev: $('[data-step-prev]'),
  next: $('[data-step-next]'),
  play: $('[data-step-play]'),
  step: $('[data-step]'),
  stepStatus: $('[data-step-status]'),
  exNew: $('[data-exercise-new]'),
  exStatus: $('[data-exercise-status]'),
  exBox: $('[data-exercise]'),
  exQuestion: $('[data-exercise-question]'),
  exTables: $('[data-exercise-tables]'),
  exForm: $('[data-exercise-form]'),
  exAnswer: $('[data-answer]'),
  exAnswerLabel: $('[data-answer-label]'),
  exReveal: $('[data-exercise-reveal]'),
  exFeedback: $('[data-exercise-feedback]'),
};

// Colours of the engine's diverging map (cl_image.c): blue < 0 < red, white at 0.
const BLUE = [33, 102, 172], WHITE = [247, 247, 247], RED = [178, 24, 43];
const CELL = 44; // CSS pixels per pixel when an image is drawn as a number matrix
// Longest side of a student's own image here: the class's photo (1050 x 700)
// fits; larger ones are scaled down (and told so) to keep edits interactive.
const MAX_SIDE = 1280;
const TOLERANCE_ABS = 0.5, TOLERANCE_REL = 0.01;

function say(el, text, kind) {
  el.textContent = text ?? '';
  if (kind) el.dataset.kind = kind; else delete el.dataset.kind;
}

/** A field's message next to it (its aria-describedby): `text`, or '' when the field is good. */
function fieldError(input, errorEl, text) {
  errorEl.textContent = text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** The text of an <input type=number>, or null when the browser could not read it as a number. */
function fieldText(input) {
  return input.value === '' && input.validity.badInput ? null : input.value;
}

// ---- the engine, in a worker ----

// Outstanding engine calls, in <body data-busy>: 0 when the page shows the
// result of everything asked so far (tests and benchmarks wait on it).
let busyCount = 0;
function busy(delta) {
  busyCount += delta;
  document.body.dataset.busy = String(busyCount);
  ui.step.setAttribute('aria-busy', String(busyCount > 0));
}

class Engine {
  constructor() {
    this.client = new WorkerClient(new URL('worker.js', import.meta.url));
  }

  call(type, args = {}, transfer = []) {
    busy(1);
    const done = this.client.call(type, args, transfer);
    // Count the call as finished only after the caller's continuation has had
    // its turn, so work it starts next (a preset, then the filter) overlaps.
    const settle = () => setTimeout(() => busy(-1), 0);
    done.then(settle, settle);
    return done;
  }
}

// ---- the page's state ----

let state = defaultState();
let engine = null;
let image = null;       // { id, name, width, height, gray, seq, scaledFrom }
let imageSeq = 0;
let drawn = null;       // the result on screen: { key, params, width, height, planes, maxAbs, display, used, normalised }
let camera = null;
// Whether `drawn` is the view `state` asks for: { kind: 'current' }, or why
// that view cannot be computed (viewProblem(): 'no-output', 'not-numbers'; or
// 'engine-error'). A result on screen that is not the current view is marked
// as the last valid one; with no output, none is shown.
let status = { kind: 'current' };
// The last state whose kernel cells were all numbers: what a link holds while a cell is not.
let validState = null;

function planesOf(s = state) {
  if (s.mode === 'sum') return 1;
  return s.mode === 'gray' ? 1 : 3;
}
function isMagnitude(s = state) { return s.preset === 'magnitude'; }
function kernelSize(s = state) { return isMagnitude(s) ? [3, 3] : [s.k1, s.k2]; }

// ---- images ----

function matrixImage(id) {
  const m = MATRICES[id];
  const data = new Uint8ClampedArray(4 * m.h * m.w);
  m.values.forEach((v, i) => { data.set([v, v, v, 255], 4 * i); });
  return { data, width: m.w, height: m.h, name: m.label, gray: true };
}

async function chooseImage(id) {
  if (id === 'own') return;
  say(ui.imageMessage, MATRICES[id] ? '' : 'Loading…');
  busy(1);
  try {
    const img = MATRICES[id] ? matrixImage(id) : await loadSample(id);
    await useImage(img, id);
  } catch (e) {
    say(ui.imageMessage, e.message, 'error');
  } finally {
    setTimeout(() => busy(-1), 0);
  }
}

async function useImage(img, id) {
  const seq = ++imageSeq;
  const { width, height } = img;
  const data = img.data.byteLength === img.data.buffer.byteLength ? img.data : img.data.slice();
  await engine.call('setImage', { data: data.buffer, width, height }, [data.buffer]);
  if (seq !== imageSeq) return;
  image = { id, name: img.name, width, height, gray: img.gray, seq, scaledFrom: img.scaledFrom };
  state.image = id;
  if (id === 'own') {
    let own = ui.imageSelect.querySelector('option[value="own"]');
    if (!own) {
      own = new Option('', 'own');
      ui.imageSelect.append(own);
    }
    own.textContent = `Your image: ${img.name} (${width} × ${height})`;
  }
  say(ui.imageMessage, img.note ?? '', img.note ? 'warning' : undefined);
  drawn = null;
  syncControls();
  await drawInput();
  requestCompute();
}

async function drawInput() {
  if (!image) return;
  const seq = image.seq;
  const gray = state.mode === 'gray';
  const view = await engine.call('inputView', { gray });
  if (seq !== image.seq) return;
  const { width: w, height: h } = view;
  const rgba = new Uint8ClampedArray(view.rgba);
  if (w <= SMALL_SIDE && h <= SMALL_SIDE) {
    // A number matrix: one cell per pixel with its value. Tiny values (the
    // 5 x 5 example's 0-3) are shaded relative to the largest, else 0-255.
    let max = 0, allGray = true;
    for (let i = 0; i < w * h; i++) {
      max = Math.max(max, rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
      if (rgba[4 * i] !== rgba[4 * i + 1] || rgba[4 * i] !== rgba[4 * i + 2]) allGray = false;
    }
    const stretch = allGray && max > 0 && max < 64 ? 255 / max : 1;
    const fills = [], labels = [];
    for (let i = 0; i < w * h; i++) {
      const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]].map((v) => Math.round(v * stretch));
      fills.push([r, g, b]);
      labels.push(allGray ? String(rgba[4 * i]) : '');
    }
    drawMatrix(ui.inputCanvas, w, h, fills, labels);
    ui.inputCaption.textContent = stretch !== 1
      ? `X, ${h} × ${w} (shaded from 0, black, to ${max}, white)`
      : `X, ${h} × ${w}${gray ? ', grayscale' : ''}`;
  } else {
    drawPixels(ui.inputCanvas, rgba, w, h);
    ui.inputCaption.textContent = `X, ${h} × ${w}${gray ? ', as grayscale' : ', colour'}`;
  }
  ui.inputCanvas.setAttribute('aria-label', `Input image X: ${image.name}, ${h} rows by ${w} columns${gray ? ', grayscale' : ''}`);
  placeMarkers();
}

function drawPixels(canvas, rgba, w, h) {
  canvas.parentElement.classList.remove('is-matrix');
  canvas.style.width = '';
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  canvas.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
}

function drawMatrix(canvas, w, h, fills, labels) {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.parentElement.classList.add('is-matrix');
  canvas.width = Math.round(w * CELL * dpr);
  canvas.height = Math.round(h * CELL * dpr);
  canvas.style.width = `${w * CELL}px`;
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  for (let i = 0; i < w * h; i++) {
    const x = (i % w) * CELL, y = Math.floor(i / w) * CELL;
    const [r, gg, b] = fills[i];
    g.fillStyle = `rgb(${r},${gg},${b})`;
    g.fillRect(x, y, CELL, CELL);
    g.strokeStyle = '#9aa1ad';
    g.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
    const label = labels[i];
    if (label) {
      const size = Math.min(15, Math.floor((CELL - 6) / (0.62 * label.length)));
      g.font = `${size}px ui-monospace, 'DejaVu Sans Mono', monospace`;
      g.fillStyle = luminance(r, gg, b) > 0.45 ? '#111' : '#fff';
      g.fillText(label, x + CELL / 2, y + CELL / 2 + 1);
    }
  }
}

function luminance(r, g, b) {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

function showShape() {
  if (!image) return;
  const { width: w, height: h } = image;
  const gray = state.mode === 'gray';
  const from = image.scaledFrom ? ` (scaled down from ${image.scaledFrom.width} × ${image.scaledFrom.height})` : '';
  ui.imageShape.replaceChildren();
  const line = document.createElement('span');
  line.textContent = gray
    ? `X as the kernel sees it: a matrix of ${h} rows × ${w} columns, shape (${h}, ${w}), numbers 0–255${from}.`
    : `X: ${h} rows × ${w} columns × 3 channels (R, G, B), shape (${h}, ${w}, 3), numbers 0–255${from}.`;
  ui.imageShape.append(line);
}

// ---- the kernel editor ----

function presetById(id) { return PRESETS.find((p) => p.id === id); }

function buildEditors() {
  ui.editors.replaceChildren();
  if (isMagnitude()) {
    const p = document.createElement('p');
    p.className = 'k-note';
    p.textContent = 'The gradient magnitude is not one linear kernel, so there is nothing to edit: the engine convolves X '
      + 'with Sobel Gx and with Sobel Gy (both below), then takes √(gx² + gy²) at every pixel. It is never negative.';
    ui.editors.append(p);
    return;
  }
  const n = kernelCount(state);
  for (let i = 0; i < n; i++) {
    const fig = document.createElement('figure');
    fig.className = 'k-editor';
    const cap = document.createElement('figcaption');
    cap.textContent = n === 1 ? `W: ${state.k1} rows × ${state.k2} columns` : `W_${CHANNEL_NAMES[i]} (${['red', 'green', 'blue'][i]})`;
    const scroll = document.createElement('div');
    scroll.className = 'k-scroll';
    const table = document.createElement('table');
    table.className = 'matrix k-edit-table';
    const head = table.createTHead().insertRow();
    const corner = document.createElement('th');
    corner.append(h('span', { className: 'k-axis', text: 'k1 \\ k2' }));
    head.append(corner);
    for (let b = 0; b < state.k2; b++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = String(b);
      head.append(th);
    }
    const body = table.createTBody();
    for (let a = 0; a < state.k1; a++) {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(a);
      tr.append(th);
      for (let b = 0; b < state.k2; b++) {
        const input = document.createElement('input');
        input.type = 'text';
        input.autocomplete = 'off';
        input.spellcheck = false;
        input.className = 'k-cell';
        input.dataset.kernel = String(i);
        input.dataset.cell = String(a * state.k2 + b);
        input.setAttribute('aria-label', `${n === 1 ? 'W' : `W_${CHANNEL_NAMES[i]}`}[${a}, ${b}]`);
        input.value = state.kernels[i][a * state.k2 + b];
        tr.insertCell().append(input);
      }
    }
    scroll.append(table);
    fig.append(cap, scroll);
    ui.editors.append(fig);
  }
  markCells(cellProblems(state));
}

function cellInputs() { return [...ui.editors.querySelectorAll('input.k-cell')]; }

/** Marks the kernel cells that are not numbers (aria-invalid, described by the kernel message). */
function markCells(problems) {
  const bad = new Set(problems.map((c) => `${c.kernel}:${c.cell}`));
  for (const input of cellInputs()) {
    if (bad.has(`${input.dataset.kernel}:${input.dataset.cell}`)) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', ui.kernelMessage.id);
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }
}

// A note about the last change to the kernel ("Sobel is a 3 x 3 kernel: ..."),
// shown in the kernel message until the next change, unless a problem is said there.
let kernelNote = '';

/** Sets a preset's kernel; `extra`: a note to say with it (why it was chosen). */
async function applyPreset(id, extra = '') {
  const p = presetById(id);
  state.preset = id;
  let note = '';
  if (p.size && (state.k1 !== p.size || state.k2 !== p.size)) {
    note = `${p.label.split(' (')[0]} is a ${p.size} × ${p.size} kernel: the size is now ${p.size} × ${p.size}.`;
    state.k1 = state.k2 = p.size;
  }
  const n = state.k1 * state.k2;
  let cells = null;
  if (id === 'class') cells = CLASS_KERNEL.slice();
  else if (id === 'box') cells = new Array(n).fill(n === 1 ? '1' : `1/${n}`);
  else if (id === 'luma') state.kernels = LUMA_CELLS.map((c) => c.slice());
  else if (p.engine) {
    const v = await engine.call('preset', { kind: p.engine, k1: state.k1, k2: state.k2, sigma: state.sigma });
    cells = [...v].map(cellText);
  }
  if (cells) state.kernels = [cells, cells.slice(), cells.slice()];
  buildEditors();
  syncControls();
  kernelNote = [extra, note].filter(Boolean).join(' ');
  edited();
}

function resizeKernel(n1, n2) {
  const sizeFree = ['identity', 'box', 'gaussian'].includes(state.preset);
  const old1 = state.k1, old2 = state.k2;
  state.kernels = state.kernels.map((cells) => resizeCells(cells, old1, old2, n1, n2));
  state.k1 = n1;
  state.k2 = n2;
  if (sizeFree) {
    applyPreset(state.preset);
    return;
  }
  state.preset = 'custom';
  buildEditors();
  syncControls();
  edited();
}

// ---- controls <-> state ----

function fillSelects() {
  const add = (parent, value, label) => parent.append(new Option(label, value));
  const classGroup = document.createElement('optgroup');
  classGroup.label = 'The class’s numbers';
  for (const [id, m] of Object.entries(MATRICES)) add(classGroup, id, m.label);
  const photos = document.createElement('optgroup');
  photos.label = 'Photos';
  for (const s of SAMPLES) add(photos, s.name, `Photo: ${s.label}`);
  ui.imageSelect.append(classGroup, photos);
  for (const p of PRESETS) add(ui.preset, p.id, p.label);
  for (let k = 1; k <= MAX_K; k++) {
    add(ui.k1, String(k), String(k));
    add(ui.k2, String(k), String(k));
  }
}

function syncControls() {
  ui.imageSelect.value = state.image;
  ui.preset.value = state.preset;
  for (const opt of ui.preset.options) {
    const p = presetById(opt.value);
    opt.disabled = (p.sumOnly && state.mode !== 'sum') || (p.id === 'magnitude' && state.mode === 'sum');
  }
  ui.sigmaField.hidden = state.preset !== 'gaussian';
  if (document.activeElement !== ui.sigma) {
    ui.sigma.value = String(state.sigma);
    fieldError(ui.sigma, ui.sigmaError, '');
  }
  const [k1, k2] = kernelSize();
  ui.k1.value = String(k1);
  ui.k2.value = String(k2);
  ui.k1.disabled = ui.k2.disabled = ui.normalise.disabled = isMagnitude();
  ui.normalise.checked = state.normalise && !isMagnitude();
  for (const r of ui.modes) r.checked = r.value === state.mode;
  ui.pad.value = state.pad;
  ui.stride.value = String(state.stride);
  ui.display.value = state.display;
  ui.display.querySelector('option[value="diverging"]').disabled = planesOf() !== 1;
  ui.biasField.hidden = state.mode !== 'sum';
  if (document.activeElement !== ui.bias) ui.bias.value = String(state.bias);
  ui.j1.value = String(state.sel[0]);
  ui.j2.value = String(state.sel[1]);
  fieldError(ui.j1, ui.j1Error, '');
  fieldError(ui.j2, ui.j2Error, '');
  showShape();
  showFormula();
  showDisplayHint();
}

function effectiveDisplay() {
  return state.display === 'diverging' && planesOf() !== 1 ? 'abs' : state.display;
}

function showDisplayHint() {
  const names = { clamp: 'clamped to 0–255', abs: '|value| scaled', diverging: 'diverging colours' };
  let text = '';
  if (state.display === 'diverging' && planesOf() !== 1) {
    text = 'Diverging colours need a single output plane: showing |value| scaled.';
  } else if (state.display === 'auto' && drawn) {
    text = `Now: ${names[drawn.display]}${drawn.display === 'clamp' ? '' : drawn.signed ? ' (the result has signs)' : ' (values above 255)'}.`;
  }
  ui.displayHint.textContent = text;
}

function showFormula() {
  if (!image) return;
  const [k1, k2] = kernelSize();
  const { rows, cols } = outShape(image.height, image.width, k1, k2, state.pad, state.stride);
  const padText = (p, ax, a, b, what) => `${p} = ${ax.total}: ${state.pad === 'valid' ? 'no padding' : `${what} of padding, ${ax.before} ${a} + ${ax.after} ${b}`}`;
  const lines = [
    ['Rows', 'OH = ⌊(H − K1 + P1) / s⌋ + 1', rows.text, padText('P1', rows, 'above', 'below', 'rows')],
    ['Columns', 'OW = ⌊(W − K2 + P2) / s⌋ + 1', cols.text, padText('P2', cols, 'left', 'right', 'columns')],
  ];
  ui.formula.replaceChildren();
  for (const [name, general, numbers, pad] of lines) {
    const div = document.createElement('div');
    div.className = 'k-formula-line';
    div.dataset.axis = name.toLowerCase();
    div.append(h('span', { className: 'k-formula-name', text: `${name}:` }), ' ', h('span', { className: 'mono', text: general }), h('br'),
      h('span', { className: 'mono k-formula-numbers', text: `= ${numbers}` }), h('br'),
      h('span', { className: 'muted k-formula-numbers', text: pad }));
    ui.formula.append(div);
  }
  const shape = document.createElement('div');
  shape.className = 'k-formula-line';
  if (rows.out < 1 || cols.out < 1) {
    shape.textContent = 'No output: without padding the kernel is larger than the image. Choose a smaller kernel or a padding.';
    shape.dataset.kind = 'error';
  } else {
    const planes = isMagnitude() ? (state.mode === 'gray' ? 1 : 3) : planesOf();
    shape.textContent = planes === 1
      ? `Z has shape (${rows.out}, ${cols.out}): one output channel.`
      : `Z has shape (${rows.out}, ${cols.out}, 3): one output channel per colour channel.`;
  }
  ui.formula.append(shape);
}

// ---- computing and drawing ----

let renderSeq = 0, renderCount = 0;
let inFlight = false, pending = null, pendingSince = null;

function edited() {
  saveHashSoon();
  requestCompute();
}

/** The filter request for the current state, which viewProblem() found computable. */
function currentParams() {
  const kernels = isMagnitude() ? [] : state.kernels.slice(0, kernelCount(state)).map((cells) => cells.map((c) => parseCell(c).value));
  const [k1, k2] = kernelSize();
  return {
    imageSeq: image.seq,
    mode: state.mode,
    op: isMagnitude() ? 'magnitude' : 'conv',
    kernels: kernels.map((k) => Float32Array.from(k)),
    k1, k2,
    normalise: state.normalise && !isMagnitude(),
    bias: state.mode === 'sum' ? state.bias : 0,
    pad: state.pad,
    stride: state.stride,
    display: effectiveDisplay(),
  };
}

/**
 * Asks the engine for the view `state` describes, or, when it cannot be
 * computed, says why (in the kernel message, and in the result area, which
 * then shows no output or marks the result it keeps as the last valid one).
 */
function requestCompute() {
  if (!engine || !image) return;
  const problem = viewProblem(state, image.height, image.width);
  markCells(problem?.cells ?? []);
  const typeHint = problem?.cells.length ? ' Type a number such as 2, -0.5 or 1/9.' : '';
  say(ui.kernelMessage, problem ? problem.text + typeHint : kernelNote, problem ? 'error' : undefined);
  kernelNote = '';
  if (!problem || problem.cells.length === 0) validState = structuredClone(state);
  if (problem) {
    linkSel = null;
    status = problem;
    if (problem.kind === 'no-output') {
      // Nothing computed before this may be shown now, not even a request still on its way.
      pending = null;
      pendingSince = null;
      drawn = null;
      stopPlay();
    }
    showStatus();
    return;
  }
  // The marks of a refused view stay until the new result is drawn.
  status = { kind: 'current' };
  pendingSince ??= performance.now();
  pending = currentParams();
  if (!inFlight) pump();
}

// One request at a time; edits made meanwhile collapse into the newest, so a
// slow kernel (15 x 15 on a big photo) never queues up work.
async function pump() {
  inFlight = true;
  while (pending) {
    const params = pending, since = pendingSince;
    pending = null;
    pendingSince = null;
    params.key = ++renderSeq;
    const slow = setTimeout(() => { ui.renderInfo.textContent = 'Computing…'; }, 150);
    let r;
    try {
      r = await engine.call('filter', params);
    } catch (e) {
      say(ui.pageMessage, `The engine could not compute this view: ${e.message}`, 'error');
      ui.renderInfo.textContent = '';
      if (!pending) {
        status = { kind: 'engine-error', text: `The engine could not compute this view: ${e.message}`, cells: [] };
        drawn = null;
        showStatus();
      }
      continue;
    } finally {
      clearTimeout(slow);
    }
    // A view refused since this request was made has no output: this one is not it.
    if (status.kind === 'no-output') ui.renderInfo.textContent = '';
    if (params.imageSeq !== imageSeq || status.kind === 'no-output') continue;
    drawOutput(r);
    // the canvas holds its own copy now: the worker can reuse the buffer
    engine.call('recycle', { buffer: r.rgba }, [r.rgba]).catch(() => {});
    const end = performance.now();
    performance.measure('kernels:edit-to-pixels', { start: since, end });
    ui.outputCanvas.dataset.lastRenderMs = (end - since).toFixed(2);
    ui.outputCanvas.dataset.engineMs = r.ms.toFixed(2);
    ui.outputCanvas.dataset.renderCount = String(++renderCount);
    ui.renderInfo.textContent = `Computed by the engine in ${r.ms.toFixed(1)} ms; from your change to the picture: ${(end - since).toFixed(1)} ms.`;
    drawn = { ...r, params, signed: r.display === 'diverging' || params.kernels.some((k) => k.some((v) => v < 0)) || params.bias < 0 };
    if (pageMessageIsEngineError()) clearPageMessage();
    showStatus();
    afterDraw();
  }
  inFlight = false;
}

/**
 * Shows in the result area, the step-by-step and the exercise whether the
 * result on screen is the current view ('current'), the last valid one kept
 * while a kernel cell is not a number ('stale', marked as such), or whether
 * there is no output ('none': no picture, no sum, the reason instead).
 */
function showStatus() {
  const problem = status.kind === 'current' ? null : status;
  const view = !problem ? 'current' : drawn ? 'stale' : 'none';
  ui.outputFigure.dataset.view = view;
  ui.outputWrap.hidden = ui.legend.hidden = view === 'none';
  ui.outputStatus.hidden = view === 'current';
  if (view === 'none') {
    const why = problem.kind === 'no-output' ? problem.fit : problem.text;
    ui.outputStatus.replaceChildren(h('strong', { text: 'No output.' }), ' ', why);
    ui.outputCaption.textContent = 'Z: no output';
    ui.pickSummary.replaceChildren('Selected pixel: none, as there is no output.');
    ui.step.replaceChildren();
    ui.used.replaceChildren();
    ui.usedNote.textContent = 'There is no output, so no kernel is in use.';
    ui.renderInfo.textContent = '';
    say(ui.stepStatus, `There is no output pixel to open. ${why}`, 'warning');
  } else if (view === 'stale') {
    ui.outputStatus.replaceChildren(h('strong', { text: 'Not the current kernel.' }), ' ',
      `${problem.text} Z below is the result of the last kernel that was all numbers.`);
    say(ui.stepStatus, `These sums use the last kernel that was all numbers, not the one in the editor: ${problem.text}`, 'warning');
  }
  ui.stepStatus.hidden = view === 'current';
  if (drawn) {
    ui.outputCaption.textContent = `Z${view === 'stale' ? ' of the last kernel that was all numbers' : ''}, ${drawn.height} × ${drawn.width}, `
      + `${drawn.planes === 1 ? 'one channel' : '3 channels, shown as colour'}`;
    const label = ui.pickSummary.querySelector('.k-pick-label');
    if (label) label.textContent = pickLabel();
    showUsed();
  }
  for (const el of [ui.j1, ui.j2, ui.prev, ui.next, ui.play]) el.disabled = view === 'none';
  if (view === 'none') {
    fieldError(ui.j1, ui.j1Error, '');
    fieldError(ui.j2, ui.j2Error, '');
  }
  showDisplayHint();
  placeMarkers();
  showExerciseStatus();
}

// The page's message line: what a link had that could not be used, then the
// engine's note (a scalar build running because the SIMD one failed), which
// stays until there is news.
let engineNote = '';
let linkNotes = [];
function clearPageMessage() {
  const lines = [...linkNotes, engineNote].filter(Boolean);
  say(ui.pageMessage, '', lines.length ? 'warning' : undefined);
  ui.pageMessage.append(...lines.flatMap((line, i) => (i ? [' ', h('br'), line] : [line])));
}

function pageMessageIsEngineError() {
  return ui.pageMessage.textContent.startsWith('The engine could not');
}

function drawOutput(r) {
  const rgba = new Uint8ClampedArray(r.rgba);
  const { width: w, height: h } = r;
  if (w <= SMALL_SIDE && h <= SMALL_SIDE) {
    const fills = [], labels = [];
    for (let i = 0; i < w * h; i++) {
      fills.push([rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]]);
      let label = '';
      if (r.values) {
        const vs = Array.from({ length: r.planes }, (_, p) => r.values[p * w * h + i]);
        if (vs.every((v) => v === vs[0])) label = fmt(vs[0], 1);
      }
      labels.push(label);
    }
    drawMatrix(ui.outputCanvas, w, h, fills, labels);
  } else {
    drawPixels(ui.outputCanvas, rgba, w, h);
  }
}

function afterDraw() {
  const [oh, ow] = [drawn.height, drawn.width];
  const sel = [Math.min(state.sel[0], oh - 1), Math.min(state.sel[1], ow - 1)];
  if (sel[0] !== state.sel[0] || sel[1] !== state.sel[1]) {
    if (linkSel) {
      linkNotes.push(`This link’s “px=${linkSel.join(',')}” is outside the ${oh} × ${ow} output Z: using ${sel.join(',')}.`);
      clearPageMessage();
      saveHashSoon();
    }
    state.sel = sel;
  }
  linkSel = null;
  ui.j1.max = String(oh - 1);
  ui.j2.max = String(ow - 1);
  ui.j1.value = String(state.sel[0]);
  ui.j2.value = String(state.sel[1]);
  showLegend();
  placeMarkers();
  requestProbe();
}

function rgbCss([r, g, b]) { return `rgb(${r}, ${g}, ${b})`; }

function divergingColour(t) {
  const u = Math.min(1, Math.abs(t));
  const end = t < 0 ? BLUE : RED;
  return WHITE.map((w, i) => Math.round(w + (end[i] - w) * u));
}

function showLegend() {
  const m = drawn.maxAbs;
  const bar = (gradient, labels, caption) => {
    ui.legend.replaceChildren(h('div', { className: 'k-legend-bar', style: { background: gradient } }),
      h('div', { className: 'k-legend-labels' }, ...labels.map((l) => h('span', { text: l }))),
      h('p', { className: 'hint', text: caption }));
  };
  const range = `largest |value| = ${fmt(m, 2)}`;
  if (drawn.display === 'diverging') {
    bar(`linear-gradient(to right, ${rgbCss(BLUE)}, ${rgbCss(WHITE)}, ${rgbCss(RED)})`,
      [`−${fmt(m, 1)}`, '0', `+${fmt(m, 1)}`],
      `Diverging colours: negative values blue, 0 white, positive red; the strongest colour is ±${fmt(m, 2)}, the largest |value|.`);
  } else if (drawn.display === 'abs') {
    bar('linear-gradient(to right, #000, #fff)', ['0', fmt(m, 1)],
      `|value| scaled: black is 0, white is the largest |value|, ${fmt(m, 2)}; the sign is not shown.`);
  } else {
    bar('linear-gradient(to right, #000, #fff)', ['0', '255'],
      `Clamped: values shown as they are, below 0 as black, above 255 as white (${range}).`);
  }
  ui.legend.setAttribute('aria-label', ui.legend.children[2].textContent);
}

function heatTable(values, k1, k2, caption) {
  const fig = document.createElement('figure');
  fig.className = 'k-heat';
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  const table = document.createElement('table');
  table.className = 'matrix k-heat-table';
  const m = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  for (let a = 0; a < k1; a++) {
    const tr = table.insertRow();
    for (let b = 0; b < k2; b++) {
      const v = values[a * k2 + b];
      const c = divergingColour(m > 0 ? v / m : 0);
      const td = tr.insertCell();
      td.textContent = fmt(v, 3);
      td.style.background = rgbCss(c);
      td.style.color = luminance(...c) > 0.5 ? '#111' : '#fff';
    }
  }
  const scroll = document.createElement('div');
  scroll.className = 'k-scroll';
  scroll.append(table);
  fig.append(cap, scroll);
  return fig;
}

function showUsed() {
  const { params, used, normalised } = drawn;
  ui.used.replaceChildren();
  const names = params.op === 'magnitude' ? ['Gx', 'Gy'] : used.length === 1 ? ['W'] : CHANNEL_NAMES.map((c) => `W_${c}`);
  used.forEach((k, i) => ui.used.append(heatTable(Array.from(k), params.k1, params.k2, names[i])));
  const notes = [];
  if (params.normalise) {
    params.kernels.forEach((k, i) => {
      const sum = k.reduce((a, v) => a + v, 0);
      const who = params.kernels.length === 1 ? 'The kernel' : `${names[i]}`;
      if (normalised[i]) notes.push(`${who}: every weight was divided by their sum, ${fmt(sum, 4)}, so the weights now sum to 1.`);
      else if (k.every((v) => v === 0)) notes.push(`${who}: all the weights are 0, so their sum is 0 and there is nothing to divide by: it was left as it is.`);
      else notes.push(`${who}: the weights sum to 0 (as Sobel’s and the Laplacian’s do), so there is nothing to divide by: it was left as it is.`);
    });
  }
  notes.push('Colours: negative weights blue, 0 white, positive red, strongest at the largest |weight|.');
  if (status.kind !== 'current') notes.unshift('Not the kernel in the editor: the last kernel that was all numbers, which made the result shown.');
  ui.usedNote.textContent = notes.join(' ');
}

// ---- the selected output pixel ----

function receptiveField() {
  const { k1, k2, stride: s } = drawn.params;
  const top = state.sel[0] * s - padBefore(k1, drawn.params.pad);
  const left = state.sel[1] * s - padBefore(k2, drawn.params.pad);
  return { top, left, k1, k2 };
}

function placeMarkers() {
  if (!drawn || !image) {
    ui.fieldMarker.hidden = ui.pixelMarker.hidden = true;
    return;
  }
  const pct = (v, n) => `${(100 * v) / n}%`;
  const { top, left, k1, k2 } = receptiveField();
  Object.assign(ui.fieldMarker.style, {
    top: pct(top, image.height), left: pct(left, image.width),
    height: pct(k1, image.height), width: pct(k2, image.width),
  });
  Object.assign(ui.pixelMarker.style, {
    top: pct(state.sel[0], drawn.height), left: pct(state.sel[1], drawn.width),
    height: pct(1, drawn.height), width: pct(1, drawn.width),
  });
  ui.fieldMarker.hidden = ui.pixelMarker.hidden = false;
}

function select(j1, j2, { fromUser = true } = {}) {
  if (!drawn) return;
  linkSel = null;
  state.sel = [Math.max(0, Math.min(drawn.height - 1, j1)), Math.max(0, Math.min(drawn.width - 1, j2))];
  if (validState) validState.sel = state.sel.slice(); // the pixel of the result shown
  ui.j1.value = String(state.sel[0]);
  ui.j2.value = String(state.sel[1]);
  fieldError(ui.j1, ui.j1Error, '');
  fieldError(ui.j2, ui.j2Error, '');
  placeMarkers();
  requestProbe();
  saveHashSoon();
  if (fromUser) stopPlay();
}

let probeWanted = false, probing = false;
async function requestProbe() {
  probeWanted = true;
  if (probing) return;
  probing = true;
  while (probeWanted && drawn) {
    probeWanted = false;
    const want = { key: drawn.key, j1: state.sel[0], j2: state.sel[1] };
    try {
      const p = await engine.call('probe', want);
      if (!p.stale && drawn && p.key === drawn.key && p.j1 === state.sel[0] && p.j2 === state.sel[1]) {
        renderStep(ui.step, p, drawn, { full: true });
      }
    } catch (e) {
      say(ui.pageMessage, `The step-by-step view failed: ${e.message}`, 'error');
    }
  }
  probing = false;
}

// One channel's patch, kernel and products as tables; returns the sum of the products.
function patchTables(container, probe, chan, kernel, kname, view, { products }) {
  const { params } = view;
  const [k1, k2] = params.op === 'magnitude' ? [3, 3] : [params.k1, params.k2];
  const p1 = padBefore(k1, params.pad), p2 = padBefore(k2, params.pad);
  const rowsIdx = Array.from({ length: k1 }, (_, a) => probe.j1 * params.stride + a - p1);
  const colsIdx = Array.from({ length: k2 }, (_, b) => probe.j2 * params.stride + b - p2);
  const xs = probe.channels[chan].x, src = probe.channels[chan].src;
  const wrap = document.createElement('div');
  wrap.className = 'k-step-tables';
  const cname = view.params.mode === 'gray' ? 'X' : `X_${CHANNEL_NAMES[view.onlyChannel ?? chan]}`;

  const table = (caption, cell, headers) => {
    const fig = document.createElement('figure');
    const cap = document.createElement('figcaption');
    cap.textContent = caption;
    const t = document.createElement('table');
    t.className = 'matrix k-step-table';
    const head = t.createTHead().insertRow();
    head.append(document.createElement('th'));
    for (let b = 0; b < k2; b++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = headers ? String(colsIdx[b]) : String(b);
      if (headers && (colsIdx[b] < 0 || colsIdx[b] >= image.width)) th.className = 'k-pad-head';
      head.append(th);
    }
    const body = t.createTBody();
    for (let a = 0; a < k1; a++) {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = headers ? String(rowsIdx[a]) : String(a);
      if (headers && (rowsIdx[a] < 0 || rowsIdx[a] >= image.height)) th.className = 'k-pad-head';
      tr.append(th);
      for (let b = 0; b < k2; b++) cell(tr.insertCell(), a * k2 + b);
    }
    const scroll = document.createElement('div');
    scroll.className = 'k-scroll';
    scroll.append(t);
    fig.append(cap, scroll);
    wrap.append(fig);
    return t;
  };

  const isPad = (i) => src[i] === null || src[i][0] !== rowsIdx[Math.floor(i / k2)] || src[i][1] !== colsIdx[i % k2];
  const markPad = (td, i, text) => {
    if (isPad(i)) {
      td.className = 'k-pad';
      const hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = 'padding ';
      td.append(hidden);
      if (src[i]) td.title = `padding: a copy of X[${src[i][0]}, ${src[i][1]}]`;
      else td.title = 'padding: zero';
    }
    td.append(text);
  };
  table(`${cname} patch (rows ${rowsIdx[0]}–${rowsIdx[k1 - 1]}, columns ${colsIdx[0]}–${colsIdx[k2 - 1]})`,
    (td, i) => markPad(td, i, xs[i] === null ? '0' : fmt(xs[i], 3)), true);
  table(kname, (td, i) => { td.textContent = fmt(kernel[i], 3); }, false);
  let sum = 0;
  const terms = [], pairs = [];
  for (let i = 0; i < k1 * k2; i++) {
    const v = kernel[i] * (xs[i] ?? 0);
    sum += v;
    terms.push(v);
    pairs.push(`${fmt(kernel[i], 3)}·${fmt(xs[i] ?? 0, 3)}`);
  }
  if (products) table(`${kname} · ${cname}, element by element`, (td, i) => markPad(td, i, fmt(terms[i], 2)), false);
  container.append(wrap);
  return { sum, terms, pairs };
}

/** "a + b − c" for a list of numbers: a minus sign, not "+ -c". */
function signedSum(values, digits = 3) {
  return values.map((t, i) => (i === 0 ? fmt(t, digits) : t < 0 ? `− ${fmt(-t, digits)}` : `+ ${fmt(t, digits)}`)).join(' ');
}

function sumLine(container, label, terms, sum) {
  const p = document.createElement('p');
  p.className = 'k-sum mono';
  const shown = terms.length <= 25 ? signedSum(terms, 2) : `the sum of the ${terms.length} products`;
  p.textContent = `${label} = ${shown} = ${fmt(sum, 3)}`;
  container.append(p);
}

function resultLine(container, label, value, ariaLabel) {
  const p = document.createElement('p');
  p.className = 'k-total';
  const out = document.createElement('output');
  out.className = 'mono';
  out.setAttribute('aria-label', ariaLabel);
  out.dataset.value = String(value);
  out.textContent = `${label} = ${fmt(value, 3)}`;
  p.append(out);
  container.append(p);
  return out;
}

/**
 * The worked sum for one output pixel. `full` shows the products and the
 * sums (section 5); without it only the patch and the kernel (the exercise).
 */
function renderStep(container, probe, view, { full }) {
  container.replaceChildren();
  const { params, used } = view;
  const { j1, j2 } = probe;
  const [k1, k2] = params.op === 'magnitude' ? [3, 3] : [params.k1, params.k2];
  const s = params.stride, p1 = padBefore(k1, params.pad), p2 = padBefore(k2, params.pad);
  const chans = probe.channels.length;
  const multi = params.mode === 'sum';
  const formula = document.createElement('p');
  formula.className = 'k-step-formula mono';
  const xi = `X${multi ? '_c' : ''}[${j1}·${s} + k1 − ${p1}, ${j2}·${s} + k2 − ${p2}]`;
  formula.textContent = params.op === 'magnitude'
    ? `gx = Σ Gx[k1, k2] · ${xi},  gy = Σ Gy[k1, k2] · ${xi},  Z[${j1}, ${j2}] = √(gx² + gy²)  (k1, k2 < 3)`
    : multi
      ? `Z[${j1}, ${j2}] = Σ over c = R, G, B and k1 < ${k1}, k2 < ${k2} of W_c[k1, k2] · ${xi} + b`
      : `Z[${j1}, ${j2}] = Σ over k1 < ${k1} and k2 < ${k2} of W[k1, k2] · ${xi}`;
  container.append(formula);
  const r0 = j1 * s - p1, c0 = j2 * s - p2;
  const where = document.createElement('p');
  where.className = 'hint';
  const outside = r0 < 0 || c0 < 0 || r0 + k1 > image.height || c0 + k2 > image.width;
  const padNote = !outside ? 'All of it lies inside the image.'
    : `Hatched cells lie outside the image: ${params.pad} padding gives them ${params.pad === 'zero' ? 'the value 0' : params.pad === 'reflect' ? 'a mirrored pixel' : 'the nearest edge pixel'}.`;
  where.textContent = `The kernel covers rows ${r0} to ${r0 + k1 - 1} and columns ${c0} to ${c0 + k2 - 1} of X. ${padNote}`;
  container.append(where);

  const sums = [];
  let pairs = null;
  for (let ch = 0; ch < chans; ch++) {
    const block = document.createElement('div');
    block.className = 'k-step-channel';
    if (chans > 1) {
      const h = document.createElement('h3');
      h.textContent = `Channel ${CHANNEL_NAMES[ch]} (${['red', 'green', 'blue'][ch]})`;
      block.append(h);
    }
    if (params.op === 'magnitude') {
      const gx = patchTables(block, probe, ch, used[0], 'Gx', view, { products: full });
      if (full) sumLine(block, 'gx', gx.terms, gx.sum);
      const gy = patchTables(block, probe, ch, used[1], 'Gy', view, { products: full });
      if (full) {
        sumLine(block, 'gy', gy.terms, gy.sum);
        const p = document.createElement('p');
        p.className = 'k-sum mono';
        const sq = (v) => (v < 0 ? `(${fmt(v, 3)})²` : `${fmt(v, 3)}²`);
        p.textContent = `√(gx² + gy²) = √(${sq(gx.sum)} + ${sq(gy.sum)}) = ${fmt(Math.hypot(gx.sum, gy.sum), 3)}`;
        block.append(p);
      }
      sums.push(Math.hypot(gx.sum, gy.sum));
    } else {
      const kname = multi ? `W_${CHANNEL_NAMES[ch]}` : 'W';
      const kernel = used[multi ? ch : 0];
      const r = patchTables(block, probe, ch, kernel, kname, view, { products: full });
      if (chans === 1) pairs = r.pairs;
      if (full) sumLine(block, multi ? `Σ_${CHANNEL_NAMES[ch]}` : chans > 1 ? `Z_${CHANNEL_NAMES[ch]}[${j1}, ${j2}]` : 'Σ', r.terms, r.sum);
      sums.push(r.sum);
    }
    container.append(block);
  }
  if (!full) return;
  if (multi) {
    const total = sums.reduce((a, v) => a + v, 0) + params.bias;
    const p = document.createElement('p');
    p.className = 'k-sum mono';
    p.textContent = `Z[${j1}, ${j2}] = Σ_R + Σ_G + Σ_B + b = ${signedSum([...sums, params.bias])} = ${fmt(total, 3)}`;
    container.append(p);
  }
  // The value shown is the engine's (from the whole-image result); the sums
  // above are this page's arithmetic on the same numbers and must agree.
  const checks = multi ? [sums.reduce((a, v) => a + v, 0) + params.bias] : sums;
  showPickSummary(probe, params, pairs, sums);
  ui.announce.textContent = probe.z.map((z, pl) => `${probe.z.length > 1 ? `Z_${CHANNEL_NAMES[pl]}` : 'Z'}[${j1}, ${j2}] = ${fmt(z, 3)}`).join(', ');
  probe.z.forEach((z, pl) => {
    const label = probe.z.length > 1 ? `Z_${CHANNEL_NAMES[pl]}[${j1}, ${j2}]` : `Z[${j1}, ${j2}]`;
    resultLine(container, label, z, `Result ${label}`);
    if (Math.abs(checks[pl] - z) > 1e-3 * Math.max(1, Math.abs(z))) {
      const warn = document.createElement('p');
      warn.className = 'message';
      warn.dataset.kind = 'warning';
      warn.textContent = `The engine’s value differs from the sum above (${fmt(checks[pl], 4)}): please report this.`;
      container.append(warn);
    }
  });
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = 'Z is the engine’s value for this pixel of the whole image; the sum above is the same arithmetic done by hand.';
  container.append(note);
}

// The selected pixel's sum in one line under the result, so the worked
// example is in view from the start; section 5 has every step.
function showPickSummary(probe, params, pairs, sums) {
  const { j1, j2, z } = probe;
  let text;
  if (z.length > 1) {
    text = CHANNEL_NAMES.map((c, i) => `Z_${c}[${j1}, ${j2}] = ${fmt(z[i], 3)}`).join(', ');
  } else if (params.op === 'magnitude') {
    text = `Z[${j1}, ${j2}] = √(gx² + gy²) = ${fmt(z[0], 3)}`;
  } else if (params.mode === 'sum') {
    text = `Z[${j1}, ${j2}] = Σ_R + Σ_G + Σ_B + b = ${signedSum([...sums, params.bias])} = ${fmt(z[0], 3)}`;
  } else if (pairs && pairs.length <= 9) {
    text = `Z[${j1}, ${j2}] = ${pairs.join(' + ')} = ${fmt(z[0], 3)}`;
  } else {
    text = `Z[${j1}, ${j2}] = the sum of ${pairs?.length ?? ''} products W·X = ${fmt(z[0], 3)}`;
  }
  ui.pickSummary.replaceChildren(h('span', { className: 'k-pick-label', text: pickLabel() }), h('span', { className: 'mono', text }),
    ' (', h('a', { href: '#step-title', text: 'every step below' }), ')');
}

function pickLabel() {
  return status.kind === 'current' ? 'Selected pixel: ' : 'Selected pixel, of the last kernel that was all numbers: ';
}

// ---- the animated scan ----

let playTimer = null;
function stopPlay() {
  if (!playTimer) return;
  clearInterval(playTimer);
  playTimer = null;
  ui.play.textContent = 'Play the scan';
  ui.play.setAttribute('aria-pressed', 'false');
}
function stepBy(delta) {
  if (!drawn) return;
  const n = drawn.width * drawn.height;
  const i = (state.sel[0] * drawn.width + state.sel[1] + delta + n) % n;
  select(Math.floor(i / drawn.width), i % drawn.width, { fromUser: false });
}

// ---- the exercise ----

let exercise = null; // { probe, view, answers, plane, label }

/** Whether two results hold the same numbers: image, kernels and geometry (their colours aside). */
function sameView(a, b) {
  const numbers = (d) => JSON.stringify({ ...d.params, key: 0, display: 0, kernels: d.params.kernels.map((k) => Array.from(k)) });
  return a === b || Boolean(a && b && numbers(a) === numbers(b));
}

/** Says when the open question is not about the view shown now (or why no question can be asked). */
function showExerciseStatus(refused = false) {
  let text = '';
  const problem = status.kind === 'current' ? null : status;
  if (refused && problem) {
    text = drawn ? `No question until every kernel cell is a number: ${problem.text}`
      : `No question: there is no output to ask about. ${problem.kind === 'no-output' ? problem.fit : problem.text}`;
  } else if (exercise && (problem || !sameView(drawn, exercise.view))) {
    const now = !problem ? 'the view has changed since' : drawn ? 'now a kernel cell is not a number' : 'now there is no output';
    text = `This question is about the view as it was when it was asked, and ${now}. Its patch and kernel are below: `
      + (problem ? 'you can still answer it from them.' : 'answer it from them, or ask a new question about the current view.');
  }
  say(ui.exStatus, text, 'warning');
  ui.exStatus.hidden = !text;
}

async function newQuestion(attempt = 0) {
  if (status.kind !== 'current') {
    showExerciseStatus(true);
    return;
  }
  if (!drawn || attempt > 5) return;
  const view = drawn;
  const j1 = Math.floor(Math.random() * view.height), j2 = Math.floor(Math.random() * view.width);
  let probe;
  try {
    probe = await engine.call('probe', { key: view.key, j1, j2 });
  } catch (e) {
    say(ui.exFeedback, e.message, 'error');
    return;
  }
  if (probe.stale) return newQuestion(attempt + 1); // a newer result was on its way: ask about that one
  const plane = Math.floor(Math.random() * probe.z.length);
  const label = probe.z.length > 1 ? `Z_${CHANNEL_NAMES[plane]}[${j1}, ${j2}]` : `Z[${j1}, ${j2}]`;
  exercise = { probe, view, plane, label, z: probe.z[plane] };
  ui.exBox.hidden = false;
  const what = view.params.op === 'magnitude' ? 'the gradient magnitude √(gx² + gy²) there'
    : view.params.mode === 'sum' ? `the sum over the three channels of W_c · X_c${view.params.bias ? ', plus the bias' : ''}`
      : 'the sum of W times the patch, element by element';
  ui.exQuestion.textContent = `What is ${label}? It is ${what}.`;
  if (probe.z.length > 1) {
    // Per-channel mode: only the asked channel's patch (its kernel is the shared W).
    renderStep(ui.exTables, { ...probe, channels: [probe.channels[plane]] }, { ...view, onlyChannel: plane }, { full: false });
  } else {
    renderStep(ui.exTables, probe, view, { full: false });
  }
  ui.exAnswerLabel.textContent = `Your answer for ${label}`;
  ui.exAnswer.value = '';
  ui.exAnswer.removeAttribute('aria-invalid');
  say(ui.exFeedback, '');
  showExerciseStatus();
  ui.exAnswer.focus();
}

function checkAnswer(e) {
  e.preventDefault();
  if (!exercise) return;
  const r = parseCell(ui.exAnswer.value);
  if (!r.ok) {
    ui.exAnswer.setAttribute('aria-invalid', 'true');
    say(ui.exFeedback, `Your answer ${r.reason}: type a number, such as 12, -3.5 or 1/2.`, 'error');
    return;
  }
  ui.exAnswer.removeAttribute('aria-invalid');
  const { z, label } = exercise;
  const tol = Math.max(TOLERANCE_ABS, TOLERANCE_REL * Math.abs(z));
  const off = Math.abs(r.value - z);
  if (off <= tol) {
    say(ui.exFeedback, `Right: ${label} = ${fmt(z, 3)}${off > 0 ? ` (yours, ${fmt(r.value, 3)}, is within ±${fmt(tol, 2)})` : ''}. Try another one!`, 'ok');
  } else {
    say(ui.exFeedback, `Not quite: ${fmt(r.value, 3)} is too ${r.value > z ? 'high' : 'low'}. `
      + 'Multiply each patch number by the kernel weight in the same place, add everything up, and try again, '
      + 'or show the worked answer.', 'warning');
  }
}

function revealAnswer() {
  if (!exercise) return;
  const { probe, label, z } = exercise;
  say(ui.exFeedback, `${label} = ${fmt(z, 3)}: the products and the sum are in section 5, “Step by step”, above.`);
  if (drawn && sameView(drawn, exercise.view)) {
    select(probe.j1, probe.j2);
  } else {
    say(ui.exFeedback, `${label} = ${fmt(z, 3)}. The view has changed since this question, so section 5 shows the current view: ask a new question to practise on it.`);
  }
  ui.step.closest('section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ---- the URL hash ----

let hashTimer = null, lastHash = '';
function saveHashSoon() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(saveHash, 200);
}
// The link is always one whole view: the current one, or, while a kernel cell
// is not a number (which a link cannot hold), the last one whose cells all were.
// A view with no output is a whole view too: its link opens it, with no output.
function saveHash() {
  const whole = cellProblems(state).length === 0 ? state : validState;
  if (!whole) return;
  lastHash = encodeHash(whole);
  if (location.hash !== lastHash) history.replaceState(null, '', lastHash);
}

// The selected pixel a link asked for, until the first result says whether Z has it.
let linkSel = null;

async function loadFromHash() {
  const { state: s, notes } = decodeHash(location.hash);
  stopPlay();
  linkNotes = notes.map((n) => n.text);
  clearPageMessage();
  const imageChanged = !image || s.image !== image.id;
  state = s;
  validState = structuredClone(s);
  linkSel = s.sel.slice();
  buildEditors();
  syncControls();
  if (imageChanged) await chooseImage(state.image);
  else {
    await drawInput();
    requestCompute();
  }
  if (notes.length) saveHash();
  else lastHash = location.hash;
}

// ---- events ----

function imageFailed(e) {
  say(ui.imageMessage, `The engine could not take this image (${e.message}). The image shown is unchanged.`, 'error');
}

let fileLoading = false;
function fileDone() {
  if (!fileLoading) return;
  fileLoading = false;
  setTimeout(() => busy(-1), 0);
}

function wire() {
  ui.imageSelect.addEventListener('change', () => {
    stopPlay();
    chooseImage(ui.imageSelect.value).then(saveHashSoon);
  });
  bindImageInputs({
    fileInput: ui.file,
    dropZone: ui.dropZone,
    maxSide: MAX_SIDE,
    // Only the newest of overlapping loads reports back: count them as one.
    onStart: (label) => {
      if (!fileLoading) busy(1);
      fileLoading = true;
      say(ui.imageMessage, `Reading ${label}…`);
    },
    onImage: (img) => useImage(img, 'own').then(saveHashSoon, imageFailed).finally(fileDone),
    onError: (err) => {
      say(ui.imageMessage, `${err.message} The image shown is unchanged.`, 'error');
      fileDone();
    },
  });
  ui.cameraStart.addEventListener('click', async () => {
    try {
      camera = await openCamera(ui.video, { maxSide: MAX_SIDE });
      ui.video.hidden = ui.cameraCapture.hidden = ui.cameraStop.hidden = false;
      ui.cameraStart.hidden = true;
      say(ui.imageMessage, 'The webcam is on: take a picture to use it as X.');
    } catch (e) {
      say(ui.imageMessage, e.message, 'error');
    }
  });
  ui.cameraCapture.addEventListener('click', () => {
    if (camera) useImage(camera.capture('webcam picture'), 'own').then(saveHashSoon, imageFailed);
  });
  ui.cameraStop.addEventListener('click', () => {
    camera?.stop();
    camera = null;
    ui.video.hidden = ui.cameraCapture.hidden = ui.cameraStop.hidden = true;
    ui.cameraStart.hidden = false;
    say(ui.imageMessage, '');
  });

  ui.preset.addEventListener('change', () => applyPreset(ui.preset.value));
  ui.sigma.addEventListener('input', () => {
    const r = readDecimal(fieldText(ui.sigma), 0.1, 10);
    fieldError(ui.sigma, ui.sigmaError, r.ok ? '' : `${r.problem}: σ is a number from 0.1 to 10.`);
    if (!r.ok) return;
    state.sigma = r.value;
    if (state.preset === 'gaussian') applyPreset('gaussian');
  });
  ui.k1.addEventListener('change', () => resizeKernel(Number(ui.k1.value), state.k2));
  ui.k2.addEventListener('change', () => resizeKernel(state.k1, Number(ui.k2.value)));
  ui.normalise.addEventListener('change', () => {
    state.normalise = ui.normalise.checked;
    edited();
  });
  ui.editors.addEventListener('input', (e) => {
    const input = e.target.closest('input.k-cell');
    if (!input) return;
    state.kernels[Number(input.dataset.kernel)][Number(input.dataset.cell)] = input.value;
    if (state.preset !== 'custom') {
      state.preset = 'custom';
      ui.preset.value = 'custom';
      ui.sigmaField.hidden = true;
    }
    edited();
  });
  ui.editors.addEventListener('keydown', (e) => {
    const input = e.target.closest('input.k-cell');
    if (!input || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    const cell = Number(input.dataset.cell) + (e.key === 'ArrowUp' ? -state.k2 : state.k2);
    const next = ui.editors.querySelector(`input[data-kernel="${input.dataset.kernel}"][data-cell="${cell}"]`);
    if (next) {
      e.preventDefault();
      next.focus();
      next.select();
    }
  });
  ui.bias.addEventListener('input', () => {
    const r = parseCell(ui.bias.value);
    if (!r.ok) {
      ui.bias.setAttribute('aria-invalid', 'true');
      ui.biasError.textContent = `The bias ${r.reason}.`;
      return;
    }
    ui.bias.removeAttribute('aria-invalid');
    ui.biasError.textContent = '';
    state.bias = r.value;
    edited();
  });
  for (const radio of ui.modes) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      const was = state.mode;
      state.mode = radio.value;
      if (state.mode === 'sum' && was !== 'sum' && state.preset !== 'magnitude') {
        state.kernels = [state.kernels[0], state.kernels[0].slice(), state.kernels[0].slice()];
        kernelNote = 'Each channel starts with a copy of the kernel: edit W_R, W_G and W_B separately.';
      }
      if (state.mode === 'sum' && state.preset === 'magnitude') {
        applyPreset('sobelX', 'The gradient magnitude is not a linear kernel, so it has no multi-channel sum: here is Sobel Gx instead.');
      }
      if (state.mode !== 'sum' && state.preset === 'luma') state.preset = 'custom';
      buildEditors();
      syncControls();
      drawInput();
      edited();
    });
  }
  ui.pad.addEventListener('change', () => { state.pad = ui.pad.value; syncControls(); edited(); });
  ui.stride.addEventListener('change', () => { state.stride = Number(ui.stride.value); syncControls(); edited(); });
  ui.display.addEventListener('change', () => { state.display = ui.display.value; syncControls(); edited(); });

  ui.outputCanvas.addEventListener('click', (e) => {
    if (!drawn) return;
    const rect = ui.outputCanvas.getBoundingClientRect();
    select(Math.floor(((e.clientY - rect.top) / rect.height) * drawn.height),
      Math.floor(((e.clientX - rect.left) / rect.width) * drawn.width));
  });
  // A click on X picks the output pixel whose patch is centred there (the nearest one).
  ui.inputCanvas.addEventListener('click', (e) => {
    if (!drawn || !image) return;
    const rect = ui.inputCanvas.getBoundingClientRect();
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * image.height);
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * image.width);
    const { k1, k2, stride, pad } = drawn.params;
    select(Math.round((y + padBefore(k1, pad) - (k1 - 1) / 2) / stride), Math.round((x + padBefore(k2, pad) - (k2 - 1) / 2) / stride));
  });
  ui.outputCanvas.addEventListener('keydown', (e) => {
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!d || !drawn) return;
    e.preventDefault();
    const n = e.shiftKey ? 10 : 1;
    select(state.sel[0] + d[0] * n, state.sel[1] + d[1] * n);
  });
  // A typed row or column must be one of Z's: else it is said next to the field and the selection stays.
  const typed = () => {
    if (!drawn) return;
    const a = readWhole(fieldText(ui.j1), 0, drawn.height - 1), b = readWhole(fieldText(ui.j2), 0, drawn.width - 1);
    fieldError(ui.j1, ui.j1Error, a.ok ? '' : `${a.problem}: the rows of Z are 0 to ${drawn.height - 1}.`);
    fieldError(ui.j2, ui.j2Error, b.ok ? '' : `${b.problem}: the columns of Z are 0 to ${drawn.width - 1}.`);
    if (a.ok && b.ok) select(a.value, b.value);
  };
  ui.j1.addEventListener('change', typed);
  ui.j2.addEventListener('change', typed);
  ui.prev.addEventListener('click', () => { stopPlay(); stepBy(-1); });
  ui.next.addEventListener('click', () => { stopPlay(); stepBy(1); });
  ui.play.addEventListener('click', () => {
    if (playTimer) {
      stopPlay();
      return;
    }
    playTimer = setInterval(() => stepBy(1), 700);
    ui.play.textContent = 'Pause the scan';
    ui.play.setAttribute('aria-pressed', 'true');
  });
  ui.exNew.addEventListener('click', () => newQuestion());
  ui.exForm.addEventListener('submit', checkAnswer);
  ui.exReveal.addEventListener('click', revealAnswer);
  ui.share.addEventListener('click', async () => {
    clearTimeout(hashTimer);
    saveHash();
    const caveats = (state.image === 'own' ? ' Your own image is not in the link: it opens with a sample photo.' : '')
      + (cellProblems(state).length ? ' A kernel cell is not a number: the link holds the last kernel that was all numbers.' : '');
    try {
      await navigator.clipboard.writeText(location.href);
      ui.shareUrl.hidden = true;
      ui.shareStatus.textContent = `Link copied: whoever opens it sees this view.${caveats}`;
    } catch {
      // No clipboard access (an insecure page, a refused permission): show the link to copy by hand.
      ui.shareUrl.value = location.href;
      ui.shareUrl.hidden = false;
      ui.shareUrl.select();
      ui.shareStatus.textContent = `Copy this link (Ctrl+C or ⌘C):${caveats}`;
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash !== lastHash) loadFromHash();
  });
}

async function main() {
  busy(1);
  fillSelects();
  wire();
  ui.editors.setAttribute('aria-label', 'Kernel editor');
  try {
    engine = new Engine();
    const info = await engine.call('init');
    ui.badge.textContent = `Engine: ${info.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    ui.badge.dataset.simd = String(info.simd);
    engineNote = info.note ?? '';
    clearPageMessage();
  } catch (e) {
    ui.badge.textContent = 'Engine: not loaded';
    say(ui.pageMessage, `The engine did not load: ${e.message}`, 'error');
    return;
  }
  await loadFromHash();
  busy(-1);
}

main();
