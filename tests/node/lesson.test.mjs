// The lesson page's pure parts: every exercise's right answer from the real
// engine (the scalar .wasm) against an independent computation, the feedback
// each typical mistake gets, reading what a student types, and the progress
// (kept text, objectives ticked, the link).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConvlab } from '../../web/lib/convlab.js';
import { decodeHash as pixelsDecode } from '../../web/pixels/state.js';
import {
  EXERCISES, GRID5, CLASS_W, PATTERNS, checkAnswer, workedAnswer, readNumber, readShape, edgeResponses,
} from '../../web/lesson/exercises.js';
import {
  STEPS, OBJECTIVES, decodeHash, encodeHash, readProgress, progressText, emptyProgress, markDone, keepTyped, objectivesReached, stepDone,
} from '../../web/lesson/state.js';

const SITE = path.resolve(new URL('../../build/site', import.meta.url).pathname);
const engine = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });
const photo = { h: 300, w: 451, c: 3 };
const factsOf = (id) => EXERCISES[id].facts({ engine, photo });
const verdict = (id, ...texts) => checkAnswer(EXERCISES[id], texts, factsOf(id));

/** Naive valid cross-correlation, the lesson's formula, in double precision. */
function naiveConv(x, h, w, k, kh, kw) {
  const out = [];
  for (let j1 = 0; j1 + kh <= h; j1++) {
    for (let j2 = 0; j2 + kw <= w; j2++) {
      let s = 0;
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) s += k[a * kw + b] * x[(j1 + a) * w + j2 + b];
      out.push(s);
    }
  }
  return out;
}

test('reading answers: thousands separators, shapes in any brackets, not-numbers refused', () => {
  assert.equal(readNumber('101,770'), 101770);
  assert.equal(readNumber(' 101 770 '), 101770);
  assert.equal(readNumber('-3.5'), -3.5);
  assert.ok(Number.isNaN(readNumber('12px')));
  assert.ok(Number.isNaN(readNumber('1,5')));
  assert.deepEqual(readShape('(300, 451, 3)'), [300, 451, 3]);
  assert.deepEqual(readShape('300 x 451 x 3'), [300, 451, 3]);
  assert.deepEqual(readShape('none'), []);
  assert.equal(verdict('mlp-params', '').ok, false);
  assert.match(verdict('mlp-params', 'many').wrong, /not a number/);
  assert.match(verdict('out-shape', 'big').wrong, /numbers in brackets/);
});

test('the MLP’s and the dense layer’s parameters: the engine’s count is the formula’s, each mistake named', () => {
  assert.equal(factsOf('mlp-params').answer, 784 * 128 + 128 + 128 * 10 + 10);
  assert.equal(verdict('mlp-params', '101,770').ok, true);
  assert.match(verdict('mlp-params', String(784 * 128 + 128 * 10)).wrong, /not the biases/);
  assert.match(verdict('mlp-params', String(784 * 128 + 128)).wrong, /hidden layer alone/);
  assert.match(verdict('mlp-params', '5').wrong, /too few/);
  assert.equal(factsOf('dense-64').answer, 64 * 64 * 128 + 128);
  assert.equal(verdict('dense-64', String(64 * 64 * 128 + 128)).ok, true);
  assert.match(verdict('dense-64', String(64 * 64 * 128)).wrong, /not the biases/);
  assert.match(workedAnswer(EXERCISES['dense-64'], factsOf('dense-64')).join(' '), /282,240,128/);
});

test('the dark dot: right, inverted, out of range, one pixel off', () => {
  const dot = ['255', '255', '255', '255', '0', '255', '255', '255', '255'];
  assert.equal(verdict('dot', ...dot).ok, true);
  assert.match(verdict('dot', ...dot.map((v) => String(255 - Number(v)))).wrong, /white dot on black/);
  assert.match(verdict('dot', ...dot.with(4, '-1')).wrong, /0 to 255/);
  assert.match(verdict('dot', ...dot.with(4, '')).wrong, /empty/);
  assert.match(verdict('dot', ...dot.with(4, '50')).wrong, /^1 pixel is/);
});

