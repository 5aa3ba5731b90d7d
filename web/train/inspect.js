// train/inspect.js - the train page's worker: what the page shows of a model,
// its test results, its first layer's weights (network.js: the network view).
// A model trained on shuffled pixels is inspected on shuffled images, as it
// saw them. Every function takes the worker's state object (dataset.js's WorkerState).
import { IMAGE_PIXELS, CLASS_NAMES } from '../lib/limits.js';
import { needData, imagePointers, labelsOf, permutation } from './dataset.js';
import { needModel, inChunks, evaluateChunked } from './run.js';

/** @typedef {import('./dataset.js').WorkerState} WorkerState */

const CLASSES = CLASS_NAMES.length;

/**
 * The model on the whole test set, in chunks: { accuracy, loss, confusion,
 * predicted, probs, labels }. Throws run.js's Superseded when the model
 * changes before it is done.
 * @param {WorkerState} w
 */
export async function testResults(w) {
  needData(w);
  needModel(w);
  const net = w.model;
  const images = imagePointers(w, w.modelShuffled).test;
  const n = w.data.files.testImages.count;
  const e = await evaluateChunked(w, net, images, w.data.files.testLabels.data, n);
  const probs = new Float32Array(n * CLASSES);
  await inChunks(n, (at, m) => probs.set(net.predict(images + at * IMAGE_PIXELS, m), at * CLASSES), () => w.model === net);
  const predicted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (probs[i * CLASSES + k] > probs[i * CLASSES + best]) best = k;
    predicted[i] = best;
  }
  return { accuracy: e.accuracy, loss: e.loss, confusion: e.confusion, predicted, probs, labels: Uint8Array.from(labelsOf(w, 'test')) };
}

/**
 * The first weight layer: { index, kind, name, shape, weights, unshuffled,
 * shuffled }, or null when the model has none. unshuffled: a dense layer's
 * weights that read shuffled pixels, each put back at its pixel's place.
 * @param {WorkerState} w
 */
export function firstFilters(w) {
  needModel(w);
  const model = w.model;
  const first = model.layers().find((l) => l.kind === 'dense' || l.kind === 'conv');
  if (!first) return null;
  const weights = model.weights(first.index);
  // A dense layer that read shuffled pixels: its weight i went with pixel perm[i]
  // of the picture, so scattering each unit's weights back by perm redraws them
  // in the picture's own order.
  let unshuffled = null;
  if (w.modelShuffled && first.kind === 'dense' && weights.shape[1] === IMAGE_PIXELS) {
    const perm = permutation();
    unshuffled = new Float32Array(weights.weights.length);
    for (let at = 0; at < weights.weights.length; at += IMAGE_PIXELS)
      for (let i = 0; i < IMAGE_PIXELS; i++) unshuffled[at + perm[i]] = weights.weights[at + i];
  }
  return { index: first.index, kind: first.kind, name: first.name, shape: weights.shape, weights: weights.weights, unshuffled, shuffled: w.modelShuffled };
}

