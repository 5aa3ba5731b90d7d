// state.js - the lesson page's state and rules: its steps (the lesson's
// outline, ../shared/LESSON.md), which step the link opens, the progress kept
// in the browser, and which learning objectives a student has reached.
//
// Pure: no DOM, no engine, no storage (main.js reads and writes the text
// this module makes). Tested in node (tests/node/lesson.test.mjs).
//
//   lesson.html#step=convolution         opens the convolution step
//   lesson.html?embed#step=kernels        that step alone, for an iframe (lib/embed.js)
import { decodeHash as decodeFields, encodeHash as encodeFields, ignoredMessage } from '../lib/hash-state.js';
import { EXERCISES } from './exercises.js';

/** The lesson's six learning objectives, in its order (numbered 1-6). */
export const OBJECTIVES = [
  'How is an image represented in a computer?',
  'What is convolution?',
  'How is convolution used in neural networks?',
  'What is a convolutional layer, and how does it help extract features?',
  'What is a tensor, and what does its shape mean?',
  'How are RGB images represented?',
];

/**
 * @typedef {object} Step
 * @property {string} id
 * @property {string} title
 * @property {string[]} text       the step's paragraphs
 * @property {{ src: string, title: string, note: string }} widget  a page of the lab opened in the state the step needs
 * @property {string[]} exercises  EXERCISES ids
 */

/** The lesson's outline, one step per screen. @type {Step[]} */
export const STEPS = [
  {
    id: 'review', title: 'Review: the MLP',
    text: [
      'Yesterday’s network, the multilayer perceptron (MLP), learns its own features: z = f(W₁x + b₁), then ŷ = softmax(W₂z + b₂). Each hidden unit is connected to every pixel.',
      'It must beat guessing: with 10 classes, a guess is right 10% of the time.',
    ],
    widget: { src: 'train.html?embed#arch=mlp&L=1&units=128', title: 'The train page with the class’s MLP', note: 'The train page, set to the class’s MLP: its parameter count is under the settings.' },
    exercises: ['mlp-params', 'mlp-guess'],
  },
  {
    id: 'motivation', title: 'Why not an MLP on images?',
    text: [
      'An MLP connects every unit to every pixel: on real photos with millions of pixels that is far too many weights.',
      'It also ignores where the pixels are: shuffle the pixels the same way in every image and an MLP learns just as well. Is that how we see images?',
    ],
    widget: { src: 'pixels.html?embed#sample=camera&shuffled=1', title: 'The pixels page: an image as the vector an MLP sees', note: 'The pixels page: scroll to “How an MLP sees an image” to see the vector, shuffled.' },
    exercises: ['dense-64'],
  },
  {
    id: 'images', title: 'Images in a computer',
    text: [
      'A grayscale image is a 2D matrix of whole numbers, one per pixel, from 0 (the darkest) to 255 (the brightest).',
      'A colour image is a 3D array, a tensor: three matrices, R, G and B, stacked. Its shape is written (height, width, channels).',
    ],
    widget: { src: 'pixels.html?embed#sample=chelsea&view=color', title: 'The pixels page with Chelsea the cat', note: 'The pixels page with Chelsea the cat: point at a pixel to read its three numbers.' },
    exercises: ['dot', 'photo-shape'],
  },
  {
    id: 'convolution', title: 'Convolution',
    text: [
      'A convolution slides a small matrix, the kernel W, over the image X. At each place it multiplies the numbers under the kernel by its weights and adds them: Z[j1, j2] = Σ W[k1, k2] · X[j1 + k1, j2 + k2].',
      'Without padding the output shrinks: a 5 × 5 matrix and a 3 × 3 kernel give a 3 × 3 output.',
    ],
    widget: { src: 'kernels.html?embed#img=grid5&preset=class&px=0,0', title: 'The kernels page: the class’s kernel over a 5 × 5 matrix', note: 'The kernels page: choose an output pixel to see its sum, step by step.' },
    exercises: ['z12'],
  },
  {
    id: 'kernels', title: 'Kernels',
    text: [
      'Different kernels find different features. An average blurs; Sobel’s G_x finds vertical edges and G_y horizontal ones.',
      'In a network the first layers find small patterns like these edges; later layers combine them into larger features.',
    ],
    widget: { src: 'kernels.html?embed#img=camera&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1', title: 'The kernels page: Sobel G_x on the cameraman', note: 'The kernels page with Sobel’s G_x: try other presets, or your own numbers.' },
    exercises: ['vertical-kernel'],
  },
  {
    id: 'networks', title: 'Convolution in networks',
    text: [
      'A convolutional layer holds N kernels. On an image of C channels each kernel has C slices, one per channel; the results are summed, a bias added: one feature map per kernel.',
      'Padding and stride set the maps’ size; the layer’s weights do not depend on the image’s size.',
    ],
    widget: { src: 'kernels.html?embed#img=chelsea&mode=layer', title: 'The kernels page: a convolutional layer on Chelsea the cat', note: 'The kernels page as a convolutional layer: its kernels, feature maps and weight count.' },
    exercises: ['out-shape', 'conv-params', 'cnn-filter'],
  },
];
export const STEP_IDS = STEPS.map((s) => s.id);

