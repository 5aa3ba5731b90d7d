// timing.js - how long a piece of engine work takes here, measured the way a
// browser runs it for long: after its optimising compiler has the hot loops.
//
// The first calls of WebAssembly code run in the browser's baseline compiler
// (V8's Liftoff: 10 to 20 times slower for these loops) until the optimising
// one (TurboFan) has finished in the background, a few hundred milliseconds
// later, more on a busy machine. So one short timing says little: this times
// rounds and stops once the rounds agree, reporting the fastest (other work on
// the machine only ever slows a round down).

/**
 * Milliseconds per call of fn.
 * @param {() => void} fn
 * @param {{ roundMs?: number, maxMs?: number, agree?: number }} [opts]
 *   roundMs  the length of one round; maxMs  the most time spent;
 *   agree    the rounds are steady when the last three are within this factor of the fastest
 * @returns {number}
 */
export function msPerCall(fn, { roundMs = 40, maxMs = 2000, agree = 1.15 } = {}) {
  fn(); // the first call allocates
  const start = performance.now();
  /** @type {number[]} */
  const rounds = [];
  for (;;) {
    const t0 = performance.now();
    let calls = 0, t = t0;
    while (t - t0 < roundMs || calls < 2) {
      fn();
      calls++;
      t = performance.now();
    }
    rounds.push((t - t0) / calls);
    const best = Math.min(...rounds);
    const last = rounds.slice(-3);
    if (rounds.length >= 4 && last.every((r) => r <= best * agree)) return best;
    if (t - start > maxMs) return best;
  }
}
