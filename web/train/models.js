// train/models.js - the model the worker holds, for main.js: its test results
// (section 6), what is inside it (section 7), saving it to a file, loading one,
// keeping it and the curves in the browser (keep.js) and restoring them after
// a reload (section 8). Each function takes the page (state.js's Page).
import { fmtInt } from '../lib/format.js';
import { modelSettings } from './state.js';
import * as keep from './keep.js';
import { writeSettings, updateHash, describe } from './form.js';
import * as runView from './run-view.js';
import * as curves from './curves-view.js';
import * as results from './results-view.js';
import * as inside from './inside-view.js';
import * as network from './network-flow.js';
import * as keepView from './keep-view.js';
import * as pageView from './page-view.js';

/** @typedef {import('./state.js').Page} Page */

const GALLERY = 12, CELL_IMAGES = 60;

// ---- results and inside the network ----

/** No results: the model changed. @param {Page} page */
export function clearResults({ state, el }) {
  results.clear(el.results);
  inside.clear(el.inside);
  state.filters = null;
  network.clear(/** @type {any} */ ({ state, el }));
}

/**
 * The model on the test set (once the data is loaded), then its gallery, its
 * filters and the network view; `run`: the run whose test accuracy this is.
 * @param {Page} page
 */
export async function evaluate(page, run = null) {
  const { state, el } = page;
  if (!state.hasModel) { runView.renderButtons(state, el.run); return; }
  try {
    if (state.data) {
      const t = state.test = await page.call('evaluate');
      if (run) { run.test = t.accuracy; curves.renderRunNumbers(state.runs, el.curves); }
      results.renderTest(el.results, t);
      await showGallery(page);
    }
    // what is inside needs no data: a loaded model shows its filters, and a drawing goes through it
    state.filters = await page.call('filters');
    inside.renderFilters(el.inside, state.filters);
    await network.show(page, false);
  } catch (e) {
    // a new model took the old one's place during its test: its own test follows
    if (e.status !== 'superseded') page.tell('run', `Evaluation failed: ${e.message}`, 'error');
  }
  runView.renderButtons(state, el.run);
}

/** A cell of the confusion matrix: true class i predicted as j, and its first images. @param {Page} page */
export async function showCell({ state, el, call }, i, j) {
  const t = state.test;
  if (!t) return;
  const idx = results.cellIndices(t, i, j, CELL_IMAGES);
  results.renderCell(el.results, t, i, j, idx.length);
  const images = idx.length ? await call('images', { set: 'test', indices: idx }) : null;
  results.renderCellImages(el.results, images, idx.length);
}

/** The gallery: GALLERY test images from state.galleryStart. @param {Page} page */
export async function showGallery({ state, el, call }) {
  const t = state.test;
  if (!t) return;
  const indices = Array.from({ length: GALLERY }, (_, k) => (state.galleryStart + k) % t.labels.length);
  const images = await call('images', { set: 'test', indices });
  results.renderGallery(el.results, t, indices, images);
}

// ---- save and load ----

/** The model as a file the student saves. @param {Page} page */
export async function saveModel(page) {
  try {
    const { bytes, spec } = await page.call('save');
    keepView.offerDownload(bytes, `convlab-${spec.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.clnn`);
    page.tell('keep', `Saved the model (${fmtInt(bytes.length)} bytes). Load it back here any time.`, 'ok');
  } catch (e) {
    page.tell('keep', `Could not save: ${e.message}`, 'error');
  }
}

/**
 * The model for the tools of the field: an ONNX file (Netron, ONNX Runtime,
 * most frameworks) or one Python file that rebuilds it with torch.nn.
 * @param {Page} page
 * @param {'onnx' | 'pytorch'} format
 */
