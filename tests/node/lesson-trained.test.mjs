// The lesson's exercises on a trained model (web/lesson/trained.js): a
// filter's orientation from the real engine (the scalar .wasm) against an
// independent convolution, which filters count as horizontal, and the
// feedback for each kind of model kept (none, the other kind, one below the
// line, one above it). The kept model is a stand-in for the lesson's model
// worker: models.kept() and models.evaluate() answer what the test says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConvlab } from '../../web/lib/convlab.js';
import { EXERCISES, checkAnswer, workedAnswer } from '../../web/lesson/exercises.js';
import { filterScores, horizontalFilters, edgePattern, MLP_TARGET, TRAIN_MLP, TRAIN_CNN } from '../../web/lesson/trained.js';

const SITE = path.resolve(new URL('../../build/site', import.meta.url).pathname);
const engine = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });

const SOBEL_Y = [1, 2, 1, 0, 0, 0, -1, -2, -1];
const SOBEL_X = [1, 0, -1, 2, 0, -2, 1, 0, -1];
const BLUR = Array(9).fill(1 / 9);

/** The spread (max - min) of a valid cross-correlation, the lesson's sum, in double precision. */
function naiveSpread(x, side, k, kh) {
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r + kh <= side; r++) {
    for (let c = 0; c + kh <= side; c++) {
      let s = 0;
      for (let a = 0; a < kh; a++) for (let b = 0; b < kh; b++) s += k[a * kh + b] * x[(r + a) * side + c + b];
      lo = Math.min(lo, s); hi = Math.max(hi, s);
    }
  }
  return hi - lo;
}

const models = (kept, evaluation) => ({ kept: async () => ({ model: kept }), evaluate: async () => evaluation });
const cnn = (filters) => ({ spec: 'conv3x3x4-relu-dense10-softmax', mlp: false, savedAt: 1, firstConv: { index: 0, name: 'conv3x3x4', shape: [filters.length, 1, 3, 3], weights: Float32Array.from(filters.flat()) } });
const mlp = { spec: 'dense128-relu-dense10-softmax', mlp: true, savedAt: 1, firstConv: null };

async function verdict(id, texts, ctx) {
  const facts = await EXERCISES[id].facts({ engine, ...ctx });
  return { v: checkAnswer(EXERCISES[id], texts, facts), worked: workedAnswer(EXERCISES[id], facts) };
}

test('a filter’s orientation: the engine’s spreads on two edges equal an independent convolution’s', () => {
  const noisy = [0.9, 1.1, 0.8, 0.1, -0.1, 0.05, -1, -0.9, -1.2];
  const filters = [SOBEL_Y, SOBEL_X, BLUR, noisy];
  const scores = filterScores(engine, Float32Array.from(filters.flat()), 4, 3, 3);
  const side = 8;
  for (const [i, k] of filters.entries()) {
    const h = naiveSpread(edgePattern('horizontal', side), side, k, 3), v = naiveSpread(edgePattern('vertical', side), side, k, 3);
    assert.ok(Math.abs(scores[i].horizontal - h) <= 1e-3 * Math.max(1, h), `filter ${i}: horizontal ${scores[i].horizontal} vs ${h}`);
    assert.ok(Math.abs(scores[i].vertical - v) <= 1e-3 * Math.max(1, v), `filter ${i}: vertical ${scores[i].vertical} vs ${v}`);
  }
  assert.equal(scores[0].horizontal, 1020);
  assert.equal(scores[0].vertical, 0);
  assert.equal(scores[0].score, 1);
  assert.equal(scores[1].score, -1);
  assert.ok(Math.abs(scores[2].score) < 1e-6, 'a blur answers both edges the same');
  assert.deepEqual(horizontalFilters(scores), [0, 3], 'G_y and the noisy G_y; not G_x, not the blur');
});

test('which filters count: all the clearly horizontal ones, or those near the best when none is clear', () => {
  assert.deepEqual(horizontalFilters([{ score: 0.9 }, { score: 0.4 }, { score: 0.2 }, { score: -0.8 }]), [0, 1]);
  // none clear: the best, and any within 0.1 of it
  assert.deepEqual(horizontalFilters([{ score: 0.2 }, { score: 0.15 }, { score: 0.05 }, { score: -0.8 }]), [0, 1]);
  assert.deepEqual(horizontalFilters([{ score: -0.5 }, { score: -0.9 }]), [0]);
});

