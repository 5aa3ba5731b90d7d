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
