// train/pack.js - which training images make the quick pack: the first
// perClass + heldOutPerClass of each class in the file's order, the training
// part first (in file order), then the held-out part (in file order), so that
// the page's split (validation from the end) holds out a balanced set. Pure:
// used by scripts/quick-pack.mjs to build the pack at make dist, and by the
// worker to make the very same set from the full data when that is loaded.
import { QUICK_PACK } from '../lib/limits.js';

/**
 * The indices into the full training set, in pack order.
 * @param {ArrayLike<number>} labels  the full set's labels
 * @param {{ perClass: number, heldOutPerClass: number, classes: number }} [shape]
 * @returns {number[]}
 */
export function packOrder(labels, { perClass, heldOutPerClass, classes } = QUICK_PACK) {
  const take = perClass + heldOutPerClass;
  /** @type {number[][]} */
  const byClass = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (k < classes && byClass[k].length < take) byClass[k].push(i);
  }
  if (byClass.some((c) => c.length < take)) throw new Error(`fewer than ${take} images of some class`);
  const train = byClass.flatMap((c) => c.slice(0, perClass)).sort((a, b) => a - b);
  const held = byClass.flatMap((c) => c.slice(perClass)).sort((a, b) => a - b);
  return [...train, ...held];
}
