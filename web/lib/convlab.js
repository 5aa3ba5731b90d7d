// convlab.js - the only code that touches the WebAssembly exports (with
// lib/convlab-nn.js, its models and IDX files, which it calls, and
// lib/shared-bridge.js, the train workers' copies through shared memory).
//
//   import { loadConvlab } from './convlab.js';
//   const cl = await loadConvlab();            // relaxed SIMD, else SIMD, where the browser validates it
//   console.log(cl.buildName);                 // 'WebAssembly SIMD (relaxed)', 'WebAssembly SIMD', ...
//   const out = cl.filterImage(imageData, { kernel, k1: 3, k2: 3, mode: 'per-channel' });
//
// Works in browsers and in node (pass { bytes } read from the .wasm file).
// Buffers inside WASM memory are owned by this module: every alloc has its
// free, and typed-array views are made fresh after anything that can grow
// memory (a grown memory detaches the old views).
import { PAD, DISPLAY, MAX_KERNEL, FILTER_MODE, FILTER_PARAMS_BYTES } from './limits.js';
import { ConvlabError } from './convlab-error.js';
import * as nn from './convlab-nn.js';
import { simdSupported, relaxedSupported } from './wasm-features.js';

export { simdSupported, relaxedSupported } from './wasm-features.js';

// The engine's enums and limits live in limits.js (checked against the engine by a test).
export { PAD, DISPLAY, KERNEL, MAX_KERNEL, MAX_STRIDE, LAYER_KIND, LOSS, OPTIMIZER, STATUS, MAX_BATCH } from './limits.js';

export { ConvlabError } from './convlab-error.js';
export { Network } from './convlab-nn.js';

/** Bytes out of WASM memory: into `into` when it has the right size, else into a new array. */
function copyOut(view, into) {
  const out = into && into.length === view.length ? into : new Uint8ClampedArray(view.length);
  out.set(view);
  return out;
}

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${String(url).split('/').pop()}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Compiles and instantiates one build; throws a readable Error when it cannot. */
async function instantiate(bytes) {
  let module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (e) {
    throw new Error(`it is not a valid WebAssembly module (${e.message})`);
  }
  const imports = { env: { emscripten_notify_memory_growth: () => {} } };
  // The release builds import nothing else; anything more (a debug build's
  // assert printing, say) becomes a clear error instead of a failed link.
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] ??= () => {
      throw new Error(`convlab: the engine called ${imp.module}.${imp.name} (internal error)`);
    };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const ex = /** @type {any} */ (instance.exports);
  if (typeof ex.cl_conv_simd !== 'function' || !(ex.memory instanceof WebAssembly.Memory)) {
    throw new Error('it is not a convlab engine (its exports are missing)');
  }
  ex._initialize?.();
  return ex;
}

/**
 * Loads the engine. Options:
 *   simd     true/false to force the SIMD or the scalar build; default: SIMD if the browser validates it
 *   relaxed  true/false for the relaxed SIMD build (fused multiply-adds: sums within a rounding
 *            per term of the SIMD build's, not bit for bit); default: where the browser validates
 *            it, unless `simd` is given
 *   bytes    the .wasm bytes (node, tests); else fetched from `url`
 *   url      where the .wasm is; default: beside this module
 *
 * In a browser with SIMD, a SIMD build that cannot be loaded (missing, cut
 * short, not a module) gives way to the scalar build beside it: the result's
 * `note` then says why (else it is ''). Only when no build loads does it throw.
 * A relaxed build that cannot be loaded gives way to the SIMD build, with a note.
 */
