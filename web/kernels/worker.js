// worker.js - the kernels page's engine, off the main thread.
//
// Owns one WASM instance (through convlab.js) and the current image, kept in
// WASM memory as its RGBA bytes. Messages in: { id, type, ...args }; answers:
// { id, ok: true, result } or { id, ok: false, error: { message, status } }.
// Pixel buffers travel as transferred ArrayBuffers, never copied.
//
//   init                          -> { simd, buildName, note }   (note: why the scalar build runs, or '')
//   setImage  { data, width, height }   (data: an RGBA ArrayBuffer, transferred)
//   inputView { gray }            -> { rgba, width, height }   the image as the engine reads it
//   preset    { kind, k1, k2, sigma } -> Float32Array (k1*k2)
//   filter    { key, mode, op, kernels, k1, k2, normalise, bias, pad, stride, display, scale, edge }
//             -> { key, rgba, width, height, planes, maxAbs, display, scaled, used, normalised, ms, values, path, workers }
//             (scaled: { to: 'max' | 'typical', p, above, count }, the colour scale used; values: a small
//             result's numbers, else null; path: 'bytes', the image's bytes in and the picture's out in one
//             engine call, no float planes of the whole image kept; workers: how many computed it, team.js)
//   filter    { op: 'layer', channels, kernels (N of C*k1*k2), biases, relu, edges, k1, k2, pad, stride, display, scale }
//             -> { key, op, maps: [{ rgba, maxAbs, scaled, values }], width, height, planes: 1, display, used, ms, path }
//             the convolutional layer: one feature map per kernel (the sum over the channels + bias), then ReLU
//   probe     { key, j1, j2, map }  -> { key, j1, j2, map, channels: [{ x, src }], z, pre }
//             the input patch under output pixel (j1, j2) of the last filter (of map `map` in the layer;
//             pre: its value before the ReLU), worked out when asked (pixel.js)
import { loadConvlab } from '../lib/convlab.js';
import { PAD, DISPLAY, KERNEL } from '../lib/limits.js';
import { serveRequests, WorkerClient } from '../lib/worker-rpc.js';
import { SMALL_SIDE, PERCENTILE, CLAMP_ABOVE, chooseScale, clampKnown } from './state.js';
import { pixelAt } from './pixel.js';
import { Team, filterWork, helperCount, SPLIT_MIN_WORK } from './team.js';

let cl = null;
// The SIMD build even where the relaxed one runs: the numbers under the cursor
// (pixel.js) are bit for bit the whole-image call's, which fused multiply-adds
// in the vector loops and plain ones in the rows' scalar ends would not keep.
const loading = loadConvlab({ relaxed: false }).then((c) => { cl = c; });

// The image's RGBA bytes, kept in WASM memory (cl.keepRGBA), and, made on
// first use, its luma as RGBA bytes (y, y, y): what the engine reads for the
// gradient magnitude and the layer of a grayscale image. No float planes of
// the whole image are kept: each filter goes bytes in, bytes out in one
// engine call (cl_filter_rgba), and the numbers under the cursor are worked
// out when asked for (pixel.js).
const kept = { bytes: null, luma: null };
let last = null;            // { key, params, src, q, gray, planes, width, height, used } of the last filter
// RGBA buffers the page has drawn and sent back, reused for the next result:
// a fresh 3 MB buffer per edit costs more than the convolution.
let spare = [];

// A large kernel's filter is split over the cores (team.js): helpers started
// the first time one is applied, where this worker can start workers.
const team = new Team({
  helpers: helperCount(self.navigator?.hardwareConcurrency),
  makeHelper: (onError) => {
    const c = new WorkerClient(new URL('helper.js', import.meta.url), { onError });
    return { call: (type, args, transfer) => c.call(type, args, transfer), terminate: () => c.worker.terminate() };
  },
  shared: self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
});

/** 'bytes': the path every filter takes (the page shows it, a test checks it). */
const PATH = 'bytes';

function spareBuffer(bytes) {
  const i = spare.findIndex((b) => b.byteLength === bytes);
  if (i < 0) {
    spare = [];
    return new Uint8ClampedArray(bytes);
  }
  return new Uint8ClampedArray(spare.splice(i, 1)[0]);
}

function keptBytes() {
  if (!kept.bytes) throw new Error('no image loaded yet');
  return kept.bytes;
}

