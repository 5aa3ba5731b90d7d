// train/main.js - the train page: it owns the page's one state object
// (state.js's newPageState), starts the worker (worker.js: the engine, the
// data and the training loop) and wires every event. Data flows one way:
// event -> state -> render. What an event does is in form.js (the settings),
// training.js (the training controls and the runs) and models.js (tests,
// save, load, keep, restore); the views (*-view.js) draw, the curves at most
// 5 times a second, so the page stays responsive. Nothing imports this module.
//
// The settings live in the URL hash (state.js), so a link opens the same
// experiment; the last model, its settings and the curves are kept in
// IndexedDB (keep.js) and restored on reload.
import { startOffline } from '../lib/offline.js';
import { mountExerciseMaker } from '../lib/exercise-maker.js';
import { trainTasks } from '../lib/exercise-link.js';
import { WorkerClient } from '../lib/worker-rpc.js';
import { $, say } from '../lib/dom.js';
import { openStore } from '../lib/store.js';
import { newPageState, decodeHash, ignoredMessage } from './state.js';
import * as form from './form.js';
import * as training from './training.js';
import * as models from './models.js';
import * as dataView from './data-view.js';
import * as settingsView from './settings-view.js';
import * as runView from './run-view.js';
import * as curves from './curves-view.js';
import * as results from './results-view.js';
import * as inside from './inside-view.js';
import * as netView from './network-view.js';
import * as explainView from './explain-view.js';
import * as network from './network-flow.js';
import { drawPad } from './draw-pad.js';
import * as keepView from './keep-view.js';
import * as pageView from './page-view.js';

const SAMPLES_PER_CLASS = 6;

const state = newPageState();
/** @type {{ clear(): void }} */
let pad;
const el = {
  page: pageView.find(), data: dataView.find(), settings: settingsView.find(), run: runView.find(),
  curves: curves.find(), results: results.find(), inside: inside.find(), keep: keepView.find(),
  net: netView.find(), explain: explainView.find(),
};

const engine = new WorkerClient(new URL('worker.js', import.meta.url), {
  onEvent: (ev) => {
    if (ev.event === 'data-progress') dataView.renderProgress(el.data, ev);
    else if (ev.event === 'progress') training.onProgress(page, ev);
    else if (ev.event === 'finished') training.onFinished(page, ev);
    else if (ev.event === 'network') network.onLiveView(page, ev);
  },
  onError: (e) => page.tell('page', `The training engine failed: ${e.message}. Reload the page.`, 'error'),
});

/** What the modules acting for this one get. @type {import('./state.js').Page} */
const page = {
  state,
  el,
  call: (type, args = {}, transfer = []) => engine.call(type, args, transfer),
  /** A message in a section ('page', 'data', 'run', 'keep'). */
  tell: (where, text, kind = 'info') => say(el[where].message, text, kind),
  drawSoon: curves.throttled(() => curves.drawCurves(state.runs, el.curves)),
  quickChanged: () => quickChanged(),
};

// ---- data ----

/**
 * What is kept and loaded of each set, and the Load button and message that
 * follow from it; render false: only learnt (a failed or cancelled load's
 * message and its Retry button stay until the student acts). Returns whether
 * the answer was taken: not when it failed, nor when a load began meanwhile.
 */
async function refreshDataStatus(render = true) {
  const loads = state.dataLoads;
  let status;
  try {
    status = await page.call('dataStatus', { base: location.href });
  } catch {
    return false;
  }
  // A load begun while this was asked (Load pressed while the page was still opening)
  // says more than this answer: its own message (cancelled, failed) and Retry stay.
  if (state.dataLoads !== loads) return false;
  state.dataStatus = status;
  if (render && !state.dataLoading) dataView.renderStatus(el.data, state.dataStatus, state.settings.quick, state.data);
  return true;
}

/** Loads the set the Quick setting names (kept in the browser, or downloaded) and puts it in use. */
async function loadData() {
  if (state.dataLoading) return;
  state.dataLoading = true;
  state.dataLoads += 1;
  dataView.renderLoading(el.data);
  let loaded = false;
  try {
    state.data = await page.call('loadData', { base: location.href, quick: state.settings.quick });
    dataView.renderLoaded(el.data, state.data);
    if (el.run.message.dataset.kind === 'error') page.tell('run', '');
    state.samples = await page.call('samples', { perClass: SAMPLES_PER_CLASS });
    dataView.renderSamples(el.data, state.samples);
    form.refreshErrors(page);
    runView.renderButtons(state, el.run);
    if (state.hasModel) models.evaluate(page);
    loaded = true;
  } catch (e) {
    dataView.renderLoadFailed(el.data, e, Boolean(state.data));
  } finally {
    state.dataLoading = false;
    runView.renderButtons(state, el.run, dataView.renderLoadEnd(el.data));
  }
  await refreshDataStatus(loaded);
}

