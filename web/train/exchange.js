// train/exchange.js - how one batch is split over the train page's workers,
// and the shared memory through which they trade gradients when the page is
// cross-origin isolated (team.js drives it, helper.js answers).
//
// partOf(batch, workers, rank): the examples [lo, hi) of the batch that
// worker `rank` computes: the batch cut into `workers` parts in order, the
// first parts one example longer when it does not divide (rank 0's part is
// never empty; a helper's is when the batch is smaller than the team).
//
// Shared memory, an all-reduce (P = the model's cl_nn_param_floats):
//   int32 [0, 266)     generation (bumped for each command), arrivals, command,
//                      batch size; then per parity p and rank r, at
//                      8 + 3 (p MAX_WORKERS + r): diverged, correct, n; then at
//                      PARTS, PARTS_NEXT (MAX_WORKERS + 1 each): a split team's
//                      units of layer 1 by rank, and those it moves to (split.js)
//   float64 from byte 1088: per parity p and rank r, its part's mean loss; the
//                      learning rate; per rank, milliseconds of computing (split.js)
//   int32 idx          MAX_BATCH: the batch's example indices
//   float32 params     P: the parameters every worker starts from (written once, at attach)
//   float32 slots      2 parities x W x P: the gradient of each rank's part
//                      (a team that splits layer 1's units instead, split.js:
//                      its own region there, the batch's values and the rows)
// Per step k (1, 2, ...), parity k % 2: the worker writes idx and the rate and
// bumps the generation; every rank computes its part, writes its slot and its
// numbers, and arrives (adds 1 to arrivals); once arrivals reach
// (W - 1) + k W (the helpers arrived once when they attached), every rank adds
// the slots in rank order, g0 + g1 + ..., and takes the same optimiser step
// from the same bits: all W models stay equal without sending parameters. The
// parities keep a slow rank's reading of step k apart from the writes of step
// k + 1. Atomics' order makes the plain writes before each bump or arrival
// seen after it.
// soloGradients: one engine computing a batch as a team of W would (its parts
// in turn, added in the same order): the run a team leaves to its worker.
// The block is a shared WebAssembly.Memory where the browser makes one, so that
// each rank's copies into and out of it are done by lib/shared-bridge.js (a
// block copy) instead of typed arrays (element by element): the same bits.
import { MAX_BATCH, MAX_WORKERS, STATUS } from '../lib/limits.js';

export { MAX_WORKERS };
export const CMD_STEP = 1;
export const CMD_QUIT = 2;
export const CMD_SPLIT = 3; // a batch of a team that splits the units (split.js)
export const CMD_ROWS = 4;  // the helpers' rows of layer 1 to the worker (split.js)
export const CMD_PART = 5;  // a split team's units dealt out again (split.js)

const STALL_MS = 60000; // a rank silent this long has failed (one batch of the largest network takes seconds)
/**
 * How long a rank watches the shared memory before it sleeps in Atomics.wait:
 * a rank woken from its sleep by Atomics.notify starts later (the core it had
 * may have halted), which small networks, whose batch takes a few tenths of a
 * millisecond, pay every batch. Measured in the train page's workers (AMD EPYC
 * Zen 5, 2 cores, 2026-12-02; 10 rounds, each one epoch with and one without,
 * in turn): the MLP's epoch with 2 workers 0.778 s against 0.838 s (median; 9
 * rounds of 10 faster), the reference CNN's 1.74 s against 1.71 s (6 rounds,
 * 3 each way: no change).
 */
const SPIN_MS = 0.25;

/** Watches ctrl[i] for up to SPIN_MS while it holds `value`; true when it moved. */
function spin(ctrl, i, value) {
  const end = performance.now() + SPIN_MS;
  do {
    for (let n = 0; n < 64; n++) if (Atomics.load(ctrl, i) !== value) return true;
  } while (performance.now() < end);
  return false;
}
const GEN = 0, ARRIVED = 1, CMD = 2, BATCH = 3, STATS = 8;
const PARTS = STATS + 6 * MAX_WORKERS, PARTS_NEXT = PARTS + MAX_WORKERS + 1, CTRL = PARTS_NEXT + MAX_WORKERS + 1;
// float64 region: the losses, the rate after them, then each rank's milliseconds
const NUM = 1088, LR = 2 * MAX_WORKERS, MS = LR + 1, NUMS = MS + MAX_WORKERS;
const HEAD_BYTES = 2048;
if (4 * CTRL > NUM || NUM + 8 * NUMS > HEAD_BYTES) throw new Error('exchange.js: the header does not fit');

/** The examples [lo, hi) of a batch of `batch` that worker `rank` of `workers` computes. */
export function partOf(batch, workers, rank) {
  return [Math.ceil((rank * batch) / workers), Math.ceil(((rank + 1) * batch) / workers)];
}

