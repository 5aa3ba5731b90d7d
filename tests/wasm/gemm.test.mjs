// The network kernels in the built .wasm modules (SIMD and scalar), from node:
// GEMM in every transpose form, the conv layer forward and backward (dx, dw,
// db) and max/average pooling, against naive JavaScript references computed
// in double precision.
//
// Tolerance: a float sum of n products, in any order, is within
// n * eps * sum|terms| of the exact sum (eps = 2^-23); we allow 4 (n + 1) eps
// times the sum of |terms| of each output, computed alongside the reference.
// Pooling moves values without arithmetic (max) or sums k^2 of them (average):
// exact, and within 4 k^2 eps |sum| respectively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';
import { rng } from '../lib/rng.mjs';

const SITE = new URL('../../build/site/', import.meta.url);
const EPS = 2 ** -23;

async function load(simd) {
  const bytes = fs.readFileSync(new URL(simd ? 'convlab-simd.wasm' : 'convlab-scalar.wasm', SITE));
  return loadConvlab({ simd, bytes });
}

// A float array inside WASM memory, filled from `values` (a Float32Array).
function put(cl, values) {
  const ptr = cl.alloc(4 * Math.max(values.length, 1));
  cl.f32(ptr, values.length).set(values);
  return ptr;
}

function randomF32(n, next) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(next());
  return a;
}

function assertWithin(got, want, tol, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol[i])) assert.fail(`${what}: [${i}] got ${got[i]} want ${want[i]} (|diff| ${d}, tol ${tol[i]})`);
  }
}

