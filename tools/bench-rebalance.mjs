// A split team (web/train/split.js) over real threads, from node, with its
// helper made slower than the worker: each of its engine calls (its units
// forward, its step) followed by a busy wait of (SLOW - 1) times the call's
// own time, as a core shared with other work or a little core would run it
// (tests/wasm/split-engine.mjs splitTeam, stretch). 30 passes over its 2,048
// images (1,920 batches of 32), the MLP 784-128-10, with and without the
// worker's looks (split.js rebalance: the units dealt out again), in turn.
// Run after `make dist`:
//
//   node tools/bench-rebalance.mjs [SLOW=2] [rounds=2]
import { splitTeam, N } from '../tests/wasm/split-engine.mjs';

const B = 32, PASSES = 30;
const model = { spec: 'dense128-relu-dense10-softmax', seed: 1, opt: 0, lr: 0.01, momentum: 0, l2: 0, loss: 0 };

async function run(slow, looking) {
  const t = await splitTeam(2, model, { B, slow });
  const { cl, net } = t.zero;
  const order = cl.alloc(4 * N);
  net.shuffle(order, N);
  const all = Int32Array.from(cl.i32(order, N));
  // no wall time given: the looks deal the units out, and never hand the run to one worker
  const look = { batches: 0, wall: 0 };
  let moves = 0;
  const t0 = performance.now();
  for (let p = 0; p < PASSES; p++) {
    for (let i = 0; i + B <= N; i += B) {
      t.step(all.subarray(i, i + B));
      if (looking) moves += t.look(look).arrivals;
    }
  }
  const ms = performance.now() - t0;
  const parts = t.parts();
  await t.quit();
  return { ms, moves, parts };
}

const slow = Number(process.argv[2] ?? 2), rounds = Number(process.argv[3] ?? 2);
for (let r = 0; r < rounds; r++) {
  for (const looking of [false, true]) {
    const got = await run(slow, looking);
    console.log(JSON.stringify({ helper_slower: slow, rebalance: looking, ms: Math.round(got.ms), batches: (PASSES * N) / B, moves: got.moves, parts: got.parts }));
  }
}
