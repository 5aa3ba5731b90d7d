// The kernels page's one state object and what each event does to it
// (web/kernels/page.js), without a browser or an engine: an image taken, a
// view checked, a result shown or refused, a pixel selected, a link read, a
// question asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPageState, kernelMessage, takeImage, checkView, takeResult, computeFailed, fitSelection, selectPixel, pixelClicked,
  takeLink, askQuestion, questionTables, pickLabel,
} from '../../web/kernels/page.js';
import { defaultState, matrixImage } from '../../web/kernels/state.js';
import { decodeHash } from '../../web/kernels/link.js';

/** A page holding the 5 x 5 matrix (image number 1). */
function withGrid() {
  const page = newPageState();
  takeImage(page, matrixImage('grid5'), 'grid5', 1);
  return page;
}

/** A result as the worker gives one, for the request `params`. */
const result = (params, h, w) => ({ key: 1, width: w, height: h, planes: 1, maxAbs: 19, display: 'abs', used: [], normalised: [], rgba: null, params });

test('an image taken is X: the link names it, the result of the last one is gone, its note is said', () => {
  const page = newPageState();
  page.drawn = { key: 3 };
  takeImage(page, { ...matrixImage('dot'), note: 'scaled down' }, 'own', 4);
  assert.deepEqual([page.image.id, page.image.width, page.image.seq, page.settings.image, page.drawn], ['own', 3, 4, 'own', null]);
  assert.deepEqual(page.imageMessage, { text: 'scaled down', kind: 'warning' });
  takeImage(page, matrixImage('grid5'), 'grid5', 5);
  assert.deepEqual(page.imageMessage, { text: '' });
});

test('a view that can be computed: the engine request, the current status, the note said once', () => {
  const page = withGrid();
  page.kernelNote = 'Sobel is a 3 × 3 kernel.';
  const params = checkView(page);
  assert.deepEqual([params.imageSeq, params.k1, Array.from(params.kernels[0])], [1, 3, [0, 1, 2, 2, 2, 0, 0, 1, 2]]);
  assert.deepEqual(page.status, { kind: 'current' });
  assert.deepEqual(page.kernelMessage, { text: 'Sobel is a 3 × 3 kernel.', kind: undefined });
  assert.equal(page.kernelNote, '');
  assert.deepEqual(page.lastWhole, page.settings);
  assert.notEqual(page.lastWhole, page.settings, 'a copy, kept while the settings change');
});

test('a cell that is not a number: no request, the result kept, the link keeps the last whole view', () => {
  const page = withGrid();
  checkView(page);
  const whole = page.lastWhole;
  page.drawn = { key: 1 };
  page.linkSel = [1, 1];
  page.settings.kernels[0][1] = 'abc';
  assert.equal(checkView(page), null);
  assert.equal(page.status.kind, 'not-numbers');
  assert.deepEqual(page.kernelMessage, { text: 'W[0, 1] holds “abc”, which is not a number. Type a number such as 2, -0.5 or 1/9.', kind: 'error' });
  assert.deepEqual([page.drawn, page.lastWhole, page.linkSel], [{ key: 1 }, whole, null]);
  assert.equal(pickLabel(page.status), 'Selected pixel, of the last kernel that was all numbers: ');
});

test('a kernel that does not fit: no request and no result shown; that view is whole, for the link', () => {
  const page = withGrid();
  page.drawn = { key: 1 };
  page.settings.k1 = 7;
  page.settings.kernels = page.settings.kernels.map(() => Array(21).fill('1'));
  assert.equal(checkView(page), null);
  assert.equal(page.status.kind, 'no-output');
  assert.equal(page.drawn, null);
  assert.equal(page.lastWhole.k1, 7);
  assert.deepEqual(kernelMessage(page.status, ''), { text: page.status.text, kind: 'error' }, 'no typing hint without a bad cell');
});

