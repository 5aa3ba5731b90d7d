// A helper rank of tests/wasm/split-team.test.mjs, in a node worker thread: its
// own engine, the same images and model as rank 0, and the loop of
// web/train/helper.js's attach for a split team, driven by train/split.js
// through the shared memory (train/exchange.js).
import { workerData } from 'node:worker_threads';
import { Exchange, CMD_QUIT, CMD_SPLIT, CMD_ROWS } from '../../web/train/exchange.js';
import { regionFloats, regionViews, splitBatch, putRows } from '../../web/train/split.js';
import { engine } from './split-engine.mjs';

const { sab, rank, workers, batch, model } = workerData;
const { cl, net, images, labels, idx } = await engine(model);
const x = new Exchange(sab, workers, net.paramFloats, regionFloats(net, batch));
const region = regionViews(x, net, batch);
const scratch = cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits));
net.paramsView().set(x.params);
let seen = x.generation();
x.attached();
for (let k = 1; ; k++) {
  seen = x.waitCommand(seen);
  const command = x.command();
  if (command === CMD_QUIT) break;
  if (command === CMD_ROWS) {
    putRows(x, k - 1, rank, net, cl, scratch, region.rows);
  } else if (command === CMD_SPLIT) {
    const n = x.batch();
    cl.i32(idx, n).set(x.idx.subarray(0, n));
    splitBatch(x, k - 1, rank, net, images, labels, idx, n, region.values);
    k++;
  }
}
