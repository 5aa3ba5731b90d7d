// The confusion matrix's cells: every colour the page can give a cell has its
// ink at WCAG AA contrast (4.5), computed here from the sRGB numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellColours } from '../../web/train/confusion-colour.js';

const rgb = (s) => s.match(/\d+/g).map(Number);
const lum = (c) => {
  const l = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
};
const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);

test('every cell of the confusion matrix, right or wrong, any share of its row: ink at contrast 4.5 or more', () => {
  for (const diagonal of [true, false]) {
    for (let i = 0; i <= 1000; i++) {
      const f = i / 1000;
      const { background, color } = cellColours(f, diagonal);
      const r = ratio(rgb(background), rgb(color));
      assert.ok(r >= 4.5, `${diagonal ? 'right' : 'wrong'}, share ${f}: ${color} on ${background} is ${r.toFixed(2)}`);
    }
  }
});

test('the cells say right from wrong and more from less: green on the diagonal, red off it, stronger for a larger share', () => {
  const [r1, g1] = rgb(cellColours(0.9, true).background);
  assert.ok(g1 > r1, 'green');
  const [r2, g2] = rgb(cellColours(0.2, false).background);
  assert.ok(r2 > g2, 'red');
  assert.ok(lum(rgb(cellColours(0.9, true).background)) < lum(rgb(cellColours(0.2, true).background)), 'a larger share, a darker green');
  assert.ok(lum(rgb(cellColours(0.1, false).background)) < lum(rgb(cellColours(0.01, false).background)), 'a larger share, a darker red');
  assert.equal(cellColours(0, false).background, 'rgb(255, 255, 255)', 'no images: no colour');
});