test('the photo’s shape: height first, three channels', () => {
  assert.equal(verdict('photo-shape', '(300, 451, 3)').ok, true);
  assert.match(verdict('photo-shape', '(451, 300, 3)').wrong, /width first/);
  assert.match(verdict('photo-shape', '(300, 451)').wrong, /grayscale/);
  assert.match(verdict('photo-shape', '(300, 451, 255)').wrong, /largest value/);
});

test('Z[1, 2]: the engine’s convolution against the naive sum, and the swapped and flipped mistakes', () => {
  const z = naiveConv(GRID5, 5, 5, CLASS_W, 3, 3);
  assert.equal(factsOf('z12').answer, z[1 * 3 + 2]);
  assert.equal(z[1 * 3 + 2], 19);
  assert.equal(verdict('z12', '19').ok, true);
  assert.match(verdict('z12', String(z[2 * 3 + 1])).wrong, /Z\[2, 1\]/);
  const flipped = naiveConv(GRID5, 5, 5, [...CLASS_W].reverse(), 3, 3)[1 * 3 + 2];
  assert.notEqual(flipped, 19);
  assert.match(verdict('z12', String(flipped)).wrong, /flipped/);
  assert.match(workedAnswer(EXERCISES.z12, factsOf('z12')).join(' '), /= 19/);
});

test('a vertical-edge kernel, checked on the test patterns', () => {
  const sobelX = ['1', '0', '-1', '2', '0', '-2', '1', '0', '-1'];
  const r = edgeResponses(engine, sobelX.map(Number));
  const naiveMax = (p) => Math.max(...naiveConv(p, 8, 8, sobelX.map(Number), 3, 3).map(Math.abs));
  assert.equal(r.vertical, naiveMax(PATTERNS.vertical));
  assert.equal(r.vertical, 1020);
  assert.equal(r.horizontal, 0);
  assert.equal(verdict('vertical-kernel', ...sobelX).ok, true);
  assert.equal(verdict('vertical-kernel', '-1', '0', '1', '-1', '0', '1', '-1', '0', '1').ok, true);
  // Sobel G_y: horizontal edges
  assert.match(verdict('vertical-kernel', '1', '2', '1', '0', '0', '0', '-1', '-2', '-1').hint, /Turn it by 90°/);
  // a blur: responds to flat areas
  assert.match(verdict('vertical-kernel', '1', '1', '1', '1', '1', '1', '1', '1', '1').wrong, /add up to 9/);
  assert.match(verdict('vertical-kernel', '0', '0', '0', '0', '0', '0', '0', '0', '0').wrong, /gives 0 everywhere/);
  // a diagonal kernel answers both edges alike
  assert.match(verdict('vertical-kernel', '0', '1', '1', '-1', '0', '1', '-1', '-1', '0').wrong, /as much as/);
});

test('the output shape: the engine’s size against the formula, and each mistake', () => {
  const side = (h, k, p, s) => Math.floor((h + 2 * p - k) / s) + 1;
  assert.deepEqual(factsOf('out-shape').answer, [side(28, 5, 2, 2), side(28, 5, 2, 2)]);
  assert.equal(verdict('out-shape', '(14, 14)').ok, true);
  assert.match(verdict('out-shape', `(${side(28, 5, 0, 2)}, ${side(28, 5, 0, 2)})`).wrong, /without padding\./);
  assert.match(verdict('out-shape', '(24, 24)').wrong, /without padding and with stride 1/);
  assert.match(verdict('out-shape', '(28, 28)').wrong, /stride 1/);
  assert.match(verdict('out-shape', '(14, 14, 1, 1)').wrong, /two numbers/);
});

test('a conv layer’s parameters: 8 × (3 × 3 × 3 + 1), whatever the image size', () => {
  assert.equal(factsOf('conv-params').answer, 8 * (3 * 3 * 3 + 1));
  assert.equal(verdict('conv-params', '224').ok, true);
  assert.match(verdict('conv-params', '80').wrong, /one 3 × 3 slice/);
  assert.match(verdict('conv-params', '216').wrong, /not the biases/);
});

