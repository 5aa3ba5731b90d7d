// The train page's pictures of numbers (web/train/tiles.js): signed values in
// the engine's diverging colours (lib/colour.js, each tile scaled by its own
// largest |value| as cl_image_to_rgba scales a map), gray bytes as they are,
// tiles in a grid with 1 px gaps. And the worker's fixed pixel permutation
// (web/train/dataset.js), which models trained on shuffled pixels depend on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTiles } from '../../web/train/tiles.js';
import { diverging, luminance } from '../../web/lib/colour.js';
import { DIVERGING } from '../../web/lib/limits.js';
import { permutation } from '../../web/train/dataset.js';

/** A canvas whose context keeps the last image put: pixel(x, y) -> [r, g, b, a]. */
function fakeCanvas() {
  const c = { width: 0, height: 0, style: {}, image: null };
  c.getContext = () => ({
    createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(4 * w * h) }),
    putImageData: (img) => { c.image = img; },
  });
  c.pixel = (x, y) => [...c.image.data.subarray(4 * (y * c.image.width + x), 4 * (y * c.image.width + x) + 4)];
  return c;
}

test('signed values: the engine’s blue, white and red, each tile scaled by its own largest |value|', () => {
  const canvas = fakeCanvas();
  // two 2 x 2 tiles side by side: [-2, 0, 1, 2] and [0.5, -0.25, NaN, 0]
  const values = Float32Array.from([-2, 0, 1, 2, 0.5, -0.25, NaN, 0]);
  drawTiles(canvas, null, 2, 2, { side: 2, values, signed: true, scale: 6 });
  assert.deepEqual([canvas.width, canvas.height, canvas.style.width], [5, 2, '30px']);
  assert.deepEqual(canvas.pixel(0, 0), [...DIVERGING.blue, 255], 'the largest negative: the engine’s blue');
  assert.deepEqual(canvas.pixel(1, 1), [...DIVERGING.red, 255], 'the largest positive: the engine’s red');
  assert.deepEqual(canvas.pixel(1, 0), [...DIVERGING.white, 255], '0 is the engine’s white');
  assert.deepEqual(canvas.pixel(0, 1), [...diverging(0.5), 255], 'half way, as lib/colour.js says');
  assert.deepEqual(canvas.pixel(2, 0), [255, 255, 255, 255], 'the gap between tiles');
  assert.deepEqual(canvas.pixel(3, 0), [...DIVERGING.red, 255], 'the second tile has its own scale: 0.5 is its largest');
  assert.deepEqual(canvas.pixel(4, 0), [...diverging(-0.5), 255]);
  assert.deepEqual(canvas.pixel(3, 1), [...DIVERGING.white, 255], 'NaN is white, and does not scale the tile');
  assert.ok(luminance(...canvas.pixel(4, 0).slice(0, 3)) > luminance(...DIVERGING.blue), 'smaller values are paler');
});

test('a tile of zeros is white; unsigned values are gray from 0 to the tile’s largest', () => {
  const canvas = fakeCanvas();
  drawTiles(canvas, null, 1, 1, { side: 2, values: new Float32Array(4), signed: true });
  assert.deepEqual(canvas.pixel(1, 1), [...DIVERGING.white, 255]);
  drawTiles(canvas, null, 1, 1, { side: 2, values: Float32Array.from([0, 1, 2, 4]) });
  assert.deepEqual([0, 1, 2, 3].map((i) => canvas.pixel(i % 2, i >> 1)[0]), [0, 64, 128, 255]);
});

test('gray images: the bytes as they are, in rows of tiles', () => {
  const canvas = fakeCanvas();
  const images = Uint8Array.from({ length: 3 * 4 }, (_, i) => 10 * i);
  drawTiles(canvas, images, 3, 2, { side: 2, scale: 1 });
  assert.deepEqual([canvas.width, canvas.height], [5, 5], 'two rows of two tiles, the last row half empty');
  assert.deepEqual(canvas.pixel(1, 1), [30, 30, 30, 255]);
  assert.deepEqual(canvas.pixel(3, 0), [40, 40, 40, 255]);
  assert.deepEqual(canvas.pixel(1, 4), [110, 110, 110, 255], 'the third image, second row');
  assert.deepEqual(canvas.pixel(4, 4), [255, 255, 255, 255], 'no fourth image');
});

test('the shuffled pixels’ permutation is fixed: a model trained on them reads them the same way after a reload', () => {
  const p = permutation();
  assert.equal(p.length, 784);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 784 }, (_, i) => i), 'every pixel once');
  assert.deepEqual(p.slice(0, 8), [62, 782, 59, 114, 359, 692, 216, 777]);
  assert.deepEqual(p.slice(-4), [84, 222, 634, 199]);
  assert.deepEqual(permutation(), p);
});
