// A helper rank of tests/wasm/split-team.test.mjs, in a node worker thread: its
// own engine, the same images and model as rank 0, answering each command
// through train/split.js's helperCommand, as web/train/helper.js's attach does
// for a split team (the rate never changes here).
import { workerData } from 'node:worker_threads';
import { Exchange, CMD_QUIT } from '../../web/train/exchange.js';
import { regionFloats, regionViews, helperCommand } from '../../web/train/split.js';
import { engine } from './split-engine.mjs';

const { sab, rank, workers, batch, model } = workerData;
const { cl, net, images, labels, idx } = await engine(model);
const x = new Exchange(sab, workers, net.paramFloats, regionFloats(net, batch));
const own = { images, labels, idx, scratch: cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits)), region: regionViews(x, net, batch) };
net.paramsView().set(x.params);
let seen = x.generation();
x.attached();
for (let phase = 0; ;) {
  seen = x.waitCommand(seen);
  const command = x.command();
  if (command === CMD_QUIT) break;
  phase = helperCommand(x, command, phase, rank, net, cl, own);
}
