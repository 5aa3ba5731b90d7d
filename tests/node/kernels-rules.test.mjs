// The kernels page's rules, without a browser: the arithmetic it writes out
// (web/kernels/arithmetic.js), what an edit does to the settings
// (web/kernels/state.js), numbers as a person types them and the exercise's
// verdicts (web/kernels/typed.js), and what a link holds (web/kernels/link.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fmt, signedSum, cellText, padBefore, axisFormula, outShape, resizeCells, patchOf, pixelCentredAt,
} from '../../web/kernels/arithmetic.js';
import {
  defaultState, choosePreset, presetKernels, engineKernels, resizeKernels, changeMode, editCell, filterParams,
  resultSigned, clampPixel, stepPixel, arrowMove, viewProblem, sameView, matrixImage, outPlanes,
  effectiveDisplay, outLabel, CLASS_KERNEL,
} from '../../web/kernels/state.js';
import { parseCell, readSigma, readPixel, judgeAnswer, revealText } from '../../web/kernels/typed.js';
import { linkSettings, shareCaveats, pixelOutsideNote } from '../../web/kernels/link.js';

// ---- an independent reference: the output size by counting the kernel's positions ----

function countPositions(n, k, pad, s) {
  const before = pad === 'valid' ? 0 : Math.floor((k - 1) / 2);
  const after = pad === 'valid' ? 0 : k - 1 - before;
  let count = 0;
  for (let start = -before; start + k <= n + after; start += s) count++;
  return count;
}

test('the output-shape formula agrees with counting the kernel’s positions, every size, padding and stride', () => {
  for (const pad of ['valid', 'zero', 'reflect', 'edge']) {
    for (let n = 1; n <= 9; n++) {
      for (let k = 1; k <= 7; k++) {
        for (let s = 1; s <= 4; s++) {
          const f = axisFormula(n, k, pad, s);
          assert.equal(Math.max(0, f.out), countPositions(n, k, pad, s), `n ${n}, k ${k}, ${pad}, s ${s}`);
          assert.equal(f.before + f.after, f.total);
          assert.equal(f.before, padBefore(k, pad));
        }
      }
    }
  }
  assert.equal(axisFormula(400, 3, 'zero', 3).text, '⌊(400 − 3 + 2) / 3⌋ + 1 = 134');
  assert.equal(axisFormula(5, 3, 'valid', 1).text, '(5 − 3 + 0) / 1 + 1 = 3');
  // an even kernel pads one less before than after
  assert.deepEqual([axisFormula(10, 4, 'edge', 1).before, axisFormula(10, 4, 'edge', 1).after], [1, 2]);
  assert.deepEqual([outShape(3, 5, 3, 3, 'valid', 1).rows.out, outShape(3, 5, 3, 3, 'valid', 1).cols.out], [1, 3]);
});

test('numbers as the page writes them', () => {
  assert.deepEqual([fmt(2040), fmt(-0), fmt(0.1234), fmt(1 / 3, 2), fmt(-0.0001), fmt(2.5, 1), fmt(null), fmt(NaN)],
    ['2040', '0', '0.123', '0.33', '0', '2.5', '–', '–']);
  assert.equal(signedSum([0, 255, -510, 2.5]), '0 + 255 − 510 + 2.5');
  assert.deepEqual([cellText(2), cellText(1 / 9), cellText(0.0625)], ['2', '0.1111', '0.0625']);
});

test('a kernel keeps its centre when resized; new cells are 0', () => {
  const k = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  assert.deepEqual(resizeCells(k, 3, 3, 5, 5), [
    '0', '0', '0', '0', '0', '0', '1', '2', '3', '0', '0', '4', '5', '6', '0', '0', '7', '8', '9', '0', '0', '0', '0', '0', '0']);
  assert.deepEqual(resizeCells(k, 3, 3, 1, 1), ['5']);
  assert.deepEqual(resizeCells(k, 3, 3, 3, 3), k);
  assert.deepEqual(resizeCells(resizeCells(k, 3, 3, 7, 4), 7, 4, 3, 3), k, 'there and back');
});

test('the patch under an output pixel, and the output pixel centred on an input pixel', () => {
  const g = { k1: 3, k2: 5, pad: 'zero', stride: 2 };
  const p = patchOf(g, 1, 2);
  assert.deepEqual([p.top, p.left, p.rows, p.cols], [1, 2, [1, 2, 3], [2, 3, 4, 5, 6]]);
  assert.deepEqual(patchOf({ k1: 3, k2: 3, pad: 'valid', stride: 1 }, 0, 0).rows, [0, 1, 2]);
  // the centre of every patch picks its own output pixel back
  for (const geo of [g, { k1: 3, k2: 3, pad: 'valid', stride: 1 }, { k1: 4, k2: 2, pad: 'edge', stride: 3 }]) {
    for (let j1 = 0; j1 < 4; j1++) {
      for (let j2 = 0; j2 < 4; j2++) {
        const q = patchOf(geo, j1, j2);
        const back = pixelCentredAt(geo, q.top + Math.floor((geo.k1 - 1) / 2), q.left + Math.floor((geo.k2 - 1) / 2));
        assert.deepEqual(back.map((v) => v + 0), [j1, j2]); // + 0: -0 is 0 here (select() clamps it)
      }
    }
  }
});

