// Kernels page: edit a kernel, see the convolution of an image, open any
// output pixel to see its sum, check your own computation.
//
// This module owns the page's one state object (page.js's PageState) and its
// actions: events (events.js) call an action, the action changes the state
// through the page's rules (page.js, state.js, link.js, typed.js), then the
// views (controls, editor, canvas, result, step, exercise) show it. The engine
// runs in worker.js; the view's settings are mirrored in the URL hash, so
// that a link opens exactly this view.
import { startOffline } from '../lib/offline.js';
import { mountExerciseMaker } from '../lib/exercise-maker.js';
import { kernelsTasks } from '../lib/exercise-link.js';
import { Busy, Engine, Latest } from './engine.js';
import { Images } from './images.js';
import { findElements } from './elements.js';
import { wire } from './events.js';
import { UrlHash } from './url.js';
import {
  MAX_SIDE, SPEEDS, presetById, choosePreset, presetKernels, engineKernels, resizeKernels, changeMode, editCell, stepPixel,
  scanStep, arrowMove, isLayer,
} from './state.js';
import { Scan } from './scan.js';
import { layerActions } from './layer-actions.js';
import { questionActions } from './questions.js';
import {
  newPageState, takeImage, checkView, takeResult, computeFailed, fitSelection, selectPixel, pixelClicked, takeLink,
} from './page.js';
import { encodeHash, decodeHash, linkSettings, shareCaveats } from './link.js';
import { parseCell, readSigma, readPixel, readWhole } from './typed.js';
import * as controls from './controls.js';
import { renderEditors, renderCellMarks, moveBetweenCells } from './editor.js';
import { renderInput, renderOutput, renderMarkers, renderMaps, renderMapChoice, shownPlane } from './canvas.js';
import { renderResult, renderLegend, renderTiming, renderProgress } from './result.js';
import { renderStep } from './step.js';
import { renderExerciseStatus } from './exercise.js';

const el = findElements();
const state = newPageState();
// The machinery behind the state, none of it shown: the engine, counters
// that tell a stale answer from the newest, timers.
const work = {
  /** @type {Engine | null} */
  engine: null,
  renderSeq: 0,
  renderCount: 0,
};
const scan = new Scan(() => stepBy(1, true), (playing) => {
  state.playing = playing;
  controls.renderPlay(state, el);
});
const busy = new Busy((count) => {
  document.body.dataset.busy = String(count);
  el.step.setAttribute('aria-busy', String(count > 0));
});
// The link holds the current view, or, while a kernel cell is not a number
// (which a link cannot hold), the last one whose cells all were.
const hash = new UrlHash(() => {
  const whole = linkSettings(state.settings, state.lastWhole);
  return whole && encodeHash(whole);
});
const images = new Images({ engine: () => work.engine, busy, say: sayImage, taken: showImage }, MAX_SIDE);
const computes = new Latest(showView);
const probes = new Latest(showPixel);

/** Whether Z on screen is the current view, everywhere that shows. */
function renderStatus() {
  renderResult(state, el);
  controls.renderDisplayHint(state, el);
  renderMarkers(state, el);
  renderExerciseStatus(state, el);
}

/** The settings in every control, the kernel editor made anew. */
function renderSettings() {
  renderEditors(state, el);
  controls.renderControls(state, el);
}

function sayImage(text, kind = undefined) {
  state.imageMessage = { text, kind };
  controls.renderImageMessage(state, el);
}

function sayPageError(text, source) {
  state.pageMessage.error = text ? { text, source } : null;
  controls.renderPageMessage(state, el);
}

// ---- images ----

/** The engine holds a new image (images.js): it is X now. */
async function showImage(img, id, seq) {
  takeImage(state, img, id, seq);
  controls.renderImageMessage(state, el);
  controls.renderControls(state, el);
  await drawInput();
  requestCompute();
}