for (const simd of [true, false]) {
  const name = simd ? 'SIMD' : 'scalar';

  test(`${name} GEMM: every transpose form against a double-precision reference`, async () => {
    const cl = await load(simd);
    const next = rng(12345);
    const shapes = [
      [1, 1, 1], [4, 8, 1], [5, 9, 3], [3, 7, 257], [13, 17, 31], [33, 10, 128],
      [32, 128, 78], [9, 33, 300], [128, 20, 32],
    ];
    for (const [ta, tb] of [[0, 1], [0, 0], [1, 0], [1, 1]]) {
      for (const [m, n, k] of shapes) {
        for (const beta of [0, 1]) {
          const lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
          const a = randomF32((ta ? k : m) * lda, next), b = randomF32((tb ? n : k) * ldb, next);
          const c = randomF32(m * ldc, next);
          const want = new Float64Array(m * ldc), tol = new Float64Array(m * ldc);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0, mag = 0;
              for (let p = 0; p < k; p++) {
                const t = (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                s += t;
                mag += Math.abs(t);
              }
              if (beta) { s += c[i * ldc + j]; mag += Math.abs(c[i * ldc + j]); }
              want[i * ldc + j] = s;
              tol[i * ldc + j] = 4 * (k + 1) * EPS * mag + 1e-30;
            }
            // the gaps between rows are not C: untouched
            for (let j = n; j < ldc; j++) { want[i * ldc + j] = c[i * ldc + j]; tol[i * ldc + j] = 0; }
          }
          if (!beta) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * ldc + j] = NaN;
          const pa = put(cl, a), pb = put(cl, b), pc = put(cl, c);
          cl.exports.cl_gemm(ta, tb, m, n, k, pa, lda, pb, ldb, beta, pc, ldc);
          assertWithin(cl.f32(pc, m * ldc), want, tol, `${name} gemm ta=${ta} tb=${tb} ${m}x${n}x${k} beta=${beta}`);
          cl.free(pa); cl.free(pb); cl.free(pc);
        }
      }
    }
  });

  test(`${name} conv layer: forward, dx, dw, db against a double-precision reference`, async () => {
    const cl = await load(simd);
    const next = rng(777);
    const shapes = [
      // b, c, h, w, oc, kh, kw, pad, stride: the reference CNN's two layers, then awkward ones
      [2, 1, 28, 28, 8, 3, 3, 0, 1], [2, 1, 28, 28, 8, 3, 3, 1, 1],
      [2, 8, 13, 13, 16, 3, 3, 0, 1], [2, 8, 14, 14, 16, 3, 3, 1, 1],
      [1, 3, 9, 11, 5, 5, 5, 2, 1], [2, 3, 10, 9, 5, 3, 3, 1, 2], [1, 2, 12, 13, 3, 7, 7, 3, 3],
      [1, 5, 6, 7, 9, 1, 1, 0, 1], [1, 1, 8, 8, 1, 2, 2, 0, 2],
    ];
    for (const [b, c, h, w, oc, kh, kw, pad, stride] of shapes) {
      const what = `${name} conv b${b} c${c} ${h}x${w} oc${oc} k${kh}x${kw} pad${pad} s${stride}`;
      const sp = cl.alloc(11 * 4);
      cl.i32(sp, 11).set([b, c, h, w, oc, kh, kw, pad, stride, 0, 0]);
      assert.equal(cl.exports.cl_conv_shape_init(sp), 0, what);
      const [, , , , , , , , , oh, ow] = cl.i32(sp, 11);
      assert.equal(oh, Math.floor((h + 2 * pad - kh) / stride) + 1);
      const nx = b * c * h * w, ny = b * oc * oh * ow, nw = oc * c * kh * kw;
      const x = randomF32(nx, next), wt = randomF32(nw, next), bias = randomF32(oc, next);
      const dy = randomF32(ny, next), dw0 = randomF32(nw, next), db0 = randomF32(oc, next);

      const y = new Float64Array(ny), ty = new Float64Array(ny);
      const dx = new Float64Array(nx), mdx = new Float64Array(nx), tdx = new Float64Array(nx);
      const dw = Float64Array.from(dw0), mdw = dw0.map(Math.abs), tdw = new Float64Array(nw);
      const db = Float64Array.from(db0), mdb = db0.map(Math.abs), tdb = new Float64Array(oc);
      const taps = c * kh * kw;
      for (let n = 0; n < b; n++) for (let o = 0; o < oc; o++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        const yi = ((n * oc + o) * oh + i) * ow + j;
        let s = bias[o], mag = Math.abs(bias[o]);
        const g = dy[yi];
        db[o] += g; mdb[o] += Math.abs(g);
        for (let ch = 0; ch < c; ch++) for (let u = 0; u < kh; u++) {
          const iy = i * stride - pad + u;
          if (iy < 0 || iy >= h) continue;
          for (let v = 0; v < kw; v++) {
            const ix = j * stride - pad + v;
            if (ix < 0 || ix >= w) continue;
            const wi = ((o * c + ch) * kh + u) * kw + v, xi = ((n * c + ch) * h + iy) * w + ix;
            s += wt[wi] * x[xi]; mag += Math.abs(wt[wi] * x[xi]);
            dw[wi] += g * x[xi]; mdw[wi] += Math.abs(g * x[xi]);
            dx[xi] += g * wt[wi]; mdx[xi] += Math.abs(g * wt[wi]);
          }
        }
        y[yi] = s; ty[yi] = 4 * (taps + 1) * EPS * mag + 1e-30;
      }
      const nsum = b * oh * ow;
      for (let i = 0; i < nx; i++) tdx[i] = 4 * (oc * kh * kw + 1) * EPS * mdx[i] + 1e-30;
      for (let i = 0; i < nw; i++) tdw[i] = 4 * (nsum + 1) * EPS * mdw[i] + 1e-30;
      for (let i = 0; i < oc; i++) tdb[i] = 4 * (nsum + 1) * EPS * mdb[i] + 1e-30;

      const work = cl.alloc(4 * Math.max(1, cl.exports.cl_conv_layer_workspace(sp)));
      const px = put(cl, x), pw = put(cl, wt), pb = put(cl, bias), py = put(cl, new Float32Array(ny));
      const pdy = put(cl, dy), pdx = put(cl, new Float32Array(nx).fill(7)), pdw = put(cl, dw0), pdb = put(cl, db0);
      cl.exports.cl_conv_layer_forward(sp, px, pw, pb, py, work);
      assertWithin(cl.f32(py, ny), y, ty, `${what}: y`);
      cl.exports.cl_conv_layer_backward(sp, px, pw, pdy, pdx, pdw, pdb, work);
      assertWithin(cl.f32(pdx, nx), dx, tdx, `${what}: dx`);
      assertWithin(cl.f32(pdw, nw), dw, tdw, `${what}: dw`);
      assertWithin(cl.f32(pdb, oc), db, tdb, `${what}: db`);
      for (const p of [sp, work, px, pw, pb, py, pdy, pdx, pdw, pdb]) cl.free(p);
    }
  });

  test(`${name} pooling: max (with argmax) and average, forward and backward`, async () => {
    const cl = await load(simd);
    const next = rng(4242);
    for (const [b, c, h, w, k] of [[2, 8, 26, 26, 2], [2, 16, 11, 11, 2], [1, 3, 9, 7, 3], [1, 2, 5, 13, 2], [1, 1, 4, 4, 1]]) {
      const what = `${name} pool ${b}x${c}x${h}x${w} k${k}`;
      const oh = Math.floor(h / k), ow = Math.floor(w / k), nx = b * c * h * w, ny = b * c * oh * ow;
      const x = randomF32(nx, next), dy = randomF32(ny, next);
      for (let i = 0; i < nx; i += 3) x[i] = Math.round(x[i]); // ties: the first maximum wins
      const ymax = new Float64Array(ny), am = new Int32Array(ny), yavg = new Float64Array(ny), tavg = new Float64Array(ny);
      const dxmax = new Float64Array(nx), dxavg = new Float64Array(nx);
      for (let pl = 0; pl < b * c; pl++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        const o = (pl * oh + i) * ow + j;
        let best = -1, s = 0, mag = 0;
        for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
          const at = (pl * h + i * k + u) * w + j * k + v;
          if (best < 0 || x[at] > x[best]) best = at;
          s += x[at]; mag += Math.abs(x[at]);
        }
        ymax[o] = x[best]; am[o] = best; dxmax[best] = dy[o];
        yavg[o] = s / (k * k); tavg[o] = 4 * k * k * EPS * mag / (k * k) + 1e-30;
        for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) dxavg[(pl * h + i * k + u) * w + j * k + v] = dy[o] / (k * k);
      }
      const px = put(cl, x), py = put(cl, new Float32Array(ny)), pam = cl.alloc(4 * ny);
      const pdy = put(cl, dy), pdx = put(cl, new Float32Array(nx).fill(9));
      cl.exports.cl_maxpool_forward(px, b, c, h, w, k, py, pam);
      assertWithin(cl.f32(py, ny), ymax, new Float64Array(ny), `${what}: max y`);
      assert.deepEqual(Array.from(cl.i32(pam, ny)), Array.from(am), `${what}: argmax`);
      cl.exports.cl_maxpool_backward(pdy, pam, b, c, h, w, k, pdx);
      assertWithin(cl.f32(pdx, nx), dxmax, new Float64Array(nx), `${what}: max dx`);
      cl.exports.cl_avgpool_forward(px, b, c, h, w, k, py);
      assertWithin(cl.f32(py, ny), yavg, tavg, `${what}: avg y`);
      cl.exports.cl_avgpool_backward(pdy, b, c, h, w, k, pdx);
      const tdx = dxavg.map((v) => 2 * EPS * Math.abs(v) + 1e-30);
      assertWithin(cl.f32(pdx, nx), dxavg, tdx, `${what}: avg dx`);
      for (const p of [px, py, pam, pdy, pdx]) cl.free(p);
    }
  });
}
