// cl_constant in the built .wasm modules (SIMD and scalar): exported by both,
// the same answers from both, INT_MIN for a name it does not know. (Which
// constants there are and their values is checked natively, against the
// headers themselves: tests/native/test_constant.c.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);
const NAMES = ['CL_OK', 'CL_ERR_DIVERGED', 'CL_STATUS_COUNT', 'CL_MAX_DIM', 'CL_MAX_KERNEL', 'CL_MAX_STRIDE',
  'CL_MAX_CONV_CHANNELS', 'CL_PAD_EDGE', 'CL_FILTER_MAGNITUDE', 'CL_FILTER_PARAMS_BYTES', 'CL_DISPLAY_DIVERGING',
  'CL_KERNEL_EMBOSS', 'CL_NN_MAX_LAYERS', 'CL_NN_MAX_SPEC', 'CL_NN_MAX_PARAMS', 'CL_NN_MAX_BATCH',
  'CL_LAYER_SOFTMAX', 'CL_LOSS_BCE', 'CL_OPT_ADAM', 'CL_NN_MAX_FILE_BYTES'];

async function answers(build) {
  const cl = await loadConvlab({ simd: build === 'simd', bytes: fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE)) });
  assert.equal(typeof cl.exports.cl_constant, 'function', `${build} exports cl_constant`);
  const ask = (name) => cl.exports.cl_constant(cl.cString(name));
  return { ask, all: Object.fromEntries(NAMES.map((n) => [n, ask(n)])), cl };
}

test('both builds export cl_constant and give the same answers', async () => {
  const simd = await answers('simd'), scalar = await answers('scalar');
  assert.deepEqual(simd.all, scalar.all);
  assert.equal(simd.all.CL_MAX_KERNEL, 15);
  assert.equal(simd.all.CL_NN_MAX_FILE_BYTES, 52 + 255 + 4 + 12 * 64 + 4 * 2 ** 24 + 4);
  assert.equal(simd.all.CL_FILTER_PARAMS_BYTES, 84); // the struct filterImage() fills
  for (const { ask, cl } of [simd, scalar]) {
    for (const bad of ['', 'CL_MAX', 'cl_max_kernel', 'CL_ADAM_B1']) assert.equal(ask(bad), -(2 ** 31), bad);
    assert.equal(cl.exports.cl_constant(0), -(2 ** 31));
  }
});
