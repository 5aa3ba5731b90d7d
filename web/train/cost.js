// train/cost.js - what a network costs to train, before it is trained.
// Pure: no DOM, no engine; tested in node (tests/node/train-cost.test.mjs).
//
// A network's work is counted in multiply-adds per image in its forward pass
// (its layers from the engine's describe: kind, output shape [C, H, W] and
// weight shape [out, in, kh, kw]). Training one image costs about three
// forward passes (forward, then the gradients of the inputs and of the
// weights); checking one costs one. The device's speed is measured once by the
// worker (calibrate in train/worker.js), in the same units.

/** Forward multiply-adds for one image. */
export function multiplyAdds(layers) {
  let total = 0;
  for (const l of layers) {
    const [c, h, w] = l.shape;
    if (l.kind === 'conv') {
      const [, inC, kh, kw] = l.weightShape;
      total += c * h * w * inC * kh * kw;
    } else if (l.kind === 'dense') {
      const [out, inN] = l.weightShape;
      total += out * inN;
    } else if (l.kind === 'maxpool' || l.kind === 'avgpool') {
      const k = l.geometry?.[0] || 2;
      total += c * h * w * k * k;
    }
  }
  return total;
}

/** Training counts about three forward passes per image. */
export const TRAIN_PASSES = 3;

/**
 * Seconds one epoch should take: training on nTrain images and checking nVal
 * held-out images valChecks times, at `rate` multiply-adds per second.
 */
export function epochSeconds(macs, { nTrain, nVal = 0, valChecks = 4 }, rate) {
  if (!(rate > 0)) return null;
  return ((TRAIN_PASSES * nTrain + valChecks * nVal) * macs) / rate;
}

/** An epoch longer than this gets a warning, and Start asks to be pressed twice. */
export const SLOW_EPOCH_SECONDS = 180;

// ---- memory ----
// What training holds in the engine's memory (core/cl_nn.c): a block of 7
// floats per parameter (weights, their gradients, the optimiser's state and
// the best epoch's copy), and per example of a call (a batch, or a chunk of a
// pass over held-out images) every layer's output and its gradient (a view
// layer, flatten or linear, shares its input's), the input once, and a max
// pool's argmax. The data sets sit beside it, one byte per pixel.

/** The engine's memory can grow to 2 GB (-sMAXIMUM_MEMORY in the Makefile); a bit is kept for the rest. */
export const ENGINE_MEMORY_BYTES = 1.75 * 2 ** 30;

/** Floats per example of a call over the layers, as cl_nn's capacity counts them. */
export function floatsPerExample(layers) {
  let floats = 0;
  layers.forEach((l, i) => {
    if (i > 0 && (l.kind === 'flatten' || l.kind === 'linear')) return;
    const size = l.shape[0] * l.shape[1] * l.shape[2];
    floats += size * ((i === 0 ? 1 : 2) + (l.kind === 'maxpool' ? 1 : 0));
  });
  return floats;
}

/** A pass over held-out images goes in chunks of about this long (train/run.js inChunks). */
export const SLICE_MS = 30;

/** The images of one chunk of such a pass, at `rate` multiply-adds per second (at most 4,096). */
export function chunkImages(macs, rate) {
  return rate > 0 && macs > 0 ? Math.max(1, Math.min(4096, Math.round((rate * SLICE_MS) / 1000 / macs))) : 4096;
}

/**
 * Bytes training needs, about: the parameter block, the activations of the
 * larger of a batch and the passes' chunks (`examples`), and the data.
 */
export function trainingBytes({ layers, params }, examples, dataBytes) {
  return 4 * (7 * params + floatsPerExample(layers) * examples) + dataBytes;
}

/**
 * The most a tab of this device should take: a quarter of its memory where
 * the browser says (navigator.deviceMemory, in GB; a 4 GB Chromebook runs
 * the system and other tabs too), and never more than the engine can grow to.
 * @param {number | null | undefined} deviceGB
 */
export function memoryBudget(deviceGB) {
  return deviceGB > 0 ? Math.min(ENGINE_MEMORY_BYTES, (deviceGB * 2 ** 30) / 4) : ENGINE_MEMORY_BYTES;
}
