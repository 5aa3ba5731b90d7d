// worker.js - the kernels page's engine, off the main thread.
//
// Owns one WASM instance (through convlab.js) and the current image, kept in
// WASM memory as planes. Messages in: { id, type, ...args }; answers:
// { id, ok: true, result } or { id, ok: false, error: { message, status } }.
// Pixel buffers travel as transferred ArrayBuffers, never copied.
//
//   init                          -> { simd, buildName, note }   (note: why the scalar build runs, or '')
//   setImage  { data, width, height }   (data: an RGBA ArrayBuffer, transferred)
//   inputView { gray }            -> { rgba, width, height }   the image as the engine reads it
//   preset    { kind, k1, k2, sigma } -> Float32Array (k1*k2)
//   filter    { key, mode, op, kernels, k1, k2, normalise, bias, pad, stride, display }
//             -> { key, rgba, width, height, planes, maxAbs, display, used, normalised, ms }
//   probe     { key, j1, j2 }     -> { key, j1, j2, channels: [{ x, src }], z }
//             the input patch under output pixel (j1, j2) of the last filter
import { loadConvlab } from '../lib/convlab.js';
import { PAD, DISPLAY, KERNEL } from '../lib/limits.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { SMALL_SIDE } from './state.js';

let cl = null;
const loading = loadConvlab().then((c) => { cl = c; });

let rgba = null;            // { data: Uint8ClampedArray, width, height }
const kept = { gray: null, rgb: null }; // planes kept in WASM memory, made on first use
let last = null;            // { key, params, result } of the last filter
// RGBA buffers the page has drawn and sent back, reused for the next result:
// a fresh 3 MB buffer per edit costs more than the convolution.
let spare = [];

/** RGBA bytes of the result, or 0 when the engine will refuse the geometry (it says why). */
function outBytes(handle, k1, k2, pad, stride) {
  try {
    const [oh, ow] = cl.outSize(handle.h, handle.w, k1, k2, pad, stride);
    return 4 * oh * ow;
  } catch {
    return 0;
  }
}

function spareBuffer(bytes) {
  const i = spare.findIndex((b) => b.byteLength === bytes);
  if (i < 0) {
    spare = [];
    return null;
  }
  return new Uint8ClampedArray(spare.splice(i, 1)[0]);
}

function keptImage(gray) {
  const slot = gray ? 'gray' : 'rgb';
  if (!rgba) throw new Error('no image loaded yet');
  kept[slot] ??= cl.keepImage(rgba, gray);
  return kept[slot];
}

function nameOf(map, value) {
  return Object.keys(map).find((k) => map[k] === value);
}

/**
 * The display mapping for 'auto': signed results (a negative weight or bias)
 * diverging on one plane, |value| on three; non-negative ones clamped, as a
 * photo is shown, unless they go above 255 (known only once computed: null
 * here, then decided from maxAbs) or the image is a small number matrix,
 * whose values rarely span 0-255.
 */
function autoDisplay(signed, planes, small) {
  if (signed) return planes === 1 ? DISPLAY.diverging : DISPLAY.abs;
  return small ? DISPLAY.abs : null;
}

function filter(params) {
  const { mode, op, k1, k2, bias, pad, stride, normalise } = params;
  const handle = keptImage(mode === 'gray');
  let used, normalised = [];
  if (op === 'magnitude') {
    used = [cl.preset(KERNEL.sobelX, 3, 3), cl.preset(KERNEL.sobelY, 3, 3)];
  } else {
    used = params.kernels.map((k) => Float32Array.from(k));
    if (normalise) {
      const n = used.map((k) => cl.normalise(k, k1, k2));
      normalised = n.map((r) => r.scaled);
      used = n.map((r) => r.kernel);
    }
  }
  const signed = op !== 'magnitude' && (bias < 0 || used.some((k) => k.some((v) => v < 0)));
  const small = handle.h <= SMALL_SIDE && handle.w <= SMALL_SIDE;
  const flat = new Float32Array(used.reduce((n, k) => n + k.length, 0));
  if (op !== 'magnitude') used.reduce((at, k) => { flat.set(k, at); return at + k.length; }, 0);
  const engineMode = op === 'magnitude' ? 'magnitude' : mode === 'sum' ? 'sum' : 'per-channel';
  const planes = engineMode === 'sum' ? 1 : handle.c;
  let display = params.display === 'auto' ? autoDisplay(signed, planes, small) : DISPLAY[params.display];
  if (display === DISPLAY.diverging && planes !== 1) {
    throw new Error('the diverging colour map shows one plane only: choose the grayscale or multi-channel mode, or |value| scaled');
  }
  const t0 = performance.now();
  let result = cl.filterKept(handle, {
    kernels: flat, k1, k2, mode: engineMode, pad: PAD[pad], stride, bias, display: display ?? DISPLAY.clamp,
    into: spareBuffer(outBytes(handle, op === 'magnitude' ? 3 : k1, op === 'magnitude' ? 3 : k2, PAD[pad], stride)),
  });
  if (display === null) {
    // 'auto' on a non-negative result: clamped unless it goes above 255. Redoing
    // the display mapping alone costs little next to the convolution.
    display = result.maxAbs > 255.5 ? DISPLAY.abs : DISPLAY.clamp;
    if (display === DISPLAY.abs) {
      result = { ...result, rgba: cl.viewToRGBA(result.values, planes, result.height, result.width, display, result.rgba) };
    }
  }
  const ms = performance.now() - t0;
  last = { key: params.key, params, result, handle, used };
  return {
    key: params.key,
    rgba: result.rgba.buffer,
    width: result.width,
    height: result.height,
    planes: result.planes,
    maxAbs: result.maxAbs,
    display: nameOf(DISPLAY, display),
    used,
    normalised,
    ms,
    // A small result is drawn as numbers: send its floats too (at most 3 x 16 x 16).
    values: result.width <= SMALL_SIDE && result.height <= SMALL_SIDE ? Array.from(result.values) : null,
  };
}

