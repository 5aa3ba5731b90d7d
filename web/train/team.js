// train/team.js - training on every core: the train page's worker (rank 0)
// and W - 1 helpers (helper.js, each its own engine and copy of the training
// images) split each batch in W parts (exchange.js partOf). Each computes the
// gradient of its part with the same parameters; the parts are added in rank
// order (g0 + g1 + ... : the same bits run after run for a given W) and one
// optimiser step follows. W = 1 is not a team: run.js calls the one-call step
// (cl_nn_train_step_idx), today's path, bit for bit.
//
// Two ways to trade them (core/cl_nn.h, "data-parallel training"), picked by
// what the page can do:
//   shared    cross-origin isolated (SharedArrayBuffer): one block of shared
//             memory, Atomics to wake the helpers and wait for them, nothing
//             through the event loops; every rank adds the parts and steps
//             (an all-reduce: no parameters sent; exchange.js)
//   messages  anywhere else: each batch, the worker's parameters go to each
//             helper and its gradient comes back, as transferred buffers; the
//             worker adds them and steps
// README.md (Performance) has what each costs and why both are kept. Where
// a helper cannot start, the run trains in the worker alone, and says so.
// Every LOOK batches the worker compares the team's time with its estimate
// of one worker's (split.js batchLook); where "all cores" chose the team, a
// team slower at two looks in a row (another program on a core) leaves the
// rest of the run to the worker, which computes the W parts of each batch in
// turn and adds them in the same order (soloStep): the same weights as W
// workers, and the run says so. A number the student chose trains as chosen.
// A third, for an MLP on a page that can share memory: split layer 1's units
// instead of the batch (split.js): 16 KB of values a batch instead of the
// gradient, and one worker's weights bit for bit whatever W; the worker's
// model then lacks the helpers' rows until whole(w) brings them.
import { WorkerClient } from '../lib/worker-rpc.js';
import { ConvlabError, STATUS } from '../lib/convlab.js';
import { IMAGE_PIXELS } from '../lib/limits.js';
import { Exchange, exchangeMemory, partOf, combine, partGradients, soloGradients, CMD_STEP, CMD_QUIT, MAX_WORKERS } from './exchange.js';
import { sharedBridge } from '../lib/shared-bridge.js';
import { multiplyAdds } from './cost.js';
import { SPLIT_SHARE, SPLIT_WORTH, regionFloats, regionViews, leadBatch, takeRows, rebalance, batchLook } from './split.js';

/** @typedef {import('./dataset.js').WorkerState} WorkerState */

const ATTACH_MS = 10000; // the longest wait for the helpers to enter shared memory

/** Shared memory can be used here (the page is cross-origin isolated). */
export function canShare() {
  return typeof SharedArrayBuffer === 'function' && self.crossOriginIsolated === true && typeof Atomics?.wait === 'function';
}

/** The most workers a run can use on this device: its logical cores (1 where workers cannot start workers). */
export function deviceWorkers() {
  if (typeof Worker !== 'function') return 1;
  return Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
}

/**
 * Multiply-adds of one batch's forward pass per float of the gradient below
 * which "all cores" without shared memory trains in one worker: there each
 * batch's gradient makes a postMessage round trip per helper and four copies,
 * which the split compute must pay for. Measured in the train page's workers
 * (AMD EPYC, Zen 5, 2 cores, quiet; each helper's buffer reused batch after
 * batch), one 60,000-image epoch, 1 worker against 2: the MLP (32 per float)
 * 0.78 s against 1.00 s (one worker), the CNN preset (81) 4.94 s against
 * 3.86 s (1.28x: a team), the reference CNN (1,170) 3.06 s against 1.93 s.
 * Depends only on the model, never on a timing, so a link gives the same run
 * on the same device every time.
 */
export const MESSAGE_WORTH = 50;