/**
 * Bytes of the shared memory for `workers` workers and P floats of
 * parameters; `split`: the floats of a split team's region (split.js) in
 * place of the gradients' slots.
 */
export function exchangeBytes(workers, floats, split = 0) {
  return HEAD_BYTES + 4 * MAX_BATCH + 4 * floats + 4 * (split || 2 * workers * floats);
}

/**
 * The shared block for `workers` workers and P floats: { sab, memory }, memory
 * the shared WebAssembly.Memory whose buffer sab is, or null where none can
 * be made (a plain SharedArrayBuffer then: no bridge).
 */
export function exchangeMemory(workers, floats, split = 0) {
  const bytes = exchangeBytes(workers, floats, split);
  try {
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    return { sab: /** @type {SharedArrayBuffer} */ (/** @type {unknown} */ (memory.buffer)), memory };
  } catch {
    return { sab: new SharedArrayBuffer(bytes), memory: null };
  }
}

export class Exchange {
  /** @param {SharedArrayBuffer} sab @param {number} workers @param {number} floats @param {number} [split] exchangeBytes' */
  constructor(sab, workers, floats, split = 0) {
    this.workers = workers;
    this.ctrl = new Int32Array(sab, 0, CTRL);
    this.num = new Float64Array(sab, NUM, NUMS);
    this.idx = new Int32Array(sab, HEAD_BYTES, MAX_BATCH);
    const at = HEAD_BYTES + 4 * MAX_BATCH;
    this.params = new Float32Array(sab, at, floats);
    /** @type {Float32Array[][]} by parity, then rank (none in a split team) */
    this.slots = split ? [] : [0, 1].map((p) => Array.from({ length: workers }, (_, r) => new Float32Array(sab, at + 4 * floats * (1 + p * workers + r), floats)));
    /** A split team's region (split.js), or null. */
    this.region = split ? new Float32Array(sab, at + 4 * floats, split) : null;
    /** This rank's copier between its engine and the block (lib/shared-bridge.js), or null: typed arrays. */
    this.bridge = null;
  }
  generation() { return Atomics.load(this.ctrl, GEN); }
  arrivals() { return Atomics.load(this.ctrl, ARRIVED); }
  command() { return Atomics.load(this.ctrl, CMD); }
  batch() { return this.ctrl[BATCH]; }
  lr() { return this.num[LR]; }

  /**
   * A split team's units of layer 1: bounds[r], bounds[r + 1] are rank r's
   * (`next`: those a repartition moves to); null when none were set.
   */
  parts(next = false) {
    const at = next ? PARTS_NEXT : PARTS, W = this.workers;
    if (this.ctrl[at + W] === 0) return null;
    return Array.from(this.ctrl.subarray(at, at + W + 1));
  }
  /** Sets them (the worker, between commands). @param {number[]} bounds @param {boolean} [next] */
  setParts(bounds, next = false) {
    this.ctrl.set(bounds, next ? PARTS_NEXT : PARTS);
  }
  /** Rank r has computed `ms` more milliseconds (its own counter, read by the worker). */
  addMs(rank, ms) { this.num[MS + rank] += ms; }
  /** Every rank's milliseconds so far. */
  ms() { return Array.from(this.num.subarray(MS, MS + this.workers)); }

  /** The worker: starts a command (idx written before); the helpers wake. */
  send(command, batch = 0, lr = 0) {
    this.ctrl[CMD] = command;
    this.ctrl[BATCH] = batch;
    this.num[LR] = lr;
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
  }

  /** A helper: blocks until the generation moves past `seen`; returns the new one. */
  waitCommand(seen) {
    spin(this.ctrl, GEN, seen);
    for (;;) {
      Atomics.wait(this.ctrl, GEN, seen, 10000);
      const g = Atomics.load(this.ctrl, GEN);
      if (g !== seen) return g;
    }
  }

  /** A helper has entered its loop (before the first command). */
  attached() {
    Atomics.add(this.ctrl, ARRIVED, 1);
    Atomics.notify(this.ctrl, ARRIVED);
  }

  /** Rank r's part of step k is written (its slot, then these numbers). */
  arrive(k, rank, { diverged, correct, n, loss }) {
    const s = STATS + 3 * ((k % 2) * MAX_WORKERS + rank);
    this.ctrl[s] = diverged ? 1 : 0;
    this.ctrl[s + 1] = correct;
    this.ctrl[s + 2] = n;
    this.num[(k % 2) * MAX_WORKERS + rank] = loss;
    Atomics.add(this.ctrl, ARRIVED, 1);
    Atomics.notify(this.ctrl, ARRIVED);
  }

