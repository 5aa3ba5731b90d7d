// train/run.js - the train page's worker: the model and its training run.
// One WASM call per batch (cl_nn_train_step_idx on a shuffled order), or with
// more than one worker each batch split over the team (team.js), in
// slices of about SLICE_MS between which the worker answers messages, so
// Pause and Stop act at once; passes over many images (validation, the test
// set) go in chunks of the same length (inChunks), so Stop acts within one
// even for a network whose pass takes minutes. Progress goes to the page as
// events, at most ~10 a second. Every function takes the worker's state
// object (dataset.js's WorkerState).
import { ConvlabError } from '../lib/convlab.js';
import { IMAGE_SIDE, IMAGE_PIXELS, CLASS_NAMES, MAX_BATCH, OPTIMIZER, LOSS, STATUS } from '../lib/limits.js';
import { compact } from '../lib/format.js';
import { betterRate, formatRate } from './advice.js';
import { split, needData, imagePointers } from './dataset.js';
import { batchesDone } from './network.js';
import * as team from './team.js';

/** @typedef {import('./dataset.js').WorkerState} WorkerState */

const CLASSES = CLASS_NAMES.length;
const SLICE_MS = 30;        // work between two looks at the message queue
const PROGRESS_MS = 100;    // at most ~10 progress events a second
const TRAIN_POINTS = 20;    // training-curve points per epoch
const VAL_POINTS = 4;       // validation evaluations per epoch

const post = (message) => self.postMessage(message);

// ---- the model ----

/** The model from now on (the one before is freed). @param {WorkerState} w */
export function setModel(w, net, shuffled) {
  if (w.model && w.model !== net) w.model.free();
  w.model = net;
  w.modelShuffled = Boolean(shuffled);
}

/**
 * The model, before it is read: there is one, and it is whole (a split
 * team's helpers' rows in it: team.js whole).
 * @param {WorkerState} w
 */
export function needModel(w) {
  if (!w.model) throw new Error('there is no model yet: start training or load a model');
  team.whole(w);
}

function configure(net, s) {
  net.setOptimizer(OPTIMIZER[s.optimizer], s.lr, s.momentum ?? 0.9, s.l2);
  try {
    net.setLoss(LOSS[s.loss]);
  } catch (e) {
    if (e.status === STATUS.mismatch) {
      throw new Error(s.loss === 'xent'
        ? 'cross-entropy needs a softmax output: end the spec with dense10-softmax, or choose mean squared error'
        : `the loss ${s.loss} does not suit this model's output`);
    }
    throw e;
  }
}

/** Why a network cannot classify Fashion-MNIST ('' when it can). */
export function checkOutputs(net) {
  const [c, h, w] = net.inputShape;
  if (c !== 1 || h !== IMAGE_SIDE || w !== IMAGE_SIDE) {
    return `this model is for inputs of shape (${h}, ${w}, ${c}), not Fashion-MNIST’s (28, 28, 1) images`;
  }
  if (net.outputs !== CLASSES) return `this model has ${net.outputs} outputs, not one per Fashion-MNIST class (10)`;
  return '';
}

// ---- the run ----

/**
 * A new model from the page's settings (workerSettings in state.js), and a
 * run for it, paused: { spec, layers, params, batches, nTrain, nVal }.
 * @param {WorkerState} w
 */
