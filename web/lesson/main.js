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
import { WorkerClient } from '../lib/worker-rpc.js';
import { loadConvlab } from '../lib/convlab.js';
import { loadSample } from '../lib/image-source.js';
import { startOffline } from '../lib/offline.js';
import { isEmbedded } from '../lib/embed.js';
import { STEPS, decodeHash, emptyProgress, readProgress, progressText, markDone, keepTyped, objectivesReached } from './state.js';
import { EXERCISES, checkAnswer, workedAnswer } from './exercises.js';
import { renderSteps, renderObjectives, buildStep, renderExercise } from './views.js';
import { renderFilterChoices } from './model-view.js';
import { TRAIN_CNN } from './trained.js';
import { isTaskLink, decodeTask, encodeTask, taskExercise, taskProblem, taskWidget, readTaskForm, pictureOf } from './teacher.js';
import { buildTeacherForm, renderTeacherLink, renderRefusedTask, renderTaskLoading } from './teacher-view.js';

const STORE_KEY = 'convlab-lesson';
/** The photo whose shape the images step asks for (its shape is read from the picture itself). */
const PHOTO = 'chelsea';

const ui = {
  badge: $('[data-engine-badge]'), message: $('[data-page-message]'),
  steps: $('[data-steps]'), objectives: $('[data-objectives]'), note: $('[data-progress-note]'),
  startAgain: $('[data-start-again]'), step: $('[data-step]'), teacher: $('[data-teacher]'),
};

const state = {
  step: STEPS[0].id,
  progress: emptyProgress(),
  /** @type {Record<string, { verdict: import('./exercises.js').Verdict | null, worked: string[] | null, reached?: number[] }>} */
  feedback: {},
  embedded: isEmbedded(),
  /** @type {import('./exercises.js').Exercise | null} a teacher's exercise, when the link holds one */
  teacherExercise: null,
  /** @type {Record<string, number | null>} for each choice exercise, the savedAt of the model whose filters it shows */
  shownModel: {},
};

/** An exercise by id: the lesson's, or the teacher's ('teacher'). @param {string} id */
const exerciseOf = (id) => (id === 'teacher' ? state.teacherExercise : EXERCISES[id]);

/**
 * The model the train page keeps, read by the lesson's worker (model-worker.js),
 * started when an exercise first needs it.
 */
let modelWorker = null;
const models = {
  worker() { return (modelWorker ??= new WorkerClient(new URL('model-worker.js', import.meta.url))); },
  kept() { return models.worker().call('kept'); },
  evaluate() { return models.worker().call('evaluate', { base: location.href }); },
};

/** The sample pictures a teacher's exercise is about, decoded once: { h, w, c, gray, planes } (teacher.js pictureOf). */
const pictures = {};
async function picture(name) {
  pictures[name] ??= (async () => {
    await ready;
    const img = await loadSample(name);
    const c = img.gray ? 1 : 3;
    return { h: img.height, w: img.width, c, planes: ctx.engine.toPlanar(img, img.gray), gray: ctx.engine.toPlanar(img, true) };
  })();
  return pictures[name];
}

/** What the answers are checked against. */
const ctx = { engine: null, photo: null, models, picture };
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
  // an embedded step (a slide's iframe) is not where the student's own lesson stands
  if (!state.embedded) {
    state.progress = { ...state.progress, step: step.id };
    saveProgress();
  }
  buildStep(ui.step, step, { ...hooks, embedded: state.embedded, exerciseOf });
  for (const ex of step.exercises) renderFeedback(ex);
  showChoices();
  renderProgress();
  document.title = `${step.title} · the lesson · convlab`;
  if (focus) ui.step.querySelector('[data-step-title]').focus();
}

/** The kept model's filters, as choices, in the exercises of the step shown that ask for one. `model`: already read. */
async function showChoices(model) {
  for (const id of STEPS.find((s) => s.id === state.step)?.exercises ?? []) {
    if (EXERCISES[id].kind !== 'choice') continue;
    const chosen = state.progress.typed[id]?.[0];
    const train = { href: TRAIN_CNN, text: 'Open the train page set up for a CNN' };
    try {
      const m = model !== undefined ? model : (await models.kept()).model;
      renderFilterChoices(ui.step, id, { model: m, chosen, train });
      state.shownModel[id] = m?.savedAt ?? null;
    } catch (e) {
      renderFilterChoices(ui.step, id, { error: e.message, train });
    }
  }
}

// ---- events ----

/** The facts of an exercise, from the engine (and the photo, or the kept model), computed once (or at every check: fresh). */
async function factsOf(id) {
  await ready;
  const ex = exerciseOf(id);
  if (ex.fresh) return ex.facts(ctx);
  facts[id] ??= await ex.facts(ctx);
  return facts[id];
}

/** What a student types is kept with the progress (a reload finds it). */
function typed(id, texts) {
  if (!(id in EXERCISES)) return; // a teacher's exercise is not the student's own lesson
  state.progress = keepTyped(state.progress, id, texts);
  saveProgress();
}

const hooks = { onCheck: check, onWorked: toggleWorked, onType: typed, typed: (id) => state.progress.typed[id] };

