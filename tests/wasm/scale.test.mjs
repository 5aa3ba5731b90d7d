// The kernels page's colour scale to typical values, in the engine
// (cl_image_abs_percentile, cl_image_to_rgba_scaled through convlab.js): the
// q-th quantile of |value| (nearest rank: the ceil(q * n)-th smallest) is
// what sorting every |value| finds, on real filter results and on made-up
// values (ties, zeros, -0, one value, all zero), and mapping to it gives the
// bytes of clipping the values to it and mapping to their largest, bit for
// bit, in both builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab, PAD, DISPLAY, KERNEL } from '../../web/lib/convlab.js';
import { picture } from '../lib/pictures.mjs';

const SITE = new URL('../../build/site/', import.meta.url);
const wasm = (build) => fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE));

/** The reference: every |value| sorted; p the ceil(q * n)-th smallest (at least the first), and how many lie above it. */
function percentileAbs(values, q) {
  const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
  const count = sorted.length;
  if (!count) return { p: 0, above: 0, count };
  const p = sorted[Math.max(1, Math.ceil(q * count)) - 1];
  return { p, above: sorted.filter((v) => v > p).length, count };
}

/** values copied into WASM memory, as a live view. */
function inEngine(cl, values) {
  const view = cl.f32(cl.scratch('scale-test', 4 * Math.max(1, values.length)), values.length);
  view.set(values);
  return view;
}

test('the percentile of |value|: the sorted values\' rank, ties and zeros counted right', async () => {
  const cl = await loadConvlab({ simd: true, bytes: wasm('simd') });
  const alternating = Array.from({ length: 1000 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
  assert.deepEqual(cl.viewPercentileAbs(inEngine(cl, alternating), 0.99), { p: 990, above: 10, count: 1000 });
  assert.deepEqual(cl.viewPercentileAbs(inEngine(cl, [0, 0, 0]), 0.99), { p: 0, above: 0, count: 3 });
  // ties at p and many equal values: "above" counts only those beyond it
  const ties = [...new Array(50).fill(3), ...new Array(40).fill(-7), ...new Array(10).fill(9)];
  assert.deepEqual(cl.viewPercentileAbs(inEngine(cl, ties), 0.95), { p: 9, above: 0, count: 100 });
  assert.deepEqual(cl.viewPercentileAbs(inEngine(cl, ties), 0.5), { p: 3, above: 50, count: 100 });
  for (const n of [1, 7, 1000, 20000]) {
    const f = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? (i % 2 ? -0 : 0) : Math.round(Math.sin(i * 7.77) * 900) / (i % 3 ? 4 : 1)));
    for (const q of [0.01, 0.5, 0.95, 0.99, 1]) assert.deepEqual(cl.viewPercentileAbs(inEngine(cl, f), q), percentileAbs(f, q), `n = ${n}, q = ${q}`);
  }
});

