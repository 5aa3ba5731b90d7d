// The JS copies of what the engine defines (web/lib/limits.js, web/lib/colour.js)
// against the engine itself, in both builds: the diverging palette byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab, DISPLAY } from '../../web/lib/convlab.js';
import { divergingRGBA } from '../../web/lib/colour.js';

const SITE = new URL('../../build/site/', import.meta.url);
const builds = [['SIMD', 'convlab-simd.wasm', true], ['scalar', 'convlab-scalar.wasm', false]];

/** Values that put each colour on every side of its rounding: a fine ramp, halves, the ends, zeros, NaN. */
function values() {
  const v = [];
  for (let i = -2000; i <= 2000; i++) v.push(i / 1000);
  for (let i = 0; i < 500; i++) v.push(Math.sin(i * 12.9898) * 43758.5453 % 1);
  v.push(-0, 0, NaN, 1e-30, -1e-30, 1.5, -1.5, 0.5, -0.5);
  return Float32Array.from(v);
}

for (const [name, file, simd] of builds) {
  test(`the pages' diverging colours are the engine's, byte for byte (${name})`, async () => {
    const cl = await loadConvlab({ bytes: fs.readFileSync(new URL(file, SITE)), simd });
    const v = values();
    const engine = cl.toRGBA(v, 1, 1, v.length, DISPLAY.diverging);
    // the engine scales by 1 / the largest |value|, in float32
    let max = 0;
    for (const x of v) if (Math.abs(x) > max) max = Math.abs(x);
    const page = divergingRGBA(v, Math.fround(1 / Math.fround(max)));
    let firstOff = -1;
    for (let i = 0; i < engine.length; i++) if (engine[i] !== page[i]) { firstOff = i; break; }
    assert.equal(firstOff, -1, firstOff < 0 ? '' : `value ${v[firstOff >> 2]}: engine ${[...engine.subarray(firstOff & ~3, (firstOff & ~3) + 4)]}, page ${[...page.subarray(firstOff & ~3, (firstOff & ~3) + 4)]}`);
  });
}
