// train/dataset.js - Fashion-MNIST in the engine's memory, for the train
// page's worker: the four IDX files parsed and checked, the split into
// training, held-out validation and test images, the pixels shuffled by one
// fixed permutation (the shuffled-pixels experiment), and copies of images
// for the page. Every function takes the worker's state object (WorkerState).
import { IMAGE_SIDE, IMAGE_PIXELS, CLASS_NAMES } from '../lib/limits.js';

const CLASSES = CLASS_NAMES.length;
const PERMUTATION_SEED = 20240611; // "one fixed permutation" of the pixels

/**
 * The worker's one state object.
 * @typedef {object} WorkerState
 * @property {any} cl  the engine (lib/convlab.js), once loaded
 * @property {{ files: Record<string, any> | null, shuffled: { train: number, test: number } | null, quick: boolean }} data
 *   files: the IDX handles { trainImages, trainLabels, testImages, testLabels };
 *   shuffled: pointers to permuted copies of the images, made on first use
 * @property {any} model  the Network trained or inspected (lib/convlab.js), or null
 * @property {boolean} modelShuffled  the model was trained on shuffled pixels: it is inspected on shuffled images
 * @property {any} run  the training run under way (run.js), or null
 */

/**
 * Sizes of the split: training from the start of the training file, validation from its end.
 * @param {WorkerState} w
 */
export function split(w) {
  const total = w.data.files.trainImages.count;
  const validation = w.data.quick ? Math.min(1000, total >> 3) : Math.min(5000, total >> 3);
  const train = w.data.quick ? Math.min(10000, total - validation) : total - validation;
  return { train, validation, test: w.data.files.testImages.count, total };
}

/**
 * Parses the four files (raw bytes by name), every one before any is used: a
 * bad file throws, and leaves nothing allocated.
 * @param {any} cl
 * @param {Record<string, Uint8Array>} raw
 */
export function parseFiles(cl, raw) {
  const files = {};
  try {
    files.trainImages = cl.loadIdx(raw.trainImages, 'images');
    files.trainLabels = cl.loadIdx(raw.trainLabels, 'labels');
    files.testImages = cl.loadIdx(raw.testImages, 'images');
    files.testLabels = cl.loadIdx(raw.testLabels, 'labels');
    for (const set of ['train', 'test']) {
      const im = files[`${set}Images`];
      if (im.rows !== IMAGE_SIDE || im.cols !== IMAGE_SIDE) throw new Error(`the ${set} images are ${im.rows} x ${im.cols}, not 28 x 28`);
      cl.checkIdxPair(im, files[`${set}Labels`], CLASSES);
    }
  } catch (e) {
    for (const h of Object.values(files)) cl.freeIdx(h);
    throw new Error(`the data files are not valid Fashion-MNIST IDX files: ${e.message}`);
  }
  return files;
}

/**
 * The data the worker uses from now on (the run using the old data must be stopped first).
 * @param {WorkerState} w
 */
export function replaceData(w, files, quick) {
  const { cl, data } = w;
  if (data.files) for (const h of Object.values(data.files)) cl.freeIdx(h);
  if (data.shuffled) { cl.free(data.shuffled.train); cl.free(data.shuffled.test); }
  data.files = files;
  data.shuffled = null;
  data.quick = Boolean(quick);
}

/** @param {WorkerState} w */
export function needData(w) {
  if (!w.data.files) throw new Error('load the data first');
}

/** The permutation of the 784 pixel positions used by the shuffled-pixels experiment. */
export function permutation() {
  const p = Array.from({ length: IMAGE_PIXELS }, (_, i) => i);
  let s = PERMUTATION_SEED;
  for (let i = IMAGE_PIXELS - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Pointers to the images, shuffled or not: { train, test } (the validation images follow the training ones).
 * @param {WorkerState} w
 * @param {boolean} shuffled
 */
export function imagePointers(w, shuffled) {
  needData(w);
  const { cl, data } = w;
  if (!shuffled) return { train: data.files.trainImages.data, test: data.files.testImages.data };
  if (!data.shuffled) {
    const perm = permutation();
    const make = (h) => {
      const n = h.count * IMAGE_PIXELS;
      const ptr = cl.alloc(n);
      const src = cl.u8(h.data, n), dst = cl.u8(ptr, n); // alloc may grow memory: views after it
      for (let at = 0; at < n; at += IMAGE_PIXELS) for (let i = 0; i < IMAGE_PIXELS; i++) dst[at + i] = src[at + perm[i]];
      return ptr;
    };
    const train = make(data.files.trainImages);
    try {
      data.shuffled = { train, test: make(data.files.testImages) };
    } catch (e) {
      cl.free(train);
      throw e;
    }
  }
  return data.shuffled;
}

/**
 * Copies of images of a set ('train' or 'test'), shuffled or not: n * 784 bytes.
 * @param {WorkerState} w
 * @param {string} set
 * @param {number[]} indices
 */
export function copyImages(w, set, indices, shuffled = false) {
  needData(w);
  const h = set === 'test' ? w.data.files.testImages : w.data.files.trainImages;
  const base = shuffled ? imagePointers(w, true)[set === 'test' ? 'test' : 'train'] : h.data;
  const out = new Uint8Array(indices.length * IMAGE_PIXELS);
  indices.forEach((i, k) => {
    if (!(i >= 0 && i < h.count)) throw new Error(`there is no ${set} image ${i}`);
    out.set(w.cl.u8(base + i * IMAGE_PIXELS, IMAGE_PIXELS), k * IMAGE_PIXELS);
  });
  return out;
}

/**
 * The labels of a set, a view of the engine's memory (valid until it grows).
 * @param {WorkerState} w
 * @param {string} set
 */
export function labelsOf(w, set) {
  const h = set === 'test' ? w.data.files.testLabels : w.data.files.trainLabels;
  return w.cl.u8(h.data, h.count);
}

/**
 * The first perClass training images of each class: { images, indices, labels }.
 * @param {WorkerState} w
 * @param {number} perClass
 */
export function samples(w, perClass) {
  needData(w);
  const labels = labelsOf(w, 'train');
  const indices = [];
  for (let k = 0; k < CLASSES; k++) {
    let found = 0;
    for (let i = 0; i < labels.length && found < perClass; i++) if (labels[i] === k) { indices.push(i); found++; }
  }
  const images = copyImages(w, 'train', indices);
  return { images, indices, labels: indices.map((i) => labels[i]) };
}
