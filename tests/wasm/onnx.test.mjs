// A trained model leaves the lab: the ONNX and PyTorch exports of both .wasm
// builds, checked by the tools the field uses.
//
//   - ONNX Runtime (onnxruntime-web, its WebAssembly backend, in node): models
//     trained for a few batches on real Fashion-MNIST give, on 1,000 test
//     images, the outputs of Network.predict within 1e-5 and the same
//     predicted class for every image. Four models cover every op the
//     export writes (Conv with padding and stride, MaxPool, AveragePool,
//     Flatten, Reshape, Gemm, Relu, Sigmoid, Tanh, Identity, Softmax).
//   - ONNX's own checker (Debian's python3-onnx, full check with shape
//     inference), where installed: skipped, and said so, where not.
//   - PyTorch (Debian's python3-torch), where installed: the Python file's
//     network gives the lab's outputs on 300 test images within 1e-5 and the
//     same classes, and its main prints the lab's class for test images.
//     Skipped, and said so, where torch is not installed.
//
// Tolerance: ONNX Runtime and torch sum in other orders and use other expf and
// tanhf than the engine; the input differs by at most one unit in the last
// place (byte / 255 here, byte * (1 / 255) in the engine). The largest
// differences seen are under 1e-6 (printed by each test); 1e-5 is the bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { loadConvlab, STATUS, OPTIMIZER } from '../../web/lib/convlab.js';
import { CLASS_NAMES } from '../../web/lib/limits.js';

ort.env.wasm.numThreads = 1; // node has no cross-origin isolation to worry about; 2 shared cores
const SITE = new URL('../../build/site/', import.meta.url);
// Debian's Python, where python3-onnx and python3-torch install (not a python3 earlier on
// PATH); CONVLAB_PYTHON=/nonexistent shows what the tests say where neither is installed
const PYTHON = process.env.CONVLAB_PYTHON ?? '/usr/bin/python3';
const N = 1000, N_TORCH = 300, TOL = 1e-5, STEPS = 20, BATCH = 32;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-onnx-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const MODELS = [
  { name: 'MLP', spec: 'dense128-relu-dense10-softmax' },
  { name: 'CNN', spec: 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax' },
  // padding and stride, both poolings (the second drops a row: 7 -> 3), tanh, sigmoid, flatten, linear
  { name: 'every layer', spec: 'conv5x5x6p2s2-tanh-avgpool2-conv3x3x8p1-sigmoid-maxpool2-flatten-dense32-linear-relu-dense10-softmax' },
  // a conv after a dense layer (Reshape), a 4-D last layer (Flatten), sigmoid outputs
  { name: 'dense then conv', spec: 'dense32-tanh-conv1x1x10-sigmoid' },
];

function idx(name) {
  const bytes = zlib.gunzipSync(fs.readFileSync(new URL(`data/${name}`, SITE)));
  return bytes.subarray(bytes[3] === 3 ? 16 : 8);
}
const trainImages = idx('quick-train-images-idx3-ubyte.gz'), trainLabels = idx('quick-train-labels-idx1-ubyte.gz');
const testImages = idx('t10k-images-idx3-ubyte.gz').subarray(0, N * 784);
// what the ONNX graph takes: (N, 1, 28, 28) float32, each byte / 255
const testInput = Float32Array.from(testImages, (b) => b / 255);

const builds = {};
async function build(simd) {
  const key = simd ? 'simd' : 'scalar';
  if (!builds[key]) {
    const cl = await loadConvlab({ simd, bytes: fs.readFileSync(new URL(simd ? 'convlab-simd.wasm' : 'convlab-scalar.wasm', SITE)) });
    const put = (bytes) => {
      const p = cl.alloc(bytes.length);
      cl.u8(p, bytes.length).set(bytes);
      return p;
    };
    builds[key] = { cl, train: put(trainImages), labels: put(trainLabels), test: put(testImages), order: cl.alloc(4 * STEPS * BATCH) };
  }
  return builds[key];
}

/** A model of spec trained STEPS batches (Adam) on the quick pack, and its outputs on the N test images. */
async function trained(simd, spec) {
  const b = await build(simd);
  const net = b.cl.createNetwork(spec, { seed: 3 });
  net.setOptimizer(OPTIMIZER.adam, 0.003);
  net.shuffle(b.order, STEPS * BATCH);
  let first, last;
  for (let s = 0; s < STEPS; s++) {
    const { loss } = net.trainStepIdx(b.train, b.labels, b.order + 4 * s * BATCH, BATCH);
    first ??= loss;
    last = loss;
  }
  assert.ok(last < first, `${spec}: the loss falls over ${STEPS} batches (${first} -> ${last})`);
  return { net, want: net.predict(b.test, N) };
}

function argmax(row) {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}

/** Largest |got - want|, and the images whose predicted class differs. */
function compare(got, want, k, n) {
  assert.equal(got.length, n * k);
  let worst = 0;
  const flipped = [];
  for (let i = 0; i < n * k; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) worst = d; // NaN becomes the worst
  }
  for (let i = 0; i < n; i++) {
    if (argmax(got.subarray(i * k, i * k + k)) !== argmax(want.subarray(i * k, i * k + k))) flipped.push(i);
  }
  return { worst, flipped };
}

