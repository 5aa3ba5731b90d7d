// The train page's advice about the learning rate, from training curves:
// synthetic ones shaped like what the engine gives (a point every 1/20 epoch,
// each the mean over its stretch of batches).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossAdvice, formatRate, betterRate, farAboveGuessing, GUESS_LOSS, runEnd } from '../../web/train/advice.js';

/** A curve of n points, 1/20 epoch apart, from loss(x) and acc(x). */
function curve(n, loss, acc = () => 0.5) {
  return Array.from({ length: n }, (_, i) => {
    const x = (i + 1) / 20;
    return { x, loss: loss(x, i), acc: acc(x, i) };
  });
}
const adam = (lr) => ({ lr, optimizer: 'adam', loss: 'xent' });
const sgd = (lr) => ({ lr, optimizer: 'sgd', loss: 'xent' });

test('a curve that learns gets no advice, at any length', () => {
  const learning = curve(60, (x) => 0.35 + 1.9 * Math.exp(-6 * x), (x) => 0.9 - 0.75 * Math.exp(-6 * x));
  for (let n = 0; n <= learning.length; n++) assert.equal(lossAdvice(learning.slice(0, n), adam(0.001)), null, `${n} points`);
  // noisy, with one bad stretch of batches: still learning
  const noisy = curve(40, (x, i) => 0.5 + Math.exp(-4 * x) + (i % 3 === 0 ? 0.05 : 0) + (i === 25 ? 0.6 : 0));
  for (let n = 0; n <= noisy.length; n++) assert.equal(lossAdvice(noisy.slice(0, n), sgd(0.05)), null, `noisy, ${n} points`);
});

test('too short a curve gets no advice', () => {
  assert.equal(lossAdvice([], adam(1)), null);
  assert.equal(lossAdvice(curve(3, () => 9), adam(1)), null);
  assert.equal(lossAdvice(null, adam(1)), null);
});

test('a loss that comes back up: rising, with a rate ten times smaller', () => {
  // down to 0.6 by 0.2 epochs, then up to about 1.6
  const points = curve(14, (x) => (x <= 0.2 ? 2.3 - 8.5 * x : 0.6 + 2 * (x - 0.2)));
  const adv = lossAdvice(points, adam(0.01));
  assert.equal(adv?.kind, 'rising');
  assert.match(adv.text, /went down to 0\.600 and is back up at 1\.[0-9]{3}/);
  assert.match(adv.text, /learning rate 0\.01\b/);
  assert.match(adv.text, /ten times smaller, 0\.001\./);
  // the same curve only starting to rise: not yet
  assert.equal(lossAdvice(points.slice(0, 6), adam(0.01)), null);
});

test('a loss stuck at guessing: the rate named as too large, too small, or either', () => {
  const stuck = curve(12, (x, i) => GUESS_LOSS + 0.01 * (i % 2), () => 0.1);
  const big = lossAdvice(stuck, adam(0.5));
  assert.equal(big?.kind, 'stuck');
  assert.match(big.text, /^After 0\.6 epochs the training loss is still 2\.3\d, what guessing gives \(ln 10 = 2\.30\), and 10% of the answers are right/);
  // 500 times what usually works for Adam: a step of ten would take three tries
  assert.match(big.text, /0\.5 is large for Adam.*Try 0\.001, what usually works with Adam\.$/);
  assert.match(lossAdvice(stuck, adam(0.05)).text, /0\.05 is large for Adam.*Try ten times smaller, 0\.005\.$/);
  assert.match(lossAdvice(curve(20, () => GUESS_LOSS, () => 0.1), adam(0.5)).text, /^After 1 epoch the/);
  const small = lossAdvice(stuck, sgd(1e-5));
  assert.match(small.text, /0\.00001 is small for plain SGD.*Try 0\.05, what usually works with plain SGD\.$/);
  assert.match(lossAdvice(stuck, sgd(1e-3)).text, /0\.001 is small for plain SGD.*Try ten times larger, 0\.01\.$/);
  // Adam at 1e-7: not 1e-6 (still far too small), but what works
  assert.match(lossAdvice(stuck, adam(1e-7)).text, /1e-7 is small for Adam.*Try 0\.001, what usually works with Adam\.$/);
  const middle = lossAdvice(stuck, sgd(0.05));
  assert.match(middle.text, /ten times smaller \(0\.005\) or larger \(0\.5\)/);
  // before half an epoch nobody can tell
  assert.equal(lossAdvice(stuck.slice(0, 9), adam(0.5)), null);
  // right answers above chance: it is learning something
  assert.equal(lossAdvice(curve(12, () => GUESS_LOSS, () => 0.4), adam(0.5)), null);
  // mean squared error has no "ln 10": only a rising loss is read from it
  assert.equal(lossAdvice(stuck, { lr: 0.5, optimizer: 'adam', loss: 'mse' }), null);
});

