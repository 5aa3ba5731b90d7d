// The kernels page's path through the engine, from node, on both builds:
// filterImage() on bytes kept in WASM memory (keepRGBA) is filterImage() on
// the bytes, and pixel.js's one output pixel, worked out on demand from the
// bytes, is the whole-image call's value at that pixel, bit for bit, with the
// patch as the engine reads it: every mode, padding, stride and an uneven
// kernel, on images smaller than, as large as and larger than the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab, PAD, DISPLAY } from '../../web/lib/convlab.js';
import { pixelAt } from '../../web/kernels/pixel.js';
import { picture, weights } from '../lib/pictures.mjs';

const SITE = new URL('../../build/site/', import.meta.url);

/** Bit for bit, but -0 == 0 (a skipped padded tap and a tap of 0 differ only there). */
function same(a, b) {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

const CASES = [];
for (const mode of ['gray', 'per-channel', 'sum', 'magnitude']) {
  for (const pad of ['valid', 'zero', 'reflect', 'edge']) {
    for (const [k1, k2, stride] of [[3, 3, 1], [2, 4, 2], [5, 5, 1], [1, 1, 3]]) {
      if (mode === 'magnitude' && k1 !== 3) continue;
      CASES.push({ mode, pad, k1, k2, stride });
    }
  }
}

for (const build of ['simd', 'scalar']) {
  const load = () => loadConvlab({ simd: build === 'simd', bytes: fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE)) });

  test(`${build}: filterImage() reads kept bytes in place, with the same result as from the bytes`, async () => {
    const cl = await load();
    const img = picture(23, 31, 7);
    const kept = cl.keepRGBA(img);
    assert.deepEqual(Array.from(cl.keptBytes(kept)), Array.from(img.data));
    for (const { mode, pad, k1, k2, stride } of CASES) {
      const kernels = weights((mode === 'sum' ? 3 : 1) * k1 * k2, k1 * 31 + k2);
      const opts = { kernels, k1, k2, mode, pad: PAD[pad], stride, bias: 1.5, display: mode === 'per-channel' || mode === 'magnitude' ? DISPLAY.abs : DISPLAY.diverging };
      const a = cl.filterImage(img, opts);
      const want = { z: Float32Array.from(a.values), rgba: Uint8Array.from(a.rgba), maxAbs: a.maxAbs };
      const b = cl.filterImage(kept, opts);
      assert.deepEqual(Float32Array.from(b.values), want.z, `${mode} ${pad} ${k1}x${k2}/${stride}: values`);
      assert.deepEqual(Uint8Array.from(b.rgba), want.rgba, `${mode} ${pad} ${k1}x${k2}/${stride}: bytes`);
      assert.equal(b.maxAbs, want.maxAbs);
    }
    // the kept bytes are the caller's until released: a call never writes them
    assert.deepEqual(Array.from(cl.keptBytes(kept)), Array.from(img.data));
    cl.releaseKept(kept);
    assert.equal(kept.ptr, 0);
    cl.releaseKept(kept); // twice is safe
  });

  test(`${build}: one pixel worked out on demand (pixel.js) is the whole image's value there, with the engine's patch`, async () => {
    const cl = await load();
    let checked = 0;
    for (const [h, w] of [[1, 1], [3, 3], [4, 6], [13, 17], [37, 70]]) {
      const img = picture(h, w, h * 100 + w);
      const kept = cl.keepRGBA(img);
      for (const { mode, pad, k1, k2, stride } of CASES) {
        const gray = mode === 'gray';
        const kernels = weights((mode === 'sum' ? 3 : 1) * k1 * k2, 5 + k1 * k2);
        let oh, ow;
        try {
          [oh, ow] = cl.outSize(h, w, k1, k2, PAD[pad], stride);
        } catch {
          continue; // no output for this geometry
        }
        const q = { mode, kernels, k1, k2, pad: PAD[pad], stride, bias: mode === 'sum' ? -20.25 : 0 };
        const whole = Float32Array.from(cl.filterImage(kept, { ...q, display: DISPLAY.clamp }).values);
        const x = cl.toPlanar(img, gray);
        const planes = whole.length / (oh * ow);
        for (let j1 = 0; j1 < oh; j1++) {
          for (let j2 = 0; j2 < ow; j2++) {
            // the large image: its border and a sparse grid (the vector loops' tiles and tails)
            if (h > 20 && j1 > 2 && j1 < oh - 3 && j2 > 2 && j2 < ow - 3 && (j1 * 7 + j2) % 29) continue;
            const p = pixelAt(cl, kept, q, gray, j1, j2);
            const what = `${mode} ${pad} ${k1}x${k2}/${stride} on ${h}x${w}, (${j1}, ${j2})`;
            assert.equal(p.z.length, planes, what);
            for (let pl = 0; pl < planes; pl++) {
              const want = whole[pl * oh * ow + j1 * ow + j2];
              assert.ok(same(p.z[pl], want), `${what}, plane ${pl}: on demand ${p.z[pl]}, whole image ${want}`);
            }
            assert.equal(p.channels.length, gray ? 1 : 3, what);
            const kk1 = mode === 'magnitude' ? 3 : k1, kk2 = mode === 'magnitude' ? 3 : k2;
            p.channels.forEach(({ x: xs, src }, ch) => {
              assert.equal(xs.length, kk1 * kk2);
              xs.forEach((v, i) => {
                const a = Math.floor(i / kk2), b = i % kk2;
                const iy = cl.padIndex(j1 * stride + a - cl.padBefore(kk1, PAD[pad]), h, PAD[pad]);
                const ix = cl.padIndex(j2 * stride + b - cl.padBefore(kk2, PAD[pad]), w, PAD[pad]);
                if (iy < 0 || ix < 0) {
                  assert.equal(v, null, `${what}: padding`);
                  assert.equal(src[i], null);
                } else {
                  assert.equal(v, x[ch * h * w + iy * w + ix], `${what}: X at tap ${i}`);
                  assert.deepEqual(src[i], [iy, ix]);
                }
              });
            });
            checked++;
          }
        }
      }
      cl.releaseKept(kept);
    }
    assert.ok(checked > 3000, `${checked} pixels checked`);
  });
}
