// Teacher's exercises made from any page (lib/exercise-link.js, lesson/teacher.js,
// lesson/tasks.js): each page's view made into a link and read back; a
// tampered or cut link refused with what is wrong, never read as another
// exercise; each kind's answer from the real engine (the scalar .wasm) on a
// small picture, against an independent computation; the feedback to typical
// mistakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConvlab } from '../../web/lib/convlab.js';
import {
  encodeExercise, decodeExercise, isExerciseLink, exerciseHref, kernelsTasks, pixelsTasks, trainTasks,
} from '../../web/lib/exercise-link.js';
import { taskExercise, taskProblem, taskWidget } from '../../web/lesson/teacher.js';
import { checkAnswer, workedAnswer } from '../../web/lesson/exercises.js';

const SITE = path.resolve(new URL('../../build/site', import.meta.url).pathname);
const engine = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });

/** A 4 x 6 colour picture: R = 10r + c, G = 100 + c, B = 200 - r; its gray plane not whole numbers. */
const H = 4, W = 6;
const planes = Float32Array.from([
  ...Array.from({ length: H * W }, (_, i) => 10 * Math.floor(i / W) + (i % W)),
  ...Array.from({ length: H * W }, (_, i) => 100 + (i % W)),
  ...Array.from({ length: H * W }, (_, i) => 200 - Math.floor(i / W)),
]);
const gray = Float32Array.from({ length: H * W }, (_, i) => 0.299 * planes[i] + 0.587 * planes[H * W + i] + 0.114 * planes[2 * H * W + i]);
const picture = async () => ({ h: H, w: W, c: 3, planes, gray });

const view = { image: 'chelsea', mode: 'gray', k1: 2, k2: 3, weights: [1, 0.5, -1, 0.25, 0, -0.123456], preset: 'custom', pad: 'valid', stride: 1, sel: [1, 2] };

test('each page’s view becomes a link that reads back as the same exercise', () => {
  const k = kernelsTasks(view).tasks;
  assert.deepEqual(k.z, { task: 'z', img: 'chelsea', k: [2, 3], w: [1, 0.5, -1, 0.25, 0, -0.1235], pad: 'valid', stride: 1, at: [1, 2] });
  assert.equal(encodeExercise(k.z), '#task=z&img=chelsea&k=2x3&w=1,0.5,-1,0.25,0,-0.1235&pad=valid&stride=1&at=1,2');
  assert.equal(encodeExercise(k.shape), '#task=shape&img=chelsea&k=2x3&w=1,0.5,-1,0.25,0,-0.1235&pad=valid&stride=1');
  const p = pixelsTasks({ sample: 'coffee', row: 120, col: 300 }).tasks;
  assert.equal(encodeExercise(p.pixel), '#task=pixel&img=coffee&at=120,300');
  assert.equal(encodeExercise(p.imgshape), '#task=imgshape&img=coffee');
  const t = trainTasks({ arch: 'cnn', target: '85%' }).tasks;
  assert.equal(encodeExercise(t.train), '#task=train&arch=cnn&target=85');
  for (const task of [k.z, k.shape, p.pixel, p.imgshape, t.train]) {
    const link = encodeExercise(task);
    assert.ok(isExerciseLink(link));
    const back = decodeExercise(link);
    assert.deepEqual(back.problems, [], link);
    assert.equal(encodeExercise(back.task), link);
  }
  assert.equal(exerciseHref('http://school.example/lab/kernels.html?x=1#img=camera', t.train), 'http://school.example/lab/lesson.html#task=train&arch=cnn&target=85');
});

test('a view that makes no exercise says why', () => {
  assert.deepEqual(kernelsTasks({ ...view, weights: Array(6).fill(1), normalise: true }).tasks.z.w, Array(6).fill(0.1667), 'normalised as the engine does');
  assert.match(kernelsTasks({ ...view, image: 'own' }).error, /the lab’s own pictures/);
  assert.match(kernelsTasks({ ...view, mode: 'sum' }).error, /Grayscale mode/);
  assert.match(kernelsTasks({ ...view, preset: 'magnitude' }).error, /not a convolution/);
  assert.match(kernelsTasks({ ...view, weights: [1, NaN, 0, 0, 0, 0] }).error, /^Weight 2 of the kernel is not a number/);
  assert.match(pixelsTasks({ sample: null, row: 0, col: 0 }).error, /sample pictures/);
  assert.match(trainTasks({ arch: 'custom', target: '80' }).error, /an MLP or a CNN/);
  for (const bad of ['5', '100', '80.5', 'lots', '']) assert.match(trainTasks({ arch: 'mlp', target: bad }).error, /whole percentage from 11 to 99/, bad);
});

