// A small seeded random number generator for tests (xorshift32): the same
// numbers in every run, spread over [-1, 1).
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 4294967296) * 2 - 1; // [-1, 1)
  };
}