/** The link's keys. @type {import('../lib/hash-state.js').Field[]} */
export const FIELDS = [
  { key: 'step', short: 'step', what: 'the step', type: 'enum', values: STEP_IDS, def: STEP_IDS[0] },
];

/**
 * Reads a link's hash: { step, any, note } (any: the link says something, so
 * its step is shown, the first one when it named none it can mean; note: what
 * it had that could not be used, '' when nothing).
 * @param {string} hash
 */
export function decodeHash(hash) {
  const { state, ignored, unknown, any } = decodeFields(FIELDS, hash);
  return { step: /** @type {string} */ (state.step), any, note: ignoredMessage(FIELDS, ignored, unknown) };
}

/** The link of a step (with its '#'). @param {string} step */
export function encodeHash(step) {
  return `#${encodeFields(FIELDS, { step })}`;
}

// ---- progress ----

/**
 * @typedef {object} Progress  what the browser keeps
 * @property {string[]} done   the exercises answered right (EXERCISES ids)
 * @property {string} step     the step last shown
 * @property {Record<string, string[]>} typed  what the student last typed (or chose) in each exercise, field by field
 */

/** At most this many fields an exercise, of at most this many characters, are kept. */
const TYPED_FIELDS = 16, TYPED_CHARS = 64;

/** @returns {Progress} */
export function emptyProgress() {
  return { done: [], step: STEP_IDS[0], typed: {} };
}

/** Typed texts as kept: strings only, cut to size; null when it is not a list of them. @param {any} v */
function typedTexts(v) {
  if (!Array.isArray(v) || v.length > TYPED_FIELDS || !v.every((t) => typeof t === 'string')) return null;
  return v.map((t) => t.slice(0, TYPED_CHARS));
}

/**
 * Progress from the kept text: anything it cannot mean is dropped (an old or
 * damaged record gives an empty progress, never an error).
 * @param {string | null} text
 * @returns {Progress}
 */
export function readProgress(text) {
  const p = emptyProgress();
  if (!text) return p;
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return p;
  }
  if (Array.isArray(v?.done)) p.done = [...new Set(v.done.filter((id) => typeof id === 'string' && Object.hasOwn(EXERCISES, id)))];
  if (STEP_IDS.includes(v?.step)) p.step = v.step;
  if (v?.typed && typeof v.typed === 'object' && !Array.isArray(v.typed)) {
    for (const [id, texts] of Object.entries(v.typed)) {
      const t = Object.hasOwn(EXERCISES, id) ? typedTexts(texts) : null;
      if (t) p.typed[id] = t;
    }
  }
  return p;
}

/** The text kept for a progress. @param {Progress} p */
export function progressText(p) {
  return JSON.stringify({ done: p.done, step: p.step, typed: p.typed });
}

/** Keeps what was typed in an exercise (a new progress). @param {Progress} p @param {string} id @param {string[]} texts */
export function keepTyped(p, id, texts) {
  const t = typedTexts(texts);
  return t ? { ...p, typed: { ...p.typed, [id]: t } } : p;
}

/** Marks an exercise done (a new progress). @param {Progress} p @param {string} id */
export function markDone(p, id) {
  return p.done.includes(id) ? p : { ...p, done: [...p.done, id] };
}

/** Whether every exercise of a step is done. @param {Step} step @param {string[]} done */
export function stepDone(step, done) {
  return step.exercises.every((id) => done.includes(id));
}

/**
 * For each learning objective (1-6, at index 0-5): whether every exercise
 * that practises it is done.
 * @param {string[]} done
 * @returns {boolean[]}
 */
export function objectivesReached(done) {
  return OBJECTIVES.map((_, i) => {
    const ids = Object.values(EXERCISES).filter((e) => e.objectives.includes(i + 1)).map((e) => e.id);
    return ids.length > 0 && ids.every((id) => done.includes(id));
  });
}

/** The step after (1) or before (-1) a step, or null at either end. @param {string} id @param {1|-1} by */
export function neighbour(id, by) {
  return STEPS[STEP_IDS.indexOf(id) + by] ?? null;
}