/**
 * The same rule through shared memory, where a batch costs each worker a copy
 * of the gradient out, one in per other worker, an addition and the optimiser
 * step: measured in the train page's workers on the same machine (quiet), 2
 * workers took 1.0-1.45x the time of 1 for the MLP (32 per float), 0.86x for
 * the CNN preset (81) and 0.75x for the reference CNN (1,170). Since the
 * ranks watch before they sleep (exchange.js SPIN_MS) and copy through
 * lib/shared-bridge.js, 2 workers take the MLP's epoch 1.30x faster on that
 * machine (2026-12-02), but with more workers each adds one more gradient a
 * batch (the bench's model: slower than 1 from 4 workers on), and on the Zen 3
 * machine 2 cores ran it 0.69x: "all" splits the MLP's units instead (split.js),
 * and keeps in one worker what cannot split.
 */
export const SHARED_WORTH = 50;

/**
 * How many workers train run r, and how: the settings' count, at most the
 * device's; split (split.js) where the page can share memory and the network
 * is an MLP that has a unit of layer 1 for each worker and most of its work
 * there (SPLIT_SHARE; for "all", enough of it: SPLIT_WORTH), unless
 * settings.exchange asks for another way (the bench, the tests); else "all"
 * (0) falls to 1 for a network whose gradient is large for its compute
 * (MESSAGE_WORTH, SHARED_WORTH). { workers, note, split }: note says why fewer.
 * @param {{ workers?: number, batch: number, exchange?: string }} s  @param {any} net  a Network (lib/convlab-nn.js)
 */
export function teamSize(s, net) {
  const device = deviceWorkers();
  const workers = Math.max(1, Math.min(s.workers > 0 ? s.workers : device, device));
  const shared = canShare();
  const layers = net.layers(), macs = multiplyAdds(layers), floats = net.paramFloats;
  const first = multiplyAdds(layers.slice(1, 2)); // layer 1's, a split's to divide
  const splits = workers > 1 && shared && (s.exchange ?? 'split') === 'split' && net.splitUnits >= workers && first >= SPLIT_SHARE * macs;
  const split = splits && (s.workers > 0 || first * s.batch >= SPLIT_WORTH);
  if (s.workers > 0 || workers === 1 || split || (!splits && (macs * s.batch) / floats >= (shared ? SHARED_WORTH : MESSAGE_WORTH))) return { workers, note: '', split };
  let note = 'without shared memory, trading this network’s large gradients every batch costs more than another core saves; choose a number of workers to try it';
  if (splits) note = 'a batch of this network is too small for its layer 1 to be worth splitting over cores; choose a number of workers to try it';
  else if (shared) note = 'even through shared memory, trading this network’s large gradients every batch can cost more than other cores save, depending on the device; choose a number of workers to try it';
  return { split: false, workers: 1, note };
}

/**
 * The team's state, kept in the worker between runs (helpers take time to start
 * and hold a copy of the images).
 */
const team = {
  /** @type {WorkerClient[]} */
  helpers: [],
  dataKey: '',     // what images the helpers hold
  runId: null,     // the run whose model the helpers hold
  mode: '',
  /** @type {Exchange | null} */
  x: null,
  attached: /** @type {Promise<any>[]} */ ([]),
  scratch: 0,      // P floats in the worker's engine, where a helper's gradient is copied to be added
  floats: 0,
  k: 0,            // steps through the shared memory since the helpers attached
  /** @type {(Float32Array | null)[]} */
  spare: [],       // by helper, through messages: its last gradient's buffer, to carry its next parameters
  /** @type {{ values: Float32Array, rows: Float32Array } | null} */
  region: null,    // split: the shared region's parts (split.js)
  /** @type {import('./split.js').Look & import('./split.js').BatchLook} */
  look: { batches: 0, wall: 0, own: 0, ownN: 0, n: 0 }, // the team's speed since the worker last looked (split.js rebalance, batchLook)
  stale: null,     // split: the model whose helpers' rows of layer 1 are newer than its own (whole)
};

/** The helpers lose their images (the data in use changed). */
export function forgetData() {
  team.dataKey = '';
}

/** Helpers in shared memory go back to their message loops (before anything else is asked of them). */
async function detach() {
  if (!team.x) return;
  team.x.send(CMD_QUIT);
  await Promise.allSettled(team.attached);
  team.x = null;
  team.attached = [];
}

/**
 * count helpers, each loading the worker's build (cl: its engine): every rank's
 * part must be the same arithmetic (a relaxed build fuses multiply-adds). Throws
 * when a helper runs another build.
 */