test('a NaN loss is left to the engine, which stops the run', () => {
  assert.equal(lossAdvice(curve(12, (x) => (x > 0.4 ? NaN : 1)), adam(1)), null);
});

test('rates are written as a person would type them', () => {
  assert.equal(formatRate(0.001), '0.001');
  assert.equal(formatRate(0.0001), '0.0001');
  assert.equal(formatRate(0.05), '0.05');
  assert.equal(formatRate(1e-5), '0.00001');
  assert.equal(formatRate(1.234e-9), '1.2e-9');
  assert.equal(formatRate(2), '2');
  assert.equal(formatRate(0.1 / 10), '0.01');
  assert.equal(formatRate(3e-7), '3e-7');
});

test('a loss far above guessing is a diverged run, not "what guessing gives"', () => {
  // Adam at lr 1e9: the loss climbs to about 8e8 and stays finite
  const points = curve(12, (x, i) => (i < 2 ? 2.3 : 8e8 + i), () => 0.1);
  const adv = lossAdvice(points, adam(1e9));
  assert.equal(adv?.kind, 'diverging');
  assert.match(adv.text, /^The training loss is 8\.0 × 10⁸, far above what guessing gives \(ln 10 = 2\.30\)/);
  assert.match(adv.text, /1e\+9 is far too large for Adam: try 0\.001, what usually works with Adam\.$/);
  assert.doesNotMatch(adv.text, /is still/);
  // an infinite loss too
  assert.equal(lossAdvice(curve(8, () => Infinity), adam(1e9))?.kind, 'diverging');
  assert.equal(farAboveGuessing(7, 'xent'), true);
  assert.equal(farAboveGuessing(2.4, 'xent'), false);
  assert.equal(farAboveGuessing(1e9, 'mse'), false);
});

test('the rate suggested goes the right way by the right amount', () => {
  assert.equal(betterRate(0.01, 'adam', -1), 0.001);
  assert.equal(betterRate(1e9, 'adam', -1), 0.001);
  assert.equal(betterRate(0.1, 'adam', -1), 0.001);
  assert.equal(betterRate(1e-7, 'adam', 1), 0.001);
  assert.equal(betterRate(1e-4, 'adam', 1), 0.001);
  assert.equal(betterRate(0.01, 'sgd', 1), 0.1);
  assert.equal(betterRate(2, 'sgd', -1), 0.2);
  assert.equal(betterRate(5, 'sgd', -1), 0.05);
});

test('how a run ended, in words: finished, stopped, diverged by NaN, or diverged far above guessing', () => {
  const run = (loss, settings = { lr: 1e9, optimizer: 'adam', loss: 'xent' }) => ({ name: 'MLP 128 relu · Adam lr 1e+9 · bs 32', settings, train: [{ x: 1, loss, acc: 0.1 }] });
  const ev = (how, extra = {}) => ({ how, epoch: 1, batch: 313, epochSeconds: [2.04, 1.96], message: 'Training stopped: the loss became NaN', ...extra });
  assert.deepEqual(runEnd(run(0.4), ev('done')), { how: 'done', kind: 'ok', text: 'Finished MLP 128 relu · Adam lr 1e+9 · bs 32 (2.0 s, 2.0 s per epoch).' });
  assert.equal(runEnd(run(0.4), ev('done', { epochSeconds: [] })).text, 'Finished MLP 128 relu · Adam lr 1e+9 · bs 32.');
  assert.deepEqual(runEnd(run(0.4), ev('stopped', { epoch: 2, batch: 17 })),
    { how: 'stopped', kind: 'info', text: 'Stopped at epoch 2, batch 17. The model keeps what it learned so far.' });
  assert.deepEqual(runEnd(run(NaN), ev('diverged')), { how: 'diverged', kind: 'error', text: 'Training stopped: the loss became NaN' });
  assert.deepEqual(runEnd(run(0.4), ev('error', { message: 'Training stopped: out of memory' })), { how: 'error', kind: 'error', text: 'Training stopped: out of memory' });
  const far = runEnd(run(1.9e35), ev('done'));
  assert.equal(far.how, 'diverged');
  assert.equal(far.kind, 'error');
  assert.equal(far.text, 'Training diverged: the loss ended at 1.9 × 10³⁵, far above the 2.30 that guessing gives, '
    + 'so this model is worse than guessing. The learning rate (1e+9) is far too large: try 0.001.');
  // mean squared error cannot tell this way: a finished run is finished
  assert.equal(runEnd(run(50, { lr: 1e9, optimizer: 'adam', loss: 'mse' }), ev('done')).how, 'done');
});
