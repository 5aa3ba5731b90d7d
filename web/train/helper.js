// train/helper.js - a helper of the train page's worker (team.js): its own
// engine, a copy of the training images, and a model of the run's spec whose
// parameters it takes from the worker before each batch. It computes the
// gradient of its part of each batch and hands it back; it never steps
// (the worker sums the parts in order and takes the optimiser step).
// Requests (lib/worker-rpc.js):
//
//   init                         -> { simd }
//   data { images, labels }      -> null   the training images (n * 784 bytes) and labels, copied into the engine
//   model { spec, seed, loss }   -> { floats }   a model for the run (cl_nn_param_floats)
//   part { params, idx, batch }  -> { grads, loss, correct, n, diverged }   (messages: no shared memory)
//   attach { sab, rank, workers } -> null once detached: the batches come through shared memory
//                                    (exchange.js) until the worker says quit
import { loadConvlab, ConvlabError, STATUS } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { IMAGE_SIDE, MAX_BATCH } from '../lib/limits.js';
import { Exchange, partOf, CMD_QUIT } from './exchange.js';

const h = { cl: null, images: 0, labels: 0, count: 0, net: null, idx: 0 };
const loading = loadConvlab().then((c) => {
  h.cl = c;
  h.idx = c.alloc(4 * MAX_BATCH);
});

/** Gradients of examples idx (an Int32Array, indices into the images) of a batch of `batch`. */
function gradients(params, idx, batch) {
  const { cl, net } = h;
  net.paramsView().set(params);
  cl.i32(h.idx, idx.length).set(idx);
  try {
    const out = net.gradientsIdx(h.images, h.labels, h.idx, idx.length, batch);
    return { ...out, diverged: false };
  } catch (e) {
    if (e instanceof ConvlabError && e.status === STATUS.diverged) return { loss: NaN, correct: 0, n: idx.length, diverged: true };
    throw e;
  }
}

const handlers = {
  async init() {
    await loading;
    return { result: { simd: h.cl.simd } };
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
  async model({ spec, seed, loss }) {
    await loading;
    h.net?.free();
    h.net = null;
    const net = h.cl.createNetwork(spec, { c: 1, h: IMAGE_SIDE, w: IMAGE_SIDE, seed });
    net.setLoss(loss);
    h.net = net;
    return { result: { floats: net.paramFloats } };
  },
  async part({ params, idx, batch }) {
    const out = gradients(params, idx, batch);
    const grads = h.net.gradsView().slice();
    return { result: { ...out, grads }, transfer: [grads.buffer] };
  },
  /** Batches through shared memory, blocking (Atomics.wait) between them, until quit. */
  async attach({ sab, rank, workers }) {
    const x = new Exchange(sab, workers, h.net.paramFloats);
    let seen = x.generation();
    x.arrived();
    for (;;) {
      seen = x.waitCommand(seen);
      if (x.command() === CMD_QUIT) break;
      const batch = x.batch();
      const [lo, hi] = partOf(batch, workers, rank);
      const out = gradients(x.params, x.idx.subarray(lo, hi), batch);
      x.slot(rank).set(h.net.gradsView());
      x.done(rank, out);
    }
    return { result: null };
  },
};

serveRequests(handlers);
