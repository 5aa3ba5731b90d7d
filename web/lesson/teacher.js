// teacher.js - exercises a teacher makes, on the lesson page (a matrix, a
// 3 x 3 kernel, the padding and the stride, and what the student must find)
// or from any page's view (lib/exercise-link.js: the kernels page's image and
// kernel, a pixel of the pixels page's picture, a target accuracy on the train
// page). The whole exercise is its link, so no server is needed:
//
//   lesson.html#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2
//
// The student's page reads the link into an exercise like the lesson's own
// (exercises.js's Exercise), checked by the engine's convolution and output
// size, with the page it came from (embed mode) opened on the same view; the
// pixels and train kinds are tasks.js's. Pure; tested in node
// (tests/node/lesson.test.mjs, tests/node/exercise-link.test.mjs).
import { isExerciseLink, encodeExercise, decodeExercise, PADS } from '../lib/exercise-link.js';
import { SAMPLES } from '../lib/image-source.js';
import { wholeNumber } from '../lib/numbers.js';
import { fmtInt } from '../lib/format.js';
import { GRID5, DOT } from './exercises.js';
import { otherExercise, otherWidget, otherProblem } from './tasks.js';

export { PADS };
export const TASKS = ['z', 'shape'];
/** The matrices a task can use: the kernels page's own (its img= names), so its widget shows the same X. */
export const IMAGES = {
  grid5: { label: 'The 5 × 5 matrix of small numbers', h: 5, w: 5, values: GRID5 },
  dot: { label: 'The class’s dark dot (3 × 3)', h: 3, w: 3, values: DOT },
};
/** The engine's padding codes (lib/limits.js PAD). */
const PAD_CODE = { valid: 0, zero: 1, reflect: 2, edge: 3 };
export const CELL = { min: -9, max: 9 };

/** @typedef {import('../lib/exercise-link.js').ExerciseTask} Task */

/** Whether a link holds a teacher's task. @param {string} hash */
export const isTaskLink = isExerciseLink;

/** A task's link text (with its '#'). @param {Task} t */
export const encodeTask = encodeExercise;

/**
 * Reads a task link: { task, problems } (problems: why the link cannot be
 * the teacher's exercise, [] when it can). @param {string} hash
 */
export const decodeTask = decodeExercise;

/** A picture's name as a sentence. @param {string} img */
export function imageLabel(img) {
  if (IMAGES[img]) return IMAGES[img].label.replace(/^The/, 'the');
  const s = SAMPLES.find((x) => x.name === img);
  return s ? `the photo ${s.label.replace(/ \(.*$/, '')}, in grayscale` : img;
}

/** Whether a name is a picture a kernels task can use (a matrix here, or a sample photo). @param {string} img */
const kernelsImage = (img) => Boolean(IMAGES[img]) || SAMPLES.some((x) => x.name === img);

/**
 * The picture a task is about: { h, w, c, gray, planes } (gray: one plane, the
 * kernels page's grayscale X; planes: c planes of bytes as stored), a
 * matrix's from here, a sample's from ctx.picture (main.js decodes it with
 * the engine). @param {string} img @param {any} ctx
 */
export async function pictureOf(img, ctx) {
  const m = IMAGES[img];
  if (m) return { h: m.h, w: m.w, c: 1, gray: Float32Array.from(m.values), planes: Float32Array.from(m.values) };
  return ctx.picture(img);
}

/**
 * Why a task cannot be set ('' when it can): a picture it names, the engine's
 * output size, a position inside the output or the picture. `pic`: the
 * picture's { h, w, c } (pictureOf), or undefined for a picture that does not load.
 * @param {any} engine
 * @param {Task} t
 * @param {{ h: number, w: number, c: number }} [pic]
 */
