// trained.js - the lesson's two exercises on a model the student trained:
// "get the MLP above the guessing line" and "find which first-layer filter of
// your trained CNN looks for horizontal edges", and how each is checked.
//
// Pure: no DOM. The model is the one the train page keeps in this browser;
// ctx.models (main.js: the lesson's model worker) reads it: models.evaluate()
// gives the engine's test accuracy of it, models.kept() what it is and its
// first conv layer's filters. A filter's orientation is the engine's too: its
// convolution of a horizontal and a vertical edge (filterScores). Tested in
// node with the real engine (tests/node/lesson-trained.test.mjs).
import { pct, fmtInt } from '../lib/format.js';

/** The engine's padding code for "valid" (lib/limits.js PAD). */
const PAD_VALID = 0;
/** The line to beat: a guess among 10 classes is right 1 time in 10. */
export const GUESSING = 0.1;
/** What the MLP must reach on the test set: a clear margin above guessing (on 10,000 images luck gives 10% ± 0.6%). */
export const MLP_TARGET = 0.3;
/** A filter clearly looks for horizontal edges when it answers them at least twice as much as vertical ones. */
export const CLEARLY_HORIZONTAL = 1 / 3;
/** Filters within this of the most horizontal one count too (several can qualify). */
export const NEAR_BEST = 0.1;

/** The train page set up for each model (a new tab, or the step's widget). */
export const TRAIN_MLP = 'train.html#arch=mlp&L=1&units=128&epochs=1';
export const TRAIN_CNN = 'train.html#arch=cnn&epochs=1';

/**
 * A test pattern for a k1 x k2 kernel: side x side, 0 on one half and 255 on
 * the other, split across the rows ('horizontal': a horizontal edge, dark
 * above bright) or across the columns ('vertical').
 * @param {'horizontal'|'vertical'} which
 * @param {number} side
 */
export function edgePattern(which, side) {
  return Float32Array.from({ length: side * side }, (_, i) => {
    const at = which === 'horizontal' ? Math.floor(i / side) : i % side;
    return at < side / 2 ? 0 : 255;
  });
}

/**
 * How much each k1 x k2 filter answers a horizontal and a vertical edge, by
 * the engine's convolution: the spread (largest minus smallest value) of its
 * output over each pattern. A filter that only measures brightness spreads
 * the same on both; an edge filter spreads on its edge only. score =
 * (horizontal - vertical) / (horizontal + vertical), from -1 (vertical only)
 * to 1 (horizontal only), 0 when both are equal or zero.
 * @param {any} engine
 * @param {ArrayLike<number>} weights  n filters of k1 * k2, one after the other
 * @param {number} n @param {number} k1 @param {number} k2
 * @returns {{ horizontal: number, vertical: number, score: number }[]}
 */
export function filterScores(engine, weights, n, k1, k2) {
  const side = 2 * Math.max(k1, k2) + 2;
  const spread = (pattern, k) => {
    const z = engine.conv2d(pattern, 1, side, side, k, k1, k2, { pad: PAD_VALID }).data;
    let lo = Infinity, hi = -Infinity;
    for (const v of z) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi - lo;
  };
  const hp = edgePattern('horizontal', side), vp = edgePattern('vertical', side);
  return Array.from({ length: n }, (_, f) => {
    const k = Float32Array.from(Array.prototype.slice.call(weights, f * k1 * k2, (f + 1) * k1 * k2));
    const horizontal = spread(hp, k), vertical = spread(vp, k);
    const sum = horizontal + vertical;
    return { horizontal, vertical, score: sum > 0 ? (horizontal - vertical) / sum : 0 };
  });
}

/**
 * Which filters count as looking for horizontal edges (0-based): every one
 * that clearly does, and any within NEAR_BEST of the most horizontal one (so
 * a model whose filters are all a little muddled still has an answer).
 * @param {{ score: number }[]} scores
 */
export function horizontalFilters(scores) {
  const best = Math.max(...scores.map((s) => s.score));
  const line = Math.min(CLEARLY_HORIZONTAL, best - NEAR_BEST);
  return scores.flatMap((s, i) => (s.score >= line ? [i] : []));
}

export const noModel = (what, href) => ({
  ok: false, wrong: 'No trained model is kept in this browser yet.',
  hint: `Train ${what} on the train page and wait for its run to end: the page keeps the model, and the lesson reads it here.`,
  link: { href, text: `Open the train page set up for ${what}` },
});

/** The sentence a filter's numbers make. @param {{ horizontal: number, vertical: number }} s */
const answers = (s) => `a horizontal edge with a spread of ${fmtInt(s.horizontal)}, a vertical one with ${fmtInt(s.vertical)}`;

