// The pixels page's Fashion-MNIST examples (part 5, "How an MLP sees an
// image"): a few real test images, the first of each chosen class in the test
// file's order, with their index and class name, as one small JSON file.
//
//   node scripts/fashion-examples.mjs --from /usr/share/datasets/fashion-mnist --to build/site/samples/fashion-mnist.json
//
// Reads Debian's t10k files (never committed). Written under samples/, not
// data/, so that the service worker keeps it with the page (the pixels page
// works offline; data/ is the train page's download). Deterministic.
//
// The file: { source, images: [{ index, label, name, pixels: [784 bytes, row by row] }] }
import fs from 'node:fs';
import path from 'node:path';
import { CLASS_NAMES, IMAGE_SIDE } from '../web/lib/limits.js';
import { readIdxGz } from './idx.mjs';

export { readIdx } from './idx.mjs';

/** The classes shown, by their number in Fashion-MNIST (lib/limits.js CLASS_NAMES). */
export const EXAMPLE_CLASSES = Object.freeze([0, 1, 7, 8]); // T-shirt/top, Trouser, Sneaker, Bag

/**
 * The first test image of each class in `classes`.
 * @param {{ dims: number[], data: Uint8Array }} images  (n, 28, 28)
 * @param {{ dims: number[], data: Uint8Array }} labels  (n)
 */
export function pickExamples(images, labels, classes = EXAMPLE_CLASSES) {
  const [count, rows, cols] = images.dims;
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE || labels.dims[0] !== count) throw new Error('not Fashion-MNIST images and labels');
  return classes.map((label) => {
    const index = labels.data.indexOf(label);
    if (index < 0) throw new Error(`no test image of class ${label}`);
    const px = rows * cols;
    return { index, label, name: CLASS_NAMES[label], pixels: [...images.data.subarray(index * px, (index + 1) * px)] };
  });
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
  const from = opt('--from', '/usr/share/datasets/fashion-mnist');
  const to = opt('--to', 'build/site/samples/fashion-mnist.json');
  const read = (f, dims) => readIdxGz(from, f, dims);
  const images = pickExamples(read('t10k-images-idx3-ubyte.gz', 3), read('t10k-labels-idx1-ubyte.gz', 1));
  const text = `${JSON.stringify({ source: 'Fashion-MNIST test set (t10k), Zalando Research, MIT licence', images })}\n`;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (!fs.existsSync(to) || fs.readFileSync(to, 'utf8') !== text) fs.writeFileSync(to, text);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
