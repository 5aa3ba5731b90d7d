// tfjs-page.mjs - the workloads of the side-by-side benchmark, run inside
// tests/bench/tfjs.html (never shipped). tfjs.bench.mjs calls one exported
// workload at a time through page.evaluate and turns the raw times into rows.
//
// Four contestants share the page: convlab's SIMD and scalar builds (two
// instances of the engine) and TensorFlow.js's wasm and cpu backends (one
// `tf` global; the current backend is switched before each of its trials, and
// every tensor of a contestant is made while its backend is current, so no
// data moves between backends). Each workload:
//   1. sets every contestant up (data copied in, models built: untimed),
//   2. runs `warmup` untimed rounds, then `runs` timed rounds; a round runs
//      each contestant once, in turn, so convlab and TF.js alternate and a
//      slow patch of the machine hits everyone; before each trial the page
//      yields to the event loop,
//   3. returns per contestant the list of trial results { ms, ... }, or the
//      error text where a contestant cannot do the workload.
// Numbers are per call for kernels (a trial repeats the call R times, R
// chosen so that a trial takes ~25 ms), per epoch for training, per 10,000
// images for inference.
import { loadConvlab, PAD } from '../lib/convlab.js';

const tf = globalThis.tf;

export const CONTESTANTS = [
  { id: 'convlab-simd', label: 'convlab SIMD', kind: 'cl', build: 'simd' },
  { id: 'tfjs-wasm', label: 'TF.js wasm', kind: 'tf', backend: 'wasm' },
  { id: 'convlab-scalar', label: 'convlab scalar', kind: 'cl', build: 'scalar' },
  { id: 'tfjs-cpu', label: 'TF.js cpu', kind: 'tf', backend: 'cpu' },
];

const SPECS = {
  mlp: 'dense128-relu-dense10-softmax',
  cnn: 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax',
};
const BATCH = 32;
// Batch for TF.js's accuracy check (untimed).
const PREDICT_BATCH = 100;
const TRIAL_MS = 25;

const env = { cl: {}, data: null };

const yieldLoop = () => new Promise((resolve) => setTimeout(resolve, 0));
const message = (e) => (e && e.message ? e.message : String(e));

async function use(c) {
  if (c.kind === 'tf' && tf.getBackend() !== c.backend) {
    if (!(await tf.setBackend(c.backend))) throw new Error(`TF.js backend ${c.backend} did not initialise`);
  }
}

/** Loads both convlab builds and initialises both TF.js backends. */
export async function init() {
  if (!tf || !tf.wasm) throw new Error('TensorFlow.js did not load from ../__tfjs/ (is node_modules installed?)');
  tf.wasm.setWasmPaths(new URL('../__tfjs/tfjs-backend-wasm/dist/', location.href).href);
  // ?threads=N: the wasm backend's thread pool (it needs a cross-origin isolated page; train-workers.bench.mjs)
  const threads = Number(new URLSearchParams(location.search).get('threads'));
  if (threads > 0) tf.wasm.setThreadsCount(threads);
  env.cl.simd = await loadConvlab({ simd: true });
  env.cl.scalar = await loadConvlab({ simd: false });
  if (!env.cl.simd.simd) throw new Error('this browser does not run the SIMD build');
  await use(CONTESTANTS[1]);
  const wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const wasmThreads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  await use(CONTESTANTS[3]);
  return {
    tfjs: tf.version.tfjs,
    wasmSimd, wasmThreads,
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
    userAgent: navigator.userAgent,
  };
}

// ---- the round-robin driver ----

/**
 * entries: per contestant { setup(), trial(ctx, warm) -> { ms, ... }, teardown(ctx) }.
 * A contestant whose setup or trial throws is dropped from later rounds and its
 * error kept. Returns { [id]: { trials: [...], error? } } plus what setup reported.
 */
async function roundRobin(entries, { warmup, runs, log }) {
  const out = {};
  const live = [];
  for (const [c, e] of entries) {
    const r = (out[c.id] = { trials: [] });
    try {
      await use(c);
      e.ctx = await e.setup();
      if (e.ctx && e.ctx.info) r.info = e.ctx.info;
      live.push([c, e, r]);
    } catch (err) {
      r.error = message(err);
    }
  }
  for (let round = -warmup; round < runs; round++) {
    for (const [c, e, r] of live) {
      if (r.error) continue;
      try {
        await use(c);
        await yieldLoop();
        const t = await e.trial(e.ctx, round < 0);
        if (round >= 0) r.trials.push(t);
        if (log) log(`${c.label}${round < 0 ? ' (warm-up)' : ` run ${round + 1}/${runs}`}: ${t.ms.toFixed(3)} ms`);
      } catch (err) {
        r.error = message(err);
      }
    }
  }
  for (const [c, e] of live) {
    try {
      await use(c);
      e.teardown?.(e.ctx);
    } catch { /* nothing left to report */ }
  }
  return out;
}