export async function loadConvlab(options = {}) {
  const relaxed = options.relaxed ?? (options.simd === undefined && relaxedSupported());
  const simd = relaxed || (options.simd ?? simdSupported());
  if (options.bytes) return new Convlab(await instantiate(options.bytes), simd, '', relaxed);
  const urlOf = (wantSimd, wantRelaxed = false) => options.url ?? new URL(wantRelaxed ? '../convlab-relaxed.wasm'
    : wantSimd ? '../convlab-simd.wasm' : '../convlab-scalar.wasm', import.meta.url);
  const load = async (wantSimd, wantRelaxed = false) => instantiate(await fetchBytes(urlOf(wantSimd, wantRelaxed)));
  if (relaxed) {
    try {
      return new Convlab(await load(true, true), true, '', true);
    } catch (e) {
      if (options.url || options.relaxed === true) throw new Error(`the engine could not be loaded: ${e.message}`);
      const note = `The relaxed SIMD engine could not be loaded (${e.message}), so the lab uses the SIMD engine.`;
      return loadConvlab({ ...options, relaxed: false }).then((cl) => Object.assign(cl, { note: cl.note || note }));
    }
  }
  let first;
  try {
    return new Convlab(await load(simd), simd, '');
  } catch (e) {
    first = e;
  }
  // The scalar build is the fallback for a SIMD one; a scalar build that fails has none.
  if (!simd || options.url || options.simd === true) throw new Error(`the engine could not be loaded: ${first.message}`);
  try {
    const note = `The fast (SIMD) engine could not be loaded (${first.message}), so the lab uses the scalar engine: `
      + 'everything works, only more slowly.';
    return new Convlab(await load(false), false, note);
  } catch (second) {
    throw new Error(`the engine could not be loaded: the SIMD build failed (${first.message}) and so did the scalar one (${second.message})`);
  }
}

