// The kernels page's colour scale to typical values, in the engine
// (cl_image_abs_percentile, cl_image_to_rgba_scaled through convlab.js): the
// 95th percentile of |value| of a real filter result is what the page's own
// JavaScript reference (arithmetic.js percentileAbs) finds, and mapping to it
// gives the bytes of clipping the values to it and mapping to their largest,
// bit for bit, in both builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab, PAD, DISPLAY, KERNEL } from '../../web/lib/convlab.js';
import { percentileAbs } from '../../web/kernels/arithmetic.js';
import { picture } from '../lib/pictures.mjs';

const SITE = new URL('../../build/site/', import.meta.url);
const wasm = (build) => fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE));

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
