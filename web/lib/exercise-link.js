// exercise-link.js - a teacher's exercise as a link to the lesson page, made
// from any page's view: the whole exercise is in the link, so no server is
// needed. Pure; the pages make links with it (lib/exercise-maker.js draws the
// panel), the lesson page reads them (lesson/teacher.js turns them into
// exercises the engine checks). Tested in node (tests/node/exercise-link.test.mjs).
//
//   kernels: Z[j1, j2] or the output's shape, for an image, a kernel, padding and stride
//     lesson.html#task=z&img=grid5&k=3x3&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2
//     lesson.html#task=shape&img=camera&k=5x5&w=…&pad=valid&stride=2
//   pixels: the numbers of one pixel of a picture, or the picture's shape
//     lesson.html#task=pixel&img=chelsea&at=120,200        (row, column)
//     lesson.html#task=imgshape&img=coffee
//   train: a test accuracy to reach with a kind of model
//     lesson.html#task=train&arch=cnn&target=85            (percent)
//
// A link is read strictly: a value it cannot mean is not replaced by a
// default (that would be another exercise than the teacher's), it makes the
// link refused, with what was wrong (decodeExercise's `problems`).
import { decodeHash as decodeFields, encodeHash as encodeFields, ignoredLines } from './hash-state.js';
import { MAX_KERNEL, MAX_STRIDE } from './limits.js';
import { parseDecimal } from './numbers.js';

export const TASK_KINDS = ['z', 'shape', 'pixel', 'imgshape', 'train'];
export const PADS = ['valid', 'zero', 'reflect', 'edge'];
export const ARCHS = ['mlp', 'cnn'];
/** A kernel weight in a link: a number of at most 4 decimals, |w| <= 100. */
export const WEIGHT = { max: 100, decimals: 4 };
/** Largest row or column of a position (the largest image a page takes is smaller). */
const MAX_POS = 9999;
/** The target accuracy, in percent: above guessing (10%), below perfect. */
export const TARGET = { min: 11, max: 99 };

const kernelTask = (s) => s.task === 'z' || s.task === 'shape';
const needsAt = (s) => s.task === 'z' || s.task === 'pixel';

/** @param {string} t */
function readSize(t) {
  const m = /^(\d{1,2})x(\d{1,2})$/.exec(t.trim());
  const ok = m && [m[1], m[2]].every((v) => Number(v) >= 1 && Number(v) <= MAX_KERNEL);
  return ok ? { value: [Number(m[1]), Number(m[2])] } : { error: `the kernel size is rows x columns, each from 1 to ${MAX_KERNEL}` };
}

/** @param {string} t @param {any} s  the fields read before (k) */
function readWeights(t, s) {
  const parts = t.split(',');
  const n = s.k[0] * s.k[1];
  if (parts.length !== n) return { error: `the kernel is ${n} numbers for its size ${s.k.join('x')}` };
  const out = [];
  for (const p of parts) {
    const v = parseDecimal(p);
    if (!Number.isFinite(v) || Math.abs(v) > WEIGHT.max || !new RegExp(`^-?\\d*(\\.\\d{0,${WEIGHT.decimals}})?$`).test(p.trim())) {
      return { error: `each weight is a number from -${WEIGHT.max} to ${WEIGHT.max} with at most ${WEIGHT.decimals} decimals` };
    }
    out.push(v);
  }
  return { value: out };
}

/** @param {string} t */
function readAt(t) {
  const m = /^(\d{1,4}),(\d{1,4})$/.exec(t.trim());
  return m ? { value: [Number(m[1]), Number(m[2])] } : { error: 'the position is written row,column, such as 1,2' };
}

/** An exercise's keys. @type {import('./hash-state.js').Field[]} */
export const EXERCISE_FIELDS = [
  { key: 'task', short: 'task', what: 'what to find', type: 'enum', values: TASK_KINDS, def: 'z' },
  {
    key: 'img', short: 'img', what: 'the image', type: 'custom', def: 'grid5', format: String, when: (s) => s.task !== 'train',
    parse: (t) => (/^[a-z][a-z0-9]{0,23}$/.test(t) ? { value: t } : { error: 'the image is a name of the lab’s pictures' }),
  },
  { key: 'k', short: 'k', what: 'the kernel size', type: 'custom', def: [3, 3], parse: readSize, format: (v) => v.join('x'), when: (s) => kernelTask(s) && !(s.k[0] === 3 && s.k[1] === 3) },
  { key: 'w', short: 'w', what: 'the kernel', type: 'custom', def: [0, 1, 2, 2, 2, 0, 0, 1, 2], parse: readWeights, format: (v) => v.join(','), when: kernelTask },
  { key: 'pad', short: 'pad', what: 'the padding', type: 'enum', values: PADS, def: 'valid', when: kernelTask },
  { key: 'stride', short: 'stride', what: 'the stride', type: 'int', min: 1, max: MAX_STRIDE, def: 1, when: kernelTask },
  { key: 'at', short: 'at', what: 'the position', type: 'custom', def: [0, 0], parse: readAt, format: (v) => v.join(','), when: needsAt },
  { key: 'arch', short: 'arch', what: 'the kind of model', type: 'enum', values: ARCHS, def: 'mlp', when: (s) => s.task === 'train' },
  { key: 'target', short: 'target', what: 'the target accuracy', type: 'int', min: TARGET.min, max: TARGET.max, def: 80, when: (s) => s.task === 'train' },
];