test('a result shown ends an engine error before it; an error with nothing newer on its way shows no result', () => {
  const page = withGrid();
  const params = checkView(page);
  computeFailed(page, 'out of memory', true);
  assert.deepEqual([page.status, page.pageMessage.error.source], [{ kind: 'current' }, 'compute'], 'a newer request may still show');
  computeFailed(page, 'out of memory', false);
  assert.deepEqual(page.status, { kind: 'engine-error', text: 'The engine could not compute this view: out of memory', cells: [] });
  assert.equal(takeResult(page, result(params, 3, 3), params), true);
  assert.equal(page.pageMessage.error, null);
  assert.equal(page.drawn.signed, false);
  page.pageMessage.error = { text: 'The step-by-step view failed', source: 'probe' };
  assert.equal(takeResult(page, result(params, 3, 3), params), false, 'an error of another kind stays');
});

test('the selected pixel stays inside Z; a link’s pixel Z does not have is said once', () => {
  const page = withGrid();
  const params = checkView(page);
  takeLink(page, decodeHash('#img=grid5&px=5,1'));
  takeResult(page, result(params, 3, 3), params);
  assert.equal(fitSelection(page), true);
  assert.deepEqual(page.settings.sel, [2, 1]);
  assert.deepEqual(page.pageMessage.link, ['This link’s “px=5,1” is outside Z, which has 3 rows and 3 columns: using 2,1.']);
  page.settings.sel = [9, 9];
  assert.equal(fitSelection(page), false, 'a pixel the link did not ask for moves silently');
  assert.deepEqual(page.settings.sel, [2, 2]);
  // selecting: clamped, and the link (also the last whole view) holds it
  page.lastWhole = defaultState();
  selectPixel(page, -4, 1);
  assert.deepEqual([page.settings.sel, page.lastWhole.sel], [[0, 1], [0, 1]]);
});

test('a click picks the pixel under it on Z, or the one whose patch is centred there on X', () => {
  const page = withGrid();
  const params = checkView(page);
  takeResult(page, result(params, 3, 3), params);
  assert.deepEqual(pixelClicked(page, 'output', 0.99, 0.34), [2, 1]);
  // X[3, 3] of the 5 x 5 matrix is the centre of Z[2, 2]'s patch (no padding)
  assert.deepEqual(pixelClicked(page, 'input', 3.5 / 5, 3.5 / 5), [2, 2]);
});

test('a link read: its view and notes; whether it needs another image', () => {
  const page = withGrid();
  page.pageMessage.error = { text: 'The engine could not compute this view: x', source: 'compute' };
  assert.equal(takeLink(page, decodeHash('#img=grid5&stride=9&px=1,2')), false);
  assert.deepEqual([page.settings.stride, page.linkSel, page.pageMessage.error], [1, [1, 2], null]);
  assert.match(page.pageMessage.link[0], /“stride=9” was ignored/);
  assert.deepEqual(page.lastWhole, page.settings);
  assert.equal(takeLink(page, decodeHash('#img=camera')), true);
  assert.equal(takeLink(newPageState(), decodeHash('')), true, 'no image yet');
});

test('a question: its label and value; with a plane per channel, its tables show the asked channel only', () => {
  const page = newPageState();
  const probe = { key: 1, j1: 2, j2: 0, channels: [{ x: [1] }, { x: [2] }, { x: [3] }], z: [10, 20, 30] };
  const view = { key: 1, params: {} };
  askQuestion(page, probe, view, 1);
  assert.deepEqual([page.exercise.label, page.exercise.z, page.feedback], ['Z_G[2, 0]', 20, { text: '', invalid: false }]);
  const t = questionTables(page.exercise);
  assert.deepEqual([t.probe.channels, t.view.onlyChannel], [[{ x: [2] }], 1]);
  const gray = { ...probe, channels: [{ x: [1] }], z: [10] };
  askQuestion(page, gray, view, 0);
  assert.equal(page.exercise.label, 'Z[2, 0]');
  assert.equal(questionTables(page.exercise).probe, gray);
});
