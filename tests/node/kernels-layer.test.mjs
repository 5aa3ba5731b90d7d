// The kernels page's convolutional layer mode and the newcomer's rules,
// without a browser: the layer's presets and edits, its link, the step
// formula's terms, the colour scale's percentile, the scan's steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultLayer, makeLayer, resizeLayer, setMapCount, layerForChannels, layerCellProblems, layerWeights, isEdgeKernel,
  paramCounts, presetSize, mapLabel,
} from '../../web/kernels/layer.js';
import { defaultState, filterParams, resultSigned, chooseScale, scanStep, cellProblems, takeChannels, changeMode, resizeKernels, rowsColumns } from '../../web/kernels/state.js';
import { encodeHash, decodeHash } from '../../web/kernels/link.js';
import { stepFormula, indexTerm, startTerm } from '../../web/kernels/formula.js';
import { weightText } from '../../web/kernels/arithmetic.js';

/** A sequence of "random" numbers for the random kernels. */
const fixed = (values) => { let i = 0; return () => values[i++ % values.length]; };

test('the layer’s presets: Sobel Gx, Gy, blur and sharpen over every channel, blur and sharpen divided by C; random kernels', () => {
  const l3 = makeLayer('features', 3, 3, 3, 0);
  assert.equal(l3.n, 4);
  assert.deepEqual(l3.kernels[0][2], ['1', '0', '-1', '2', '0', '-2', '1', '0', '-1']);
  assert.deepEqual(l3.kernels[2][1], new Array(9).fill('1/27'));
  assert.deepEqual(l3.kernels[3][0], ['0', '-1/3', '0', '-1/3', '5/3', '-1/3', '0', '-1/3', '0']);
  assert.deepEqual([l3.biases, l3.relu], [[0, 0, 0, 0], true]);
  const l1 = makeLayer('features', 3, 3, 1, 0);
  assert.deepEqual([l1.kernels[2][0][0], l1.kernels[3][0][4]], ['1/9', '5']);
  assert.equal(makeLayer('edges', 3, 3, 3, 9).n, 2);
  const r = makeLayer('random', 2, 2, 3, 3, fixed([0, 1, 0.5, 0.255]));
  assert.equal(r.n, 3);
  assert.deepEqual(r.kernels[0][0], ['-1', '1', '0', '-0.49']);
  assert.equal(makeLayer('custom', 3, 3, 3, 2), null);
  assert.deepEqual([presetSize('features'), presetSize('random')], [3, null]);
  // summed over the three channels, the blur averages them: its weights sum to 1
  assert.ok(Math.abs(layerWeights(l3, 3)[2].reduce((a, v) => a + v, 0) - 1) < 1e-6);
});

test('the layer’s edits: a new size keeps each kernel’s centre, N adds random kernels or drops the last, C remakes the classic presets', () => {
  const layer = defaultLayer(3, 3, 3);
  resizeLayer(layer, 3, 3, 5, 3);
  assert.equal(layer.preset, 'custom');
  assert.deepEqual(layer.kernels[0][0], ['0', '0', '0', '1', '0', '-1', '2', '0', '-2', '1', '0', '-1', '0', '0', '0']);
  assert.deepEqual(defaultLayer(5, 3, 3), layer, 'the default layer at another size');
  setMapCount(layer, 6, 5, 3, fixed([0.75]));
  assert.deepEqual([layer.n, layer.kernels.length, layer.biases], [6, 6, [0, 0, 0, 0, 0, 0]]);
  assert.deepEqual(layer.kernels[5][1], new Array(15).fill('0.5'));
  setMapCount(layer, 1, 5, 3);
  assert.deepEqual([layer.n, layer.kernels.length, layer.biases.length], [1, 1, 1]);
  const random = makeLayer('random', 3, 3, 3, 2, fixed([0.5]));
  setMapCount(random, 3, 3, 3, fixed([1]));
  assert.equal(random.preset, 'random', 'more random kernels are still random');
  const gray = layerForChannels(makeLayer('features', 3, 3, 3, 0), 3, 3, 1);
  assert.equal(gray.kernels[2][0][0], '1/9');
  const s = defaultState();
  takeChannels(s, 1);
  assert.deepEqual([s.channels, s.layer.kernels[3][0][4]], [1, '5']);
  // the page's size change resizes the layer too
  resizeKernels(s, 1, 1);
  assert.deepEqual(s.layer.kernels[0][0], ['0']);
});

