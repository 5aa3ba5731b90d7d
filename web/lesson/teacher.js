// teacher.js - exercises a teacher makes: a matrix, a 3 x 3 kernel, the
// padding and the stride, and what the student must find (one output value
// Z[j1, j2], or the output's shape). The whole exercise is its link, so no
// server is needed:
//
//   lesson.html#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2
//
// The student's page reads the link into an exercise like the lesson's own
// (exercises.js's Exercise), checked by the engine's convolution and output
// size, with the kernels page (embed mode) opened on the same view. Pure;
// tested in node (tests/node/lesson.test.mjs).
import { decodeHash as decodeFields, encodeHash as encodeFields, ignoredMessage } from '../lib/hash-state.js';
import { wholeNumber } from '../lib/numbers.js';
import { fmtInt } from '../lib/format.js';
import { GRID5, DOT } from './exercises.js';

export const TASKS = ['z', 'shape'];
/** The matrices a task can use: the kernels page's own (its img= names), so its widget shows the same X. */
export const IMAGES = {
  grid5: { label: 'The 5 × 5 matrix of small numbers', h: 5, w: 5, values: GRID5 },
  dot: { label: 'The class’s dark dot (3 × 3)', h: 3, w: 3, values: DOT },
};
export const PADS = ['valid', 'zero', 'reflect', 'edge'];
/** The engine's padding codes (lib/limits.js PAD). */
const PAD_CODE = { valid: 0, zero: 1, reflect: 2, edge: 3 };
export const CELL = { min: -9, max: 9 };

/** @param {string} t */
const readKernel = (t) => {
  const parts = t.split(',');
  if (parts.length !== 9) return { error: 'the kernel is 9 whole numbers, row by row' };
  const cells = parts.map((p) => wholeNumber(p, CELL.min, CELL.max, 'each weight'));
  const bad = cells.find((c) => c.error);
  return bad ? { error: `the kernel: ${bad.error}` } : { value: cells.map((c) => c.value) };
};
/** @param {string} t */
const readAt = (t) => {
  const m = /^(\d+),(\d+)$/.exec(t.trim());
  return m ? { value: [Number(m[1]), Number(m[2])] } : { error: 'the position is written row,column, such as 1,2' };
};

/** A task's keys. @type {import('../lib/hash-state.js').Field[]} */
export const TASK_FIELDS = [
  { key: 'task', short: 'task', what: 'what to find', type: 'enum', values: TASKS, def: 'z' },
  { key: 'img', short: 'img', what: 'the matrix', type: 'enum', values: Object.keys(IMAGES), def: 'grid5' },
  { key: 'w', short: 'w', what: 'the kernel', type: 'custom', def: [0, 1, 2, 2, 2, 0, 0, 1, 2], parse: readKernel, format: (v) => v.join(',') },
  { key: 'pad', short: 'pad', what: 'the padding', type: 'enum', values: PADS, def: 'valid' },
  { key: 'stride', short: 'stride', what: 'the stride', type: 'int', min: 1, max: 4, def: 1 },
  { key: 'at', short: 'at', what: 'the position', type: 'custom', def: [0, 0], parse: readAt, format: (v) => v.join(','), when: (s) => s.task === 'z' },
];

/**
 * @typedef {object} Task
 * @property {string} task    'z' or 'shape'
 * @property {string} img     an IMAGES name
 * @property {number[]} w     the 3 x 3 kernel, row by row
 * @property {string} pad
 * @property {number} stride
 * @property {number[]} at    [j1, j2] (task 'z')
 */

