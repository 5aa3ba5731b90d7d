// Training on every core (issue 18, part 1): the full 60,000-image epoch,
// batch 32, plain SGD (lr 0.01), in the train page's own workers (train/worker.js
// and its helpers, train/team.js) in Chromium, for the reference CNN and the
// MLP 784-128-10, with 1 and 2 workers, both ways of trading the gradients:
//   messages  the page as any static host serves it (no shared memory)
//   shared    the page cross-origin isolated (COOP/COEP, as `make serve
//             ISOLATE=1` and the service worker send them): SharedArrayBuffer and Atomics;
//             its copies into and out of the shared memory by lib/shared-bridge.js
//             (WebAssembly memory.copy, where the browser has multi-memory), and
//             once more by typed arrays (settings.bridge false), to compare;
//             and for the MLP, layer 1's units split instead of the batch
//             (train/split.js, what the isolated page picks for it)
// and 4 and 8 workers from a model of the measured costs: per batch,
// T(W) = T(1) / W + (W - 1) * s, where s, the cost of one more worker
// (copying the parameters out and its gradient in, adding it, waking it and
// waiting for it), is measured with 2: s = T(2) - T(1) / 2. Rounds: in round i
// every configuration runs once, in turn; the speed-up rows hold the median,
// min and max of T(1)_i / T(2)_i.
// Side by side on the isolated page: TensorFlow.js's wasm backend with a pool
// of 2 threads (tests/bench/tfjs.html?threads=2; by itself it takes half the
// cores, 1 here), the same MLP epoch (its own loop, tfjs-page.mjs) and 3x3
// convolutions, against convlab SIMD in one thread on the same page.
//
//   node scripts/bench.mjs --only train-workers [--quick]
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { installTrainWorker } from '../browser/train-worker-driver.mjs';

export const title = 'Training on every core: one epoch in the train page\'s workers (Chromium, SIMD)';

const MODELS = [
  ['CNN', 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax'],
  ['MLP', 'dense128-relu-dense10-softmax'],
];

/** The machine, from /proc/cpuinfo: model name and how many logical cores. */
export function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    model = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? model;
    return `${model}, ${info.match(/^processor\s*:/gm)?.length ?? os.cpus().length} logical cores`;
  } catch {
    return `${model}, ${os.cpus().length} logical cores`;
  }
}

/**
 * In the page: the train page's worker, the full training set, then for each
 * model and configuration { workers, exchange } one epoch of `images`, `rounds`
 * times; seconds in the training steps (epochSeconds) and wall time.
 */
async function measure(page, { models, configs, images, rounds, blocks }) {
  await installTrainWorker(page);
  return page.evaluate(async ({ models, configs, images, rounds, blocks }) => {
    const { worker: w, call, next } = globalThis.trainWorker();
    const init = await call('init');
    await call('loadData', { base: new URL('./', location.href).href, quick: false });
    let runId = 1;
    const train = async (spec, count, cfg) => {
      const done = next('finished');
      const info = await call('start', { settings: { runId: runId++, spec, seed: 7, batch: 32, lr: 0.01, epochs: 1, l2: 0, loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, trainCount: count, workers: cfg.workers, exchange: cfg.exchange, bridge: cfg.bridge, teamLook: cfg.teamLook } });
      const ev = await done;
      if (ev.how !== 'done') throw new Error(`${spec}: ${ev.how} ${ev.message ?? ''}`);
      return { steps: ev.epochSeconds[0], wall: ev.epochWallSeconds[0], workers: ev.workers, note: ev.teamNote, asked: info.workers, exchange: ev.exchange };
    };
    const out = { simd: init.simd, isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, t: {} };
    // 'MLP 2 shared', 'MLP 2 shared typed' (copies by typed arrays): the rows below read these keys
    const keyOf = (name, cfg) => `${name} ${cfg.workers} ${cfg.exchange}${cfg.bridge === false ? ' typed' : ''}`;
    for (const [name, spec] of models) {
      const mine = configs.filter((cfg) => (!cfg.only || cfg.only === name) && cfg.except !== name);
      for (const cfg of mine) await train(spec, 3200, cfg); // warm-up: tiers up, starts the helpers
      for (let r = 0; r < rounds; r++) {
        for (const cfg of mine) {
          (out.t[keyOf(name, cfg)] ??= []).push(await train(spec, images, cfg));
        }
      }
      // short blocks, many times: the least disturbed one is the machine without the others' load
      for (let r = 0; r < blocks.count; r++) {
        for (const cfg of mine) {
          (out.t[`${keyOf(name, cfg)} block`] ??= []).push(await train(spec, blocks.images, cfg));
        }
      }
    }
    w.terminate();
    return out;
  }, { models, configs, images, rounds, blocks });
}

