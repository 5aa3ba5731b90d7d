// The pixels page's pure parts for issue 17, without a browser: the grayscale
// worked line (exact, against rounding done here in whole numbers, halves to
// even), the load notes' sizes (height first), and the Fashion-MNIST
// examples file (scripts/fashion-examples.mjs writes it, vector.js reads it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grayWorking, loadNote } from '../../web/pixels/state.js';
import { readExamples } from '../../web/pixels/vector.js';
import { CLASS_NAMES, IMAGE_SIDE } from '../../web/lib/limits.js';
import { readIdx, pickExamples } from '../../scripts/fashion-examples.mjs';

/** Nearest whole number, an exact half to the even one, on q thousandths (the oracle). */
function halfEven(q) {
  const lo = Math.floor(q / 1000), rest = q - 1000 * lo;
  if (rest !== 500) return rest > 500 ? lo + 1 : lo;
  return lo % 2 === 0 ? lo : lo + 1;
}

test('the grayscale worked line: exact thousandths, halves to even, on every tie of a grid of colours', () => {
  assert.deepEqual(grayWorking(76, 54, 27), { terms: ['22.724', '31.698', '3.078'], sum: '57.500', y: 58, half: true });
  assert.deepEqual(grayWorking(5, 161, 57), { terms: ['1.495', '94.507', '6.498'], sum: '102.500', y: 102, half: true });
  assert.deepEqual(grayWorking(0, 0, 0), { terms: ['0.000', '0.000', '0.000'], sum: '0.000', y: 0, half: false });
  assert.deepEqual(grayWorking(255, 255, 255), { terms: ['76.245', '149.685', '29.070'], sum: '255.000', y: 255, half: false });
  let ties = 0;
  for (let r = 0; r < 256; r += 3) for (let g = 0; g < 256; g += 5) for (let b = 0; b < 256; b++) {
    const q = 299 * r + 587 * g + 114 * b;
    const w = grayWorking(r, g, b);
    assert.equal(w.y, halfEven(q));
    assert.equal(w.half, q % 1000 === 500);
    assert.equal(w.sum, `${Math.floor(q / 1000)}.${String(q % 1000).padStart(3, '0')}`);
    if (w.half) ties++;
  }
  assert.ok(ties > 100, `${ties} ties checked`);
});

test('the load notes give sizes height first, each number named', () => {
  assert.equal(loadNote({ name: 'a.png', width: 3, height: 2 }, 2048), '');
  assert.equal(loadNote({ name: 'big.png', width: 2048, height: 1365, scaledFrom: { width: 6000, height: 4000 } }, 2048),
    '“big.png” is 4000 pixels high and 6000 wide, more than the 2048-pixel limit on the longest side here, so it was scaled down to 1365 high and 2048 wide.');
  assert.match(loadNote({ name: 't.png', width: 3, height: 2, transparent: true }, 2048), /^“t\.png” has transparent pixels: they are shown over white/);
});

/** An IDX file of bytes: magic 0x08 then the dimensions, then the data. */
function idx(dims, data) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 | dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([head, Buffer.from(data)]));
}

test('the examples file: the first test image of each chosen class, with its index, read back by the page', () => {
  const n = 12, px = IMAGE_SIDE * IMAGE_SIDE;
  const labelsData = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 0];
  const images = readIdx(idx([n, IMAGE_SIDE, IMAGE_SIDE], Array.from({ length: n * px }, (_, i) => (Math.floor(i / px) * 20 + (i % px)) % 256)), 3);
  const labels = readIdx(idx([n], labelsData), 1);
  const picked = pickExamples(images, labels, [0, 1, 7]);
  assert.deepEqual(picked.map((e) => [e.index, e.label, e.name]), [[11, 0, 'T-shirt/top'], [2, 1, 'Trouser'], [9, 7, 'Sneaker']]);
  assert.deepEqual(picked[1].pixels.slice(0, 3), [40, 41, 42]);
  assert.throws(() => pickExamples(images, labels, [3]), /no test image of class 3/);
  assert.throws(() => readIdx(idx([n], labelsData).subarray(0, 15), 1), /IDX size/);
  assert.throws(() => readIdx(idx([n], labelsData), 3), /not an IDX file of 3/);

  const read = readExamples(JSON.parse(JSON.stringify({ images: picked })), CLASS_NAMES, IMAGE_SIDE);
  assert.deepEqual(read.map((e) => [e.name, e.index]), [['T-shirt/top', 11], ['Trouser', 2], ['Sneaker', 9]]);
  assert.ok(read[0].pixels instanceof Uint8Array && read[0].pixels.length === px);
  for (const bad of [{}, { images: [] }, { images: [{ ...picked[0], label: 10 }] }, { images: [{ ...picked[0], pixels: [1, 2] }] },
    { images: [{ ...picked[0], pixels: picked[0].pixels.map(() => 256) }] }, { images: [{ ...picked[0], index: -1 }] }]) {
    assert.throws(() => readExamples(bad, CLASS_NAMES, IMAGE_SIDE), /no images|not a labelled 28 × 28 picture/);
  }
});