/** How many calls of fn make a trial of about TRIAL_MS (after two calls to warm it). */
function repeatsFor(fn) {
  fn();
  const t0 = performance.now();
  fn();
  const t = Math.max(performance.now() - t0, 0.01);
  return Math.max(1, Math.min(10000, Math.ceil(TRIAL_MS / t)));
}

function timedRepeat(fn, reps) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return { ms: (performance.now() - t0) / reps, reps };
}

/** Largest |a[i] - b[index(i)]| relative to the largest |a[i]|. */
function maxAbsDiff(a, b, index) {
  let m = 0, big = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[index(i)]));
    big = Math.max(big, Math.abs(a[i]));
  }
  return big > 0 ? m / big : m;
}

function randomFloats(n, seed, lo, hi) {
  const v = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    v[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return v;
}

// ---- 1. convolution of a 1050 x 700 RGB image ----

/**
 * k x k kernel on a (3, 700, 1050) image with zero "same" padding.
 * mode 'per-channel': each channel with its own kernel (TF.js depthwiseConv2d);
 * mode 'sum': summed over channels to one plane (TF.js conv2d, 3 -> 1).
 * Float planes in, float planes out: convlab reads (C, H, W) planes already in
 * its memory, TF.js an (1, H, W, C) tensor already on its backend, and each
 * leaves its output where it computed it.
 */
export async function convolution({ k, mode, warmup = 1, runs = 5 }) {
  const H = 700, W = 1050, C = 3, n = H * W;
  const x = new Float32Array(C * n); // planar, 0-255 like the engine's images
  for (let i = 0; i < n; i++) {
    const px = i % W, py = (i / W) | 0;
    x[i] = (px * 255) / W; x[n + i] = (py * 255) / H; x[2 * n + i] = (px + py) & 255;
  }
  const noise = randomFloats(C * n, 7, 0, 16);
  for (let i = 0; i < x.length; i++) x[i] += noise[i];
  const kernels = randomFloats(C * k * k, 11, -1, 1); // (C, k, k), asymmetric on purpose
  const oc = mode === 'sum' ? 1 : C;
  let reference = null; // convlab SIMD's output, to check that every contestant computes the same thing
  const entries = CONTESTANTS.map((c) => [c, c.kind === 'cl' ? {
    setup() {
      const cl = env.cl[c.build], ex = cl.exports;
      const px = cl.alloc(4 * C * n), pk = cl.alloc(4 * C * k * k), pz = cl.alloc(4 * oc * n);
      cl.f32(px, C * n).set(x);
      cl.f32(pk, C * k * k).set(kernels);
      const call = mode === 'sum'
        ? () => ex.cl_conv2d_sum(px, C, H, W, pk, k, k, 0, PAD.zero, 1, pz, H, W)
        : () => ex.cl_conv2d_per_channel(px, C, H, W, pk, C, k, k, PAD.zero, 1, pz, H, W);
      cl.check(call(), 'convolution');
      const z = cl.f32(pz, oc * n);
      let info;
      if (!reference) reference = Float32Array.from(z);
      else info = { maxDiff: maxAbsDiff(reference, z, (i) => i) };
      return { cl, call, reps: repeatsFor(call), ptrs: [px, pk, pz], info };
    },
    trial: (ctx) => timedRepeat(ctx.call, ctx.reps),
    teardown: (ctx) => ctx.ptrs.forEach((p) => ctx.cl.free(p)),
  } : {
    setup() {
      const hwc = new Float32Array(C * n);
      for (let ch = 0; ch < C; ch++) for (let i = 0; i < n; i++) hwc[i * C + ch] = x[ch * n + i];
      const f = new Float32Array(k * k * C); // (k, k, C, 1): kernels[ch][ky][kx]
      for (let ch = 0; ch < C; ch++) for (let j = 0; j < k * k; j++) f[j * C + ch] = kernels[ch * k * k + j];
      const xt = tf.tensor4d(hwc, [1, H, W, C]);
      const ft = tf.tensor4d(f, [k, k, C, 1]);
      const op = mode === 'sum' ? () => tf.conv2d(xt, ft, 1, 'same') : () => tf.depthwiseConv2d(xt, ft, 1, 'same');
      const y = op();
      const z = y.dataSync(); // (1, H, W, oc)
      y.dispose();
      const info = { maxDiff: maxAbsDiff(reference, z, (i) => (i % n) * oc + Math.floor(i / n)) };
      const call = () => op().dispose();
      return { call, reps: repeatsFor(call), xt, ft, info };
    },
    trial: (ctx) => timedRepeat(ctx.call, ctx.reps),
    teardown: (ctx) => { ctx.xt.dispose(); ctx.ft.dispose(); },
  }]);
  return roundRobin(entries, { warmup, runs });
}

// ---- 2. matrix multiply ----

/**
 * C (m, n) = op(A) op(B): A stored (m, k), or (k, m) when ta; B stored (k, n),
 * or (n, k) when tb. convlab: cl_gemm with beta 0; TF.js: tf.matMul(a, b, ta, tb).
 * Trials report ms per call; the bench turns them into GFLOP/s (2 m n k flops).
 */
export async function matmul({ m, n, k, ta, tb, warmup = 1, runs = 5 }) {
  const a = randomFloats(m * k, 3, -1, 1), b = randomFloats(k * n, 5, -1, 1);
  const lda = ta ? m : k, ldb = tb ? k : n;
  let reference = null;
  const entries = CONTESTANTS.map((c) => [c, c.kind === 'cl' ? {
    setup() {
      const cl = env.cl[c.build], ex = cl.exports;
      const pa = cl.alloc(4 * m * k), pb = cl.alloc(4 * k * n), pc = cl.alloc(4 * m * n);
      cl.f32(pa, m * k).set(a);
      cl.f32(pb, k * n).set(b);
      const call = () => ex.cl_gemm(ta, tb, m, n, k, pa, lda, pb, ldb, 0, pc, n);
      call();
      const z = cl.f32(pc, m * n);
      let info;
      if (!reference) reference = Float32Array.from(z);
      else info = { maxDiff: maxAbsDiff(reference, z, (i) => i) };
      return { cl, call, reps: repeatsFor(call), ptrs: [pa, pb, pc], info };
    },
    trial: (ctx) => timedRepeat(ctx.call, ctx.reps),
    teardown: (ctx) => ctx.ptrs.forEach((p) => ctx.cl.free(p)),
  } : {
    setup() {
      const at = tf.tensor2d(a, ta ? [k, m] : [m, k]);
      const bt = tf.tensor2d(b, tb ? [n, k] : [k, n]);
      const y = tf.matMul(at, bt, Boolean(ta), Boolean(tb));
      const info = { maxDiff: maxAbsDiff(reference, y.dataSync(), (i) => i) };
      y.dispose();
      const call = () => tf.matMul(at, bt, Boolean(ta), Boolean(tb)).dispose();
      return { call, reps: repeatsFor(call), at, bt, info };
    },
    trial: (ctx) => timedRepeat(ctx.call, ctx.reps),
    teardown: (ctx) => { ctx.at.dispose(); ctx.bt.dispose(); },
  }]);
  return roundRobin(entries, { warmup, runs });
}

// ---- Fashion-MNIST ----

async function gunzip(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  const stream = res.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An IDX file parsed by the engine (cl_idx_parse_*), kept in that engine's memory. */
function keepIdx(cl, bytes, what) {
  const ex = cl.exports;
  const base = cl.alloc(bytes.length), hdr = cl.alloc(32);
  try {
    cl.u8(base, bytes.length).set(bytes);
    const parse = what === 'images' ? ex.cl_idx_parse_images : ex.cl_idx_parse_labels;
    cl.check(parse(base, bytes.length, hdr), `parsing the ${what}`);
    const v = cl.i32(hdr, 8);
    return { base, hdr: Int32Array.from(v), ptr: base + v[7], count: v[5], itemBytes: v[6] };
  } finally {
    cl.free(hdr);
  }
}

/** Loads the four files once; each engine gets its own copy of the bytes. */
export async function loadData() {
  if (env.data) return env.data.summary;
  const names = {
    trainImages: 'train-images-idx3-ubyte.gz', trainLabels: 'train-labels-idx1-ubyte.gz',
    testImages: 't10k-images-idx3-ubyte.gz', testLabels: 't10k-labels-idx1-ubyte.gz',
  };
  const bytes = {};
  for (const [key, file] of Object.entries(names)) bytes[key] = await gunzip(new URL(`../__data/${file}`, location.href));
  const data = { js: {}, cl: {} };
  for (const build of ['simd', 'scalar']) {
    const cl = env.cl[build];
    const d = {};
    for (const key of Object.keys(names)) d[key] = keepIdx(cl, bytes[key], key.endsWith('Images') ? 'images' : 'labels');
    for (const set of ['train', 'test']) {
      const hdrs = cl.alloc(64);
      try {
        cl.i32(hdrs, 16).set([...d[`${set}Images`].hdr, ...d[`${set}Labels`].hdr]);
        cl.check(cl.exports.cl_idx_check_pair(hdrs, hdrs + 32, d[`${set}Labels`].base, 10), `${set} set`);
      } finally {
        cl.free(hdrs);
      }
    }
    data.cl[build] = d;
  }
  const d = data.cl.simd;
  for (const key of Object.keys(names)) data.js[key] = bytes[key].subarray(d[key].hdr[7]);
  data.summary = { train: d.trainImages.count, test: d.testImages.count, rows: d.trainImages.hdr[3], cols: d.trainImages.hdr[4] };
  env.data = data;
  return data.summary;
}

// ---- models ----

function clCreate(cl, spec, seed, lr) {
  const ex = cl.exports;
  const text = new TextEncoder().encode(`${spec}\0`);
  const ps = cl.alloc(text.length), slot = cl.alloc(4), err = cl.alloc(256);
  try {
    cl.u8(ps, text.length).set(text);
    const st = ex.cl_nn_create(slot, ps, 1, 28, 28, seed, err, 256);
    if (st !== 0) {
      const e = cl.u8(err, 256);
      throw new Error(`cl_nn_create: ${new TextDecoder().decode(e.subarray(0, e.indexOf(0)))}`);
    }
    const m = cl.i32(slot, 1)[0];
    cl.check(ex.cl_nn_set_optimizer(m, 0, lr, 0, 0), 'SGD');
    return m;
  } finally {
    cl.free(ps); cl.free(slot); cl.free(err);
  }
}

/** The same layers in TF.js Layers, He-uniform before ReLU and Glorot-uniform otherwise, as convlab. */
function tfModel(kind, lr) {
  const model = tf.sequential();
  if (kind === 'mlp') {
    model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: 'heUniform' }));
  } else {
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
  }
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotUniform' }));
  model.compile({ optimizer: tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
  return model;
}

/** Images (uint8, count x 784) as the float tensor TF.js trains on, x / 255. */
function tfImages(pixels, count, kind) {
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return kind === 'mlp' ? tf.tensor2d(x, [count, 784]) : tf.tensor4d(x, [count, 28, 28, 1]);
}

function tfAccuracy(model, xs, labels) {
  const pred = tf.tidy(() => model.predict(xs, { batchSize: PREDICT_BATCH }).argMax(-1));
  const p = pred.dataSync();
  pred.dispose();
  let ok = 0;
  for (let i = 0; i < labels.length; i++) ok += p[i] === labels[i];
  return ok / labels.length;
}

// ---- 3, 4. one training epoch ----

/**
 * One epoch of SGD (batch 32, learning rate lr, shuffled) from a freshly
 * initialised model, then its accuracy on the 10,000 test images (untimed).
 * fraction < 1 trains on the first fraction of the training set only (rounded
 * to whole batches) and reports ms scaled to the full epoch; fractions.{id}
 * overrides it per contestant; a warm-up trial runs warmBatches batches.
 * Accuracy is reported only for a full epoch.
 */
export async function epoch({ kind, lr = 0.1, fraction = 1, fractions = {}, warmBatches = 20, warmup = 1, runs = 5, verbose = false }) {
  await loadData();
  const N = env.data.summary.train, fullBatches = Math.floor(N / BATCH);
  const testLabels = env.data.js.testLabels;
  let seed = 1;
  const entries = CONTESTANTS.map((c) => {
    const f = fractions[c.id] ?? fraction;
    const batches = Math.max(1, Math.min(fullBatches, Math.round(fullBatches * f)));
    const info = { batches, fullBatches };
    return [c, c.kind === 'cl' ? {
      setup() {
        const cl = env.cl[c.build], d = env.data.cl[c.build];
        return { cl, d, order: cl.alloc(4 * N), info };
      },
      trial(ctx, warm) {
        const { cl, d, order } = ctx, ex = cl.exports;
        const nb = warm ? Math.min(warmBatches, batches) : batches;
        const m = clCreate(cl, SPECS[kind], seed++, lr);
        try {
          const t0 = performance.now();
          // a permutation of the examples this trial uses (all of them for a full epoch)
          cl.check(ex.cl_nn_shuffle(m, order, nb * BATCH), 'shuffle');
          for (let b = 0; b < nb; b++) {
            const st = ex.cl_nn_train_step_idx(m, d.trainImages.ptr, d.trainLabels.ptr, order + 4 * BATCH * b, BATCH);
            if (st !== 0) cl.check(st, `training step ${b}`);
          }
          const ms = ((performance.now() - t0) * fullBatches) / nb;
          const r = { ms, loss: ex.cl_nn_loss(m) };
          if (nb === fullBatches) {
            cl.check(ex.cl_nn_evaluate(m, d.testImages.ptr, d.testLabels.ptr, d.testImages.count), 'evaluate');
            r.acc = ex.cl_nn_eval_accuracy(m);
          }
          return r;
        } finally {
          ex.cl_nn_free(m);
        }
      },
      teardown: (ctx) => ctx.cl.free(ctx.order),
    } : {
      setup() {
        const { js } = env.data;
        const xs = tfImages(js.trainImages, batches * BATCH, kind);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(js.trainLabels.subarray(0, batches * BATCH), 'int32'), 10).toFloat());
        const warmN = Math.min(warmBatches, batches) * BATCH;
        const xw = xs.slice(0, warmN), yw = ys.slice(0, warmN);
        const xt = tfImages(js.testImages, testLabels.length, kind);
        return { xs, ys, xw, yw, xt, info };
      },
      async trial(ctx, warm) {
        const model = tfModel(kind, lr);
        const [x, y] = warm ? [ctx.xw, ctx.yw] : [ctx.xs, ctx.ys];
        const nb = x.shape[0] / BATCH;
        try {
          const t0 = performance.now();
          const h = await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: true, yieldEvery: 'never', verbose: 0 });
          const ms = ((performance.now() - t0) * fullBatches) / nb;
          const r = { ms, loss: h.history.loss[0] };
          if (nb === fullBatches) r.acc = tfAccuracy(model, ctx.xt, testLabels);
          return r;
        } finally {
          model.optimizer.dispose();
          model.dispose();
        }
      },
      teardown: (ctx) => ['xs', 'ys', 'xw', 'yw', 'xt'].forEach((t) => ctx[t].dispose()),
    }];
  });
  return roundRobin(entries, { warmup, runs, log: verbose ? (s) => console.log(`${kind} epoch: ${s}`) : null });
}