async function resize(count, cl) {
  await detach();
  while (team.helpers.length > count) team.helpers.pop().worker.terminate();
  team.spare.length = Math.min(team.spare.length, count); // the buffers of helpers that are gone
  const fresh = [];
  while (team.helpers.length + fresh.length < count) {
    fresh.push(new WorkerClient(new URL('./helper.js', import.meta.url)));
  }
  if (fresh.length) {
    try {
      const builds = await Promise.all(fresh.map((h) => h.call('init', { simd: cl.simd, relaxed: cl.relaxed })));
      const other = builds.find((b) => b.buildName !== cl.buildName);
      if (other) throw new Error(`a helper runs ${other.buildName} where this worker runs ${cl.buildName}`);
    } catch (e) {
      fresh.forEach((h) => h.worker.terminate());
      throw e;
    }
    team.helpers.push(...fresh);
    team.dataKey = '';
    team.runId = null;
  }
}

/**
 * Waits until every helper has entered its shared-memory loop (each adds 1 to
 * the arrivals as it does); throws when one cannot (its attach failed: the
 * memory could not be shared with it) or none did within ATTACH_MS.
 */
async function attachedAll(x, attached) {
  let failed = null;
  attached.forEach((p) => p.catch((e) => { failed ??= e; }));
  const t0 = performance.now();
  while (x.arrivals() < x.workers - 1) {
    if (failed) throw failed;
    if (performance.now() - t0 > ATTACH_MS) throw new Error('the helpers did not take the shared memory');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * How run r's team trades: 'messages', 'shared' (gradients, typed arrays
 * copy), 'shared, bridge' (gradients, lib/shared-bridge.js), 'split' (layer
 * 1's units, typed arrays copy) or 'split, bridge'.
 */
export function exchangeWay(r) {
  if (r.exchange !== 'shared' && r.exchange !== 'split') return r.exchange ?? null;
  return team.x?.bridge ? `${r.exchange}, bridge` : r.exchange;
}

/**
 * Makes the team of run r ready: W - 1 helpers with r's images and a model
 * of its spec, and the exchange: r.exchange, 'shared' where the page can
 * share memory (or what r.settings.exchange asks, for the bench), else
 * 'messages'; it becomes 'messages' when the helpers cannot take the shared
 * memory, and r.workers 1 (with r.teamNote saying why) when helpers cannot be had.
 * @param {WorkerState} w
 */
export async function ready(w, r) {
  if (r.workers <= 1) return;
  // a split asked for where the network cannot split (teamSize): the batch is split
  const asked = r.settings.exchange === 'split' ? undefined : r.settings.exchange;
  r.exchange ??= asked ?? (canShare() ? 'shared' : 'messages');
  const mode = r.exchange;
  if (team.runId === r.id && team.helpers.length === r.workers - 1 && team.mode === mode) return;
  whole(w); // the helpers leave their models: the rows they own first
  try {
    await resize(r.workers - 1, w.cl);
    await detach();
    const key = `${r.images}|${r.labels}|${r.nTrain}|${r.settings.shufflePixels}`;
    if (team.dataKey !== key) {
      team.dataKey = '';
      await Promise.all(team.helpers.map((h) => {
        const images = w.cl.u8(r.images, r.nTrain * IMAGE_PIXELS).slice(); // slice: one memcpy
        const labels = w.cl.u8(r.labels, r.nTrain).slice();
        return h.call('data', { images, labels }, [images.buffer, labels.buffer]);
      }));
      team.dataKey = key;
    }
    const s = r.settings, net = w.model, now = net.settings;
    await Promise.all(team.helpers.map((h) => h.call('model', {
      spec: s.spec, seed: s.seed, loss: now.loss, optimizer: now.optimizer, lr: now.lr, momentum: now.momentum, l2: now.l2,
    })));
    team.runId = r.id;
    team.floats = net.paramFloats;
    w.cl.free(team.scratch);
    team.scratch = w.cl.alloc(4 * Math.max(team.floats, net.splitRowsFloats(0, net.splitUnits)));
    team.mode = mode;
    team.stale = null;
    // chosen: a number of workers the student chose, kept (split.js lostAgain); settings.teamLook
    // (the tests): { every, ratio } in place of LOOK and ALONE_RATIO or SOLO_RATIO
    team.look = { batches: 0, wall: 0, own: 0, ownN: 0, n: 0, chosen: s.workers > 0, ...(s.teamLook ?? {}) };
    if (mode === 'split') {
      const floats = regionFloats(net, s.batch);
      const { sab, memory } = exchangeMemory(r.workers, team.floats, floats);
      team.x = new Exchange(sab, r.workers, team.floats, floats);
      team.x.bridge = memory && r.settings.bridge !== false ? await sharedBridge(w.cl.memory, memory) : null;
      team.region = regionViews(team.x, net, s.batch);
      team.x.params.set(net.paramsView());
      team.k = 0;
      team.attached = team.helpers.map((h, i) => h.call('attach', { sab, memory: team.x.bridge ? memory : null, rank: i + 1, workers: r.workers, split: s.batch }));
      await attachedAll(team.x, team.attached);
    } else if (mode === 'shared') {
      const { sab, memory } = exchangeMemory(r.workers, team.floats);
      // settings.bridge false (the bench, the tests): copies by typed arrays, to compare
      const bridged = Boolean(memory) && r.settings.bridge !== false;
      team.x = new Exchange(sab, r.workers, team.floats);
      team.x.bridge = bridged ? await sharedBridge(w.cl.memory, /** @type {WebAssembly.Memory} */ (memory)) : null;
      team.x.params.set(w.model.paramsView());
      team.k = 0;
      team.attached = team.helpers.map((h, i) => h.call('attach', { sab, memory: team.x.bridge ? memory : null, rank: i + 1, workers: r.workers }));
      await attachedAll(team.x, team.attached);
    }
  } catch (e) {
    if (mode === 'split') {
      // the helpers could not take the shared memory this way: they split the batch instead
      team.runId = null;
      r.exchange = 'shared';
      r.teamNote ||= `layer 1 could not be split over the workers (${e.message}): they split each batch`;
      return ready(w, r);
    }
    if (mode === 'shared') {
      // memory that cannot be shared with them: the helpers take messages instead
      team.runId = null;
      r.exchange = 'messages';
      r.teamNote ||= `the workers trade by messages: ${e.message}`;
      return ready(w, r);
    }
    r.teamNote = `training in one worker: helpers could not start (${e.message})`;
    r.workers = 1;
    team.runId = null;
    await resize(0, w.cl).catch(() => {});
  }
}

/**
 * One batch of run r over the team: the examples order[pos .. pos + n) (idxPtr
 * points at them). Returns { loss, correct, n } as trainStepIdx does; throws
 * ConvlabError (STATUS.diverged) when a part's loss or a new weight is not
 * finite: nothing changes then.
 * @param {WorkerState} w
 */
export async function step(w, r, idxPtr, n) {
  const { cl, model: net } = w;
  const W = r.workers;
  const idx = cl.i32(idxPtr, n);
  if (team.mode === 'split') {
    team.stale = net;
    let out;
    const t0 = performance.now();
    try {
      out = leadBatch(team.x, team.k, net, r.images, r.labels, idxPtr, idx, team.region.values);
    } catch (e) {
      // a helper stopped answering (or an engine call failed): its rows cannot be had; the next run starts anew
      team.stale = null;
      team.runId = null;
      throw e;
    }
    team.k += 2;
    if (out.diverged) throw new ConvlabError(STATUS.diverged, 'the loss is not finite', 'training step');
    team.look.wall += performance.now() - t0;
    // a rank that computes slower (a core shared with other work) is given fewer units; a team
    // that loses to one worker (cores busy with other programs) leaves the rest of the run to it
    const looked = rebalance(team.x, team.k, net, cl, team.scratch, team.region.rows, team.look);
    team.k += looked.arrivals;
    if (looked.alone) {
      whole(w); // the same weights as the team's: one worker's step is a split step's bits
      leaveToWorker(r, 1, '(the device’s cores are busy with other work): training goes on in one worker, with the same weights');
    }
    return { loss: out.loss, correct: out.correct, n };
  }
  const t0 = performance.now();
  /** @type {Promise<any>[]} */
  let calls = [];
  if (team.mode === 'shared') {
    team.x.idx.set(idx);
    team.x.send(CMD_STEP, n, net.settings.lr);
  } else {
    const params = net.paramsView();
    calls = team.helpers.map((h, i) => {
      const [lo, hi] = partOf(n, W, i + 1);
      if (hi === lo) return null; // a batch smaller than the team: this helper has no part
      // the buffer this helper sent its last gradient in, else a new one: a 400 KB allocation
      // a batch (and its garbage) cost more than the copy
      let p = team.spare[i];
      team.spare[i] = null;
      if (p?.length !== params.length) p = new Float32Array(params.length);
      p.set(params);
      const part = idx.slice(lo, hi);
      return h.call('part', { params: p, idx: part, batch: n }, [p.buffer, part.buffer]).then((a) => ({ ...a, helper: i }));
    }).filter(Boolean);
  }
  const [lo, hi] = partOf(n, W, 0);
  const t1 = performance.now();
  const own = partGradients(net, r.images, r.labels, idxPtr + 4 * lo, hi - lo, n);
  const ownMs = performance.now() - t1;
  let parts;
  if (team.mode === 'shared') {
    parts = combine(team.x, ++team.k, 0, own, net, cl, team.scratch);
  } else {
    const helpers = await Promise.all(calls);
    parts = [own, ...helpers];
    if (!parts.some((p) => p.diverged)) {
      for (const p of helpers) {
        cl.f32(team.scratch, team.floats).set(p.grads);
        net.addGradients(team.scratch);
      }
    }
    for (const p of helpers) team.spare[p.helper] = p.grads;
  }
  if (parts.some((p) => p.diverged)) throw new ConvlabError(STATUS.diverged, 'the loss is not finite', 'training step');
  net.applyGradients();
  // a team that loses to one worker (cores busy with other programs) leaves the rest of the run to it,
  // which computes the team's parts in turn (soloStep): the same weights
  if (batchLook(team.look, performance.now() - t0, ownMs, hi - lo, n)) {
    leaveToWorker(r, W, `(other work on the device’s cores, or the cost of trading the gradients): training goes on in one worker, which computes each batch’s ${W} parts in turn, for the same weights as ${W} workers`);
    await detach(); // helpers in shared memory go back to their message loops
  }
  return merged(parts, n);
}

/**
 * Run r's team lost to one worker: the rest of the run is the worker's,
 * computing `parts` parts of each batch (soloStep; 1: the one-call step),
 * and the run says why (the note after "slower than one worker alone").
 */
function leaveToWorker(r, parts, why) {
  r.parts = parts;
  r.workers = 1;
  team.runId = null; // the next run starts its team anew
  r.teamNote = `the helper workers were slower than one worker alone ${why}`;
}

/** A batch's { loss, correct, n } from its parts'. */
function merged(parts, n) {
  let loss = 0, correct = 0;
  for (const p of parts) if (p.n) { loss += p.loss * p.n; correct += p.correct; }
  return { loss: loss / n, correct, n };
}

/**
 * One batch of run r, which a team of r.parts workers started and left to
 * the worker (step): the worker computes the team's parts in turn
 * (exchange.js soloGradients) and steps: the team's weights bit for bit.
 * Returns and throws as step.
 * @param {WorkerState} w
 */
export function soloStep(w, r, idxPtr, n) {
  const net = w.model;
  if (team.floats !== net.paramFloats) throw new Error('soloStep: no room for the parts’ sum');
  const parts = soloGradients(net, w.cl, r.images, r.labels, idxPtr, n, r.parts, team.scratch);
  if (parts.some((p) => p.diverged)) throw new ConvlabError(STATUS.diverged, 'the loss is not finite', 'training step');
  net.applyGradients();
  return merged(parts, n);
}

/**
 * Makes w's model whole before it is read (evaluated, shown, saved,
 * exported, or trained on alone): after a split team's steps, its rows of
 * layer 1 that the helpers own, and their optimiser state, come from them.
 * Nothing to do for another team, or once done until the next step.
 * @param {WorkerState} w
 */
export function whole(w) {
  if (!team.stale || team.stale !== w.model || team.mode !== 'split' || !team.x) return;
  takeRows(team.x, team.k, w.model, w.cl, team.scratch, team.region.rows);
  team.k += 1;
  team.stale = null;
}
