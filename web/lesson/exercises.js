// exercises.js - the lesson's exercises and how each answer is checked.
//
// Pure: no DOM. The right answer of every exercise is computed by the engine
// (lib/convlab.js, passed in as ctx.engine): its convolution, its output size
// and its parameter count of a model spec; a photo's shape comes from the
// picture as the page decoded it (ctx.photo). A check says what was wrong, a
// hint, and the worked answer on request, each from the same facts. Tested in
// node with the real engine (tests/node/lesson.test.mjs).
//
//   const facts = EXERCISES.z12.facts({ engine });
//   const r = checkAnswer(EXERCISES.z12, ['20'], facts);   // { ok: false, wrong, hint }
//   workedAnswer(EXERCISES.z12, facts);                       // ['Z[1, 2] = …', …]
import { PRESET_SPECS } from '../lib/limits.js';
import { fmtInt } from '../lib/format.js';
import { TRAINED } from './trained.js';

/** The engine's padding codes (lib/limits.js PAD), as the engine calls them. */
const PAD_ZERO = 1, PAD_VALID = 0;

/** The class's 5 x 5 matrix and kernel (kernels page: img=grid5, preset=class). */
export const GRID5 = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1];
export const CLASS_W = [0, 1, 2, 2, 2, 0, 0, 1, 2];
export const DOT = [255, 255, 255, 255, 0, 255, 255, 255, 255];

/**
 * Test patterns for an edge kernel, 8 x 8 grayscale: a vertical edge (dark
 * left half, bright right half), a horizontal edge, and a flat gray.
 */
const SIDE = 8;
export const PATTERNS = {
  vertical: Array.from({ length: SIDE * SIDE }, (_, i) => (i % SIDE < SIDE / 2 ? 0 : 255)),
  horizontal: Array.from({ length: SIDE * SIDE }, (_, i) => (Math.floor(i / SIDE) < SIDE / 2 ? 0 : 255)),
  flat: Array.from({ length: SIDE * SIDE }, () => 128),
};

// ---- reading what a student typed ----

/** A number as typed, thousands separators allowed ("101,770", "101 770"); NaN if none. @param {string} text */
export function readNumber(text) {
  const t = String(text ?? '').trim().replace(/(\d)[\s,_](?=\d{3}(\D|$))/g, '$1');
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
}

/** The whole numbers of a shape as typed ("(300, 451, 3)", "300 x 451 x 3"). @param {string} text */
export function readShape(text) {
  return (String(text ?? '').match(/-?\d+/g) ?? []).map(Number);
}

/** Cells as typed -> numbers (NaN where a cell is not a number). @param {string[]} cells */
export function readCells(cells) {
  return cells.map((c) => readNumber(c));
}

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const shapeText = (s) => `(${s.join(', ')})`;
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** One element of a k x k matrix, for the worked sums. */
const at = (values, cols, r, c) => values[r * cols + c];

// ---- the exercises ----

/**
 * @typedef {object} Facts  what the engine (or the page) says, for one exercise
 * @property {any} answer    the right answer: a number, a shape or cells
 * @property {Record<string, any>} [more]
 *
 * @typedef {object} Verdict
 * @property {boolean} ok
 * @property {string} [wrong]   what was wrong
 * @property {string} [hint]
 * @property {string} [note]    said with a right answer (what the engine found)
 * @property {{ href: string, text: string }} [link]  where to go to do it (the train page, set up)
 *
 * @typedef {object} Exercise
 * @property {string} id
 * @property {'number'|'shape'|'matrix'|'model'|'choice'} kind   how the answer is given
 *   (model: nothing typed, the model the train page keeps is checked; choice: one of the options the page draws, numbered from 1)
 * @property {string} prompt
 * @property {string} label    the answer field's label (number and shape)
 * @property {number} [rows]   matrix: its size
 * @property {number} [cols]
 * @property {number[]} objectives   the lesson's learning objectives (1-6) it practises
 * @property {string} [format]  shape: how the answer is written (a hint under the field)
 * @property {boolean} [fresh]  its facts are read again at every check (a model the student may have trained since)
 * @property {(ctx: { engine: any, photo?: { h: number, w: number, c: number }, models?: any, picture?: (name: string) => Promise<any> }) => Facts | Promise<Facts>} facts
 * @property {(typed: any, facts: Facts) => Verdict} check   typed: the number, the shape's numbers, or the cells' numbers
 * @property {(facts: Facts) => string[]} worked
 */