/**
 * Quick ticked or unticked: the other set goes in use at once when it is
 * loaded (the Quick set is made from the full one), or when it is kept in the
 * browser (loaded from there); else the page says what a download would take.
 */
async function quickChanged() {
  if (state.dataLoading) return;
  let sizes = null;
  try {
    sizes = await page.call('setQuick', { quick: state.settings.quick });
  } catch (e) {
    // a run trains on the data in use: the setting goes back to it
    state.settings.quick = !state.settings.quick;
    dataView.renderQuick(el.data, state.settings.quick);
    form.updateHash(page);
    page.tell('data', `The data in use stays as it is: ${e.message}.`, 'warning');
    return;
  }
  if (sizes) {
    state.data = { ...state.data, ...sizes, fromCache: false, kept: false, notKept: '' };
    dataView.renderSizes(el.data, state.data);
    dataView.renderStatus(el.data, state.dataStatus, state.settings.quick, state.data);
    form.refreshErrors(page);
  } else {
    await refreshDataStatus();
    if (state.dataStatus?.[state.settings.quick ? 'quick' : 'full'].kept) await loadData();
  }
}

// ---- wiring ----

/** The element at or above an event's target that matches a selector (null when none). */
const hit = (e, sel) => e.target.closest?.(sel) ?? null;

/** A link opened on the page (a hash change): its settings, and a word on what it could not mean. */
function followLink() {
  const link = decodeHash(location.hash);
  if (!link.any) return;
  state.settings = link.settings;
  form.writeSettings(page, link.settings);
  form.scheduleDescribe(page);
  form.refreshErrors(page);
  if (link.ignored.length || link.unknown.length) {
    page.tell('page', ignoredMessage(link.ignored, link.unknown), 'warning');
    form.updateHash(page);
  }
}

