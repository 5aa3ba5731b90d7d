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
import fs from 'node:fs';

export const title = 'convlab and TensorFlow.js side by side (Chromium, one thread)';

// served by scripts/bench.mjs at /__tfjs/
const TFJS_FILES = ['tfjs/dist/tf.min.js', 'tfjs-backend-wasm/dist/tf-backend-wasm.min.js', 'tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm']
  .map((f) => new URL(`../../node_modules/@tensorflow/${f}`, import.meta.url));

const CONTESTANTS = [
  ['convlab-simd', 'convlab SIMD'],
  ['convlab-scalar', 'convlab scalar'],
  ['tfjs-wasm', 'TF.js wasm'],
  ['tfjs-cpu', 'TF.js cpu'],
];
const LABEL = Object.fromEntries(CONTESTANTS);
// like with like (WebAssembly SIMD against WebAssembly SIMD, no SIMD against
// no SIMD), and TF.js cpu against convlab SIMD: for the CNN the only TF.js
// backend here that trains it against what the site runs by default
const RATIOS = [['tfjs-wasm', 'convlab-simd'], ['tfjs-cpu', 'convlab-simd'], ['tfjs-cpu', 'convlab-scalar']];

const LR = 0.1;

function stats(values) {
  const t = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!t.length) return { median: null, min: null, max: null, runs: 0 };
  const mid = t.length >> 1;
  const median = t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2;
  return { median, min: t[0], max: t[t.length - 1], runs: t.length };
}

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

const diffNote = (r) => (r.info?.maxDiff !== undefined ? `output agrees with convlab SIMD's to ${r.info.maxDiff.toExponential(1)} (largest difference / largest value)` : '');

export async function run({ siteUrl, newPage, log, quick }) {
  const only = process.env.TFJS_WORKLOADS ? process.env.TFJS_WORKLOADS.split(',') : null;
  const want = (w) => !only || only.includes(w);
  const missing = TFJS_FILES.filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`TensorFlow.js is not installed (${missing[0].pathname}): run scripts/install.sh (npm ci)`);
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
        const what = mode === 'sum' ? 'summed 3 -> 1' : 'per channel 3 -> 3';
        rows.push(...rowsFor(`conv ${k}x${k} ${what}`, res, { unit: 'ms', value: (t) => t.ms, note: diffNote }));
        log(`conv ${k}x${k} ${mode} done`);
      }
    }
  }

  if (want('matmul')) {
    const shapes = [
      ['512x512 . 512x512', 512, 512, 512, 0, 0],
      ['MLP forward, NT: 32x784 . (128x784)^T', 32, 128, 784, 0, 1],
      ['MLP dX, NN: 32x128 . 128x784', 32, 784, 128, 0, 0],
      ['MLP dW, TN: (32x128)^T . 32x784', 128, 784, 32, 1, 0],
    ];
    for (const [label, m, n, k, ta, tb] of shapes) {
      const res = await page.evaluate((o) => window.bench.matmul(o), { m, n, k, ta, tb, runs: kernelRuns, warmup: 2 });
      const gflop = (2 * m * n * k) / 1e9;
      rows.push(...rowsFor(`matmul ${label}`, res, { unit: 'GFLOP/s', value: (t) => gflop / (t.ms / 1000), note: diffNote }));
      log(`matmul ${label} done`);
    }
  }

  for (const kind of ['mlp', 'cnn']) {
    const name = kind.toUpperCase();
    if (want(kind)) {
      // TF.js cpu takes about half an hour for a CNN epoch here: even the full run
      // times 75 of its 1875 batches and scales (the row's note says so).
      const fraction = quick ? 0.05 : 1;
      const fractions = kind === 'cnn' ? { 'tfjs-cpu': quick ? 0.01 : 0.04 } : {};
      const res = await page.evaluate((o) => window.bench.epoch(o),
        { kind, lr: LR, fraction, fractions, runs: 5, warmup: 1, verbose: true });
      const note = (r) => {
        const { batches, fullBatches } = r.info ?? {};
        return batches && batches < fullBatches ? `${batches} of ${fullBatches} batches timed, scaled to the epoch` : '';
      };
      const workload = `${name} training, one epoch`;
      rows.push(...rowsFor(workload, res, { unit: 's', value: (t) => t.ms / 1000, note }));
      // test accuracy after each full epoch (none when the epoch was scaled)
      for (const [id, label] of CONTESTANTS) {
        const acc = stats((res[id]?.trials ?? []).map((t) => (t.acc === undefined ? NaN : 100 * t.acc)));
        if (acc.runs) rows.push({ name: `${name} test accuracy after one epoch: ${label}`, workload: `${name} test accuracy after one epoch`, contestant: id, unit: '%', ...acc });
      }
      log(`${kind} epoch done`);
    }
    if (want(`${kind}-infer`)) {
      const res = await page.evaluate((o) => window.bench.inference(o), { kind, runs: 5, warmup: 1 });
      const note = (r) => (r.trials.length && CONTESTANTS.some(([id]) => id.startsWith('tfjs') && res[id] === r)
        ? 'model.predict on all 10,000 as one batch (its fastest)' : '');
      rows.push(...rowsFor(`${name} inference, 10,000 test images`, res, { unit: 'images/s', value: (t) => 10000 / (t.ms / 1000), note }));
      log(`${kind} inference done`);
    }
  }

  if (page.problems.length) log(`page problems: ${page.problems.join('; ')}`);
  await page.context().close();
  return rows;
}

