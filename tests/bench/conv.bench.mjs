// Convolution on the class's photo shape, 1050 x 700 RGB, in Chromium: SIMD
// and scalar builds, 3x3, 7x7 and 15x15 kernels. "engine" rows time the
// one WASM call from RGBA bytes to RGBA bytes (cl_filter_rgba: bytes to
// planes, convolution, planes to bytes, in strips of rows) on buffers already
// in WASM memory, keeping no float planes unless the row says so; "page path"
// rows add what JS does around it (copying the canvas's bytes in), through
// cl.filterImage(). The page's clock moves in 0.1 ms steps, so a sample times
// enough consecutive calls for about 15 ms and divides (the note gives how many).
// The last rows give the convolution on float planes as a share of the vector
// peak measured in the same page, in alternate rounds.
import { PEAK_FORMS, peakBytes } from './peak-forms.mjs';

export const title = 'Convolution, 1050 x 700 RGB, RGBA bytes in and out (Chromium)';

export async function run({ siteUrl, newPage, quick }) {
  const page = await newPage();
  await page.goto(siteUrl);
  // the peak's loops (make bench builds them from tests/bench/peak.wat)
  const peakWasm = peakBytes('peak.wasm');
  const rows = await page.evaluate(async ({ runs, peakWasm, peakForms }) => {
    const { loadConvlab, PAD, KERNEL, DISPLAY } = await import('./lib/convlab.js');
    const { FILTER_PARAMS_BYTES } = await import('./lib/limits.js');
    const W = 1050, H = 700, n = W * H;
    // a photo-like test image: smooth gradients plus noise, opaque
    const data = new Uint8ClampedArray(n * 4);
    let s = 1;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = i % W, y = (i / W) | 0, noise = s >>> 28;
      data[4 * i] = (x * 255) / W + noise; data[4 * i + 1] = (y * 255) / H + noise; data[4 * i + 2] = (x + y) & 255; data[4 * i + 3] = 255;
    }
    const img = { data, width: W, height: H };
    const stats = (t) => {
      t.sort((a, b) => a - b);
      return { median: t[t.length >> 1], min: t[0], max: t[t.length - 1], runs: t.length };
    };
    const time = async (fn) => {
      // warm-up: at least 10 calls and 0.3 s, for V8 to finish compiling the optimised code
      const w0 = performance.now();
      for (let i = 0; i < 10 || performance.now() - w0 < 300; i++) fn();
      await new Promise((r) => setTimeout(r, 50));
      let t0 = performance.now();
      for (let i = 0; i < 3; i++) fn();
      const batch = Math.max(1, Math.min(50, Math.round(15 / Math.max((performance.now() - t0) / 3, 0.01))));
      const t = [];
      for (let i = 0; i < runs; i++) {
        t0 = performance.now();
        for (let j = 0; j < batch; j++) fn();
        t.push((performance.now() - t0) / batch);
      }
      return { ...stats(t), note: batch > 1 ? `${batch} calls a sample` : '' };
    };
    const out = [];
    const builds = { simd: await loadConvlab({ simd: true }), scalar: await loadConvlab({ simd: false }) };
    const buffers = {};
    for (const [name, cl] of Object.entries(builds)) {
      const b = { in: cl.alloc(4 * n), x: cl.alloc(12 * n), z: cl.alloc(12 * n), out: cl.alloc(4 * n), k: cl.alloc(4 * 3 * 225),
        params: cl.alloc(FILTER_PARAMS_BYTES) };
      cl.u8(b.in, 4 * n).set(data);
      buffers[name] = b;
    }
    const per = {};
    for (const k of [3, 7, 15]) {
      const kernel = builds.simd.preset(KERNEL.gaussian, k, k, k / 4);
      for (const [name, cl] of Object.entries(builds)) {
        const ex = cl.exports, b = buffers[name];
        cl.f32(b.k, k * k).set(kernel);
        // cl_filter_rgba: the engine's whole path, from RGBA bytes to RGBA bytes, in one call;
        // keep: also write the float planes (x: the input, z: the result) for the caller
        // (its cl_filter_params, 21 words: see core/cl_filter.h; the bias, word 8, stays 0; no largest |value|)
        const filter = (mode, kc, keep = false) => {
          const words = [b.in, H, W, mode, b.k, kc, k, k, 0, PAD.zero, 1, DISPLAY.clamp,
            keep ? b.x : 0, keep ? b.z : 0, 0, b.out, H, W, 0, 0, 0];
          return () => {
            cl.i32(b.params, FILTER_PARAMS_BYTES / 4).set(words);
            return ex.cl_filter_rgba(b.params);
          };
        };
        const perChannel = await time(filter(1, 1));
        per[`${k}${name}`] = perChannel;
        out.push({ name: `${k}x${k} per channel (3 -> 3 planes), engine, ${name}`, unit: 'ms', ...perChannel });
        for (let c = 0; c < 3; c++) cl.f32(b.k + 4 * c * k * k, k * k).set(kernel.map((v) => v / 3));
        out.push({ name: `${k}x${k} summed over channels (3 -> 1), engine, ${name}`, unit: 'ms', ...await time(filter(2, 3)) });
        cl.f32(b.k, k * k).set(kernel);
        out.push({ name: `${k}x${k} grayscale (1 -> 1), engine, ${name}`, unit: 'ms', ...await time(filter(0, 1)) });
        if (name === 'simd') {
          out.push({ name: `${k}x${k} per channel, engine, float planes kept too, ${name}`, unit: 'ms', ...await time(filter(1, 1, true)) });
          // the same work as three separate calls, each over the whole image
          out.push({ name: `${k}x${k} per channel, three separate calls, ${name}`, unit: 'ms', ...await time(() => {
            ex.cl_image_from_u8(b.in, H, W, 4, 0, b.x);
            ex.cl_conv2d_per_channel(b.x, 3, H, W, b.k, 1, k, k, PAD.zero, 1, b.z, H, W);
            ex.cl_image_to_rgba(b.z, 3, H, W, DISPLAY.clamp, b.out);
          }) });
        }
      }
      const opts = { kernels: kernel, k1: k, k2: k, mode: 'per-channel', pad: PAD.zero };
      out.push({ name: `${k}x${k} per channel, page path (filterImage, bytes only), SIMD`, unit: 'ms',
        ...await time(() => builds.simd.filterImage(img, { ...opts, values: false })) });
      out.push({ name: `${k}x${k} per channel, page path (filterImage, with values), SIMD`, unit: 'ms',
        ...await time(() => builds.simd.filterImage(img, opts)) });
      const a = per[`${k}scalar`], b = per[`${k}simd`];
      out.push({ name: `${k}x${k} per channel: scalar time / SIMD time`, unit: 'x', median: a.median / b.median,
        min: a.min / b.max, max: a.max / b.min, runs: b.runs });
    }
    // The kernels as a share of the vector peak, SIMD build: cl_conv2d_per_channel on
    // float planes (3 x 1050 x 700, zero padding) and the peak (tests/bench/peak.wat:
    // the fastest of its forms of separate multiplications and additions of 4 lanes),
    // in alternate rounds (30 ms of convolution, 5 calls of each form of about 2 ms),
    // the best of each: other work on the machine only slows a round. The page's
    // clock counts the time other processes take the core, so on a busy machine the
    // shares come out low. An output counts K1*K2 multiplications and K1*K2 - 1 additions.
    {
      const cl = builds.simd, ex = cl.exports, b = buffers.simd;
      ex.cl_image_from_u8(b.in, H, W, 4, 0, b.x);
      const { timeRound } = await import('./lib/timing.js');
      const roundMs = (fn) => timeRound(fn, 30);
      const peakModule = (await WebAssembly.instantiate(Uint8Array.from(peakWasm))).instance.exports;
      // 96 MFLOP a call each: the forms' flops a round (peak-forms.mjs)
      const peakCalls = peakForms.map(([form, flops]) => [form, () => peakModule[form](96e6 / flops)]);
      for (let i = 0; i < 20; i++) peakCalls.forEach(([, f]) => f());
      // the memory floor: copying the input planes to the output planes moves the
      // bytes a convolution must read and write at least once
      const xs = cl.f32(b.x, 3 * n), zs = cl.f32(b.z, 3 * n);
      let copy = Infinity;
      for (let r = 0; r < Math.max(runs, 15); r++) copy = Math.min(copy, roundMs(() => zs.set(xs)));
      out.push({ name: 'copy of the 3 float planes (what a convolution reads and writes at least), SIMD', unit: 'ms',
        median: copy, min: copy, max: copy, runs: Math.max(runs, 15), note: `best round, ${((24 * n) / (copy * 1e6)).toFixed(1)} GB/s` });
      // the peak: the best over the whole run, each sample 5 calls of one form of
      // about 2 ms timed together (10 ms: the page's clock steps by 0.1 ms, a tenth
      // of 2 ms, 1% of 10), so every kernel is a share of the same, steady figure
      let p = Infinity, fastest = '';
      const kernels = [];
      for (const k of [3, 5, 7, 15]) {
        cl.f32(b.k, k * k).set(builds.simd.preset(KERNEL.gaussian, k, k, k / 4));
        const conv = () => ex.cl_conv2d_per_channel(b.x, 3, H, W, b.k, 1, k, k, PAD.zero, 1, b.z, H, W);
        const w0 = performance.now();
        while (performance.now() - w0 < 300) conv();
        let c = Infinity;
        for (let r = 0; r < Math.max(runs, 15); r++) {
          for (const [form, peakCall] of peakCalls) {
            const t0 = performance.now();
            for (let i = 0; i < 5; i++) peakCall();
            const t = (performance.now() - t0) / 5;
            if (t < p) [p, fastest] = [t, form];
          }
          c = Math.min(c, roundMs(conv));
          await new Promise((res) => setTimeout(res, 0));
        }
        kernels.push([k, c]);
      }
      const peak = 96 / p;
      for (const [k, c] of kernels) {
        const gf = (3 * n * (2 * k * k - 1)) / (c * 1e6);
        const floor = Math.min(100, (100 * (3 * n * (2 * k * k - 1))) / (copy * 1e6) / peak);
        const note = `best round: ${c.toFixed(2)} ms, ${gf.toFixed(1)} GFLOP/s of a ${peak.toFixed(1)} GFLOP/s peak (peak.wat's ${fastest}, the run's best)`
          + (floor < 100 ? `; at most ${floor.toFixed(0)}% in the time of the copy` : '');
        out.push({ name: `${k}x${k} per channel, float planes, share of the vector peak, SIMD`, unit: '%',
          median: (100 * gf) / peak, min: (100 * gf) / peak, max: (100 * gf) / peak, runs: Math.max(runs, 15), note });
      }
    }
    return out;
  }, { runs: quick ? 9 : 31, peakWasm, peakForms: PEAK_FORMS });
  await page.context().close();
  return rows;
}
