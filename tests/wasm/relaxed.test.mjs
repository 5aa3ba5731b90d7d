// The relaxed SIMD module (build/site/convlab-relaxed.wasm, mk/relaxed.mk) from
// node: its multiply-adds may be fused, so it is checked against naive
// references computed in double precision with a tolerance, not bit for bit.
//
// Tolerance: a sum s = t_0 + t_1 + ... + t_n (bias and n products) made by
// n steps acc = acc + w * x, each step fused (one rounding) or not (two: the
// product, then the sum), is within gamma_(2n+1) * sum |t_i| of the exact sum
// (gamma_m = m u / (1 - m u), u = 2^-24, the unit roundoff of float). We allow
// (2n + 2) * 2^-24 * sum|t_i| per output, computed beside the reference.
//
// Node 20's V8 runs relaxed SIMD only behind --experimental-wasm-relaxed-simd;
// it is set here, before any module is compiled (Chromium and Firefox run it
// by default: tests/browser/relaxed.test.mjs).
import v8 from 'node:v8';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { rng } from '../lib/rng.mjs';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { loadConvlab, relaxedSupported, PAD } = await import('../../web/lib/convlab.js');

const SITE = new URL('../../build/site/', import.meta.url);
const U = 2 ** -24;
const bytesOf = (name) => fs.readFileSync(new URL(name, SITE));

const randomF32 = (n, next) => Float32Array.from({ length: n }, () => Math.fround(next()));

/**
 * Naive planar convolution in double: { z, tol } of 'sum' (one plane, + bias) or 'per-channel'.
 * The padding's geometry (which input a tap reads, or none) is the engine's (cl_pad_index,
 * tested on its own in conv.test.mjs); the arithmetic is this loop's.
 */
function convRef(cl, x, c, h, w, k, k1, k2, { mode, pad, stride, bias = 0 }, oh, ow) {
  const p1 = cl.padBefore(k1, pad), p2 = cl.padBefore(k2, pad);
  const planes = mode === 'sum' ? 1 : c, kc = k.length / (k1 * k2);
  const z = new Float64Array(planes * oh * ow), tol = new Float64Array(planes * oh * ow);
  for (let o = 0; o < planes; o++)
    for (let j1 = 0; j1 < oh; j1++)
      for (let j2 = 0; j2 < ow; j2++) {
        let s = mode === 'sum' ? bias : 0, mag = Math.abs(s), n = 0;
        for (const ch of mode === 'sum' ? [...Array(c).keys()] : [o]) {
          const kk = mode === 'sum' || kc === c ? ch : 0;
          for (let a = 0; a < k1; a++)
            for (let b = 0; b < k2; b++) {
              const iy = cl.padIndex(j1 * stride + a - p1, h, pad), ix = cl.padIndex(j2 * stride + b - p2, w, pad);
              n++;
              if (iy < 0 || ix < 0) continue; // zero padding
              const t = k[(kk * k1 + a) * k2 + b] * x[(ch * h + iy) * w + ix];
              s += t;
              mag += Math.abs(t);
            }
        }
        z[(o * oh + j1) * ow + j2] = s;
        tol[(o * oh + j1) * ow + j2] = (2 * n + 2) * U * mag;
      }
  return { z, tol };
}

function assertWithin(got, want, tol, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol[i])) assert.fail(`${what}: [${i}] got ${got[i]} want ${want[i]} (|diff| ${d}, tol ${tol[i]})`);
    if (tol[i] > 0) worst = Math.max(worst, d / tol[i]);
  }
  return worst;
}

const relaxed = await loadConvlab({ relaxed: true, bytes: bytesOf('convlab-relaxed.wasm') });
const simd = await loadConvlab({ simd: true, bytes: bytesOf('convlab-simd.wasm') });

test('the relaxed module: the loader names it, and it has the SIMD module\'s import and exports', async () => {
  assert.ok(relaxedSupported(), 'the probe validates with the flag set');
  assert.equal(relaxed.buildName, 'WebAssembly SIMD (relaxed)');
  assert.equal(relaxed.relaxed, true);
  assert.equal(simd.buildName, 'WebAssembly SIMD');
  const shape = (name) => {
    const m = new WebAssembly.Module(bytesOf(name));
    return JSON.stringify([WebAssembly.Module.imports(m), WebAssembly.Module.exports(m).map((e) => e.name).sort()]);
  };
  assert.equal(shape('convlab-relaxed.wasm'), shape('convlab-simd.wasm'));
  // it holds the standard relaxed_madd opcode (0xfd 0x105: fd 85 02)
  const b = bytesOf('convlab-relaxed.wasm');
  let found = 0;
  for (let i = 0; i + 2 < b.length; i++) if (b[i] === 0xfd && b[i + 1] === 0x85 && b[i + 2] === 0x02) found++;
  assert.ok(found > 50, `relaxed_madd opcodes: ${found}`);
});

