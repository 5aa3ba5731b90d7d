// Data-parallel training in the built .wasm modules (SIMD and scalar), from
// node, on Fashion-MNIST: the train page's team (web/train/team.js) does, per
// batch, W engines each computing the gradient of its part (exchange.js
// partOf), engine 0 adding the others' gradients in rank order and stepping,
// the others taking its parameters. Here the W engines are W instances of the
// engine in one thread, doing the same calls in the same order.
//
//   - W = 1 through the data-parallel calls (gradientsIdx + applyGradients) is
//     today's one-call step (trainStepIdx), bit for bit, for SGD, momentum and Adam;
//   - W = 2 and 3: the same weights bit for bit run after run;
//   - W = 2 after one epoch of 10,000 images (313 SGD steps, SIMD build): the
//     test accuracy within 0.5 percentage points of W = 1's, and every weight
//     within a stated share of W = 1's largest: 1e-5 for the MLP (seen: 6e-7),
//     2e-2 for the CNN (seen: 7e-3; a ReLU or a max-pool's choice that flips on
//     a rounding difference sends the runs apart slowly). The only difference
//     is the order of the sums over each batch: a few units in the last place
//     of the gradients per step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { loadConvlab } from '../../web/lib/convlab.js';
import { partOf, soloGradients } from '../../web/train/exchange.js';
import { OPTIMIZER, LOSS } from '../../web/lib/limits.js';

const SITE = new URL('../../build/site/', import.meta.url);
const data = (name, skip) => zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE))).subarray(skip);
const TRAIN = { images: data('train-images-idx3-ubyte.gz', 16), labels: data('train-labels-idx1-ubyte.gz', 8) };
const TEST = { images: data('t10k-images-idx3-ubyte.gz', 16), labels: data('t10k-labels-idx1-ubyte.gz', 8) };
const CNN = 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax';
const MLP = 'dense128-relu-dense10-softmax';

/** W engines of one build, each with its own copy of the first n training images and a model. */
async function team(simd, W, spec, n, opt = OPTIMIZER.sgd, lr = 0.05) {
  const bytes = fs.readFileSync(new URL(simd ? 'convlab-simd.wasm' : 'convlab-scalar.wasm', SITE));
  const out = [];
  for (let k = 0; k < W; k++) {
    const cl = await loadConvlab({ simd, bytes });
    const images = cl.alloc(n * 784), labels = cl.alloc(n), idx = cl.alloc(4 * 4096);
    cl.u8(images, n * 784).set(TRAIN.images.subarray(0, n * 784));
    cl.u8(labels, n).set(TRAIN.labels.subarray(0, n));
    const net = cl.createNetwork(spec, { seed: 11 });
    net.setOptimizer(opt, lr, 0.9, 1e-4);
    net.setLoss(LOSS.xent);
    out.push({ cl, net, images, labels, idx, scratch: cl.alloc(4 * net.paramFloats) });
  }
  return out;
}

/**
 * One epoch of n images in batches of `size`, shuffled by engine 0's
 * generator: W = 0 the one-call step; W >= 1 the team's calls (team.js step);
 * `solo`: engine 0 alone computing the W parts in turn (exchange.js
 * soloGradients: team.js soloStep, a team's run left to its worker).
 */
function epoch(engines, W, n, { solo = false, size = 32 } = {}) {
  const e0 = engines[0];
  const order = e0.cl.alloc(4 * n);
  e0.net.shuffle(order, n);
  const all = Int32Array.from(e0.cl.i32(order, n));
  for (let pos = 0; pos < n; pos += size) {
    const b = Math.min(size, n - pos);
    const batch = all.subarray(pos, pos + b);
    if (W === 0) {
      e0.cl.i32(e0.idx, b).set(batch);
      e0.net.trainStepIdx(e0.images, e0.labels, e0.idx, b);
      continue;
    }
    if (solo) {
      e0.cl.i32(e0.idx, b).set(batch);
      const parts = soloGradients(e0.net, e0.cl, e0.images, e0.labels, e0.idx, b, W, e0.scratch);
      assert.deepEqual(parts.map((p) => p.n), Array.from({ length: W }, (_, k) => partOf(b, W, k)[1] - partOf(b, W, k)[0]));
      e0.net.applyGradients();
      continue;
    }
    const params = Float32Array.from(e0.net.paramsView());
    for (let k = 0; k < W; k++) {
      const { cl, net, images, labels, idx } = engines[k];
      if (k > 0) net.paramsView().set(params);
      const [lo, hi] = partOf(b, W, k);
      if (hi === lo) continue; // a batch smaller than the team: no part
      cl.i32(idx, hi - lo).set(batch.subarray(lo, hi));
      net.gradientsIdx(images, labels, idx, hi - lo, b);
    }
    for (let k = 1; k < W; k++) {
      if (partOf(b, W, k)[0] === partOf(b, W, k)[1]) continue;
      e0.cl.f32(e0.scratch, e0.net.paramFloats).set(engines[k].net.gradsView());
      e0.net.addGradients(e0.scratch);
    }
    e0.net.applyGradients();
  }
  e0.cl.free(order);
  return Float32Array.from(e0.net.paramsView());
}

