// train/exchange.js - how one batch is split over the train page's workers,
// and the shared memory through which they trade it when the page is
// cross-origin isolated (team.js drives it, helper.js answers).
//
// partOf(batch, workers, rank): the examples [lo, hi) of the batch that
// worker `rank` computes: the batch cut into `workers` parts in order, the
// later parts one example longer when it does not divide.
//
// Shared memory (one SharedArrayBuffer; P = the model's cl_nn_param_floats):
//   int32 [0, 128)     generation (bumped for each command), done count, command,
//                      batch size; then per rank r: [8 + 3r] diverged, correct, n
//   float64 [64, 96)   per rank r: its part's mean loss (at most MAX_WORKERS ranks)
//   int32 idx          MAX_BATCH: the batch's example indices
//   float32 params     P: the parameters every worker computes with
//   float32 slots      (workers - 1) x P: the gradient of rank r >= 1 in slot r - 1
// The worker writes params and idx, then bumps the generation (Atomics.add,
// notify); each helper waits on it (Atomics.wait), computes its part, writes its
// slot and its numbers, and adds 1 to the done count (notify); the worker waits
// for workers - 1. Atomics' order makes the plain writes before each bump seen
// after it.
import { MAX_BATCH, MAX_WORKERS } from '../lib/limits.js';

export { MAX_WORKERS };
export const CMD_STEP = 1;
export const CMD_QUIT = 2;

const STALL_MS = 60000; // a helper silent this long has failed (one batch of the largest network takes seconds)
const GEN = 0, DONE = 1, CMD = 2, BATCH = 3, STATS = 8;
const HEAD_BYTES = 1024; // int32 header (512 bytes) and float64 losses (256 bytes), rounded up

/** The examples [lo, hi) of a batch of `batch` that worker `rank` of `workers` computes. */
export function partOf(batch, workers, rank) {
  return [Math.floor((rank * batch) / workers), Math.floor(((rank + 1) * batch) / workers)];
}

/** Bytes of the shared memory for `workers` workers and P floats of parameters. */
export function exchangeBytes(workers, floats) {
  return HEAD_BYTES + 4 * MAX_BATCH + 4 * floats * workers;
}

export class Exchange {
  /** @param {SharedArrayBuffer} sab @param {number} workers @param {number} floats */
  constructor(sab, workers, floats) {
    this.workers = workers;
    this.ctrl = new Int32Array(sab, 0, 128);
    this.loss = new Float64Array(sab, 512, MAX_WORKERS);
    this.idx = new Int32Array(sab, HEAD_BYTES, MAX_BATCH);
    const at = HEAD_BYTES + 4 * MAX_BATCH;
    this.params = new Float32Array(sab, at, floats);
    this.slots = [];
    for (let r = 1; r < workers; r++) this.slots.push(new Float32Array(sab, at + 4 * floats * r, floats));
  }
  generation() { return Atomics.load(this.ctrl, GEN); }
  doneCount() { return Atomics.load(this.ctrl, DONE); }
  command() { return Atomics.load(this.ctrl, CMD); }
  batch() { return this.ctrl[BATCH]; }
  /** The gradient slot of rank r >= 1. */
  slot(r) { return this.slots[r - 1]; }

  // ---- the worker (rank 0) ----

  /** Starts a command: params and idx are written; the helpers wake. */
  send(command, batch = 0) {
    this.ctrl[CMD] = command;
    this.ctrl[BATCH] = batch;
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
  }
  /**
   * Waits until every helper is done with the command; their numbers by rank
   * (1..). Throws when they have not answered for STALL_MS (a helper that
   * crashed: the run ends with an error rather than hang).
   */
  collect() {
    const want = this.workers - 1;
    let t0 = performance.now(), last = -1;
    for (let d; (d = Atomics.load(this.ctrl, DONE)) < want;) {
      if (d !== last) { last = d; t0 = performance.now(); }
      if (performance.now() - t0 > STALL_MS) throw new Error('a helper worker stopped answering');
      Atomics.wait(this.ctrl, DONE, d, 1000);
    }
    const out = [];
    for (let r = 1; r < this.workers; r++) {
      const s = STATS + 3 * r;
      out.push({ diverged: this.ctrl[s] === 1, correct: this.ctrl[s + 1], n: this.ctrl[s + 2], loss: this.loss[r] });
    }
    return out;
  }

  // ---- a helper ----

  /** A helper has entered its loop (before the first command). */
  arrived() {
    Atomics.add(this.ctrl, DONE, 1);
  }
  /** Blocks until the generation moves past `seen`; returns the new one. */
  waitCommand(seen) {
    for (;;) {
      Atomics.wait(this.ctrl, GEN, seen, 10000);
      const g = Atomics.load(this.ctrl, GEN);
      if (g !== seen) return g;
    }
  }
  /** A helper's part is written (its slot, then these numbers): the worker may read it. */
  done(rank, { diverged, correct, n, loss }) {
    const s = STATS + 3 * rank;
    this.ctrl[s] = diverged ? 1 : 0;
    this.ctrl[s + 1] = correct;
    this.ctrl[s + 2] = n;
    this.loss[rank] = loss;
    Atomics.add(this.ctrl, DONE, 1);
    Atomics.notify(this.ctrl, DONE);
  }
}
