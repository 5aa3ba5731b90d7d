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

// Every number web/lib/limits.js mirrors from the engine, by the engine's name for it.
import * as L from '../../web/lib/limits.js';

const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const upper = (s) => s.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
/** [JS value, C name] for every mirrored constant. */
function mirrored() {
  const pairs = [
    [L.MAX_KERNEL, 'CL_MAX_KERNEL'], [L.MAX_STRIDE, 'CL_MAX_STRIDE'], [L.MAX_BATCH, 'CL_NN_MAX_BATCH'],
    [L.MAX_SPEC, 'CL_NN_MAX_SPEC'], [L.MAX_PARAMS, 'CL_NN_MAX_PARAMS'], [L.MAX_MODEL_FILE_BYTES, 'CL_NN_MAX_FILE_BYTES'],
    [L.FILTER_PARAMS_BYTES, 'CL_FILTER_PARAMS_BYTES'],
  ];
  const enumNames = {
    PAD: (k) => `CL_PAD_${k.toUpperCase()}`,
    DISPLAY: (k) => ({ clamp: 'CL_DISPLAY_CLAMP', abs: 'CL_DISPLAY_ABS_SCALED', diverging: 'CL_DISPLAY_DIVERGING' })[k],
    KERNEL: (k) => `CL_KERNEL_${upper(k)}`,
    FILTER_MODE: (k) => `CL_FILTER_${upper(camel(k))}`,
    LAYER_KIND: (k) => `CL_LAYER_${k.toUpperCase()}`,
    LOSS: (k) => `CL_LOSS_${k.toUpperCase()}`,
    OPTIMIZER: (k) => `CL_OPT_${k.toUpperCase()}`,
    STATUS: (k) => (k === 'ok' ? 'CL_OK' : `CL_ERR_${k.toUpperCase()}`),
    LUMA: (k) => `CL_LUMA_${k.toUpperCase()}`,
  };
  for (const [table, name] of Object.entries(enumNames)) for (const [k, v] of Object.entries(L[table])) pairs.push([v, name(k)]);
  return pairs;
}

for (const [name, file, simd] of builds) {
  test(`every limit and enum value the pages use is the engine's (${name})`, async () => {
    const cl = await loadConvlab({ bytes: fs.readFileSync(new URL(file, SITE)), simd });
    const wrong = [];
    for (const [js, c] of mirrored()) {
      const engine = cl.exports.cl_constant(cl.cString(c));
      if (engine !== js) wrong.push(`${c}: the pages have ${js}, the engine ${engine === -(2 ** 31) ? 'has no such name' : engine}`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(mirrored().length > 40, 'every table is checked');
  });
}