// 200 batches (6,400 images), 10 times per configuration: the fastest, scaled to 60,000 images
const BLOCKS = { images: 6400, count: 10 };

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const stats = (v) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v), runs: v.length });

/** TF.js wasm with `threads` threads against convlab SIMD in one thread, on an isolated page. */
async function tfjsThreaded(newPage, url, { quick, threads, log }) {
  const page = await newPage();
  page.setDefaultTimeout(0);
  await page.goto(`${url}__bench/tfjs.html?threads=${threads}`);
  const env = await page.evaluate(() => window.benchReady);
  await page.evaluate(async () => { await globalThis.tf.setBackend('wasm'); }); // the pool is made as the backend starts
  const pool = await page.evaluate(() => globalThis.tf.wasm.getThreadsCount?.() ?? null);
  log(`TF.js ${env.tfjs}, wasm threads ${env.wasmThreads}, isolated ${env.crossOriginIsolated}, pool of ${pool} (${threads} asked)`);
  const rows = [];
  const pick = (res, id, value) => (res[id]?.trials ?? []).map(value).filter(Number.isFinite);
  const mlp = await page.evaluate((o) => window.bench.epoch(o),
    { kind: 'mlp', lr: 0.1, fraction: quick ? 0.1 : 1, fractions: { 'tfjs-cpu': 0.02, 'convlab-scalar': 0.1 }, runs: quick ? 1 : 3, warmup: 1 });
  for (const [id, label] of [['tfjs-wasm', `TF.js wasm, ${pool ?? threads} threads`], ['convlab-simd', 'convlab SIMD, 1 thread']]) {
    const t = pick(mlp, id, (x) => x.ms / 1000);
    if (t.length) rows.push({ name: `MLP, ${label}: one epoch (its own loop, same page)`, unit: 's', ...stats(t), note: mlp[id].error ?? '' });
    else rows.push({ name: `MLP, ${label}`, unit: 's', median: null, min: null, max: null, runs: 0, note: `cannot run it: ${mlp[id]?.error}` });
  }
  const conv = await page.evaluate((o) => window.bench.convolution(o), { k: 3, mode: 'per-channel', runs: quick ? 3 : 9, warmup: 2 });
  for (const [id, label] of [['tfjs-wasm', `TF.js wasm, ${pool ?? threads} threads`], ['convlab-simd', 'convlab SIMD, 1 thread']]) {
    const t = pick(conv, id, (x) => x.ms);
    if (t.length) rows.push({ name: `conv 3x3 per channel, 1050 x 700 x 3, ${label}`, unit: 'ms', ...stats(t), note: '' });
  }
  await page.context().close();
  return rows;
}

