// The network kernels in Chromium, SIMD and scalar builds: GEMM in the three
// forms a dense layer uses, at the MLP's training shapes (batch 32) and at
// 512^3, in GFLOP/s; the reference CNN's conv layers and pools at batch 32,
// in ms per batch, and those kernels' share of a 60,000-image epoch.
export const title = 'Network kernels: GEMM GFLOP/s, CNN conv layers and pools per batch (Chromium)';

export async function run({ siteUrl, newPage, quick }) {
  const page = await newPage();
  await page.goto(siteUrl);
  const rows = await page.evaluate(async ({ runs }) => {
    const { loadConvlab } = await import('./lib/convlab.js');
    const { timeRound } = await import('./lib/timing.js');
    const stats = (t) => {
      t.sort((a, b) => a - b);
      return { median: t[t.length >> 1], min: t[0], max: t[t.length - 1], runs: t.length };
    };
    // each run repeats fn until ~20 ms have passed, and reports ms per call.
    // Warm-up: 20 calls were not enough (a few microseconds for the small shapes,
    // and V8 compiles the optimised code in the background, slowly on a busy
    // machine: the first shape swung from 2.4 to 48 GFLOP/s run to run). So calls
    // go on in 20 ms rounds, with pauses for the background compiler, until the
    // best round has not improved by 5% for 0.5 s (at least 0.5 s, at most 6 s).
    const round = (fn) => timeRound(fn, 20);
    const time = async (fn) => {
      const w0 = performance.now();
      let best = Infinity, bestAt = w0;
      while (performance.now() - w0 < 6000) {
        const ms = round(fn);
        if (ms < 0.95 * best) bestAt = performance.now();
        best = Math.min(best, ms);
        if (performance.now() - w0 > 500 && performance.now() - bestAt > 500) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const t = [];
      for (let r = 0; r < runs; r++) t.push(round(fn));
      return stats(t);
    };
    const fill = (cl, n) => {
      const p = cl.alloc(4 * Math.max(n, 1));
      const v = cl.f32(p, n);
      for (let i = 0; i < n; i++) v[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
      return p;
    };
    const out = [];
    const shapes = [
      // ta, tb, m, n, k, beta, what
      [0, 1, 32, 128, 784, 0, 'NT forward 32x128x784'], [0, 0, 32, 784, 128, 0, 'NN dX 32x784x128'],
      [1, 0, 128, 784, 32, 1, 'TN dW 128x784x32'], [0, 1, 32, 10, 128, 0, 'NT forward 32x10x128'],
      [0, 0, 32, 128, 10, 0, 'NN dX 32x128x10'], [1, 0, 10, 128, 32, 1, 'TN dW 10x128x32'],
      [0, 1, 512, 512, 512, 0, 'NT 512^3'], [0, 0, 512, 512, 512, 0, 'NN 512^3'], [1, 0, 512, 512, 512, 1, 'TN 512^3'],
    ];
    for (const simd of [true, false]) {
      const cl = await loadConvlab({ simd });
      const ex = cl.exports, build = simd ? 'SIMD' : 'scalar';
      for (const [ta, tb, m, n, k, beta, what] of shapes) {
        const a = fill(cl, m * k), b = fill(cl, k * n), c = fill(cl, m * n);
        const s = await time(() => ex.cl_gemm(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, beta, c, n));
        const gf = (ms) => (2 * m * n * k) / (ms * 1e6);
        out.push({ name: `GEMM ${what}, ${build}`, unit: 'GFLOP/s', median: gf(s.median), min: gf(s.max), max: gf(s.min), runs: s.runs });
        cl.free(a); cl.free(b); cl.free(c);
      }
      let epoch = 0;
      for (const [layer, sh, dx] of [['conv3x3x8 on 28x28x1', [32, 1, 28, 28, 8, 3, 3, 0, 1], false],
        ['conv3x3x16 on 13x13x8', [32, 8, 13, 13, 16, 3, 3, 0, 1], true]]) {
        const sp = cl.alloc(44);
        cl.i32(sp, 11).set([...sh, 0, 0]);
        cl.check(ex.cl_conv_shape_init(sp), layer);
        const [B, C, H, W, OC, KH, KW, , , OH, OW] = cl.i32(sp, 11);
        const x = fill(cl, B * C * H * W), w = fill(cl, OC * C * KH * KW), bias = fill(cl, OC), y = fill(cl, B * OC * OH * OW);
        const dy = fill(cl, B * OC * OH * OW), dxp = fill(cl, B * C * H * W), dw = fill(cl, OC * C * KH * KW), db = fill(cl, OC);
        const work = fill(cl, ex.cl_conv_layer_workspace(sp));
        const f = await time(() => ex.cl_conv_layer_forward(sp, x, w, bias, y, work));
        const g = await time(() => ex.cl_conv_layer_backward(sp, x, w, dy, dx ? dxp : 0, dw, db, work));
        out.push({ name: `${layer}, forward, batch 32, ${build}`, unit: 'ms', ...f });
        out.push({ name: `${layer}, backward${dx ? ' (dx, dw, db)' : ' (dw, db)'}, batch 32, ${build}`, unit: 'ms', ...g });
        epoch += (f.median + g.median) * 1875;
        for (const p of [sp, x, w, bias, y, dy, dxp, dw, db, work]) cl.free(p);
      }
      for (const [c, h, w] of [[8, 26, 26], [16, 11, 11]]) {
        const nx = 32 * c * h * w, ny = 32 * c * (h >> 1) * (w >> 1);
        const x = fill(cl, nx), y = fill(cl, ny), dxp = fill(cl, nx), am = cl.alloc(4 * ny);
        const s = await time(() => {
          ex.cl_maxpool_forward(x, 32, c, h, w, 2, y, am);
          ex.cl_maxpool_backward(y, am, 32, c, h, w, 2, dxp);
        });
        out.push({ name: `maxpool2 on ${h}x${w}x${c}, forward + backward, batch 32, ${build}`, unit: 'ms', ...s });
        epoch += s.median * 1875;
        for (const p of [x, y, dxp, am]) cl.free(p);
      }
      out.push({ name: `CNN conv layers + pools, share of a 60,000-image epoch, ${build}`, unit: 's', median: epoch / 1000, min: epoch / 1000, max: epoch / 1000, runs: 1 });
    }
    return out;
  }, { runs: quick ? 5 : 15 });
  await page.context().close();
  return rows;
}