/** @type {Record<string, Exercise>} */
export const EXERCISES = {
  'mlp-params': {
    id: 'mlp-params', kind: 'number', objectives: [],
    prompt: 'The class’s MLP for Fashion-MNIST takes the 28 × 28 = 784 pixels, has one hidden layer of 128 units (ReLU) and 10 outputs (softmax). How many parameters (weights and biases) does it learn?',
    label: 'Parameters of the MLP',
    facts: ({ engine }) => {
      const d = engine.describeSpec(PRESET_SPECS.mlp, { c: 1, h: 28, w: 28 });
      return { answer: d.params, more: { layers: d.layers.filter((l) => l.params > 0).map((l) => l.params) } };
    },
    check: (n, { answer }) => {
      if (n === answer) return { ok: true };
      if (n === 784 * 128 + 128 * 10) return { ok: false, wrong: 'You counted the weights but not the biases.', hint: 'Every unit has one bias too: a layer of n units adds n.' };
      if (n === 784 * 128 + 128) return { ok: false, wrong: 'That is the hidden layer alone.', hint: 'Add the output layer: 10 units, each with 128 weights and a bias.' };
      return { ok: false, wrong: `${fmtInt(n)} is ${n > answer ? 'too many' : 'too few'}.`, hint: 'A dense layer of n units on m inputs has m × n weights and n biases. Count each layer and add.' };
    },
    worked: ({ answer, more }) => [
      `Hidden layer: 784 inputs × 128 units + 128 biases = ${fmtInt(more.layers[0])}.`,
      `Output layer: 128 × 10 + 10 biases = ${fmtInt(more.layers[1])}.`,
      `In all: ${fmtInt(answer)} parameters (the engine’s count of the model dense128-relu-dense10-softmax).`,
    ],
  },

  'dense-64': {
    id: 'dense-64', kind: 'number', objectives: [],
    prompt: 'A photo of only 64 × 64 grayscale pixels goes into a dense layer of 128 units. How many parameters (weights and biases) does that one layer have?',
    label: 'Parameters of the dense layer',
    facts: ({ engine }) => ({ answer: engine.describeSpec('dense128', { c: 1, h: 64, w: 64 }).params }),
    check: (n, { answer }) => {
      if (n === answer) return { ok: true };
      if (n === 64 * 64 * 128) return { ok: false, wrong: 'You counted the weights but not the biases.', hint: 'Each of the 128 units has one bias.' };
      if (n === 64 * 128 + 128 || n === 64 * 128) return { ok: false, wrong: 'Each unit sees every pixel, not one row of them.', hint: 'The image has 64 × 64 = 4,096 pixels: each unit has a weight for each.' };
      return { ok: false, wrong: `${fmtInt(n)} is ${n > answer ? 'too many' : 'too few'}.`, hint: 'Each of the 128 units has one weight per pixel (64 × 64 of them) and one bias.' };
    },
    worked: ({ answer }) => [
      '64 × 64 = 4,096 pixels, each connected to each of the 128 units: 4,096 × 128 = 524,288 weights.',
      `Plus 128 biases: ${fmtInt(answer)} (the engine’s count). The class’s photo, (1050, 700, 3), would need ${fmtInt(1050 * 700 * 3 * 128 + 128)}: why a fully connected layer is impractical on real images.`,
    ],
  },

  dot: {
    id: 'dot', kind: 'matrix', rows: 3, cols: 3, objectives: [1],
    prompt: 'Type the 3 × 3 grayscale image of a dark dot in the middle of a white square, one number from 0 to 255 per pixel.',
    label: 'The dark dot',
    facts: () => ({ answer: DOT }),
    check: (cells, { answer }) => {
      if (cells.some((v) => Number.isNaN(v))) return { ok: false, wrong: 'Some pixels are empty or not numbers.', hint: 'Each of the 9 pixels holds one whole number.' };
      if (cells.some((v) => v < 0 || v > 255 || !Number.isInteger(v))) return { ok: false, wrong: 'A pixel holds a whole number from 0 to 255.', hint: '0 is the darkest, 255 the brightest.' };
      if (same(cells, answer)) return { ok: true };
      if (same(cells, answer.map((v) => 255 - v))) return { ok: false, wrong: 'That is a white dot on black.', hint: 'In a grayscale image 0 is black (the darkest) and 255 is white (the brightest).' };
      const off = cells.filter((v, i) => v !== answer[i]).length;
      return { ok: false, wrong: `${plural(off, 'pixel is', 'pixels are')} not what the picture needs.`, hint: 'White is 255, the darkest is 0: eight white pixels around one dark one.' };
    },
    worked: ({ answer }) => [
      'White is 255 and the darkest is 0, so the matrix is:',
      ...[0, 1, 2].map((r) => answer.slice(3 * r, 3 * r + 3).join('  ')),
    ],
  },

  'photo-shape': {
    id: 'photo-shape', kind: 'shape', objectives: [5, 6],
    prompt: 'Chelsea the cat is open in the pixels page above. What is the shape of the photo, written the lesson’s way (height, width, channels)?',
    label: 'The photo’s shape',
    facts: ({ photo }) => ({ answer: [photo.h, photo.w, photo.c] }),
    check: (s, { answer }) => {
      const [h, w, c] = answer;
      if (same(s, answer)) return { ok: true };
      if (same(s, [w, h, c])) return { ok: false, wrong: 'You wrote the width first.', hint: 'The lesson writes the height (the rows) first, then the width (the columns).' };
      if (same(s, [h, w]) || same(s, [w, h])) return { ok: false, wrong: 'Two numbers describe a grayscale image; this one is in colour.', hint: 'A colour image stacks three matrices, R, G and B: its shape has a third number.' };
      if (s.length === 3 && s[2] === 255) return { ok: false, wrong: '255 is the largest value of a pixel, not a dimension.', hint: 'The third number counts the colour channels.' };
      return { ok: false, wrong: `${shapeText(s)} is not the photo’s shape.`, hint: 'The pixels page writes the shape under the photo: the number of rows, of columns, and of channels.' };
    },
    worked: ({ answer }) => [
      `The photo has ${answer[0]} rows (its height) and ${answer[1]} columns (its width), and 3 channels (R, G, B):`,
      `shape ${shapeText(answer)}, ${fmtInt(answer[0] * answer[1] * answer[2])} numbers in all.`,
    ],
  },

  z12: {
    id: 'z12', kind: 'number', objectives: [2],
    prompt: 'Slide the class’s kernel W = [[0, 1, 2], [2, 2, 0], [0, 1, 2]] over the 5 × 5 matrix in the kernels page above (no padding, stride 1). What is Z[1, 2]?',
    label: 'Z[1, 2]',
    facts: ({ engine }) => {
      const z = engine.conv2d(Float32Array.from(GRID5), 1, 5, 5, Float32Array.from(CLASS_W), 3, 3, { pad: PAD_VALID });
      const at2 = (r, c) => z.data[r * z.w + c];
      const flipped = engine.conv2d(Float32Array.from(GRID5), 1, 5, 5, Float32Array.from([...CLASS_W].reverse()), 3, 3, { pad: PAD_VALID });
      return { answer: at2(1, 2), more: { swapped: at2(2, 1), flipped: flipped.data[1 * flipped.w + 2] } };
    },
    check: (n, { answer, more }) => {
      if (n === answer) return { ok: true };
      if (n === more.swapped) return { ok: false, wrong: 'That is Z[2, 1]: the first index is the row.', hint: 'Z[j1, j2]: j1 counts rows down, j2 columns across, both from 0.' };
      if (n === more.flipped) return { ok: false, wrong: 'You flipped the kernel (the textbook convolution).', hint: 'The lesson, like every CNN library, multiplies W[k1, k2] by X[j1 + k1, j2 + k2]: no flip.' };
      return { ok: false, wrong: `${fmtInt(n)} is not Z[1, 2].`, hint: 'Z[1, 2] uses the 3 × 3 block of X whose top-left corner is row 1, column 2 (counting from 0): multiply it cell by cell with W and add the nine products.' };
    },
    worked: ({ answer }) => {
      const terms = [];
      for (let k1 = 0; k1 < 3; k1++) {
        for (let k2 = 0; k2 < 3; k2++) terms.push(`${at(CLASS_W, 3, k1, k2)}·${at(GRID5, 5, 1 + k1, 2 + k2)}`);
      }
      return [
        'Z[1, 2] = Σ W[k1, k2] · X[1 + k1, 2 + k2], over the block of rows 1-3 and columns 2-4 of X:',
        `${terms.join(' + ')} = ${fmtInt(answer)} (the engine’s convolution gives ${fmtInt(answer)}).`,
      ];
    },
  },

  'vertical-kernel': {
    id: 'vertical-kernel', kind: 'matrix', rows: 3, cols: 3, objectives: [4],
    prompt: 'Build a 3 × 3 kernel that finds vertical edges: strong where dark meets bright side by side, 0 on a flat area and on a horizontal edge. The engine tries it on three test pictures.',
    label: 'Your kernel',
    facts: ({ engine }) => ({ answer: null, more: { engine } }),
    check: (cells, { more }) => {
      if (cells.some((v) => Number.isNaN(v))) return { ok: false, wrong: 'Some cells are empty or not numbers.', hint: 'Each of the 9 weights is a number (negative ones too).' };
      const r = edgeResponses(more.engine, cells);
      if (Math.abs(r.flat) > 1e-3) return { ok: false, wrong: `On a flat gray area (128 everywhere) your kernel gives ${fmtInt(r.flat)}, not 0: its weights add up to ${fmtInt(r.sum)}.`, hint: 'Make the weights add up to 0, so that where nothing changes the kernel answers 0.' };
      if (r.vertical < 1e-6 && r.horizontal > 0) return { ok: false, wrong: `Your kernel finds the horizontal edge (up to ${fmtInt(r.horizontal)}) and gives 0 on the vertical one.`, hint: 'Turn it by 90°: the weights change from left to right, the same down each column.' };
      if (r.vertical < 1e-6) return { ok: false, wrong: 'On the vertical edge your kernel gives 0 everywhere: it does not see it.', hint: 'Put positive weights on one side (a column) and negative ones on the other.' };
      if (r.horizontal > r.vertical / 4) return { ok: false, wrong: `Your kernel answers the horizontal edge (up to ${fmtInt(r.horizontal)}) as much as the vertical one (${fmtInt(r.vertical)}).`, hint: r.horizontal >= r.vertical ? 'It finds horizontal edges: turn it by 90°, the weights changing from left to right, the same down each column.' : 'Make each column hold one value: the weights change from left to right only.' };
      return { ok: true };
    },
    worked: () => [
      'Sobel’s G_x = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]: positive on the left, negative on the right, the same down each column.',
      'Its weights add up to 0 (flat areas give 0); on the vertical edge it gives ±1,020; on a horizontal edge 0. [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]] works too.',
    ],
  },

  'out-shape': {
    id: 'out-shape', kind: 'shape', objectives: [3, 5],
    prompt: 'A 28 × 28 grayscale image goes through a convolution with one 5 × 5 kernel, zero padding (2 pixels on every side) and stride 2. What is the shape of the output, (height, width)?',
    label: 'The output’s shape',
    facts: ({ engine }) => ({
      answer: engine.outSize(28, 28, 5, 5, PAD_ZERO, 2),
      more: { valid2: engine.outSize(28, 28, 5, 5, PAD_VALID, 2), valid1: engine.outSize(28, 28, 5, 5, PAD_VALID, 1), zero1: engine.outSize(28, 28, 5, 5, PAD_ZERO, 1) },
    }),
    check: (s, { answer, more }) => {
      if (same(s, answer)) return { ok: true };
      if (same(s, more.valid2)) return { ok: false, wrong: `${shapeText(s)} is the shape without padding.`, hint: 'Zero padding adds 2 pixels on each side first: the kernel slides over 32 × 32.' };
      if (same(s, more.valid1)) return { ok: false, wrong: `${shapeText(s)} is the shape without padding and with stride 1.`, hint: 'Pad first (28 + 2 + 2), then count the kernel’s positions, moving 2 at a time.' };
      if (same(s, more.zero1)) return { ok: false, wrong: `${shapeText(s)} is the shape with stride 1.`, hint: 'Stride 2 moves the kernel 2 pixels at a time: about half as many positions.' };
      if (s.length !== 2) return { ok: false, wrong: `A shape for one grayscale output has two numbers; you wrote ${plural(s.length, 'number', 'numbers')}.`, hint: 'Write (height, width).' };
      return { ok: false, wrong: `${shapeText(s)} is not the output’s shape.`, hint: 'Positions along a side: ⌊(28 + 2 + 2 − 5) / 2⌋ + 1.' };
    },
    worked: ({ answer }) => [
      'Padded, each side is 28 + 2 + 2 = 32 pixels. The kernel (5 wide) fits at 32 − 5 + 1 = 28 places along it, and stride 2 keeps every second one:',
      `⌊(32 − 5) / 2⌋ + 1 = ${answer[0]}, so the output is ${shapeText(answer)} (the engine’s output size).`,
    ],
  },

  'conv-params': {
    id: 'conv-params', kind: 'number', objectives: [3, 4, 6],
    prompt: 'A convolutional layer has 8 kernels of 3 × 3 and reads an RGB image. How many parameters (weights and biases) does it learn?',
    label: 'Parameters of the layer',
    facts: ({ engine }) => ({ answer: engine.describeSpec('conv3x3x8', { c: 3, h: 28, w: 28 }).params }),
    check: (n, { answer }) => {
      if (n === answer) return { ok: true };
      if (n === 8 * 9 || n === 8 * 9 + 8) return { ok: false, wrong: 'You gave each kernel one 3 × 3 slice.', hint: 'On an RGB image a kernel has one 3 × 3 slice per channel: 3 × 3 × 3 weights, summed over the channels.' };
      if (n === 8 * 27) return { ok: false, wrong: 'You counted the weights but not the biases.', hint: 'Each kernel adds one bias to its feature map.' };
      return { ok: false, wrong: `${fmtInt(n)} is ${n > answer ? 'too many' : 'too few'}.`, hint: 'Each kernel: 3 × 3 weights for each of the 3 channels, plus one bias. The image’s size does not matter.' };
    },
    worked: ({ answer }) => [
      'Each kernel has a 3 × 3 slice for each of the 3 channels: 27 weights, and 1 bias: 28.',
      `8 kernels × 28 = ${fmtInt(answer)} (the engine’s count), however large the image is: compare the dense layer of the motivation step.`,
    ],
  },

  ...TRAINED,
};