async function drawInput() {
  if (!state.image) return;
  const seq = state.image.seq;
  const s = state.settings;
  const gray = s.mode === 'gray' || (isLayer(s) && s.channels === 1);
  const view = await work.engine.call('inputView', { gray });
  if (seq !== state.image.seq) return;
  renderInput(state, el, { ...view, gray });
  renderMarkers(state, el);
}

// ---- the kernel ----

/** Sets a preset's kernel; `extra`: a note to say with it (why it was chosen). */
async function applyPreset(id, extra = '') {
  const s = state.settings;
  const note = choosePreset(s, id);
  const { engine } = presetById(id);
  const kernels = presetKernels(s)
    ?? (engine ? engineKernels(await work.engine.call('preset', { kind: engine, k1: s.k1, k2: s.k2, sigma: s.sigma })) : null);
  if (kernels) s.kernels = kernels;
  renderSettings();
  state.kernelNote = [extra, note].filter(Boolean).join(' ');
  edited();
}

function edited() {
  hash.soon();
  requestCompute();
}

// ---- computing and drawing ----

/**
 * Asks the engine for the view the settings describe, or, when it cannot be
 * computed, says why (in the kernel message, and in the result area, which
 * then shows no output or marks the result it keeps as the last valid one).
 */
function requestCompute() {
  if (!work.engine || !state.image) return;
  const params = checkView(state);
  renderCellMarks(state.status.cells ?? [], el);
  controls.renderKernelMessage(state, el);
  if (params) {
    computes.ask(params);
    return;
  }
  if (state.status.kind === 'no-output') {
    computes.drop();
    scan.stop();
  }
  renderStatus();
}

/** Computes one view and shows it (computes: one at a time, the newest wins). */
async function showView(params, since) {
  params.key = ++work.renderSeq;
  const slow = setTimeout(() => renderProgress(el, 'Computing…'), 150);
  let r;
  try {
    r = await work.engine.call('filter', params);
  } catch (e) {
    computeFailed(state, e.message, Boolean(computes.pending));
    controls.renderPageMessage(state, el);
    renderProgress(el, '');
    if (!computes.pending) renderStatus();
    return;
  } finally {
    clearTimeout(slow);
  }
  // A view refused since this request was made has no output: this one is not it.
  if (state.status.kind === 'no-output') renderProgress(el, '');
  if (params.imageSeq !== images.seq || state.status.kind === 'no-output') return;
  if (r.maps) state.settings.map = Math.min(state.settings.map, r.maps.length - 1);
  renderOutput(el, shownPlane(r, state.settings.map));
  // the canvas holds its own copy now: the worker can reuse the buffer (the layer's maps are kept, to be shown again)
  if (!r.maps) work.engine.call('recycle', { buffer: r.rgba }, [r.rgba]).catch(() => {});
  const end = performance.now();
  performance.measure('kernels:edit-to-pixels', { start: since, end });
  renderTiming(el, { engineMs: r.ms, totalMs: end - since, count: ++work.renderCount, path: r.path, workers: r.workers });
  if (takeResult(state, r, params)) controls.renderPageMessage(state, el);
  renderStatus();
  if (fitSelection(state)) {
    controls.renderPageMessage(state, el);
    hash.soon();
  }
  controls.renderPixelFields(state, el);
  renderLegend(state, el);
  renderMarkers(state, el);
  renderMaps(state, el);
  probes.ask(true);
}

/** Map n of the layer selected: its kernel is the one edited, its value the one worked out. */
function selectMap(n) {
  const s = state.settings;
  s.map = Math.max(0, Math.min(s.layer.n - 1, n));
  if (state.lastWhole) state.lastWhole.map = s.map;
  renderEditors(state, el);
  controls.renderLayerControls(state, el);
  controls.renderPixelFields(state, el);
  if (state.drawn?.maps && s.map < state.drawn.maps.length) {
    renderOutput(el, shownPlane(state.drawn, s.map));
    renderStatus();
    renderLegend(state, el);
    renderMapChoice(state, el);
    probes.ask(true);
  }
  hash.soon();
}

// ---- the selected output pixel ----