test('every step has a widget and exercises; every objective is practised by some exercise', () => {
  assert.equal(STEPS.length, 6);
  for (const s of STEPS) {
    assert.ok(s.exercises.length >= 1, s.id);
    assert.match(s.widget.src, /^(pixels|kernels|train)\.html\?embed#/, s.id);
    for (const id of s.exercises) assert.ok(EXERCISES[id], id);
  }
  for (let i = 1; i <= OBJECTIVES.length; i++) assert.ok(Object.values(EXERCISES).some((e) => e.objectives.includes(i)), `objective ${i}`);
});

test('progress: kept text read back, damaged text ignored, objectives tick when their exercises are done', () => {
  let p = emptyProgress();
  assert.deepEqual(objectivesReached(p.done), [false, false, false, false, false, false]);
  p = markDone(p, 'dot');
  assert.deepEqual(objectivesReached(p.done), [true, false, false, false, false, false]);
  p = markDone(markDone(p, 'photo-shape'), 'photo-shape');
  assert.deepEqual(p.done, ['dot', 'photo-shape']);
  assert.equal(stepDone(STEPS.find((s) => s.id === 'images'), p.done), true);
  assert.deepEqual(objectivesReached(p.done), [true, false, false, false, false, false], 'objective 6 also needs conv-params');
  p = markDone(p, 'conv-params');
  assert.equal(objectivesReached(p.done)[5], true);
  const back = readProgress(progressText({ ...p, step: 'kernels' }));
  assert.deepEqual(back, { done: ['dot', 'photo-shape', 'conv-params'], step: 'kernels', typed: {} });
  assert.deepEqual(readProgress('{not json'), emptyProgress());
  assert.deepEqual(readProgress(JSON.stringify({ done: ['dot', 'nope', 3], step: 'mars' })), { done: ['dot'], step: 'review', typed: {} });
  assert.deepEqual(objectivesReached(Object.keys(EXERCISES)), [true, true, true, true, true, true]);
});

test('typed answers: kept with the progress and read back; damaged or foreign ones dropped, long ones cut', () => {
  let p = keepTyped(emptyProgress(), 'z12', ['20']);
  p = keepTyped(p, 'dot', ['255', '', '255', '255', '0', '255', '255', '255', '255']);
  p = keepTyped(p, 'z12', ['19']);
  p = keepTyped(p, 'cnn-filter', ['3']);
  const back = readProgress(progressText(p));
  assert.deepEqual(back.typed, { z12: ['19'], dot: ['255', '', '255', '255', '0', '255', '255', '255', '255'], 'cnn-filter': ['3'] });
  assert.deepEqual(keepTyped(p, 'z12', [3]), p, 'not text: not kept');
  assert.deepEqual(keepTyped(emptyProgress(), 'z12', ['x'.repeat(500)]).typed.z12[0].length, 64);
  const damaged = readProgress(JSON.stringify({
    done: [], step: 'review',
    typed: { z12: 'not a list', dot: [1, 2], nope: ['1'], 'out-shape': Array(40).fill('1'), 'photo-shape': ['(300, 451, 3)'] },
  }));
  assert.deepEqual(damaged.typed, { 'photo-shape': ['(300, 451, 3)'] });
  assert.deepEqual(readProgress(JSON.stringify({ done: [], typed: ['a'] })).typed, {});
});

test('the link: a step both ways, a bad one said and not used', () => {
  assert.equal(encodeHash('kernels'), '#step=kernels');
  assert.deepEqual(decodeHash('#step=kernels'), { step: 'kernels', any: true, note: '' });
  const bad = decodeHash('#step=mars');
  assert.deepEqual([bad.any, bad.step], [true, 'review']);
  assert.match(bad.note, /“step=mars” was ignored/);
  assert.equal(decodeHash('').any, false);
});

test('each step’s widget link is read whole by its page (no key ignored, none unknown)', async () => {
  const readers = {
    kernels: (await import('../../web/kernels/link.js')).decodeHash,
    pixels: (hash) => {
      const r = pixelsDecode(hash);
      return { ignored: r.notes, unknown: [] };
    },
    train: (await import('../../web/train/state.js')).decodeHash,
  };
  for (const s of STEPS) {
    const [, page, hash] = /^(\w+)\.html\?embed(#.*)$/.exec(s.widget.src);
    const r = readers[page](hash);
    assert.deepEqual([r.ignored, r.unknown], [[], []], `${s.id}: ${s.widget.src}`);
  }
});

// ---- teacher-made exercises ----

/** Z of a 3 x 3 kernel with zero padding (1 each side) or none, and a stride: the lesson's sum, naively. */
function naiveStrided(x, h, w, k, pad, stride) {
  const p = pad === 'zero' ? 1 : 0;
  const get = (r, c) => (r < 0 || c < 0 || r >= h || c >= w ? 0 : x[r * w + c]);
  const oh = Math.floor((h + 2 * p - 3) / stride) + 1, ow = Math.floor((w + 2 * p - 3) / stride) + 1;
  const z = [];
  for (let j1 = 0; j1 < oh; j1++) {
    for (let j2 = 0; j2 < ow; j2++) {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += k[a * 3 + b] * get(j1 * stride + a - p, j2 * stride + b - p);
      z.push(s);
    }
  }
  return { z, oh, ow };
}

test('a teacher’s task: the form read, its link both ways, its answer from the engine against the naive sum', async () => {
  const { readTaskForm, encodeTask, decodeTask, isTaskLink, taskExercise, taskProblem, taskWidget } = await import('../../web/lesson/teacher.js');
  const form = { task: 'z', img: 'grid5', w: ['1', '0', '-1', '1', '0', '-1', '1', '0', '-1'], pad: 'zero', stride: '2', at: ['1', '2'] };
  const { task } = readTaskForm(form);
  assert.deepEqual(task, { task: 'z', img: 'grid5', k: [3, 3], w: [1, 0, -1, 1, 0, -1, 1, 0, -1], pad: 'zero', stride: 2, at: [1, 2] });
  assert.match(readTaskForm({ ...form, w: form.w.with(4, '12') }).error, /Weight W\[1, 1\] must be from -9 to 9/);
  assert.match(readTaskForm({ ...form, at: ['x', '0'] }).error, /The row j1 must be a number/);
  const link = encodeTask(task);
  assert.equal(link, '#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2');
  assert.ok(isTaskLink(link) && !isTaskLink('#step=kernels'));
  assert.deepEqual(decodeTask(link), { task: { ...task, arch: 'mlp', target: 80 }, problems: [] });
  assert.deepEqual(decodeTask(`${link.replace('stride=2', 'stride=9')}`).problems, ['“stride=9” cannot be read: the stride must be from 1 to 4.']);

  const ex = taskExercise(task);
  const f = await ex.facts({ engine });
  const n = naiveStrided(GRID5, 5, 5, task.w, 'zero', 2);
  assert.equal(f.answer, n.z[1 * n.ow + 2]);
  assert.equal(checkAnswer(ex, [String(n.z[1 * n.ow + 2])], f).ok, true);
  assert.match(checkAnswer(ex, [String(n.z[1 * n.ow + 2] + 1)], f).hint, /row 1 × 2, column 2 × 2 of the padded matrix/);
  assert.match(workedAnswer(ex, f).join(' '), new RegExp(`= ${n.z[1 * n.ow + 2]} \\(the engine’s`));
  assert.match(workedAnswer(ex, f)[1], /^1·\d+ \+ 0·\d+ \+ \(-1\)·\d+ \+/, 'a negative weight in brackets');

  const shape = taskExercise({ ...task, task: 'shape' });
  assert.deepEqual((await shape.facts({ engine })).answer, [n.oh, n.ow]);
  assert.equal(checkAnswer(shape, [`(${n.oh}, ${n.ow})`], await shape.facts({ engine })).ok, true);

  const grid = { h: 5, w: 5, c: 1 }, dot = { h: 3, w: 3, c: 1 };
  assert.equal(taskProblem(engine, task, grid), '');
  assert.match(taskProblem(engine, { ...task, at: [3, 0] }, grid), /Z\[3, 0\] is outside the output, which has shape \(3, 3\)/);
  assert.match(taskProblem(engine, { ...task, img: 'dot', pad: 'valid', stride: 4, at: [1, 0] }, dot), /outside the output, which has shape \(1, 1\)/);

  // the kernels page reads the task's widget link whole
  const kernels = (await import('../../web/kernels/link.js')).decodeHash;
  const r = kernels(taskWidget(task).replace(/^kernels\.html\?embed/, ''));
  assert.deepEqual([r.ignored, r.unknown], [[], []]);
});
