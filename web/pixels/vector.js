// vector.js - how an MLP sees an image (part 5 of the page): a picture
// shrunk to Fashion-MNIST's 28 x 28, laid out as one vector, and a fixed
// shuffle of its positions. Pure: no DOM, no engine; tested in node
// (tests/node/pixels-vector.test.mjs). The worker shrinks, the page shuffles.

/**
 * Seeded permutation of 0..n-1 (mulberry32 + Fisher-Yates): p[i] is where pixel i goes.
 * @param {number} n
 * @param {number} seed
 * @returns {number[]}
 */
export function permutation(n, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * The centre square of a (h, w) plane, averaged down to side x side whole numbers.
 * @param {ArrayLike<number>} plane
 * @param {number} w @param {number} h @param {number} side
 */
export function shrinkSquare(plane, w, h, side) {
  const s = Math.min(w, h), x0 = Math.floor((w - s) / 2), y0 = Math.floor((h - s) / 2);
  const out = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) {
    const ya = y0 + Math.floor((r * s) / side), yb = Math.max(ya + 1, y0 + Math.floor(((r + 1) * s) / side));
    for (let c = 0; c < side; c++) {
      const xa = x0 + Math.floor((c * s) / side), xb = Math.max(xa + 1, x0 + Math.floor(((c + 1) * s) / side));
      let sum = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += plane[y * w + x];
      out[r * side + c] = Math.round(sum / ((yb - ya) * (xb - xa)));
    }
  }
  return out;
}

/**
 * The pixels moved by a permutation: out[perm[i]] = pixels[i].
 * @param {ArrayLike<number>} pixels
 * @param {ArrayLike<number>} perm
 */
export function shuffle(pixels, perm) {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[perm[i]] = pixels[i];
  return out;
}

/**
 * For each position of the vector shown, the pixel it came from (the vector
 * in order, or shuffled by perm).
 * @param {number} n
 * @param {ArrayLike<number> | null} perm  null: in order
 */
export function origins(n, perm) {
  const from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[perm ? perm[i] : i] = i;
  return from;
}

/**
 * The Fashion-MNIST examples file (samples/fashion-mnist.json, made at build
 * time by scripts/fashion-examples.mjs) as pictures to shuffle beside the
 * student's: [{ name, index, pixels: Uint8Array (side, side) }]. Throws on a
 * file that is not one.
 * @param {any} json
 * @param {readonly string[]} classNames  lib/limits.js CLASS_NAMES
 * @param {number} side
 */
export function readExamples(json, classNames, side) {
  const images = json?.images;
  if (!Array.isArray(images) || !images.length) throw new Error('no images in the file');
  return images.map((im) => {
    const ok = Number.isInteger(im?.index) && im.index >= 0 && classNames[im.label] !== undefined
      && Array.isArray(im.pixels) && im.pixels.length === side * side
      && im.pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
    if (!ok) throw new Error('an image in the file is not a labelled 28 × 28 picture');
    return { name: classNames[im.label], index: im.index, pixels: Uint8Array.from(im.pixels) };
  });
}