test('the layer’s cells: what is not a number is named W_n[k1, k2, c]; the weights go channel by channel', () => {
  const layer = makeLayer('edges', 3, 3, 3, 0);
  layer.kernels[1][2][5] = 'x';
  layer.kernels[1][0][0] = '1/2';
  assert.deepEqual(layerCellProblems(layer, 3, 3).map((c) => c.label), ['W_1[1, 2, 2]']);
  assert.deepEqual(layerCellProblems(layer, 3, 1), [], 'a gray image uses the first slice only');
  const s = { ...defaultState(), mode: 'layer', layer, channels: 3 };
  assert.equal(cellProblems(s)[0].label, 'W_1[1, 2, 2]');
  layer.kernels[1][2][5] = '-2';
  const w = layerWeights(layer, 3);
  assert.deepEqual([w.length, w[1].length, w[1][0], w[1][9 + 4], w[1][18 + 5]], [2, 27, 0.5, 0, -2]);
  assert.equal(layerWeights(layer, 1)[0].length, 9);
  const p = filterParams({ ...s, pad: 'zero', stride: 2 }, 3);
  assert.deepEqual([p.op, p.channels, p.kernels.length, p.biases, p.relu, p.edges, p.k1, p.pad, p.stride], ['layer', 3, 2, [0, 0], true, [true, false], 3, 'zero', 2]);
  assert.equal(resultSigned('abs', p), false, 'after ReLU nothing is negative');
  assert.equal(resultSigned('abs', { ...p, relu: false }), true);
  assert.equal(mapLabel(1, 2, 3), 'Z[1, 2, 3]');
});

test('the lesson’s count: a dense layer of 128 units on the image against this convolutional layer', () => {
  assert.deepEqual(paramCounts(1050, 700, 3, 3, 3, 8), { dense: 282_240_128, conv: 224 });
  assert.deepEqual(paramCounts(512, 512, 1, 5, 5, 16), { dense: 512 * 512 * 128 + 128, conv: 416 });
});

test('an edge kernel: its weights sum to 0 and are not all 0', () => {
  assert.equal(isEdgeKernel([1, 0, -1, 2, 0, -2, 1, 0, -1]), true);
  assert.equal(isEdgeKernel([0, -1, 0, -1, 4, -1, 0, -1, 0]), true);
  assert.equal(isEdgeKernel(new Array(9).fill(1 / 9)), false);
  assert.equal(isEdgeKernel([0, 0, 0]), false);
  assert.deepEqual([chooseScale('auto', true, false), chooseScale('auto', true, true), chooseScale('auto', false, false), chooseScale('max', true, false)],
    ['typical', 'max', 'max', 'max']);
});

test('the layer in a link: read back as written; its keys fall back together, the biases, ReLU and the map alone', () => {
  const s = { ...defaultState(), image: 'astronaut', mode: 'layer', pad: 'zero', map: 2, layer: makeLayer('random', 3, 3, 3, 3, fixed([0.1, 0.9, 0.35])) };
  s.layer.biases = [1.5, -2, 0];
  s.layer.relu = false;
  const hash = encodeHash(s);
  assert.match(hash, /&layer=random&n=3&lw0=[-\d.,]+&lw1=[-\d.,]+&lw2=[-\d.,]+&lb=1.5,-2,0&relu=0&pad=zero/);
  assert.match(hash, /&px=0,0&map=2$/);
  const back = decodeHash(hash);
  assert.deepEqual(back.notes, []);
  assert.deepEqual(back.state, s);
  // a grayscale image's layer: one slice per kernel in the link, read back as C = 1
  const g = { ...defaultState(), image: 'camera', mode: 'layer', channels: 1, layer: makeLayer('edges', 3, 3, 1, 0) };
  assert.match(encodeHash(g), /lw0=1,0,-1,2,0,-2,1,0,-1&lw1=1,2,1,0,0,0,-1,-2,-1&/);
  assert.equal(decodeHash(encodeHash(g)).state.channels, 1);
  // other modes write none of it
  assert.doesNotMatch(encodeHash(defaultState()), /layer=|lw0=|map=/);
  const withKey = (key, value) => {
    const p = new URLSearchParams(hash.slice(1));
    p.set(key, value);
    return decodeHash(`#${p}`);
  };
  let r = withKey('lw1', '1,2,x');
  // the default layer (4 kernels) takes the place of the three: their 3 biases go too
  assert.deepEqual(r.ignored.map((i) => i.short), ['layer', 'n', 'lw0', 'lw1', 'lw2', 'lb']);
  assert.match(r.notes[3], /“lw1=1,2,x” was ignored \(a 3 × 3 kernel needs 9 numbers per channel, for 1 or 3 channels, in lw1=; it has 3\)/);
  assert.deepEqual(r.state.layer.kernels, defaultLayer(3, 3, 3).kernels);
  assert.match(r.notes.at(-1), /“lb=1.5,-2,0” was ignored \(the biases are 4 numbers, one per kernel\): using 0,0,0,0\./);
  r = withKey('n', '17');
  assert.match(r.notes[1], /“n=17” was ignored \(the number of kernels must be from 1 to 16\)/);
  r = withKey('lb', '1,2');
  assert.deepEqual(r.ignored.map((i) => i.short), ['lb']);
  assert.deepEqual([r.state.layer.biases, r.state.layer.kernels], [[0, 0, 0], s.layer.kernels]);
  r = withKey('relu', 'yes');
  assert.deepEqual([r.ignored.map((i) => i.short), r.state.layer.relu], [['relu'], true]);
  r = withKey('map', '3');
  assert.deepEqual([r.ignored.map((i) => i.short), r.state.map], [['map'], 0]);
  r = withKey('layer', 'sobel');
  assert.deepEqual([r.ignored.map((i) => i.short), r.state.layer.preset], [['layer'], 'custom']);
  r = withKey('lw5', '1');
  assert.match(r.notes[0], /“lw5=1” was ignored \(the layer has 3 kernels\)/);
  // a layer link with no layer keys: the default layer, at the link's size
  const plain = decodeHash('#img=camera&mode=layer&k=5x5&preset=box&w=' + new Array(25).fill('1/25').join(','));
  assert.deepEqual([plain.notes, plain.state.layer.kernels[0][0].length, plain.state.layer.n], [[], 25, 4]);
});

