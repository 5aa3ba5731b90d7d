// convlab and TensorFlow.js side by side, in one Chromium page
// (tests/bench/tfjs.html + tfjs-page.mjs): convlab's SIMD and scalar builds
// against TF.js 4.x's wasm and cpu backends on the same shapes and data.
//
//   make bench                          (all benchmarks; this one takes ~20 min)
//   node scripts/bench.mjs --only tfjs [--quick]
//   TFJS_WORKLOADS=matmul,mlp node scripts/bench.mjs --only tfjs --quick   (a subset while developing)
//
// --quick trains on a fraction of an epoch and scales the time to the full
// epoch (for development); the full run is what the README reports. Ratios
// are taken run by run: in round i every contestant ran once, in turn, and the
// ratio row holds the median, min and max of (TF.js time / convlab time)_i.
export const title = 'convlab and TensorFlow.js side by side (Chromium, one thread)';

const CONTESTANTS = [
  ['convlab-simd', 'convlab SIMD'],
  ['convlab-scalar', 'convlab scalar'],
  ['tfjs-wasm', 'TF.js wasm'],
  ['tfjs-cpu', 'TF.js cpu'],
];
const LABEL = Object.fromEntries(CONTESTANTS);
// like with like: WebAssembly SIMD against WebAssembly SIMD, no SIMD against no SIMD
const RATIOS = [['tfjs-wasm', 'convlab-simd'], ['tfjs-cpu', 'convlab-scalar']];

const LR = 0.1;

function stats(values) {
  const t = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!t.length) return { median: null, min: null, max: null, runs: 0 };
  const mid = t.length >> 1;
  const median = t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2;
  return { median, min: t[0], max: t[t.length - 1], runs: t.length };
}

const pct = (v) => `${(100 * v).toFixed(1)}%`;

/**
 * Rows for one workload: one per contestant (value = perRun(trial)), then the
 * time ratios. A contestant that failed gets a row with no numbers and the
 * error in its note.
 */
function rowsFor(workload, res, { unit, value, note = () => '' }) {
  const rows = [];
  for (const [id, label] of CONTESTANTS) {
    const r = res[id];
    const base = { name: `${workload}: ${label}`, workload, contestant: id, unit };
    if (!r) continue;
    if (r.error && !r.trials.length) {
      rows.push({ ...base, median: null, min: null, max: null, runs: 0, note: `cannot run it: ${r.error}` });
      continue;
    }
    const extra = [note(r), r.error ? `stopped early: ${r.error}` : ''].filter(Boolean).join('; ');
    rows.push({ ...base, ...stats(r.trials.map(value)), ...(extra ? { note: extra } : {}) });
  }
  for (const [num, den] of RATIOS) {
    const a = res[num]?.trials ?? [], b = res[den]?.trials ?? [];
    const n = Math.min(a.length, b.length);
    if (!n) continue;
    const ratios = [];
    for (let i = 0; i < n; i++) ratios.push(a[i].ms / b[i].ms);
    rows.push({
      name: `${workload}: ${LABEL[num]} time / ${LABEL[den]} time`, workload, ratio: [num, den], unit: 'x',
      ...stats(ratios),
    });
  }
  return rows;
}

const diffNote = (r) => (r.info?.maxDiff !== undefined ? `max |diff| vs convlab SIMD ${r.info.maxDiff.toExponential(1)}` : '');