/**
 * The edge test: the kernel's largest |Z| on the vertical and horizontal
 * patterns, its value on the flat one, and its sum, from the engine.
 * @param {any} engine
 * @param {number[]} cells
 */
export function edgeResponses(engine, cells) {
  const k = Float32Array.from(cells);
  const run = (p) => engine.conv2d(Float32Array.from(p), 1, SIDE, SIDE, k, 3, 3, { pad: PAD_VALID }).data;
  const maxAbs = (z) => z.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const flat = run(PATTERNS.flat);
  return { vertical: maxAbs(run(PATTERNS.vertical)), horizontal: maxAbs(run(PATTERNS.horizontal)), flat: flat[0], sum: cells.reduce((a, b) => a + b, 0) };
}

/**
 * What a student typed, read for an exercise: { typed } or { empty: message }.
 * @param {Exercise} ex
 * @param {string[]} texts  the field's text (number, shape) or each cell's
 */
export function readAnswer(ex, texts) {
  if (ex.kind === 'matrix') return { typed: readCells(texts) };
  if (ex.kind === 'model') return { typed: null };
  // a choice: its number from 1, or 0 for none (the check says first whether there is anything to choose from)
  if (ex.kind === 'choice') return { typed: Math.max(0, Math.trunc(readNumber(texts[0] ?? '')) || 0) };
  const t = texts[0] ?? '';
  if (t.trim() === '') return { empty: 'Type your answer first.' };
  if (ex.kind === 'shape') {
    const s = readShape(t);
    return s.length ? { typed: s } : { empty: 'Write the shape as numbers in brackets, such as (28, 28).' };
  }
  const n = readNumber(t);
  return Number.isNaN(n) ? { empty: `“${t.trim()}” is not a number.` } : { typed: n };
}

/**
 * Checks a student's answer: { ok, wrong?, hint? }.
 * @param {Exercise} ex
 * @param {string[]} texts
 * @param {Facts} facts
 * @returns {Verdict}
 */
export function checkAnswer(ex, texts, facts) {
  const r = readAnswer(ex, texts);
  if ('empty' in r) return { ok: false, wrong: r.empty, hint: '' };
  return ex.check(r.typed, facts);
}

/** The worked answer's lines. @param {Exercise} ex @param {Facts} facts */
export function workedAnswer(ex, facts) {
  return ex.worked(facts);
}
