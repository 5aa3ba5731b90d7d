// What the pixels page's keys do (web/pixels/keys.js), without a browser:
// the lens, the editor's pixels and the MLP's vector move with the arrow keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lensKey, gridKey, vectorKey } from '../../web/pixels/keys.js';

test('the lens: arrows move 1 pixel, 10 with Shift; Home and End go to the row’s ends, with Ctrl to the picture’s', () => {
  const at = (key, mods = {}) => lensKey({ key, ...mods }, 5, 7, 600, 400);
  assert.deepEqual(at('ArrowLeft'), [4, 7]);
  assert.deepEqual(at('ArrowRight', { shiftKey: true }), [15, 7]);
  assert.deepEqual(at('ArrowUp'), [5, 6]);
  assert.deepEqual(at('ArrowDown', { shiftKey: true }), [5, 17]);
  assert.deepEqual(at('Home'), [0, 7]);
  assert.deepEqual(at('Home', { ctrlKey: true }), [0, 0]);
  assert.deepEqual(at('End'), [599, 7]);
  assert.deepEqual(at('End', { ctrlKey: true }), [599, 399]);
  assert.equal(at('a'), null);
  assert.equal(at('Tab'), null);
});

test('the editor’s pixels: arrows move within the grid and stop at its edges', () => {
  // 2 rows, 3 columns: 0 1 2 / 3 4 5
  assert.equal(gridKey('ArrowRight', 1, 2, 3), 2);
  assert.equal(gridKey('ArrowRight', 2, 2, 3), 2);
  assert.equal(gridKey('ArrowLeft', 3, 2, 3), 3);
  assert.equal(gridKey('ArrowDown', 1, 2, 3), 4);
  assert.equal(gridKey('ArrowDown', 4, 2, 3), 4);
  assert.equal(gridKey('ArrowUp', 4, 2, 3), 1);
  assert.equal(gridKey('Enter', 4, 2, 3), null);
});

test('the vector: one cell, a row of the picture, or its ends; never past them', () => {
  assert.equal(vectorKey('ArrowRight', 0, 784, 28), 1);
  assert.equal(vectorKey('ArrowLeft', 0, 784, 28), 0);
  assert.equal(vectorKey('ArrowDown', 1, 784, 28), 29);
  assert.equal(vectorKey('ArrowDown', 770, 784, 28), 783);
  assert.equal(vectorKey('ArrowUp', 3, 784, 28), 0);
  assert.equal(vectorKey('End', 3, 784, 28), 783);
  assert.equal(vectorKey('Home', 300, 784, 28), 0);
  assert.equal(vectorKey('constructor', 3, 784, 28), null);
  assert.equal(vectorKey('x', 3, 784, 28), null);
});