test('on a CPU with FMA, V8 fuses the relaxed build\'s multiply-add (one rounding), and not the SIMD build\'s', {
  skip: !(os.arch() === 'arm64' || /^flags\s*:.*\bfma\b/m.test(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')) && 'no FMA',
}, () => {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: the product rounded alone loses the 2^-24 (a tie, to even)
  const x = new Float32Array(16).fill(1 + 2 ** -12), k = new Float32Array([1 + 2 ** -12]);
  const opts = { mode: 'sum', pad: PAD.valid, bias: -(1 + 2 ** -11) };
  assert.deepEqual([...relaxed.conv2d(x, 1, 4, 4, k, 1, 1, opts).data], new Array(16).fill(2 ** -24));
  assert.deepEqual([...simd.conv2d(x, 1, 4, 4, k, 1, 1, opts).data], new Array(16).fill(0));
});

test('relaxed convolution (sum and per channel, every padding, strides 1-3, kernels 1x1 to 15x15) within the tolerance of the exact sums', () => {
  const next = rng(2026);
  let worst = 0, differ = 0, count = 0;
  for (const [c, h, w] of [[1, 1, 1], [1, 7, 5], [3, 17, 23], [2, 40, 37], [3, 31, 64]])
    for (const [k1, k2] of [[1, 1], [3, 3], [2, 5], [5, 5], [7, 7], [15, 15]])
      for (const pad of [PAD.valid, PAD.zero, PAD.reflect, PAD.edge])
        for (const stride of [1, 2, 3])
          for (const mode of ['sum', 'per-channel']) {
            let oh, ow;
            try {
              [oh, ow] = relaxed.outSize(h, w, k1, k2, pad, stride);
            } catch {
              continue; // the kernel does not fit this image without padding
            }
            const x = randomF32(c * h * w, next);
            const k = randomF32((mode === 'sum' || c === 1 ? c : 1) * k1 * k2, next);
            const opts = { mode, pad, stride, bias: mode === 'sum' ? Math.fround(next()) : 0 };
            const got = relaxed.conv2d(x, c, h, w, k, k1, k2, opts).data;
            const ref = convRef(simd, x, c, h, w, k, k1, k2, opts, oh, ow);
            const what = `${mode} ${c}x${h}x${w} k${k1}x${k2} pad ${pad} stride ${stride}`;
            worst = Math.max(worst, assertWithin(got, ref.z, ref.tol, what));
            const plain = simd.conv2d(x, c, h, w, k, k1, k2, opts).data;
            for (let i = 0; i < got.length; i++) differ += got[i] === plain[i] ? 0 : 1;
            count += got.length;
          }
  assert.ok(count > 10000, `${count} outputs`);
  assert.ok(worst < 1, `worst |diff| / tol ${worst}`);
  // where the CPU fuses, some sums do differ from the SIMD build's: the check above had work to do
  if (os.arch() === 'x64' || os.arch() === 'arm64') assert.ok(differ > 0 || !/\bfma\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8')), 'no output differs');
});

test('relaxed GEMM (every transpose form, beta 0 and 1, awkward sizes) within the tolerance of the exact sums', () => {
  const next = rng(99);
  const ex = relaxed.exports;
  for (const [m, n, k] of [[1, 1, 1], [3, 8, 5], [4, 9, 16], [17, 33, 31], [32, 128, 784], [32, 10, 128], [5, 128, 7]])
    for (const ta of [0, 1])
      for (const tb of [0, 1])
        for (const beta of [0, 1]) {
          const a = randomF32(m * k, next), b = randomF32(k * n, next), c0 = randomF32(m * n, next);
          const lda = ta ? m : k, ldb = tb ? k : n;
          const want = new Float64Array(m * n), tol = new Float64Array(m * n);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let s = beta ? c0[i * n + j] : 0, mag = Math.abs(s);
              for (let p = 0; p < k; p++) {
                const t = (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                s += t;
                mag += Math.abs(t);
              }
              want[i * n + j] = s;
              tol[i * n + j] = (2 * k + 2) * U * mag;
            }
          const pa = relaxed.alloc(4 * a.length), pb = relaxed.alloc(4 * b.length), pc = relaxed.alloc(4 * c0.length);
          relaxed.f32(pa, a.length).set(a);
          relaxed.f32(pb, b.length).set(b);
          relaxed.f32(pc, c0.length).set(c0);
          ex.cl_gemm(ta, tb, m, n, k, pa, lda, pb, ldb, beta, pc, n);
          const got = Float32Array.from(relaxed.f32(pc, m * n));
          relaxed.free(pa); relaxed.free(pb); relaxed.free(pc);
          assertWithin(got, want, tol, `gemm ta ${ta} tb ${tb} ${m}x${n}x${k} beta ${beta}`);
        }
});

test('the lesson\'s worked example is exact in the relaxed build too (whole numbers sum exactly, fused or not)', () => {
  // the landing page's example: Z[0, 0] = 2040 (web/home/worker.js)
  const x = Float32Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const k = Float32Array.from([1, 2, 1, 0, 0, 0, -1, -2, -1]);
  const z = relaxed.conv2d(x, 1, 3, 3, k, 3, 3, { pad: PAD.valid }).data[0];
  assert.equal(z, simd.conv2d(x, 1, 3, 3, k, 3, 3, { pad: PAD.valid }).data[0]);
  assert.equal(z, 10 + 40 + 30 - 70 - 160 - 90);
});