test('a tampered or cut link is refused with what is wrong, never read as another exercise', () => {
  const cases = [
    ['#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=9&at=1,2', ['“stride=9” cannot be read: the stride must be from 1 to 4.']],
    ['#task=z&img=grid5&w=1,0,-1,1,0&pad=zero&at=1,2', ['“w=1,0,-1,1,0” cannot be read: the kernel is 9 numbers for its size 3x3.']],
    ['#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,1e9&at=1,2', [/“w=.*” cannot be read: each weight is a number from -100 to 100/]],
    ['#task=z&img=../etc&w=1,0,-1,1,0,-1,1,0,-1&at=1,2', ['“img=../etc” cannot be read: the image is a name of the lab’s pictures.']],
    ['#task=pixel&img=chelsea', ['The position (“at=”) is missing.']],
    ['#task=pixel&img=chelsea&at=-1,2', ['“at=-1,2” cannot be read: the position is written row,column, such as 1,2.']],
    ['#task=train&arch=cnn&target=5', ['“target=5” cannot be read: the target accuracy must be from 11 to 99.']],
    ['#task=train&arch=rnn&target=80', [/^“arch=rnn” cannot be read: the kind of model is mlp or cnn\.$/]],
    ['#task=hack', [/^“task=hack” cannot be read: what to find is z, shape, pixel, imgshape or train\.$/]],
    ['#task=imgshape&img=coffee&answer=400', [/a name the page does not know: “answer”/]],
    ['#task=train', ['The kind of model (“arch=”) is missing.', 'The target accuracy (“target=”) is missing.']],
  ];
  for (const [link, want] of cases) {
    const { problems } = decodeExercise(link);
    assert.equal(problems.length, want.length, `${link}: ${problems.join(' | ')}`);
    want.forEach((w, i) => (typeof w === 'string' ? assert.equal(problems[i], w) : assert.match(problems[i], w)));
  }
  // what only the picture can tell
  const pic = { h: H, w: W, c: 3 };
  assert.match(taskProblem(engine, decodeExercise('#task=pixel&img=chelsea&at=4,0').task, pic), /row 4, column 0 is outside the picture, which has 4 rows and 6 columns/);
  assert.match(taskProblem(engine, decodeExercise('#task=pixel&img=mars&at=0,0').task, pic), /“mars” is not one of the lab’s sample pictures/);
  assert.match(taskProblem(engine, decodeExercise('#task=z&img=chelsea&k=5x5&w=' + Array(25).fill(1).join(',') + '&at=0,0').task, pic), /give no output/);
  assert.match(taskProblem(engine, decodeExercise('#task=z&img=mars&w=1,1,1,1,1,1,1,1,1&at=0,0').task, pic), /“mars” is not one of the lab’s pictures/);
});

test('Z on a photo in grayscale: the engine’s answer against the naive sum, one decimal enough', async () => {
  const task = kernelsTasks(view).tasks.z;
  const ex = taskExercise(task);
  const f = await ex.facts({ engine, picture });
  let z = 0;
  for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) z += task.w[a * 3 + b] * gray[(1 + a) * W + 2 + b];
  assert.ok(Math.abs(f.answer - z) < 1e-3, `${f.answer} vs ${z}`);
  assert.match(ex.prompt, /over the photo Chelsea the cat, in grayscale, with no padding and stride 1\. What is Z\[1, 2\]\? \(One decimal is enough\.\)/);
  assert.equal(checkAnswer(ex, [z.toFixed(1)], f).ok, true);
  assert.equal(checkAnswer(ex, [(z + 0.2).toFixed(1)], f).ok, false);
  assert.match(checkAnswer(ex, [(z + 1).toFixed(1)], f).hint, /the 2 × 3 block under the kernel/);
  assert.match(workedAnswer(ex, f)[1], new RegExp(`= ${z.toFixed(2)} \\(the engine’s convolution`));
  const shape = taskExercise(kernelsTasks({ ...view, pad: 'zero', stride: 2 }).tasks.shape);
  const sf = await shape.facts({ engine, picture });
  assert.deepEqual(sf.answer, [Math.floor((H - 1) / 2) + 1, Math.floor((W - 1) / 2) + 1]);
  assert.equal(checkAnswer(shape, [`(${sf.answer.join(', ')})`], sf).ok, true);
  assert.match(workedAnswer(shape, sf).join(' '), /padded, 5 rows and 8 columns/);
  assert.equal(taskWidget(task), 'kernels.html?embed#img=chelsea&mode=gray&k=2x3&preset=custom&w=1,0.5,-1,0.25,0,-0.1235&pad=valid&stride=1&px=1,2');
});

