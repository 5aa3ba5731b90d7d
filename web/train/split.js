// train/split.js - a team that splits the units of layer 1 instead of the
// batch (core/cl_nn.h, "model-parallel training"), for a network whose layer 1
// is dense with relu, sigmoid or tanh after it (an MLP), on a cross-origin
// isolated page. Rank k owns the units partOf(units, W, k): each batch, every
// rank computes its units' values for all the batch's examples, the ranks
// trade those values through shared memory (batch x units floats: 16 KB for
// the MLP's 32 x 128, where the batch-split team trades a 400 KB gradient),
// then each runs the rest of the network itself, the same bits on every rank,
// and updates its own rows of layer 1 and all the other parameters. No
// gradient is summed, so the weights are one worker's bit for bit, whatever W.
//
// The worker's own model then holds stale rows of layer 1 (the helpers'):
// team.js asks for them (CMD_ROWS) before anything reads the model whole.
//
// The shared region (Exchange.region, after exchange.js's header, idx and params):
//   float32 values   batch x units: row i's columns [u0, u1) written by their owner
//   float32 rows     cl_nn_split_rows_floats(0, units): the rows of layer 1 and
//                    their optimiser state, unit by unit (the engine's layout of one)
// Per batch, two arrivals (exchange.js arrive/gather, the phase counting
// them): the values written; then each rank's step taken (or diverged: the
// ranks that took theirs take them back, so all stay equal).
//
// The units are dealt out evenly at first (the header's parts, exchange.js).
// Each rank counts the milliseconds it computes (its units forward, its step:
// not the waiting); every LOOK batches the worker checks that the team is not
// slower than one worker would be (losing: else it trains alone), and every
// REBALANCE batches it compares the ranks' speeds and, where one is slower (a
// core shared with other work, a little core), deals the units out again in
// proportion (balance): one arrival, each rank's rows and their optimiser
// state through the region's rows (repartition). Each unit's sums are the
// same whoever computes it, so the bits do not change, only who waits.
// batchLook is the same watch for a team that splits the batch (team.js).
import { ConvlabError, STATUS } from '../lib/convlab.js';
import { partOf, CMD_SPLIT, CMD_ROWS, CMD_PART, CMD_QUIT } from './exchange.js';

/**
 * The least share of a forward pass's multiply-adds in layer 1 for a split:
 * each of W workers computes layer 1 / W and all the rest (the MLP
 * 784-128-10: 0.99).
 */
export const SPLIT_SHARE = 0.5;

/**
 * The least multiply-adds of layer 1 in a batch for which "all cores" splits:
 * a batch costs a split team about 40 us more than one worker (two arrivals,
 * the copies, the cores shared with the page). Measured in the train page's
 * workers (AMD EPYC Zen 5, 2 cores, 2026-12-03), one 60,000-image epoch, batch
 * 32, 1 worker against 2 split: 784-16-10 (0.4 M a batch) 0.11-0.13 s against
 * 0.14-0.21 s; 784-48-10 (1.2 M) 0.26 s against 0.20-0.26 s; 784-128-10 (3.2
 * M) 0.62-0.65 s against 0.40-0.49 s. A chosen number of workers splits any
 * MLP that has a unit for each.
 */
export const SPLIT_WORTH = 2e6;

const NONE = { diverged: false, correct: 0, n: 0, loss: 0 };

/** Floats of the shared region for a split of net's units, batches of up to `batch`. */
export function regionFloats(net, batch) {
  const units = net.splitUnits;
  return batch * units + net.splitRowsFloats(0, units);
}

/** The region's parts: { values, rows } (Float32Array views of the shared memory). */
export function regionViews(x, net, batch) {
  const at = batch * net.splitUnits;
  return { values: x.region.subarray(0, at), rows: x.region.subarray(at) };
}

/** Units [u0, u1) of layer 1 that rank `rank` of W owns when they are dealt out evenly. */
export const unitsOf = (net, W, rank) => partOf(net.splitUnits, W, rank);

