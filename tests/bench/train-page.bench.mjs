// The train page in Chromium: time per epoch of the two reference models of
// the network-core issue (batch 32, plain SGD, lr 0.01, the full 60,000
// training images, SIMD build), measured in the page's own worker
// (train/worker.js, the loop the page runs: one WASM call per batch, slices of
// ~30 ms between which it answers messages); and the longest main-thread task
// while the page trains through its own controls (PerformanceObserver 'longtask').
//
// --quick: 10,000 images per timed epoch, scaled to 60,000 (noted on the row).
import { installTrainWorker } from '../browser/train-worker-driver.mjs';

export const title = 'Train page: time per epoch in the worker, longest main-thread task while training (Chromium, SIMD)';

const MODELS = [
  ['MLP dense128-relu-dense10-softmax', 'dense128-relu-dense10-softmax'],
  ['CNN conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax', 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax'],
];

export async function run({ siteUrl, newPage, quick, log }) {
  const rows = [];
  const images = quick ? 10000 : 60000;
  const runs = quick ? 1 : 3;
  const scale = 60000 / images;
  const note = quick ? `(--quick: ${images} images, scaled x${scale})` : '';

  // ---- time per epoch, in the page's worker ----
  const page = await newPage();
  await page.goto(`${siteUrl}train.html`);
  await installTrainWorker(page);
  const timings = await page.evaluate(async ({ models, images, runs }) => {
    const { worker: w, call, next } = globalThis.trainWorker();
    const init = await call('init');
    await call('loadData', { base: location.href, quick: false }); // the full set (the worker knows its files)
    const train = async (spec, count, runId) => {
      const done = next('finished');
      await call('start', { settings: { runId, spec, seed: runId, batch: 32, lr: 0.01, epochs: 1, l2: 0, loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, trainCount: count } });
      const ev = await done;
      if (ev.how !== 'done') throw new Error(`${spec}: ${ev.how} ${ev.message ?? ''}`);
      return { wall: ev.epochWallSeconds[0], steps: ev.epochSeconds[0] };
    };
    const out = { simd: init.simd, models: {} };
    let runId = 1;
    for (const [name, spec] of models) {
      await train(spec, 3200, runId++); // warm-up: V8 tiers the module up
      const t = [];
      for (let r = 0; r < runs; r++) t.push(await train(spec, images, runId++));
      out.models[name] = t;
    }
    w.terminate();
    return out;
  }, { models: MODELS, images, runs });
  await page.context().close();
  if (!timings.simd) log('warning: the SIMD build did not load');
  const stats = (v) => {
    const s = [...v].sort((a, b) => a - b);
    return { median: s[s.length >> 1], min: s[0], max: s.at(-1), runs: s.length };
  };
  for (const [name] of MODELS) {
    const t = timings.models[name];
    rows.push({ name: `${name}: one epoch (60,000 images), wall time in the worker`, unit: 's', ...stats(t.map((x) => x.wall * scale)), note });
    rows.push({ name: `${name}: the training steps alone`, unit: 's', ...stats(t.map((x) => x.steps * scale)), note });
  }

  // ---- the longest main-thread task while the page trains through its controls ----
  const ui = await newPage();
  await ui.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
    // Longtask only reports tasks over 50 ms; a chain of 0 ms timers measures
    // the longest wait below that too (the gap between two of them).
    window.__lag = { on: false, max: 0 };
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (window.__lag.on) window.__lag.max = Math.max(window.__lag.max, now - last);
      last = now;
      setTimeout(tick, 0);
    };
    tick();
  });
  await ui.goto(`${siteUrl}train.html#arch=mlp&L=1&units=128&f=relu&bs=32&lr=0.01&epochs=${quick ? 1 : 2}&opt=sgd&quick=${quick ? 1 : 0}`);
  await ui.locator('[data-engine-badge]').filter({ hasText: 'WebAssembly' }).waitFor();
  await ui.getByRole('button', { name: /^(Load the data|Download the full set|Load the full set)/ }).click();
  await ui.getByRole('status').filter({ hasText: /^Using the (Quick|full) set/ }).waitFor({ timeout: 120_000 });
  const longest = [];
  for (const arch of ['MLP (fully connected)', 'CNN (convolutional)']) {
    await ui.getByRole('radio', { name: arch }).check();
    await ui.waitForTimeout(300);
    const t0 = await ui.evaluate(() => { window.__lag.max = 0; window.__lag.on = true; return performance.now(); });
    await ui.getByRole('button', { name: 'Start', exact: true }).click();
    await ui.locator('[data-run-message]').filter({ hasText: /^Finished/ }).waitFor({ timeout: 300_000 });
    const [t1, lag] = await ui.evaluate(() => { window.__lag.on = false; return [performance.now(), window.__lag.max]; });
    await ui.waitForFunction(() => /%/.test(document.querySelector('[data-test-accuracy]').textContent));
    await ui.waitForTimeout(500);
    const t2 = await ui.evaluate(() => performance.now());
    const tasks = await ui.evaluate(() => window.__longTasks);
    const during = tasks.filter((t) => t.start >= t0 && t.start <= t1).map((t) => t.ms);
    const after = tasks.filter((t) => t.start > t1 && t.start <= t2).map((t) => t.ms);
    longest.push({ arch, during: Math.max(0, ...during), count: during.length, after: Math.max(0, ...after), lag });
  }
  await ui.context().close();
  for (const l of longest) {
    rows.push({ name: `${l.arch}: longest main-thread task while training (page controls, ${quick ? 'quick subset' : 'all 55,000 images'})`, unit: 'ms',
      median: l.during, min: l.during, max: l.during, runs: 1, note: l.count ? `${l.count} task(s) over 50 ms` : 'no task over 50 ms (0 = none)' });
    rows.push({ name: `${l.arch}: longest gap between two 0 ms timers on the main thread while training`, unit: 'ms',
      median: l.lag, min: l.lag, max: l.lag, runs: 1, note: `an upper bound of the longest task (it includes the timer's own wait)${l.lag < 50 ? ', under 50 ms too' : ''}` });
    rows.push({ name: `${l.arch}: longest main-thread task drawing the results after training`, unit: 'ms',
      median: l.after, min: l.after, max: l.after, runs: 1, note: l.after ? '' : 'no task over 50 ms (0 = none)' });
  }
  return rows;
}
