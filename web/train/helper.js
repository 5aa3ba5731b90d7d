// train/helper.js - a helper of the train page's worker (team.js): its own
// engine, a copy of the training images, and a model of the run's spec whose
// parameters are the worker's. It computes the gradient of its part of each
// batch and hands it back; through messages it takes the worker's parameters
// before each batch, through shared memory it adds the parts as every rank
// does and takes the same optimiser step (exchange.js).
// Requests (lib/worker-rpc.js):
//
//   init { simd, relaxed }       -> { buildName }   the worker's build (every rank's part the same arithmetic)
//   data { images, labels }      -> null   the training images (n * 784 bytes) and labels, copied into the engine
//   model { spec, seed, loss, optimizer, lr, momentum, l2 } -> { floats }   a model for the run (cl_nn_param_floats)
//   part { params, idx, batch }  -> { grads, loss, correct, n, diverged }   (messages: no shared memory)
//   attach { sab, memory, rank, workers, split } -> null once detached: the batches come through shared memory
//                                    (exchange.js) until the worker says quit; there every rank
//                                    adds the parts and steps, so the helper's model follows the worker's;
//                                    memory: the block as a shared WebAssembly.Memory, when the worker
//                                    copies through lib/shared-bridge.js (null: typed arrays);
//                                    split: the run's batch, when the team splits layer 1's units
//                                    instead (split.js): then its rows go to the worker when it asks
import { loadConvlab, ConvlabError, STATUS } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { IMAGE_SIDE, MAX_BATCH } from '../lib/limits.js';
import { Exchange, partOf, combine, partGradients, CMD_QUIT } from './exchange.js';
import { regionFloats, regionViews, serveRank } from './split.js';
import { sharedBridge } from '../lib/shared-bridge.js';

const h = { cl: null, images: 0, labels: 0, count: 0, net: null, idx: 0, scratch: 0 };
let loading = null;

/** Gradients of examples idx (an Int32Array, indices into the images) of a batch of `batch`; zeros for none. */
function gradients(idx, batch) {
  const { cl, net } = h;
  if (!idx.length) {
    net.gradsView().fill(0);
    return { loss: 0, correct: 0, n: 0, diverged: false };
  }
  cl.i32(h.idx, idx.length).set(idx);
  return partGradients(net, h.images, h.labels, h.idx, idx.length, batch);
}

const handlers = {
  async init({ simd, relaxed }) {
    loading ??= loadConvlab({ simd, relaxed }).then((c) => {
      h.cl = c;
      h.idx = c.alloc(4 * MAX_BATCH);
    });
    await loading;
    return { result: { buildName: h.cl.buildName } };
  },
  async data({ images, labels }) {
    await loading;
    const { cl } = h;
    cl.free(h.images);
    h.images = h.labels = 0;
    const at = cl.alloc(images.length + labels.length);
    cl.u8(at, images.length).set(images);
    cl.u8(at + images.length, labels.length).set(labels);
    h.images = at;
    h.labels = at + images.length;
    h.count = labels.length;
    return { result: null };
  },
  async model({ spec, seed, loss, optimizer, lr, momentum, l2 }) {
    await loading;
    h.net?.free();
    h.net = null;
    const net = h.cl.createNetwork(spec, { c: 1, h: IMAGE_SIDE, w: IMAGE_SIDE, seed });
    net.setOptimizer(optimizer, lr, momentum, l2);
    net.setLoss(loss);
    h.net = net;
    h.cl.free(h.scratch);
    h.scratch = h.cl.alloc(4 * Math.max(net.paramFloats, net.splitRowsFloats(0, net.splitUnits)));
    return { result: { floats: net.paramFloats } };
  },
  async part({ params, idx, batch }) {
    h.net.paramsView().set(params);
    const out = gradients(idx, batch);
    params.set(h.net.gradsView()); // the gradient goes back in the parameters' buffer (no allocation a batch)
    return { result: { ...out, grads: params }, transfer: [params.buffer] };
  },
  /**
   * Batches through shared memory, blocking (Atomics.wait) between them,
   * until quit: the worker's parameters once, then per batch its part, the
   * parts added in rank order and the optimiser step, as every rank. Split
   * (split.js): per batch its units, the values traded and the step; its
   * rows to the worker when asked.
   */
  async attach({ sab, memory, rank, workers, split = 0 }) {
    const { cl, net } = h;
    const x = new Exchange(sab, workers, net.paramFloats, split ? regionFloats(net, split) : 0);
    const own = split ? { images: h.images, labels: h.labels, idx: h.idx, scratch: h.scratch, region: regionViews(x, net, split) } : null;
    if (memory) x.bridge = await sharedBridge(cl.memory, memory);
    net.paramsView().set(x.params);
    if (own) {
      serveRank(x, rank, net, cl, own);
      return { result: null };
    }
    let seen = x.generation(), lr = net.settings.lr;
    x.attached();
    // phase: the arrivals so far (exchange.js), one a batch
    for (let phase = 0; ;) {
      seen = x.waitCommand(seen);
      if (x.command() === CMD_QUIT) break;
      if (x.lr() !== lr) net.setLr(lr = x.lr());
      const batch = x.batch();
      const [lo, hi] = partOf(batch, workers, rank);
      const parts = combine(x, ++phase, rank, gradients(x.idx.subarray(lo, hi), batch), net, cl, h.scratch);
      if (parts.some((p) => p.diverged)) continue;
      try {
        net.applyGradients();
      } catch (e) {
        if (!(e instanceof ConvlabError && e.status === STATUS.diverged)) throw e; // the worker's step diverged too
      }
    }
    return { result: null };
  },
};

serveRequests(handlers);
