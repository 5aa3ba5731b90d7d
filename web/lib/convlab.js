// convlab.js - the only code that touches the WebAssembly exports.
//
//   import { loadConvlab } from './convlab.js';
//   const cl = await loadConvlab();            // SIMD build where the browser validates it
//   console.log(cl.simd ? 'SIMD' : 'scalar');
//   const out = cl.filterImage(imageData, { kernel, k1: 3, k2: 3, mode: 'per-channel' });
//
// Works in browsers and in node (pass { bytes } read from the .wasm file).
// Buffers inside WASM memory are owned by this module: every alloc has its
// free, and typed-array views are made fresh after anything that can grow
// memory (a grown memory detaches the old views).
import { PAD, DISPLAY, MAX_KERNEL, FILTER_MODE, FILTER_PARAMS_BYTES, LAYER_KIND, STATUS, CLASS_NAMES } from './limits.js';

// The smallest module that uses a SIMD instruction (v128.const, drop):
// WebAssembly.validate() says whether this browser runs the SIMD build.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x17, 0x01, 0x15, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x0b,
]);

export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

// The engine's enums and limits live in limits.js (checked against the engine by a test).
export { PAD, DISPLAY, KERNEL, MAX_KERNEL, MAX_STRIDE, LAYER_KIND, LOSS, OPTIMIZER, STATUS, MAX_BATCH } from './limits.js';

/** Thrown for every non-zero cl_status; .status holds the code. */
export class ConvlabError extends Error {
  constructor(status, message, where) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'ConvlabError';
    this.status = status;
  }
}

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
 *   simd   true/false to force a build; default: SIMD if the browser validates it
 *   bytes  the .wasm bytes (node, tests); else fetched from `url`
 *   url    where the .wasm is; default: beside this module
 *
 * In a browser with SIMD, a SIMD build that cannot be loaded (missing, cut
 * short, not a module) gives way to the scalar build beside it: the result's
 * `note` then says why (else it is ''). Only when no build loads does it throw.
 */