/**
 * The team's units of layer 1 now, as bounds (rank r's: [b[r], b[r + 1])):
 * the header's, else dealt out evenly.
 * @returns {number[]}
 */
function currentBounds(x, net) {
  return x.parts() ?? Array.from({ length: x.workers + 1 }, (_, r) => partOf(net.splitUnits, x.workers, r)[0]);
}

/** Units [u0, u1) of layer 1 that rank `rank` owns now. @returns {number[]} */
function ownedBy(x, net, rank) {
  const b = currentBounds(x, net);
  return [b[rank], b[rank + 1]];
}

/** Batches between two looks at the team's speed (about 20 ms of the MLP's training on 2 cores). */
export const LOOK = 100;
/** Batches between two comparisons of the ranks' speeds (REBALANCE_GAIN is above their noise over as many). */
export const REBALANCE = 300;
/** The least gain (the slowest rank's time, predicted) worth dealing the units out again. */
export const REBALANCE_GAIN = 0.1;

/**
 * The units dealt out again from how fast each rank went: rank r had
 * bounds[r + 1] - bounds[r] of `units` and computed for ms[r] milliseconds;
 * new counts in proportion to its units a millisecond, each at least one.
 * Returns the new bounds, or null when the slowest rank's time would not
 * drop by REBALANCE_GAIN (or a time is not a positive number).
 * @param {number[]} bounds @param {number[]} ms
 */
export function balance(bounds, ms) {
  const W = ms.length, units = bounds[W];
  if (W < 2 || !ms.every((t) => t > 0 && Number.isFinite(t))) return null;
  const speed = ms.map((t, r) => (bounds[r + 1] - bounds[r]) / t);
  const total = speed.reduce((a, b) => a + b, 0);
  const next = [0];
  let sum = 0;
  for (let r = 0; r < W; r++) {
    sum += speed[r];
    const want = r === W - 1 ? units : Math.round((units * sum) / total);
    // at least one unit each, and room for one for each rank after
    next.push(Math.min(units - (W - 1 - r), Math.max(next[r] + 1, want)));
  }
  const slowest = (b) => Math.max(...speed.map((v, r) => (b[r + 1] - b[r]) / v));
  if (next.every((v, r) => v === bounds[r]) || slowest(next) > (1 - REBALANCE_GAIN) * slowest(bounds)) return null;
  return next;
}

/**
 * Rank `rank`'s part of one batch, phases phase + 1 and phase + 2: the
 * examples at idxPtr (n, in its engine) forward through its units, the values
 * traded, the step. Returns { loss, correct, n, diverged } (the batch's: every
 * rank's the same); diverged: no rank's model changed.
 * @param {import('./exchange.js').Exchange} x  @param {any} net  a Network (lib/convlab-nn.js)
 */
export function splitBatch(x, phase, rank, net, images, labels, idxPtr, n, values) {
  const units = net.splitUnits;
  const [u0, u1] = ownedBy(x, net, rank);
  const t0 = performance.now();
  net.splitForward(images, labels, idxPtr, n, u0, u1);
  const t1 = performance.now();
  const b = x.bridge, at = net.splitValuesPtr;
  const mine = b ? null : net.splitValues(n);
  if (b) b.putRows(values.byteOffset + 4 * u0, at + 4 * u0, 4 * (u1 - u0), 4 * units, n);
  else for (let i = 0; i < n; i++) values.set(mine.subarray(i * units + u0, i * units + u1), i * units + u0);
  x.arrive(phase + 1, rank, NONE);
  x.gather(phase + 1);
  // every rank's columns (its own come back as they went)
  if (b) b.get(at, values.byteOffset, 4 * n * units);
  else mine.set(values.subarray(0, n * units));
  let own;
  const t2 = performance.now();
  try {
    own = { ...net.splitStep(n, u0, u1), diverged: false };
  } catch (e) {
    if (!(e instanceof ConvlabError && e.status === STATUS.diverged)) throw e;
    own = { loss: NaN, correct: 0, n, diverged: true };
  }
  x.addMs(rank, t1 - t0 + performance.now() - t2);
  x.arrive(phase + 2, rank, own);
  const diverged = x.gather(phase + 2).some((p) => p.diverged);
  if (diverged && !own.diverged) net.splitUndo();
  return { ...own, diverged };
}