test('a pixel’s numbers and a picture’s shape: right, and the typical mistakes', async () => {
  const ex = taskExercise(pixelsTasks({ sample: 'chelsea', row: 2, col: 5 }).tasks.pixel);
  const f = await ex.facts({ engine, picture });
  assert.deepEqual(f.answer, [25, 105, 198]);
  assert.equal(checkAnswer(ex, ['(25, 105, 198)'], f).ok, true);
  assert.match(checkAnswer(ex, ['(198, 105, 25)'], f).wrong, /order B, G, R/);
  assert.match(checkAnswer(ex, ['(25, 105)'], f).wrong, /three numbers; you wrote 2/);
  assert.match(checkAnswer(ex, ['(25, 105, 300)'], f).wrong, /from 0 to 255/);
  assert.match(checkAnswer(ex, ['(25, 105, 199)'], f).hint, /Point at the pixel at row 2, column 5/);
  assert.equal(taskWidget(pixelsTasks({ sample: 'chelsea', row: 2, col: 5 }).tasks.pixel), 'pixels.html?embed#sample=chelsea&x=5&y=2');

  const shape = taskExercise(pixelsTasks({ sample: 'chelsea', row: 0, col: 0 }).tasks.imgshape);
  const sf = await shape.facts({ engine, picture });
  assert.deepEqual(sf.answer, [4, 6, 3]);
  assert.match(checkAnswer(shape, ['(6, 4, 3)'], sf).wrong, /width first/);
  assert.match(checkAnswer(shape, ['(4, 6)'], sf).wrong, /this one is in colour/);
  const grayPic = async () => ({ h: 2, w: 3, c: 1, planes: new Float32Array(6), gray: new Float32Array(6) });
  const gf = await shape.facts({ engine, picture: grayPic });
  assert.equal(checkAnswer(shape, ['(2, 3)'], gf).ok, true);
  assert.equal(checkAnswer(shape, ['(2, 3, 1)'], gf).ok, true);
});

test('a target accuracy: no model, the other kind, below the target, then reached', async () => {
  const ex = taskExercise(trainTasks({ arch: 'cnn', target: '85' }).tasks.train);
  const cnn = { spec: 'conv3x3x8-relu-dense10-softmax', mlp: false, firstConv: null };
  const mlp = { spec: 'dense128-relu-dense10-softmax', mlp: true, firstConv: null };
  const run = async (evaluation) => checkAnswer(ex, [], await ex.facts({ engine, models: { evaluate: async () => evaluation } }));
  assert.match((await run({ model: null })).wrong, /^No trained model is kept/);
  assert.equal((await run({ model: mlp, accuracy: 0.9, correct: 9000, n: 10000 })).wrong, 'The model kept is an MLP (dense128-relu-dense10-softmax), not a CNN.');
  assert.equal((await run({ model: cnn, accuracy: 0.8, correct: 8000, n: 10000 })).wrong, 'Your model (conv3x3x8-relu-dense10-softmax) gets 8,000 of the 10,000 test images right, 80.0%: below the 85% asked.');
  assert.deepEqual(await run({ model: cnn, accuracy: 0.85, correct: 8500, n: 10000 }), { ok: true, note: 'Your model (conv3x3x8-relu-dense10-softmax) gets 8,500 of the 10,000 test images right, 85.0%.' });
  assert.equal(taskWidget(trainTasks({ arch: 'cnn', target: '85' }).tasks.train), 'train.html?embed#arch=cnn');
});
