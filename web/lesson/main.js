// main.js - the lesson page: the lesson's outline one step per screen, each
// with its widget (a page of the lab in an iframe, opened in the state the
// step needs) and exercises the engine checks (exercises.js).
//
// Owns the page's one state object: the step shown (the link's #step=), the
// progress (kept in localStorage, surviving a reload; "Start again" clears
// it) and each exercise's feedback. Events change the state; the views draw
// it. The engine (lib/convlab.js) runs on the page: its calls here are a few
// small convolutions and a model's parameter count.
import { $, say } from '../lib/dom.js';
import { loadConvlab } from '../lib/convlab.js';
import { loadSample } from '../lib/image-source.js';
import { startOffline } from '../lib/offline.js';
import { isEmbedded } from '../lib/embed.js';
import { STEPS, decodeHash, emptyProgress, readProgress, progressText, markDone, objectivesReached } from './state.js';
import { EXERCISES, checkAnswer, workedAnswer } from './exercises.js';
import { renderSteps, renderObjectives, buildStep, renderExercise } from './views.js';

const STORE_KEY = 'convlab-lesson';
/** The photo whose shape the images step asks for (its shape is read from the picture itself). */
const PHOTO = 'chelsea';

const ui = {
  badge: $('[data-engine-badge]'), message: $('[data-page-message]'),
  steps: $('[data-steps]'), objectives: $('[data-objectives]'), note: $('[data-progress-note]'),
  startAgain: $('[data-start-again]'), step: $('[data-step]'),
};

const state = {
  step: STEPS[0].id,
  progress: emptyProgress(),
  /** @type {Record<string, { verdict: import('./exercises.js').Verdict | null, worked: string[] | null }>} */
  feedback: {},
  embedded: isEmbedded(),
};

/** What the answers are checked against. */
const ctx = { engine: null, photo: null };
/** @type {Promise<void>} */
let ready;
/** @type {Record<string, import('./exercises.js').Facts>} */
const facts = {};

// ---- the browser's copy of the progress ----

function loadProgress() {
  try {
    return readProgress(localStorage.getItem(STORE_KEY));
  } catch {
    return emptyProgress(); // storage blocked: the lesson works, nothing is kept
  }
}

function saveProgress() {
  try {
    localStorage.setItem(STORE_KEY, progressText(state.progress));
  } catch {
    say(ui.message, 'This browser does not let the page keep your progress: it will be lost when you close the page.', 'warning');
  }
}

// ---- drawing ----

function renderProgress() {
  renderSteps(ui.steps, state.step, state.progress.done);
  renderObjectives(ui.objectives, objectivesReached(state.progress.done), ui.note);
}

function renderFeedback(id) {
  const f = state.feedback[id] ?? { verdict: null, worked: null };
  renderExercise(ui.step, id, { ...f, done: state.progress.done.includes(id) });
}

/** Shows a step: builds its screen, and moves the focus to it when the student asked for it. */
function showStep(id, { focus }) {
  const step = STEPS.find((s) => s.id === id);
  state.step = step.id;
  state.progress = { ...state.progress, step: step.id };
  saveProgress();
  buildStep(ui.step, step, { onCheck: check, onWorked: toggleWorked, embedded: state.embedded });
  for (const ex of step.exercises) renderFeedback(ex);
  renderProgress();
  document.title = `${step.title} · the lesson · convlab`;
  if (focus) ui.step.querySelector('[data-step-title]').focus();
}

// ---- events ----

/** The facts of an exercise, from the engine (and the photo), computed once. */
async function factsOf(id) {
  await ready;
  facts[id] ??= EXERCISES[id].facts(ctx);
  return facts[id];
}

async function check(id, texts) {
  let f;
  try {
    f = await factsOf(id);
  } catch (e) {
    say(ui.message, `Answers cannot be checked: ${e.message}`, 'error');
    return;
  }
  const verdict = checkAnswer(EXERCISES[id], texts, f);
  state.feedback[id] = { ...(state.feedback[id] ?? { worked: null }), verdict };
  if (verdict.ok) {
    state.progress = markDone(state.progress, id);
    saveProgress();
  }
  renderFeedback(id);
  renderProgress();
}

async function toggleWorked(id) {
  const shown = state.feedback[id]?.worked;
  let worked = null;
  if (!shown) {
    try {
      worked = workedAnswer(EXERCISES[id], await factsOf(id));
    } catch (e) {
      say(ui.message, `The worked answer needs the engine: ${e.message}`, 'error');
      return;
    }
  }
  state.feedback[id] = { ...(state.feedback[id] ?? { verdict: null }), worked };
  renderFeedback(id);
}

function startAgain() {
  state.progress = { ...emptyProgress(), step: state.step };
  state.feedback = {};
  try {
    localStorage.removeItem(STORE_KEY);
  } catch { /* nothing was kept */ }
  showStep(STEPS[0].id, { focus: false });
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  say(ui.message, 'Your progress is cleared: the lesson starts again from the first step.', 'info');
  ui.step.querySelector('[data-step-title]').focus();
}

function readLink({ focus }) {
  const link = decodeHash(location.hash);
  say(ui.message, link.note, link.note ? 'warning' : undefined);
  showStep(link.any ? link.step : state.progress.step, { focus });
}

async function loadEngine() {
  try {
    const engine = await loadConvlab();
    ui.badge.textContent = `Engine: ${engine.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    if (engine.note) say(ui.message, engine.note, 'info');
    ctx.engine = engine;
  } catch (e) {
    ui.badge.textContent = 'Engine: not loaded';
    throw e;
  }
  const photo = await loadSample(PHOTO);
  ctx.photo = { h: photo.height, w: photo.width, c: photo.gray ? 1 : 3 };
}

function main() {
  state.progress = loadProgress();
  ready = loadEngine();
  ready.catch((e) => say(ui.message, `The engine did not load (${e.message}): answers cannot be checked.`, 'error'));
  readLink({ focus: false });
  addEventListener('hashchange', () => readLink({ focus: true }));
  ui.startAgain.addEventListener('click', startAgain);
  if (!state.embedded) startOffline();
}

main();
