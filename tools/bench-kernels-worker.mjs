// The kernels page's worker (web/kernels/worker.js) in node, driven by its
// own messages as the page sends them, timed in CPU time (process.cpuUsage):
// steadier than a clock on a shared machine. One engine, no helpers (node
// has no Web Workers): the page's path on a one-core device, and a band's
// cost where the filter is split. A 1050 x 700 photo-like image; blur and
// Sobel kernels in the page's three modes. Prints best and median of N edits.
//
//   node tools/bench-kernels-worker.mjs [--runs N]
import fs from 'node:fs';

const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 15;
const W = 1050, H = 700;

// What the worker needs of a browser: self, postMessage, fetch of the site's .wasm files.
const answers = new Map();
globalThis.self = globalThis;
Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: 1 }, configurable: true });
globalThis.postMessage = (data) => { answers.get(data.id)?.(data); };
const realFetch = globalThis.fetch;
globalThis.fetch = async (url) => {
  const u = new URL(url);
  if (u.protocol !== 'file:') return realFetch(url);
  const p = u.pathname.replace('/web/', '/build/site/');
  return new Response(fs.readFileSync(p));
};
await import('../web/kernels/worker.js');
let id = 0;
function call(type, args = {}) {
  const i = ++id;
  return new Promise((resolve, reject) => {
    answers.set(i, (d) => { answers.delete(i); if (d.ok) resolve(d.result); else reject(new Error(d.error.message)); });
    globalThis.onmessage({ data: { id: i, type, ...args } });
  });
}

const init = await call('init');
const data = new Uint8ClampedArray(4 * W * H);
let s = 1;
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const i = 4 * (y * W + x), noise = s >>> 28;
    data.set([(x * 255) / W + noise, (y * 255) / H + noise, (x + y) & 255, 255], i);
  }
}
await call('setImage', { data: data.buffer, width: W, height: H });

const box = (k) => new Float32Array(k * k).fill(1 / (k * k));
const sobel = Float32Array.of(-1, 0, 1, -2, 0, 2, -1, 0, 1);
const cases = [];
for (const [mode, name] of [['channels', 'each channel'], ['sum', 'summed'], ['gray', 'grayscale']]) {
  for (const k of [3, 15]) cases.push({ name: `${k}x${k} blur, ${name}`, mode, k, kernel: box(k), edge: false });
  cases.push({ name: `3x3 Sobel Gx, ${name} (typical values)`, mode, k: 3, kernel: sobel, edge: true });
}
console.log(`kernels page worker in node ${process.version}, ${init.buildName}, ${W} x ${H}, CPU ms, best / median of ${RUNS}`);
for (const c of cases) {
  const n = c.mode === 'sum' ? 3 : 1;
  const t = [];
  let shown = '';
  for (let i = 0; i < RUNS + 2; i++) {
    const kernels = Array.from({ length: n }, () => Float32Array.from(c.kernel, (v, j) => (j === 0 ? v * (1 - 0.01 * (i % 7)) : v)));
    const params = { key: i, imageSeq: 1, mode: c.mode, op: 'conv', kernels, k1: c.k, k2: c.k, normalise: false, bias: 0, pad: 'zero', stride: 1, display: 'auto', scale: 'auto', edge: c.edge };
    const u0 = process.cpuUsage();
    const r = await call('filter', params);
    const u = process.cpuUsage(u0);
    if (i >= 2) t.push((u.user + u.system) / 1000);
    shown = `${r.display}${r.scaled.to === 'typical' ? ', typical values' : ''}`;
    await call('recycle', { buffer: r.rgba });
  }
  t.sort((a, b) => a - b);
  console.log(`${c.name.padEnd(42)} ${t[0].toFixed(1).padStart(6)} / ${t[t.length >> 1].toFixed(1).padStart(6)}   (${shown})`);
}
process.exit(0);