test('kernel cells: numbers and fractions as typed; the reason follows the cell’s name', () => {
  for (const [text, value] of [['2', 2], [' -0.5 ', -0.5], ['.25', 0.25], ['1e-3', 0.001], ['1/9', 1 / 9], ['−2/3', -2 / 3], ['1 / 2', 0.5]]) {
    assert.deepEqual(parseCell(text), { ok: true, value }, text);
  }
  for (const [text, reason] of [
    ['', 'is empty (type 0 for nothing)'], ['x', 'holds “x”, which is not a number'], ['0x10', 'holds “0x10”, which is not a number'],
    ['1/0', 'holds “1/0”, which divides by 0'], ['1/2/3', 'holds “1/2/3”, which is not a number or a fraction'],
    ['2e6', 'holds “2e6”, which is too large (keep it within ±1,000,000)'], ['Infinity', 'holds “Infinity”, which is not a number'],
  ]) {
    assert.deepEqual(parseCell(text), { ok: false, reason }, text);
  }
});

test('σ and the selected pixel’s fields say what is wrong, with the rule', () => {
  assert.deepEqual(readSigma('2'), { value: 2 });
  assert.deepEqual(readSigma('1e1'), { error: '“1e1” is not a number: σ is a number from 0.1 to 10.' });
  assert.deepEqual(readSigma(null), { error: 'Not a number: σ is a number from 0.1 to 10.' });
  assert.deepEqual(readPixel('1', '2', 3, 3), { sel: [1, 2], rowError: '', colError: '' });
  assert.deepEqual(readPixel('3', '1.5', 3, 4), {
    sel: null, rowError: '3 is too large: the rows of Z are 0 to 2.', colError: '“1.5” is not a whole number: the columns of Z are 0 to 3.',
  });
});

test('a preset sets its size (and says so) and its cells; a new size keeps the size-free presets', () => {
  const s = defaultState();
  s.k1 = 5;
  assert.equal(choosePreset(s, 'sobelX'), 'Sobel Gx is a 3 × 3 kernel: the size is now 3 × 3.');
  assert.deepEqual([s.preset, s.k1, s.k2], ['sobelX', 3, 3]);
  assert.equal(presetKernels(s), null, 'the engine makes Sobel');
  assert.equal(choosePreset(s, 'class'), '', 'already 3 x 3');
  assert.deepEqual(presetKernels(s), [CLASS_KERNEL, CLASS_KERNEL, CLASS_KERNEL]);
  choosePreset(s, 'box');
  resizeKernels(s, 2, 3);
  assert.deepEqual(presetKernels(s)[0], ['1/6', '1/6', '1/6', '1/6', '1/6', '1/6']);
  assert.equal(choosePreset(s, 'luma'), 'Gray from colour: 1 × 1 kernels is a 1 × 1 kernel: the size is now 1 × 1.');
  assert.deepEqual(presetKernels(s), [['0.299'], ['0.587'], ['0.114']]);
  assert.deepEqual(engineKernels(new Float32Array([1, 1 / 16])), [['1', '0.0625'], ['1', '0.0625'], ['1', '0.0625']]);
  // a new size: the Gaussian is made again, the class's kernel becomes your own numbers
  const g = { ...defaultState(), preset: 'gaussian' };
  assert.equal(resizeKernels(g, 5, 5), true);
  assert.equal(g.preset, 'gaussian');
  const c = defaultState();
  assert.equal(resizeKernels(c, 1, 3), false);
  assert.deepEqual([c.preset, c.kernels[0]], ['custom', ['2', '2', '0']]);
});

test('a new mode: the multi-channel sum copies the kernel to each channel; the magnitude and luma presets give way', () => {
  const s = defaultState();
  s.kernels[0] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  assert.deepEqual(changeMode(s, 'sum'), { note: 'Each channel starts with a copy of the kernel: edit W_R, W_G and W_B separately.', preset: null });
  assert.deepEqual(s.kernels[2], s.kernels[0]);
  assert.notEqual(s.kernels[2], s.kernels[0], 'copies, edited apart');
  s.preset = 'luma';
  assert.deepEqual(changeMode(s, 'gray'), { note: '', preset: null });
  assert.equal(s.preset, 'custom');
  const m = { ...defaultState(), preset: 'magnitude' };
  assert.equal(changeMode(m, 'sum').preset.id, 'sobelX');
  assert.equal(changeMode({ ...defaultState(), mode: 'sum' }, 'sum').note, '', 'no copy when already summed');
  assert.deepEqual([outPlanes({ ...m, mode: 'channels' }), outPlanes({ ...m, mode: 'gray' }), outPlanes({ ...s, mode: 'sum' })], [3, 1, 1]);
  assert.equal(effectiveDisplay({ ...s, mode: 'channels', display: 'diverging' }), 'abs');
});

