// train/advice.js - what a training curve says about the learning rate, and
// how a run ended, in words.
//
// A learning rate that is far too large makes the loss NaN, and the engine
// stops the run with a message. One that is merely too large does something
// quieter: the loss climbs back up, or it never leaves the loss of guessing.
// So does one far too small. lossAdvice() reads the training curve as it
// grows and says which, in words a student can act on. It is a pure function
// of the points, so it is tested in node (tests/node/train-advice.test.mjs).
import { fmtValue, compact } from '../lib/format.js';

/** Cross-entropy of a uniform guess over the 10 classes: ln 10. */
export const GUESS_LOSS = Math.log(10);

/**
 * A cross-entropy this many times what guessing gives means the run has
 * diverged even though no number became NaN: a model that learned nothing
 * scores ln 10, so one far above it is confidently wrong, pushed there by
 * steps far too large. (Mean squared error on a softmax stays below 0.2, so
 * it cannot tell this way.)
 */
export const DIVERGED_FACTOR = 3;

/** True when a loss of this kind says the run has diverged. */
export function farAboveGuessing(loss, lossKind) {
  return lossKind === 'xent' && (loss > DIVERGED_FACTOR * GUESS_LOSS || loss === Infinity);
}

/** Typical learning rates for each optimiser, the middle of what usually works here. */
const TYPICAL_LR = Object.freeze({ sgd: 0.05, momentum: 0.01, adam: 0.001 });
const OPTIMISER_NAME = Object.freeze({ sgd: 'plain SGD', momentum: 'SGD with momentum', adam: 'Adam' });

/** A learning rate written the way the field wants it: 0.0001, 0.05, 2, 3e-7. */
export function formatRate(lr) {
  if (!(lr > 0) || !Number.isFinite(lr)) return String(lr);
  const s = String(Number(lr.toPrecision(2)));
  return s.length <= 8 ? s : lr.toExponential(0);
}

const mean = (ps, key) => ps.reduce((s, p) => s + p[key], 0) / ps.length;

/**
 * The rate to try instead of lr, the right way by the right amount: ten times
 * smaller or larger when lr is within a factor 100 of what usually works for
 * this optimiser, else what usually works (from 1e9 or 1e-7, a step of ten
 * would take many tries).
 */
export function betterRate(lr, optimizer, direction) {
  const typical = TYPICAL_LR[optimizer] ?? TYPICAL_LR.sgd;
  if (direction < 0) return lr >= typical * 100 ? typical : lr / 10;
  return lr <= typical / 100 ? typical : lr * 10;
}

function rateAdvice(lr, optimizer, direction) {
  const next = betterRate(lr, optimizer, direction);
  if (next === lr / 10) return `ten times smaller, ${formatRate(next)}`;
  if (next === lr * 10) return `ten times larger, ${formatRate(next)}`;
  return `${formatRate(next)}, what usually works with ${OPTIMISER_NAME[optimizer] ?? optimizer}`;
}

/**
 * points  the training curve so far, oldest first: [{ x (epochs), loss, acc }],
 *         each the mean over the images since the point before (1/20 of an epoch)
 * run     { lr, optimizer: 'sgd' | 'momentum' | 'adam', loss: 'xent' | 'mse' | 'bce' }
 * Returns null while the curve looks like learning (or is too short to tell),
 * else { kind: 'diverging' | 'rising' | 'stuck', text }.
 */