/**
 * A helper, phase + 1: its rows of layer 1 and their optimiser state into
 * the region, for the worker (takeRows). scratch: rowsFloats of its engine.
 */
export function putRows(x, phase, rank, net, cl, scratch, rows) {
  writeRows(ownedBy(x, net, rank), net, cl, scratch, rows);
  x.arrive(phase + 1, rank, NONE);
}

/**
 * Rows [u0, u1) of layer 1 and their optimiser state into the region's rows,
 * a unit at a time (the engine lays a range out array by array: unit by unit,
 * any rank can read any units back, whoever wrote them).
 * @param {number[]} units
 */
function writeRows([u0, u1], net, cl, scratch, rows) {
  const floats = net.splitRowsFloats(0, 1), mine = cl.f32(scratch, floats);
  for (let u = u0; u < u1; u++) {
    net.splitGetRows(u, u + 1, scratch);
    rows.set(mine, u * floats);
  }
}

/** Rows [u0, u1) from the region's rows into net (writeRows' layout). @param {number[]} units */
function readRows([u0, u1], net, cl, scratch, rows) {
  const floats = net.splitRowsFloats(0, 1), mine = cl.f32(scratch, floats);
  for (let u = u0; u < u1; u++) {
    mine.set(rows.subarray(u * floats, (u + 1) * floats));
    net.splitSetRows(u, u + 1, scratch);
  }
}

/** The worker, phase + 1: every helper's rows into its own model (CMD_ROWS), which is then whole. */
export function takeRows(x, phase, net, cl, scratch, rows) {
  x.send(CMD_ROWS);
  x.arrive(phase + 1, 0, NONE);
  x.gather(phase + 1);
  for (let r = 1; r < x.workers; r++) readRows(ownedBy(x, net, r), net, cl, scratch, rows);
}

/**
 * Rank `rank`, phase + 1 (CMD_PART): the units dealt out again as the
 * header's next parts say: its rows (and their optimiser state) into the
 * region, then, once every rank's are there, those of its new units from it.
 */
export function movedRows(x, phase, rank, net, cl, scratch, rows) {
  writeRows(ownedBy(x, net, rank), net, cl, scratch, rows);
  x.arrive(phase + 1, rank, NONE);
  x.gather(phase + 1);
  const next = /** @type {number[]} */ (x.parts(true));
  readRows([next[rank], next[rank + 1]], net, cl, scratch, rows);
}

/**
 * The worker, phase + 1: the units dealt out as `bounds` say (every rank's
 * rows moved, movedRows), from the next batch on.
 * @param {number[]} bounds
 */
export function repartition(x, phase, net, cl, scratch, rows, bounds) {
  x.setParts(bounds, true);
  x.send(CMD_PART);
  movedRows(x, phase, 0, net, cl, scratch, rows);
  // every rank has read its new rows (the gather above waited for all to write theirs, and
  // nothing writes the region's rows again before the next batch's arrivals)
  x.setParts(bounds);
}

/**
 * How many times one worker's time (estimated from the worker's own speed
 * on its units) a split team's batches may take before the worker trains
 * alone: where other work holds the cores, each of a batch's two arrivals
 * can wait for a time slice of the scheduler (milliseconds, for a batch of
 * a tenth of one). Measured in the train page (Zen 5 VM, 2 cores, one busy
 * with a loop of another program): the MLP's epoch split over 2 workers 1.78
 * s, in one 0.64 s. Quiet, the team's batches take 0.52-1.13 of the estimate
 * (median 0.59, 55 looks over 3 epochs).
 */
export const ALONE_RATIO = 1.5;

