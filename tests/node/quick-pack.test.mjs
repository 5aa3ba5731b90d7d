// The quick pack (scripts/quick-pack.mjs): balanced, the held-out part at the
// end, every image a copy of one of the full set's with its own label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePack } from '../../scripts/quick-pack.mjs';

/** A tiny IDX pair: n images of 2 x 2 pixels, image i's pixels all i % 256, labels from `label(i)`. */
function fakeSet(n, label) {
  const data = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) data.fill(i % 256, 4 * i, 4 * i + 4);
  return { images: { dims: [n, 2, 2], data }, labels: { dims: [n], data: Uint8Array.from({ length: n }, (_, i) => label(i)) } };
}

test('balanced: the first of each class, training part then held-out part', () => {
  // classes in an uneven order: class k appears at i % 7 === k for k < 3, else class 3
  const { images, labels } = fakeSet(200, (i) => Math.min(3, i % 7));
  const pack = makePack(images, labels, { perClass: 5, heldOutPerClass: 2, classes: 4 });
  assert.equal(pack.n, 28);
  const lab = pack.labels.subarray(8);
  const img = pack.images.subarray(16);
  const count = (arr) => [0, 1, 2, 3].map((k) => arr.filter((v) => v === k).length);
  assert.deepEqual(count([...lab.subarray(0, 20)]), [5, 5, 5, 5], 'training part');
  assert.deepEqual(count([...lab.subarray(20)]), [2, 2, 2, 2], 'held out at the end');
  // each image is the original with its own label, in file order within each part
  const origin = [];
  for (let j = 0; j < 28; j++) {
    const i = img[4 * j];
    assert.equal(Math.min(3, i % 7), lab[j], `image ${j} keeps its label`);
    origin.push(i);
  }
  assert.deepEqual(origin.slice(0, 20), [...origin.slice(0, 20)].sort((a, b) => a - b));
  assert.ok(origin.slice(0, 20).every((i) => !origin.slice(20).includes(i)), 'no image in both parts');
  // the IDX headers
  assert.equal(pack.images.readUInt32BE(0), 0x803);
  assert.deepEqual([pack.images.readUInt32BE(4), pack.images.readUInt32BE(8), pack.images.readUInt32BE(12)], [28, 2, 2]);
  assert.equal(pack.labels.readUInt32BE(0), 0x801);
});

test('a set without enough images of a class is refused', () => {
  const { images, labels } = fakeSet(20, () => 0);
  assert.throws(() => makePack(images, labels, { perClass: 5, heldOutPerClass: 2, classes: 2 }), /fewer than 7 images of some class/);
});