export function startRun(w, s) {
  needData(w);
  const sizes = split(w);
  const nTrain = s.trainCount ? Math.min(s.trainCount, sizes.total) : sizes.train;
  if (!(Number.isInteger(s.batch) && s.batch >= 1 && s.batch <= Math.min(nTrain, MAX_BATCH))) {
    throw new Error(`the batch size must be between 1 and ${Math.min(nTrain, MAX_BATCH)}`);
  }
  const net = w.cl.createNetwork(s.spec, { c: 1, h: IMAGE_SIDE, w: IMAGE_SIDE, seed: s.seed });
  try {
    const bad = checkOutputs(net);
    if (bad) throw new Error(bad);
    configure(net, s);
  } catch (e) {
    net.free();
    throw e;
  }
  if (w.run) stopRun(w, 'replaced');
  setModel(w, net, s.shufflePixels);
  const ptrs = imagePointers(w, s.shufflePixels);
  const labels = w.data.files.trainLabels.data;
  const order = w.cl.alloc(4 * nTrain);
  const batches = Math.ceil(nTrain / s.batch);
  const device = team.deviceWorkers();
  const crew = team.teamSize(s, net);
  w.run = {
    id: s.runId,
    settings: s,
    state: 'paused',
    nTrain,
    nVal: s.trainCount ? 0 : sizes.validation,
    images: ptrs.train,
    labels,
    valImages: ptrs.train + (sizes.total - sizes.validation) * IMAGE_PIXELS,
    valLabels: labels + (sizes.total - sizes.validation),
    order,
    batches,
    epoch: 0,
    batch: 0,       // batches done in this epoch
    pos: 0,         // examples done in this epoch
    trainEvery: Math.max(1, Math.round(batches / TRAIN_POINTS)),
    valEvery: Math.max(1, Math.ceil(batches / VAL_POINTS)),
    seg: { loss: 0, correct: 0, n: 0 },
    points: { train: [], validation: [] },
    trainMs: 0,      // time in training steps only
    epochMs: [],     // per epoch: time in training steps
    epochWallMs: [], // per epoch: wall time, shuffling, validation and the loop's pauses included
    epochStartMs: 0,
    epochStartWall: 0,
    examples: 0,
    lastPost: 0,
    lastGood: null,
    looping: false,  // a loop is going or about to (later)
    viewMs: 0,       // time in the live network view (network.js batchesDone)
    workers: crew.workers, // workers that train each batch (team.js teamSize)
    teamNote: crew.note,   // why fewer workers train than were asked for
    exchange: crew.split ? 'split' : undefined, // how the team trades, once it is ready: 'split' | 'shared' | 'messages' (team.js)
    parts: 1,        // a batch-split team's run left to the worker: the team's workers, whose parts it computes (team.js soloStep)
  };
  return { spec: net.spec, layers: net.layers(), params: net.paramCount, batches, nTrain, nVal: w.run.nVal, workers: w.run.workers, deviceWorkers: device, teamNote: crew.note, splitUnits: crew.split ? net.splitUnits : 0 };
}

/** Ends the run under way without a word to the page (a reset, a new model). @param {WorkerState} w */
export function stopRun(w, reason) {
  const run = w.run;
  if (!run) return;
  run.state = reason === 'done' ? 'done' : 'stopped';
  w.cl.free(run.order);
  run.order = 0;
  w.run = null;
}

/** Thrown by a chunked pass whose model was replaced or whose run ended while it waited. */
export class Superseded extends Error {}

// Yield to the message queue: a MessageChannel task runs after pending messages,
// without setTimeout's 4 ms clamp.
// Each waiter posts its own wake-up, so several (the training loop, a test pass) can wait at once.
const channel = new MessageChannel();
const waking = [];
channel.port1.onmessage = () => waking.shift()?.();
const yieldToMessages = () => new Promise((resolve) => { waking.push(resolve); channel.port2.postMessage(0); });

/**
 * Runs fn(start, count) over n images in chunks of about SLICE_MS each,
 * answering messages between chunks, so that Stop (or a new model) acts within
 * a chunk even for a network whose pass over 10,000 images takes minutes.
 * Chunks start small and grow to the measured size. `alive()` is checked after
 * every pause; when it says no, a Superseded is thrown.
 */
export async function inChunks(n, fn, alive) {
  let size = 16;
  for (let at = 0; at < n;) {
    const m = Math.min(size, n - at);
    const t0 = performance.now();
    fn(at, m);
    const ms = performance.now() - t0;
    at += m;
    size = Math.max(1, Math.min(4 * size, 4096, Math.round((m * SLICE_MS) / Math.max(ms, 0.05))));
    if (at < n) {
      await yieldToMessages();
      if (!alive()) throw new Superseded('the model changed during the pass');
    }
  }
}

/**
 * Loss, accuracy and confusion of net on n images, in chunks (one call's
 * numbers, up to rounding); by default the pass ends when net is no longer the model.
 * @param {WorkerState} w
 */