function select(j1, j2, { fromUser = true } = {}) {
  if (!state.drawn) return;
  selectPixel(state, j1, j2);
  controls.renderPixelFields(state, el);
  controls.clearPixelErrors(el);
  renderMarkers(state, el);
  probes.ask(true);
  hash.soon();
  if (fromUser) scan.stop();
}

/** Shows the selected pixel's sum (probes: one at a time, the newest wins). */
async function showPixel() {
  const { drawn } = state;
  if (!drawn) return;
  const [j1, j2] = state.settings.sel;
  const map = state.settings.map;
  try {
    const p = await work.engine.call('probe', { key: drawn.key, j1, j2, map });
    if (!p.stale && state.drawn && p.key === state.drawn.key && p.j1 === state.settings.sel[0] && p.j2 === state.settings.sel[1]
      && (p.map === undefined || p.map === state.settings.map)) {
      state.probe = p;
      renderStep(state, el);
    }
  } catch (e) {
    sayPageError(`The step-by-step view failed: ${e.message}`, 'probe');
  }
}

/** `delta` pixels on in reading order; by the scan, at its speed (a pixel or a whole row a step). */
function stepBy(delta, scanning = false) {
  if (!state.drawn) return;
  const { height: oh, width: ow } = state.drawn;
  const [j1, j2] = scanning ? scanStep(state.settings.sel, state.speed, oh, ow) : stepPixel(state.settings.sel, delta, oh, ow);
  select(j1, j2, { fromUser: false });
}

// ---- the URL hash ----

async function loadFromHash() {
  const link = decodeHash(location.hash);
  scan.stop();
  const imageChanged = takeLink(state, link);
  controls.renderPageMessage(state, el);
  renderSettings();
  if (imageChanged) await images.choose(state.settings.image);
  else {
    await drawInput();
    requestCompute();
  }
  if (link.notes.length) hash.now();
  else hash.taken();
}

// ---- the actions events call (events.js) ----

