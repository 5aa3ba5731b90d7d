// bench-conv.mjs - the convolution plane of built .wasm files, timed in node
// (V8, the engine of Chromium), as a share of the vector peak measured in the
// same process: cl_conv2d_per_channel on float planes, 1050 x 700 x 3, zero
// padding, stride 1, 3x3, 5x5, 7x7 and 15x15 Gaussians. One JSON line per case.
//
//   node tools/bench-conv.mjs [a.wasm [b.wasm ...]] [--quick] [--rows=N]
//
// Default file: build/site/convlab-simd.wasm. Given several (say the build of
// an older commit and this one), they run in alternate rounds, so that their
// figures come from the same moments of the same run. --rows=N times planes of
// N rows instead of 700 (shorter calls: steadier figures on a busy machine).
//
// A convolution output needs K1*K2 multiplications and K1*K2 - 1 additions
// (no bias); those are the flops counted, the padding's skipped taps included.
import { readFileSync } from 'node:fs';
import { PEAK_FORMS } from '../tests/bench/peak-forms.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const rowsArg = args.find((a) => a.startsWith('--rows='));
let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) files = ['build/site/convlab-simd.wasm'];

const H = rowsArg ? Number(rowsArg.slice(7)) : 700, W = 1050, C = 3, n = H * W;
const mods = [];
for (const file of files) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const e = instance.exports;
  e._initialize();
  const x = e.cl_alloc(4 * C * n), z = e.cl_alloc(4 * C * n), k = e.cl_alloc(4 * 225);
  const xv = new Float32Array(e.memory.buffer, x, C * n);
  for (let i = 0; i < C * n; i++) xv[i] = Math.imul(i, 2654435761) >>> 24;
  mods.push({ file, e, x, z, k });
}

// one round: a single call, in ms of this process's CPU time (user + system),
// which leaves out the time other processes had the core; the best of many
// rounds is a call that nothing else on the machine slowed
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
function round(fn) {
  const t0 = cpuMs();
  fn();
  return cpuMs() - t0;
}

// The peak and each kernel in alternate rounds, the best round of each: other
// work on the machine only ever slows a round.
// The peak: the fastest of the loops of tests/bench/peak.wat (make bench builds it), 19.2 MFLOP a call each.
const PEAK_FLOPS = 19.2e6;
const peakLoops = (await WebAssembly.instantiate(readFileSync(new URL('../build/bench/peak.wasm', import.meta.url)))).instance.exports;
const peakCalls = PEAK_FORMS.map(([form, flops]) => () => peakLoops[form](PEAK_FLOPS / flops));
for (let i = 0; i < 5; i++) peakCalls.forEach((f) => f());
const gf = (flops, ms) => flops / (ms * 1e6);
const rounds = quick ? 40 : 150;

// The memory floor: copying the input planes to the output planes moves the
// bytes a convolution must read and write at least once (V8's memmove).
let copyMs = Infinity;
{
  const { e, x, z } = mods[0];
  const xs = new Float32Array(e.memory.buffer, x, C * n), zs = new Float32Array(e.memory.buffer, z, C * n);
  for (let r = 0; r < rounds; r++) copyMs = Math.min(copyMs, round(() => zs.set(xs)));
  console.log(JSON.stringify({ kernel: `copy of the 3 float planes ${W}x${H}x3 (what a convolution reads and writes)`,
    ms: +copyMs.toFixed(3), gbps: +((8 * C * n) / (copyMs * 1e6)).toFixed(1) }));
}

for (const kk of [3, 5, 7, 15]) {
  const runs = mods.map(({ e, x, z, k }) => {
    e.cl_kernel_preset(2, kk, kk, kk / 4, k); // the Gaussian
    const run = () => e.cl_conv2d_per_channel(x, C, H, W, k, 1, kk, kk, 1, 1, z, H, W);
    for (let i = 0; i < 5; i++) run();
    return run;
  });
  let pMs = Infinity;
  const kMs = mods.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const peakCall of peakCalls) pMs = Math.min(pMs, round(peakCall));
    runs.forEach((run, i) => { kMs[i] = Math.min(kMs[i], round(run)); });
  }
  const peak = gf(PEAK_FLOPS, pMs), flops = C * n * (2 * kk * kk - 1);
  mods.forEach(({ file }, i) => {
    const g = gf(flops, kMs[i]);
    console.log(JSON.stringify({ kernel: `conv${kk}x${kk} per channel, float planes ${W}x${H}x3`, wasm: file,
      ms: +kMs[i].toFixed(3), gflops: +g.toFixed(2), peak: +peak.toFixed(2), share: +(g / peak).toFixed(3),
      // the most the share could be if the call took no longer than the copy
      memory_bound_share: +Math.min(1, gf(flops, copyMs) / peak).toFixed(3) }));
  });
}
