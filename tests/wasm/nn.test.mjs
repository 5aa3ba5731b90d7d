// The network model in the built .wasm modules (SIMD and scalar), from node:
// the same few training steps as the native build (build/nn-cases.json,
// written by build/native/nn-cases), save/load through a byte buffer, the
// IDX reader, and the messages of bad specs.
//
// Tolerance: the three builds share the code but not the order of every sum
// (GEMM kernels differ) nor libm (expf, tanhf, logf); after 8 steps the losses
// agree within 1e-4 relative (+1e-5) and the weights within 2e-3 relative
// (+2e-4 absolute). Initial weights come from an integer generator and sqrtf
// only, so they are bit-identical everywhere; the SIMD and scalar wasm
// builds are compared with each other at the same tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);
const CASES = new URL('../../build/nn-cases.json', import.meta.url);

// Keep in step with tools/nn-cases.c.
const CASES_SPEC = {
  'cnn-adam': { spec: 'conv3x3x4p1-relu-maxpool2-conv3x3x6s2-tanh-avgpool2-dense5-sigmoid-dense4-softmax', opt: 2, loss: -1, lr: 0.01, mom: 0.9, l2: 0 },
  'mlp-momentum': { spec: 'dense16-relu-dense4-softmax', opt: 1, loss: -1, lr: 0.05, mom: 0.9, l2: 0.01 },
  'cnn-sgd-bce': { spec: 'conv3x3x3-relu-dense4-sigmoid', opt: 0, loss: -1, lr: 0.5, mom: 0, l2: 0 },
  'mlp-mse': { spec: 'dense8-tanh-dense4', opt: 0, loss: 1, lr: 0.2, mom: 0, l2: 0 },
};
const C = 1, H = 12, W = 12, STEPS = 8, BATCH = 8, PROBE = 4;

execFileSync('build/native/nn-cases', [CASES.pathname], { stdio: 'inherit' });
const native = JSON.parse(fs.readFileSync(CASES, 'utf8'));

const builds = {};
async function build(simd) {
  const key = simd ? 'simd' : 'scalar';
  builds[key] ??= await loadConvlab({
    simd, bytes: fs.readFileSync(new URL(simd ? 'convlab-simd.wasm' : 'convlab-scalar.wasm', SITE)),
  });
  return builds[key];
}

function xorshift32(s) {
  let x = s >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

function cstr(cl, s) {
  const bytes = new TextEncoder().encode(s);
  const p = cl.alloc(bytes.length + 1);
  cl.u8(p, bytes.length + 1).set([...bytes, 0]);
  return p;
}
function readCstr(cl, p) {
  const mem = new Uint8Array(cl.memory.buffer, p);
  return new TextDecoder().decode(mem.subarray(0, mem.indexOf(0)));
}

/** Creates a model; returns { m, status, message }. */
function create(cl, spec, c = C, h = H, w = W, seed = 7) {
  const ex = cl.exports;
  const ps = cstr(cl, spec), slot = cl.alloc(4), err = cl.alloc(256);
  try {
    const status = ex.cl_nn_create(slot, ps, c, h, w, seed, err, 256);
    return { m: cl.i32(slot, 1)[0], status, message: readCstr(cl, err) };
  } finally {
    cl.free(ps); cl.free(slot); cl.free(err);
  }
}

function allWeights(cl, m) {
  const ex = cl.exports, out = [];
  for (let i = 1; i < ex.cl_nn_layer_count(m); i++) {
    const wp = ex.cl_nn_layer_weights(m, i);
    if (!wp) continue;
    const nb = ex.cl_nn_layer_weight_shape(m, i, 0), np = ex.cl_nn_layer_params(m, i);
    out.push(...cl.f32(wp, np - nb), ...cl.f32(ex.cl_nn_layer_bias(m, i), nb));
  }
  return Float32Array.from(out);
}

/** Runs one case as tools/nn-cases.c does. */
function runCase(cl, name, index) {
  const ex = cl.exports, cs = CASES_SPEC[name];
  const isz = C * H * W, n = native.n;
  const rnd = xorshift32(native.seed + index);
  const img = new Uint8Array(n * isz), lab = new Uint8Array(n);
  for (let i = 0; i < img.length; i++) img[i] = rnd() & 255;
  for (let i = 0; i < n; i++) lab[i] = rnd() % native.classes;
  const { m, status, message } = create(cl, cs.spec);
  assert.equal(status, 0, message);
  cl.check(ex.cl_nn_set_optimizer(m, cs.opt, cs.lr, cs.mom, cs.l2), 'set_optimizer');
  if (cs.loss >= 0) cl.check(ex.cl_nn_set_loss(m, cs.loss), 'set_loss');
  const pImg = cl.alloc(img.length), pLab = cl.alloc(n), pOrd = cl.alloc(4 * n);
  cl.u8(pImg, img.length).set(img);
  cl.u8(pLab, n).set(lab);
  cl.check(ex.cl_nn_shuffle(m, pOrd, n), 'shuffle');
  const losses = [];
  for (let s = 0; s < STEPS; s++) {
    cl.check(ex.cl_nn_train_step_idx(m, pImg, pLab, pOrd + 4 * ((s * BATCH) % n), BATCH), `step ${s}`);
    losses.push(ex.cl_nn_loss(m));
  }
  const weights = allWeights(cl, m);
  cl.check(ex.cl_nn_evaluate(m, pImg, pLab, n), 'evaluate');
  const k = ex.cl_nn_classes(m);
  const confusion = Array.from(cl.i32(ex.cl_nn_confusion(m), k * k));
  const K = ex.cl_nn_outputs(m);
  const pProbs = cl.alloc(4 * PROBE * K);
  cl.check(ex.cl_nn_predict(m, pImg, PROBE, pProbs), 'predict');
  const probs = Float32Array.from(cl.f32(pProbs, PROBE * K));
  const result = {
    params: ex.cl_nn_param_count(m), losses: Float32Array.from(losses), weights,
    eval_loss: ex.cl_nn_eval_loss(m), eval_acc: ex.cl_nn_eval_accuracy(m), confusion, probs,
    save_size: ex.cl_nn_save_size(m),
  };
  cl.free(pImg); cl.free(pLab); cl.free(pOrd); cl.free(pProbs);
  ex.cl_nn_free(m);
  return result;
}

function assertClose(got, want, rtol, atol, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0, at = -1;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= atol + rtol * Math.abs(want[i]))) {
      assert.fail(`${what}: first difference at [${i}]: got ${got[i]}, want ${want[i]}`);
    }
    if (d > worst) { worst = d; at = i; }
  }
  return { worst, at };
}

