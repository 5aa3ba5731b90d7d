// The grayscale rule in both built .wasm modules (SIMD and scalar), on every
// one of the 2^24 colours, against the rule computed here in whole numbers:
// q = 299 R + 587 G + 114 B thousandths, Y = q / 1000 rounded to the nearest
// whole number, an exact half (q ending in 500) to the even one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);

/** The rule, in whole numbers (BigInt-free: q is at most 255,000). */
function exactGray(r, g, b) {
  const q = 299 * r + 587 * g + 114 * b;
  const y = Math.floor(q / 1000), rest = q % 1000;
  return rest > 500 || (rest === 500 && y % 2 === 1) ? y + 1 : y;
}

test('the rule by hand: exact halves go to the even number', () => {
  assert.equal(exactGray(76, 54, 27), 58);  // 57,500
  assert.equal(exactGray(5, 161, 57), 102); // 102,500
  assert.equal(exactGray(3, 15, 7), 10);    // 10,500
  assert.equal(exactGray(255, 255, 255), 255);
});

for (const build of ['simd', 'scalar']) {
  test(`${build}: the grayscale of every colour is the exact rule (16,782 exact halves among them)`, async () => {
    const cl = await loadConvlab({ simd: build === 'simd', bytes: fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE)) });
    // One red value at a time: 256 x 256 pixels, G down the rows, B along them.
    const data = new Uint8ClampedArray(4 * 256 * 256);
    let ties = 0, wrong = 0, first = '';
    for (let r = 0; r < 256; r++) {
      for (let i = 0; i < 256 * 256; i++) data.set([r, i >> 8, i & 255, 255], 4 * i);
      const y = cl.toPlanar({ data, width: 256, height: 256 }, true);
      for (let i = 0; i < 256 * 256; i++) {
        const g = i >> 8, b = i & 255;
        if ((299 * r + 587 * g + 114 * b) % 1000 === 500) ties++;
        const want = exactGray(r, g, b);
        if (y[i] !== want && wrong++ === 0) first = `(${r}, ${g}, ${b}): ${y[i]}, want ${want}`;
      }
    }
    assert.equal(ties, 16782);
    assert.equal(wrong, 0, `${wrong} colours off, the first ${first}`);
  });
}
