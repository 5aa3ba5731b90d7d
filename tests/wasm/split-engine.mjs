// The engine of each rank of tests/wasm/split-team.test.mjs (SIMD build): the
// first 2,048 Fashion-MNIST training images and a model of the given settings;
// and the team those ranks make: rank 0 in this thread, the others in node
// worker threads (split-rank.mjs), over shared memory, as the train page's
// worker and helpers (also tools/bench-rebalance.mjs).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { loadConvlab } from '../../web/lib/convlab.js';
import { Exchange, exchangeMemory, CMD_QUIT } from '../../web/train/exchange.js';
import { regionFloats, regionViews, leadBatch, takeRows, repartition, rebalance } from '../../web/train/split.js';

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

/**
 * net's engine call `name` followed by a busy wait of (slow - 1) times its
 * own time: a rank on a core that runs slower (a little core, one shared
 * with other work).
 */
export function stretch(net, name, slow) {
  const call = net[name].bind(net);
  net[name] = (...args) => {
    const t0 = performance.now();
    const out = call(...args);
    const end = performance.now() + (slow - 1) * (performance.now() - t0);
    while (performance.now() < end);
    return out;
  };
}

/**
 * W ranks of model, batches of B: { zero (rank 0's engine), step(order),
 * whole(), deal(bounds), look(state), parts(), quit() }. tamper(net): a
 * change to the parameters before the helpers copy them; slow: the helpers'
 * engine calls that much slower (stretch).
 */
export async function splitTeam(W, model, { B = 32, tamper = () => {}, slow = 1 } = {}) {
  const zero = await engine(model);
  const { cl, net } = zero;
  tamper(net);
  const floats = regionFloats(net, B);
  const { sab } = exchangeMemory(W, net.paramFloats, floats);
  const x = new Exchange(sab, W, net.paramFloats, floats);
  const region = regionViews(x, net, B);
  const scratch = cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits));
  x.params.set(net.paramsView());
  let failed = null;
  const threads = Array.from({ length: W - 1 }, (_, i) => {
    const t = new Worker(new URL('./split-rank.mjs', import.meta.url), { workerData: { sab, rank: i + 1, workers: W, batch: B, model, slow } });
    t.on('error', (e) => { failed = e; });
    return t;
  });
  for (const t0 = Date.now(); x.arrivals() < W - 1;) {
    if (failed) throw failed;
    if (Date.now() - t0 > 30000) throw new Error('the helper threads did not attach');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  let phase = 0;
  return {
    zero,
    /** One batch, the images `order` (indices). */
    step(order) {
      const idx = cl.i32(zero.idx, order.length);
      idx.set(order);
      const out = leadBatch(x, phase, net, zero.images, zero.labels, zero.idx, idx, region.values);
      phase += 2;
      return out;
    },
    /** Rank 0's model made whole: its parameters. */
    whole() {
      takeRows(x, phase, net, cl, scratch, region.rows);
      phase += 1;
      return Float32Array.from(net.paramsView());
    },
    /** The units dealt out as `bounds` say, from the next batch on. */
    deal(bounds) {
      repartition(x, phase, net, cl, scratch, region.rows, bounds);
      phase += 1;
    },
    /** split.js rebalance after a batch (state: its Look); returns what it did. */
    look(state) {
      const got = rebalance(x, phase, net, cl, scratch, region.rows, state);
      phase += got.arrivals;
      return got;
    },
    parts: () => x.parts(),
    async quit() {
      x.send(CMD_QUIT);
      await Promise.all(threads.map((t) => once(t, 'exit')));
    },
  };
}
