// Numbers for people (web/lib/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtValue, fmtBytes, fmtDuration, compact, fmtInt } from '../../web/lib/format.js';

test('a loss of any size fits a small box and reads as a number', () => {
  assert.equal(fmtValue(2.302585), '2.303');
  assert.equal(fmtValue(0.1234, 4), '0.1234');
  assert.equal(fmtValue(0), '0.000');
  assert.equal(fmtValue(1.8965268231172507e+35), '1.9 × 10³⁵');
  assert.equal(fmtValue(8e8, 2), '8.0 × 10⁸');
  assert.equal(fmtValue(-3.2e-7), '−3.2 × 10⁻⁷');
  assert.equal(fmtValue(NaN), 'not a number');
  assert.equal(fmtValue(Infinity), '∞');
  assert.equal(fmtValue(null), '–');
  for (const v of [1e300, -1e-300, 123456.7, 99999]) assert.ok(fmtValue(v).length <= 14, `${v}: ${fmtValue(v)}`);
});

test('sizes, durations, rates and counts', () => {
  assert.equal(fmtBytes(999), '999 bytes');
  assert.equal(fmtBytes(412_000), '412 KB');
  assert.equal(fmtBytes(26_421_856), '26 MB');
  assert.equal(fmtBytes(4_422_079), '4.4 MB');
  assert.equal(fmtBytes(1024 ** 3), '1.1 GB');
  assert.equal(fmtDuration(0.2), '1 s');
  assert.equal(fmtDuration(40), '40 s');
  assert.equal(fmtDuration(200), '3 min 20 s');
  assert.equal(fmtDuration(7500), '2 h 5 min');
  assert.equal(fmtDuration(119.6), '2 min');
  assert.equal(fmtDuration(59.7), '1 min');
  assert.equal(fmtDuration(3599), '1 h');
  assert.equal(fmtDuration(null), '–');
  assert.equal(compact(0.001), '0.001');
  assert.equal(compact(1e20), '1e+20');
  assert.equal(fmtInt(4294967295), '4,294,967,295');
});
