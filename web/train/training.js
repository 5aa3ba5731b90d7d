// train/training.js - the training controls (section 4) and the curves'
// runs (section 5), for main.js: Start, Pause, Resume, One step, Stop, Reset,
// the shuffled-pixels experiment, and what the worker's progress and finished
// events do to the runs. Each function takes the page (state.js's Page).
import { fmtInt, fmtDuration, fmtBytes, pct } from '../lib/format.js';
import { newRun, workerSettings, experimentRuns } from './state.js';
import { lossAdvice, runEnd } from './advice.js';
import { checkBeforeTraining, costNow, trainSize } from './form.js';
import { clearResults, evaluate, keepModel, keepRunStart, keepRuns } from './models.js';
import * as runView from './run-view.js';
import * as curves from './curves-view.js';
import * as network from './network-flow.js';

/** @typedef {import('./state.js').Page} Page */

/** @param {Page} page */
function addRun({ state, el }, values, name) {
  const run = newRun(state.runs, values, name, state.forgetEpoch);
  state.runs.push(run);
  state.currentRun = run;
  curves.renderRuns(state.runs, el.curves);
  return run;
}

/** A new model in the worker: the old one's results go. @param {Page} page */
function modelReplaced(page, shuffled) {
  const { state } = page;
  state.hasModel = true;
  state.modelSeq++;
  state.modelShuffled = shuffled;
  state.test = null;
  clearResults(page);
}

/**
 * Start: a run with the form's settings, or with `values` (the experiment's
 * runs, named `name`). A network that would take minutes per epoch: the
 * first press warns, the second starts.
 * @param {Page} page
 */
export async function start(page, values = null, name = null) {
  const { state, el } = page;
  if (state.starting) return; // pressed again before the worker answered
  const v = values ?? checkBeforeTraining(page);
  if (!v) return;
  const cost = costNow(page);
  const slowKey = `${v.spec} ${trainSize(page)} ${v.batch}`;
  if (!values && (cost?.slow || cost?.heavy) && state.slowConfirmed !== slowKey) {
    state.slowConfirmed = slowKey;
    const why = cost.heavy
      ? `This network needs about ${fmtBytes(cost.bytes)} of memory to train, more than this device can give a page (about ${fmtBytes(cost.budget)}).`
      : `This network would take about ${fmtDuration(cost.seconds)} per epoch on this device.`;
    page.tell('run', `${why} Press Start again to train it anyway (Stop ends it at any time), or make it smaller.`, 'warning');
    return;
  }
  const previous = state.currentRun;
  if (previous && previous.how === 'running') previous.how = 'stopped'; // a paused run, replaced
  const run = addRun(page, v, name);
  showAdvice(page, null);
  state.starting = true;
  runView.renderButtons(state, el.run);
  try {
    const info = await page.call('start', { settings: workerSettings(v, run) }).finally(() => { state.starting = false; });
    state.phase = 'running';
    modelReplaced(page, v.shuffle);
    run.info = info;
    run.said = `Training ${run.name}: ${fmtInt(info.params)} parameters, ${fmtInt(info.batches)} batches per epoch, ${workersWords(info.workers, info.splitUnits)}${info.teamNote ? ` (${info.teamNote})` : ''}.`;
    page.tell('run', run.said);
    keepRunStart(page, run);
    network.follow(page);
  } catch (e) {
    state.runs.pop();
    state.currentRun = null;
    curves.renderRuns(state.runs, el.curves);
    state.queue = [];
    page.tell('run', `Training did not start: ${e.message}`, 'error');
  }
  runView.renderButtons(state, el.run);
}

/** How many workers train a run, in words. */
/** How the run's batches are shared: split (units: layer 1's units divided instead of the batch, team.js), or not. */
const workersWords = (n, units = 0) => {
  if (n <= 1) return 'in one worker';
  return units ? `layer 1’s ${fmtInt(units)} units split over ${n} workers (the same weights as one worker)` : `each split over ${n} workers`;
};

/** @param {Page} page */
export async function pause({ state, el, call, tell }) {
  await call('pause');
  if (state.phase === 'running') state.phase = 'paused';
  runView.renderButtons(state, el.run, el.run.buttons.resume);
  tell('run', 'Paused. Resume, or go one batch at a time with One step.');
}

/** @param {Page} page */
export async function resume({ state, el, call, tell }) {
  await call('resume');
  state.phase = 'running';
  runView.renderButtons(state, el.run, el.run.buttons.pause);
  tell('run', 'Training…');
}

