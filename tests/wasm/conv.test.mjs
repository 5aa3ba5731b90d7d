// The built .wasm modules (SIMD and scalar), run from node through the glue,
// against the native build's results on the same inputs (build/conv-cases.bin,
// written by build/native/conv-cases), and every bad argument through the glue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadConvlab, PAD, DISPLAY, KERNEL, ConvlabError } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);
const CASES = new URL('../../build/conv-cases.bin', import.meta.url);

function readCases() {
  execFileSync('build/native/conv-cases', [CASES.pathname], { stdio: 'ignore' });
  const buf = fs.readFileSync(CASES);
  assert.equal(buf.subarray(0, 8).toString('latin1'), 'CLCASES1');
  const count = buf.readUInt32LE(8);
  let off = 12;
  const f32 = (n) => {
    const a = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + 4 * n));
    off += 4 * n;
    return a;
  };
  const u8 = (n) => {
    const a = Uint8Array.from(buf.subarray(off, off + n));
    off += n;
    return a;
  };
  const cases = [];
  for (let i = 0; i < count; i++) {
    const h = [];
    for (let j = 0; j < 13; j++, off += 4) h.push(buf.readInt32LE(off));
    const [kind, c, height, width, kc, k1, k2, pad, stride, oh, ow, display, toGray] = h;
    const bias = f32(1)[0];
    if (kind === 4) {
      const planes = c === 0 || c === 2 ? 1 : 3;
      cases.push({ kind, mode: c, h: height, w: width, kc, k1, k2, pad, stride, oh, ow, display, bias,
        rgba: u8(4 * height * width), k: f32(kc * k1 * k2), z: f32(planes * oh * ow), out: u8(4 * oh * ow) });
    } else if (kind < 3) {
      const planes = kind === 0 ? 1 : c;
      cases.push({ kind, c, h: height, w: width, kc, k1, k2, pad, stride, oh, ow, bias,
        x: f32(c * height * width), k: f32(kc * k1 * k2), z: f32(planes * oh * ow) });
    } else {
      cases.push({ kind, c, h: height, w: width, display, toGray,
        rgba: u8(4 * height * width), planar: f32(c * height * width), out: u8(4 * height * width) });
    }
  }
  assert.equal(off, buf.length, 'the whole file was read');
  return cases;
}

const cases = readCases();

/** First index where a and b differ (bit for bit, -0 == 0), or -1. */
function firstDiff(a, b) {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i])) return i;
  return -1;
}

function runCase(cl, cs) {
  const ex = cl.exports;
  if (cs.kind === 4) {
    const modes = ['gray', 'per-channel', 'sum', 'magnitude'];
    const r = cl.filterImage({ data: cs.rgba, width: cs.w, height: cs.h }, {
      kernels: cs.k, k1: cs.k1, k2: cs.k2, mode: modes[cs.mode], pad: cs.pad, stride: cs.stride,
      bias: cs.bias, display: cs.display });
    assert.equal(r.width, cs.ow);
    assert.equal(r.height, cs.oh);
    const got = { z: Float32Array.from(r.values), out: Uint8Array.from(r.rgba) };
    // bytes only: the engine keeps no float planes, the bytes stay the same
    const b = cl.filterImage({ data: cs.rgba, width: cs.w, height: cs.h }, {
      kernels: cs.k, k1: cs.k1, k2: cs.k2, mode: modes[cs.mode], pad: cs.pad, stride: cs.stride,
      bias: cs.bias, display: cs.display, values: false });
    assert.equal(b.values, null);
    assert.equal(firstDiff(Uint8Array.from(b.rgba), got.out), -1, 'bytes-only path differs');
    return got;
  }
  if (cs.kind === 3) {
    const n = cs.h * cs.w;
    const pIn = cl.alloc(4 * n), pX = cl.alloc(4 * 3 * n), pOut = cl.alloc(4 * n);
    try {
      cl.u8(pIn, 4 * n).set(cs.rgba);
      cl.check(ex.cl_image_from_u8(pIn, cs.h, cs.w, 4, cs.toGray, pX));
      const planar = Float32Array.from(cl.f32(pX, cs.c * n));
      const shifted = cl.f32(pX, cs.c * n);
      for (let i = 0; i < shifted.length; i++) shifted[i] = Math.fround(Math.fround(planar[i] * Math.fround(1.37)) - 60.25);
      cl.check(ex.cl_image_to_rgba(pX, cs.c, cs.h, cs.w, cs.display, pOut));
      return { planar, out: Uint8Array.from(cl.u8(pOut, 4 * n)) };
    } finally {
      cl.free(pIn); cl.free(pX); cl.free(pOut);
    }
  }
  const nz = (cs.kind === 0 ? 1 : cs.c) * cs.oh * cs.ow;
  const px = cl.alloc(4 * cs.x.length), pk = cl.alloc(4 * cs.k.length + 4), pz = cl.alloc(4 * nz),
    pt = cl.alloc(4 * cs.oh * cs.ow);
  try {
    cl.f32(px, cs.x.length).set(cs.x);
    cl.f32(pk, cs.k.length).set(cs.k);
    const { c, h, w, kc, k1, k2, pad, stride, oh, ow, bias } = cs;
    const st = cs.kind === 0 ? ex.cl_conv2d_sum(px, c, h, w, pk, k1, k2, bias, pad, stride, pz, oh, ow)
      : cs.kind === 1 ? ex.cl_conv2d_per_channel(px, c, h, w, pk, kc, k1, k2, pad, stride, pz, oh, ow)
        : ex.cl_conv2d_gradient_magnitude(px, c, h, w, pad, stride, pz, oh, ow, pt);
    cl.check(st);
    return Float32Array.from(cl.f32(pz, nz));
  } finally {
    cl.free(px); cl.free(pk); cl.free(pz); cl.free(pt);
  }
}

