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
//   float32 rows     cl_nn_split_rows_floats(0, units): rank k's rows (the
//                    engine's layout of a range) from u0 times a unit's floats
// Per batch, two arrivals (exchange.js arrive/gather, the phase counting
// them): the values written; then each rank's step taken (or diverged: the
// ranks that took theirs take them back, so all stay equal).
import { ConvlabError, STATUS } from '../lib/convlab.js';
import { partOf, CMD_SPLIT, CMD_ROWS } from './exchange.js';

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

/** Units [u0, u1) of layer 1 that rank `rank` of W owns. */
export const unitsOf = (net, W, rank) => partOf(net.splitUnits, W, rank);

/**
 * Rank `rank`'s part of one batch, phases phase + 1 and phase + 2: the
 * examples at idxPtr (n, in its engine) forward through its units, the values
 * traded, the step. Returns { loss, correct, n, diverged } (the batch's: every
 * rank's the same); diverged: no rank's model changed.
 * @param {import('./exchange.js').Exchange} x  @param {any} net  a Network (lib/convlab-nn.js)
 */
export function splitBatch(x, phase, rank, net, images, labels, idxPtr, n, values) {
  const units = net.splitUnits;
  const [u0, u1] = unitsOf(net, x.workers, rank);
  net.splitForward(images, labels, idxPtr, n, u0, u1);
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
  try {
    own = { ...net.splitStep(n, u0, u1), diverged: false };
  } catch (e) {
    if (!(e instanceof ConvlabError && e.status === STATUS.diverged)) throw e;
    own = { loss: NaN, correct: 0, n, diverged: true };
  }
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
  const [u0, u1] = unitsOf(net, x.workers, rank);
  const floats = net.splitRowsFloats(u0, u1);
  net.splitGetRows(u0, u1, scratch);
  rows.set(cl.f32(scratch, floats), u0 * net.splitRowsFloats(0, 1));
  x.arrive(phase + 1, rank, NONE);
}

/** The worker, phase + 1: every helper's rows into its own model (CMD_ROWS), which is then whole. */
export function takeRows(x, phase, net, cl, scratch, rows) {
  x.send(CMD_ROWS);
  x.arrive(phase + 1, 0, NONE);
  x.gather(phase + 1);
  for (let r = 1; r < x.workers; r++) {
    const [u0, u1] = unitsOf(net, x.workers, r);
    const at = u0 * net.splitRowsFloats(0, 1), floats = net.splitRowsFloats(u0, u1);
    cl.f32(scratch, floats).set(rows.subarray(at, at + floats));
    net.splitSetRows(u0, u1, scratch);
  }
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
 * (CMD_SPLIT: its indices copied into its engine at own.idx) or its rows
 * (CMD_ROWS). Returns the arrivals after it.
 * @param {{ images: number, labels: number, idx: number, scratch: number, region: { values: Float32Array, rows: Float32Array } }} own
 *   its engine's images, labels, room for a batch's indices and for its rows; the region's views
 */
export function helperCommand(x, command, phase, rank, net, cl, own) {
  if (command === CMD_ROWS) {
    putRows(x, phase, rank, net, cl, own.scratch, own.region.rows);
    return phase + 1;
  }
  const n = x.batch();
  cl.i32(own.idx, n).set(x.idx.subarray(0, n));
  splitBatch(x, phase, rank, net, own.images, own.labels, own.idx, n, own.region.values);
  return phase + 2;
}