class Convlab {
  constructor(exports, simd, note, relaxed = false) {
    this.exports = exports;
    this.memory = exports.memory;
    this.simd = Boolean(simd && exports.cl_conv_simd() === 1);
    /** The relaxed SIMD build: its multiply-adds may be fused (rounded once), so not bit for bit the SIMD build's. */
    this.relaxed = Boolean(relaxed && this.simd);
    this.buildName = this.relaxed ? 'WebAssembly SIMD (relaxed)' : this.simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)';
    /** Why this build runs when it is not the one asked for (a failed SIMD load), else ''. */
    this.note = note;
    this._scratch = new Map(); // name -> { ptr, bytes }, reused between calls
  }

  // ---- memory ----
  f32(ptr, n) { return new Float32Array(this.memory.buffer, ptr, n); }
  u8(ptr, n) { return new Uint8Array(this.memory.buffer, ptr, n); }
  i32(ptr, n) { return new Int32Array(this.memory.buffer, ptr, n); }

  alloc(bytes) {
    const ptr = this.exports.cl_alloc(bytes);
    if (!ptr) throw new ConvlabError(4, this.message(4), `allocating ${bytes} bytes`);
    return ptr;
  }
  free(ptr) { if (ptr) this.exports.cl_free(ptr); }

  /** A named buffer of at least `bytes`, kept for the next call (grown as needed). */
  scratch(name, bytes) {
    const s = this._scratch.get(name);
    if (s && s.bytes >= bytes) return s.ptr;
    if (s) this.free(s.ptr);
    const ptr = this.alloc(bytes);
    this._scratch.set(name, { ptr, bytes });
    return ptr;
  }
  /** Frees every scratch buffer. */
  release() {
    for (const { ptr } of this._scratch.values()) this.free(ptr);
    this._scratch.clear();
  }

  message(status) { return this.readString(this.exports.cl_status_message(status)); }
  check(status, where) {
    if (status !== 0) throw new ConvlabError(status, this.message(status), where);
  }

  // ---- convolution ----

  /**
   * Output size [oh, ow]; throws ConvlabError on a bad geometry.
   * @param {number} h @param {number} w @param {number} k1 @param {number} k2
   * @param {number} [pad] PAD.* @param {number} [stride]
   * @returns {[number, number]}
   */
  outSize(h, w, k1, k2, pad = PAD.valid, stride = 1) {
    const p = this.scratch('outsize', 8);
    this.check(this.exports.cl_conv_out_size(h, w, k1, k2, pad, stride, p, p + 4), 'output size');
    const v = this.i32(p, 2);
    return [v[0], v[1]];
  }
  padBefore(k, pad) { return this.exports.cl_conv_pad_before(k, pad); }
  /** The input index padding puts at position i of a line of n (-1: a zero). */
  padIndex(i, n, pad) { return this.exports.cl_pad_index(i, n, pad); }

  /** A preset kernel as a Float32Array of k1*k2 values. */
  preset(kind, k1 = 3, k2 = 3, sigma = 1) {
    const p = this.scratch('preset', 4 * MAX_KERNEL * MAX_KERNEL);
    this.check(this.exports.cl_kernel_preset(kind, k1, k2, sigma, p), 'kernel preset');
    return Float32Array.from(this.f32(p, k1 * k2));
  }

  /** Returns { kernel, scaled }: the kernel scaled to sum 1 unless its sum is 0. */
  normalise(kernel, k1, k2) {
    const p = this.scratch('norm', 4 * k1 * k2 + 4);
    this.f32(p, k1 * k2).set(kernel);
    this.check(this.exports.cl_kernel_normalise(p, k1, k2, p + 4 * k1 * k2), 'normalise');
    return { kernel: Float32Array.from(this.f32(p, k1 * k2)), scaled: this.i32(p + 4 * k1 * k2, 1)[0] === 1 };
  }

  /**
   * Planar float convolution on arrays in JS memory (copies in and out; for
   * tests and small examples). x: Float32Array (c*h*w); kernels: Float32Array
   * (kc*k1*k2). mode 'sum' (kc = c, one output plane, + bias) or
   * 'per-channel' (kc = 1 or c, c output planes).
   * Returns { data: Float32Array, c, h: oh, w: ow }.
   */
  conv2d(x, c, h, w, kernels, k1, k2, { mode = 'sum', pad = PAD.valid, stride = 1, bias = 0 } = {}) {
    const [oh, ow] = this.outSize(h, w, k1, k2, pad, stride);
    const oc = mode === 'sum' ? 1 : c;
    const kc = kernels.length / (k1 * k2);
    if (!Number.isInteger(kc) || kc < 1) throw new ConvlabError(10, 'kernel length is not a multiple of k1*k2', 'conv2d');
    const px = this.alloc(4 * x.length), pk = this.alloc(4 * kernels.length), pz = this.alloc(4 * oc * oh * ow);
    try {
      this.f32(px, x.length).set(x);
      this.f32(pk, kernels.length).set(kernels);
      const st = mode === 'sum'
        ? this.exports.cl_conv2d_sum(px, c, h, w, pk, k1, k2, bias, pad, stride, pz, oh, ow)
        : this.exports.cl_conv2d_per_channel(px, c, h, w, pk, kc, k1, k2, pad, stride, pz, oh, ow);
      this.check(st, 'conv2d');
      return { data: Float32Array.from(this.f32(pz, oc * oh * ow)), c: oc, h: oh, w: ow };
    } finally {
      this.free(px); this.free(pk); this.free(pz);
    }
  }

  /**
   * RGBA bytes in (ImageData-like {data, width, height}), convolution in WASM,
   * RGBA bytes out, in one engine call (cl_filter_rgba) and reused WASM buffers.
   *   kernels  Float32Array: k1*k2 (one kernel) or 3*k1*k2 (one per colour channel)
   *   mode     'gray' | 'per-channel' | 'sum' | 'magnitude'
   *   display  DISPLAY.clamp | DISPLAY.abs | DISPLAY.diverging (one plane only)
   *   values   false: only the bytes are wanted (no float planes kept, the fastest path): values null
   *   rows     [r0, r1]: output rows r0..r1-1 only (a band, the whole output's bits): all returned is the band's
   * Returns { rgba, width, height, planes, maxAbs, values }: maxAbs, the largest |value| (NaN
   * ignored), the engine's in the same call, values or not; rgba (Uint8ClampedArray,
   * ready for new ImageData) and values (Float32Array, the float result) are views
   * into WASM memory, valid until the next call: draw or copy them before that.
   * img may be a keepRGBA() handle: the engine then reads its bytes in place.
   */
  filterImage(img, { kernels, k1 = 3, k2 = 3, mode = 'per-channel', pad = PAD.zero, stride = 1, bias = 0, display = DISPLAY.clamp, values = true, rows = null }) {
    const { width: w, height: h } = img;
    if (!(mode in FILTER_MODE)) throw new ConvlabError(10, `unknown mode "${mode}"`, 'filterImage');
    if (mode === 'magnitude') k1 = k2 = 3;
    const [oh, ow] = this.outSize(h, w, k1, k2, pad, stride);
    const [r0, r1] = rows ?? [0, oh];
    const band = Number.isInteger(r0) && Number.isInteger(r1) && r0 >= 0 && r0 < r1 && r1 <= oh;
    if (!band) throw new ConvlabError(10, `rows ${r0}..${r1} are not a band of the output's ${oh}`, 'filterImage');
    const oc = mode === 'sum' || mode === 'gray' ? 1 : 3;
    const n = h * w, on = (r1 - r0) * ow;
    const pIn = img.ptr || this.scratch('rgba-in', 4 * n);
    const pZ = values ? this.scratch('planar-out', 4 * oc * on) : 0;
    const pK = this.scratch('kernel', 4 * 3 * MAX_KERNEL * MAX_KERNEL);
    const pOut = this.scratch('rgba-out', 4 * on);
    const pP = this.scratch('filter-params', FILTER_PARAMS_BYTES);
    const pMax = this.scratch('filter-max-abs', 4);
    const ex = this.exports;
    if (!img.ptr) this.u8(pIn, 4 * n).set(img.data);
    const kc = mode === 'magnitude' ? 1 : kernels.length / (k1 * k2);
    if (kc !== 1 && kc !== 3) throw new ConvlabError(5, `${kernels.length} weights are not 1 or 3 kernels of ${k1} x ${k2}`, 'filterImage');
    if (mode !== 'magnitude') this.f32(pK, kernels.length).set(kernels);
    // cl_filter_params (core/cl_filter.h): 21 words; the input planes (x, word
    // 12) and tmp (14) are never returned, so the engine keeps them to itself
    this.i32(pP, FILTER_PARAMS_BYTES / 4).set([pIn, h, w, FILTER_MODE[mode], pK, kc, k1, k2, 0, pad, stride,
      display, 0, pZ, 0, pOut, oh, ow, pMax, r0, r1]);
    this.f32(pP + 4 * 8, 1)[0] = bias;
    this.check(ex.cl_filter_rgba(pP), 'convolution');
    const memory = this.memory;
    return {
      rgba: new Uint8ClampedArray(memory.buffer, pOut, 4 * on),
      width: ow, height: r1 - r0, planes: oc,
      values: values ? this.f32(pZ, oc * on) : null,
      maxAbs: this.f32(pMax, 1)[0], // for a legend and the display's scale
    };
  }

  /** RGBA bytes -> planar floats (1 plane if gray, else R, G, B). */
  toPlanar(img, gray = false) {
    const { width: w, height: h } = img;
    const c = gray ? 1 : 3, n = w * h;
    const pIn = this.scratch('rgba-in', 4 * n), pX = this.scratch('planar-in', 4 * c * n);
    this.u8(pIn, 4 * n).set(img.data);
    this.check(this.exports.cl_image_from_u8(pIn, h, w, 4, gray ? 1 : 0, pX), 'reading the image');
    return Float32Array.from(this.f32(pX, c * n));
  }

  /** Planar floats (1 or 3 planes) -> RGBA bytes for a canvas. */
  toRGBA(planes, c, h, w, display = DISPLAY.clamp) {
    const n = h * w;
    const pX = this.scratch('planar-out', 4 * c * n), pOut = this.scratch('rgba-out', 4 * n);
    this.f32(pX, c * n).set(planes);
    this.check(this.exports.cl_image_to_rgba(pX, c, h, w, display, pOut), 'display');
    return new Uint8ClampedArray(this.u8(pOut, 4 * n));
  }

  /**
   * Copies RGBA bytes ({data, width, height}) into WASM memory and keeps them
   * until releaseKept(), for filterImage() to read in place: one copy per image,
   * not one per call. Returns a handle { ptr, width, height }.
   */
  keepRGBA(img) {
    const { width, height } = img;
    const ptr = this.alloc(4 * width * height);
    this.u8(ptr, 4 * width * height).set(img.data);
    return { ptr, width, height };
  }

  /** The bytes keepRGBA() kept, (height, width, 4): a view, valid until memory grows. */
  keptBytes(handle) { return this.u8(handle.ptr, 4 * handle.width * handle.height); }

  /** Frees what keepRGBA() kept; safe on null and on a released handle. */
  releaseKept(handle) {
    if (!handle) return;
    this.free(handle.ptr);
    handle.ptr = 0;
  }

  /**
   * RGBA bytes (a copy) of c planes of h x w floats that already live in WASM
   * memory, given as a view (e.g. filterImage()'s values), with another display
   * mapping: no copy of the floats. max: the scale's largest |value| (abs and
   * diverging; values beyond it show as the strongest colour); default: the values' own.
   */
  viewToRGBA(view, c, h, w, display, into = null, max = undefined) {
    if (view.buffer !== this.memory.buffer || view.length !== c * h * w) {
      throw new ConvlabError(10, 'the view is not a live c*h*w view of WASM memory', 'viewToRGBA');
    }
    // Read the offset first: scratch() may grow memory, which detaches the view (offset 0).
    const ptr = view.byteOffset;
    const pOut = this.scratch('rgba-out', 4 * h * w), ex = this.exports;
    this.check(max === undefined ? ex.cl_image_to_rgba(ptr, c, h, w, display, pOut)
      : ex.cl_image_to_rgba_scaled(ptr, c, h, w, display, max, pOut), 'display');
    return copyOut(this.u8(pOut, 4 * h * w), into);
  }

  /** Throws unless view is a live Float32Array view of WASM memory. */
  liveFloats(view, where) {
    if (!(view instanceof Float32Array) || view.buffer !== this.memory.buffer) {
      throw new ConvlabError(10, 'the view is not a live float view of WASM memory', where);
    }
  }

  /**
   * The q-th quantile (0 < q <= 1) of |value| of a live float view of WASM
   * memory, NaN skipped (cl_image_abs_percentile): { p, above, count }, p the
   * ceil(q * count)-th smallest |value|, above: how many are larger. No copy.
   */
  viewPercentileAbs(view, q) {
    this.liveFloats(view, 'viewPercentileAbs');
    const ptr = view.byteOffset, out = this.scratch('percentile', 12);
    this.check(this.exports.cl_image_abs_percentile(ptr, view.length, q, out), 'percentile');
    const [p, above, count] = this.f32(out, 3);
    return { p, above, count };
  }

  /** The largest |value| of a live view of WASM memory (NaN ignored), as filterImage()'s maxAbs: no copy. */
  viewMaxAbs(view) {
    this.liveFloats(view, 'viewMaxAbs');
    return this.exports.cl_image_max_abs(view.byteOffset, view.length);
  }

  // ---- network ----
  // Models (cl_nn) and data sets (IDX) for the train page: the methods below
  // call lib/convlab-nn.js (the Network class and the IDX and model-file
  // helpers), the other module that touches the engine's exports.

  /** Writes a NUL-terminated string into the named scratch buffer; returns its pointer. */
  cString(s, name = 'cstring') {
    const bytes = new TextEncoder().encode(s);
    const p = this.scratch(name, bytes.length + 1);
    const view = this.u8(p, bytes.length + 1);
    view.set(bytes);
    view[bytes.length] = 0;
    return p;
  }
  /** The NUL-terminated string at ptr (at most max bytes). */
  readString(ptr, max = 4096) {
    if (!ptr) return '';
    const bytes = this.u8(ptr, Math.min(max, this.memory.buffer.byteLength - ptr));
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
  }

  /** Checks a spec; '' if good, else the core's message naming the bad layer. */
  checkSpec(spec, c = 1, h = 28, w = 28) { return nn.checkSpec(this, spec, c, h, w); }
  /** A new model from a spec (a Network: free() it); throws ConvlabError naming the bad layer. */
  createNetwork(spec, options = {}) { return nn.createNetwork(this, spec, options); }
  /** Layers, shapes and parameter counts of a spec: { ok: true, layers, params, outputs } or { ok: false, message }. */
  describeSpec(spec, dims = {}) { return nn.describeSpec(this, spec, dims); }
  /** A model from saved bytes (cl_nn_save's format); throws ConvlabError saying why not. */
  loadNetwork(bytes) { return nn.loadNetwork(this, bytes); }
  /** One IDX file's bytes in WASM memory, parsed: a handle { ptr, data, count, rows, cols, itemBytes } (freeIdx it). */
  loadIdx(bytes, kind) { return nn.loadIdx(this, bytes, kind); }
  /** Images and labels agree in count and every label is < classes; throws otherwise. */
  checkIdxPair(images, labels, classes = 10) { return nn.checkIdxPair(this, images, labels, classes); }
  /** Frees an IDX handle. */
  freeIdx(handle) { return nn.freeIdx(this, handle); }
}