/** The image's luma as kept RGBA bytes (y, y, y, 255): the engine's gray plane, exactly (its luma is a whole number). */
function keptLuma() {
  if (!kept.luma) {
    const img = keptBytes();
    const r = cl.filterImage(img, { kernels: new Float32Array([1]), k1: 1, k2: 1, mode: 'gray', pad: PAD.valid, display: DISPLAY.clamp, values: false });
    kept.luma = cl.keepRGBA({ data: r.rgba.slice(), width: img.width, height: img.height }); // a copy first: keeping may grow memory
  }
  return kept.luma;
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
 * The colour scale of c planes of h x w values (a live view of WASM memory),
 * shown with `display`: to the largest |value|, or to typical values (the
 * 95th percentile of |value|, the engine's), the values beyond it shown as
 * the strongest colour. maxAbs: the largest |value|, the engine's. Returns
 * { scaled, rgba }: rgba null when the picture is to the largest.
 */
function scaleView(values, c, h, w, display, to, maxAbs, into = () => spareBuffer(4 * h * w)) {
  if (to !== 'typical' || display === DISPLAY.clamp) return { scaled: { to: 'max' }, rgba: null };
  const { p, above, count } = cl.viewPercentileAbs(values, PERCENTILE);
  if (!(p > 0) || p >= maxAbs) return { scaled: { to: 'max' }, rgba: null };
  return { scaled: { to: 'typical', p, above, count }, rgba: cl.viewToRGBA(values, c, h, w, display, into(), p) };
}

/**
 * Filter q on src shown with `display`, as cl.filterImage() returns it, and
 * how many workers made it: a large one on the image's bytes split over the
 * team, else (or if the team cannot) one engine call here. values: whether
 * the float values are wanted (else the engine makes the bytes and the
 * largest |value| only, a strip at a time when clamped: values is null).
 * oh x ow: the output's size (cl.outSize).
 */
async function convolve(src, q, display, values, oh, ow) {
  if (src === kept.bytes && filterWork(q, oh, ow) >= SPLIT_MIN_WORK) {
    if (team.state === 'idle') team.start(cl.simd, cl.keptBytes(src).slice(), src.width, src.height);
    if (team.state === 'ready') {
      const planes = q.mode === 'sum' || q.mode === 'gray' ? 1 : 3;
      const r = await team.filter(cl, src, q, display, oh, ow, planes, spareBuffer(4 * oh * ow), values);
      if (r) return r;
    }
  }
  const r = cl.filterImage(src, { ...q, display, values });
  return { rgba: r.rgba, values: r.values, maxAbs: r.maxAbs, width: r.width, height: r.height, workers: 1 };
}

async function filter(params) {
  if (params.op === 'layer') return layerFilter(params);
  const { mode, op, k1, k2, bias, pad, stride, normalise } = params;
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
  const gray = mode === 'gray';
  const img = keptBytes();
  const signed = op !== 'magnitude' && (bias < 0 || used.some((k) => k.some((v) => v < 0)));
  const small = img.height <= SMALL_SIDE && img.width <= SMALL_SIDE;
  const flat = new Float32Array(used.reduce((n, k) => n + k.length, 0));
  if (op !== 'magnitude') used.reduce((at, k) => { flat.set(k, at); return at + k.length; }, 0);
  const planes = mode === 'sum' || gray ? 1 : 3;
  let display = params.display === 'auto' ? autoDisplay(signed, planes, small) : DISPLAY[params.display];
  if (display === DISPLAY.diverging && planes !== 1) {
    throw new Error('the diverging colour map shows one plane only: choose the grayscale or multi-channel mode, or |value| scaled');
  }
  // 'auto' on a result that cannot go above 255 (a blur's weights summing to 1, say): clamped,
  // known before computing, so no values are made
  if (display === null && op !== 'magnitude' && clampKnown(flat, bias)) display = DISPLAY.clamp;
  const to = chooseScale(params.scale, params.edge, small);
  // The engine's gradient magnitude is of R, G and B: of a grayscale image, it
  // is taken of the luma bytes, whose three planes are the same; the first is Z.
  const grayMagnitude = op === 'magnitude' && gray;
  const src = grayMagnitude ? keptLuma() : img;
  const q = {
    mode: op === 'magnitude' ? 'magnitude' : gray ? 'gray' : mode === 'sum' ? 'sum' : 'per-channel',
    kernels: flat, k1: op === 'magnitude' ? 3 : k1, k2: op === 'magnitude' ? 3 : k2, pad: PAD[pad], stride, bias,
  };
  // The float values only where something needs them: a small result's numbers, a display
  // decided from the largest value or mapped again, a scale to typical values. A photo shown
  // clamped (a blur) or scaled to its largest value is the engine's bytes alone.
  const [ohOut, owOut] = cl.outSize(src.height, src.width, q.k1, q.k2, q.pad, q.stride);
  const wantValues = (ohOut <= SMALL_SIDE && owOut <= SMALL_SIDE) || display === null || (grayMagnitude && display !== DISPLAY.clamp)
    || (to === 'typical' && display !== DISPLAY.clamp);
  // What the engine's bytes show: the display, unless it is mapped again after (a display
  // decided from the largest value, the luma's magnitude, typical values): then clamped,
  // the cheapest (a strip at a time).
  const engineDisplay = display === null || grayMagnitude || to === 'typical' ? DISPLAY.clamp : display;
  const t0 = performance.now();
  const r = await convolve(src, q, engineDisplay, wantValues, ohOut, owOut);
  const { width: ow, height: oh } = r;
  // the values, a view of WASM memory made again after each display mapping, which may grow it
  const zOf = () => (grayMagnitude ? r.values.subarray(0, oh * ow) : r.values);
  const maxAbs = r.maxAbs;
  // 'auto' on a non-negative result: clamped unless it goes above 255
  if (display === null) display = maxAbs > CLAMP_ABOVE ? DISPLAY.abs : DISPLAY.clamp;
  // A small result is drawn as numbers: its floats go too (at most 3 x 16 x 16), read before the view can go stale.
  const values = ow <= SMALL_SIDE && oh <= SMALL_SIDE ? Array.from(zOf()) : null;
  // Another mapping of the values goes into the team's bytes, which it replaces (a buffer of the
  // worker's, out of WASM memory), else into a spare one: a fresh array of megabytes is paid
  // page by page as it is written (a 7x7 summed edit took 10 ms more with one)
  const into = () => (r.workers > 1 ? r.rgba : spareBuffer(4 * oh * ow));
  const shown = r.values ? scaleView(zOf(), planes, oh, ow, display, to, maxAbs, into) : { scaled: { to: 'max' }, rgba: null };
  // the engine's bytes stand, unless another mapping replaces them
  let rgba = shown.rgba ?? (display !== engineDisplay ? cl.viewToRGBA(zOf(), planes, oh, ow, display, into()) : null);
  if (!rgba && r.workers > 1) {
    rgba = r.rgba; // the team's bytes, already out of WASM memory
  } else if (!rgba) {
    // the engine's bytes, out of WASM memory (nothing since the call has grown it)
    rgba = spareBuffer(4 * oh * ow);
    rgba.set(r.rgba);
  }
  const ms = performance.now() - t0;
  last = { key: params.key, params, src, q, gray, planes, width: ow, height: oh, used };
  return {
    key: params.key,
    rgba: rgba.buffer,
    width: ow,
    height: oh,
    planes,
    maxAbs,
    scaled: shown.scaled,
    display: nameOf(DISPLAY, display),
    used,
    normalised,
    ms,
    values,
    path: PATH,
    workers: r.workers,
  };
}

/** A 1-channel layer's kernel as the engine's sum over R, G and B takes it: the weights on the first plane, 0 on the others. */
function onFirstPlane(kernel) {
  const wt = new Float32Array(3 * kernel.length);
  wt.set(kernel);
  return wt;
}

/**
 * The convolutional layer: for each kernel n (C planes of k1 x k2), the sum
 * over the channels plus b_n (the multi-channel mode's sum; one channel: the
 * luma's), then ReLU; each map coloured on its own scale. Only the maps'
 * bytes are kept; probe() works a value out again when asked.
 */
function layerFilter(params) {
  const { channels, kernels, biases, relu, edges, k1, k2, pad, stride } = params;
  const img = keptBytes();
  const src = channels === 1 ? keptLuma() : img;
  const small = img.height <= SMALL_SIDE && img.width <= SMALL_SIDE;
  const signed = !relu && (biases.some((b) => b < 0) || kernels.some((k) => k.some((v) => v < 0)));
  const display = params.display === 'auto' ? (signed ? DISPLAY.diverging : DISPLAY.abs) : DISPLAY[params.display];
  const t0 = performance.now();
  const qs = [], maps = [];
  let oh = 0, ow = 0;
  for (let n = 0; n < kernels.length; n++) {
    const wt = channels === 1 ? onFirstPlane(kernels[n]) : Float32Array.from(kernels[n]);
    const q = { mode: 'sum', kernels: wt, k1, k2, pad: PAD[pad], stride, bias: biases[n] };
    qs.push(q);
    const r = cl.filterImage(src, { ...q, display: DISPLAY.clamp });
    oh = r.height;
    ow = r.width;
    const values = r.values;
    if (relu) for (let i = 0; i < values.length; i++) if (!(values[i] > 0)) values[i] = 0;
    const maxAbs = relu ? cl.viewMaxAbs(values) : r.maxAbs; // of the values after the ReLU
    // a small map is drawn as numbers
    const numbers = ow <= SMALL_SIDE && oh <= SMALL_SIDE ? Array.from(values) : null;
    const { scaled, rgba } = scaleView(values, 1, oh, ow, display, chooseScale(params.scale, edges[n], small), maxAbs);
    const bytes = rgba ?? cl.viewToRGBA(values, 1, oh, ow, display);
    maps.push({ rgba: bytes.buffer, maxAbs, scaled, values: numbers });
  }
  last = { key: params.key, params, src, gray: channels === 1, layer: { qs, oh, ow } };
  return {
    key: params.key, op: 'layer', maps, width: ow, height: oh, planes: 1, display: nameOf(DISPLAY, display),
    used: kernels, normalised: [], ms: performance.now() - t0, path: PATH,
  };
}

function inside(j1, j2, oh, ow) {
  if (!(j1 >= 0 && j1 < oh && j2 >= 0 && j2 < ow)) throw new Error(`pixel (${j1}, ${j2}) is outside the output (${oh} rows, ${ow} columns)`);
}

function probeLayer({ key, j1, j2, map }) {
  const { params, src, gray, layer: { qs, oh, ow } } = last;
  inside(j1, j2, oh, ow);
  if (!(map >= 0 && map < qs.length)) throw new Error(`there is no map ${map}: the layer has ${qs.length}`);
  const { channels, z } = pixelAt(cl, src, qs[map], gray, j1, j2);
  const v = z[0];
  return { key, j1, j2, map, channels, z: [params.relu ? Math.max(0, v) : v], pre: v };
}

/** The input patch under output pixel (j1, j2) of the last filter and its value, worked out now (pixel.js). */
function probe({ key, j1, j2, map = 0 }) {
  if (!last || last.key !== key) return { key: last?.key ?? null, stale: true };
  if (last.layer) return probeLayer({ key, j1, j2, map });
  const { src, q, gray, planes, width: ow, height: oh } = last;
  inside(j1, j2, oh, ow);
  const { channels, z } = pixelAt(cl, src, q, gray, j1, j2);
  return { key, j1, j2, channels, z: z.slice(0, planes) };
}

const handlers = {
  async init() {
    await loading;
    return { result: { simd: cl.simd, buildName: cl.buildName, note: cl.note } };
  },
  async setImage({ data, width, height }) {
    await loading;
    cl.releaseKept(kept.bytes);
    cl.releaseKept(kept.luma);
    kept.bytes = kept.luma = null;
    last = null;
    const bytes = new Uint8ClampedArray(data);
    kept.bytes = cl.keepRGBA({ data: bytes, width, height });
    team.setImage(bytes, width, height);
    return { result: { width, height } };
  },
  async inputView({ gray }) {
    await loading;
    const img = keptBytes();
    // the image as the engine reads it: the luma, or R, G and B (alpha ignored)
    const out = gray ? cl.keptBytes(keptLuma()).slice()
      : cl.filterImage(img, { kernels: new Float32Array([1]), k1: 1, k2: 1, mode: 'per-channel', pad: PAD.valid, display: DISPLAY.clamp, values: false }).rgba.slice();
    return { result: { rgba: out.buffer, width: img.width, height: img.height }, transfer: [out.buffer] };
  },
  async preset({ kind, k1, k2, sigma }) {
    await loading;
    return { result: cl.preset(KERNEL[kind], k1, k2, sigma) };
  },
  async filter(params) {
    await loading;
    const result = await filter(params);
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
