// A helper rank of a split team of tests/wasm/split-engine.mjs (splitTeam), in
// a node worker thread: its own engine, the same images and model as rank 0,
// answering each command through train/split.js's serveRank, as
// web/train/helper.js's attach does for a split team; slow: its engine calls
// made that much slower (split-engine.mjs stretch).
import { workerData } from 'node:worker_threads';
import { Exchange } from '../../web/train/exchange.js';
import { regionFloats, regionViews, serveRank } from '../../web/train/split.js';
import { engine, stretch } from './split-engine.mjs';

const { sab, rank, workers, batch, model, slow = 1 } = workerData;
const { cl, net, images, labels, idx } = await engine(model);
if (slow > 1) {
  stretch(net, 'splitForward', slow);
  stretch(net, 'splitStep', slow);
}
const x = new Exchange(sab, workers, net.paramFloats, regionFloats(net, batch));
const own = { images, labels, idx, scratch: cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits)), region: regionViews(x, net, batch) };
net.paramsView().set(x.params);
serveRank(x, rank, net, cl, own);