/**
 * Whether a split team loses to one worker: its batches took wallMs (the
 * worker's time from a batch's start to its end, waits included) while the
 * worker computed its own `own` of `units` units in ownMs (a batch-split
 * team: its examples of the batches').
 */
export function losing(wallMs, ownMs, own, units, ratio = ALONE_RATIO) {
  return ownMs > 0 && wallMs > (ratio * ownMs * units) / own;
}

/**
 * @typedef {object} Look  the worker's view of its split team since it last looked
 * @property {number} batches  since the team started
 * @property {number} wall  the worker's milliseconds in its batches since the last look (team.js adds them)
 * @property {number[] | null} [seen]  every rank's milliseconds of computing at the last look
 * @property {number[] | null} [ms]  the same, at the last comparison of the ranks' speeds
 * @property {number} [every]  batches between two looks (LOOK); the ranks' speeds compared every third
 * @property {number} [ratio]  ALONE_RATIO
 * @property {number} [lost]  looks in a row at which the team lost to one worker
 * @property {boolean} [chosen]  its size chosen by the student: kept (lostAgain)
 */

/**
 * The worker, after a batch: every LOOK batches, whether the team loses to
 * one worker (losing, at two looks in a row: then `alone`, and the caller
 * trains alone; lostAgain); every REBALANCE batches, the units dealt out again when the
 * ranks' speeds say so (balance). Returns { arrivals: those it took (0 or 1), alone }.
 * @param {Look} look
 */
export function rebalance(x, phase, net, cl, scratch, rows, look) {
  const none = { arrivals: 0, alone: false };
  const every = look.every ?? LOOK;
  if (++look.batches % every !== 0) return none;
  const now = x.ms(), wall = look.wall, seen = look.seen ?? now.map(() => 0);
  look.seen = now;
  look.wall = 0;
  const b = currentBounds(x, net);
  // two looks in a row: a moment's pause (a collection of garbage, another tab's burst) is not a loss
  if (lostAgain(look, wall > 0 && losing(wall, now[0] - seen[0], b[1] - b[0], net.splitUnits, look.ratio))) return { arrivals: 0, alone: true };
  if (look.batches % ((every * REBALANCE) / LOOK) !== 0) return none;
  const before = look.ms;
  look.ms = now;
  if (!before) return none; // the first comparison's counters include the code warming up: none yet
  const next = balance(b, now.map((t, r) => t - before[r]));
  if (!next) return none;
  repartition(x, phase, net, cl, scratch, rows, next);
  return { arrivals: 1, alone: false };
}

/**
 * The same watch over a team that splits the batch (team.js, exchange.js):
 * how many times the worker's estimate of one worker's time (its own part's
 * time, scaled to the whole batch) the team's batches may take before the
 * worker computes the team's parts alone (exchange.js soloGradients: the
 * team's weights bit for bit). Measured in the train page (Zen 5 VM, 2 cores,
 * 2026-12-03; the CNN preset, 2 workers through shared memory, looks of 100
 * batches): quiet 0.55-0.66, the team 1.7x faster than one worker; with a
 * loop of another program on one core 1.06-1.32, the team 1.28x slower than
 * one worker alone (the worker waits for the helper's part as long as it
 * computes its own). The estimate is high where the worker itself shares a
 * core (its own part takes longer), so a ratio over 1 is a loss; at a tie one
 * worker is the better choice too (the other cores left to the device).
 */
export const SOLO_RATIO = 1;

/**
 * @typedef {object} BatchLook  the worker's view of its batch-split team since it last looked
 * @property {number} batches  since the team started
 * @property {number} wall  the worker's milliseconds in its batches (waits included)
 * @property {number} own  of them, computing its own parts
 * @property {number} ownN  the examples of its parts
 * @property {number} n  the examples of the batches
 * @property {number} [every]  batches between two looks (LOOK; 0: none, the team kept whatever it costs)
 * @property {number} [ratio]  SOLO_RATIO
 * @property {number} [lost]  looks in a row at which the team lost to one worker
 * @property {boolean} [chosen]  its size chosen by the student: kept (lostAgain)
 */

