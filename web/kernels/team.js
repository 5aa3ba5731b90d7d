// team.js - the kernels page's worker and its helpers: a large kernel's
// filter split in bands of output rows over the device's cores (bands.js),
// with the bits of one whole-image call.
//
// The helpers (helper.js, one per extra core, at most MAX_HELPERS) start the
// first time a large kernel is applied and are kept; until they are ready,
// and wherever they cannot start or one fails, the worker computes alone, as
// it always has (filter() answers null: the caller makes the one call). Each
// helper has its own engine and a copy of the image's bytes, sent once per
// image. An edit sends the filter to each helper, the worker computes the
// first band meanwhile, and assembles the bytes and, when the display needs
// them (a colour scale of the whole output), the values, in its WASM memory;
// a picture clamped to 0-255 needs only the bytes and each band's largest
// |value|, so no float planes are made or sent. Where the worker is
// cross-origin isolated the bands are written in place in shared memory, 4
// an engine taken in turn (QUEUE_BANDS: a slower core takes fewer); else
// each engine makes one band and sends it back as transferred buffers.
import { DISPLAY } from '../lib/limits.js';
import { splitRows, filterBand } from './bands.js';

/** At most this many helpers (so 5 engines at once), whatever the device has. */
export const MAX_HELPERS = 3;

/**
 * The work (multiply-adds) from which a filter is split: below it, one call
 * costs about as much as a band and assembling the bands. Measured in node
 * (CPU time of the parts, 1050 x 700, a loaded machine): for 3x3 on colour
 * the worker's band and a helper's took 3.2 and 3.5 ms against 4-5 for the
 * whole; for 5x5 on colour 6-9 against 7.5-11 (no clear gain); from 7x7 on
 * colour (10 against 13-16) and 13x13 on gray the split took 0.55-0.75 of
 * the whole. So on a 1050 x 700 photo 3x3 and 5x5 on colour (20 and 55
 * million) and up to 11x11 on gray (89 million) stay whole; 7x7 on colour
 * (108 million), 13x13 on gray and larger split.
 */
export const SPLIT_MIN_WORK = 100e6;

/**
 * The multiply-adds of filter q for an output of oh x ow.
 * @param {import('./bands.js').BandFilter} q
 * @param {number} oh
 * @param {number} ow
 */
export function filterWork(q, oh, ow) {
  if (q.mode === 'magnitude') return 2 * 9 * 3 * oh * ow;
  return q.k1 * q.k2 * oh * ow * (q.mode === 'gray' ? 1 : 3);
}

/**
 * Through shared memory, the bands an engine of the team has to take in turn
 * (Atomics on one counter): a core that is slower (a little core of an ARM
 * Chromebook, one shared with other work) takes fewer, and the others do
 * the rest. Messages keep one band an engine: a band is asked for before it
 * is computed.
 */
export const QUEUE_BANDS = 4;

/** Helpers for a device of `cores` logical cores: one per core beyond the worker's. @param {number} cores */
export function helperCount(cores) {
  return Math.max(0, Math.min(MAX_HELPERS, (Number(cores) || 1) - 1));
}

/**
 * @typedef {object} HelperClient  a helper as the team talks to it (a WorkerClient's call, and an end)
 * @property {(type: string, args?: object, transfer?: Transferable[]) => Promise<any>} call
 * @property {() => void} terminate
 */

export class Team {
  /**
   * @param {object} o
   * @param {number} o.helpers  how many helpers to start (0: the worker always computes alone)
   * @param {(onError: (e: Error) => void) => HelperClient} o.makeHelper  starts one (may throw)
   * @param {boolean} o.shared  bands through shared memory (SharedArrayBuffer), else messages
   */
  constructor({ helpers, makeHelper, shared }) {
    this.size = helpers;
    this.makeHelper = makeHelper;
    this.shared = shared;
    /** 'idle' (none started), 'starting', 'ready', 'failed' (alone from now on) */
    this.state = helpers > 0 ? 'idle' : 'failed';
    /** @type {HelperClient[]} */
    this.helpers = [];
    this.serial = 0;
    this.busy = false;
    this.arrays = null; // the shared { z, rgba } of the last output size
    /** @type {({ z: Float32Array, rgba: Uint8ClampedArray } | null)[]} each helper's last band, sent back for its next */
    this.returned = [];
    /** @type {Int32Array | null} the next band to take, through shared memory */
    this.next = null;
    this.why = '';      // why the team failed, for tests and benchmarks
  }

  /** The image's RGBA bytes changed: the helpers get a copy (each its own) of `bytes`. @param {Uint8Array | Uint8ClampedArray} bytes @param {number} width @param {number} height */
  setImage(bytes, width, height) {
    this.serial++;
    if (this.state !== 'starting' && this.state !== 'ready') return;
    const serial = this.serial;
    for (const c of this.helpers) c.call('setImage', { data: bytes, width, height, serial }).catch((e) => this.fail(e));
  }

  /**
   * Starts the helpers (once), with the engine build `simd` and the image `bytes`; they are used once all are ready.
   * @param {boolean} simd @param {Uint8Array} bytes @param {number} width @param {number} height
   */
  start(simd, bytes, width, height) {
    if (this.state !== 'idle') return;
    this.state = 'starting';
    try {
      for (let i = 0; i < this.size; i++) this.helpers.push(this.makeHelper((e) => this.fail(e)));
    } catch (e) {
      this.fail(e);
      return;
    }
    const serial = this.serial;
    Promise.all(this.helpers.map(async (c) => {
      const r = await c.call('init', { simd });
      if (r.simd !== simd) throw new Error('a helper runs another build of the engine');
      await c.call('setImage', { data: bytes, width, height, serial });
    })).then(() => { if (this.state === 'starting') this.state = 'ready'; }, (e) => this.fail(e));
  }

