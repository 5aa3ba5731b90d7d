// train/worker.js - the train page's engine, off the main thread.
//
// Owns one WASM instance (through convlab.js), the Fashion-MNIST data in WASM
// memory and the model being trained. Messages in: { id, type, ...args };
// answers: { id, ok: true, result } or { id, ok: false, error: { message, status } }.
// Events (no id): { event: 'data-progress' | 'progress' | 'finished', ... },
// at most ~10 progress events a second. Big arrays travel as transferred buffers.
//
//   init                        -> { simd, buildName, note, rate }   note: why the scalar build runs, or '';
//                                  rate: this device's speed in multiply-adds per second (cost.js)
//   dataStatus { base }         -> { quick, full: { kept, missingBytes, loaded }, available }   before any download
//   loadData { base, quick }    -> { train, validation, test, total, set, fromCache, kept, notKept }   (data-progress events)
//   cancelData                  -> ends the download under way (its loadData fails with status 'cancelled')
//   setQuick { quick }          -> the sizes of that set, now in use, or null when it is not loaded
//   images { set, indices }     -> Uint8Array (n * 784): train or test images
//   samples { perClass }        -> { images, labels, indices } the first perClass of each class
//   describe { spec }           -> { ok, layers, params, macs } | { ok: false, message }
//   start { settings }          -> { layers, params, spec, workers, deviceWorkers, teamNote, splitUnits }; the loop then runs on its own;
//                                  settings.workers: how many workers train each batch (0: one per core; team.js)
//   pause, resume, stop, reset  -> { state }
//   step                        -> one batch; { loss, correct, n }
//   evaluate                    -> test set: { accuracy, loss, confusion, predicted, probs }
//   filters                     -> the first weight layer: { kind, shape, weights }
//   network { watch, live }     -> network.js's view of watch's image (and value); live: it is
//                                  sent again as a 'network' event every WATCH_BATCHES batches of a run
//   save                        -> Uint8Array, the model file
//   exportModel { format }      -> { bytes, spec }: 'onnx' (an ONNX file) or 'pytorch' (a Python file)
//   load { bytes | file, shuffled } -> a model from kept bytes or a chosen File: { spec, layers, params, settings }
//
// Its parts: download.js (the files, with progress, Cancel and the stall
// watchdog), dataset.js (the data in the engine's memory), run.js (the model
// and the training loop: one WASM call per batch, in slices of ~30 ms between
// which the worker answers messages), inspect.js (test results, filters,
// feature maps), network.js (the network view). This module holds the worker's one state object and answers
// the page's requests (lib/worker-rpc.js).
import { loadConvlab } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { fmtBytes } from '../lib/format.js';
import { IMAGE_SIDE, IMAGE_PIXELS, MAX_MODEL_FILE_BYTES, OPTIMIZER, LOSS } from '../lib/limits.js';
import { multiplyAdds, TRAIN_PASSES } from './cost.js';
import { fetchDataFiles, beginDownload, cancelDownload, keptStatus, SET_FILES } from './download.js';
import { split, parseFiles, adoptFiles, useSet, canUse, copyImages, samples } from './dataset.js';
import { DATA_SIZES } from '../lib/limits.js';
import { setModel, needModel, checkOutputs, startRun, stopRun, Superseded, stepOnce, postProgress, finish, later } from './run.js';
import { testResults, firstFilters } from './inspect.js';
import { networkView, viewBuffers, watch as watchView } from './network.js';
import { forgetData } from './team.js';

/** @type {import('./dataset.js').WorkerState} */
const w = {
  cl: null,
  data: { files: null, shuffled: null, quick: true, train: { quick: null, full: null }, test: null },
  model: null,
  modelShuffled: false,
  run: null,
};
const loading = loadConvlab().then((c) => { w.cl = c; });