const LEGEND = `Same page, same data, same shapes; single thread (TF.js wasm runs its SIMD build without threads: the page is not cross-origin isolated, and neither is the site). Medians; the ratio columns are medians of per-run ratios (how many times as long TF.js took as convlab in the same round), so above 1 means convlab is faster.
- conv: a k x k kernel on a 1050 x 700 RGB image (float planes in and out, zero "same" padding): per channel = TF.js depthwiseConv2d, summed = conv2d with one output channel.
- matmul: C = op(A) op(B) at 512^3 and at the MLP's training shapes in the forward (NT), dX (NN) and dW (TN) forms; convlab cl_gemm, TF.js tf.matMul with transposeA/B.
- training: Fashion-MNIST, 60,000 images, batch 32, plain SGD lr ${LR}, softmax cross-entropy, shuffled, from a fresh He/Glorot-uniform initialisation; convlab one cl_nn_train_step_idx per batch, TF.js model.fit. MLP = 784-128(ReLU)-10(softmax); CNN = conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax.
- inference: class probabilities for the 10,000 test images.
`;

/**
 * Markdown: a legend, then one line per workload, one column per contestant
 * (medians) and the two like-for-like ratios (median of the per-run ratios).
 * The full rows (min, max, runs, notes) follow in the generic table.
 */
export function summary(rows) {
  const fmt = (v) => (v === null || v === undefined ? '–'
    : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  const order = [];
  const by = new Map();
  const footnotes = [];
  for (const r of rows) {
    if (!by.has(r.workload)) { by.set(r.workload, {}); order.push(r.workload); }
    const w = by.get(r.workload);
    if (r.ratio) w[r.ratio.join('/')] = r;
    else w[r.contestant] = r;
  }
  let md = `${LEGEND}\n| workload | unit | ${CONTESTANTS.map(([, l]) => l).join(' | ')} | ${RATIOS.map(([a, b]) => `${LABEL[a]} time ÷ ${LABEL[b]} time`).join(' | ')} |\n`;
  md += `| --- | --- | ${CONTESTANTS.map(() => '---:').join(' | ')} | ${RATIOS.map(() => '---:').join(' | ')} |\n`;
  for (const name of order) {
    const w = by.get(name);
    const unit = CONTESTANTS.map(([id]) => w[id]?.unit).find(Boolean) ?? '';
    const cells = CONTESTANTS.map(([id]) => {
      const r = w[id];
      if (!r) return '';
      let cell = r.median === null ? 'cannot' : fmt(r.median);
      if (r.note && (r.median === null || /scaled/.test(r.note))) {
        footnotes.push(`${footnotes.length + 1}. ${name}, ${LABEL[id]}: ${r.note}`);
        cell += ` (${footnotes.length})`;
      }
      return cell;
    });
    const ratios = RATIOS.map(([a, b]) => { const r = w[`${a}/${b}`]; return r ? `${fmt(r.median)}x` : '–'; });
    md += `| ${name} | ${unit} | ${cells.join(' | ')} | ${ratios.join(' | ')} |\n`;
  }
  if (footnotes.length) md += `\n${footnotes.join('\n')}\n`;
  return md;
}