test('the MLP above the guessing line: no model, a CNN, guessing, a small margin, then above the line', async () => {
  let r = await verdict('mlp-guess', [], { models: models(null, { model: null }) });
  assert.equal(r.v.ok, false);
  assert.match(r.v.wrong, /^No trained model is kept in this browser yet\.$/);
  assert.equal(r.v.link.href, TRAIN_MLP);
  assert.match(r.worked.join(' '), /No MLP is kept in this browser yet/);

  r = await verdict('mlp-guess', [], { models: models(null, { model: cnn([SOBEL_Y]), accuracy: 0.85, correct: 8500, n: 10000 }) });
  assert.match(r.v.wrong, /^The model kept is a CNN \(conv3x3x4-relu-dense10-softmax\), not an MLP\.$/);

  r = await verdict('mlp-guess', [], { models: models(null, { model: mlp, accuracy: 0.1, correct: 1000, n: 10000 }) });
  assert.equal(r.v.wrong, 'Your MLP (dense128-relu-dense10-softmax) gets 1,000 of the 10,000 test images right, 10.0%: no better than guessing.');
  assert.match(r.v.hint, /loss near 2\.30/);

  r = await verdict('mlp-guess', [], { models: models(null, { model: mlp, accuracy: 0.2, correct: 2000, n: 10000 }) });
  assert.match(r.v.wrong, /20\.0%: better than guessing, but not by the clear margin asked \(30\.0%\)\.$/);

  r = await verdict('mlp-guess', [], { models: models(null, { model: mlp, accuracy: 0.8123, correct: 8123, n: 10000 }) });
  assert.deepEqual(r.v, { ok: true, note: 'Your MLP (dense128-relu-dense10-softmax) gets 8,123 of the 10,000 test images right, 81.2%: 8.1 times what guessing gets.' });
  assert.match(r.worked.join(' '), /Your kept MLP gets 81\.2% \(the engine’s evaluation of it on the 10,000 test images\)/);
  assert.equal(MLP_TARGET, 0.3);
});

test('the horizontal-edge filter: no model, an MLP, nothing chosen, a vertical one, a blur, then the right one', async () => {
  let r = await verdict('cnn-filter', ['1'], { models: models(null) });
  assert.match(r.v.wrong, /^No trained model is kept/);
  assert.equal(r.v.link.href, TRAIN_CNN);
  r = await verdict('cnn-filter', ['1'], { models: models(mlp) });
  assert.match(r.v.wrong, /^The model kept is an MLP \(dense128-relu-dense10-softmax\): it has no filters to look at\.$/);
  const ctx = { models: models(cnn([SOBEL_X, BLUR, SOBEL_Y, SOBEL_Y.map((v) => -v)])) };
  r = await verdict('cnn-filter', [''], ctx);
  assert.equal(r.v.wrong, 'Choose a filter first.');
  r = await verdict('cnn-filter', ['1'], ctx);
  assert.equal(r.v.wrong, 'Filter 1 answers a horizontal edge with a spread of 0, a vertical one with 1,020: it looks for vertical edges.');
  assert.match(r.v.hint, /changes from top to bottom/);
  r = await verdict('cnn-filter', ['2'], ctx);
  assert.match(r.v.wrong, /^Filter 2 answers .*: it answers both about the same/);
  r = await verdict('cnn-filter', ['4'], ctx);
  assert.deepEqual(r.v, { ok: true, note: 'Filter 4 answers a horizontal edge with a spread of 1,020, a vertical one with 0.' });
  r = await verdict('cnn-filter', ['3'], ctx);
  assert.equal(r.v.ok, true);
  assert.equal(r.worked.at(-1), 'So filter 3 or filter 4 look for horizontal edges.');
  r = await verdict('cnn-filter', ['9'], ctx);
  assert.equal(r.v.wrong, 'Choose one of the filters drawn.');
});

test('the lesson evaluates a shuffled-pixels model with the train page’s own permutation', async () => {
  const { pixelPermutation } = await import('../../web/lib/shuffled-pixels.js');
  const { permutation } = await import('../../web/train/dataset.js');
  const p = pixelPermutation();
  assert.deepEqual(p, permutation());
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 784 }, (_, i) => i), 'a permutation of the 784 pixels');
});