export function lossAdvice(points, run) {
  if (!Array.isArray(points) || points.length < 4) return null;
  const tail = points.slice(-3);
  const now = mean(tail, 'loss');
  const x = points[points.length - 1].x;
  if (Number.isNaN(now)) return null; // NaN has its own message: the run stops
  let best = Infinity, bestAt = 0;
  for (const p of points) if (p.loss < best) { best = p.loss; bestAt = p.x; }
  const rate = formatRate(run.lr);
  const smaller = formatRate(betterRate(run.lr, run.optimizer, -1)), larger = formatRate(betterRate(run.lr, run.optimizer, 1));
  const name = OPTIMISER_NAME[run.optimizer] ?? run.optimizer;

  // Far above guessing: confidently wrong, the steps are far too large.
  if (farAboveGuessing(now, run.loss)) {
    return {
      kind: 'diverging',
      text: `The training loss is ${fmtValue(now, 2)}, far above what guessing gives (ln 10 = ${GUESS_LOSS.toFixed(2)}): `
        + `the model is confidently wrong, and getting no better. A learning rate of ${rate} is far too large for ${name}: `
        + `try ${rateAdvice(run.lr, run.optimizer, -1)}.`,
    };
  }

  // Rising: well above the lowest point, for a while now (a single noisy
  // stretch of batches does not count: the three newest points all agree).
  if (x - bestAt >= 0.15 && tail.every((p) => p.loss > best * 1.3 + 0.05) && now > best * 1.5 + 0.05) {
    return {
      kind: 'rising',
      text: `The training loss is rising: it went down to ${best.toFixed(3)} and is back up at ` +
        `${now.toFixed(3)}. Steps this large (learning rate ${rate}) overshoot the minimum. ` +
        `Try a learning rate ${rateAdvice(run.lr, run.optimizer, -1)}.`,
    };
  }

  // Stuck at guessing: after half an epoch, cross-entropy still near ln 10
  // and about one answer in ten right.
  if (run.loss === 'xent' && x >= 0.5) {
    const acc = mean(tail, 'acc');
    if (now > GUESS_LOSS * 0.95 && acc < 0.2) {
      const typical = TYPICAL_LR[run.optimizer] ?? TYPICAL_LR.sgd;
      const epochs = Number(x.toFixed(1));
      const head = `After ${epochs} ${epochs === 1 ? 'epoch' : 'epochs'} the training loss is still ${now.toFixed(2)}, ` +
        `what guessing gives (ln 10 = ${GUESS_LOSS.toFixed(2)}), and ${Math.round(100 * acc)}% ` +
        'of the answers are right: the model is not learning.';
      let tail2;
      if (run.lr >= typical * 20) {
        tail2 = ` A learning rate of ${rate} is large for ${name}: the steps jump past every minimum. Try ${rateAdvice(run.lr, run.optimizer, -1)}.`;
      } else if (run.lr <= typical / 50) {
        tail2 = ` A learning rate of ${rate} is small for ${name}: the steps barely move the weights. Try ${rateAdvice(run.lr, run.optimizer, 1)}.`;
      } else {
        tail2 = ` Try a learning rate ten times smaller (${smaller}) or larger (${larger}), or another activation.`;
      }
      return { kind: 'stuck', text: head + tail2 };
    }
  }
  return null;
}

/**
 * How a run ended, for the run's message: { how, text, kind }, from the run
 * ({ name, train, settings: { lr, optimizer, loss } }) and the worker's last
 * event ({ how, message, epoch, batch, epochSeconds }). A run that finished
 * with a loss far above guessing has diverged all the same: its `how` is then
 * 'diverged', with a rate that fixes it.
 * @returns {{ how: string, text: string, kind: 'info'|'ok'|'warning'|'error' }}
 */
export function runEnd(run, ev) {
  const lastLoss = run.train.at(-1)?.loss;
  if (ev.how === 'done' && farAboveGuessing(lastLoss, run.settings.loss)) {
    const better = formatRate(betterRate(run.settings.lr, run.settings.optimizer, -1));
    return {
      how: 'diverged', kind: 'error',
      text: `Training diverged: the loss ended at ${fmtValue(lastLoss, 2)}, far above the ${GUESS_LOSS.toFixed(2)} that guessing gives, `
        + `so this model is worse than guessing. The learning rate (${compact(run.settings.lr)}) is far too large: try ${better}.`,
    };
  }
  if (ev.how === 'diverged' || ev.how === 'error') return { how: ev.how, text: ev.message, kind: 'error' };
  if (ev.how === 'stopped') {
    return { how: ev.how, text: `Stopped at epoch ${ev.epoch}, batch ${ev.batch}. The model keeps what it learned so far.`, kind: 'info' };
  }
  const perEpoch = ev.epochSeconds.length ? ` (${ev.epochSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} per epoch)` : '';
  return { how: ev.how, text: `Finished ${run.name}${perEpoch}.`, kind: 'ok' };
}
