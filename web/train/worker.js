// train-worker.js - the train page's engine, off the main thread.
//
// Owns one WASM instance (through convlab.js), the Fashion-MNIST data in WASM
// memory and the model being trained. Messages in: { id, type, ...args };
// answers: { id, ok: true, result } or { id, ok: false, error: { message, status } }.
// Events (no id): { event: 'data-progress' | 'progress' | 'finished', ... },
// at most ~10 progress events a second. Big arrays travel as transferred buffers.
//
//   init                        -> { simd, buildName, note, rate }   note: why the scalar build runs, or '';
//                                  rate: this device's speed in multiply-adds per second (train-cost.js)
//   loadData { urls, quick }    -> { train, validation, test, fromCache }   (data-progress events)
//   cancelData                  -> ends the download under way (its loadData fails with status 'cancelled')
//   setQuick { quick }          -> the same sizes, for a new split of the loaded data
//   images { set, indices }     -> Uint8Array (n * 784): train or test images
//   samples { perClass }        -> { images, labels, indices } the first perClass of each class
//   describe { spec }           -> { ok, layers, params, macs } | { ok: false, message }
//   start { settings }          -> { layers, params, spec }; the loop then runs on its own
//   pause, resume, stop, reset  -> { state }
//   step                        -> one batch; { loss, correct, n }
//   evaluate                    -> test set: { accuracy, loss, confusion, predicted, probs }
//   filters                     -> the first weight layer: { kind, shape, weights }
//   featureMaps { index }       -> the activations of test image `index` through every layer
//   save                        -> Uint8Array, the model file
//   load { bytes | file, shuffled } -> a model from kept bytes or a chosen File: { spec, layers, params, settings }
//
// Training: one WASM call per batch (cl_nn_train_step_idx on a shuffled
// order), in slices of ~30 ms between which the worker answers messages.
import { loadConvlab, ConvlabError, OPTIMIZER, LOSS, STATUS } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { compact, fmtBytes } from '../lib/format.js';
import { betterRate, formatRate } from './advice.js';
import { multiplyAdds, TRAIN_PASSES } from './cost.js';

const SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10;
const SLICE_MS = 30;        // work between two looks at the message queue
const PROGRESS_MS = 100;    // at most ~10 progress events a second
const TRAIN_POINTS = 20;    // training-curve points per epoch
const VAL_POINTS = 4;       // validation evaluations per epoch
const PERMUTATION_SEED = 20240611; // "one fixed permutation" of the pixels

let cl = null;
const loading = loadConvlab().then((c) => { cl = c; });

// ---- data ----

const data = {
  files: null,     // { trainImages, trainLabels, testImages, testLabels }: IDX handles
  shuffled: null,  // { train, test }: pointers to permuted copies of the images, made on first use
  quick: true,
};

/** Sizes of the split: training from the start of the training file, validation from its end. */
function split() {
  const total = data.files.trainImages.count;
  const validation = data.quick ? Math.min(1000, total >> 3) : Math.min(5000, total >> 3);
  const train = data.quick ? Math.min(10000, total - validation) : total - validation;
  return { train, validation, test: data.files.testImages.count, total };
}

function post(message, transfer = []) { self.postMessage(message, transfer); }


/** A download that has had no byte for this long ends (a stalled connection would hang for ever). */
const STALL_SECONDS = 30;

/**
 * One data load's downloads: Cancel (the page's) and the stall watchdog
 * abort them all. alive() restarts the watchdog (on every byte); done() stops it.
 */
function downloadGuard() {
  const controller = new AbortController();
  let timer = 0;
  const guard = {
    signal: controller.signal,
    alive() {
      clearTimeout(timer);
      timer = setTimeout(() => guard.abort('stalled', `the download stalled: no data arrived for ${STALL_SECONDS} s`), STALL_SECONDS * 1000);
    },
    abort(status, message) {
      clearTimeout(timer);
      controller.abort(Object.assign(new Error(message), { status }));
    },
    done() { clearTimeout(timer); },
  };
  guard.alive();
  return guard;
}
let dataGuard = null; // the load under way, for cancelData