export async function exportModel(page, format) {
  try {
    const { bytes, spec } = await page.call('exportModel', { format });
    const base = `convlab-${spec.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
    keepView.offerDownload(bytes, format === 'onnx' ? `${base}.onnx` : `${base.replace(/-/g, '_')}.py`);
    page.tell('keep', format === 'onnx'
      ? `Exported the model as ONNX (${fmtInt(bytes.length)} bytes): open it in Netron (netron.app) to see its layers, or run it with ONNX Runtime. Its input is the image’s pixels / 255, shape (1, 1, 28, 28).`
      : `Exported the model for PyTorch (${fmtInt(bytes.length)} bytes): one Python file with the network and its weights; run it with python3 (it needs torch).`, 'ok');
  } catch (e) {
    page.tell('keep', `Could not export: ${e.message}`, 'error');
  }
}

/** A model file the student chose; a refusal is said next to the field. @param {Page} page */
export async function loadModelFile(page, file) {
  keepView.renderFileError(page.el.keep, '');
  try {
    // The worker reads the file, header first: a file that is not a model is
    // refused without being read whole, and the page never holds its bytes.
    await adoptModel(page, { file }, false, `Loaded ${file.name}`);
  } catch (e) {
    keepView.renderFileError(page.el.keep, e.message);
    page.tell('keep', '');
  }
}

/**
 * Loads a model into the worker ({ bytes } kept in the browser, or { file }
 * chosen by the student) and shows it with its own settings, or with
 * `settings` when given (a link's, for the same network). Throws the refusal;
 * then nothing on the page changes.
 * @param {Page} page
 */
export async function adoptModel(page, source, shuffled, what, settings = null, { keep: keepIt = true } = {}) {
  const { state, el } = page;
  const m = await page.call('load', { ...source, shuffled });
  if (state.phase === 'running' || state.phase === 'paused') {
    state.queue = [];
    if (state.currentRun?.how === 'running') state.currentRun.how = 'stopped';
  }
  state.phase = 'finished';
  state.hasModel = true;
  state.modelSeq++;
  state.modelShuffled = shuffled;
  Object.assign(state.settings, settings ?? modelSettings(m));
  writeSettings(page, state.settings);
  updateHash(page);
  await describe(page);
  page.tell('keep', `${what}: ${m.spec}, ${fmtInt(m.params)} parameters.${state.data ? '' : ' Load the data to test it.'}`, 'ok');
  curves.renderRuns(state.runs, el.curves);
  runView.renderButtons(state, el.run);
  clearResults(page);
  await evaluate(page);
  if (keepIt) await keepModel(page, null);
  return m;
}

// ---- kept in the browser (keep.js) ----

/** Keeps the curves (a failure is said at the next model's save). @param {Page} page */
export const keepRuns = ({ state }) => keep.keepRuns(state.store, state.runs);

/**
 * Keeps the model the worker holds and the curves, after `run` (null: a
 * loaded model). A Forget pressed since the run started wins: nothing is
 * written for it. A failed save leaves everything on the page and says so
 * next to the run.
 * @param {Page} page
 */
export async function keepModel(page, run) {
  const { state, el } = page;
  const store = state.store;
  if (!store?.available) return;
  const epoch = run ? run.forgetEpoch : state.forgetEpoch;
  if (epoch !== state.forgetEpoch) return;
  const note = await keep.keepModel(store, {
    saved: () => (state.hasModel ? page.call('save') : Promise.resolve(null)),
    stale: () => epoch !== state.forgetEpoch,
    record: () => ({
      runs: state.runs, settings: state.settings, shuffled: state.modelShuffled,
      test: state.test ? state.test.accuracy : null, runId: run?.id ?? null,
    }),
  });
  if (note === null) return;
  if (run) {
    run.keptNote = note;
    curves.renderRuns(state.runs, el.curves);
  }
  if (note) page.tell('keep', `This model is ${note}. Save it to a file to keep it.`, 'warning');
}

/** A run starts: its curves are kept as it goes, and a marker says one is going. @param {Page} page */
export async function keepRunStart({ state, el }, run) {
  if (!state.store?.available || run.forgetEpoch !== state.forgetEpoch) return;
  const note = await keep.keepRunStart(state.store, state.runs, run);
  if (note) { run.keptNote = note; curves.renderRuns(state.runs, el.curves); }
}

/**
 * After a (re)load: the curves, and the last model (keep.js's restorePlan
 * says how). `link`: the link's reading, or null for a plain visit.
 * @param {Page} page
 */
export async function restore(page, link) {
  const { state, el } = page;
  const store = state.store;
  if (!store.available) return;
  const plan = keep.restorePlan(await keep.readKept(store), link);
  state.runs = plan.runs;
  if (plan.unfinished) {
    keep.dropUnfinished(store);
    keepRuns(page);
  }
  curves.renderRuns(state.runs, el.curves);
  page.drawSoon();
  const { model, notes } = plan;
  if (!model) {
    if (notes.length) pageView.pageNote(el.page, notes.join(' '), 'warning');
    return;
  }
  if (plan.offer) {
    state.keptOffer = { model, own: plan.own };
    if (notes.length) pageView.pageNote(el.page, notes.join(' '), 'warning');
    pageView.renderOffer(el.page, model.spec);
    return;
  }
  try {
    const m = await adoptModel(page, { bytes: model.bytes }, Boolean(model.shuffled), 'Restored your last model', plan.settings, { keep: false });
    notes.push(keep.restoredNote(m.spec, model, plan.unfinished));
    pageView.pageNote(el.page, notes.join(' '), plan.unfinished ? 'warning' : 'ok');
    if (Number.isFinite(model.test) && !state.data) results.renderSavedAccuracy(el.results, model.test);
  } catch (e) {
    pageView.pageNote(el.page, `${notes.join(' ')} Your last model could not be restored: ${e.message}`, 'warning');
  }
}

/** The offer's button: the kept model, with its own settings. @param {Page} page */
export async function restoreKept(page) {
  const { state, el } = page;
  if (!state.keptOffer) return;
  const { model, own } = state.keptOffer;
  pageView.renderOfferBusy(el.page, true);
  try {
    await adoptModel(page, { bytes: model.bytes }, Boolean(model.shuffled), 'Restored your last model', own, { keep: false });
    pageView.hideOffer(el.page);
    page.tell('keep', `Restored your last model (${model.spec}) with its own settings.`, 'ok');
  } catch (e) {
    page.tell('keep', `Your last model could not be restored: ${e.message}`, 'warning');
    pageView.renderOfferBusy(el.page, false);
  }
}

/** Forget: the kept model and curves go (a run going stays on the page, not kept). @param {Page} page */
export async function forget(page) {
  const { state, el } = page;
  state.forgetEpoch++; // any save still on its way is dropped (keepModel checks it)
  const running = state.phase === 'running' || state.phase === 'paused' ? state.currentRun : null;
  state.runs = running ? [running] : [];
  if (running) running.keptNote = 'not kept: you asked to forget the saved model and curves';
  curves.renderRuns(state.runs, el.curves);
  page.drawSoon();
  if (state.store?.available) {
    try {
      await keep.forgetKept(state.store);
    } catch (e) {
      page.tell('keep', `Could not forget: ${e.message}.`, 'error');
      return;
    }
  }
  page.tell('keep', 'Forgot the saved model and curves: a reload starts afresh. (The downloaded data stays in the browser’s cache.)', 'ok');
}
