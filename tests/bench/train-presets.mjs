// The train page's presets as the page trains them (its worker, Chromium,
// SIMD build), with its default settings (Adam, lr 0.002, decay 0.75 a epoch,
// batch 32, seed 1, the best epoch kept): per epoch, the time in training
// steps, the wall time and the validation accuracy, then the kept model's test
// accuracy; the shuffled-pixels experiment as the page runs it (Quick, its
// four runs); and what the live network view costs (one Quick epoch of the
// CNN, followed or not). Not part of make test or make bench: about 10
// minutes on a quiet machine. Run: node tests/bench/train-presets.mjs [--epochs N] [--skip-full] [--skip-experiment]
// [--skip-live] [--l2 X] [--only mlp|cnn] [--workers N] [--isolate]
// --workers: as the page's Workers setting (default: all cores); --isolate: the page
// cross-origin isolated (as make serve and the service worker make it), so the workers
// share memory; without it they trade by messages, and "all" trains the presets in one
// worker (team.js MESSAGE_WORTH). Prints, per preset, the time to the epoch kept.
import { launchBrowser, SITE } from '../browser/helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { PRESET_SPECS } from '../../web/lib/limits.js';
import { defaultSettings } from '../../web/train/state.js';
import { installTrainWorker } from '../browser/train-worker-driver.mjs';

const args = process.argv.slice(2);
const epochs = Number(args[args.indexOf('--epochs') + 1]) || 10;
const skipFull = args.includes('--skip-full');
const skipExperiment = args.includes('--skip-experiment');
const l2 = args.includes('--l2') ? Number(args[args.indexOf('--l2') + 1]) : 0;
const skipLive = args.includes('--skip-live');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const workers = args.includes('--workers') ? Number(args[args.indexOf('--workers') + 1]) : 0;
const isolate = args.includes('--isolate');
const decay = Number(defaultSettings().decay); // the page's default
const site = await startServer({ root: SITE, isolate });
const browser = await launchBrowser();
const page = await browser.newPage();
page.on('console', (m) => console.error('page:', m.text()));
await page.goto(`${site.url}train.html#quick=0`);
await installTrainWorker(page);
const result = await page.evaluate(async ({ presets, epochs, skipFull, skipExperiment, skipLive, l2, decay, workers }) => {
  const { worker: w, call, next, on } = globalThis.trainWorker();
  let views = 0;
  on((data) => { if (data.event === 'network') views++; });
  const init = await call('init');
  let runId = 1;
  const train = async (spec, { epochs: n, shuffle = false }) => {
    const done = next('finished');
    const points = [];
    await call('start', { settings: { runId: runId++, spec, seed: 1, batch: 32, lr: 0.002, epochs: n, l2, loss: 'xent', optimizer: 'adam', momentum: 0.9, shufflePixels: shuffle, lrDecay: decay, keepBest: true, workers } });
    const ev = await done;
    const test = await call('evaluate');
    return { how: ev.how, workers: ev.workers, note: ev.teamNote, steps: ev.epochSeconds, wall: ev.epochWallSeconds, best: ev.best, test: test.accuracy, points };
  };
  const out = { simd: init.simd, isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, full: {}, experiment: {}, live: {} };
  await call('loadData', { base: location.href, quick: false }); // the full set (the worker knows its files)
  if (!skipFull) for (const [name, spec] of Object.entries(presets)) out.full[name] = await train(spec, { epochs });
  await call('setQuick', { quick: true });
  if (!skipExperiment) for (const [name, spec] of Object.entries(presets)) {
    for (const shuffle of [false, true]) out.experiment[`${name}${shuffle ? ' shuffled' : ''}`] = await train(spec, { epochs, shuffle });
  }
  // the live view: one Quick epoch of the CNN, followed (a view every 200 batches) or not
  for (const live of skipLive ? [] : [false, true, false, true]) {
    await call('reset');
    await call('start', { settings: { runId: runId++, spec: presets.cnn, seed: 1, batch: 32, lr: 0.002, epochs: 1, l2: 0, loss: 'xent', optimizer: 'adam', momentum: 0.9, shufflePixels: false, lrDecay: 1, keepBest: false } });
    await call('pause');
    await call('network', { watch: { source: { kind: 'test', index: 0 }, pick: { layer: 4, channel: 0, row: 5, col: 5 } }, live });
    views = 0;
    const done = next('finished');
    await call('resume');
    const ev = await done;
    (out.live[live ? 'followed' : 'not followed'] ??= []).push({ how: ev.how, message: ev.message, steps: ev.epochSeconds[0], wall: ev.epochWallSeconds[0], views, view: ev.viewSeconds, share: ev.viewSeconds / ev.epochSeconds[0] });
  }
  w.terminate();
  return out;
}, { presets: only ? { [only]: PRESET_SPECS[only] } : { ...PRESET_SPECS }, epochs, skipFull, skipExperiment, skipLive, l2, decay, workers });
console.log(JSON.stringify(result, null, 1));
// per preset: the kept epoch, and the time to it (training steps; wall time with the validation passes)
const sum = (v, n) => v.slice(0, n).reduce((a, b) => a + b, 0);
for (const [name, r] of Object.entries(result.full)) {
  const e = r.best?.epoch ?? r.steps.length;
  console.log(`${name}: test ${(100 * r.test).toFixed(2)}% (epoch ${e} of ${r.steps.length} kept), ${r.workers} worker(s)${result.isolated ? ', shared memory' : ''}: `
    + `${sum(r.steps, e).toFixed(1)} s of training steps to it, ${sum(r.wall, e).toFixed(1)} s wall${r.note ? ` (${r.note})` : ''}`);
}
await browser.close();
site.server.close();