// ---- 5. inference on the test set ----

/**
 * Class probabilities for the 10,000 test images, read back into memory the
 * page can use: convlab's cl_nn_predict (uint8 images in, run in chunks of
 * 100 inside), TF.js model.predict (float tensor, all 10,000 as one batch,
 * its fastest: Layers' predict loop with batchSize 100 takes ~15 times as
 * long for the MLP on the wasm backend) and dataSync(). The weights are
 * freshly initialised (speed does not depend on them).
 */
export async function inference({ kind, warmup = 1, runs = 5 }) {
  await loadData();
  const count = env.data.summary.test;
  const entries = CONTESTANTS.map((c) => [c, c.kind === 'cl' ? {
    setup() {
      const cl = env.cl[c.build], d = env.data.cl[c.build];
      return { cl, d, m: clCreate(cl, SPECS[kind], 1, 0.1), probs: cl.alloc(4 * 10 * count) };
    },
    trial(ctx) {
      const { cl, d, m, probs } = ctx;
      const t0 = performance.now();
      cl.check(cl.exports.cl_nn_predict(m, d.testImages.ptr, count, probs), 'predict');
      return { ms: performance.now() - t0 };
    },
    teardown(ctx) {
      ctx.cl.exports.cl_nn_free(ctx.m);
      ctx.cl.free(ctx.probs);
    },
  } : {
    setup: () => ({ model: tfModel(kind, 0.1), xt: tfImages(env.data.js.testImages, count, kind) }),
    trial(ctx) {
      const t0 = performance.now();
      const y = ctx.model.predict(ctx.xt, { batchSize: count });
      y.dataSync();
      const ms = performance.now() - t0;
      y.dispose();
      return { ms };
    },
    teardown(ctx) {
      ctx.model.dispose();
      ctx.xt.dispose();
    },
  }]);
  return roundRobin(entries, { warmup, runs });
}
