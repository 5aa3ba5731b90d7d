// train/dataset.js - Fashion-MNIST in the engine's memory, for the train
// page's worker: the four IDX files parsed and checked, the split into
// training, held-out validation and test images, the pixels shuffled by one
// fixed permutation (the shuffled-pixels experiment), and copies of images
// for the page. Every function takes the worker's state object (WorkerState).
import { IMAGE_SIDE, IMAGE_PIXELS, CLASS_NAMES, SPLITS } from '../lib/limits.js';
import { packOrder } from './pack.js';
import { pixelPermutation } from '../lib/shuffled-pixels.js';

const CLASSES = CLASS_NAMES.length;

/**
 * The worker's one state object.
 * @typedef {object} WorkerState
 * @property {any} cl  the engine (lib/convlab.js), once loaded
 * @property {{ files: Record<string, any> | null, shuffled: { train: number, test: number } | null, quick: boolean,
 *   train: { quick: any, full: any }, test: any }} data
 *   train: the training images and labels of each set ({ images, labels } IDX handles, or null): quick from
 *     the quick pack, or made from the full set when that is loaded (the same images, packOrder);
 *   test: the test images and labels, shared by both sets;
 *   quick: which set is in use; files: its four handles { trainImages, trainLabels, testImages, testLabels }
 *     (null while that set is not loaded); shuffled: pointers to permuted copies of its images, made on first use
 * @property {any} model  the Network trained or inspected (lib/convlab.js), or null
 * @property {boolean} modelShuffled  the model was trained on shuffled pixels: it is inspected on shuffled images
 * @property {any} run  the training run under way (run.js), or null
 */

/**
 * Sizes of the split of the set in use: training from the start of its
 * training file, validation (held out) from its end (lib/limits.js SPLITS).
 * @param {WorkerState} w
 */
export function split(w) {
  const total = w.data.files.trainImages.count;
  const want = SPLITS[w.data.quick ? 'quick' : 'full'].validation;
  const validation = Math.min(want, total >> 3);
  return { train: total - validation, validation, test: w.data.files.testImages.count, total, set: w.data.quick ? 'quick' : 'full' };
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

/** Frees the permuted copies of the set in use (they are made again when needed). */
function freeShuffled(w) {
  if (w.data.shuffled) { w.cl.free(w.data.shuffled.train); w.cl.free(w.data.shuffled.test); }
  w.data.shuffled = null;
}

/** Frees a pair of handles ({ images, labels }), made by loadIdx or by quickFromFull. */
function freePair(cl, pair) {
  if (!pair) return;
  cl.freeIdx(pair.images);
  cl.freeIdx(pair.labels);
}

/**
 * The quick set made from the full one: the quick pack's images (packOrder),
 * copied in the pack's order, as handles the rest of the worker reads like
 * the pack's own (ptr: the allocation, data: the first element).
 * @param {WorkerState} w
 */
function quickFromFull(w) {
  const { cl } = w;
  const full = w.data.train.full;
  const order = packOrder(cl.u8(full.labels.data, full.labels.count));
  const n = order.length;
  const images = cl.alloc(n * IMAGE_PIXELS);
  let labels = 0;
  try {
    labels = cl.alloc(n);
    const src = cl.u8(full.images.data, full.images.count * IMAGE_PIXELS), dst = cl.u8(images, n * IMAGE_PIXELS);
    const srcL = cl.u8(full.labels.data, full.labels.count), dstL = cl.u8(labels, n);
    order.forEach((i, j) => {
      dst.set(src.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), j * IMAGE_PIXELS);
      dstL[j] = srcL[i];
    });
  } catch (e) {
    cl.free(images);
    throw e;
  }
  return {
    images: { ptr: images, data: images, count: n, rows: IMAGE_SIDE, cols: IMAGE_SIDE },
    labels: { ptr: labels, data: labels, count: n },
  };
}

/**
 * Whether the set `quick` names can be used now without a download: the
 * quick set needs the pack or the full set, the full set itself.
 * @param {WorkerState} w
 * @param {boolean} quick
 */
export function canUse(w, quick) {
  const { train, test } = w.data;
  return Boolean(test) && Boolean(quick ? train.quick || train.full : train.full);
}

/**
 * Puts a set in use: `quick` true for the quick set (made from the full set
 * when only that is loaded). The run using the data must be stopped first.
 * Returns false (and changes nothing) when that set is not loaded.
 * @param {WorkerState} w
 * @param {boolean} quick
 */
export function useSet(w, quick) {
  if (!canUse(w, quick)) return false;
  const { data } = w;
  if (quick && !data.train.quick) data.train.quick = quickFromFull(w);
  freeShuffled(w);
  const pair = quick ? data.train.quick : data.train.full;
  data.quick = quick;
  data.files = { trainImages: pair.images, trainLabels: pair.labels, testImages: data.test.images, testLabels: data.test.labels };
  return true;
}

/**
 * Takes freshly parsed files of a set ('quick' or 'full') as the worker's,
 * freeing what they replace. Put a set in use with useSet() afterwards.
 * @param {WorkerState} w
 * @param {Record<string, any>} files
 * @param {'quick' | 'full'} set
 */
export function adoptFiles(w, files, set) {
  const { cl, data } = w;
  freeShuffled(w);
  data.files = null;
  freePair(cl, data.test);
  data.test = { images: files.testImages, labels: files.testLabels };
  freePair(cl, data.train[set]);
  data.train[set] = { images: files.trainImages, labels: files.trainLabels };
}

/** @param {WorkerState} w */
export function needData(w) {
  if (!w.data.files) throw new Error('load the data first');
}

/** The permutation of the 784 pixel positions used by the shuffled-pixels experiment (lib/shuffled-pixels.js). */
export const permutation = pixelPermutation;

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
