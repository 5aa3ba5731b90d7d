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
    rounds.push(timeRound(fn, roundMs, 2));
    const best = Math.min(...rounds);
    const last = rounds.slice(-3);
    if (rounds.length >= 4 && last.every((r) => r <= best * agree)) return best;
    if (performance.now() - start > maxMs) return best;
  }
}

/**
 * One round: fn called again and again for `ms` milliseconds (and at least
 * `minCalls` times); milliseconds per call. The page's clock moves in steps
 * of about 0.1 ms, so a round times many calls. (The benches time with it too.)
 * @param {() => void} fn @param {number} ms @param {number} [minCalls]
 */
export function timeRound(fn, ms, minCalls = 1) {
  const t0 = performance.now();
  let calls = 0, t = t0;
  while (t - t0 < ms || calls < minCalls) {
    fn();
    calls++;
    t = performance.now();
  }
  return (t - t0) / calls;
}