export async function evaluateChunked(w, net, images, labels, n, alive = () => w.model === net) {
  let loss = 0;
  /** @type {Int32Array | null} */
  let confusion = null;
  await inChunks(n, (at, m) => {
    const e = net.evaluate(images + at * IMAGE_PIXELS, labels + at, m);
    loss += e.loss * m;
    if (!confusion) confusion = e.confusion;
    else for (let i = 0; i < confusion.length; i++) confusion[i] += e.confusion[i];
  }, alive);
  let correct = 0;
  for (let k = 0; k < CLASSES; k++) correct += confusion[k * CLASSES + k];
  return { loss: loss / n, accuracy: correct / n, confusion };
}

async function evaluateValidation(w, r) {
  if (!r.nVal) return;
  team.whole(w);
  const e = await evaluateChunked(w, w.model, r.valImages, r.valLabels, r.nVal, () => w.run === r);
  r.points.validation.push({ x: r.epoch + r.pos / r.nTrain, loss: e.loss, acc: e.accuracy });
  r.lastValAcc = e.accuracy;
}

/**
 * An epoch has ended (its validation pass done): with keepBest, the weights
 * are kept when their validation accuracy is the best so far; the learning
 * rate is multiplied by the decay for the next epoch.
 * @param {WorkerState} w
 */
function endEpoch(w, r) {
  const s = r.settings;
  if (s.keepBest && r.nVal && !(r.best && r.best.acc >= r.lastValAcc)) {
    team.whole(w); // whole since the validation pass, unless a step came between
    r.best = { epoch: r.epoch + 1, acc: r.lastValAcc, bytes: w.model.save() };
  }
  if (s.lrDecay && s.lrDecay !== 1) w.model.setLr(s.lr * s.lrDecay ** (r.epoch + 1));
}

/**
 * At the end of a run with keepBest: the model goes back to its best epoch's
 * weights when a later epoch did worse. Returns what the page says of it:
 * { epoch, of, acc, restored }, or null.
 * @param {WorkerState} w
 */
function keepBestEpoch(w, r) {
  const best = r.best;
  if (!best) return null;
  const done = r.epoch;
  const restored = best.epoch < done && w.run === r;
  if (restored) {
    const net = w.cl.loadNetwork(best.bytes);
    configure(net, { ...r.settings, lr: net.settings.lr });
    setModel(w, net, w.modelShuffled);
  }
  return { epoch: best.epoch, of: done, acc: best.acc, restored };
}

/**
 * One batch. Returns false when the run ended (finished, diverged or stopped meanwhile).
 * @param {WorkerState} w
 */
export async function stepOnce(w, r) {
  if (r.pos === 0 && r.batch === 0) {
    if (r.epoch === 0) await evaluateValidation(w, r); // where the curves start: about 10%, guessing
    r.epochStartMs = r.trainMs;
    r.epochStartWall = performance.now();
    w.model.shuffle(r.order, r.nTrain);
  }
  const n = Math.min(r.settings.batch, r.nTrain - r.pos);
  if (r.workers > 1) {
    await team.ready(w, r);
    if (w.run !== r) throw new Superseded('the run ended while its workers started');
  }
  const t0 = performance.now();
  let out;
  try {
    const at = r.order + 4 * r.pos;
    if (r.workers > 1) out = await team.step(w, r, at, n);
    else if (r.parts > 1) out = team.soloStep(w, r, at, n); // a team's run left to the worker: its parts in turn
    else out = w.model.trainStepIdx(r.images, r.labels, at, n);
  } catch (e) {
    if (e instanceof ConvlabError && e.status === STATUS.diverged) {
      finish(w, r, 'diverged', {
        message: `Training stopped: the loss became NaN or infinite at epoch ${r.epoch + 1}, batch ${r.batch + 1}. `
          + `The learning rate (${compact(r.settings.lr)}) is probably too high: try ${formatRate(betterRate(r.settings.lr, r.settings.optimizer, -1))}. `
          + 'The model keeps its last good weights.',
      });
      return false;
    }
    throw e;
  }
  r.trainMs += performance.now() - t0;
  r.examples += n;
  r.seg.loss += out.loss * n; r.seg.correct += out.correct; r.seg.n += n;
  r.pos += n;
  r.batch++;
  r.last = out;
  const endOfEpoch = r.pos >= r.nTrain;
  if (r.batch % r.trainEvery === 0 || endOfEpoch) {
    r.points.train.push({ x: r.epoch + r.pos / r.nTrain, loss: r.seg.loss / r.seg.n, acc: r.seg.correct / r.seg.n });
    r.seg = { loss: 0, correct: 0, n: 0 };
  }
  if (r.batch % r.valEvery === 0 || endOfEpoch) await evaluateValidation(w, r);
  if (endOfEpoch) {
    r.epochMs.push(r.trainMs - r.epochStartMs);
    endEpoch(w, r);
    r.epochWallMs.push(performance.now() - r.epochStartWall);
    r.epoch++;
    r.pos = 0;
    r.batch = 0;
    if (r.epoch >= r.settings.epochs) {
      finish(w, r, 'done', {});
      return false;
    }
  }
  return true;
}