/** One batch: of the paused run, or of a new one (made paused). @param {Page} page */
export async function step(page) {
  const { state, el } = page;
  if (state.starting) return; // a run is being started
  let v = null, run = state.currentRun;
  if (state.phase !== 'paused') {
    v = checkBeforeTraining(page);
    if (!v) return;
    run = addRun(page, v);
  }
  try {
    const r = await page.call('step', { settings: v ? workerSettings(v, run) : undefined });
    if (r.created) { modelReplaced(page, v.shuffle); run.info = r.created; keepRunStart(page, run); }
    if (r.state === 'paused') state.phase = 'paused';
    page.tell('run', `One batch of ${r.n}: loss ${r.loss?.toFixed(4)}, ${r.correct} of ${r.n} right.`);
  } catch (e) {
    if (v) { state.runs.pop(); curves.renderRuns(state.runs, el.curves); }
    page.tell('run', `No step: ${e.message}`, 'error');
  }
  runView.renderButtons(state, el.run);
}

/** Stop: the run ends (its finished event follows), and the experiment with it. @param {Page} page */
export async function stop({ state, el, call }) {
  state.queue = [];
  await call('stop');
  runView.renderButtons(state, el.run, el.run.buttons.start); // between two runs of the experiment no event follows
}

/** @param {Page} page */
export async function reset(page) {
  const { state, el } = page;
  state.queue = [];
  await page.call('reset');
  state.phase = 'idle';
  state.hasModel = false;
  state.modelSeq++;
  state.test = null;
  clearResults(page);
  runView.renderButtons(state, el.run, el.run.buttons.start);
  page.tell('run', 'The model is gone; the curves stay (Clear the curves removes them). Start trains a new one.');
}

/**
 * What the current run's training curve says about its learning rate
 * (advice.js). The words change only when the verdict does, so a screen
 * reader is not told every new loss.
 * @param {Page} page
 */
function showAdvice({ state, el }, run, final = false) {
  const adv = run && run.how !== 'diverged' ? lossAdvice(run.train, run.settings) : null;
  if (!final && (adv?.kind ?? null) === state.adviceKind) return;
  state.adviceKind = adv?.kind ?? null;
  runView.renderAdvice(el.run, adv);
}

/** The worker's progress event: the run's new curve points and numbers. @param {Page} page */
export function onProgress(page, ev) {
  const { state, el } = page;
  const run = state.runs.find((r) => r.id === ev.runId);
  if (!run) return;
  run.train.push(...ev.points.train);
  run.validation.push(...ev.points.validation);
  run.epochSeconds = ev.epochSeconds;
  if (run !== state.currentRun) return;
  // fewer workers than it started with (its helpers lost to one worker): said once
  if (run.info && ev.workers < run.info.workers && ev.teamNote && ev.teamNote !== run.info.teamNote) {
    run.info.teamNote = ev.teamNote;
    page.tell('run', `${run.said ?? `Training ${run.name}.`} Then ${ev.teamNote}.`);
  }
  showAdvice(page, run);
  runView.renderStats(el.run, ev);
  page.drawSoon();
}

/** The worker's finished event: how the run ended, its test, its save, the experiment's next run. @param {Page} page */
export async function onFinished(page, ev) {
  const { state, el } = page;
  onProgress(page, ev);
  const run = state.runs.find((r) => r.id === ev.runId);
  if (!run) return;
  const end = runEnd(run, ev); // finite but far above guessing: diverged all the same
  run.how = end.how;
  // Kept before the run is said to have ended: a page reloaded or closed the
  // moment Start comes back finds this model, not a run 'still training' (the
  // test pass below can take seconds; until the save is written, leaving asks first).
  await keepModel(page, run);
  if (run === state.currentRun) showAdvice(page, run, true); // the final numbers; a diverged run has its own message
  state.phase = 'finished';
  runView.renderButtons(state, el.run, el.run.buttons.start);
  page.tell('run', `${end.text}${bestWords(ev.best)}`, end.kind);
  runView.renderEnded(el.run);
  curves.renderRuns(state.runs, el.curves);
  page.drawSoon();
  const model = state.modelSeq;
  await evaluate(page, run);
  // the test accuracy joins the kept model, unless another model has come since
  if (run.test != null && state.modelSeq === model) await keepModel(page, run);
  const next = state.queue.shift();
  if (next) await start(page, next);
}

/** What keeping the best epoch did ('' when nothing). */
function bestWords(best) {
  if (!best?.restored) return '';
  return ` The model keeps the weights of epoch ${best.epoch} of ${best.of}, the best on the held-out images (${pct(best.acc)}).`;
}

/** The experiment: MLP and CNN presets on normal and on shuffled pixels, one after the other, overlaid. @param {Page} page */
export async function experiment(page) {
  const base = checkBeforeTraining(page);
  if (!base) return;
  const [first, ...rest] = experimentRuns(page.state.settings, base);
  page.state.queue = rest;
  page.tell('run', 'The shuffled-pixels experiment: four runs, one after the other.');
  await start(page, first);
}

/** Clear the curves: every run but the one going. @param {Page} page */
export function clearRuns(page) {
  const { state, el } = page;
  state.runs = state.runs.filter((r) => r === state.currentRun && state.phase !== 'finished' && state.phase !== 'idle');
  curves.renderRuns(state.runs, el.curves);
  page.drawSoon();
  keepRuns(page);
}
