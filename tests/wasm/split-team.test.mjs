// The train page's split team (web/train/split.js) over real threads and
// shared memory, from node: rank 0 in this thread, the others in worker
// threads (split-rank.mjs), each its own engine (SIMD build), as the page's
// worker and helpers are. Per batch: every rank's units, the values traded,
// the step; the helpers' rows of layer 1 brought to rank 0 when asked.
//   - 2 and 3 ranks, Adam with L2: the loss and the count of each batch are
//     the one-call step's, and rank 0's model, made whole in the middle of the
//     run and at its end, is the one-call model bit for bit;
//   - a step whose new weights overflow in a helper's rows only (a finite
//     loss; rank 0's own step went through): every rank takes its step back,
//     and the model is the one from before it, as the one-call step leaves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { Exchange, exchangeMemory, CMD_QUIT } from '../../web/train/exchange.js';
import { regionFloats, regionViews, leadBatch, takeRows, unitsOf } from '../../web/train/split.js';
import { ConvlabError, STATUS } from '../../web/lib/convlab.js';
import { OPTIMIZER, LOSS } from '../../web/lib/limits.js';
import { engine, N } from './split-engine.mjs';

const B = 32;

/** W ranks of model (tamper(net): a change to the parameters before the helpers copy them). */
async function team(W, model, tamper = () => {}) {
  const zero = await engine(model);
  const { cl, net } = zero;
  tamper(net);
  const floats = regionFloats(net, B);
  const { sab } = exchangeMemory(W, net.paramFloats, floats);
  const x = new Exchange(sab, W, net.paramFloats, floats);
  const region = regionViews(x, net, B);
  const scratch = cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits));
  x.params.set(net.paramsView());
  let failed = null;
  const threads = Array.from({ length: W - 1 }, (_, i) => {
    const t = new Worker(new URL('./split-rank.mjs', import.meta.url), { workerData: { sab, rank: i + 1, workers: W, batch: B, model } });
    t.on('error', (e) => { failed = e; });
    return t;
  });
  for (const t0 = Date.now(); x.arrivals() < W - 1;) {
    if (failed) throw failed;
    assert.ok(Date.now() - t0 < 30000, 'the helper threads attached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  let phase = 0;
  return {
    zero,
    step(order) {
      const idx = cl.i32(zero.idx, order.length);
      idx.set(order);
      const out = leadBatch(x, phase, net, zero.images, zero.labels, zero.idx, idx, region.values);
      phase += 2;
      return out;
    },
    whole() {
      takeRows(x, phase, net, cl, scratch, region.rows);
      phase += 1;
      return Float32Array.from(net.paramsView());
    },
    async quit() {
      x.send(CMD_QUIT);
      await Promise.all(threads.map((t) => once(t, 'exit')));
    },
  };
}

const sameBits = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

test('a split team of 2 and 3 threads trains the one-call step’s model bit for bit, made whole in the middle and at the end', async () => {
  const model = { spec: 'dense128-relu-dense10-softmax', seed: 11, opt: OPTIMIZER.adam, lr: 0.002, momentum: 0.9, l2: 1e-4, loss: LOSS.xent };
  for (const W of [2, 3]) {
    const one = await engine(model);
    const order = one.cl.alloc(4 * N);
    one.net.shuffle(order, N);
    const all = Int32Array.from(one.cl.i32(order, N));
    const t = await team(W, model);
    try {
      let checked = 0;
      for (let s = 0; s < 40; s++) {
        const batch = all.subarray(s * B, (s + 1) * B);
        one.cl.i32(one.idx, B).set(batch);
        const want = one.net.trainStepIdx(one.images, one.labels, one.idx, B);
        const got = t.step(batch);
        assert.deepEqual([got.loss, got.correct, got.diverged], [want.loss, want.correct, false], `${W} ranks, batch ${s}`);
        if (s === 9 || s === 39) {
          assert.ok(sameBits(t.whole(), one.net.paramsView()), `${W} ranks: rank 0 made whole after ${s + 1} batches`);
          checked++;
        }
      }
      assert.equal(checked, 2);
    } finally {
      await t.quit();
    }
  }
});

test('a step that overflows in a helper’s rows only is taken back by every rank: the model before it, as one call leaves it', async () => {
  const model = { spec: 'dense32-relu-dense10-softmax', seed: 12, opt: OPTIMIZER.sgd, lr: 1, momentum: 0, l2: 3, loss: LOSS.xent };
  // a unit of rank 1's whose weights are -3e38: its sums go to -inf, relu makes them 0 (the loss stays
  // finite), and L2 moves each weight to w - 1 * 3w = -2w: not a float
  const tamper = (net) => {
    const [u0] = unitsOf(net, 2, 1);
    const w0 = (net.ex.cl_nn_layer_weights(net.ptr, 1) - net.ex.cl_nn_params(net.ptr)) / 4; // out x in
    const p = net.paramsView(), at = w0 + (u0 + 2) * 784;
    p.fill(-3e38, at, at + 784);
  };
  const one = await engine(model);
  tamper(one.net);
  const t = await team(2, model, tamper);
  try {
    const before = Float32Array.from(one.net.paramsView());
    const batch = Int32Array.from({ length: B }, (_, i) => i);
    one.cl.i32(one.idx, B).set(batch);
    assert.throws(() => one.net.trainStepIdx(one.images, one.labels, one.idx, B), (e) => e instanceof ConvlabError && e.status === STATUS.diverged);
    const got = t.step(batch);
    assert.equal(got.diverged, true);
    assert.ok(Number.isFinite(got.loss), `rank 0's own step went through (loss ${got.loss}): it was taken back`);
    assert.ok(sameBits(t.whole(), before), 'every rank\u2019s parameters as before the step');
    assert.ok(sameBits(one.net.paramsView(), before));
  } finally {
    await t.quit();
  }
});
