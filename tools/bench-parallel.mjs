// The costs of data-parallel training, one at a time, for a model of the
// epoch on W cores (README, Performance: "Training on every core").
// The SIMD engine in node (the same .wasm as the page), Fashion-MNIST from
// the built site, batch 32, SGD. Each cost is the fastest of many repetitions:
// on a machine shared with other work, the fastest is the one nothing
// interrupted (one batch or one copy a repetition, 400 repetitions). In the train page's shared-memory team (web/train/team.js,
// exchange.js), one batch on W workers costs each worker, in turn:
//   grad(32 / W)     the gradient of its part (the W parts run at once)
//   out              its gradient copied into shared memory
//   wake             the last worker's arrival seen by the others (Atomics.notify to a waiting thread)
//   (W - 1) x (in + add)   the other parts copied into its engine and added
//   apply            the optimiser step
// so T(W) = grad(32 / W) + out + wake + (W - 1)(in + add) + apply per batch,
// and T(1) = grad(32) + apply, what the one-call step does (its own time,
// step, is printed too: on a loaded machine it is measured in other moments).
// The model takes the W parts to run at once as fast as one alone. Whether
// the cores let them is measured too ("at once"): W threads (node workers,
// each its own engine) compute the gradient of a part of 32 / W examples,
// 300 times, started together; their time a call against one thread's alone
// (rounds alternate, the best round of each), for W = 1 .. the cores.
//
//   node tools/bench-parallel.mjs
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadConvlab } from '../web/lib/convlab.js';
import { partOf } from '../web/train/exchange.js';

const SITE = new URL('../build/site/', import.meta.url);
const MODELS = [
  ['CNN', 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax'],
  ['MLP', 'dense128-relu-dense10-softmax'],
];
const N = 6400, B = 32, REPS = 400;

const fastest = (fn, reps = REPS) => {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const k = fn();
    best = Math.min(best, (performance.now() - t0) / k);
  }
  return best; // ms per call
};

/** The fastest one-way wake between two threads (Atomics.notify to Atomics.wait), in ms. */
async function wakeLatency() {
  const sab = new SharedArrayBuffer(8), a = new Int32Array(sab);
  const src = `const { workerData } = require('node:worker_threads'); const a = new Int32Array(workerData);
    for (let i = 1; i <= 20000; i++) { Atomics.wait(a, 0, 2 * i - 2); Atomics.store(a, 0, 2 * i); Atomics.notify(a, 0); }`;
  const w = new Worker(src, { eval: true, workerData: sab });
  let best = Infinity;
  for (let i = 1; i <= 20000; i++) {
    const t0 = performance.now();
    Atomics.store(a, 0, 2 * i - 1);
    Atomics.notify(a, 0);
    while (Atomics.load(a, 0) !== 2 * i) Atomics.wait(a, 0, 2 * i - 1, 100);
    best = Math.min(best, (performance.now() - t0) / 2);
  }
  await w.terminate();
  return best;
}

/** A thread of "at once": its own engine and data; each time its flag is raised, `calls` gradients of `part` examples. */
async function partThread({ spec, part, calls, flags, index }) {
  const cl = await loadConvlab({ simd: true, bytes: fs.readFileSync(new URL('convlab-simd.wasm', SITE)) });
  const { images, labels, order } = loadData(cl);
  const net = cl.createNetwork(spec, { seed: 3 });
  net.setOptimizer(0, 0.01, 0, 0);
  net.shuffle(order, N);
  const batches = N / B;
  for (let b = 0; b < 20; b++) net.gradientsIdx(images, labels, order + 4 * B * b, part, B); // warm-up
  const flag = new Int32Array(flags);
  parentPort.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(flag, index, 0);
    if (Atomics.load(flag, index) < 0) break;
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) net.gradientsIdx(images, labels, order + 4 * B * (c % batches), part, B);
    Atomics.store(flag, index, 0);
    parentPort.postMessage({ ms: (performance.now() - t0) / calls });
  }
}

/** The first N training images and labels of the built site, in the engine. */
function loadData(cl) {
  const raw = (name, skip) => zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE))).subarray(skip);
  const images = cl.alloc(N * 784), labels = cl.alloc(N), order = cl.alloc(4 * N);
  cl.u8(images, N * 784).set(raw('train-images-idx3-ubyte.gz', 16).subarray(0, N * 784));
  cl.u8(labels, N).set(raw('train-labels-idx1-ubyte.gz', 8).subarray(0, N));
  return { images, labels, order };
}

/**
 * "At once": ms a call of the gradient of 32 / W examples in one thread
 * alone and in each of W threads started together (the slowest of them),
 * rounds alternating, the best round of each: { alone, together }.
 */
