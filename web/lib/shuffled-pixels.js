// shuffled-pixels.js - the one fixed permutation of Fashion-MNIST's 784 pixel
// positions of the shuffled-pixels experiment: a model trained on shuffled
// pixels reads every image moved by it. The train page's worker trains with it
// (train/dataset.js permutation) and the lesson's model worker evaluates such
// a model with it.
import { IMAGE_PIXELS } from './limits.js';

const PERMUTATION_SEED = 20240611;

/** The permutation: image pixel perm[i] goes to position i. */
export function pixelPermutation() {
  const p = Array.from({ length: IMAGE_PIXELS }, (_, i) => i);
  let s = PERMUTATION_SEED;
  for (let i = IMAGE_PIXELS - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
