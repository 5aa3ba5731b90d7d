// Seeded test inputs for the convolution tests (linear congruential
// generators: the same numbers in every run).

/** An h x w RGBA picture of pseudo-random bytes, as ImageData holds one. */
export function picture(h, w, seed) {
  const data = new Uint8ClampedArray(4 * h * w);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width: w, height: h };
}

/** n pseudo-random weights in [-1.35, 1.65). */
export function weights(n, seed) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    return ((s >>> 8) / 2 ** 24 - 0.45) * 3;
  });
}
