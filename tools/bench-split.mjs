// Model-parallel training of the MLP (core/cl_nn.h, "model-parallel
// training"), timed in node: one epoch of Fashion-MNIST (60,000 images, batch
// 32, SGD) by the one-call step in one thread, then with layer 1's 128 units
// split over W threads (node workers, each its own engine: units [64 k,
// 64 (k + 1)) for W = 2), trading their 32 x 64 values a batch through a
// SharedArrayBuffer (spinning on Atomics, as the train page's helpers do), in
// alternate rounds. Each line says whether the threads' rows of layer 1 are
// the one-call step's bits (a hash of each range). Run after `make dist`:
//
//   node tools/bench-split.mjs [W]
import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadConvlab } from '../web/lib/convlab.js';

const SITE = new URL('../build/site/', import.meta.url);
const SPEC = 'dense128-relu-dense10-softmax', N = 60000, B = 32;

async function setup() {
  const cl = await loadConvlab({ simd: true, bytes: fs.readFileSync(new URL('convlab-simd.wasm', SITE)) });
  const read = (name, skip) => zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE))).subarray(skip);
  const images = cl.alloc(N * 784), labels = cl.alloc(N);
  cl.u8(images, N * 784).set(read('train-images-idx3-ubyte.gz', 16));
  cl.u8(labels, N).set(read('train-labels-idx1-ubyte.gz', 8));
  const net = cl.createNetwork(SPEC, { seed: 7 });
  net.setOptimizer(0, 0.05, 0, 0);
  const order = cl.alloc(4 * N);
  net.shuffle(order, N);
  return { cl, net, images, labels, order };
}

const hash = (floats) => crypto.createHash('sha256').update(floats).digest('hex').slice(0, 12);
/** Hashes of rows [u0, u1) of layer 1's weights (128 x 784). */
const rowsHash = (net, u0, u1) => hash(net.cl.f32(net.ex.cl_nn_layer_weights(net.ptr, 1) + 4 * u0 * 784, (u1 - u0) * 784));

if (isMainThread) {
  const W = Number(process.argv[2] ?? 2);
  const u = Array.from({ length: W + 1 }, (_, k) => Math.ceil((k * 128) / W));
  for (let round = 0; round < 2; round++) {
    const one = await setup();
    const t0 = performance.now();
    for (let i = 0; i + B <= N; i += B) one.net.trainStepIdx(one.images, one.labels, one.order + 4 * i, B);
    const s1 = (performance.now() - t0) / 1000;
    const want = u.slice(0, -1).map((u0, k) => rowsHash(one.net, u0, u[k + 1]));
    const sab = new SharedArrayBuffer(4 * (2 * W + 1 + B * 128));
    const workers = Array.from({ length: W }, (_, rank) => new Worker(new URL(import.meta.url), { workerData: { rank, W, u, sab } }));
    const got = await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.on('message', resolve); w.on('error', reject); })));
    workers.forEach((w) => w.terminate());
    const sW = Math.max(...got.map((g) => g.seconds));
    console.log(JSON.stringify({ model: SPEC, round, one_thread_s: +s1.toFixed(3), [`${W}_threads_s`]: +sW.toFixed(3),
      speedup: +(s1 / sW).toFixed(2), same_bits: got.every((g, k) => g.rows === want[k]) }));
  }
} else {
  const { rank, W, u, sab } = workerData;
  const { cl, net, images, labels, order } = await setup();
  const flags = new Int32Array(sab, 0, 2 * W + 1); // per thread: batches put in, batches read; then a count of threads ready
  const values = new Float32Array(sab, 4 * (2 * W + 1), B * 128); // every unit's values, each thread its columns
  const [u0, u1] = [u[rank], u[rank + 1]];
  Atomics.add(flags, 2 * W, 1);
  while (Atomics.load(flags, 2 * W) < W); // all ready
  const t0 = performance.now();
  let k = 0;
  for (let i = 0; i + B <= N; i += B) {
    k++;
    net.splitForward(images, labels, order + 4 * i, B, u0, u1);
    const mine = net.splitValues(B);
    for (let r = 0; r < B; r++) values.set(mine.subarray(r * 128 + u0, r * 128 + u1), r * 128 + u0);
    Atomics.store(flags, 2 * rank, k); // my columns are in
    for (let j = 0; j < W; j++) while (j !== rank && Atomics.load(flags, 2 * j) < k);
    for (let j = 0; j < W; j++) {
      if (j === rank) continue;
      for (let r = 0; r < B; r++) mine.set(values.subarray(r * 128 + u[j], r * 128 + u[j + 1]), r * 128 + u[j]);
    }
    Atomics.store(flags, 2 * rank + 1, k); // I have read the others' columns
    net.splitStep(B, u0, u1);
    for (let j = 0; j < W; j++) while (j !== rank && Atomics.load(flags, 2 * j + 1) < k); // before the next batch's columns go in
  }
  parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, rows: rowsHash(net, u0, u1) });
}