export async function loadConvlab(options = {}) {
  const simd = options.simd ?? simdSupported();
  if (options.bytes) return new Convlab(await instantiate(options.bytes), simd, '');
  const urlOf = (wantSimd) => options.url ?? new URL(wantSimd ? '../convlab-simd.wasm' : '../convlab-scalar.wasm', import.meta.url);
  const load = async (wantSimd) => instantiate(await fetchBytes(urlOf(wantSimd)));
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
  constructor(exports, simd, note) {
    this.exports = exports;
    this.memory = exports.memory;
    this.simd = Boolean(simd && exports.cl_conv_simd() === 1);
    this.buildName = this.simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)';
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

  message(status) {
    const p = this.exports.cl_status_message(status);
    const bytes = new Uint8Array(this.memory.buffer, p);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.subarray(0, end));
  }
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
   *   values   false: only the bytes are wanted; the engine then keeps no float
   *            planes (the fastest path) and values and maxAbs are null
   * Returns { rgba, width, height, planes, maxAbs, values }: rgba (Uint8ClampedArray,
   * ready for new ImageData) and values (Float32Array, the float result) are views
   * into WASM memory, valid until the next call: draw or copy them before that.
   * img may be a keepRGBA() handle: the engine then reads its bytes in place.
   */
  filterImage(img, { kernels, k1 = 3, k2 = 3, mode = 'per-channel', pad = PAD.zero, stride = 1, bias = 0, display = DISPLAY.clamp, values = true }) {
    const { width: w, height: h } = img;
    if (!(mode in FILTER_MODE)) throw new ConvlabError(10, `unknown mode "${mode}"`, 'filterImage');
    if (mode === 'magnitude') k1 = k2 = 3;
    const [oh, ow] = this.outSize(h, w, k1, k2, pad, stride);
    const oc = mode === 'sum' || mode === 'gray' ? 1 : 3;
    const n = h * w, on = oh * ow;
    const pIn = img.ptr || this.scratch('rgba-in', 4 * n);
    const pZ = values ? this.scratch('planar-out', 4 * oc * on) : 0;
    const pK = this.scratch('kernel', 4 * 3 * MAX_KERNEL * MAX_KERNEL);
    const pOut = this.scratch('rgba-out', 4 * on);
    const pP = this.scratch('filter-params', FILTER_PARAMS_BYTES);
    const ex = this.exports;
    if (!img.ptr) this.u8(pIn, 4 * n).set(img.data);
    const kc = mode === 'magnitude' ? 1 : kernels.length / (k1 * k2);
    if (kc !== 1 && kc !== 3) throw new ConvlabError(5, `${kernels.length} weights are not 1 or 3 kernels of ${k1} x ${k2}`, 'filterImage');
    if (mode !== 'magnitude') this.f32(pK, kernels.length).set(kernels);
    // cl_filter_params (core/cl_filter.h): 18 words; the input planes (x, word
    // 12) and tmp (14) are never returned, so the engine keeps them to itself
    this.i32(pP, FILTER_PARAMS_BYTES / 4).set([pIn, h, w, FILTER_MODE[mode], pK, kc, k1, k2, 0, pad, stride,
      display, 0, pZ, 0, pOut, oh, ow]);
    this.f32(pP + 4 * 8, 1)[0] = bias;
    this.check(ex.cl_filter_rgba(pP), 'convolution');
    const memory = this.memory;
    let maxAbs;
    return {
      rgba: new Uint8ClampedArray(memory.buffer, pOut, 4 * on),
      width: ow, height: oh, planes: oc,
      values: values ? this.f32(pZ, oc * on) : null,
      // largest |value|, for a legend; computed only when asked for
      get maxAbs() { return values ? (maxAbs ??= ex.cl_image_max_abs(pZ, oc * on)) : null; },
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

  // ---- kernels page ----
  // The kernels page filters one image many times a second as the kernel
  // changes, so it converts the image to planes once and keeps them here.

  /**
   * Copies RGBA bytes ({data, width, height}) into WASM memory as planes
   * (1 gray plane, or R, G, B) and keeps them until releaseKept().
   * Returns a handle { ptr, c, h, w }.
   */
  keepImage(img, gray = false) {
    const { width: w, height: h } = img;
    const c = gray ? 1 : 3, n = w * h;
    const ptr = this.alloc(4 * c * n);
    try {
      const pIn = this.scratch('rgba-in', 4 * n);
      this.u8(pIn, 4 * n).set(img.data);
      this.check(this.exports.cl_image_from_u8(pIn, h, w, 4, gray ? 1 : 0, ptr), 'reading the image');
    } catch (e) {
      this.free(ptr);
      throw e;
    }
    return { ptr, c, h, w };
  }

  /** Frees what keepImage() kept; safe on null and on a released handle. */
  releaseKept(handle) {
    if (!handle) return;
    this.free(handle.ptr);
    handle.ptr = 0;
  }

  /** The kept planes, (c, h, w) floats: a view, valid until memory grows. */
  keptPlanes(handle) { return this.f32(handle.ptr, handle.c * handle.h * handle.w); }

  /** The kept planes as RGBA bytes (clamped to 0-255), e.g. to show the gray image. */
  keptToRGBA(handle) {
    const { ptr, c, h, w } = handle;
    const pOut = this.scratch('rgba-out', 4 * h * w);
    this.check(this.exports.cl_image_to_rgba(ptr, c, h, w, DISPLAY.clamp, pOut), 'display');
    return new Uint8ClampedArray(this.u8(pOut, 4 * h * w));
  }

  /**
   * filterImage() on a kept image, without converting it again.
   *   mode  'per-channel' (kernels: k1*k2 shared, or c*k1*k2), 'sum' (c*k1*k2,
   *         one output plane + bias) or 'magnitude' (Sobel, k1 = k2 = 3, no kernels)
   * Returns { rgba (a copy), width, height, planes, maxAbs, values } with
   * values a view of the (planes, height, width) float result, valid until
   * the next call. `into`, a Uint8ClampedArray of 4 * width * height bytes,
   * receives the copy if given: reusing buffers spares allocating (and the
   * browser zeroing) megabytes per call.
   */
  filterKept(handle, { kernels, k1, k2, mode = 'per-channel', pad = PAD.zero, stride = 1, bias = 0, display = DISPLAY.clamp, into = null }) {
    const { ptr: pX, c, h, w } = handle;
    if (mode === 'magnitude') k1 = k2 = 3;
    const [oh, ow] = this.outSize(h, w, k1, k2, pad, stride);
    const oc = mode === 'sum' ? 1 : c;
    const on = oh * ow;
    const pZ = this.scratch('kept-out', 4 * oc * on);
    const pT = mode === 'magnitude' ? this.scratch('tmp', 4 * on) : 0;
    const pK = this.scratch('kernel', 4 * 3 * MAX_KERNEL * MAX_KERNEL);
    const pOut = this.scratch('rgba-out', 4 * on);
    const ex = this.exports;
    let st;
    if (mode === 'magnitude') {
      st = ex.cl_conv2d_gradient_magnitude(pX, c, h, w, pad, stride, pZ, oh, ow, pT);
    } else {
      const kc = kernels.length / (k1 * k2);
      if (!Number.isInteger(kc) || (mode === 'sum' ? kc !== c : kc !== 1 && kc !== c)) throw new ConvlabError(10, 'need one kernel of k1*k2 per channel (or one shared, per channel)', 'filterKept');
      this.f32(pK, kernels.length).set(kernels);
      st = mode === 'sum'
        ? ex.cl_conv2d_sum(pX, c, h, w, pK, k1, k2, bias, pad, stride, pZ, oh, ow)
        : ex.cl_conv2d_per_channel(pX, c, h, w, pK, kc, k1, k2, pad, stride, pZ, oh, ow);
    }
    this.check(st, 'convolution');
    this.check(ex.cl_image_to_rgba(pZ, oc, oh, ow, display, pOut), 'display');
    return {
      rgba: copyOut(this.u8(pOut, 4 * on), into),
      width: ow, height: oh, planes: oc,
      maxAbs: ex.cl_image_max_abs(pZ, oc * on),
      values: this.f32(pZ, oc * on),
    };
  }

  /**
   * RGBA bytes (a copy) of c planes of h x w floats that already live in WASM
   * memory, given as a view (e.g. filterKept()'s values), with another display
   * mapping: no copy of the floats.
   */
  viewToRGBA(view, c, h, w, display, into = null) {
    if (view.buffer !== this.memory.buffer || view.length !== c * h * w) {
      throw new ConvlabError(10, 'the view is not a live c*h*w view of WASM memory', 'viewToRGBA');
    }
    // Read the offset first: scratch() may grow memory, which detaches the view (offset 0).
    const ptr = view.byteOffset;
    const pOut = this.scratch('rgba-out', 4 * h * w);
    this.check(this.exports.cl_image_to_rgba(ptr, c, h, w, display, pOut), 'display');
    return copyOut(this.u8(pOut, 4 * h * w), into);
  }

  // ---- network ----
  // Models (cl_nn) and data sets (IDX) for the train page. A Network wraps one
  // cl_nn pointer; an IDX handle holds one file's bytes in WASM memory, where
  // training reads them in place (no copy per batch).

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

  /** Checks a spec; returns '' if it is good, else the core's message naming the bad layer. */
  checkSpec(spec, c = 1, h = 28, w = 28) {
    const pErr = this.scratch('nn-err', ERR_BYTES);
    const st = this.exports.cl_nn_check_spec(this.cString(spec), c, h, w, pErr, ERR_BYTES);
    return st === 0 ? '' : this.readString(pErr) || this.message(st);
  }

  /** A new model from a spec: a Network (free() it) or a thrown ConvlabError naming the bad layer. */
  createNetwork(spec, { c = 1, h = 28, w = 28, seed = 1 } = {}) {
    const pOut = this.scratch('nn-out', 4), pErr = this.scratch('nn-err', ERR_BYTES);
    const pSpec = this.cString(spec);
    const st = this.exports.cl_nn_create(pOut, pSpec, c, h, w, seed >>> 0, pErr, ERR_BYTES);
    if (st !== 0) throw new ConvlabError(st, this.readString(pErr) || this.message(st));
    return new Network(this, this.i32(pOut, 1)[0]);
  }

  /**
   * Layers, shapes and parameter counts of a spec, from a throwaway model:
   * { ok: true, layers: [...], params, outputs } or { ok: false, message }.
   */
  describeSpec(spec, dims = {}) {
    let net;
    try {
      net = this.createNetwork(spec, { ...dims, seed: 1 });
      return { ok: true, spec: net.spec, layers: net.layers(), params: net.paramCount, outputs: net.outputs };
    } catch (e) {
      if (!(e instanceof ConvlabError)) throw e;
      return { ok: false, message: e.message, status: e.status };
    } finally {
      net?.free();
    }
  }

  /** A model from saved bytes (cl_nn_save's format); throws ConvlabError saying why not. */
  loadNetwork(bytes) {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const pBuf = this.alloc(Math.max(1, b.length));
    try {
      this.u8(pBuf, b.length).set(b);
      const pOut = this.scratch('nn-out', 4), pErr = this.scratch('nn-err', ERR_BYTES);
      const st = this.exports.cl_nn_load(pOut, pBuf, b.length, pErr, ERR_BYTES);
      if (st !== 0) throw new ConvlabError(st, this.readString(pErr) || this.message(st));
      return new Network(this, this.i32(pOut, 1)[0]);
    } finally {
      this.free(pBuf);
    }
  }

  /**
   * Copies one IDX file (already decompressed) into WASM memory and parses it
   * with the core's reader. kind 'images' (N, rows, cols) or 'labels' (N).
   * Returns a handle { ptr, data, count, rows, cols, itemBytes }: data points
   * at the first element. Free it with freeIdx(); throws ConvlabError on a bad file.
   */
  loadIdx(bytes, kind) {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    // the parsed cl_idx (8 int32) lives after the bytes, for checkIdxPair()
    const at = (b.length + 15) & ~15;
    const ptr = this.alloc(at + 32);
    try {
      this.u8(ptr, b.length).set(b);
      const parse = kind === 'images' ? this.exports.cl_idx_parse_images : this.exports.cl_idx_parse_labels;
      this.check(parse(ptr, b.length, ptr + at), `reading the ${kind} file`);
      // magic, ndims, dims[3], count, item_bytes, offset
      const v = this.i32(ptr + at, 8);
      return { ptr, idx: ptr + at, data: ptr + v[7], count: v[5], rows: v[3], cols: v[4], itemBytes: v[6], kind };
    } catch (e) {
      this.free(ptr);
      throw e;
    }
  }
  /** Images and labels agree in count and every label is < classes; throws otherwise. */
  checkIdxPair(images, labels, classes = 10) {
    this.check(this.exports.cl_idx_check_pair(images.idx, labels.idx, labels.ptr, classes), 'images and labels');
  }
  freeIdx(handle) {
    if (!handle?.ptr) return;
    this.free(handle.ptr);
    handle.ptr = handle.data = 0;
  }
}

// ---- network ----

const ERR_BYTES = 256;
const KIND_NAME = Object.fromEntries(Object.entries(LAYER_KIND).map(([k, v]) => [v, k]));

/**
 * One model in WASM memory (cl_nn). Pointers to images, labels and orders
 * are WASM pointers (from loadIdx() or alloc()). Arrays returned are copies,
 * safe to keep and to transfer.
 */
export class Network {
  constructor(cl, ptr) {
    this.cl = cl;
    this.ptr = ptr;
    this.ex = cl.exports;
  }
  free() {
    if (this.ptr) this.ex.cl_nn_free(this.ptr);
    this.ptr = 0;
  }
  get spec() { return this.cl.readString(this.ex.cl_nn_spec(this.ptr)); }
  get seed() { return this.ex.cl_nn_seed(this.ptr) >>> 0; }
  get paramCount() { return this.ex.cl_nn_param_count(this.ptr); }
  get outputs() { return this.ex.cl_nn_outputs(this.ptr); }
  get classes() { return this.ex.cl_nn_classes(this.ptr); }
  get steps() { return this.ex.cl_nn_steps(this.ptr); }
  /** (C, H, W) of the input layer. */
  get inputShape() { return [0, 1, 2].map((d) => this.ex.cl_nn_layer_shape(this.ptr, 0, d)); }
  get settings() {
    const ex = this.ex, p = this.ptr;
    return {
      optimizer: ex.cl_nn_get_optimizer(p), lr: ex.cl_nn_get_lr(p), momentum: ex.cl_nn_get_momentum(p),
      l2: ex.cl_nn_get_l2(p), loss: ex.cl_nn_get_loss_kind(p),
    };
  }

  /** optimizer: OPTIMIZER value; lr > 0, 0 <= momentum < 1, l2 >= 0. Resets the optimiser state. */
  setOptimizer(optimizer, lr, momentum = 0.9, l2 = 0) {
    this.cl.check(this.ex.cl_nn_set_optimizer(this.ptr, optimizer, lr, momentum, l2), 'optimiser settings');
  }
  setLr(lr) { this.cl.check(this.ex.cl_nn_set_lr(this.ptr, lr), 'learning rate'); }
  /** loss: LOSS value; throws (status mismatch) if the output does not suit it. */
  setLoss(loss) { this.cl.check(this.ex.cl_nn_set_loss(this.ptr, loss), 'loss'); }

  /** Fills n int32 at orderPtr with a random permutation from the model's generator. */
  shuffle(orderPtr, n) { this.cl.check(this.ex.cl_nn_shuffle(this.ptr, orderPtr, n), 'shuffle'); }

  /**
   * One training step (one WASM call) on images[idx[i]], i < n.
   * Returns { loss, correct, n }; throws ConvlabError (status STATUS.diverged
   * when the loss or a weight stopped being finite: the weights are the last good ones).
   */
  trainStepIdx(imagesPtr, labelsPtr, idxPtr, n) {
    this.cl.check(this.ex.cl_nn_train_step_idx(this.ptr, imagesPtr, labelsPtr, idxPtr, n), 'training step');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }
  /** The same on n consecutive images. */
  trainStep(imagesPtr, labelsPtr, n) {
    this.cl.check(this.ex.cl_nn_train_step(this.ptr, imagesPtr, labelsPtr, n), 'training step');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }

  /** Loss, accuracy and the (K, K) confusion matrix [true][predicted] on n examples. */
  evaluate(imagesPtr, labelsPtr, n) {
    this.cl.check(this.ex.cl_nn_evaluate(this.ptr, imagesPtr, labelsPtr, n), 'evaluation');
    const k = this.classes, pc = this.ex.cl_nn_confusion(this.ptr);
    return {
      loss: this.ex.cl_nn_eval_loss(this.ptr),
      accuracy: this.ex.cl_nn_eval_accuracy(this.ptr),
      confusion: pc ? Int32Array.from(this.cl.i32(pc, k * k)) : null,
      classes: k,
    };
  }

  /** Outputs (class probabilities after softmax), (n, outputs) floats. */
  predict(imagesPtr, n) {
    const k = this.outputs;
    const p = this.cl.scratch('nn-probs', 4 * n * k);
    this.cl.check(this.ex.cl_nn_predict(this.ptr, imagesPtr, n, p), 'prediction');
    return Float32Array.from(this.cl.f32(p, n * k));
  }

  /** Forward pass on n images; then layerOutput(i) holds layer i's activations. */
  forward(imagesPtr, n) { this.cl.check(this.ex.cl_nn_forward(this.ptr, imagesPtr, n), 'forward pass'); }

  /** Every layer: { index, kind, name, shape: [C, H, W], params, weightShape, geometry }. */
  layers() {
    const ex = this.ex, p = this.ptr, out = [];
    const count = ex.cl_nn_layer_count(p);
    for (let i = 0; i < count; i++) {
      const kind = ex.cl_nn_layer_kind(p, i);
      out.push({
        index: i,
        kind: KIND_NAME[kind] ?? String(kind),
        name: this.cl.readString(ex.cl_nn_layer_name(p, i), 64),
        shape: [0, 1, 2].map((d) => ex.cl_nn_layer_shape(p, i, d)),
        params: ex.cl_nn_layer_params(p, i),
        weightShape: [0, 1, 2, 3].map((d) => ex.cl_nn_layer_weight_shape(p, i, d)),
        geometry: [0, 1, 2, 3].map((d) => ex.cl_nn_layer_geometry(p, i, d)),
      });
    }
    return out;
  }

  /** Copies of layer i's weights and biases (null for a layer without). */
  weights(i) {
    const ws = [0, 1, 2, 3].map((d) => this.ex.cl_nn_layer_weight_shape(this.ptr, i, d));
    const n = ws[0] * ws[1] * ws[2] * ws[3];
    const pw = this.ex.cl_nn_layer_weights(this.ptr, i), pb = this.ex.cl_nn_layer_bias(this.ptr, i);
    if (!pw || !n) return null;
    return { shape: ws, weights: Float32Array.from(this.cl.f32(pw, n)), bias: Float32Array.from(this.cl.f32(pb, ws[0])) };
  }

  /** A copy of layer i's activations for the last forward pass, (n, C, H, W). */
  layerOutput(i) {
    const n = this.ex.cl_nn_batch(this.ptr);
    const size = [0, 1, 2].reduce((s, d) => s * this.ex.cl_nn_layer_shape(this.ptr, i, d), 1);
    const po = this.ex.cl_nn_layer_output(this.ptr, i);
    return po ? Float32Array.from(this.cl.f32(po, n * size)) : null;
  }

  /** The model in convlab's file format (a copy). */
  save() {
    const len = this.ex.cl_nn_save_size(this.ptr);
    const p = this.cl.alloc(len);
    try {
      this.cl.check(this.ex.cl_nn_save(this.ptr, p, len), 'saving the model');
      return Uint8Array.from(this.cl.u8(p, len));
    } finally {
      this.cl.free(p);
    }
  }

  /**
   * The model as an ONNX file (opset 13; core/cl_onnx.h says what it holds):
   * input "image" (N, C, H, W) float32 = pixel bytes / 255, output "output".
   * classNames, one per class, go into the file's metadata; by default
   * Fashion-MNIST's when the model has 10 classes, else the class numbers.
   * Throws ConvlabError (status mismatch: not one name per class; arg: an
   * empty name or one with a comma or control character).
   * @param {{ classNames?: readonly string[] }} [options]
   * @returns {Uint8Array}
   */
  saveOnnx({ classNames } = {}) {
    return this._export('onnx', classNames);
  }

  /**
   * The model as one Python file for PyTorch (core/cl_pytorch.h): a
   * torch.nn.Sequential mirroring the spec, the trained weights embedded, and
   * how to run it in a comment at the top. classNames as for saveOnnx().
   * @param {{ classNames?: readonly string[] }} [options]
   * @returns {string}
   */
  savePyTorch({ classNames } = {}) {
    return new TextDecoder().decode(this._export('pytorch', classNames));
  }

  /** Runs one engine export (its _size and save_ calls) into a fresh Uint8Array. */
  _export(format, classNames = this.classes === CLASS_NAMES.length ? CLASS_NAMES : null) {
    const ex = this.ex, cl = this.cl;
    const [size, save] = format === 'onnx' ? [ex.cl_nn_onnx_size, ex.cl_nn_save_onnx] : [ex.cl_nn_pytorch_size, ex.cl_nn_save_pytorch];
    if (classNames && classNames.some((n) => n.includes(','))) {
      throw new ConvlabError(STATUS.arg, 'a class name contains a comma', `saving for ${format}`);
    }
    const pNames = classNames ? cl.cString(classNames.join(','), 'class-names') : 0;
    const st = ex.cl_nn_check_class_names(this.ptr, pNames);
    if (st === STATUS.mismatch) {
      throw new ConvlabError(st, `${classNames.length} class names for ${this.classes} classes`, `saving for ${format}`);
    }
    cl.check(st, `saving for ${format}: the class names`);
    const len = size(this.ptr, pNames);
    if (!len) throw new ConvlabError(STATUS.overflow, cl.message(STATUS.overflow), `saving for ${format}`);
    const p = cl.alloc(len);
    try {
      cl.check(save(this.ptr, pNames, p, len), `saving for ${format}`);
      return Uint8Array.from(cl.u8(p, len));
    } finally {
      cl.free(p);
    }
  }
}
