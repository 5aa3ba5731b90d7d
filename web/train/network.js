// train/network.js - the train page's worker: the network view. One image (a
// test image, or 28 x 28 gray bytes the student drew or brought) through the
// model, every layer's output; and how one value of a conv layer is computed,
// input channel by input channel, by the engine (lib/convlab.js convSteps),
// equal to the layer's own forward pass. While a run trains, the view the
// page watches is sent again every WATCH_BATCHES batches (run.js asks).
// Every function takes the worker's state object (dataset.js's WorkerState).
import { IMAGE_PIXELS } from '../lib/limits.js';
import { imagePointers, labelsOf, permutation } from './dataset.js';
import { whole } from './team.js';

/** @typedef {import('./dataset.js').WorkerState} WorkerState */
/**
 * What the page shows in the network: { kind: 'test', index } or
 * { kind: 'pixels', pixels: 784 gray bytes, name }; and the value explained,
 * { layer, channel, row, col }, or null.
 * @typedef {{ source: { kind: string, index?: number, pixels?: Uint8Array, name?: string }, pick: { layer: number, channel: number, row: number, col: number } | null }} Watch
 */

/** Batches between two refreshes of the watched view while a run trains. */
export const WATCH_BATCHES = 200;

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'];

/** @type {Watch | null} the view the page follows during a run */
let watched = null;
let batchesSince = 0;

/** The view to send again during a run (null: none). @param {Watch | null} what */
export function watch(what) {
  watched = what;
  batchesSince = 0;
}

/**
 * run.js, after `batches` more batches of a run: every WATCH_BATCHES batches,
 * the watched view again, as a 'network' event. A view that cannot be made
 * (its data gone) stops being watched.
 * @param {WorkerState} w
 */
export function batchesDone(w, batches) {
  if (!watched || (batchesSince += batches) < WATCH_BATCHES) return;
  batchesSince = 0;
  try {
    const t0 = performance.now();
    const view = networkView(w, watched);
    self.postMessage({ event: 'network', view }, viewBuffers(view));
    if (w.run) w.run.viewMs += performance.now() - t0; // what following costs the run (its progress says)
  } catch {
    watched = null;
  }
}

/** 784 bytes in the engine's memory for drawn and uploaded images (allocated once). */
let pixelsPtr = 0;

/**
 * The image as the model sees it: its pointer, its bytes, and its label (test images).
 * @param {WorkerState} w
 */
function imageOf(w, source) {
  if (source.kind === 'test') {
    const files = w.data.files;
    if (!files) throw new Error('load the data to choose a test image, or draw one');
    const n = files.testImages.count;
    if (!(Number.isInteger(source.index) && source.index >= 0 && source.index < n)) throw new Error(`choose a test image from 0 to ${n - 1}`);
    const ptr = imagePointers(w, w.modelShuffled).test + source.index * IMAGE_PIXELS;
    return { ptr, label: labelsOf(w, 'test')[source.index] };
  }
  if (!(source.pixels instanceof Uint8Array) || source.pixels.length !== IMAGE_PIXELS) throw new Error('a drawn image has 28 x 28 gray values');
  if (!pixelsPtr) pixelsPtr = w.cl.alloc(IMAGE_PIXELS);
  const view = w.cl.u8(pixelsPtr, IMAGE_PIXELS);
  if (w.modelShuffled) {
    // the model learned on pixels moved by one permutation: it reads this image moved the same way
    const perm = permutation();
    for (let i = 0; i < IMAGE_PIXELS; i++) view[i] = source.pixels[perm[i]];
  } else view.set(source.pixels);
  return { ptr: pixelsPtr, label: null };
}

/**
 * The image through the model: { source, label, layers: [{ index, kind, name,
 * shape (C, H, W), data }], shuffled, steps, pick (the explained value, or
 * null) }. Layer 0 is the input as the model read it (0 to 1).
 * @param {WorkerState} w
 * @param {Watch} watch
 */
export function networkView(w, watch) {
  if (!w.model) throw new Error('there is no model yet: start training or load a model');
  whole(w); // a split team's helpers' rows of layer 1
  const net = w.model;
  const { ptr, label } = imageOf(w, watch.source);
  net.forward(ptr, 1);
  const layers = net.layers().map((l) => ({ index: l.index, kind: l.kind, name: l.name, shape: l.shape, geometry: l.geometry, data: net.layerOutput(l.index) }));
  const source = { kind: watch.source.kind, index: watch.source.index, name: watch.source.name };
  let pick = null;
  if (watch.pick) pick = explain(w, layers, watch.pick);
  return { source, label, layers, shuffled: w.modelShuffled, steps: net.steps, pick };
}

/** The transferable buffers of a view. */
export const viewBuffers = (v) => v.layers.map((l) => l.data.buffer);

/**
 * Value (channel, row, col) of conv layer `layer` after the forward pass of
 * networkView: the patch of each input channel it reads (null where the
 * padding is), the kernel's slice for it, the engine's sums (lib/convlab.js
 * convSteps), and the activation after it, when the next layer is one.
 * @param {WorkerState} w
 */
function explain(w, layers, { layer, channel, row, col }) {
  const l = layers[layer];
  if (!l || l.kind !== 'conv') throw new Error(`layer ${layer} is not a conv layer`);
  const [OC, OH, OW] = l.shape;
  if (!(channel >= 0 && channel < OC && row >= 0 && row < OH && col >= 0 && col < OW)) {
    throw new Error(`layer ${layer} has channels 0 to ${OC - 1}, rows 0 to ${OH - 1} and columns 0 to ${OW - 1}`);
  }
  const [kh, kw, pad, stride] = l.geometry;
  const input = layers[layer - 1];
  const [C, H, W] = input.shape;
  const wt = w.model.weights(layer);
  const patches = [], kernels = [];
  for (let ch = 0; ch < C; ch++) {
    const patch = [], kernel = [];
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const y = row * stride - pad + u, x = col * stride - pad + v;
        patch.push(y >= 0 && y < H && x >= 0 && x < W ? input.data[(ch * H + y) * W + x] : null);
        kernel.push(wt.weights[((channel * C + ch) * kh + u) * kw + v]);
      }
    }
    patches.push(patch);
    kernels.push(kernel);
  }
  const steps = w.model.convSteps(layer, channel, row, col);
  const next = layers[layer + 1];
  const activation = next && ACTIVATIONS.includes(next.kind)
    ? { kind: next.kind, index: next.index, value: next.data[(channel * OH + row) * OW + col] } : null;
  return {
    layer, channel, row, col, name: l.name, kh, kw, pad, stride, inputChannels: C, inputShape: input.shape, inputName: input.name,
    origin: [row * stride - pad, col * stride - pad], patches, kernels, ...steps,
    mapValue: l.data[(channel * OH + row) * OW + col], activation,
  };
}