/** The site's data/sizes.json (every data file's size), or {} where it cannot be had (offline, an old site). */
async function dataSizes(base) {
  try {
    const res = await fetch(new URL(DATA_SIZES, base));
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

/**
 * Loads the set of `quick` (the quick pack, or the full training set) with
 * the test set: kept in the browser or downloaded, parsed, and put in use.
 * A bad file leaves the data in use as it was.
 */
async function loadData({ base, quick }) {
  const guard = beginDownload(); // Cancel is heard from here on
  await loading;
  const set = quick ? 'quick' : 'full';
  const urls = Object.fromEntries(Object.entries(SET_FILES[set]).map(([k, v]) => [k, new URL(v, base).href]));
  const sizes = await dataSizes(base);
  const { raw, fromCache, keep } = await fetchDataFiles(urls, (event) => self.postMessage(event), sizes, guard);
  // Parse everything before replacing anything: a bad file leaves the old data in place.
  const files = parseFiles(w.cl, raw);
  stopRun(w, 'reset');
  adoptFiles(w, files, set);
  forgetData(); // the helpers' copy of the images is of the old data
  useSet(w, quick);
  const notKept = fromCache ? '' : await keep();
  return { ...split(w), fromCache, kept: !notKept, notKept };
}

/**
 * What is kept in this browser and what is loaded, for the page to say sizes
 * before a download: { sets: { quick, full }: { kept, missingBytes, loaded }, available }.
 */
async function dataStatus({ base }) {
  await loading;
  const status = await keptStatus(base, await dataSizes(base));
  for (const set of ['quick', 'full']) status[set].loaded = canUse(w, set === 'quick');
  return status;
}

/**
 * The bytes of a model file the student chose, read only after its size and
 * header say it can be one: a photo, a video or a 1 GB file is refused
 * without being read (or copied into the engine's memory, which never shrinks).
 */
async function readModelFile(file) {
  const refuse = (why) => { throw new Error(`This file was refused: ${why}.`); };
  if (file.size === 0) refuse(`“${file.name}” is empty`);
  if (file.size > MAX_MODEL_FILE_BYTES) {
    refuse(`“${file.name}” is ${fmtBytes(file.size)}, larger than any convlab model can be (${fmtBytes(MAX_MODEL_FILE_BYTES)}), so it was not read`);
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
 * counted as TRAIN_PASSES passes, as cost.js estimates), measured on a
 * few batches of a small CNN: about 10 ms, once. 0 when it cannot be measured.
 */
let measuredRate = null;
function calibrate() {
  if (measuredRate !== null) return measuredRate;
  const { cl } = w;
  const BATCH = 32, STEPS = 6;
  let net = null, images = 0;
  try {
    net = cl.createNetwork('conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax', { c: 1, h: IMAGE_SIDE, w: IMAGE_SIDE, seed: 1 });
    net.setOptimizer(OPTIMIZER.sgd, 0.01, 0.9, 0);
    images = cl.alloc(BATCH * (IMAGE_PIXELS + 1));
    cl.u8(images, BATCH * (IMAGE_PIXELS + 1)).fill(0);
    const labels = images + BATCH * IMAGE_PIXELS;
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

/** @type {Promise<unknown>} The One steps asked for, in turn: settles when the last has. */
let stepsAsked = Promise.resolve();

/** The step handler's work (handlers.step runs it in turn). */
async function stepNow({ settings }) {
  await loading;
  let created = null;
  if (!w.run) created = startRun(w, settings);
  if (w.run.state === 'running') throw new Error('pause first, then step one batch at a time');
  const r = w.run;
  let going;
  try {
    going = await stepOnce(w, r);
  } catch (e) {
    if (e instanceof Superseded) return { result: { created, loss: null, correct: 0, n: 0, state: w.run?.state ?? 'idle' } };
    throw e;
  }
  if (going) postProgress(r);
  return { result: { created, loss: r.last?.loss ?? null, correct: r.last?.correct ?? 0, n: r.last?.n ?? 0, state: r.state } };
}

const handlers = {
  async init() {
    await loading;
    return { result: { simd: w.cl.simd, buildName: w.cl.buildName, note: w.cl.note, rate: calibrate() } };
  },
  async loadData(args) {
    return { result: await loadData(args) };
  },
  /** Cancel: the data load under way ends (its loadData rejects with status 'cancelled'). */
  async cancelData() {
    cancelDownload();
    return { result: null };
  },
  /** The quick or the full set in use, when it is loaded (the quick one is made from the full one if need be): its sizes, or null. */
  async setQuick({ quick }) {
    await loading;
    if (w.run) throw new Error('stop the run first: it trains on the data in use');
    return { result: useSet(w, Boolean(quick)) ? split(w) : null };
  },
  async dataStatus(args) {
    return { result: await dataStatus(args) };
  },
  async images({ set, indices, shuffled }) {
    await loading;
    const out = copyImages(w, set, indices, shuffled);
    return { result: out, transfer: [out.buffer] };
  },
  async samples({ perClass }) {
    await loading;
    const result = samples(w, perClass);
    return { result, transfer: [result.images.buffer] };
  },
  async describe({ spec }) {
    await loading;
    const d = w.cl.describeSpec(spec, { c: 1, h: IMAGE_SIDE, w: IMAGE_SIDE });
    return { result: d.ok ? { ...d, macs: multiplyAdds(d.layers) } : d };
  },
  async start({ settings }) {
    await loading;
    const result = startRun(w, settings);
    w.run.state = 'running';
    later(w, w.run);
    return { result };
  },
  async pause() {
    const run = w.run;
    if (run && run.state === 'running') run.state = 'paused';
    if (run) postProgress(run);
    return { result: { state: run?.state ?? 'idle' } };
  },
  async resume() {
    const run = w.run;
    if (!run) throw new Error('there is no run to resume: start one');
    if (run.state === 'paused') {
      run.state = 'running';
      later(w, run);
    }
    return { result: { state: run.state } };
  },
  /**
   * One batch. Steps asked for one after the other (a quick double press)
   * run in turn, and a save or export asked for after them waits for them:
   * a step can wait (its first validation pass, the helpers' gradients).
   */
  step(args) {
    const mine = stepsAsked.then(() => stepNow(args));
    stepsAsked = mine.catch(() => {});
    return mine;
  },
  async stop() {
    if (w.run) finish(w, w.run, 'stopped', {});
    return { result: { state: 'stopped' } };
  },
  async reset() {
    await loading;
    stopRun(w, 'reset');
    setModel(w, null, false);
    return { result: { state: 'idle' } };
  },
  async evaluate() {
    await loading;
    let r;
    try {
      r = await testResults(w);
    } catch (e) {
      if (e instanceof Superseded) throw Object.assign(new Error('the model changed before its test was done'), { status: 'superseded' });
      throw e;
    }
    return { result: r, transfer: [r.probs.buffer, r.predicted.buffer, r.labels.buffer] };
  },
  async filters() {
    await loading;
    const f = firstFilters(w);
    return { result: f, transfer: f ? [f.weights.buffer] : [] };
  },
  async network({ watch, live }) {
    await loading;
    watchView(live ? watch : null);
    const view = networkView(w, watch);
    return { result: view, transfer: viewBuffers(view) };
  },
  async save() {
    await loading;
    await stepsAsked;
    needModel(w);
    const bytes = w.model.save();
    return { result: { bytes, spec: w.model.spec }, transfer: [bytes.buffer] };
  },
  /** The model for the tools of the field: 'onnx' (bytes) or 'pytorch' (a Python file's bytes). */
  async exportModel({ format }) {
    await loading;
    await stepsAsked;
    needModel(w);
    const bytes = format === 'onnx' ? w.model.saveOnnx() : new TextEncoder().encode(w.model.savePyTorch());
    return { result: { bytes, spec: w.model.spec }, transfer: [bytes.buffer] };
  },
  async load({ bytes, file, shuffled }) {
    await loading;
    if (file) bytes = await readModelFile(file);
    let net;
    try {
      net = w.cl.loadNetwork(bytes);
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
    stopRun(w, 'replaced');
    setModel(w, net, shuffled);
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