const on = {
  chooseImage(id) {
    scan.stop();
    images.choose(id).then(() => hash.soon());
  },
  fileStart: (label) => images.fileStart(label),
  fileImage: (img) => images.use(img, 'own').then(() => hash.soon(), (e) => images.failed(e)).finally(() => images.fileDone()),
  fileError: (err) => images.fileError(err),
  async startCamera() {
    state.cameraOn = await images.startCamera(el.video);
    controls.renderCamera(state, el);
  },
  capture() {
    images.capture()?.then(() => hash.soon(), (e) => images.failed(e));
  },
  stopCamera() {
    images.stopCamera();
    state.cameraOn = false;
    controls.renderCamera(state, el);
  },

  preset: (id) => applyPreset(id),
  sigma(text) {
    const r = readSigma(text);
    controls.fieldError(el.sigma, el.sigmaError, r.error ?? '');
    if (r.error) return;
    state.settings.sigma = r.value;
    if (state.settings.preset === 'gaussian') applyPreset('gaussian');
  },
  size(n1, n2) {
    if (resizeKernels(state.settings, n1, n2)) {
      applyPreset(state.settings.preset);
      return;
    }
    renderSettings();
    edited();
  },
  normalise(checked) {
    state.settings.normalise = checked;
    edited();
  },
  cell(kernel, cell, text) {
    if (editCell(state.settings, kernel, cell, text)) controls.renderPresetChoice(state, el);
    edited();
  },
  cellKey: (e) => moveBetweenCells(e, el, state.settings.k2),
  bias(text) {
    const r = parseCell(text);
    controls.fieldError(el.bias, el.biasError, r.ok ? '' : `The bias ${r.reason}.`);
    if (!r.ok) return;
    state.settings.bias = r.value;
    edited();
  },
  mode(mode) {
    const { note, preset } = changeMode(state.settings, mode);
    if (note) state.kernelNote = note;
    if (preset) applyPreset(preset.id, preset.extra);
    renderSettings();
    drawInput();
    edited();
  },
  setting(key, value) {
    state.settings[key] = value;
    controls.renderControls(state, el);
    edited();
  },

  clickOutput(fy, fx) {
    if (state.drawn) select(...pixelClicked(state, 'output', fy, fx));
  },
  clickInput(fy, fx) {
    if (state.drawn && state.image) select(...pixelClicked(state, 'input', fy, fx));
  },
  /** Returns true when the key moved the selected pixel. */
  arrow(key, shift) {
    const move = arrowMove(key, shift);
    if (!move || !state.drawn) return false;
    select(state.settings.sel[0] + move[0], state.settings.sel[1] + move[1]);
    return true;
  },
  // Going to a pixel's field stops the scan (events.js).
  pixelEditing() {
    scan.stop();
  },
  // A typed row or column must be one of Z's: else it is said next to the field and the selection stays.
  pixelTyped(t1, t2) {
    if (!state.drawn) return;
    const r = readPixel(t1, t2, state.drawn.height, state.drawn.width);
    controls.fieldError(el.j1, el.j1Error, r.rowError);
    controls.fieldError(el.j2, el.j2Error, r.colError);
    if (r.sel) select(r.sel[0], r.sel[1]);
  },
  step(delta) {
    scan.stop();
    stepBy(delta);
  },
  play() {
    if (scan.playing) scan.stop();
    else scan.start(SPEEDS.find((x) => x.id === state.speed).ms);
  },
  speed(id) {
    state.speed = id;
    scan.every(SPEEDS.find((x) => x.id === id).ms);
  },
  mapTyped(text) {
    const r = readWhole(text, 0, state.settings.layer.n - 1);
    controls.fieldError(el.map, el.mapError, r.ok ? '' : `${r.problem}: the maps are 0 to ${state.settings.layer.n - 1}.`);
    if (r.ok) selectMap(r.value);
  },
  selectMap(n) {
    scan.stop();
    selectMap(n);
  },

  ...layerActions(state, el, { edited, renderSettings, resize: (n) => on.size(n, n) }),
  ...questionActions(state, el, { engine: () => work.engine, selectMap, select }),

  async share() {
    hash.now();
    const caveats = shareCaveats(state.settings);
    try {
      await navigator.clipboard.writeText(location.href);
      state.share = { text: `Link copied: whoever opens it sees this view.${caveats}`, url: null };
    } catch {
      // No clipboard access (an insecure page, a refused permission): show the link to copy by hand.
      state.share = { text: `Copy this link (Ctrl+C or ⌘C):${caveats}`, url: location.href };
    }
    controls.renderShare(state, el);
  },
  hashChanged() {
    if (hash.isNew()) loadFromHash();
  },
};

async function main() {
  busy.add(1);
  controls.fillSelects(el);
  wire(el, on, MAX_SIDE);
  // a named group: a name on a plain div is prohibited (axe), which shows while it is empty, as the engine loads
  el.editors.setAttribute('role', 'group');
  el.editors.setAttribute('aria-label', 'Kernel editor');
  try {
    work.engine = new Engine(busy);
    const info = await work.engine.call('init');
    state.engine = { loaded: true, simd: info.simd };
    state.pageMessage.engine = info.note ?? '';
    controls.renderBadge(state, el);
    sayPageError('');
  } catch (e) {
    state.engine = { loaded: false };
    controls.renderBadge(state, el);
    sayPageError(`The engine did not load: ${e.message}`, 'load');
    return;
  }
  await loadFromHash();
  busy.add(-1);
  // for teachers: this view as a lesson exercise (Z at the selected pixel, or the output's shape)
  mountExerciseMaker(document.querySelector('main'), {
    id: 'kx', choices: [{ value: 'z', label: 'the value Z[j1, j2] at the selected output pixel' }, { value: 'shape', label: 'the output’s shape' }],
    tasks: () => {
      const s = state.settings;
      return kernelsTasks({ ...s, weights: s.kernels[0].map((c) => parseCell(c).value ?? NaN) });
    },
  });
}

main();
startOffline(); // the service worker: this page and the lab work offline after this visit