  /** From now on the worker computes alone. @param {Error} [e] */
  fail(e) {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.why = e?.message ?? 'failed';
    for (const c of this.helpers) {
      try { c.terminate(); } catch { /* already gone */ }
    }
    this.helpers = [];
  }

  /** The shared arrays of an output of oh x ow (z: planes of floats, or null). @param {number} planes @param {number} oh @param {number} ow @param {boolean} values */
  sharedArrays(planes, oh, ow, values) {
    let a = this.arrays;
    if (!a || a.rgba.length !== 4 * oh * ow) a = this.arrays = { z: null, rgba: new Uint8Array(new SharedArrayBuffer(4 * oh * ow)) };
    if (values && a.z?.length !== planes * oh * ow) a.z = new Float32Array(new SharedArrayBuffer(4 * planes * oh * ow));
    return { z: values ? a.z : null, rgba: a.rgba };
  }

  /**
   * Filter q on the kept image (cl.keepRGBA) split in bands over the worker
   * and the helpers, shown with `display` (abs and diverging: scaled to the
   * whole output's largest |value|). into: 4*oh*ow bytes for the picture.
   * values: the caller wants the float values too (always with a display
   * other than clamp). Returns what cl.filterImage() returns (values: a view
   * of WASM memory, made again at each read, or null; rgba: `into`) and
   * `workers`, or null when the team is not ready (or has just failed): then
   * the caller computes alone.
   * @param {any} cl
   * @param {{ ptr: number, width: number, height: number }} image
   * @param {import('./bands.js').BandFilter} q
   * @param {number} display
   * @param {number} oh @param {number} ow @param {number} planes
   * @param {Uint8ClampedArray} into
   * @param {boolean} [values]
   */
  async filter(cl, image, q, display, oh, ow, planes, into, values = true) {
    if (this.state !== 'ready' || this.busy) return null;
    const engines = 1 + this.helpers.length;
    if (Math.min(engines, oh) < 2) return null; // one band: the caller's one call
    if (display !== DISPLAY.clamp) values = true;
    this.busy = true;
    try {
      const shared = this.shared ? this.sharedArrays(planes, oh, ow, values) : null;
      const serial = this.serial;
      const bands = splitRows(oh, shared ? QUEUE_BANDS * engines : engines);
      const n = planes * oh * ow;
      const pZ = values ? cl.scratch('bands-z', 4 * n) : 0;
      // the worker's bands go straight into its memory (z: a view made after each engine call)
      const own = { get z() { return values ? cl.f32(pZ, n) : null; }, rgba: into, row0: 0, rows: oh };
      let asks, maxAbs = 0;
      if (shared) {
        // every engine takes the next band until none is left; each helper answers with the ones it made
        const next = this.next ??= new Int32Array(new SharedArrayBuffer(4));
        Atomics.store(next, 0, 0);
        asks = this.helpers.map((h) => h.call('bands', { serial, q, bands, oh, values, shared, next }));
        for (let k; (k = Atomics.add(next, 0, 1)) < bands.length;) {
          const m = filterBand(cl, image, q, bands[k][0], bands[k][1], own);
          if (m > maxAbs) maxAbs = m;
        }
      } else {
        asks = bands.slice(1).map(([r0, r1], i) => {
          const reuse = this.returned[i] ?? null;
          this.returned[i] = null;
          const transfer = reuse ? [reuse.rgba.buffer, ...(reuse.z ? [reuse.z.buffer] : [])] : [];
          return this.helpers[i].call('band', { serial, q, r0, r1, ow, planes, values, reuse }, transfer)
            .then((a) => ({ ...a, done: [i + 1] }));
        });
        // the worker's band, while the helpers compute theirs
        maxAbs = filterBand(cl, image, q, bands[0][0], bands[0][1], own);
      }
      let answers;
      try {
        answers = await Promise.all(asks);
      } catch (e) {
        this.fail(e);
        return null;
      }
      const z = values ? cl.f32(pZ, n) : null;
      answers.forEach((a, i) => {
        if (a.maxAbs > maxAbs) maxAbs = a.maxAbs;
        for (const k of a.done) {
          const [r0, r1] = bands[k], rows = r1 - r0;
          const from = shared ?? a;
          for (let p = 0; z && p < planes; p++) {
            const at = shared ? (p * oh + r0) * ow : p * rows * ow;
            z.set(from.z.subarray(at, at + rows * ow), (p * oh + r0) * ow);
          }
          const at = shared ? 4 * r0 * ow : 0;
          into.set(from.rgba.subarray(at, at + 4 * rows * ow), 4 * r0 * ow);
        }
        if (!shared) this.returned[i] = { z: a.z, rgba: a.rgba };
      });
      const rgba = display === DISPLAY.clamp ? into : cl.viewToRGBA(z, planes, oh, ow, display, into);
      // values: made at each read, as a call that grows WASM memory (a display mapping of the
      // whole output, whose buffer the bands did not need) detaches any view made before it
      // workers: the engines the work was shared out to (through shared memory, a late one may have found none left)
      return { rgba, get values() { return values ? cl.f32(pZ, n) : null; }, maxAbs, width: ow, height: oh, planes, workers: Math.min(engines, bands.length) };
    } finally {
      this.busy = false;
    }
  }
}
