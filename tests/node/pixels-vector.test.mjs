// The pixels page's part 5 (web/pixels/vector.js), without a browser: the
// seeded shuffle is a permutation and the same for the same seed, the shrunk
// picture averages the centre square, and origins() undoes the shuffle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permutation, shrinkSquare, shuffle, origins } from '../../web/pixels/vector.js';

test('the shuffle: a permutation of 0..n-1, the same for a seed, another for another seed', () => {
  const p = permutation(784, 1);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 784 }, (_, i) => i));
  assert.deepEqual(permutation(784, 1), p);
  assert.notDeepEqual(permutation(784, 2), p);
  assert.ok(p.filter((v, i) => v !== i).length > 700, 'most pixels move');
  assert.deepEqual(permutation(1, 5), [0]);
});

test('shuffle() sends pixel i to perm[i]; origins() says where each position came from', () => {
  const pixels = Uint8Array.from([10, 20, 30, 40]);
  const perm = [2, 0, 3, 1];
  assert.deepEqual([...shuffle(pixels, perm)], [20, 40, 10, 30]);
  const from = origins(4, perm);
  const shown = shuffle(pixels, perm);
  for (let j = 0; j < 4; j++) assert.equal(shown[j], pixels[from[j]]);
  assert.deepEqual([...origins(3, null)], [0, 1, 2]);
});

test('the picture shrunk: its centre square, averaged and rounded', () => {
  // 4 wide, 2 high: the centre square is columns 1-2; shrunk to 1 x 1, the mean of 4 values
  const plane = [0, 10, 20, 99, 99, 30, 41, 0];
  assert.deepEqual([...shrinkSquare(plane, 4, 2, 1)], [Math.round((10 + 20 + 30 + 41) / 4)]);
  // the same size: each pixel is itself
  assert.deepEqual([...shrinkSquare([1, 2, 3, 4], 2, 2, 2)], [1, 2, 3, 4]);
  // smaller than the side: pixels repeat
  assert.deepEqual([...shrinkSquare([7], 1, 1, 2)], [7, 7, 7, 7]);
});