async function check(id, texts) {
  let f;
  try {
    f = await factsOf(id);
  } catch (e) {
    say(ui.message, `Answers cannot be checked: ${e.message}`, 'error');
    return;
  }
  let verdict = checkAnswer(exerciseOf(id), texts, f);
  // a choice among a model's filters: the model may have been trained again since they were drawn
  if (exerciseOf(id).kind === 'choice' && 'model' in (f.more ?? {})) {
    const before = state.shownModel[id];
    if ((f.more.model?.savedAt ?? null) !== before) {
      state.progress = keepTyped(state.progress, id, ['']);
      verdict = { ok: false, wrong: 'The model kept in this browser has changed since its filters were drawn: they are drawn again now.', hint: 'Look at them again and choose.' };
    }
    await showChoices(f.more.model);
  }
  let reached = [];
  if (verdict.ok && id in EXERCISES) {
    const before = objectivesReached(state.progress.done);
    state.progress = markDone(state.progress, id);
    saveProgress();
    reached = objectivesReached(state.progress.done).flatMap((r, i) => (r && !before[i] ? [i + 1] : []));
  }
  state.feedback[id] = { ...(state.feedback[id] ?? { worked: null }), verdict, reached };
  renderFeedback(id);
  renderProgress();
}

async function toggleWorked(id) {
  const shown = state.feedback[id]?.worked;
  let worked = null;
  if (!shown) {
    try {
      worked = workedAnswer(exerciseOf(id), await factsOf(id));
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

/** What each kind of teacher's exercise opens below it: the page it was made on. */
const TASK_PAGES = {
  kernels: {
    text: 'The kernels page below shows the same picture, kernel, padding and stride: use it to check your reasoning, step by step.',
    title: 'The kernels page with your teacher’s picture and kernel', note: 'The kernels page, set as the exercise says.',
  },
  pixels: {
    text: 'The pixels page below shows the picture your teacher chose: point at a pixel to read its numbers.',
    title: 'The pixels page with your teacher’s picture', note: 'The pixels page, set as the exercise says.',
  },
  train: {
    text: 'Train on the train page below, or in a new tab: when a run ends, the page keeps its model in this browser, and the lesson tests that model.',
    title: 'The train page', note: 'The train page, set for the kind of model asked.',
  },
};
const PAGE_OF = { z: 'kernels', shape: 'kernels', pixel: 'pixels', imgshape: 'pixels', train: 'train' };

/** A teacher's exercise: its own screen, the page it was made on showing the same view; a link that cannot be one refused. */
async function showTask({ focus }) {
  const hash = location.hash;
  const { task, problems } = decodeTask(hash);
  delete facts.teacher;
  delete state.feedback.teacher;
  state.step = 'teacher';
  state.teacherExercise = null;
  renderProgress();
  if (problems.length) {
    refuseTask(problems, focus);
    return;
  }
  // what the link alone cannot tell (a position outside the picture or the output): checked before it is shown
  renderTaskLoading(ui.step);
  let problem = '', engineOk = true;
  try {
    await ready;
    const pic = task.task === 'train' ? undefined : await pictureOf(task.img, ctx).catch(() => undefined);
    problem = taskProblem(ctx.engine, task, pic);
  } catch {
    engineOk = false; // said already; the exercise is shown, its answers cannot be checked
  }
  if (location.hash !== hash) return; // another link came meanwhile
  if (problem) {
    refuseTask([problem], focus);
    return;
  }
  if (engineOk) say(ui.message, '');
  state.teacherExercise = taskExercise(task);
  const page = TASK_PAGES[PAGE_OF[task.task]];
  const step = {
    id: 'teacher', title: 'Your teacher’s exercise', text: [`Your teacher made this exercise. ${page.text}`],
    widget: { src: taskWidget(task), title: page.title, note: page.note }, exercises: ['teacher'],
  };
  buildStep(ui.step, step, { onCheck: check, onWorked: toggleWorked, embedded: state.embedded, exerciseOf });
  renderFeedback('teacher');
  document.title = 'Your teacher’s exercise · the lesson · convlab';
  if (focus) ui.step.querySelector('[data-step-title]').focus();
}

/** A link that is no exercise the lab can check: said, and nothing to answer. */
function refuseTask(problems, focus) {
  state.teacherExercise = null;
  renderRefusedTask(ui.step, problems);
  say(ui.message, 'This exercise link cannot be used: it may have been cut short or changed.', 'error');
  document.title = 'An exercise link that cannot be used · the lesson · convlab';
  if (focus) ui.step.querySelector('[data-step-title]').focus();
}

/** The teacher's form: its link, or why there is none. */
async function makeTask(values) {
  const r = readTaskForm(values);
  if (r.error) {
    renderTeacherLink(ui.teacher, { error: r.error });
    return;
  }
  try {
    await ready;
  } catch (e) {
    renderTeacherLink(ui.teacher, { error: `The engine did not load (${e.message}): the exercise cannot be checked.` });
    return;
  }
  const problem = taskProblem(ctx.engine, r.task, await pictureOf(r.task.img, ctx));
  if (problem) {
    renderTeacherLink(ui.teacher, { error: problem });
    return;
  }
  const url = new URL(location.href);
  url.search = '';
  url.hash = encodeTask(r.task);
  renderTeacherLink(ui.teacher, { link: url.href });
}

function readLink({ focus }) {
  if (isTaskLink(location.hash)) {
    showTask({ focus });
    return;
  }
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
  // back from training in another tab: the filters shown are the model kept now
  addEventListener('focus', () => { if (state.step !== 'teacher') showChoices(); });
  buildTeacherForm(ui.teacher, makeTask);
  if (!state.embedded) startOffline();
}

main();