export async function run({ siteUrl, newPage, quick, log }) {
  const images = quick ? 10000 : 60000;
  const rounds = quick ? 1 : 3;
  const scale = 60000 / images;
  const note = quick ? `(--quick: ${images} images, scaled x${scale})` : '';
  const site = path.resolve(new URL('../../build/site', import.meta.url).pathname);
  const isolated = await startServer({
    root: site, isolate: true,
    mounts: { '/__bench/': path.resolve(new URL('.', import.meta.url).pathname), '/__tfjs/': path.resolve(new URL('../../node_modules/@tensorflow', import.meta.url).pathname),
      '/__data/': process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist' },
  });
  const rows = [];
  const results = {};
  try {
    for (const [how, url, exchange] of [['messages', siteUrl, 'messages'], ['shared', isolated.url, 'shared']]) {
      const page = await newPage();
      await page.goto(`${url}train.html`);
      // the MLP's batch split loses to one worker (which the page then trains alone: team.js, split.js
      // batchLook): teamLook every 0 keeps its team, to measure what a batch's trade costs
      const keep = (cfg) => [{ ...cfg, except: 'MLP' }, { ...cfg, only: 'MLP', teamLook: { every: 0 } }];
      const configs = [{ workers: 1, exchange }, ...keep({ workers: 2, exchange })];
      if (how === 'shared') configs.push(...keep({ workers: 2, exchange, bridge: false }), { workers: 2, exchange: 'split', only: 'MLP' });
      const m = await measure(page, { models: MODELS, configs, images, rounds, blocks: quick ? { ...BLOCKS, count: 2 } : BLOCKS });
      await page.context().close();
      if (!m.simd) log('warning: the SIMD build did not load');
      if (how === 'shared' && !m.isolated) log('warning: the isolated page is not crossOriginIsolated');
      results[how] = m;
    }
    try {
      results.tfjs = await tfjsThreaded(newPage, isolated.url, { quick, threads: 2, log });
    } catch (e) {
      log(`TF.js side by side did not run: ${e.message}`);
      results.tfjs = [];
    }
  } finally {
    isolated.server.close();
  }
  log(`machine: ${machine()}`);
  const bscale = 60000 / BLOCKS.images;
  for (const [name] of MODELS) {
    for (const how of ['messages', 'shared']) {
      const t = results[how].t;
      const one = t[`${name} 1 ${how}`];
      const s1 = one.map((x) => x.steps * scale);
      rows.push({ name: `${name}, 1 worker (${how} page): one epoch, training steps`, unit: 's', ...stats(s1), note });
      // the least disturbed blocks: the fastest of BLOCKS.count, scaled to the epoch
      const blocks = t[`${name} 1 ${how} block`].length;
      const b1 = Math.min(...t[`${name} 1 ${how} block`].map((x) => x.steps)) * bscale;
      const bnote = `fastest of ${blocks} blocks of ${BLOCKS.images / 32} batches, x${bscale.toFixed(2)}`;
      rows.push({ name: `${name}, 1 worker, ${how}: one epoch from the least disturbed block`, unit: 's', median: b1, min: b1, max: b1, runs: blocks, note: bnote });
      /** The rows of a 2-worker team (key: its configuration's) against 1 worker, way: what the rows call it. */
      const teamRows = (key, way) => {
        const two = t[key];
        const fell = two.find((x) => x.workers !== 2);
        if (fell) log(`warning: ${name} ${way}: trained with ${fell.workers} worker(s): ${fell.note}`);
        const s2 = two.map((x) => x.steps * scale);
        rows.push({ name: `${name}, 2 workers, ${way}: one epoch, training steps`, unit: 's', ...stats(s2), note });
        rows.push({ name: `${name}, 2 workers, ${way}: one epoch, wall time (validation passes included)`, unit: 's', ...stats(two.map((x) => x.wall * scale)), note });
        rows.push({ name: `${name}, ${way}: speed-up of 2 workers over 1 (same round)`, unit: 'x', ...stats(s1.map((v, i) => v / s2[i])), note: two[0].exchange ? `trading: ${two[0].exchange}` : '' });
        const b2 = Math.min(...t[`${key} block`].map((x) => x.steps)) * bscale;
        rows.push({ name: `${name}, 2 workers, ${way}: one epoch from the least disturbed block`, unit: 's', median: b2, min: b2, max: b2, runs: blocks, note: `${bnote}; speed-up ${(b1 / b2).toFixed(2)}x` });
        // the model: T(W) = T1 / W + (W - 1) s, s from the blocks
        const sw = b2 - b1 / 2;
        for (const W of [4, 8]) {
          const T = b1 / W + (W - 1) * sw;
          rows.push({ name: `${name}, ${W} workers, ${way}: one epoch, modelled`, unit: 's', median: T, min: T, max: T, runs: 0,
            note: `T(1)/${W} + ${W - 1} x ${(sw * 1000).toFixed(0)} ms (the cost of one more worker per epoch, from the blocks); speed-up ${(b1 / T).toFixed(2)}x` });
        }
        return s2;
      };
      const s2 = teamRows(`${name} 2 ${how}`, how);
      const typed = t[`${name} 2 ${how} typed`];
      if (typed) {
        const st = typed.map((x) => x.steps * scale);
        rows.push({ name: `${name}, 2 workers, ${how}, copies by typed arrays: one epoch, training steps`, unit: 's', ...stats(st), note });
        rows.push({ name: `${name}, ${how}: typed arrays' epoch over the bridge's (same round)`, unit: 'x', ...stats(st.map((v, i) => v / s2[i])), note: '' });
      }
      // layer 1's units split instead of the batch (train/split.js): an MLP on the isolated page
      if (t[`${name} 2 split`]) teamRows(`${name} 2 split`, 'split units (shared page)');
    }
  }
  rows.push(...results.tfjs);
  return rows;
}

export function summary() {
  return `Machine: ${machine()}. The same seed, data and settings in every configuration; \`messages\` is the page as any static host serves it, \`shared\` the page cross-origin isolated.`;
}