/** Whether a link holds a teacher's task. @param {string} hash */
export function isTaskLink(hash) {
  return new URLSearchParams(String(hash ?? '').replace(/^#/, '')).has('task');
}

/** A task's link text (with its '#'). @param {Task} t */
export function encodeTask(t) {
  return `#${encodeFields(TASK_FIELDS, t)}`;
}

/** Reads a task link: { task, note } (note: what could not be used, '' when nothing). @param {string} hash */
export function decodeTask(hash) {
  const { state, ignored, unknown } = decodeFields(TASK_FIELDS, hash);
  return { task: /** @type {Task} */ (state), note: ignoredMessage(TASK_FIELDS, ignored, unknown) };
}

/**
 * Why a task cannot be set ('' when it can): the engine's output size, and
 * the position inside it.
 * @param {any} engine
 * @param {Task} t
 */
export function taskProblem(engine, t) {
  const x = IMAGES[t.img];
  let size;
  try {
    size = engine.outSize(x.h, x.w, 3, 3, PAD_CODE[t.pad], t.stride);
  } catch (e) {
    return `This matrix, padding and stride give no output (${e.message}).`;
  }
  if (t.task === 'z' && !(t.at[0] < size[0] && t.at[1] < size[1])) {
    return `Z[${t.at.join(', ')}] is outside the output, which has shape (${size.join(', ')}): rows 0 to ${size[0] - 1}, columns 0 to ${size[1] - 1}.`;
  }
  return '';
}

/** The kernels page's link showing a task's matrix, kernel, padding and stride (embed mode). @param {Task} t */
export function taskWidget(t) {
  return `kernels.html?embed#img=${t.img}&preset=custom&w=${t.w.join(',')}&pad=${t.pad}&stride=${t.stride}`;
}

const rows = (values, w) => Array.from({ length: values.length / w }, (_, r) => `[${values.slice(r * w, r * w + w).join(', ')}]`).join(', ');

/**
 * A task as an exercise like the lesson's (exercises.js), its answer from the engine.
 * @param {Task} t
 * @returns {import('./exercises.js').Exercise}
 */
export function taskExercise(t) {
  const x = IMAGES[t.img];
  const setting = `the kernel W = [${rows(t.w, 3)}] over ${x.label.replace(/^The/, 'the')}, with ${t.pad === 'valid' ? 'no padding' : `${t.pad} padding`} and stride ${t.stride}`;
  const common = { id: 'teacher', objectives: [] };
  if (t.task === 'shape') {
    return {
      ...common, kind: 'shape', label: 'The output’s shape',
      prompt: `Slide ${setting}. What is the shape of the output, (height, width)?`,
      facts: ({ engine }) => ({ answer: engine.outSize(x.h, x.w, 3, 3, PAD_CODE[t.pad], t.stride), more: { before: engine.padBefore(3, PAD_CODE[t.pad]) } }),
      check: (s, { answer }) => (s.length === 2 && s[0] === answer[0] && s[1] === answer[1] ? { ok: true }
        : { ok: false, wrong: `(${s.join(', ')}) is not the output’s shape.`, hint: 'Count where the kernel fits along each side once the padding is added, moving by the stride.' }),
      worked: ({ answer, more }) => [
        `Padded, the matrix has ${x.h + 2 * more.before} rows and ${x.w + 2 * more.before} columns; the 3 × 3 kernel fits at ⌊(n − 3) / ${t.stride}⌋ + 1 places along each.`,
        `The output’s shape is (${answer.join(', ')}) (the engine’s output size).`,
      ],
    };
  }
  const [j1, j2] = t.at;
  return {
    ...common, kind: 'number', label: `Z[${j1}, ${j2}]`,
    prompt: `Slide ${setting}. What is Z[${j1}, ${j2}]?`,
    facts: ({ engine }) => {
      const pad = PAD_CODE[t.pad];
      const z = engine.conv2d(Float32Array.from(x.values), 1, x.h, x.w, Float32Array.from(t.w), 3, 3, { pad, stride: t.stride });
      // the numbers under the kernel, padding included, as the engine pads
      const before = engine.padBefore(3, pad);
      const under = [];
      for (let k1 = 0; k1 < 3; k1++) {
        for (let k2 = 0; k2 < 3; k2++) {
          const r = engine.padIndex(j1 * t.stride + k1 - before, x.h, pad), c = engine.padIndex(j2 * t.stride + k2 - before, x.w, pad);
          under.push(r < 0 || c < 0 ? 0 : x.values[r * x.w + c]);
        }
      }
      return { answer: z.data[j1 * z.w + j2], more: { under } };
    },
    check: (n, { answer }) => (n === answer ? { ok: true }
      : { ok: false, wrong: `${fmtInt(n)} is not Z[${j1}, ${j2}].`, hint: `Find the 3 × 3 block under the kernel: it starts at row ${j1} × ${t.stride}, column ${j2} × ${t.stride} of the ${t.pad === 'valid' ? '' : 'padded '}matrix. Multiply cell by cell and add.` }),
    worked: ({ answer, more }) => [
      `The numbers under the kernel: [${rows(more.under, 3)}].`,
      `${more.under.map((v, i) => `${t.w[i] < 0 ? `(${t.w[i]})` : t.w[i]}·${v}`).join(' + ')} = ${fmtInt(answer)} (the engine’s convolution gives ${fmtInt(answer)}).`,
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
  return { task: { task: v.task, img: v.img, w, pad: v.pad, stride: stride.value, at: v.task === 'z' ? at : [0, 0] } };
}