/**
 * The worker, after a batch of a batch-split team: the batch took wallMs,
 * of which ownMs computing its own ownN of the batch's n examples. Every
 * LOOK batches, whether the team loses to one worker (losing); true at two
 * looks in a row (lostAgain): then the worker trains alone.
 * @param {BatchLook} look
 */
export function batchLook(look, wallMs, ownMs, ownN, n) {
  look.wall += wallMs;
  look.own += ownMs;
  look.ownN += ownN;
  look.n += n;
  const every = look.every ?? LOOK;
  if (!every || ++look.batches % every !== 0) return false;
  const lost = losing(look.wall, look.own, look.ownN, look.n, look.ratio ?? SOLO_RATIO);
  look.wall = look.own = look.ownN = look.n = 0;
  return lostAgain(look, lost);
}

/**
 * A look's verdict kept (lost: the team slower than one worker at it);
 * whether the worker now trains alone: two looks lost in a row (a moment's
 * pause, a collection of garbage or another tab's burst, is not a loss), by
 * a team whose size the lab chose ("all cores", the default). A number of
 * workers the student chose is what trains, to the end of the run: their
 * experiment, whatever it shows.
 * @param {{ lost?: number, chosen?: boolean }} look
 */
function lostAgain(look, lost) {
  look.lost = lost ? (look.lost ?? 0) + 1 : 0;
  return look.lost >= 2 && !look.chosen;
}

/**
 * The worker, phases phase + 1 and phase + 2: the batch whose indices are idx
 * (an Int32Array view of idxPtr in its engine) sent to every rank
 * (CMD_SPLIT, at the worker's rate) and its own part of it: splitBatch's result.
 */
export function leadBatch(x, phase, net, images, labels, idxPtr, idx, values) {
  x.idx.set(idx);
  x.send(CMD_SPLIT, idx.length, net.settings.lr);
  return splitBatch(x, phase, 0, net, images, labels, idxPtr, idx.length, values);
}

/**
 * A helper's answer to a split team's command after `phase` arrivals: a batch
 * (CMD_SPLIT: its indices copied into its engine at own.idx), its rows
 * (CMD_ROWS) or its units dealt out again (CMD_PART). Returns the arrivals after it.
 * @param {{ images: number, labels: number, idx: number, scratch: number, region: { values: Float32Array, rows: Float32Array } }} own
 *   its engine's images, labels, room for a batch's indices and for its rows; the region's views
 */
export function helperCommand(x, command, phase, rank, net, cl, own) {
  if (command === CMD_ROWS) {
    putRows(x, phase, rank, net, cl, own.scratch, own.region.rows);
    return phase + 1;
  }
  if (command === CMD_PART) {
    movedRows(x, phase, rank, net, cl, own.scratch, own.region.rows);
    return phase + 1;
  }
  const n = x.batch();
  cl.i32(own.idx, n).set(x.idx.subarray(0, n));
  splitBatch(x, phase, rank, net, own.images, own.labels, own.idx, n, own.region.values);
  return phase + 2;
}

/**
 * A helper of a split team, once its model holds the team's parameters:
 * says it is attached, then answers each command (helperCommand, the rate
 * of each batch taken first) until the worker says quit.
 * @param {import('./exchange.js').Exchange} x @param {any} net @param {any} cl
 * @param {Parameters<typeof helperCommand>[6]} own
 */
export function serveRank(x, rank, net, cl, own) {
  let seen = x.generation(), lr = net.settings.lr;
  x.attached();
  for (let phase = 0; ;) {
    seen = x.waitCommand(seen);
    const command = x.command();
    if (command === CMD_QUIT) return;
    if (command === CMD_SPLIT && x.lr() !== lr) net.setLr(lr = x.lr());
    phase = helperCommand(x, command, phase, rank, net, cl, own);
  }
}
