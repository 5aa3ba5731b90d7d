// The quick pack: a small part of Fashion-MNIST for the train page's Quick
// mode, so that 30 students on school wifi download about 9 MB each, not 31.
//
//   node scripts/quick-pack.mjs --from /usr/share/datasets/fashion-mnist --to build/site/data
//
// Writes quick-train-images-idx3-ubyte.gz and quick-train-labels-idx1-ubyte.gz
// (and sizes.json, every data file's size in bytes):
// 11,000 training images, balanced (1,100 per class), the first of each class
// in the file's order: 10,000 to train on (1,000 per class) followed by 1,000
// to hold out for validation (100 per class), so that the page's split (the
// validation images at the end of the training file) holds out a balanced set.
// Quick mode tests on the whole test set (Debian's t10k files, unchanged).
// Deterministic: the same input gives the same bytes (gzip with no timestamp).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { QUICK_PACK } from '../web/lib/limits.js';
import { packOrder } from '../web/train/pack.js';
import { readIdxGz } from './idx.mjs';

function writeIdx(dims, data) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

/**
 * The pack from the full training set: { images (IDX bytes), labels (IDX bytes), n }.
 * @param {{ dims: number[], data: Uint8Array }} images
 * @param {{ dims: number[], data: Uint8Array }} labels
 */
export function makePack(images, labels, shape = QUICK_PACK) {
  const [, rows, cols] = images.dims;
  const px = rows * cols;
  const order = packOrder(labels.data, shape);
  const out = Buffer.alloc(order.length * px);
  const lab = Buffer.alloc(order.length);
  order.forEach((i, j) => {
    out.set(images.data.subarray(i * px, (i + 1) * px), j * px);
    lab[j] = labels.data[i];
  });
  return { images: writeIdx([order.length, rows, cols], out), labels: writeIdx([order.length], lab), n: order.length };
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
  const from = opt('--from', '/usr/share/datasets/fashion-mnist');
  const to = opt('--to', 'build/site/data');
  const read = (name, dims) => readIdxGz(from, name, dims);
  const pack = makePack(read('train-images-idx3-ubyte.gz', 3), read('train-labels-idx1-ubyte.gz', 1));
  fs.mkdirSync(to, { recursive: true });
  // level 9, no file name or time in the header: the same bytes every build
  const gz = (b) => zlib.gzipSync(b, { level: 9 });
  fs.writeFileSync(path.join(to, 'quick-train-images-idx3-ubyte.gz'), gz(pack.images));
  fs.writeFileSync(path.join(to, 'quick-train-labels-idx1-ubyte.gz'), gz(pack.labels));
  // every data file's size, so the page can say a download's size before it starts
  const sizes = {};
  for (const name of fs.readdirSync(to).sort()) if (name.endsWith('.gz')) sizes[name] = fs.statSync(path.join(to, name)).size;
  fs.writeFileSync(path.join(to, 'sizes.json'), `${JSON.stringify(sizes, null, 1)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