/** @type {Record<string, import('./exercises.js').Exercise>} */
export const TRAINED = {
  'mlp-guess': {
    id: 'mlp-guess', kind: 'model', objectives: [], fresh: true,
    prompt: `Train an MLP on the train page: the class’s (one hidden layer of 128 units) is set up above, and one epoch on the Quick data is enough. When its run has ended, come back and press Check: the engine tests the model your browser keeps on the 10,000 test images. It must get at least ${pct(MLP_TARGET)} of them right: a clear margin above the guessing line of ${pct(GUESSING)}.`,
    label: 'Your trained MLP',
    facts: async ({ models }) => ({ answer: MLP_TARGET, more: await models.evaluate() }),
    check: (_, { answer, more }) => {
      if (!more.model) return noModel('the class’s MLP', TRAIN_MLP);
      const { spec, mlp } = more.model;
      if (!mlp) {
        return {
          ok: false, wrong: `The model kept is a CNN (${spec}), not an MLP.`,
          hint: 'The lesson checks the last model trained: train an MLP (Architecture: MLP) and check again.', link: { href: TRAIN_MLP, text: 'Open the train page set up for the class’s MLP' },
        };
      }
      const got = `Your MLP (${spec}) gets ${fmtInt(more.correct)} of the ${fmtInt(more.n)} test images right, ${pct(more.accuracy)}`;
      if (more.accuracy >= answer) return { ok: true, note: `${got}: ${(more.accuracy / GUESSING).toFixed(1)} times what guessing gets.` };
      return {
        ok: false,
        wrong: `${got}: ${more.accuracy < GUESSING + 0.02 ? 'no better than guessing' : `better than guessing, but not by the clear margin asked (${pct(answer)})`}.`,
        hint: 'A model that learned nothing stays at the guessing line, its loss near 2.30. Keep the page’s optimiser (Adam, learning rate 0.002), train at least one epoch, and do not stop the run early.',
        link: { href: TRAIN_MLP, text: 'Open the train page set up for the class’s MLP' },
      };
    },
    worked: ({ answer, more }) => [
      `Guessing among 10 classes is right 1 time in 10: the ${pct(GUESSING)} line on the train page’s accuracy plot. A model must beat it by a clear margin, here ${pct(answer)}, to show it learned something.`,
      'On the train page: Architecture MLP, 1 hidden layer of 128 units, ReLU, Adam at 0.002, Quick data, 1 epoch, then Start. One epoch of this MLP gets well above 75%.',
      more.model?.mlp ? `Your kept MLP gets ${pct(more.accuracy)} (the engine’s evaluation of it on the ${fmtInt(more.n)} test images).` : 'No MLP is kept in this browser yet: train one, then check.',
    ],
  },

  'cnn-filter': {
    id: 'cnn-filter', kind: 'choice', objectives: [4], fresh: true,
    prompt: 'Train a CNN on the train page (the link opens its preset; one epoch on the Quick data is enough), then come back. Its first conv layer’s filters are drawn below, red positive, blue negative. Which one looks for horizontal edges, a change from top to bottom?',
    label: 'Your trained CNN’s first-layer filters',
    facts: async ({ models, engine }) => {
      const r = await models.kept();
      const conv = r.model?.firstConv;
      if (!conv) return { answer: [], more: { model: r.model } };
      const [n, , k1, k2] = conv.shape;
      const scores = filterScores(engine, conv.weights, n, k1, k2);
      return { answer: horizontalFilters(scores), more: { model: r.model, scores } };
    },
    check: (choice, { answer, more }) => {
      if (!more.model) return noModel('a CNN', TRAIN_CNN);
      if (!more.model.firstConv) {
        return {
          ok: false, wrong: `The model kept is ${more.model.mlp ? 'an MLP' : 'a model whose first layer is not a convolution'} (${more.model.spec}): it has no filters to look at.`,
          hint: 'The lesson reads the last model trained: train a CNN, then come back.', link: { href: TRAIN_CNN, text: 'Open the train page set up for a CNN' },
        };
      }
      const i = choice - 1, s = more.scores[i];
      if (!s) return { ok: false, wrong: choice ? 'Choose one of the filters drawn.' : 'Choose a filter first.', hint: 'Each filter is drawn with its weights: the one for horizontal edges changes from its top row to its bottom row.' };
      if (answer.includes(i)) {
        const clear = s.score >= CLEARLY_HORIZONTAL;
        return { ok: true, note: `Filter ${choice} answers ${answers(s)}${clear ? '' : ': none of your filters is a clean horizontal-edge detector, and this one leans that way the most'}.` };
      }
      return {
        ok: false,
        wrong: `Filter ${choice} answers ${answers(s)}: ${s.score < -0.2 ? 'it looks for vertical edges' : 'it answers both about the same, more like a blur or a brightness detector'}.`,
        hint: 'A filter for horizontal edges changes from top to bottom and stays about the same along each row: one colour across its top, the other across its bottom (like Sobel’s G_y).',
      };
    },
    worked: ({ answer, more }) => {
      if (!more.scores) return ['Train a CNN first: its first layer’s filters are what this exercise is about.'];
      return [
        'The engine slides each filter over a horizontal edge (dark above bright) and a vertical one (dark left, bright right), and measures how much its output changes over each: its spread.',
        ...more.scores.map((s, i) => `Filter ${i + 1}: ${answers(s)}${answer.includes(i) ? ' (horizontal)' : ''}.`),
        `So ${answer.map((i) => `filter ${i + 1}`).join(', ').replace(/, ([^,]*)$/, ' or $1')} ${answer.length > 1 ? 'look' : 'looks'} for horizontal edges.`,
      ];
    },
  },
};