/** The Error an aborted download rejects with: the guard's reason (cancelled, stalled). */
function aborted(guard, e, fallback) {
  return guard.signal.aborted && guard.signal.reason instanceof Error ? guard.signal.reason : new Error(fallback(e));
}

/** Fetches a URL with byte progress; resolves to a Uint8Array of the whole body. */
async function download(url, onBytes, onTotal, guard) {
  const name = url.split('/').pop();
  let res;
  try {
    res = await fetch(url, { cache: 'no-store', signal: guard.signal });
  } catch (e) {
    throw aborted(guard, e, (err) => `the download of ${name} failed (${err.message})`);
  }
  if (!res.ok) throw new Error(`the server answered HTTP ${res.status} for ${url.split('/').pop()}`);
  const total = Number(res.headers.get('Content-Length')) || 0;
  if (total) onTotal(total);
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      guard.alive();
      onBytes(value.length);
    }
  } catch (e) {
    throw aborted(guard, e, (err) => `the download of ${name} was interrupted after ${got} bytes (${err.message})`);
  }
  if (total && got !== total) throw new Error(`the download of ${url.split('/').pop()} stopped at ${got} of ${total} bytes`);
  const out = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

async function gunzip(bytes, name) {
  // A host may have sent the file already decompressed (Content-Encoding: gzip).
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${name} is damaged: it could not be decompressed (${e.message})`);
  }
}

const CACHE_NAME = 'convlab-fashion-mnist-v1';

async function openCache() {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. a page served over plain http from another machine
  }
}

async function loadData({ urls, quick }) {
  await loading;
  const cache = await openCache();
  const names = Object.keys(urls);
  // Sizes first (from the cache or the response headers) so the bar knows its total.
  const cached = {};
  if (cache) for (const k of names) { const r = await cache.match(urls[k]); if (r) cached[k] = new Uint8Array(await r.arrayBuffer()); }
  const fromCache = names.every((k) => cached[k]);
  let loaded = 0, total = 0, lastPost = 0;
  const report = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    post({ event: 'data-progress', phase: 'download', loaded, total, fromCache });
  };
  for (const k of names) if (cached[k]) { loaded += cached[k].length; total += cached[k].length; }
  // The sizes of Debian's files until each response's Content-Length says better.
  const expected = { trainImages: 26421856, trainLabels: 29491, testImages: 4422079, testLabels: 5125 };
  for (const k of names) if (!cached[k]) total += expected[k] ?? 0;
  report(true);
  const gz = {};
  const guard = dataGuard = downloadGuard();
  try {
    await Promise.all(names.map(async (k) => {
      if (cached[k]) { gz[k] = cached[k]; return; }
      gz[k] = await download(urls[k], (n) => { loaded += n; report(false); }, (size) => {
        total += size - (expected[k] ?? 0);
        expected[k] = size;
      }, guard);
    }));
  } catch (e) {
    guard.abort(e.status ?? 'failed', e.message); // one file failed: stop the others
    throw e;
  } finally {
    guard.done();
    if (dataGuard === guard) dataGuard = null;
  }
  total = loaded;
  report(true);
  post({ event: 'data-progress', phase: 'decompress', loaded, total, fromCache });
  const raw = {};
  for (const k of names) raw[k] = await gunzip(gz[k], urls[k].split('/').pop());
  post({ event: 'data-progress', phase: 'parse', loaded, total, fromCache });
  // Parse everything before replacing anything: a bad file leaves the old data in place.
  const files = {};
  try {
    files.trainImages = cl.loadIdx(raw.trainImages, 'images');
    files.trainLabels = cl.loadIdx(raw.trainLabels, 'labels');
    files.testImages = cl.loadIdx(raw.testImages, 'images');
    files.testLabels = cl.loadIdx(raw.testLabels, 'labels');
    for (const set of ['train', 'test']) {
      const im = files[`${set}Images`];
      if (im.rows !== SIDE || im.cols !== SIDE) throw new Error(`the ${set} images are ${im.rows} x ${im.cols}, not 28 x 28`);
      cl.checkIdxPair(im, files[`${set}Labels`], CLASSES);
    }
  } catch (e) {
    for (const h of Object.values(files)) cl.freeIdx(h);
    throw new Error(`the data files are not valid Fashion-MNIST IDX files: ${e.message}`);
  }
  freeData();
  data.files = files;
  data.quick = Boolean(quick);
  let cachedNow = fromCache;
  if (cache && !fromCache) {
    try {
      for (const k of names) {
        if (!cached[k]) await cache.put(urls[k], new Response(gz[k], { headers: { 'Content-Type': 'application/gzip' } }));
      }
      cachedNow = true;
    } catch { /* storage full or refused: the page simply downloads again next time */ }
  }
  return { ...split(), fromCache, cached: cachedNow };
}

function freeData() {
  if (run) stopRun('reset');
  if (data.files) for (const h of Object.values(data.files)) cl.freeIdx(h);
  if (data.shuffled) { cl.free(data.shuffled.train); cl.free(data.shuffled.test); }
  data.files = data.shuffled = null;
}

function needData() {
  if (!data.files) throw new Error('load the data first');
}

/** The permutation of the 784 pixel positions used by the shuffled-pixels experiment. */
function permutation() {
  const p = Array.from({ length: PIXELS }, (_, i) => i);
  let s = PERMUTATION_SEED;
  for (let i = PIXELS - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Pointers to the images, shuffled or not: { train, test } (the validation images follow the training ones). */
function imagePointers(shuffled) {
  needData();
  if (!shuffled) return { train: data.files.trainImages.data, test: data.files.testImages.data };
  if (!data.shuffled) {
    const perm = permutation();
    const make = (h) => {
      const n = h.count * PIXELS;
      const ptr = cl.alloc(n);
      const src = cl.u8(h.data, n), dst = cl.u8(ptr, n); // alloc may grow memory: views after it
      for (let at = 0; at < n; at += PIXELS) for (let i = 0; i < PIXELS; i++) dst[at + i] = src[at + perm[i]];
      return ptr;
    };
    const train = make(data.files.trainImages);
    try {
      data.shuffled = { train, test: make(data.files.testImages) };
    } catch (e) {
      cl.free(train);
      throw e;
    }
  }
  return data.shuffled;
}

function copyImages(set, indices, shuffled = false) {
  needData();
  const h = set === 'test' ? data.files.testImages : data.files.trainImages;
  const base = shuffled ? imagePointers(true)[set === 'test' ? 'test' : 'train'] : h.data;
  const out = new Uint8Array(indices.length * PIXELS);
  indices.forEach((i, k) => {
    if (!(i >= 0 && i < h.count)) throw new Error(`there is no ${set} image ${i}`);
    out.set(cl.u8(base + i * PIXELS, PIXELS), k * PIXELS);
  });
  return out;
}

function labelsOf(set) {
  const h = set === 'test' ? data.files.testLabels : data.files.trainLabels;
  return cl.u8(h.data, h.count);
}

// ---- the model and its run ----

let model = null;          // Network
let modelShuffled = false; // trained on shuffled pixels: inspect it on shuffled images
let run = null;            // the training run (see startRun)

function setModel(net, shuffled) {
  if (model && model !== net) model.free();
  model = net;
  modelShuffled = Boolean(shuffled);
}

function needModel() {
  if (!model) throw new Error('there is no model yet: start training or load a model');
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

function checkOutputs(net) {
  const [c, h, w] = net.inputShape;
  if (c !== 1 || h !== SIDE || w !== SIDE) {
    return `this model is for inputs of ${c} × ${h} × ${w}, not Fashion-MNIST’s 1 × 28 × 28 images`;
  }
  if (net.outputs !== CLASSES) return `this model has ${net.outputs} outputs, not one per Fashion-MNIST class (10)`;
  return '';
}

function startRun(s) {
  needData();
  const sizes = split();
  const nTrain = s.trainCount ? Math.min(s.trainCount, sizes.total) : sizes.train;
  if (!(Number.isInteger(s.batch) && s.batch >= 1 && s.batch <= Math.min(nTrain, 4096))) {
    throw new Error(`the batch size must be between 1 and ${Math.min(nTrain, 4096)}`);
  }
  const net = cl.createNetwork(s.spec, { c: 1, h: SIDE, w: SIDE, seed: s.seed });
  try {
    const bad = checkOutputs(net);
    if (bad) throw new Error(bad);
    configure(net, s);
  } catch (e) {
    net.free();
    throw e;
  }
  if (run) stopRun('replaced');
  setModel(net, s.shufflePixels);
  const ptrs = imagePointers(s.shufflePixels);
  const order = cl.alloc(4 * nTrain);
  const batches = Math.ceil(nTrain / s.batch);
  run = {
    id: s.runId,
    settings: s,
    state: 'paused',
    nTrain,
    nVal: s.trainCount ? 0 : sizes.validation,
    images: ptrs.train,
    labels: data.files.trainLabels.data,
    valImages: ptrs.train + (sizes.total - sizes.validation) * PIXELS,
    valLabels: data.files.trainLabels.data + (sizes.total - sizes.validation),
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
  };
  return { spec: net.spec, layers: net.layers(), params: net.paramCount, batches, nTrain, nVal: run.nVal };
}

function stopRun(reason) {
  if (!run) return;
  run.state = reason === 'done' ? 'done' : 'stopped';
  cl.free(run.order);
  run.order = 0;
  run = null;
}

/** Thrown by a chunked pass whose model was replaced or whose run ended while it waited. */
class Superseded extends Error {}

/**
 * Runs fn(start, count) over n images in chunks of about SLICE_MS each,
 * answering messages between chunks, so that Stop (or a new model) acts within
 * a chunk even for a network whose pass over 10,000 images takes minutes.
 * Chunks start small and grow to the measured size. `alive()` is checked after
 * every pause; when it says no, a Superseded is thrown.
 */
async function inChunks(n, fn, alive) {
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

/** Loss, accuracy and confusion of the model on n images, in chunks (one call's numbers, up to rounding). */
async function evaluateChunked(net, images, labels, n, alive = () => model === net) {
  let loss = 0, confusion = null;
  await inChunks(n, (at, m) => {
    const e = net.evaluate(images + at * PIXELS, labels + at, m);
    loss += e.loss * m;
    if (!confusion) confusion = e.confusion;
    else for (let i = 0; i < confusion.length; i++) confusion[i] += e.confusion[i];
  }, alive);
  let correct = 0;
  for (let k = 0; k < CLASSES; k++) correct += confusion[k * CLASSES + k];
  return { loss: loss / n, accuracy: correct / n, confusion };
}

async function evaluateValidation(r) {
  if (!r.nVal) return;
  const e = await evaluateChunked(model, r.valImages, r.valLabels, r.nVal, () => run === r);
  r.points.validation.push({ x: r.epoch + r.pos / r.nTrain, loss: e.loss, acc: e.accuracy });
}

/** One batch. Returns false when the run ended (finished, diverged or stopped meanwhile). */
async function stepOnce(r) {
  if (r.pos === 0 && r.batch === 0) {
    if (r.epoch === 0) await evaluateValidation(r); // where the curves start: about 10%, guessing
    r.epochStartMs = r.trainMs;
    r.epochStartWall = performance.now();
    model.shuffle(r.order, r.nTrain);
  }
  const n = Math.min(r.settings.batch, r.nTrain - r.pos);
  const t0 = performance.now();
  let out;
  try {
    out = model.trainStepIdx(r.images, r.labels, r.order + 4 * r.pos, n);
  } catch (e) {
    if (e instanceof ConvlabError && e.status === STATUS.diverged) {
      finish(r, 'diverged', {
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
  if (r.batch % r.valEvery === 0 || endOfEpoch) await evaluateValidation(r);
  if (endOfEpoch) {
    r.epochMs.push(r.trainMs - r.epochStartMs);
    r.epochWallMs.push(performance.now() - r.epochStartWall);
    r.epoch++;
    r.pos = 0;
    r.batch = 0;
    if (r.epoch >= r.settings.epochs) {
      finish(r, 'done', {});
      return false;
    }
  }
  return true;
}

function progress(r) {
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
    lastLoss: r.last?.loss ?? null,
    points: r.points,
  };
  r.points = { train: [], validation: [] };
  r.lastPost = performance.now();
  return msg;
}

function finish(r, how, extra) {
  r.state = how;
  const msg = progress(r);
  msg.event = 'finished';
  msg.how = how;
  Object.assign(msg, extra);
  if (run === r) {
    cl.free(r.order);
    r.order = 0;
    run = null;
  }
  post(msg);
}

// Yield to the message queue: a MessageChannel task runs after pending messages,
// without setTimeout's 4 ms clamp.
// Each waiter posts its own wake-up, so several (the training loop, a test pass) can wait at once.
const channel = new MessageChannel();
const waking = [];
channel.port1.onmessage = () => waking.shift()?.();
const yieldToMessages = () => new Promise((resolve) => { waking.push(resolve); channel.port2.postMessage(0); });

/** Starts the loop after the current answer has gone out: its events come after it. */
function later(r) {
  setTimeout(() => loop(r), 0);
}

async function loop(r) {
  while (run === r && r.state === 'running') {
    const t0 = performance.now();
    let going = true;
    try {
      while (going && run === r && r.state === 'running' && performance.now() - t0 < SLICE_MS) going = await stepOnce(r);
    } catch (e) {
      if (e instanceof Superseded) return; // stopped or replaced during a validation pass
      finish(r, 'error', { message: `Training stopped: ${e.message}` });
      return;
    }
    if (!going) return;
    if (performance.now() - r.lastPost >= PROGRESS_MS) post(progress(r));
    await yieldToMessages();
  }
}

async function testResults() {
  needData();
  needModel();
  const net = model;
  const images = imagePointers(modelShuffled).test;
  const n = data.files.testImages.count;
  const e = await evaluateChunked(net, images, data.files.testLabels.data, n);
  const probs = new Float32Array(n * CLASSES);
  await inChunks(n, (at, m) => probs.set(net.predict(images + at * PIXELS, m), at * CLASSES), () => model === net);
  const predicted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (probs[i * CLASSES + k] > probs[i * CLASSES + best]) best = k;
    predicted[i] = best;
  }
  return { accuracy: e.accuracy, loss: e.loss, confusion: e.confusion, predicted, probs, labels: Uint8Array.from(labelsOf('test')) };
}

function firstFilters() {
  needModel();
  const layers = model.layers();
  const first = layers.find((l) => l.kind === 'dense' || l.kind === 'conv');
  if (!first) return null;
  const w = model.weights(first.index);
  // A dense layer that read shuffled pixels: its weight i went with pixel perm[i]
  // of the picture, so scattering each unit's weights back by perm redraws them
  // in the picture's own order.
  let unshuffled = null;
  if (modelShuffled && first.kind === 'dense' && w.shape[1] === PIXELS) {
    const perm = permutation();
    unshuffled = new Float32Array(w.weights.length);
    for (let at = 0; at < w.weights.length; at += PIXELS)
      for (let i = 0; i < PIXELS; i++) unshuffled[at + perm[i]] = w.weights[at + i];
  }
  return { index: first.index, kind: first.kind, name: first.name, shape: w.shape, weights: w.weights, unshuffled, shuffled: modelShuffled };
}

function featureMaps(index) {
  needData();
  needModel();
  const h = data.files.testImages;
  if (!(Number.isInteger(index) && index >= 0 && index < h.count)) throw new Error(`choose a test image from 0 to ${h.count - 1}`);
  const base = imagePointers(modelShuffled).test;
  model.forward(base + index * PIXELS, 1);
  const out = [];
  for (const l of model.layers()) {
    if (l.index === 0) continue;
    if (l.shape[1] * l.shape[2] <= 1) continue; // dense layers: vectors, not maps
    out.push({ ...l, data: model.layerOutput(l.index) });
  }
  return { index, label: labelsOf('test')[index], image: copyImages('test', [index], modelShuffled), layers: out, shuffled: modelShuffled };
}

/** The largest model file the engine can write: header, spec, tensor table, CL_NN_MAX_PARAMS floats, CRC. */
const MAX_MODEL_BYTES = 52 + 256 + 4 + 12 * 64 + 4 * (1 << 24) + 4;

/**
 * The bytes of a model file the student chose, read only after its size and
 * header say it can be one: a photo, a video or a 1 GB file is refused
 * without being read (or copied into the engine's memory, which never shrinks).
 */
async function readModelFile(file) {
  const refuse = (why) => { throw new Error(`This file was refused: ${why}.`); };
  if (file.size === 0) refuse(`“${file.name}” is empty`);
  if (file.size > MAX_MODEL_BYTES) {
    refuse(`“${file.name}” is ${fmtBytes(file.size)}, larger than any convlab model can be (${fmtBytes(MAX_MODEL_BYTES)}), so it was not read`);
  }
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const magic = String.fromCharCode(...head.subarray(0, 4));
  if (magic !== 'CLNN') refuse('not a convlab model file (it does not start with “CLNN”)');
  if (head.length >= 12) {
    const dv = new DataView(head.buffer);
    const total = dv.getUint32(8, true);
    if (total !== file.size) {
      refuse(total > file.size ? `the model file is truncated: ${file.size} of ${total} bytes`
        : `the model file has ${file.size - total} bytes more than its header says (${total})`);
    }
  }
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * This device's training speed in forward multiply-adds per second (training
 * counted as TRAIN_PASSES passes, as train-cost.js estimates), measured on a
 * few batches of a small CNN: about 10 ms, once. 0 when it cannot be measured.
 */
let measuredRate = null;
function calibrate() {
  if (measuredRate !== null) return measuredRate;
  const BATCH = 32, STEPS = 6;
  let net = null, images = 0;
  try {
    net = cl.createNetwork('conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax', { c: 1, h: SIDE, w: SIDE, seed: 1 });
    net.setOptimizer(OPTIMIZER.sgd, 0.01, 0.9, 0);
    images = cl.alloc(BATCH * (PIXELS + 1));
    cl.u8(images, BATCH * (PIXELS + 1)).fill(0);
    const labels = images + BATCH * PIXELS;
    net.trainStep(images, labels, BATCH); // the first step allocates: not timed
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) net.trainStep(images, labels, BATCH);
    const ms = performance.now() - t0;
    measuredRate = ms > 0 ? (TRAIN_PASSES * multiplyAdds(net.layers()) * BATCH * STEPS) / (ms / 1000) : 0;
  } catch {
    measuredRate = 0;
  } finally {
    net?.free();
    cl.free(images);
  }
  return measuredRate;
}

const handlers = {
  async init() {
    await loading;
    return { result: { simd: cl.simd, buildName: cl.buildName, note: cl.note, rate: calibrate() } };
  },
  async loadData(args) {
    return { result: await loadData(args) };
  },
  /** Cancel: the data load under way ends (its loadData rejects with status 'cancelled'). */
  async cancelData() {
    dataGuard?.abort('cancelled', 'the download was cancelled');
    return { result: null };
  },
  async setQuick({ quick }) {
    await loading;
    data.quick = Boolean(quick);
    return { result: data.files ? split() : null };
  },
  async images({ set, indices, shuffled }) {
    await loading;
    const out = copyImages(set, indices, shuffled);
    return { result: out, transfer: [out.buffer] };
  },
  async samples({ perClass }) {
    await loading;
    needData();
    const labels = labelsOf('train');
    const indices = [];
    for (let k = 0; k < CLASSES; k++) {
      let found = 0;
      for (let i = 0; i < labels.length && found < perClass; i++) if (labels[i] === k) { indices.push(i); found++; }
    }
    const images = copyImages('train', indices);
    return { result: { images, indices, labels: indices.map((i) => labels[i]) }, transfer: [images.buffer] };
  },
  async describe({ spec }) {
    await loading;
    const d = cl.describeSpec(spec, { c: 1, h: SIDE, w: SIDE });
    return { result: d.ok ? { ...d, macs: multiplyAdds(d.layers) } : d };
  },
  async start({ settings }) {
    await loading;
    const result = startRun(settings);
    run.state = 'running';
    later(run);
    return { result };
  },
  async pause() {
    if (run && run.state === 'running') run.state = 'paused';
    if (run) post(progress(run));
    return { result: { state: run?.state ?? 'idle' } };
  },
  async resume() {
    if (!run) throw new Error('there is no run to resume: start one');
    if (run.state === 'paused') {
      run.state = 'running';
      later(run);
    }
    return { result: { state: run.state } };
  },
  async step({ settings }) {
    await loading;
    let created = null;
    if (!run) created = startRun(settings);
    if (run.state === 'running') throw new Error('pause first, then step one batch at a time');
    const r = run;
    let going;
    try {
      going = await stepOnce(r);
    } catch (e) {
      if (e instanceof Superseded) return { result: { created, loss: null, correct: 0, n: 0, state: run?.state ?? 'idle' } };
      throw e;
    }
    if (going) post(progress(r));
    return { result: { created, loss: r.last?.loss ?? null, correct: r.last?.correct ?? 0, n: r.last?.n ?? 0, state: r.state } };
  },
  async stop() {
    if (run) finish(run, 'stopped', {});
    return { result: { state: 'stopped' } };
  },
  async reset() {
    await loading;
    if (run) stopRun('reset');
    setModel(null, false);
    return { result: { state: 'idle' } };
  },
  async evaluate() {
    await loading;
    let r;
    try {
      r = await testResults();
    } catch (e) {
      if (e instanceof Superseded) throw Object.assign(new Error('the model changed before its test was done'), { status: 'superseded' });
      throw e;
    }
    return { result: r, transfer: [r.probs.buffer, r.predicted.buffer, r.labels.buffer] };
  },
  async filters() {
    await loading;
    const f = firstFilters();
    return { result: f, transfer: f ? [f.weights.buffer] : [] };
  },
  async featureMaps({ index }) {
    await loading;
    const f = featureMaps(index);
    return { result: f, transfer: f.layers.map((l) => l.data.buffer) };
  },
  async save() {
    await loading;
    needModel();
    const bytes = model.save();
    return { result: { bytes, spec: model.spec }, transfer: [bytes.buffer] };
  },
  async load({ bytes, file, shuffled }) {
    await loading;
    if (file) bytes = await readModelFile(file);
    let net;
    try {
      net = cl.loadNetwork(bytes);
    } catch (e) {
      // the engine's message says what is wrong ("not a convlab model file (...)",
      // "the model file is truncated: ..."): no second wording around it
      throw new Error(`This file was refused: ${e.message}.`);
    }
    const bad = checkOutputs(net);
    if (bad) {
      net.free();
      throw new Error(`This file was refused: ${bad}.`);
    }
    if (run) stopRun('replaced');
    setModel(net, shuffled);
    const st = net.settings;
    const name = (map, v) => Object.keys(map).find((k) => map[k] === v);
    return {
      result: {
        spec: net.spec, layers: net.layers(), params: net.paramCount, seed: net.seed,
        settings: { optimizer: name(OPTIMIZER, st.optimizer), lr: st.lr, momentum: st.momentum, l2: st.l2, loss: name(LOSS, st.loss) },
      },
    };
  },
};

serveRequests(handlers);