test('editing a cell makes the kernel your own; the engine request reads the cells as numbers', () => {
  const s = defaultState();
  assert.equal(editCell(s, 0, 4, '-1/2'), true);
  assert.equal(editCell(s, 0, 4, '-1/2'), false, 'already your own');
  assert.equal(s.preset, 'custom');
  const p = filterParams({ ...s, bias: 3 }, 7);
  assert.equal(p.imageSeq, 7);
  assert.deepEqual(Array.from(p.kernels[0]), [0, 1, 2, 2, -0.5, 0, 0, 1, 2]);
  assert.equal(p.kernels.length, 1);
  assert.equal(p.bias, 0, 'the bias belongs to the multi-channel sum');
  assert.equal(resultSigned('clamp', p), true);
  assert.equal(filterParams({ ...s, mode: 'sum', bias: 3 }, 1).kernels.length, 3);
  const m = filterParams({ ...s, preset: 'magnitude', k1: 5, normalise: true }, 1);
  assert.deepEqual([m.op, m.k1, m.k2, m.kernels, m.normalise], ['magnitude', 3, 3, [], false]);
});

test('moving the selected pixel: clamped, stepped in reading order with wrap-around, by arrow keys', () => {
  assert.deepEqual(clampPixel(-3, 9, 4, 5), [0, 4]);
  assert.deepEqual(stepPixel([1, 2], 1, 3, 3), [2, 0]);
  assert.deepEqual(stepPixel([0, 0], -1, 3, 3), [2, 2]);
  assert.deepEqual(stepPixel([2, 2], 1, 3, 3), [0, 0]);
  assert.deepEqual([arrowMove('ArrowUp', false), arrowMove('ArrowRight', true), arrowMove('a', false)], [[-1, 0], [0, 10], null]);
  assert.deepEqual([outLabel(1, 0, 2, 3), outLabel(3, 2, 2, 3)], ['Z[2, 3]', 'Z_B[2, 3]']);
});

test('the exercise: right within 0.5 or 1%, the answer read as a cell, and whether a result is the question’s view', () => {
  assert.deepEqual(judgeAnswer('2040.4', 2040, 'Z[0, 0]'),
    { kind: 'ok', invalid: false, text: 'Right: Z[0, 0] = 2040 (yours, 2040.4, is within ±20.4). Try another one!' });
  assert.equal(judgeAnswer('12', 12, 'Z[0, 0]').text, 'Right: Z[0, 0] = 12. Try another one!');
  assert.equal(judgeAnswer('12.6', 12, 'Z[0, 0]').kind, 'warning');
  assert.match(judgeAnswer('11', 12, 'Z[0, 0]').text, /^Not quite: 11 is too low\./);
  assert.deepEqual(judgeAnswer('twenty', 12, 'Z[0, 0]'),
    { kind: 'error', invalid: true, text: 'Your answer holds “twenty”, which is not a number: type a number, such as 12, -3.5 or 1/2.' });
  assert.match(revealText('Z[1, 2]', 19, true), /^Z\[1, 2\] = 19: the products and the sum are in section 5/);
  assert.match(revealText('Z[1, 2]', 19, false), /The view has changed since this question/);
  const view = (k, display) => ({ key: k, params: { k1: 3, kernels: [new Float32Array([1, 2])], key: k, display } });
  assert.equal(sameView(view(1, 'abs'), view(2, 'clamp')), true, 'the same numbers, in other colours');
  assert.equal(sameView(view(1, 'abs'), { ...view(1, 'abs'), params: { ...view(1, 'abs').params, k1: 5 } }), false);
  assert.equal(sameView(null, view(1, 'abs')), false);
});

test('a link holds the last whole view while a cell is not a number, and says what it leaves out', () => {
  const whole = defaultState();
  const s = { ...defaultState(), image: 'own', kernels: [['x'], ['1'], ['1']] };
  assert.equal(linkSettings(whole, null), whole);
  assert.equal(linkSettings(s, whole), whole);
  assert.equal(shareCaveats(whole), '');
  assert.equal(shareCaveats(s), ' Your own image is not in the link: it opens with a sample photo.'
    + ' A kernel cell is not a number: the link holds the last kernel that was all numbers.');
  assert.equal(pixelOutsideNote([5, 7], 1, 1, [0, 0]), 'This link’s “px=5,7” is outside Z, which has 1 row and 1 column: using 0,0.');
});

test('the class’s number matrices as images', () => {
  const dot = matrixImage('dot');
  assert.deepEqual([dot.width, dot.height, dot.gray], [3, 3, true]);
  assert.deepEqual(Array.from(dot.data.slice(16, 24)), [0, 0, 0, 255, 255, 255, 255, 255]);
});