export function taskProblem(engine, t, pic) {
  if (!TASKS.includes(t.task)) return otherProblem(t, pic);
  if (!kernelsImage(t.img)) return `“${t.img}” is not one of the lab’s pictures.`;
  if (!pic) return `The picture “${t.img}” could not be loaded.`;
  let size;
  try {
    size = engine.outSize(pic.h, pic.w, t.k[0], t.k[1], PAD_CODE[t.pad], t.stride);
  } catch (e) {
    return `This picture, kernel size, padding and stride give no output (${e.message}).`;
  }
  if (t.task === 'z' && !(t.at[0] < size[0] && t.at[1] < size[1])) {
    return `Z[${t.at.join(', ')}] is outside the output, which has shape (${size.join(', ')}): rows 0 to ${size[0] - 1}, columns 0 to ${size[1] - 1}.`;
  }
  return '';
}

/** The page showing a task's view (embed mode): the kernels page for a kernels task. @param {Task} t */
export function taskWidget(t) {
  if (!TASKS.includes(t.task)) return otherWidget(t);
  const square = t.k[0] === 3 && t.k[1] === 3;
  return `kernels.html?embed#img=${t.img}${IMAGES[t.img] ? '' : '&mode=gray'}${square ? '' : `&k=${t.k.join('x')}`}`
    + `&preset=custom&w=${t.w.join(',')}&pad=${t.pad}&stride=${t.stride}${t.task === 'z' ? `&px=${t.at.join(',')}` : ''}`;
}

const rows = (values, w) => Array.from({ length: values.length / w }, (_, r) => `[${values.slice(r * w, r * w + w).join(', ')}]`).join(', ');
/** A value as the feedback writes it: whole numbers as they are, others to 2 decimals. @param {number} v */
const num = (v) => (Number.isInteger(v) ? fmtInt(v) : v.toFixed(2));
/** A non-whole Z is right within this (the prompt asks for one decimal). */
const TOLERANCE = 0.05;

/**
 * A task as an exercise like the lesson's (exercises.js), its answer from the engine.
 * @param {Task} t
 * @returns {import('./exercises.js').Exercise}
 */
