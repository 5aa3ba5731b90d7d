// The relaxed SIMD build against the SIMD build in Chromium, in the same page,
// in alternate rounds (a round repeats one call for about 20 ms), the best
// round of each: other work on the machine only ever slows a round, and both
// builds see the same moments. Rows: the vector peaks (multiply, then add:
// the fastest of cl_f32x4_muladd_peak_wasmsimd and tests/bench/peak.wat's
// forms; fused multiply-add: of cl_f32x4_madd_peak_wasmsimd in the relaxed
// build and tests/bench/peak-relaxed.wat's), the convolution on float planes (1050 x 700 x 3, per
// channel, zero padding: 3x3, 7x7, 15x15) and GEMM at the MLP's training shapes
// (batch 32), each as time per call, the relaxed build's speed-up, and its
// share of each build's own peak.
import { PEAK_FORMS, PEAK_FORMS_RELAXED, peakBytes } from './peak-forms.mjs';

export const title = 'Relaxed SIMD (fused multiply-add) against SIMD (Chromium, alternate rounds)';

export async function run({ siteUrl, newPage, quick }) {
  const page = await newPage();
  await page.goto(siteUrl);
  const forms = { SIMD: [peakBytes('peak.wasm'), PEAK_FORMS], relaxed: [peakBytes('peak-relaxed.wasm'), PEAK_FORMS_RELAXED] };
  const rows = await page.evaluate(async ({ rounds, forms }) => {
    const { loadConvlab, PAD, KERNEL } = await import('./lib/convlab.js');
    const { timeRound } = await import('./lib/timing.js');
    const builds = { SIMD: await loadConvlab({ simd: true }), relaxed: await loadConvlab({ relaxed: true }) };
    if (!builds.relaxed.relaxed) throw new Error('this browser does not run the relaxed build');
    const roundMs = (fn) => timeRound(fn, 20);
    /** fns: { name: f } -> { name: best ms per call }, in alternate rounds after a warm-up. */
    const race = async (fns) => {
      const best = Object.fromEntries(Object.keys(fns).map((name) => [name, Infinity]));
      const w0 = performance.now();
      while (performance.now() - w0 < 400) for (const f of Object.values(fns)) f();
      for (let r = 0; r < rounds; r++) {
        for (const [name, f] of Object.entries(fns)) best[name] = Math.min(best[name], roundMs(f));
        await new Promise((res) => setTimeout(res, 0));
      }
      return best;
    };
    const fill = (cl, n) => {
      const p = cl.alloc(4 * Math.max(n, 1));
      const v = cl.f32(p, n);
      for (let i = 0; i < n; i++) v[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
      return p;
    };
    const out = [];
    const row = (name, unit, v, note = '') => out.push({ name, unit, median: v, min: v, max: v, runs: rounds, note });

    // the peaks, each the fastest of its forms: the engine's chains (96 flops a round:
    // multiply then add, 12 + 12 vector chains; fused, 12 chains) and the hand-written
    // loops' (tests/bench/peak.wat and peak-relaxed.wat: sums of loaded vectors, the
    // kernels' own form, which Zen 5 runs a third faster than the chains)
    const peakRounds = 2e5;
    const modules = {};
    for (const [name, [bytes]] of Object.entries(forms)) modules[name] = (await WebAssembly.instantiate(Uint8Array.from(bytes))).instance.exports;
    const peak = {}, fastest = {};
    const ways = {
      SIMD: [['the engine’s chains', 96, () => builds.SIMD.exports.cl_f32x4_muladd_peak_wasmsimd(peakRounds)]],
      relaxed: [['the engine’s chains', 96, () => builds.relaxed.exports.cl_f32x4_madd_peak_wasmsimd(peakRounds)]],
    };
    for (const [name, [, list]] of Object.entries(forms)) {
      for (const [form, flops] of list) ways[name].push([`${name === 'SIMD' ? 'peak.wat' : 'peak-relaxed.wat'}'s ${form}`, flops, () => modules[name][form]((96 * peakRounds) / flops)]);
    }
    for (const name of ['SIMD', 'relaxed']) {
      // every form of the build in alternate rounds; each call 96 flops x peakRounds
      const t = await race(Object.fromEntries(ways[name].map(([form, , f]) => [form, f])));
      const [form, ms] = Object.entries(t).sort((a, b) => a[1] - b[1])[0];
      peak[name] = (96 * peakRounds) / (ms * 1e6);
      fastest[name] = form;
    }
    row('peak, multiply then add, SIMD build', 'GFLOP/s', peak.SIMD, `the fastest form: ${fastest.SIMD}`);
    row('peak, fused multiply-add, relaxed build', 'GFLOP/s', peak.relaxed, `the fastest form: ${fastest.relaxed}`);
    row('peak: fused / separate', 'x', peak.relaxed / peak.SIMD);

    const W = 1050, H = 700, n = W * H;
    const bufs = Object.fromEntries(Object.entries(builds).map(([name, cl]) => [name, { x: fill(cl, 3 * n), z: cl.alloc(12 * n), k: cl.alloc(4 * 225) }]));
    for (const k of [3, 7, 15]) {
      const fns = {};
      for (const [name, cl] of Object.entries(builds)) {
        const b = bufs[name];
        cl.f32(b.k, k * k).set(cl.preset(KERNEL.gaussian, k, k, k / 4));
        fns[name] = () => cl.exports.cl_conv2d_per_channel(b.x, 3, H, W, b.k, 1, k, k, PAD.zero, 1, b.z, H, W);
      }
      const t = await race(fns);
      const gf = (ms) => (3 * n * (2 * k * k - 1)) / (ms * 1e6);
      for (const name of ['SIMD', 'relaxed'])
        row(`conv ${k}x${k} per channel, float planes ${W}x${H}x3, ${name}`, 'ms', t[name],
          `${gf(t[name]).toFixed(1)} GFLOP/s, ${((100 * gf(t[name])) / peak[name]).toFixed(0)}% of its build's peak`);
      row(`conv ${k}x${k}: SIMD time / relaxed time`, 'x', t.SIMD / t.relaxed);
    }

    const shapes = [
      [0, 1, 32, 128, 784, 0, 'NT forward 32x128x784'], [0, 0, 32, 784, 128, 0, 'NN dX 32x784x128'],
      [1, 0, 128, 784, 32, 1, 'TN dW 128x784x32'], [0, 1, 32, 10, 128, 0, 'NT forward 32x10x128'],
      [0, 0, 32, 128, 10, 0, 'NN dX 32x128x10'], [1, 0, 10, 128, 32, 1, 'TN dW 10x128x32'],
    ];
    for (const [ta, tb, m, nn, k, beta, what] of shapes) {
      const fns = {};
      for (const [name, cl] of Object.entries(builds)) {
        const a = fill(cl, m * k), b = fill(cl, k * nn), c = fill(cl, m * nn);
        fns[name] = () => cl.exports.cl_gemm(ta, tb, m, nn, k, a, ta ? m : k, b, tb ? k : nn, beta, c, nn);
      }
      const t = await race(fns);
      const gf = (ms) => (2 * m * nn * k) / (ms * 1e6);
      for (const name of ['SIMD', 'relaxed'])
        row(`GEMM ${what}, ${name}`, 'GFLOP/s', gf(t[name]), `${((100 * gf(t[name])) / peak[name]).toFixed(0)}% of its build's peak`);
      row(`GEMM ${what}: relaxed / SIMD`, 'x', t.SIMD / t.relaxed);
    }
    return out;
  }, { rounds: quick ? 8 : 25, forms });
  await page.context().close();
  return rows;
}