for (const build of ['simd', 'scalar']) {
  const load = () => loadConvlab({ simd: build === 'simd', bytes: fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE)) });

  test(`${build}: the module says which build it is`, async () => {
    const cl = await load();
    assert.equal(cl.simd, build === 'simd');
  });

  test(`${build}: ${cases.length} convolution and conversion cases agree with native, bit for bit`, async () => {
    const cl = await load();
    // Same operations in the same order on IEEE single floats: no tolerance needed.
    let checked = 0;
    for (const cs of cases) {
      const got = runCase(cl, cs);
      const where = JSON.stringify({ kind: cs.kind, mode: cs.mode, display: cs.display, c: cs.c, h: cs.h, w: cs.w, k1: cs.k1, k2: cs.k2, pad: cs.pad, stride: cs.stride });
      if (cs.kind === 4) {
        let i = firstDiff(got.z, cs.z);
        assert.equal(i, -1, `filter z differs at ${i} in ${where}`);
        i = firstDiff(got.out, cs.out);
        assert.equal(i, -1, `filter rgba differs at ${i} in ${where}`);
      } else if (cs.kind === 3) {
        let i = firstDiff(got.planar, cs.planar);
        assert.equal(i, -1, `planar differs at ${i} in ${where}`);
        i = firstDiff(got.out, cs.out);
        assert.equal(i, -1, `rgba differs at ${i}: ${got.out[i]} vs ${cs.out[i]} in ${where}`);
      } else {
        const i = firstDiff(got, cs.z);
        assert.equal(i, -1, `z differs at ${i}: ${got[i]} vs native ${cs.z[i]} in ${where}`);
      }
      checked++;
    }
    assert.equal(checked, cases.length);
    assert.ok(checked > 1000);
  });

  test(`${build}: worked example through the glue`, async () => {
    const cl = await load();
    const x = Float32Array.from([255, 255, 255, 255, 0, 255, 255, 255, 255]);
    const w = Float32Array.from([0, 1, 2, 2, 2, 0, 0, 1, 2]);
    assert.deepEqual(Array.from(cl.conv2d(x, 1, 3, 3, w, 3, 3).data), [2040]);
    assert.deepEqual(Array.from(cl.conv2d(x, 1, 3, 3, w, 3, 3, { pad: PAD.zero }).data),
      [765, 1530, 1275, 2040, 2040, 1020, 765, 1530, 1275]);
  });

  test(`${build}: presets and the RGBA path`, async () => {
    const cl = await load();
    const sx = cl.preset(KERNEL.sobelX);
    assert.deepEqual(Array.from(sx), [1, 0, -1, 2, 0, -2, 1, 0, -1]);
    const g = cl.preset(KERNEL.gaussian, 5, 5, 1.2);
    assert.ok(Math.abs(g.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.deepEqual(cl.normalise(sx, 3, 3).scaled, false);
    // a vertical step, dark left half: Sobel Gx is -1020 along the edge, 0 elsewhere
    const width = 8, height = 4, data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const v = x >= 4 ? 255 : 0;
      data.set([v, v, v, 255], 4 * (y * width + x));
    }
    const r = cl.filterImage({ data, width, height }, { kernels: sx, k1: 3, k2: 3, mode: 'gray', pad: PAD.edge, display: DISPLAY.abs });
    assert.equal(r.width, 8);
    assert.equal(r.maxAbs, 1020);
    const row = Array.from(r.values.subarray(8, 16));
    assert.deepEqual(row, [0, 0, 0, -1020, -1020, 0, 0, 0]);
    assert.deepEqual(Array.from(r.rgba.subarray(4 * 11, 4 * 12)), [255, 255, 255, 255]);
    assert.deepEqual(Array.from(r.rgba.subarray(4 * 9, 4 * 10)), [0, 0, 0, 255]);
  });

  test(`${build}: bad arguments become ConvlabErrors with their message`, async () => {
    const cl = await load();
    const ex = cl.exports;
    const cases = [
      [() => cl.outSize(0, 4, 3, 3), 2],
      [() => cl.outSize(4, 4, 16, 3), 6],
      [() => cl.outSize(2, 2, 3, 3, PAD.valid), 7],
      [() => cl.outSize(4, 4, 3, 3, PAD.valid, 5), 8],
      [() => cl.outSize(4, 4, 3, 3, 9, 1), 9],
      [() => cl.preset(KERNEL.gaussian, 3, 3, 0), 10],
      [() => cl.preset(KERNEL.sobelX, 5, 5), 6],
      [() => cl.conv2d(new Float32Array(4), 0, 2, 2, new Float32Array(1), 1, 1), 5],
    ];
    for (const [fn, status] of cases) {
      assert.throws(fn, (e) => e instanceof ConvlabError && e.status === status && e.message.length > 10);
    }
    assert.equal(ex.cl_conv2d_sum(0, 1, 4, 4, 0, 3, 3, 0, 0, 1, 0, 2, 2), 1);
    // 64 planes of 32768 x 32768 floats: 2^38 bytes, more than a 32-bit size_t holds
    const p = cl.alloc(64);
    assert.equal(ex.cl_conv2d_sum(p, 64, 32768, 32768, p, 3, 3, 0, 1, 1, p, 32768, 32768), 3);
    assert.equal(ex.cl_image_from_u8(p, 32768, 32768, 4, 0, p), 3);
    cl.free(p);
    assert.match(cl.message(3), /overflow/);
  });
}