/** The page's progress event for a run: where it is, how fast it goes, its new curve points. */
export function progress(r) {
  const perSec = r.trainMs > 0 ? (1000 * r.examples) / r.trainMs : 0;
  const left = (r.settings.epochs - r.epoch) * r.nTrain - r.pos;
  const between = r.batch === 0 && r.epoch > 0; // an epoch just ended: show it complete
  const msg = {
    event: 'progress',
    runId: r.id,
    state: r.state,
    epoch: between ? r.epoch : Math.min(r.epoch + 1, r.settings.epochs),
    epochs: r.settings.epochs,
    batch: between ? r.batches : r.batch,
    batches: r.batches,
    examples: r.examples,
    done: (r.epoch * r.nTrain + r.pos) / (r.settings.epochs * r.nTrain),
    perSec,
    secondsLeft: perSec > 0 ? left / perSec : null,
    epochSeconds: r.epochMs.map((ms) => ms / 1000),
    epochWallSeconds: r.epochWallMs.map((ms) => ms / 1000),
    viewSeconds: r.viewMs / 1000,
    lastLoss: r.last?.loss ?? null,
    workers: r.workers,
    teamNote: r.teamNote,
    exchange: r.workers > 1 ? team.exchangeWay(r) : null,
    points: r.points,
  };
  r.points = { train: [], validation: [] };
  r.lastPost = performance.now();
  return msg;
}

/** Sends progress events now (a pause, a step). */
export function postProgress(r) {
  post(progress(r));
}

/**
 * The run ends ('done', 'stopped', 'diverged', 'error'): the page's finished event.
 * @param {WorkerState} w
 */
export function finish(w, r, how, extra) {
  team.whole(w); // what the page reads of the model from now on
  r.state = how;
  const best = how === 'done' || how === 'stopped' ? keepBestEpoch(w, r) : null;
  const msg = { ...progress(r), event: 'finished', how, best, ...extra };
  if (w.run === r) {
    w.cl.free(r.order);
    r.order = 0;
    w.run = null;
  }
  post(msg);
}

/**
 * Starts the loop after the current answer has gone out: its events come
 * after it. One loop a run: a Resume that comes before the loop of its Start
 * has begun (Pause and Resume at once) starts no second one, which would
 * step the same batches twice.
 * @param {WorkerState} w
 */
export function later(w, r) {
  if (r.looping) return;
  r.looping = true;
  setTimeout(async () => {
    try {
      await loop(w, r);
    } finally {
      r.looping = false;
    }
  }, 0);
}

async function loop(w, r) {
  while (w.run === r && r.state === 'running') {
    const t0 = performance.now();
    let going = true, batches = 0;
    try {
      while (going && w.run === r && r.state === 'running' && performance.now() - t0 < SLICE_MS) {
        going = await stepOnce(w, r);
        batches++;
      }
    } catch (e) {
      if (e instanceof Superseded) return; // stopped or replaced during a validation pass
      finish(w, r, 'error', { message: `Training stopped: ${e.message}` });
      return;
    }
    if (!going) return;
    batchesDone(w, batches); // the network view the page follows, every few hundred batches
    if (performance.now() - r.lastPost >= PROGRESS_MS) post(progress(r));
    await yieldToMessages();
  }
}
