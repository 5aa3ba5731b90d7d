// A split team (web/train/split.js) over real threads, from node, with its
// helper made slower than the worker: each of its engine calls (its units
// forward, its step) followed by a busy wait of (SLOW - 1) times the call's
// own time, as a core shared with other work or a little core would run it.
// 30 passes over the 2,048 images of tests/wasm/split-engine.mjs (1,920
// batches of 32), the MLP 784-128-10, with and without the units dealt out
// again (split.js rebalance), in turn. Run after `make dist`:
//
//   node tools/bench-rebalance.mjs [SLOW=2] [rounds=2]
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { Exchange, exchangeMemory, CMD_QUIT } from '../web/train/exchange.js';
import { regionFloats, regionViews, leadBatch, rebalance, helperCommand } from '../web/train/split.js';
import { engine, N } from '../tests/wasm/split-engine.mjs';

const B = 32, W = 2, PASSES = 30;
const model = { spec: 'dense128-relu-dense10-softmax', seed: 1, opt: 0, lr: 0.01, momentum: 0, l2: 0, loss: 0 };

/** net's engine call `name` followed by a busy wait of (slow - 1) times its own time. */
function stretch(net, name, slow) {
  const call = net[name].bind(net);
  net[name] = (...args) => {
    const t0 = performance.now();
    const out = call(...args);
    const end = performance.now() + (slow - 1) * (performance.now() - t0);
    while (performance.now() < end);
    return out;
  };
}

async function run(slow, balanced) {
  const zero = await engine(model);
  const { cl, net } = zero;
  const floats = regionFloats(net, B);
  const { sab } = exchangeMemory(W, net.paramFloats, floats);
  const x = new Exchange(sab, W, net.paramFloats, floats);
  const region = regionViews(x, net, B);
  const scratch = cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits));
  x.params.set(net.paramsView());
  const helper = new Worker(new URL(import.meta.url), { workerData: { sab, slow } });
  while (x.arrivals() < W - 1) await new Promise((r) => setTimeout(r, 5));
  const order = cl.alloc(4 * N);
  net.shuffle(order, N);
  const look = { batches: 0, wall: 0 };
  let phase = 0, moves = 0;
  const t0 = performance.now();
  for (let p = 0; p < PASSES; p++) {
    for (let i = 0; i + B <= N; i += B) {
      leadBatch(x, phase, net, zero.images, zero.labels, order + 4 * i, cl.i32(order + 4 * i, B), region.values);
      phase += 2;
      if (!balanced) continue;
      const { arrivals } = rebalance(x, phase, net, cl, scratch, region.rows, look);
      phase += arrivals;
      moves += arrivals;
    }
  }
  const ms = performance.now() - t0;
  x.send(CMD_QUIT);
  await once(helper, 'exit');
  return { ms, moves, parts: x.parts() };
}

if (isMainThread) {
  const slow = Number(process.argv[2] ?? 2), rounds = Number(process.argv[3] ?? 2);
  for (let r = 0; r < rounds; r++) {
    for (const balanced of [false, true]) {
      const got = await run(slow, balanced);
      console.log(JSON.stringify({ helper_slower: slow, rebalance: balanced, ms: Math.round(got.ms), batches: (PASSES * N) / B, moves: got.moves, parts: got.parts }));
    }
  }
} else {
  const { sab, slow } = workerData;
  const { cl, net, images, labels, idx } = await engine(model);
  if (slow > 1) {
    stretch(net, 'splitForward', slow);
    stretch(net, 'splitStep', slow);
  }
  const x = new Exchange(sab, W, net.paramFloats, regionFloats(net, B));
  const own = { images, labels, idx, scratch: cl.alloc(4 * net.splitRowsFloats(0, net.splitUnits)), region: regionViews(x, net, B) };
  net.paramsView().set(x.params);
  let seen = x.generation();
  x.attached();
  for (let phase = 0; ;) {
    seen = x.waitCommand(seen);
    const command = x.command();
    if (command === CMD_QUIT) break;
    phase = helperCommand(x, command, phase, 1, net, cl, own);
  }
}
