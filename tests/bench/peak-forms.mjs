import fs from 'node:fs';

// The loops of tests/bench/peak.wat and the flops each does a round (4 lanes
// times its multiplications and additions): the vector peak is the fastest of
// them (tests/bench/conv.bench.mjs in Chromium, tools/bench-conv.mjs in node).
export const PEAK_FORMS = [['chains', 96], ['sums10', 80], ['sums8', 64]];
// tests/bench/peak-relaxed.wat's, fused (relaxed SIMD): 8 flops a vector multiply-add
export const PEAK_FORMS_RELAXED = [['fsums10', 80], ['fsums16', 128]];

/** The bytes of a peak module make bench builds (wat2wasm): 'peak.wasm' or 'peak-relaxed.wasm', as an array for a page. */
export function peakBytes(name) {
  const file = new URL(`../../build/bench/${name}`, import.meta.url);
  if (!fs.existsSync(file)) throw new Error(`build/bench/${name} is missing: make bench builds it (wat2wasm)`);
  return Array.from(fs.readFileSync(file));
}
