// Model-parallel training in the built .wasm modules (SIMD and scalar), from
// node, on Fashion-MNIST (core/cl_nn.h, "model-parallel training"): the MLP's
// 128 units of layer 1 split over W engines (here W instances of the engine
// in one thread), each computing its units for the whole batch, the engines
// trading those values, each running the rest and updating its own rows.
// Collected (each engine's rows of layer 1, the rest from engine 0), the
// parameters are the one-call step's (trainStepIdx) bit for bit, for W = 1, 2
// and 3 (an uneven split: 43, 43 and 42 units), SGD, momentum and Adam with L2,
// relu and tanh; the loss and the count of correct answers are the batch's.
// Whatever W: no gradient is summed, so nothing is reordered. Engine 0 given
// the others' rows (splitGetRows, splitSetRows) holds those parameters itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { loadConvlab } from '../../web/lib/convlab.js';
import { OPTIMIZER, LOSS } from '../../web/lib/limits.js';

const SITE = new URL('../../build/site/', import.meta.url);
const data = (name, skip) => zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE))).subarray(skip);
const TRAIN = { images: data('train-images-idx3-ubyte.gz', 16), labels: data('train-labels-idx1-ubyte.gz', 8) };
const N = 2048, B = 32;

/** An engine of one build with the first N training images and a model. */
async function engine(simd, spec, opt) {
  const cl = await loadConvlab({ simd, bytes: fs.readFileSync(new URL(simd ? 'convlab-simd.wasm' : 'convlab-scalar.wasm', SITE)) });
  const images = cl.alloc(N * 784), labels = cl.alloc(N), idx = cl.alloc(4 * B);
  cl.u8(images, N * 784).set(TRAIN.images.subarray(0, N * 784));
  cl.u8(labels, N).set(TRAIN.labels.subarray(0, N));
  const net = cl.createNetwork(spec, { seed: 5 });
  net.setOptimizer(opt, opt === OPTIMIZER.adam ? 0.001 : 0.05, 0.9, 1e-4);
  net.setLoss(LOSS.xent);
  return { cl, net, images, labels, idx };
}

/** Units [u[k], u[k + 1]) of W: as even as can be, the first ones larger. */
const ranges = (units, W) => Array.from({ length: W + 1 }, (_, k) => Math.ceil((k * units) / W));

/** The parameters the engines hold between them: engine 0's, with each engine's rows and biases of layer 1. */
function collected(es, u) {
  const all = Float32Array.from(es[0].net.paramsView());
  const { net } = es[0];
  const inputs = 784, p0 = net.ex.cl_nn_params(net.ptr);
  const w0 = (net.ex.cl_nn_layer_weights(net.ptr, 1) - p0) / 4, b0 = (net.ex.cl_nn_layer_bias(net.ptr, 1) - p0) / 4;
  for (let k = 1; k < es.length; k++) {
    const p = es[k].net.paramsView();
    all.set(p.subarray(w0 + u[k] * inputs, w0 + u[k + 1] * inputs), w0 + u[k] * inputs);
    all.set(p.subarray(b0 + u[k], b0 + u[k + 1]), b0 + u[k]);
  }
  return all;
}

const firstBitDiff = (a, b) => {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : x.length;
};

for (const simd of [true, false]) {
  test(`${simd ? 'SIMD' : 'scalar'}: the MLP's units split over 1, 2 and 3 engines give the one-call step's weights, bit for bit`, async () => {
    let checked = 0;
    for (const [spec, opt] of [['dense128-relu-dense10-softmax', OPTIMIZER.sgd], ['dense128-relu-dense10-softmax', OPTIMIZER.adam],
      ['dense128-tanh-dense10-softmax', OPTIMIZER.momentum]]) {
      const one = await engine(simd, spec, opt);
      const order = one.cl.alloc(4 * N);
      one.net.shuffle(order, N);
      const all = Int32Array.from(one.cl.i32(order, N));
      const steps = simd ? 64 : 16;
      for (let s = 0; s < steps; s++) {
        one.cl.i32(one.idx, B).set(all.subarray(s * B, (s + 1) * B));
        one.net.trainStepIdx(one.images, one.labels, one.idx, B);
      }
      const want = Float32Array.from(one.net.paramsView());
      for (const W of [1, 2, 3]) {
        const es = [];
        for (let k = 0; k < W; k++) es.push(await engine(simd, spec, opt));
        const units = es[0].net.splitUnits;
        assert.equal(units, 128);
        const u = ranges(units, W);
        for (let s = 0; s < steps; s++) {
          for (const e of es) e.cl.i32(e.idx, B).set(all.subarray(s * B, (s + 1) * B));
          es.forEach((e, k) => e.net.splitForward(e.images, e.labels, e.idx, B, u[k], u[k + 1]));
          // each engine's columns into every other's (what shared memory carries between workers)
          for (let k = 0; k < W; k++) {
            const from = es[k].net.splitValues(B);
            for (let j = 0; j < W; j++) {
              if (j === k) continue;
              const to = es[j].net.splitValues(B);
              for (let r = 0; r < B; r++) to.set(from.subarray(r * units + u[k], r * units + u[k + 1]), r * units + u[k]);
            }
          }
          const got = es.map((e, k) => e.net.splitStep(B, u[k], u[k + 1]));
          for (const g of got) assert.deepEqual([g.loss, g.correct], [got[0].loss, got[0].correct]);
        }
        const diff = firstBitDiff(collected(es, u), want);
        assert.equal(diff, -1, `${spec}, optimiser ${opt}, ${W} engines (units ${u.join(', ')}): parameter ${diff} differs`);
        // the engine's own copy: each engine's rows (and optimiser state) into engine 0, through a buffer as a worker's
        for (let k = 1; k < W; k++) {
          const floats = es[k].net.splitRowsFloats(u[k], u[k + 1]);
          const from = es[k].cl.alloc(4 * floats), to = es[0].cl.alloc(4 * floats);
          es[k].net.splitGetRows(u[k], u[k + 1], from);
          es[0].cl.f32(to, floats).set(es[k].cl.f32(from, floats));
          es[0].net.splitSetRows(u[k], u[k + 1], to);
        }
        assert.equal(firstBitDiff(es[0].net.paramsView(), want), -1, `${spec}, ${W} engines: engine 0 given the others' rows`);
        checked++;
      }
    }
    assert.equal(checked, 9);
  });
}
