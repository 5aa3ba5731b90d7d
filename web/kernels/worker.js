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
//   filter    { key, mode, op, kernels, k1, k2, normalise, bias, pad, stride, display, scale, edge }
//             -> { key, rgba, width, height, planes, maxAbs, display, scaled, used, normalised, ms }
//             (scaled: { to: 'max' | 'typical', p, above, count }, the colour scale used)
//   filter    { op: 'layer', channels, kernels (N of C*k1*k2), biases, relu, edges, k1, k2, pad, stride, display, scale }
//             -> { key, op, maps: [{ rgba, maxAbs, scaled }], width, height, planes: 1, display, used, ms }
//             the convolutional layer: one feature map per kernel (cl_conv2d_sum + bias), then ReLU
//   probe     { key, j1, j2, map }  -> { key, j1, j2, map, channels: [{ x, src }], z, pre }
//             the input patch under output pixel (j1, j2) of the last filter (of map `map` in the layer;
//             pre: its value before the ReLU)
import { loadConvlab } from '../lib/convlab.js';
import { PAD, DISPLAY, KERNEL } from '../lib/limits.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { SMALL_SIDE, PERCENTILE, chooseScale } from './state.js';
import { percentileAbs } from './arithmetic.js';

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

/**
 * The colour scale of c planes of h x w values (a float view, or a copy), shown
 * with `display`: to the largest |value|, or to typical values (the 95th
 * percentile of |value|), the values beyond it clipped to it, so the engine's
 * mapping makes it the strongest colour. Returns { scaled, rgba }: rgba null
 * when the engine's bytes (to the largest) stand.
 */
function scaleView(values, c, h, w, display, to) {
  if (to !== 'typical' || display === DISPLAY.clamp) return { scaled: { to: 'max' }, rgba: null };
  const { p, above, count, max } = percentileAbs(values, PERCENTILE);
  if (!(p > 0) || p >= max) return { scaled: { to: 'max' }, rgba: null };
  const clipped = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) clipped[i] = Math.max(-p, Math.min(p, values[i]));
  return { scaled: { to: 'typical', p, above, count }, rgba: cl.toRGBA(clipped, c, h, w, display) };
}

function filter(params) {
  if (params.op === 'layer') return layerFilter(params);
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
  // A small result is drawn as numbers: its floats go too (at most 3 x 16 x 16), read before the view can go stale.
  const values = result.width <= SMALL_SIDE && result.height <= SMALL_SIDE ? Array.from(result.values) : null;
  // to typical values: a copy of the values, clipped (toRGBA may grow memory: the view goes stale, probe() recomputes)
  const shown = scaleView(result.values, planes, result.height, result.width, display, chooseScale(params.scale, params.edge, small));
  if (shown.rgba) result = { ...result, rgba: shown.rgba };
  const ms = performance.now() - t0;
  last = { key: params.key, params, result, handle, used };
  return {
    key: params.key,
    rgba: result.rgba.buffer,
    width: result.width,
    height: result.height,
    planes: result.planes,
    maxAbs: result.maxAbs,
    scaled: shown.scaled,
    display: nameOf(DISPLAY, display),
    used,
    normalised,
    ms,
    values,
  };
}

/**
 * The convolutional layer: for each kernel n (C planes of k1 x k2), the sum
 * over the channels plus b_n (cl_conv2d_sum, as the multi-channel mode), then
 * ReLU; each map coloured on its own scale. The maps' values are kept for probe().
 */
function layerFilter(params) {
  const { channels, kernels, biases, relu, edges, k1, k2, pad, stride } = params;
  const handle = keptImage(channels === 1);
  const small = handle.h <= SMALL_SIDE && handle.w <= SMALL_SIDE;
  const signed = !relu && (biases.some((b) => b < 0) || kernels.some((k) => k.some((v) => v < 0)));
  let display = params.display === 'auto' ? (signed ? DISPLAY.diverging : DISPLAY.abs) : DISPLAY[params.display];
  const t0 = performance.now();
  const pre = [], maps = [];
  let oh = 0, ow = 0;
  for (let n = 0; n < kernels.length; n++) {
    const r = cl.filterKept(handle, { kernels: kernels[n], k1, k2, mode: 'sum', pad: PAD[pad], stride, bias: biases[n], display: DISPLAY.clamp });
    pre.push(Float32Array.from(r.values));
    oh = r.height;
    ow = r.width;
  }
  for (let n = 0; n < kernels.length; n++) {
    const values = relu ? pre[n].map((v) => (v > 0 ? v : 0)) : pre[n];
    const { scaled, rgba } = scaleView(values, 1, oh, ow, display, chooseScale(params.scale, edges[n], small));
    let maxAbs = 0;
    for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
    const bytes = rgba ?? cl.toRGBA(values, 1, oh, ow, display);
    maps.push({
      rgba: bytes.buffer, maxAbs, scaled,
      // a small map is drawn as numbers
      values: ow <= SMALL_SIDE && oh <= SMALL_SIDE ? Array.from(values) : null,
    });
  }
  last = { key: params.key, params, layer: { pre, oh, ow }, handle };
  return {
    key: params.key, op: 'layer', maps, width: ow, height: oh, planes: 1, display: nameOf(DISPLAY, display),
    used: kernels, normalised: [], ms: performance.now() - t0,
  };
}

/** The patch of output pixel (j1, j2) in each channel of the kept image, read with the engine's padding rules. */
function patchOf(handle, params, k1, k2, j1, j2) {
  const { h, w, c } = handle;
  const x = cl.keptPlanes(handle);
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
  return channels;
}

function probeLayer({ key, j1, j2, map }) {
  const { params, handle, layer: { pre, oh, ow } } = last;
  if (!(j1 >= 0 && j1 < oh && j2 >= 0 && j2 < ow)) throw new Error(`pixel (${j1}, ${j2}) is outside the output (${oh} rows, ${ow} columns)`);
  if (!(map >= 0 && map < pre.length)) throw new Error(`there is no map ${map}: the layer has ${pre.length}`);
  const v = pre[map][j1 * ow + j2];
  return { key, j1, j2, map, channels: patchOf(handle, params, params.k1, params.k2, j1, j2), z: [params.relu ? Math.max(0, v) : v], pre: v };
}

function probe({ key, j1, j2, map = 0 }) {
  if (!last || last.key !== key) return { key: last?.key ?? null, stale: true };
  if (last.layer) return probeLayer({ key, j1, j2, map });
  const { params, handle } = last;
  let { result } = last;
  const { width: ow, height: oh, planes } = result;
  if (!(j1 >= 0 && j1 < oh && j2 >= 0 && j2 < ow)) throw new Error(`pixel (${j1}, ${j2}) is outside the output (${oh} rows, ${ow} columns)`);
  // The result's float view dies when WASM memory grows (a new image):
  // recompute rather than read a detached buffer.
  if (result.values.length === 0 || result.values.buffer !== cl.memory.buffer) {
    filter(params);
    result = last.result;
  }
  const k1 = params.op === 'magnitude' ? 3 : params.k1, k2 = params.op === 'magnitude' ? 3 : params.k2;
  // the engine's own padding rules, so the patch shown is the one it summed
  const channels = patchOf(handle, params, k1, k2, j1, j2);
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
    return { result, transfer: result.maps ? result.maps.map((m) => m.rgba) : [result.rgba] };
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
