// bench-gemm.mjs - the GEMM and conv-layer kernels of a built .wasm, timed in
// node (V8, the engine of Chromium). One JSON line per case, like bench-gemm.c.
//
//   node tools/bench-gemm.mjs [file.wasm ...] [--quick]
//
// Default files: build/kernels/kernels-simd.wasm and kernels-scalar.wasm
// (`make kernels-wasm`); build/site/convlab-{simd,scalar}.wasm work as well.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) files = ['build/kernels/kernels-simd.wasm', 'build/kernels/kernels-scalar.wasm'];

async function load(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const e = instance.exports;
  e._initialize();
  return e;
}

function filled(e, n) {
  const p = e.cl_alloc(4 * Math.max(n, 1));
  const v = new Float32Array(e.memory.buffer, p, n);
  for (let i = 0; i < n; i++) v[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  return p;
}

// Best of `rounds` rounds of repeated calls, each ~budget/rounds seconds of
// this process's CPU time (user + system): on a machine shared with other
// work, CPU time is steadier than the wall clock (it still counts the
// slowdown of a shared core). Returns ms per call.
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
function time(fn, budget, rounds = 5) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let reps = 0;
    const t0 = cpuMs();
    let t;
    do {
      fn();
      reps++;
    } while ((t = cpuMs() - t0) < (budget * 1000) / rounds);
    best = Math.min(best, t / reps);
  }
  return best;
}

const GEMM_SHAPES = [
  // ta tb m n k beta
  [0, 1, 32, 128, 784, 0], [0, 0, 32, 784, 128, 0], [1, 0, 128, 784, 32, 1],
  [0, 1, 32, 10, 128, 0], [0, 0, 32, 128, 10, 0], [1, 0, 10, 128, 32, 1],
  [0, 1, 512, 512, 512, 0], [0, 0, 512, 512, 512, 0], [1, 0, 512, 512, 512, 1],
];
// the CNN's conv layers as GEMMs, per image: y = w col, dw^T += col dy^T, dcol = w^T dy
const CONV_GEMM_SHAPES = [
  [0, 0, 8, 676, 9, 1], [0, 1, 9, 8, 676, 1], [0, 1, 8, 9, 676, 1],
  [0, 0, 16, 121, 72, 1], [0, 1, 72, 16, 121, 1], [0, 1, 16, 72, 121, 1], [1, 0, 72, 121, 16, 0],
];

function benchGemm(e, file, shapes) {
  for (const [ta, tb, m, n, k, beta] of shapes) {
    const a = filled(e, m * k), b = filled(e, k * n), c = filled(e, m * n);
    const lda = ta ? m : k, ldb = tb ? k : n;
    e.cl_gemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, n); // warm-up, tier-up
    const ms = time(() => e.cl_gemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, n), quick ? 0.1 : 0.5);
    const gflops = (2 * m * n * k) / (ms * 1e6);
    console.log(JSON.stringify({ kernel: 'gemm', wasm: file, ta, tb, m, n, k, ms: +ms.toFixed(4), gflops: +gflops.toFixed(2) }));
    e.cl_free(a); e.cl_free(b); e.cl_free(c);
  }
}

function benchConv(e, file, name, [b, c, h, w, oc, kh, kw, pad, stride], wantDx) {
  const sp = e.cl_alloc(11 * 4);
  new Int32Array(e.memory.buffer, sp, 11).set([b, c, h, w, oc, kh, kw, pad, stride, 0, 0]);
  if (e.cl_conv_shape_init(sp) !== 0) throw new Error(`bad shape ${name}`);
  const [, , , , , , , , , oh, ow] = new Int32Array(e.memory.buffer, sp, 11);
  const nx = b * c * h * w, ny = b * oc * oh * ow, nw = oc * c * kh * kw;
  const x = filled(e, nx), wt = filled(e, nw), bias = filled(e, oc), y = filled(e, ny), dy = filled(e, ny);
  const dx = filled(e, nx), dw = filled(e, nw), db = filled(e, oc);
  const work = filled(e, e.cl_conv_layer_workspace(sp) + 1);
  const budget = quick ? 0.1 : 0.5;
  const fwd = time(() => e.cl_conv_layer_forward(sp, x, wt, bias, y, work), budget, 3);
  const bwd = time(() => e.cl_conv_layer_backward(sp, x, wt, dy, wantDx ? dx : 0, dw, db, work), budget, 3);
  const flopF = 2 * ny * c * kh * kw, flopB = flopF * (wantDx ? 2 : 1);
  console.log(JSON.stringify({
    kernel: 'conv', wasm: file, layer: name, b, c, h, w, oc, k: kh, pad, dx: wantDx ? 1 : 0,
    fwd_ms: +fwd.toFixed(4), bwd_ms: +bwd.toFixed(4),
    fwd_gflops: +(flopF / (fwd * 1e6)).toFixed(2), bwd_gflops: +(flopB / (bwd * 1e6)).toFixed(2),
  }));
  for (const p of [sp, x, wt, bias, y, dy, dx, dw, db, work]) e.cl_free(p);
  return (fwd + bwd) * 1875 / 1000;
}

function benchPool(e, file) {
  const [b, c, h, w, k] = [32, 8, 26, 26, 2];
  const nx = b * c * h * w, ny = b * c * (h / k) * (w / k);
  const x = filled(e, nx), y = filled(e, ny), dx = filled(e, nx), am = e.cl_alloc(4 * ny);
  const ms = time(() => {
    e.cl_maxpool_forward(x, b, c, h, w, k, y, am);
    e.cl_maxpool_backward(y, am, b, c, h, w, k, dx);
  }, quick ? 0.05 : 0.3, 3);
  console.log(JSON.stringify({ kernel: 'maxpool', wasm: file, b, c, h, w, k, fwd_bwd_ms: +ms.toFixed(4) }));
  for (const p of [x, y, dx, am]) e.cl_free(p);
  return (ms * 1875) / 1000;
}

for (const file of files) {
  const e = await load(file);
  benchGemm(e, file, GEMM_SHAPES);
  benchGemm(e, file, CONV_GEMM_SHAPES);
  for (const pad of [0, 1]) {
    let epoch = 0;
    epoch += benchConv(e, file, 'conv1', [32, 1, 28, 28, 8, 3, 3, pad, 1], false);
    epoch += benchConv(e, file, 'conv2', [32, 8, 13 + pad, 13 + pad, 16, 3, 3, pad, 1], true);
    epoch += benchPool(e, file);
    console.log(JSON.stringify({ kernel: 'cnn_conv_epoch', wasm: file, pad, seconds: +epoch.toFixed(3) }));
  }
}