export async function run({ siteUrl, newPage, log, quick }) {
  const only = process.env.TFJS_WORKLOADS ? process.env.TFJS_WORKLOADS.split(',') : null;
  const want = (w) => !only || only.includes(w);
  const page = await newPage();
  page.setDefaultTimeout(0);
  await page.goto(new URL('__bench/tfjs.html', siteUrl).href);
  const env = await page.evaluate(() => window.benchReady);
  log(`TF.js ${env.tfjs}; wasm backend SIMD ${env.wasmSimd}, threads ${env.wasmThreads} (page cross-origin isolated: ${env.crossOriginIsolated})`);
  page.on('console', (m) => { if (m.type() === 'log') log(m.text()); });
  const rows = [];
  const kernelRuns = quick ? 5 : 15;

  if (want('conv')) {
    for (const k of [3, 7]) {
      for (const mode of ['per-channel', 'sum']) {
        const res = await page.evaluate((o) => window.bench.convolution(o), { k, mode, runs: kernelRuns, warmup: 2 });
        const what = mode === 'sum' ? 'summed over channels (3 -> 1)' : 'per channel (depthwise, 3 -> 3)';
        rows.push(...rowsFor(`${k}x${k} conv, 1050x700 RGB, ${what}`, res, { unit: 'ms', value: (t) => t.ms, note: diffNote }));
        log(`conv ${k}x${k} ${mode} done`);
      }
    }
  }

  if (want('matmul')) {
    const shapes = [
      ['512^3 (NN)', 512, 512, 512, 0, 0],
      ['MLP forward NT: 32x784 . (128x784)^T', 32, 128, 784, 0, 1],
      ['MLP dX NN: 32x128 . 128x784', 32, 784, 128, 0, 0],
      ['MLP dW TN: (32x128)^T . 32x784', 128, 784, 32, 1, 0],
    ];
    for (const [label, m, n, k, ta, tb] of shapes) {
      const res = await page.evaluate((o) => window.bench.matmul(o), { m, n, k, ta, tb, runs: kernelRuns, warmup: 2 });
      const gflop = (2 * m * n * k) / 1e9;
      rows.push(...rowsFor(`matmul ${label}`, res, { unit: 'GFLOP/s', value: (t) => gflop / (t.ms / 1000), note: diffNote }));
      log(`matmul ${label} done`);
    }
  }

  for (const kind of ['mlp', 'cnn']) {
    const name = kind === 'mlp' ? 'MLP 784-128-10' : 'CNN conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10';
    if (want(kind)) {
      // TF.js cpu takes minutes for a CNN epoch: even the full run times a tenth of it, scaled.
      const fraction = quick ? 0.05 : 1;
      const fractions = kind === 'cnn' ? { 'tfjs-cpu': quick ? 0.02 : 0.1 } : {};
      const res = await page.evaluate((o) => window.bench.epoch(o),
        { kind, lr: LR, fraction, fractions, runs: 5, warmup: 1, verbose: true });
      const note = (r) => {
        const parts = [];
        const acc = stats(r.trials.map((t) => t.acc));
        if (acc.runs) parts.push(`test accuracy after the epoch ${pct(acc.median)} (median; ${pct(acc.min)}-${pct(acc.max)})`);
        const { batches, fullBatches } = r.info ?? {};
        if (batches && batches < fullBatches) parts.push(`${batches} of ${fullBatches} batches timed, scaled to the epoch`);
        return parts.join('; ');
      };
      rows.push(...rowsFor(`${name}: one epoch (60,000 images, batch 32, SGD lr ${LR})`, res, { unit: 's', value: (t) => t.ms / 1000, note }));
      log(`${kind} epoch done`);
    }
    if (want(`${kind}-infer`)) {
      const res = await page.evaluate((o) => window.bench.inference(o), { kind, runs: 5, warmup: 1 });
      rows.push(...rowsFor(`${name}: inference on the 10,000 test images`, res, { unit: 'images/s', value: (t) => 10000 / (t.ms / 1000) }));
      log(`${kind} inference done`);
    }
  }

  if (page.problems.length) log(`page problems: ${page.problems.join('; ')}`);
  await page.context().close();
  return rows;
}

/**
 * Markdown: one line per workload, one column per contestant (medians) and
 * the two like-for-like ratios (median of the per-run ratios). The full rows
 * (min, max, runs, notes) follow in the generic table.
 */
export function summary(rows) {
  const fmt = (v) => (v === null || v === undefined ? '–'
    : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  const order = [];
  const by = new Map();
  for (const r of rows) {
    if (!by.has(r.workload)) { by.set(r.workload, {}); order.push(r.workload); }
    const w = by.get(r.workload);
    if (r.ratio) w[r.ratio.join('/')] = r;
    else w[r.contestant] = r;
  }
  let md = `| workload | unit | ${CONTESTANTS.map(([, l]) => l).join(' | ')} | ${RATIOS.map(([a, b]) => `${LABEL[a]} time ÷ ${LABEL[b]} time`).join(' | ')} |\n`;
  md += `| --- | --- | ${CONTESTANTS.map(() => '---:').join(' | ')} | ${RATIOS.map(() => '---:').join(' | ')} |\n`;
  for (const name of order) {
    const w = by.get(name);
    const unit = CONTESTANTS.map(([id]) => w[id]?.unit).find(Boolean) ?? '';
    const cells = CONTESTANTS.map(([id]) => {
      const r = w[id];
      if (!r) return '';
      if (r.median === null) return 'cannot';
      return fmt(r.median);
    });
    const ratios = RATIOS.map(([a, b]) => { const r = w[`${a}/${b}`]; return r ? `${fmt(r.median)}x` : '–'; });
    md += `| ${name} | ${unit} | ${cells.join(' | ')} | ${ratios.join(' | ')} |\n`;
  }
  return md;
}