for (const simd of [true, false]) {
  const label = simd ? 'simd' : 'scalar';
  native.cases.forEach((want, index) => {
    test(`${label}: ${want.name} trains like the native build`, async () => {
      const cl = await build(simd);
      const got = runCase(cl, want.name, index);
      assert.equal(got.params, want.params);
      assertClose(got.losses, want.losses, 1e-4, 1e-5, 'losses');
      const { worst } = assertClose(got.weights, want.weights, 2e-3, 2e-4, 'weights');
      if (process.env.CL_VERBOSE) console.log(`${label} ${want.name}: largest weight difference ${worst}`);
      assertClose([got.eval_loss], [want.eval_loss], 1e-4, 1e-5, 'eval loss');
      assertClose(got.probs, want.probs, 1e-3, 1e-5, 'probabilities');
      assert.equal(got.save_size, want.save_size);
      // the losses move: the steps did something
      assert.notEqual(got.losses[0], got.losses[STEPS - 1]);
    });
  });
}

test('simd and scalar builds agree with each other', async () => {
  const a = await build(true), b = await build(false);
  native.cases.forEach((c, index) => {
    const x = runCase(a, c.name, index), y = runCase(b, c.name, index);
    assertClose(x.losses, y.losses, 1e-4, 1e-5, `${c.name} losses`);
    assertClose(x.weights, y.weights, 2e-3, 2e-4, `${c.name} weights`);
  });
});

test('initial weights are bit-identical to the native ones (integer generator)', async () => {
  for (const simd of [true, false]) {
    const cl = await build(simd);
    native.cases.forEach((c) => {
      const { m } = create(cl, CASES_SPEC[c.name].spec);
      const w = cl.exports.cl_nn_layer_weights(m, 1);
      assert.deepEqual(Array.from(cl.f32(w, c.init.length)), c.init.map(Math.fround), c.name);
      cl.exports.cl_nn_free(m);
    });
  }
});

test('save and load through a byte buffer round-trip exactly', async () => {
  for (const simd of [true, false]) {
    const cl = await build(simd), ex = cl.exports;
    const { m } = create(cl, 'conv3x3x2p1-relu-avgpool2-dense3-softmax');
    const len = ex.cl_nn_save_size(m), buf = cl.alloc(len);
    cl.check(ex.cl_nn_save(m, buf, len), 'save');
    const bytes = Uint8Array.from(cl.u8(buf, len));
    assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), 'CLNN');
    const slot = cl.alloc(4), err = cl.alloc(256);
    cl.check(ex.cl_nn_load(slot, buf, len, err, 256), 'load');
    const l = cl.i32(slot, 1)[0];
    assert.deepEqual(allWeights(cl, l), allWeights(cl, m));
    // one flipped bit: refused with the checksum status and a message
    cl.u8(buf, len)[len - 10] ^= 1;
    const st = ex.cl_nn_load(slot, buf, len, err, 256);
    assert.equal(st, 15);
    assert.match(readCstr(cl, err), /CRC-32/);
    assert.match(cl.message(st), /checksum/);
    ex.cl_nn_free(l);
    ex.cl_nn_free(m);
    cl.free(buf); cl.free(slot); cl.free(err);
  }
});

test('a bad spec names the layer and the reason', async () => {
  const cl = await build(true);
  const r = create(cl, 'conv3x3x8-relu-maxpool2-maxpool15-dense10-softmax', 1, 28, 28);
  assert.equal(r.status, 12);
  assert.equal(r.m, 0);
  assert.equal(r.message, 'layer 4 "maxpool15": a 15x15 window does not fit the 13x13 input');
});

test('the IDX reader works on bytes in wasm memory', async () => {
  const cl = await build(false), ex = cl.exports;
  const bytes = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array(12).fill(9)]);
  const p = cl.alloc(bytes.length), out = cl.alloc(32);
  cl.u8(p, bytes.length).set(bytes);
  cl.check(ex.cl_idx_parse_images(p, bytes.length, out), 'idx');
  assert.deepEqual(Array.from(cl.i32(out, 8)), [0x803, 3, 2, 2, 3, 2, 6, 16]);
  assert.equal(ex.cl_idx_parse_images(p, bytes.length - 1, out), 16); // truncated
  assert.equal(ex.cl_idx_parse_labels(p, bytes.length, out), 13); // not a labels file
  cl.free(p); cl.free(out);
});