test('the step formula: the lesson’s terms, stride and padding only when they matter', () => {
  assert.deepEqual([indexTerm('j1', 'k1', 1, 0), indexTerm('j1', 'k1', 2, 0), indexTerm('j2', 'k2', 3, 2)], ['j1 + k1', '2·j1 + k1', '3·j2 + k2 − 2']);
  assert.deepEqual([startTerm(0, 'k1'), startTerm(4, 'k1'), startTerm(-1, 'k2')], ['k1', '4 + k1', 'k2 − 1']);
  const g = { op: 'conv', mode: 'gray', k1: 3, k2: 3, pad: 'valid', stride: 1 };
  assert.deepEqual(stepFormula(g, 2, 3), {
    general: 'Z[j1, j2] = Σ over k1 < 3, k2 < 3 of W[k1, k2] · X[j1 + k1, j2 + k2]', here: 'Z[2, 3] = Σ W[k1, k2] · X[2 + k1, 3 + k2]', notes: [],
  });
  const f = stepFormula({ ...g, k1: 1, k2: 5, pad: 'reflect', stride: 2 }, 0, 1);
  assert.equal(f.general, 'Z[j1, j2] = Σ over k1 < 1, k2 < 5 of W[k1, k2] · X[2·j1 + k1, 2·j2 + k2 − 2]');
  assert.equal(f.here, 'Z[0, 1] = Σ W[k1, k2] · X[k1, k2]');
  assert.match(f.notes[1], /^Reflect padding puts 2 columns to the left of the image \(mirrored pixels\)/);
  assert.match(stepFormula({ ...g, mode: 'channels' }, 0, 0, { channel: 1 }).general, /^Z_G\[j1, j2\] = .* · X_G\[j1 \+ k1, j2 \+ k2\]$/);
  const layer = stepFormula({ op: 'layer', mode: 'layer', k1: 3, k2: 3, pad: 'zero', stride: 1, channels: 3, relu: true }, 0, 0, { map: 4 });
  assert.equal(layer.here, 'Z[0, 0, 4] = ReLU( Σ W_4[k1, k2, c] · X[k1 − 1, k2 − 1, c] + b_4 )');
  assert.doesNotMatch(stepFormula({ op: 'layer', mode: 'layer', k1: 3, k2: 3, pad: 'valid', stride: 1, channels: 1, relu: false }, 0, 0).general, /ReLU/);
});

test('weights written as the engine takes them', () => {
  assert.deepEqual([weightText(Math.fround(0.07511)), weightText(Math.fround(1 / 9)), weightText(-2), weightText(Math.fround(0.0123457))],
    ['0.07511', '0.111111', '-2', '0.0123457']);
});

test('the scan steps a pixel or a whole row; sizes name their rows and columns; a new mode says what the layer is', () => {
  assert.deepEqual(scanStep([0, 5], 'p5', 4, 6), [1, 0]);
  assert.deepEqual(scanStep([0, 5], 'r5', 4, 6), [1, 5]);
  assert.deepEqual(scanStep([3, 5], 'r1', 4, 6), [0, 5]);
  assert.deepEqual([rowsColumns(1, 1), rowsColumns(3, 2)], ['1 row × 1 column', '3 rows × 2 columns']);
  const s = defaultState();
  assert.match(changeMode(s, 'layer').note, /^A convolutional layer: 4 kernels/);
  assert.deepEqual(filterParams(s, 1).kernels.length, 4);
});