/**
 * @typedef {object} ExerciseTask
 * @property {string} task     a TASK_KINDS value
 * @property {string} img      a picture's name (kernels: a matrix or a sample; pixels: a sample)
 * @property {number[]} k      kernel rows, columns
 * @property {number[]} w      the kernel, row by row
 * @property {string} pad
 * @property {number} stride
 * @property {number[]} at     [row, column]: Z[j1, j2] or a pixel
 * @property {string} [arch]   'mlp' or 'cnn'
 * @property {number} [target] percent
 */

/** Whether a link holds an exercise. @param {string} hash */
export function isExerciseLink(hash) {
  return new URLSearchParams(String(hash ?? '').replace(/^#/, '')).has('task');
}

/** An exercise's hash (with its '#'). @param {ExerciseTask} t */
export function encodeExercise(t) {
  return `#${encodeFields(EXERCISE_FIELDS, t)}`;
}

/**
 * Reads an exercise link strictly: { task, problems } (problems: a sentence
 * for each value the link cannot mean, each key missing that the exercise
 * needs, each name no exercise has; none: the task is the teacher's).
 * @param {string} hash
 * @returns {{ task: ExerciseTask, problems: string[] }}
 */
export function decodeExercise(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const { state, ignored, unknown } = decodeFields(EXERCISE_FIELDS, hash);
  const problems = ignored.map((i) => `“${i.short}=${i.value.length > 40 ? `${i.value.slice(0, 40)}…` : i.value}” cannot be read: ${i.why}.`);
  const task = /** @type {ExerciseTask} */ (state);
  if (!ignored.some((i) => i.key === 'task')) {
    for (const d of EXERCISE_FIELDS) {
      if (d.key !== 'task' && (!d.when || d.when(task)) && !p.has(d.short) && d.key !== 'pad' && d.key !== 'stride' && d.key !== 'k') {
        problems.push(`${d.what[0].toUpperCase()}${d.what.slice(1)} (“${d.short}=”) is missing.`);
      }
    }
  }
  if (unknown.length) problems.push(...ignoredLines(EXERCISE_FIELDS, [], unknown).map((l) => l.replace(', ignored', '')));
  return { task, problems };
}

/** The lesson page's address of an exercise, from any page of the site. @param {string} pageHref @param {ExerciseTask} t */
export function exerciseHref(pageHref, t) {
  const u = new URL('lesson.html', pageHref);
  u.hash = encodeExercise(t);
  return u.href;
}

// ---- the tasks a page's view can give ----

/**
 * The kernels page's view as tasks: { tasks: { z, shape } } or { error } (why
 * this view makes none). view: { image (a matrix or sample name, or 'own'),
 * mode, k1, k2, weights (numbers; NaN where a cell is not one), preset, pad,
 * stride, sel ([j1, j2], the output pixel chosen), normalise (the weights
 * divided by their sum, as the engine's cl_kernel_normalise does) }.
 * @param {{ image: string, mode: string, k1: number, k2: number, weights: number[], preset: string, pad: string, stride: number, sel: number[], normalise?: boolean }} v
 */
export function kernelsTasks(v) {
  if (v.image === 'own') return { error: 'Exercises use the lab’s own pictures (a matrix or a sample photo): the student’s page has no copy of yours. Choose one under Image.' };
  if (v.mode !== 'gray') return { error: 'Exercises are made in the Grayscale mode (one kernel, one channel): choose it under Mode.' };
  if (v.preset === 'magnitude') return { error: 'The gradient magnitude is not a convolution: choose another kernel.' };
  const bad = v.weights.findIndex((w) => !Number.isFinite(w) || Math.abs(w) > WEIGHT.max);
  if (bad >= 0) return { error: `Weight ${bad + 1} of the kernel is not a number from -${WEIGHT.max} to ${WEIGHT.max}.` };
  const sum = v.weights.reduce((a, b) => a + b, 0), mag = v.weights.reduce((a, b) => a + Math.abs(b), 0);
  const by = v.normalise && mag > 0 && Math.abs(sum) >= 1e-6 * mag ? sum : 1;
  const w = v.weights.map((x) => Math.round((x / by) * 10 ** WEIGHT.decimals) / 10 ** WEIGHT.decimals);
  const base = { img: v.image, k: [v.k1, v.k2], w, pad: v.pad, stride: v.stride };
  return { tasks: { z: { task: 'z', ...base, at: [...v.sel] }, shape: { task: 'shape', ...base } } };
}

/**
 * The pixels page's view as tasks: { tasks: { pixel, imgshape } } or { error }.
 * view: { sample (a sample's name, or null for a file, the webcam or a drawn matrix), row, col }.
 * @param {{ sample: string | null, row: number, col: number }} v
 */
export function pixelsTasks(v) {
  if (!v.sample) return { error: 'Exercises use the lab’s sample pictures: the student’s page has no copy of yours. Choose a sample picture.' };
  return { tasks: { pixel: { task: 'pixel', img: v.sample, at: [v.row, v.col] }, imgshape: { task: 'imgshape', img: v.sample } } };
}

/**
 * The train page's view as a task: { tasks: { train } } or { error }.
 * @param {{ arch: string, target: string }} v  target as typed, in percent
 */
export function trainTasks(v) {
  if (!ARCHS.includes(v.arch)) return { error: 'Exercises ask for an MLP or a CNN: choose one of them under Architecture.' };
  const t = String(v.target ?? '').trim().replace(/%$/, '');
  const n = /^\d{1,2}$/.test(t) ? Number(t) : NaN;
  if (!(n >= TARGET.min && n <= TARGET.max)) return { error: `The target accuracy is a whole percentage from ${TARGET.min} to ${TARGET.max}: above guessing (10%), below perfect.` };
  return { tasks: { train: { task: 'train', arch: v.arch, target: n } } };
}
