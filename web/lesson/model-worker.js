// lesson/model-worker.js - the lesson's look at the model the train page
// keeps in this browser (lib/store.js's 'model' record), off
// the main thread: the engine loads it and evaluates it on the Fashion-MNIST
// test set (the files the train page keeps, or downloaded), so the lesson
// checks what the model does, not a number written beside it.
//
//   kept                -> { model: null } | { model: Kept }   (no data needed)
//   evaluate { base }   -> { model: null } | { model: Kept, accuracy, n }
//
// Kept: { spec, savedAt, recordedTest, shuffled, mlp, firstConv } where
// firstConv is the first conv layer reading the image ({ index, name, shape
// (out, in, kh, kw), weights }), or null. A model trained on shuffled pixels
// is evaluated on the test images shuffled the same way, as it saw them.
import { loadConvlab } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { openStore } from '../lib/store.js';
import { IMAGE_SIDE, IMAGE_PIXELS, CLASS_NAMES, DATA_FILES, DATA_DB } from '../lib/limits.js';
import { pixelPermutation } from '../lib/shuffled-pixels.js';

const loading = loadConvlab();
/** The test set in the engine's memory, once read: { images, labels, shuffled (pointer or 0) }. */
let test = null;
/** Images evaluated per engine call. */
const CHUNK = 1000;

/**
 * The kept model record (lib/store.js: 'model' { bytes, spec, settings,
 * shuffled, test, savedAt }, or the single 'last' record older train pages
 * kept, { model: bytes, ... }), or null.
 */
async function keptRecord() {
  const store = await openStore();
  if (!store.available) throw new Error(`this browser keeps nothing for the lab (${store.why})`);
  try {
    const model = await store.get('model');
    if (model?.bytes) return model;
    const last = await store.get('last');
    return last?.model ? { ...last, bytes: last.model } : null;
  } finally {
    store.db?.close();
  }
}

/**
 * A data file's bytes, decompressed: as the train page keeps it (lib/limits.js
 * DATA_DB, by file name: { bytes }, gzip), else downloaded (the site's copy).
 * @param {string} path  DATA_FILES' path @param {string} base  the page's address
 */
async function dataFile(path, base) {
  const name = path.split('/').pop();
  let gz = null;
  const store = await openStore(undefined, DATA_DB);
  if (store.available) {
    try {
      const rec = await store.get(name);
      if (rec?.bytes instanceof Uint8Array && rec.bytes.length) gz = rec.bytes;
    } catch { /* not readable: download it */ }
    store.db?.close();
  }
  if (!gz) {
    const res = await fetch(new URL(path, base));
    if (!res.ok) throw new Error(`the server answered HTTP ${res.status} for ${name}`);
    gz = new Uint8Array(await res.arrayBuffer());
  }
  // a host may have sent it already decompressed (Content-Encoding: gzip)
  if (!(gz[0] === 0x1f && gz[1] === 0x8b)) return gz;
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What the lesson shows of a loaded network. */
function describe(net, record) {
  const layers = net.layers();
  const conv = layers.find((l) => l.kind === 'conv');
  const firstWeights = layers.find((l) => l.kind === 'dense' || l.kind === 'conv');
  let firstConv = null;
  if (conv && conv === firstWeights) {
    const w = net.weights(conv.index);
    firstConv = { index: conv.index, name: conv.name, shape: w.shape, weights: w.weights };
  }
  return {
    spec: net.spec, savedAt: record.savedAt ?? null, shuffled: Boolean(record.shuffled),
    recordedTest: Number.isFinite(record.test) ? record.test : null,
    mlp: !conv, firstConv,
  };
}

/** Loads the kept model: { net, kept } or null; throws saying why a kept model cannot be read. */
async function loadKept() {
  const cl = await loading;
  const record = await keptRecord();
  if (!record) return null;
  let net;
  try {
    net = cl.loadNetwork(record.bytes);
  } catch (e) {
    throw new Error(`the model kept in this browser cannot be read (${e.message})`);
  }
  const [c, hh, ww] = net.inputShape;
  if (c !== 1 || hh !== IMAGE_SIDE || ww !== IMAGE_SIDE || net.classes !== CLASS_NAMES.length) {
    net.free();
    throw new Error('the model kept in this browser does not read Fashion-MNIST’s 28 × 28 images into 10 classes');
  }
  return { net, kept: describe(net, record) };
}

/** The test images and labels in the engine's memory (read once). */
async function testSet(base) {
  const cl = await loading;
  if (test) return test;
  const [rawImages, rawLabels] = await Promise.all([dataFile(DATA_FILES.testImages, base), dataFile(DATA_FILES.testLabels, base)]);
  const images = cl.loadIdx(rawImages, 'images');
  let labels;
  try {
    labels = cl.loadIdx(rawLabels, 'labels');
    cl.checkIdxPair(images, labels, CLASS_NAMES.length);
    if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) throw new Error('the test images are not 28 × 28');
  } catch (e) {
    cl.freeIdx(images);
    cl.freeIdx(labels);
    throw new Error(`the test files are not valid (${e.message})`);
  }
  test = { images, labels, shuffled: 0 };
  return test;
}

/** A pointer to the test images shuffled by the train page's fixed permutation (made once). */
async function shuffledImages(cl, t) {
  if (t.shuffled) return t.shuffled;
  const perm = pixelPermutation(), n = t.images.count * IMAGE_PIXELS;
  const ptr = cl.alloc(n);
  const src = cl.u8(t.images.data, n), dst = cl.u8(ptr, n); // views after alloc: memory may have grown
  for (let at = 0; at < n; at += IMAGE_PIXELS) for (let i = 0; i < IMAGE_PIXELS; i++) dst[at + i] = src[at + perm[i]];
  t.shuffled = ptr;
  return ptr;
}

serveRequests({
  async kept() {
    const m = await loadKept();
    if (!m) return { result: { model: null } };
    m.net.free();
    return { result: { model: m.kept } };
  },

  async evaluate({ base }) {
    const cl = await loading;
    const m = await loadKept();
    if (!m) return { result: { model: null } };
    try {
      const t = await testSet(base);
      const images = m.kept.shuffled ? await shuffledImages(cl, t) : t.images.data;
      const n = t.images.count;
      let correct = 0;
      for (let at = 0; at < n; at += CHUNK) {
        const k = Math.min(CHUNK, n - at);
        const e = m.net.evaluate(images + at * IMAGE_PIXELS, t.labels.data + at, k);
        for (let c = 0; c < e.classes; c++) correct += e.confusion[c * e.classes + c];
      }
      return { result: { model: m.kept, accuracy: correct / n, correct, n } };
    } finally {
      m.net.free();
    }
  },
});