function probe({ key, j1, j2 }) {
  if (!last || last.key !== key) return { key: last?.key ?? null, stale: true };
  const { params, handle } = last;
  let { result } = last;
  const { width: ow, height: oh, planes } = result;
  if (!(j1 >= 0 && j1 < oh && j2 >= 0 && j2 < ow)) throw new Error(`pixel (${j1}, ${j2}) is outside the output (${oh} × ${ow})`);
  // The result's float view dies when WASM memory grows (a new image):
  // recompute rather than read a detached buffer.
  if (result.values.length === 0 || result.values.buffer !== cl.memory.buffer) {
    filter(params);
    result = last.result;
  }
  const k1 = params.op === 'magnitude' ? 3 : params.k1, k2 = params.op === 'magnitude' ? 3 : params.k2;
  const { h, w, c } = handle;
  const x = cl.keptPlanes(handle);
  // the engine's own padding rules, so the patch shown is the one it summed
  const pad = PAD[params.pad];
  const p1 = cl.padBefore(k1, pad), p2 = cl.padBefore(k2, pad);
  const channels = [];
  for (let ch = 0; ch < c; ch++) {
    const xs = [], src = [];
    for (let a = 0; a < k1; a++) {
      const iy = cl.padIndex(j1 * params.stride + a - p1, h, pad);
      for (let b = 0; b < k2; b++) {
        const ix = cl.padIndex(j2 * params.stride + b - p2, w, pad);
        const inside = iy >= 0 && ix >= 0;
        xs.push(inside ? x[ch * h * w + iy * w + ix] : null);
        src.push(inside ? [iy, ix] : null);
      }
    }
    channels.push({ x: xs, src });
  }
  const z = [];
  for (let pl = 0; pl < planes; pl++) z.push(result.values[pl * oh * ow + j1 * ow + j2]);
  return { key, j1, j2, channels, z };
}

const handlers = {
  async init() {
    await loading;
    return { result: { simd: cl.simd, buildName: cl.buildName, note: cl.note } };
  },
  async setImage({ data, width, height }) {
    await loading;
    cl.releaseKept(kept.gray);
    cl.releaseKept(kept.rgb);
    kept.gray = kept.rgb = null;
    last = null;
    rgba = { data: new Uint8ClampedArray(data), width, height };
    return { result: { width, height } };
  },
  async inputView({ gray }) {
    await loading;
    const out = cl.keptToRGBA(keptImage(gray));
    return { result: { rgba: out.buffer, width: rgba.width, height: rgba.height }, transfer: [out.buffer] };
  },
  async preset({ kind, k1, k2, sigma }) {
    await loading;
    return { result: cl.preset(KERNEL[kind], k1, k2, sigma) };
  },
  async filter(params) {
    await loading;
    const result = filter(params);
    return { result, transfer: [result.rgba] };
  },
  /** The page sends drawn result buffers back for reuse. */
  async recycle({ buffer }) {
    if (buffer?.byteLength && spare.length < 3) spare.push(buffer);
    return { result: null };
  },
  async probe(args) {
    await loading;
    return { result: probe(args) };
  },
};

serveRequests(handlers);