function python(args, input) {
  return spawnSync(PYTHON, args, { encoding: 'utf8', input, timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
}
/** Whether Debian's Python imports module (python3-onnx, python3-torch). */
function hasModule(module) {
  return fs.existsSync(PYTHON) && python(['-c', `import ${module}`]).status === 0;
}
const HAS_ONNX = hasModule('onnx');
const HAS_TORCH = hasModule('torch');

for (const simd of [true, false]) {
  const label = simd ? 'simd' : 'scalar';
  for (const { name, spec } of MODELS) {
    test(`${label}: ${name}: ONNX Runtime gives the lab's outputs on ${N} test images`, async (t) => {
      const { net, want } = await trained(simd, spec);
      const k = net.outputs;
      const bytes = net.saveOnnx();
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      assert.deepEqual(session.inputNames, ['image']);
      assert.deepEqual(session.outputNames, ['output']);
      const out = await session.run({ image: new ort.Tensor('float32', testInput, [N, 1, 28, 28]) });
      assert.deepEqual(out.output.dims, [N, k]);
      const { worst, flipped } = compare(/** @type {Float32Array} */ (out.output.data), want, k, N);
      t.diagnostic(`${spec}: ${bytes.length} bytes; largest |ONNX Runtime - lab| ${worst.toExponential(2)}, ${flipped.length} classes differ`);
      assert.ok(worst <= TOL, `largest difference ${worst} > ${TOL}`);
      assert.deepEqual(flipped, [], 'images whose predicted class differs');
      await session.release();
      if (simd) fs.writeFileSync(path.join(tmp, `${spec}.onnx`), bytes);
      net.free();
    });
  }
}

test('ONNX checker (python3-onnx): every file is valid, canonical protobuf, with its metadata', async (t) => {
  if (!HAS_ONNX) {
    t.skip(`python3-onnx is not installed for ${PYTHON} (scripts/install.sh installs it): the ONNX checker did not run`);
    return;
  }
  const { net } = await trained(true, MODELS[1].spec);
  const file = path.join(tmp, 'checked.onnx');
  const bytes = net.saveOnnx();
  fs.writeFileSync(file, bytes);
  const files = [file, ...MODELS.map((m) => path.join(tmp, `${m.spec}.onnx`)).filter((f) => fs.existsSync(f))];
  const r = python(['-c', `
import json, sys, onnx
out = []
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model, full_check=True)   # with shape inference
    out.append({
        "canonical": model.SerializeToString() == data,
        "ir": model.ir_version, "opset": [(o.domain, o.version) for o in model.opset_import],
        "producer": model.producer_name,
        "meta": {p.key: p.value for p in model.metadata_props},
        "ops": [n.op_type for n in model.graph.node],
    })
print(json.dumps(out))
`, ...files]);
  assert.equal(r.status, 0, r.stderr);
  const checked = JSON.parse(r.stdout);
  t.diagnostic(`onnx ${python(['-c', 'import onnx; print(onnx.__version__)']).stdout.trim()}: ${checked.length} files pass check_model(full_check=True)`);
  for (const c of checked) {
    assert.ok(c.canonical, 'the bytes are what protobuf itself writes for the model');
    assert.equal(c.ir, 7);
    assert.deepEqual(c.opset, [['', 13]]);
    assert.equal(c.producer, 'convlab');
  }
  const meta = checked[0].meta;
  assert.equal(meta.spec, MODELS[1].spec);
  assert.equal(meta.input_shape, '1,28,28');
  assert.equal(meta.class_names, CLASS_NAMES.join(','));
  assert.match(meta.input_scaling, /\/ 255/);
  assert.match(meta.input_layout, /NCHW/);
  assert.deepEqual(checked[0].ops, ['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Softmax']);
  net.free();
});

test(`PyTorch (python3-torch): the Python file gives the lab's outputs on ${N_TORCH} test images`, async (t) => {
  if (!HAS_TORCH) {
    t.skip(`python3-torch is not installed for ${PYTHON}: the PyTorch file was not run here `
      + '(about 600 MB with its dependencies, so scripts/install.sh leaves it out; apt-get install python3-torch runs this check)');
    return;
  }
  const testFile = fileURLToPath(new URL('data/t10k-images-idx3-ubyte.gz', SITE));
  for (const { spec } of MODELS) {
    const { net, want } = await trained(true, spec);
    const k = net.outputs;
    const file = path.join(tmp, `model_${MODELS.findIndex((m) => m.spec === spec)}.py`);
    fs.writeFileSync(file, net.savePyTorch());
    // the file as a module, its own IDX reader, torch's outputs as JSON
    const r = python(['-c', `
import importlib.util, json, sys, torch
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("model", sys.argv[1])
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)
net = model.build_model()
x = model.read_idx_images(sys.argv[2])[:int(sys.argv[3])]
with torch.no_grad():
    out = net(x)
print(json.dumps({"shape": list(out.shape), "out": out.flatten().tolist(), "torch": torch.__version__}))
`, file, testFile, String(N_TORCH)]);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(res.shape, [N_TORCH, k]);
    const { worst, flipped } = compare(Float32Array.from(res.out), want.subarray(0, N_TORCH * k), k, N_TORCH);
    t.diagnostic(`torch ${res.torch}, ${spec}: largest |torch - lab| ${worst.toExponential(2)}, ${flipped.length} classes differ`);
    assert.ok(worst <= TOL, `${spec}: largest difference ${worst} > ${TOL}`);
    assert.deepEqual(flipped, [], `${spec}: images whose predicted class differs`);

    if (spec === MODELS[0].spec) {
      // run as its top comment says: the class of test images 0, 1 and 2
      const run = python([file, testFile, '0', '1', '2']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Sequential\(/);
      for (const i of [0, 1, 2]) {
        const c = argmax(want.subarray(i * k, i * k + k));
        assert.match(run.stdout, new RegExp(`image ${i}: class ${c}, ${CLASS_NAMES[c]} `));
      }
      const blank = python([file]);
      assert.equal(blank.status, 0, blank.stderr);
      assert.match(blank.stdout, /a blank image[\s\S]*image 0: class \d/);
    }
    net.free();
  }
});

test('both builds write the same bytes for the same weights (no float is printed, only their bits)', async () => {
  const a = (await build(true)).cl, b = (await build(false)).cl;
  const { net } = await trained(true, MODELS[2].spec);
  const saved = net.save();
  const other = b.loadNetwork(saved);
  assert.ok(Buffer.from(net.saveOnnx()).equals(other.saveOnnx()));
  assert.equal(net.savePyTorch(), other.savePyTorch());
  assert.equal(a.exports.cl_nn_onnx_size(net.ptr, 0), b.exports.cl_nn_onnx_size(other.ptr, 0));
  net.free();
  other.free();
});

test('class names: Fashion-MNIST\'s by default for 10 classes, one per class, refused with a reason', async () => {
  const { cl } = await build(true);
  const net = cl.createNetwork('dense4-relu-dense10-softmax');
  const text = (bytes) => Buffer.from(bytes).toString('latin1');
  assert.ok(text(net.saveOnnx()).includes(CLASS_NAMES.join(',')));
  assert.match(net.savePyTorch(), /^CLASS_NAMES = \["T-shirt\/top", "Trouser", .*"Ankle boot"\]$/m);
  const names = CLASS_NAMES.map((n) => `${n} (é)`);
  assert.ok(Buffer.from(net.saveOnnx({ classNames: names })).toString('utf8').includes(names.join(',')));
  assert.throws(() => net.saveOnnx({ classNames: ['a', 'b'] }), (e) => e.status === STATUS.mismatch && /2 class names for 10 classes/.test(e.message));
  assert.throws(() => net.savePyTorch({ classNames: [...CLASS_NAMES.slice(1), 'a,b'] }), (e) => e.status === STATUS.arg && /comma/.test(e.message));
  assert.throws(() => net.saveOnnx({ classNames: [...CLASS_NAMES.slice(1), ''] }), (e) => e.status === STATUS.arg);
  net.free();
  // a 3-class model gets its class numbers
  const small = cl.createNetwork('dense3-softmax');
  assert.match(small.savePyTorch(), /^CLASS_NAMES = \["0", "1", "2"\]$/m);
  small.free();
  // the statuses the glue names are the engine's
  assert.match(cl.message(STATUS.arg), /argument/);
  assert.match(cl.message(STATUS.overflow), /overflow/);
  assert.match(cl.message(STATUS.mismatch), /match/);
});