function wire() {
  pad = drawPad(el.net.pad, (pixels) => network.drawn(page, pixels));
  const setting = '[data-setting], [data-unit], [data-filter]';
  $('main').addEventListener('input', (e) => { if (hit(e, setting)) form.onSettingsChanged(page, e); });
  $('main').addEventListener('change', (e) => { if (hit(e, setting) && e.target.type !== 'text') form.onSettingsChanged(page, e); });
  el.data.load.addEventListener('click', loadData);
  el.data.cancel.addEventListener('click', () => page.call('cancelData'));
  el.data.grid.addEventListener('click', (e) => {
    const b = hit(e, 'button[data-sample]');
    if (b) dataView.renderSample(el.data, state.samples, Number(b.dataset.sample));
  });
  el.data.grid.addEventListener('keydown', (e) => dataView.moveInGrid(e, SAMPLES_PER_CLASS));
  const actions = {
    start: () => training.start(page), pause: training.pause, resume: training.resume, step: training.step,
    stop: training.stop, reset: training.reset, experiment: training.experiment, 'clear-runs': training.clearRuns,
    evaluate: () => models.evaluate(page, state.currentRun),
    'more-gallery': () => { state.galleryStart = Math.floor(Math.random() * (state.test?.labels.length ?? 1)); models.showGallery(page); },
    'feature-maps': () => network.show(page, true),
    'clear-pad': () => { pad.clear(); state.net.drawn = null; network.show(page, false); },
    explain: () => network.explain(page),
    'save-model': models.saveModel,
    'export-onnx': (p) => models.exportModel(p, 'onnx'),
    'export-pytorch': (p) => models.exportModel(p, 'pytorch'),
    forget: models.forget,
  };
  for (const [name, act] of Object.entries(actions)) el.run.buttons[name].addEventListener('click', () => act(page));
  el.curves.rows.addEventListener('change', (e) => {
    const box = hit(e, 'input[data-run-id]');
    const run = box && state.runs.find((r) => String(r.id) === box.dataset.runId);
    if (!run) return;
    run.visible = box.checked;
    page.drawSoon();
    models.keepRuns(page);
  });
  el.results.confusion.addEventListener('click', (e) => {
    const b = hit(e, 'button[data-cell-true]');
    if (b) models.showCell(page, Number(b.dataset.cellTrue), Number(b.dataset.cellPred));
  });
  el.results.gallery.addEventListener('click', (e) => {
    const b = hit(e, 'button[data-test-index]');
    if (!b) return;
    inside.writeIndex(el.inside, b.dataset.testIndex);
    el.net.sources.find((r) => r.value === 'test').checked = true;
    state.net.source = 'test';
    netView.renderSource(el.net, 'test');
    network.show(page, true);
  });
  el.inside.unshuffle.addEventListener('change', () => inside.renderFilters(el.inside, state.filters));
  el.inside.index.addEventListener('keydown', (e) => { if (e.key === 'Enter') network.show(page, true); });
  for (const r of el.net.sources) r.addEventListener('change', () => network.chooseSource(page, netView.readSource(el.net)));
  el.net.file.addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) network.pictureChosen(page, f);
  });
  el.net.invert.addEventListener('change', () => network.invertChanged(page));
  el.net.live.addEventListener('change', () => { state.net.live = el.net.live.checked; network.show(page, false); });
  el.net.net.addEventListener('click', (e) => {
    const c = hit(e, 'canvas[data-pick-layer]');
    if (c) network.clicked(page, c, e.offsetX, e.offsetY);
  });
  for (const f of Object.values(el.explain.fields)) {
    f.addEventListener('keydown', (e) => { if (e.key === 'Enter') network.explain(page); });
  }
  el.explain.layer.addEventListener('change', () => network.explain(page));
  el.keep.file.addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) models.loadModelFile(page, f);
    e.target.value = '';
  });
  el.page.offer.addEventListener('click', (e) => { if (hit(e, '[data-restore-kept]')) models.restoreKept(page); });
  window.addEventListener('hashchange', followLink);
  // A run in progress lives only in this page: leaving asks first.
  window.addEventListener('beforeunload', (e) => {
    if (state.phase !== 'running' && state.phase !== 'paused') return;
    e.preventDefault();
    e.returnValue = ''; // older browsers show the prompt only when this is set
  });
  curves.observeSizes(el.curves, page.drawSoon);
  el.curves.zoom.addEventListener('change', page.drawSoon);
}

async function main() {
  wire();
  const link = decodeHash(location.hash);
  if (link.any) state.settings = link.settings;
  form.writeSettings(page, state.settings);
  curves.renderRuns(state.runs, el.curves);
  runView.renderButtons(state, el.run);
  page.drawSoon();
  const storeOpening = openStore();
  try {
    const info = await page.call('init');
    state.rate = info.rate;
    pageView.renderBadge(el.page, `Engine: ${info.buildName}`);
    if (info.note) pageView.pageNote(el.page, info.note, 'warning');
  } catch (e) {
    pageView.renderBadge(el.page, 'Engine: not loaded');
    page.tell('page', `The engine could not start: ${e.message}`, 'error');
    return;
  }
  if (link.ignored.length || link.unknown.length) pageView.pageNote(el.page, ignoredMessage(link.ignored, link.unknown), 'warning');
  state.store = await storeOpening;
  if (!state.store.available) {
    pageView.pageNote(el.page, `Your models and curves will not survive a reload: ${state.store.why}. `
      + 'Everything else works; save a model to a file (section 8) to keep it.', 'warning');
  }
  await form.describe(page);
  form.updateHash(page);
  // for teachers: an accuracy to reach with the kind of model chosen, as a lesson exercise
  mountExerciseMaker(document.querySelector('main'), {
    id: 'tx', choices: [{ value: 'train', label: 'a model of the architecture chosen above (MLP or CNN), trained to a target' }],
    fields: [{ name: 'target', label: 'The target: % of the test images right', value: '85', hint: 'A whole percentage from 11 to 99: above guessing (10%).' }],
    tasks: (v) => trainTasks({ arch: state.settings.arch, target: v.target }),
  });
  await models.restore(page, link.any ? link : null);
  // the kept set loads by itself, unless the student has pressed Load meanwhile
  if (await refreshDataStatus() && state.dataStatus[state.settings.quick ? 'quick' : 'full'].kept) await loadData();
}

main();
startOffline(); // the service worker: this page and the lab work offline after this visit
