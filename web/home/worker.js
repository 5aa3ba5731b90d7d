// home/worker.js - the landing page's engine, off the main thread: the
// worked example, and a measurement of how long the train page's presets take
// to train here (about a second in all on a quiet machine; a busy one takes longer to settle), so a teacher knows before the class
// whether the school's machines can do it.
//
//   init                 -> { simd, buildName, note, example }   example: Z[0, 0] of the class's example
//   measure              -> { mlp: Timing, cnn: Timing }
//   Timing: { spec, trainMs, evalMs } per image (training at batch 32, checking in batches of 256)
import { loadConvlab, PAD, OPTIMIZER } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { IMAGE_PIXELS, PRESET_SPECS } from '../lib/limits.js';
import { msPerCall } from '../lib/timing.js';

const X = [255, 255, 255, 255, 0, 255, 255, 255, 255];
const W = [0, 1, 2, 2, 2, 0, 0, 1, 2];
const BATCH = 32, EVAL = 256;

let cl = null;
const loading = loadConvlab().then((c) => { cl = c; });

/** Per-image training and checking times of a spec, on blank images (the time does not depend on the pixels). */
function timing(spec, budgetMs) {
  const net = cl.createNetwork(spec, { c: 1, h: 28, w: 28, seed: 1 });
  const images = cl.alloc(EVAL * (IMAGE_PIXELS + 1));
  try {
    cl.u8(images, EVAL * (IMAGE_PIXELS + 1)).fill(0);
    const labels = images + EVAL * IMAGE_PIXELS;
    net.setOptimizer(OPTIMIZER.sgd, 0.01, 0.9, 0);
    const trainMs = msPerCall(() => net.trainStep(images, labels, BATCH), { maxMs: budgetMs }) / BATCH;
    const evalMs = msPerCall(() => net.evaluate(images, labels, EVAL), { maxMs: budgetMs / 2 }) / EVAL;
    return { spec, trainMs, evalMs };
  } finally {
    net.free();
    cl.free(images);
  }
}

serveRequests({
  async init() {
    await loading;
    const z = cl.conv2d(Float32Array.from(X), 1, 3, 3, Float32Array.from(W), 3, 3, { pad: PAD.valid });
    return { result: { simd: cl.simd, buildName: cl.buildName, note: cl.note, example: z.data[0] } };
  },
  async measure() {
    await loading;
    return { result: { mlp: timing(PRESET_SPECS.mlp, 1500), cnn: timing(PRESET_SPECS.cnn, 2000) } };
  },
});