for (const build of ['simd', 'scalar']) {
  test(`${build}: typical values of an edge kernel's result: the reference's percentile, and the clipped values' bytes`, async () => {
    const cl = await loadConvlab({ simd: build === 'simd', bytes: wasm(build) });
    const kept = cl.keepRGBA(picture(97, 131, 7));
    const sobel = cl.preset(KERNEL.sobelX, 3, 3);
    for (const [mode, kernels, display] of [['gray', sobel, DISPLAY.diverging], ['per-channel', sobel, DISPLAY.abs],
      ['sum', Float32Array.of(...sobel, ...sobel, ...sobel), DISPLAY.diverging], ['magnitude', null, DISPLAY.abs]]) {
      const r = cl.filterImage(kept, { mode, kernels, k1: 3, k2: 3, pad: PAD.zero, display: DISPLAY.clamp });
      const { planes, width: w, height: h } = r;
      const copy = Float32Array.from(r.values);
      for (const q of [0.95, 0.5, 0.999, 1]) {
        const want = percentileAbs(copy, q);
        const got = cl.viewPercentileAbs(r.values, q);
        assert.deepEqual(got, { p: want.p, above: want.above, count: want.count }, `${mode}, q = ${q}`);
      }
      const { p } = cl.viewPercentileAbs(r.values, 0.95);
      assert.ok(p > 0 && p < r.maxAbs, `${mode}: a scale below the largest value (${p} < ${r.maxAbs})`);
      const got = cl.viewToRGBA(r.values, planes, h, w, display, null, p);
      const clipped = r.values;
      clipped.set(copy.map((v) => Math.max(-p, Math.min(p, v))));
      const want = cl.viewToRGBA(clipped, planes, h, w, display);
      assert.deepEqual(got, want, `${mode}: the bytes to typical values`);
      clipped.set(copy); // the values again: to their largest, another picture
      assert.notDeepEqual(got, cl.viewToRGBA(r.values, planes, h, w, display), `${mode}: not the bytes to the largest`);
    }
    assert.throws(() => cl.viewPercentileAbs(new Float32Array(4), 0.5), /not a live float view/);
    assert.throws(() => cl.viewPercentileAbs(cl.f32(cl.scratch('t', 16), 4), 0), /percentile/);
  });
}

// 'auto' decides a blur is shown clamped before computing it (no float values made) when
// clampKnown() says no value can go above CLAMP_ABOVE: true of a box blur's float weights at
// every size (a hair over 1 in sum), and true to its word on the engine's own float sums, in the
// worst case (every input byte 255, the bound just under its limit), in both builds.
test('clampKnown: a box blur of any size is known clamped, and what it says can be clamped never goes above the line', async () => {
  const { clampKnown, CLAMP_ABOVE } = await import('../../web/kernels/state.js');
  for (let k = 1; k <= 15; k++) {
    const box = new Float32Array(k * k).fill(1 / (k * k));
    assert.ok(clampKnown(box, 0), `${k}x${k} box blur`);
    assert.ok(clampKnown(box.map((v, i) => (i === 0 ? 0 : v)), 0), `${k}x${k} box blur with a cell set to 0`);
  }
  assert.ok(!clampKnown(new Float32Array(9).fill(1 / 8), 0), 'weights summing to 9/8');
  assert.ok(!clampKnown(new Float32Array(9).fill(1 / 9), 1), 'a box blur plus a bias of 1');
  assert.ok(!clampKnown(Float32Array.of(-1, 0.5), 0), 'a negative weight counts by its size');
  const white = { data: new Uint8ClampedArray(4 * 40 * 40).fill(255), width: 40, height: 40 };
  for (const build of ['simd', 'scalar']) {
    const cl = await loadConvlab({ simd: build === 'simd', bytes: wasm(build) });
    let s = 7, checked = 0;
    for (const k of [3, 5, 9, 15]) {
      for (let trial = 0; trial < 20; trial++) {
        // positive weights of uneven sizes, scaled in float so their bound lies just under 255.25
        const w = Float32Array.from({ length: k * k }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return 0.05 + (s >>> 8) / 2 ** 24; });
        let sum = w.reduce((a, v) => a + v, 0);
        for (let i = 0; i < w.length; i++) w[i] = (w[i] / sum) * (255.25 / 255);
        while (!clampKnown(w, 0)) w[trial % w.length] = Math.fround(w[trial % w.length] * (1 - 2 ** -20));
        sum = w.reduce((a, v) => a + v, 0);
        assert.ok(255 * sum > 255.2, `the bound ${255 * sum} is near the limit`);
        const r = cl.filterImage(white, { kernels: w, k1: k, k2: k, mode: 'gray', pad: PAD.valid, display: DISPLAY.clamp });
        assert.ok(r.maxAbs <= CLAMP_ABOVE, `${build} ${k}x${k}: ${r.maxAbs} above ${CLAMP_ABOVE}`);
        checked++;
      }
    }
    assert.equal(checked, 80);
  }
});
