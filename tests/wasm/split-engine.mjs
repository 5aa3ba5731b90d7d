// The engine of each rank of tests/wasm/split-team.test.mjs (SIMD build): the
// first 2,048 Fashion-MNIST training images and a model of the given settings.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);
export const N = 2048;

/** { cl, net, images, labels, idx } for model { spec, seed, opt, lr, momentum, l2, loss }. */
export async function engine(model) {
  const data = (name, skip) => zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE))).subarray(skip);
  const cl = await loadConvlab({ simd: true, bytes: fs.readFileSync(new URL('convlab-simd.wasm', SITE)) });
  const images = cl.alloc(N * 784), labels = cl.alloc(N), idx = cl.alloc(4 * 4096);
  cl.u8(images, N * 784).set(data('train-images-idx3-ubyte.gz', 16).subarray(0, N * 784));
  cl.u8(labels, N).set(data('train-labels-idx1-ubyte.gz', 8).subarray(0, N));
  const net = cl.createNetwork(model.spec, { seed: model.seed });
  net.setOptimizer(model.opt, model.lr, model.momentum, model.l2);
  net.setLoss(model.loss);
  return { cl, net, images, labels, idx };
}
