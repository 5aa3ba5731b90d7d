// The native trainer (build/native/convlab-train) on a small slice of
// Fashion-MNIST: one JSON line per epoch, learning, save and load, the ONNX
// and PyTorch exports (the same bytes as the train page's engine), and a
// clear message and a non-zero exit for bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConvlab } from '../../web/lib/convlab.js';

const TRAINER = new URL('../../build/native/convlab-train', import.meta.url).pathname;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-trainer-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function train(...args) {
  const r = spawnSync(TRAINER, ['--quiet', ...args], { encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { status: r.status, lines, stderr: r.stderr };
}

test('trains on a small slice: one JSON line per epoch, the loss falls, accuracy well above chance', () => {
  const model = path.join(tmp, 'mlp.clnn');
  const r = train('--spec', 'dense32-relu-dense10-softmax', '--epochs', '3', '--optimizer', 'sgd', '--lr', '0.1',
    '--train-limit', '3000', '--test-limit', '1000', '--seed', '7', '--save', model);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.lines.length, 3);
  r.lines.forEach((l, i) => {
    assert.equal(l.epoch, i + 1);
    for (const key of ['loss', 'train_acc', 'test_acc', 'seconds', 'examples_per_sec'])
      assert.ok(Number.isFinite(l[key]), `${key} in ${JSON.stringify(l)}`);
    assert.equal(l.examples, 3000);
  });
  assert.ok(r.lines[2].loss < 0.8 * r.lines[0].loss, 'training loss falls');
  assert.ok(r.lines[2].test_acc > 0.6, `test accuracy ${r.lines[2].test_acc} well above 10%`);
  assert.ok(fs.statSync(model).size > 4 * (784 * 32 + 32 * 10));

  // the saved model gives the same test accuracy when loaded back, untrained further
  const again = train('--load', model, '--epochs', '0', '--test-limit', '1000');
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.lines.at(-1).test_acc, r.lines[2].test_acc);
});

test('the same seed gives the same run', () => {
  const args = ['--spec', 'conv3x3x4-relu-maxpool2-dense10-softmax', '--epochs', '1', '--train-limit', '500', '--test-limit', '200', '--seed', '3'];
  const a = train(...args), b = train(...args);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.lines[0].loss, b.lines[0].loss);
  assert.equal(a.lines[0].test_acc, b.lines[0].test_acc);
});

test('--save-onnx and --save-pytorch write what the train page writes for the same model', async () => {
  const model = path.join(tmp, 'export.clnn'), onnx = path.join(tmp, 'export.onnx'), py = path.join(tmp, 'export.py');
  const r = train('--spec', 'conv3x3x4-relu-maxpool2-dense10-softmax', '--epochs', '1', '--train-limit', '500',
    '--test-limit', '100', '--save', model, '--save-onnx', onnx, '--save-pytorch', py);
  assert.equal(r.status, 0, r.stderr);
  const site = new URL('../../build/site/', import.meta.url);
  const cl = await loadConvlab({ simd: false, bytes: fs.readFileSync(new URL('convlab-scalar.wasm', site)) });
  const net = cl.loadNetwork(fs.readFileSync(model));
  // Fashion-MNIST's class names by default on both sides
  assert.ok(fs.readFileSync(onnx).equals(net.saveOnnx()), 'the same ONNX bytes');
  assert.equal(fs.readFileSync(py, 'utf8'), net.savePyTorch());
  // names given on the command line
  const names = Array.from({ length: 10 }, (_, i) => `kind ${i}`);
  const again = train('--load', model, '--epochs', '0', '--test-limit', '10', '--save-onnx', onnx,
    '--save-pytorch', py, '--class-names', names.join(','));
  assert.equal(again.status, 0, again.stderr);
  assert.ok(fs.readFileSync(onnx).equals(net.saveOnnx({ classNames: names })));
  assert.match(fs.readFileSync(py, 'utf8'), /^CLASS_NAMES = \["kind 0", "kind 1", .*"kind 9"\]$/m);
  net.free();
  // names that do not fit are refused before any training, and nothing is written
  fs.rmSync(onnx);
  const bad = train('--spec', 'dense8-dense10-softmax', '--epochs', '1', '--save-onnx', onnx, '--class-names', 'a,b');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--class-names: give 10 names/);
  assert.equal(bad.lines.length, 0);
  assert.ok(!fs.existsSync(onnx));
});

test('bad options, specs and files are refused with a message', () => {
  const cases = [
    [['--spec', 'dense32-relu-maxpool3'], /layer 3 "maxpool3"/],
    [['--epochs', '1.5'], /--epochs/],
    [['--lr', 'fast'], /--lr/],
    [['--batch', '0'], /--batch/],
    [['--data', tmp], /cannot read/],
    [['--load', path.join(tmp, 'missing.clnn')], /missing\.clnn/],
  ];
  fs.writeFileSync(path.join(tmp, 'not-a-model.clnn'), 'hello');
  cases.push([['--load', path.join(tmp, 'not-a-model.clnn')], /not-a-model|format|convlab/i]);
  for (const [args, message] of cases) {
    const r = train(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
});