function accuracy({ cl, net }) {
  const n = 10000, p = cl.alloc(n * 785);
  cl.u8(p, n * 784).set(TEST.images.subarray(0, n * 784));
  cl.u8(p + n * 784, n).set(TEST.labels.subarray(0, n));
  const acc = net.evaluate(p, p + n * 784, n).accuracy;
  cl.free(p);
  return acc;
}

const same = (a, b, what) => {
  const first = a.findIndex((v, i) => !Object.is(v, b[i]));
  assert.equal(first, -1, `${what}: first difference at ${first}: ${a[first]} vs ${b[first]}`);
};

for (const simd of [false, true]) {
  const build = simd ? 'SIMD' : 'scalar';

  test(`one worker through the data-parallel calls is today's one-call step, bit for bit (${build})`, async () => {
    for (const [spec, opt] of [[CNN, OPTIMIZER.sgd], [MLP, OPTIMIZER.momentum], [MLP, OPTIMIZER.adam], [CNN, OPTIMIZER.adam]]) {
      const lr = opt === OPTIMIZER.adam ? 0.002 : 0.05;
      const today = epoch(await team(simd, 1, spec, 1000, opt, lr), 0, 1000);
      const one = epoch(await team(simd, 1, spec, 1000, opt, lr), 1, 1000);
      same(one, today, `${spec} optimiser ${opt}`);
    }
  });

  test(`2 and 3 workers: the same weights run after run (${build})`, async () => {
    for (const W of [2, 3]) {
      // 1001 images: the last batch has 9 examples (31 x 32 + 9)
      const a = epoch(await team(simd, W, CNN, 1001), W, 1001);
      const b = epoch(await team(simd, W, CNN, 1001), W, 1001);
      same(a, b, `${W} workers`);
      const one = epoch(await team(simd, 1, CNN, 1001), 1, 1001);
      assert.ok(a.some((v, i) => v !== one[i]), `${W} workers sum each batch in another order than 1`);
    }
  });

  test(`one engine computing a team's parts in turn (a run the team left to its worker) gives the team's weights bit for bit (${build})`, async () => {
    // 1001 images: the last batch of 9; batches of 2 for 3 and 4 workers: parts of each batch are empty
    // (of 4: the second and the fourth)
    for (const [spec, opt, W, size] of [[CNN, OPTIMIZER.sgd, 2, 32], [CNN, OPTIMIZER.adam, 3, 32], [MLP, OPTIMIZER.momentum, 4, 32], [CNN, OPTIMIZER.sgd, 3, 2], [MLP, OPTIMIZER.adam, 4, 2]]) {
      const lr = opt === OPTIMIZER.adam ? 0.002 : 0.05;
      const n = size === 2 ? 301 : 1001;
      const team_ = epoch(await team(simd, W, spec, n, opt, lr), W, n, { size });
      const solo = epoch(await team(simd, 1, spec, n, opt, lr), W, n, { size, solo: true });
      same(solo, team_, `${spec} optimiser ${opt}, ${W} parts of batches of ${size}`);
      if (size === 2) continue; // one example a part: the sums of two are one worker's too
      const one = epoch(await team(simd, 1, spec, n, opt, lr), 0, n, { size });
      assert.ok(one.some((v, i) => v !== team_[i]), `${W} workers sum each batch in another order than 1`);
    }
  });

  if (!simd) continue; // the same code; one build is enough for the longest test
  test(`2 workers stay close to 1 over an epoch: weights and test accuracy (${build})`, async () => {
    for (const [spec, share] of [[MLP, 1e-5], [CNN, 2e-2]]) {
      const t1 = await team(simd, 1, spec, 10000), t2 = await team(simd, 2, spec, 10000);
      const w1 = epoch(t1, 1, 10000), w2 = epoch(t2, 2, 10000);
      let diff = 0, scale = 0;
      for (let i = 0; i < w1.length; i++) {
        diff = Math.max(diff, Math.abs(w2[i] - w1[i]));
        scale = Math.max(scale, Math.abs(w1[i]));
      }
      const a1 = accuracy(t1[0]), a2 = accuracy(t2[0]);
      console.log(`# ${build} ${spec}: largest weight difference ${diff.toExponential(2)} of ${scale.toFixed(3)}; test accuracy ${(100 * a1).toFixed(2)}% (1 worker), ${(100 * a2).toFixed(2)}% (2)`);
      assert.ok(diff <= share * scale, `${spec}: ${diff} > ${share} x ${scale}`);
      assert.ok(Math.abs(a1 - a2) <= 0.005, `${spec}: accuracy ${a1} (1 worker) vs ${a2} (2)`);
      assert.ok(a1 > 0.7, `${spec} learned: ${a1}`);
    }
  });
}
