// engine.js - the kernels page's engine, in its worker (worker.js, through
// lib/worker-rpc.js), with a count of the work still outstanding, and a
// runner that keeps only the newest of the requests made while one is on
// its way (a slow 15 x 15 kernel on a big photo never queues up work).
import { WorkerClient } from '../lib/worker-rpc.js';

/**
 * Outstanding work (engine calls, images loading): 0 when the page shows the
 * result of everything asked so far. `onChange(count)` shows it (tests and
 * benchmarks wait on <body data-busy="0">).
 */
export class Busy {
  /** @param {(count: number) => void} onChange */
  constructor(onChange) {
    this.count = 0;
    this.onChange = onChange;
  }

  /** @param {number} delta */
  add(delta) {
    this.count += delta;
    this.onChange(this.count);
  }

  /**
   * One piece of work done, counted only after the caller's continuation has
   * had its turn, so that work it starts next (a preset, then the filter) overlaps.
   */
  doneSoon() {
    setTimeout(() => this.add(-1), 0);
  }
}

export class Engine {
  /** @param {Busy} busy */
  constructor(busy) {
    this.busy = busy;
    this.client = new WorkerClient(new URL('worker.js', import.meta.url));
  }

  /**
   * A request to the worker (its messages: worker.js), counted as outstanding until answered.
   * @param {string} type
   * @param {object} [args]
   * @param {Transferable[]} [transfer]
   * @returns {Promise<any>}
   */
  call(type, args = {}, transfer = []) {
    this.busy.add(1);
    const done = this.client.call(type, args, transfer);
    const settle = () => this.busy.doneSoon();
    done.then(settle, settle);
    return done;
  }
}

/**
 * Runs `run(job)` for one job at a time; jobs asked for meanwhile collapse
 * into the newest. `since` is when the oldest of the collapsed jobs was asked
 * for (an edit's time to pixels counts from the first edit not yet shown).
 * @template T
 */
export class Latest {
  /** @param {(job: T, since: number) => Promise<void>} run */
  constructor(run) {
    this.run = run;
    /** @type {T | null} */
    this.pending = null;
    this.since = null;
    this.running = false;
  }

  /** @param {T} job */
  ask(job) {
    this.since ??= performance.now();
    this.pending = job;
    if (!this.running) this.drain();
  }

  /** Forgets the job waiting, if any (what it would show is no longer wanted). */
  drop() {
    this.pending = null;
    this.since = null;
  }

  async drain() {
    this.running = true;
    while (this.pending) {
      const job = this.pending, since = this.since;
      this.drop();
      await this.run(job, since);
    }
    this.running = false;
  }
}