async function atOnce(spec, W, rounds = 5, calls = 300) {
  const part = partOf(B, W, 0)[1];
  const flags = new SharedArrayBuffer(4 * W), flag = new Int32Array(flags);
  const threads = Array.from({ length: W }, (_, index) => new Worker(new URL(import.meta.url), { workerData: { spec, part, calls, flags, index } }));
  let failed = null;
  const waiting = threads.map(() => []); // per thread: the resolvers of its next answers
  threads.forEach((t, i) => {
    t.on('message', (m) => waiting[i].shift()?.(m));
    t.on('error', (e) => { failed = e; for (const q of waiting) q.splice(0).forEach((f) => f(null)); });
  });
  const answer = async (i) => {
    const m = await new Promise((resolve) => waiting[i].push(resolve));
    if (failed) throw failed;
    return m;
  };
  await Promise.all(threads.map((_, i) => answer(i)));
  const round = async (n) => {
    const done = threads.slice(0, n).map((_, i) => answer(i));
    for (let i = 0; i < n; i++) { Atomics.store(flag, i, 1); Atomics.notify(flag, i); }
    return Math.max(...(await Promise.all(done)).map((m) => m.ms));
  };
  let alone = Infinity, together = Infinity;
  for (let r = 0; r < rounds; r++) {
    alone = Math.min(alone, await round(1));
    together = Math.min(together, await round(W));
  }
  for (let i = 0; i < W; i++) { Atomics.store(flag, i, -1); Atomics.notify(flag, i); }
  await Promise.all(threads.map((t) => t.terminate()));
  return { alone, together };
}

async function main() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  console.log(`machine: ${cpu}, ${os.cpus().length} logical cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(' / ')}`);
  const cl = await loadConvlab({ simd: true, bytes: fs.readFileSync(new URL('convlab-simd.wasm', SITE)) });
  const { images, labels, order } = loadData(cl);
  const wake = await wakeLatency();
  console.log(`wake (Atomics.notify -> a waiting thread, one way, fastest of 20,000): ${(wake * 1000).toFixed(1)} us`);
  const out = [];
  for (const [name, spec] of MODELS) {
    const net = cl.createNetwork(spec, { seed: 3 });
    net.setOptimizer(0, 0.01, 0, 0);
    net.shuffle(order, N);
    const batches = N / B;
    // one batch a repetition: short enough that some run without the machine's other work in between
    let at = 0;
    const next = () => order + 4 * B * (at++ % batches);
    for (let b = 0; b < 20; b++) net.trainStepIdx(images, labels, next(), B); // warm-up
    const step = fastest(() => { net.trainStepIdx(images, labels, next(), B); return 1; });
    const grad = {};
    for (const W of [1, 2, 4, 8]) {
      const [lo, hi] = partOf(B, W, 0);
      grad[W] = fastest(() => { net.gradientsIdx(images, labels, next(), hi - lo, B); return 1; });
    }
    const P = net.paramFloats;
    const slot = new Float32Array(new SharedArrayBuffer(4 * P)), scratch = cl.alloc(4 * P);
    const copyOut = fastest(() => { slot.set(net.gradsView()); return 1; });
    const copyIn = fastest(() => { cl.f32(scratch, P).set(slot); return 1; });
    cl.f32(scratch, P).fill(0);
    const add = fastest(() => { net.addGradients(scratch); return 1; });
    const apply = fastest(() => { net.applyGradients(); return 1; });
    const epoch = (perBatch) => (perBatch * 60000) / B / 1000; // s
    const model = (W) => (W === 1 ? grad[1] + apply : grad[W] + copyOut + wake + (W - 1) * (copyIn + add) + apply);
    console.log(`\n${name} (${P} floats of parameters), per batch of 32, ms: step ${step.toFixed(3)}; `
      + `gradient of a part: ${[1, 2, 4, 8].map((W) => `${B / W} examples ${grad[W].toFixed(3)}`).join(', ')}; `
      + `copy out ${copyOut.toFixed(4)}, copy in ${copyIn.toFixed(4)}, add ${add.toFixed(4)}, apply ${apply.toFixed(4)}`);
    for (const W of [1, 2, 4, 8]) {
      const t = model(W);
      console.log(`  ${W} worker${W > 1 ? 's' : ' '}: ${t.toFixed(3)} ms a batch, ${epoch(t).toFixed(2)} s an epoch of 60,000, speed-up ${(model(1) / t).toFixed(2)}x`);
      out.push({ model: name, workers: W, msPerBatch: t, epochSeconds: epoch(t) });
    }
    net.free();
    // can the cores run the parts at once as fast as one alone?
    for (let W = 2; W <= os.cpus().length && W <= 8; W *= 2) {
      const { alone, together } = await atOnce(spec, W);
      console.log(`  at once: the gradient of ${B / W} examples takes ${alone.toFixed(3)} ms alone, ${together.toFixed(3)} ms in each of ${W} threads at once (x${(together / alone).toFixed(2)})`);
      out.push({ model: name, workers: W, atOnce: { alone, together } });
    }
  }
  fs.mkdirSync(new URL('../bench-results/', import.meta.url), { recursive: true });
  fs.writeFileSync(new URL('../bench-results/parallel-model.json', import.meta.url), JSON.stringify(out, null, 2));
}

if (isMainThread) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
else partThread(workerData);