  /**
   * Waits until every rank has arrived at step k; then every part's numbers,
   * by rank. Throws when no rank arrived for STALL_MS (a worker that crashed:
   * the run ends with an error rather than hang).
   */
  gather(k) {
    const want = this.workers - 1 + k * this.workers;
    for (let a; (a = Atomics.load(this.ctrl, ARRIVED)) < want;) if (!spin(this.ctrl, ARRIVED, a)) break;
    let t0 = performance.now(), last = -1;
    for (let a; (a = Atomics.load(this.ctrl, ARRIVED)) < want;) {
      if (a !== last) { last = a; t0 = performance.now(); }
      if (performance.now() - t0 > STALL_MS) throw new Error('a helper worker stopped answering');
      Atomics.wait(this.ctrl, ARRIVED, a, 1000);
    }
    const out = [];
    for (let r = 0; r < this.workers; r++) {
      const s = STATS + 3 * ((k % 2) * MAX_WORKERS + r);
      out.push({ diverged: this.ctrl[s] === 1, correct: this.ctrl[s + 1], n: this.ctrl[s + 2], loss: this.num[(k % 2) * MAX_WORKERS + r] });
    }
    return out;
  }
}

/**
 * Rank `rank`'s part of step k is in its model's gradient buffer (zeros for
 * an empty part): writes it to its slot, arrives, waits for every rank, and
 * leaves g0 + g1 + ... (in rank order; an empty part adds nothing, as
 * through messages and in soloGradients) in the gradient buffer, unless a
 * part diverged. `scratch`: P floats in the rank's engine. Returns every
 * part's numbers.
 * @param {Exchange} x  @param {any} net  a Network (lib/convlab-nn.js)  @param {any} cl  its engine
 */
export function combine(x, k, rank, own, net, cl, scratch) {
  const p = k % 2, W = x.workers, P = net.paramFloats, b = x.bridge, slot = x.slots[p];
  if (b) b.put(slot[rank].byteOffset, net.gradsPtr, 4 * P);
  else slot[rank].set(net.gradsView());
  x.arrive(k, rank, own);
  const parts = x.gather(k);
  if (parts.some((q) => q.diverged)) return parts;
  const add = (r) => {
    if (!parts[r].n) return;
    if (b) return b.add(net.gradsPtr, slot[r].byteOffset, P);
    cl.f32(scratch, P).set(slot[r]);
    net.addGradients(scratch);
  };
  if (rank === 0) for (let r = 1; r < W; r++) add(r);
  else if (W === 2 && parts[rank].n) add(0); // g1 + g0: the same bits as g0 + g1 (one addition commutes)
  else {
    if (b) b.get(net.gradsPtr, slot[0].byteOffset, 4 * P);
    else net.gradsView().set(slot[0]);
    for (let r = 1; r < W; r++) add(r);
  }
  return parts;
}

/**
 * The gradient of a part of a batch of `batch`: n examples at idxPtr (n > 0)
 * into net's gradient buffer; { loss, correct, n, diverged }, a part whose
 * loss is not finite diverged (loss NaN) rather than thrown.
 * @param {any} net  a Network (lib/convlab-nn.js)
 */
export function partGradients(net, images, labels, idxPtr, n, batch) {
  try {
    return { ...net.gradientsIdx(images, labels, idxPtr, n, batch), diverged: false };
  } catch (e) {
    if (e?.status !== STATUS.diverged) throw e;
    return { loss: NaN, correct: 0, n, diverged: true };
  }
}

/**
 * One engine computes a batch as a team of W would: part after part
 * (partOf), each part's gradient added to the sum of those before it, so
 * the gradient buffer ends with g0 + g1 + ... made by the same additions as
 * combine's (g1 + g0 is g0 + g1's bits: one addition commutes), and the
 * optimiser step after it gives the team's weights bit for bit. The batch's
 * examples are at idxPtr (n int32s), `scratch` P floats in the engine.
 * Returns every part's { loss, correct, n, diverged }; stops at a part that
 * diverges.
 * @param {any} net  a Network (lib/convlab-nn.js)  @param {any} cl  its engine
 */
export function soloGradients(net, cl, images, labels, idxPtr, n, W, scratch) {
  const P = net.paramFloats, sum = scratch >> 2;
  const parts = [];
  let summed = false; // the gradient buffer holds the sum of the parts so far
  for (let r = 0; r < W; r++) {
    const [lo, hi] = partOf(n, W, r);
    if (hi === lo) { parts.push({ loss: 0, correct: 0, n: 0, diverged: false }); continue; }
    if (summed) { // kept in scratch (a view made now: the engine's calls may grow the memory)
      const grads = net.gradsPtr >> 2;
      new Float32Array(cl.memory.buffer).copyWithin(sum, grads, grads + P);
    }
    const part = partGradients(net, images, labels, idxPtr + 4 * lo, hi - lo, n);
    parts.push(part);
    if (part.diverged) return parts;
    if (summed) net.addGradients(scratch); // g_r + (g0 + ... + g_r-1)
    summed = true;
  }
  return parts;
}
