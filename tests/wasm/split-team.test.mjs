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
import { Exchange, exchangeBytes, MAX_WORKERS } from '../../web/train/exchange.js';
import { balance, losing, batchLook, ALONE_RATIO, SOLO_RATIO, LOOK, unitsOf } from '../../web/train/split.js';
import { ConvlabError, STATUS } from '../../web/lib/convlab.js';
import { OPTIMIZER, LOSS } from '../../web/lib/limits.js';
import { engine, splitTeam, N } from './split-engine.mjs';

const B = 32;

const sameBits = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

test('a split team of 2 and 3 threads trains the one-call step’s model bit for bit, made whole in the middle and at the end, its units dealt out again twice', async () => {
  const model = { spec: 'dense128-relu-dense10-softmax', seed: 11, opt: OPTIMIZER.adam, lr: 0.002, momentum: 0.9, l2: 1e-4, loss: LOSS.xent };
  for (const W of [2, 3]) {
    const one = await engine(model);
    const order = one.cl.alloc(4 * N);
    one.net.shuffle(order, N);
    const all = Int32Array.from(one.cl.i32(order, N));
    const t = await splitTeam(W, model);
    try {
      let checked = 0;
      // the units dealt out unevenly after 5 and 25 batches (a slower rank given fewer): the same bits
      const deals = W === 2 ? { 5: [0, 100, 128], 25: [0, 7, 128] } : { 5: [0, 10, 90, 128], 25: [0, 60, 61, 128] };
      for (let s = 0; s < 40; s++) {
        if (deals[s]) {
          t.deal(deals[s]);
          assert.deepEqual(t.parts(), deals[s]);
        }
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
  const t = await splitTeam(2, model, { tamper });
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

test('the units dealt out again in proportion to each rank\'s speed, at least one each, only when the slowest gains', () => {
  // rank 1 twice as slow: 6.4 and 3.2 units a millisecond, 128 in proportion
  assert.deepEqual(balance([0, 64, 128], [10, 20]), [0, 85, 128]);
  assert.deepEqual(balance([0, 85, 128], [10, 10.1]), null, 'as good as even');
  assert.deepEqual(balance([0, 64, 128], [10, 10.3]), null, 'a 3% difference: not worth moving rows');
  assert.deepEqual(balance([0, 43, 86, 128], [10, 10, 30]), [0, 55, 110, 128]);
  assert.deepEqual(balance([0, 64, 128], [1, 1000]), [0, 127, 128], 'at least one unit each');
  assert.deepEqual(balance([0, 64, 128], [1000, 1]), [0, 1, 128]);
  assert.equal(balance([0, 64, 128], [10, 0]), null, 'no time measured');
  assert.equal(balance([0, 64, 128], [10, NaN]), null);
  assert.equal(balance([0, 128], [10]), null, 'one rank');
});

test('the shared header holds every rank\'s numbers, parts and time, up to MAX_WORKERS ranks on both parities', () => {
  const W = MAX_WORKERS;
  const x = new Exchange(new SharedArrayBuffer(exchangeBytes(W, 10)), W, 10);
  for (let r = 1; r < W; r++) x.attached();
  for (const k of [1, 2]) for (let r = 0; r < W; r++) x.arrive(k, r, { diverged: r % 5 === 1, correct: 100 * k + r, n: r + 1, loss: k + r / 64 });
  for (const k of [1, 2]) {
    const got = x.gather(k);
    assert.equal(got.length, W);
    got.forEach((p, r) => assert.deepEqual(p, { diverged: r % 5 === 1, correct: 100 * k + r, n: r + 1, loss: k + r / 64 }, `step ${k}, rank ${r}`));
  }
  const bounds = Array.from({ length: W + 1 }, (_, r) => 4 * r);
  assert.equal(x.parts(), null);
  x.setParts(bounds);
  x.setParts(bounds.map((b) => 2 * b), true);
  for (let r = 0; r < W; r++) x.addMs(r, r + 0.5);
  assert.deepEqual(x.parts(), bounds);
  assert.deepEqual(x.parts(true), bounds.map((b) => 2 * b));
  assert.deepEqual(x.ms(), bounds.slice(0, W).map((b) => b / 4 + 0.5));
  // none of it overwrote another's: the numbers of both parities are still there
  assert.equal(x.gather(2)[W - 1].correct, 200 + W - 1);
  x.send(3, 32, 0.125);
  assert.deepEqual([x.command(), x.batch(), x.lr()], [3, 32, 0.125]);
});

test('a split team loses to one worker when its batches take more than ALONE_RATIO times one worker\'s estimate', () => {
  // the worker computed its 64 of 128 units in 100 ms: one worker alone, about 200 ms
  assert.equal(losing(130, 100, 64, 128), false, 'a team 1.5x faster than alone');
  assert.equal(losing(250, 100, 64, 128), false, 'slower than the estimate, within the ratio');
  assert.equal(losing(ALONE_RATIO * 200 + 1, 100, 64, 128), true);
  assert.equal(losing(2100, 100, 64, 128), true, 'the team held up by a busy core');
  assert.equal(losing(400, 100, 100, 128), true, 'the worker owning more units: a smaller estimate');
  assert.equal(losing(5000, 0, 64, 128), false, 'nothing measured');
  assert.equal(losing(130, 100, 64, 128, 0), true, 'ratio 0 (the tests): always');
});

test('a batch-split team leaves the run to its worker after two looks in a row slower than its estimate of one worker; a number the student chose is kept', () => {
  const look = () => ({ batches: 0, wall: 0, own: 0, ownN: 0, n: 0 });
  /** batchLook over `batches` batches of 32 (16 the worker's), each taking wall ms, the worker's part own ms: the batches it said true after. */
  const feed = (l, batches, wall, own) => {
    const said = [];
    for (let i = 1; i <= batches; i++) if (batchLook(l, wall, own, 16, 32)) said.push(i);
    return said;
  };
  // one worker alone: about 2 x 1 ms a batch
  assert.deepEqual(feed(look(), 1000, 1.2, 1), [], 'quiet: the team 1.7x faster than one worker');
  assert.deepEqual(feed(look(), 3 * LOOK, 2.6, 1), [2 * LOOK, 3 * LOOK], 'slower than one worker: true at the second look, and after');
  assert.deepEqual(feed(look(), 3 * LOOK, SOLO_RATIO * 2 - 0.01, 1), [], 'just within the ratio');
  const l = look();
  assert.deepEqual(feed(l, LOOK, 2.6, 1), [], 'one look lost: a pause, not a loss');
  assert.deepEqual(feed(l, LOOK, 1.2, 1), []);
  assert.deepEqual(feed(l, LOOK, 2.6, 1), [], 'a look won between two lost ones');
  assert.deepEqual(feed(l, LOOK, 2.6, 1), [LOOK]);
  assert.deepEqual(feed({ ...look(), every: 0 }, 10 * LOOK, 100, 1), [], 'every 0: never');
  assert.deepEqual(feed({ ...look(), every: 10, ratio: 0 }, 30, 1, 1), [20, 30], 'the tests\' knob: every 10, ratio 0');
  // a number of workers the student chose is what trains
  const chosen = { ...look(), chosen: true };
  assert.deepEqual(feed(chosen, 3 * LOOK, 2.6, 1), [], 'slower than one worker: the student\'s experiment, kept');
  assert.deepEqual(feed(chosen, LOOK, 1.2, 1), [], 'faster');
  assert.deepEqual(feed(chosen, 2 * LOOK, 2.6, 1), [], 'then slower: kept');
});