export function taskExercise(t) {
  if (!TASKS.includes(t.task)) return otherExercise(t);
  const [k1, k2] = t.k;
  const photo = !IMAGES[t.img];
  const setting = `the kernel W = [${rows(t.w, k2)}] over ${imageLabel(t.img)}, with ${t.pad === 'valid' ? 'no padding' : `${t.pad} padding`} and stride ${t.stride}`;
  const common = { id: 'teacher', objectives: [] };
  if (t.task === 'shape') {
    return {
      ...common, kind: 'shape', label: 'The output’s shape',
      prompt: `Slide ${setting}. What is the shape of the output, (height, width)?`,
      facts: async (ctx) => {
        const pic = await pictureOf(t.img, ctx);
        const pad = PAD_CODE[t.pad];
        return { answer: ctx.engine.outSize(pic.h, pic.w, k1, k2, pad, t.stride), more: { h: pic.h, w: pic.w, before: [k1, k2].map((k) => ctx.engine.padBefore(k, pad)), after: [k1, k2].map((k) => (pad ? k - 1 : 0) - ctx.engine.padBefore(k, pad)) } };
      },
      check: (s, { answer }) => (s.length === 2 && s[0] === answer[0] && s[1] === answer[1] ? { ok: true }
        : { ok: false, wrong: `(${s.join(', ')}) is not the output’s shape.`, hint: 'Count where the kernel fits along each side once the padding is added, moving by the stride.' }),
      worked: ({ answer, more }) => {
        const rowsIn = more.h + more.before[0] + more.after[0], colsIn = more.w + more.before[1] + more.after[1];
        return [
          `The picture has ${more.h} rows and ${more.w} columns; ${t.pad === 'valid' ? 'without padding' : 'padded'}, ${rowsIn} rows and ${colsIn} columns.`,
          `The ${k1} × ${k2} kernel fits at ⌊(${rowsIn} − ${k1}) / ${t.stride}⌋ + 1 = ${answer[0]} places down and ⌊(${colsIn} − ${k2}) / ${t.stride}⌋ + 1 = ${answer[1]} across.`,
          `The output’s shape is (${answer.join(', ')}) (the engine’s output size).`,
        ];
      },
    };
  }
  const [j1, j2] = t.at;
  return {
    ...common, kind: 'number', label: `Z[${j1}, ${j2}]`,
    prompt: `Slide ${setting}. What is Z[${j1}, ${j2}]?${photo ? ' (One decimal is enough.)' : ''}`,
    facts: async (ctx) => {
      const { engine } = ctx;
      const x = await pictureOf(t.img, ctx);
      const pad = PAD_CODE[t.pad];
      const z = engine.conv2d(x.gray, 1, x.h, x.w, Float32Array.from(t.w), k1, k2, { pad, stride: t.stride });
      // the numbers under the kernel, padding included, as the engine pads
      const b1 = engine.padBefore(k1, pad), b2 = engine.padBefore(k2, pad);
      const under = [];
      for (let a = 0; a < k1; a++) {
        for (let b = 0; b < k2; b++) {
          const r = engine.padIndex(j1 * t.stride + a - b1, x.h, pad), c = engine.padIndex(j2 * t.stride + b - b2, x.w, pad);
          under.push(r < 0 || c < 0 ? 0 : x.gray[r * x.w + c]);
        }
      }
      const exact = [...under, ...t.w].every(Number.isInteger);
      return { answer: z.data[j1 * z.w + j2], more: { under, exact } };
    },
    check: (n, { answer, more }) => ((more.exact ? n === answer : Math.abs(n - answer) <= TOLERANCE) ? { ok: true }
      : { ok: false, wrong: `${num(n)} is not Z[${j1}, ${j2}].`, hint: `Find the ${k1} × ${k2} block under the kernel: it starts at row ${j1} × ${t.stride}, column ${j2} × ${t.stride} of the ${t.pad === 'valid' ? '' : 'padded '}${photo ? 'picture' : 'matrix'}. Multiply cell by cell and add.` }),
    worked: ({ answer, more }) => [
      `The numbers under the kernel: [${rows(more.under.map((v) => (Number.isInteger(v) ? v : Number(v.toFixed(2)))), k2)}].`,
      `${more.under.map((v, i) => `${t.w[i] < 0 ? `(${t.w[i]})` : t.w[i]}·${Number.isInteger(v) ? v : v.toFixed(2)}`).join(' + ')} = ${num(answer)} (the engine’s convolution gives ${num(answer)}).`,
    ],
  };
}

/**
 * The teacher's form, read: { task } or { error } (the first field at fault).
 * @param {{ task: string, img: string, w: string[], pad: string, stride: string, at: string[] }} v  the fields' text
 * @returns {{ task?: Task, error?: string }}
 */
export function readTaskForm(v) {
  const w = [];
  for (const [i, text] of v.w.entries()) {
    const r = wholeNumber(text, CELL.min, CELL.max, `Weight W[${Math.floor(i / 3)}, ${i % 3}]`);
    if (r.error) return { error: `${r.error}.` };
    w.push(r.value);
  }
  const stride = wholeNumber(v.stride, 1, 4, 'The stride');
  if (stride.error) return { error: `${stride.error}.` };
  const at = [];
  if (v.task === 'z') {
    for (const [i, text] of v.at.entries()) {
      const r = wholeNumber(text, 0, 99, i === 0 ? 'The row j1' : 'The column j2');
      if (r.error) return { error: `${r.error}.` };
      at.push(r.value);
    }
  }
  if (!TASKS.includes(v.task) || !(v.img in IMAGES) || !PADS.includes(v.pad)) return { error: 'Choose what to find, the matrix and the padding.' };
  return { task: { task: v.task, img: v.img, k: [3, 3], w, pad: v.pad, stride: stride.value, at: v.task === 'z' ? at : [0, 0] } };
}
