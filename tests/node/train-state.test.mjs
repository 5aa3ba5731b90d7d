// The train page's rules (web/train/state.js) beyond the link: every field
// checked with its message, the spec the controls describe, the runs' names
// and records, and what storage gives back read as plain, checked data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultSettings, validateSettings, specFrom, specOf, mergeForm, layerFieldCounts, trainingSetSize, validationSetSize,
  modelSettings, newRun, runName, workerSettings, experimentRuns, runFromRecord, newPageState, RUN_COLOURS,
} from '../../web/train/state.js';

const check = (changes, context = {}) => validateSettings({ ...defaultSettings(), ...changes }, { trainSize: 10000, ...context });

test('the defaults are the class’s MLP, with numbers for the worker', () => {
  const r = check({});
  assert.equal(r.ok, true);
  assert.deepEqual(r.errors, {});
  assert.equal(r.values.spec, 'dense128-relu-dense10-softmax');
  assert.deepEqual(r.values.units, [128]);
  for (const [key, value] of Object.entries({ batch: 32, lr: 0.002, decay: 0.75, best: true, epochs: 10, l2: 0, seed: 1, momentum: 0.9 })) assert.equal(r.values[key], value, key);
  assert.equal(check({ layers: '0' }).values.spec, 'dense10-softmax', 'no hidden layer: softmax regression');
});

test('the spec the controls describe', () => {
  assert.equal(check({ arch: 'cnn' }).values.spec, 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-dense64-relu-dense10-softmax');
  assert.equal(check({ arch: 'cnn', pool: 'max', dense: '0' }).values.spec, 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax');
  assert.equal(check({ arch: 'cnn', convs: '3', filters: ['4', '8', '8'], dense: '0' }).values.spec,
    'conv3x3x4-relu-maxpool2-conv3x3x8-relu-conv3x3x8-relu-dense10-softmax', 'pooling after the first conv only');
  assert.equal(check({ arch: 'cnn', convs: '1', filters: ['4'], kernel: '5', pool: 'avg', dense: '32', act: 'tanh' }).values.spec,
    'conv5x5x4-tanh-avgpool2-dense32-tanh-dense10-softmax');
  assert.equal(check({ arch: 'cnn', convs: '1', pool: 'none', dense: '0' }).values.spec, 'conv3x3x8-relu-dense10-softmax');
  assert.equal(check({ arch: 'custom', spec: '  dense16-sigmoid-dense10-softmax ' }).values.spec, 'dense16-sigmoid-dense10-softmax');
  assert.equal(specFrom({ ...defaultSettings(), act: 'tanh' }, { units: [64, 32] }), 'dense64-tanh-dense32-tanh-dense10-softmax');
  // specOf fills in the defaults: a link names only some settings
  assert.equal(specOf({ arch: 'mlp', layers: '2', units: ['64', '32'] }), 'dense64-relu-dense32-relu-dense10-softmax');
  assert.equal(specOf({ arch: 'cnn', convs: '1', filters: ['4'], dense: '0' }), 'conv3x3x4-relu-maxpool2-dense10-softmax');
});

test('each field’s error under its own key, in words', () => {
  const r = check({ layers: '2', units: ['0', 'x'], lr: '0', epochs: '2.5', l2: '-1', seed: '-3', batch: '0' });
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.errors).sort(), ['batch', 'epochs', 'l2', 'lr', 'seed', 'unit-1', 'unit-2'].sort());
  assert.equal(r.errors['unit-1'], 'Units must be from 1 to 4,096');
  assert.equal(r.errors['unit-2'], 'Units must be a number');
  assert.equal(r.errors.lr, 'The learning rate must be greater than 0');
  assert.equal(r.errors.l2, 'λ cannot be negative');
  assert.equal(r.values.spec, '', 'no spec while a layer field is wrong');
  assert.equal(check({ arch: 'cnn', convs: '4' }).errors.convs, 'The number of conv layers must be from 1 to 3');
  assert.equal(check({ arch: 'cnn', filters: ['8', '65'] }).errors['filter-2'], 'Filters must be from 1 to 64');
  assert.equal(check({ arch: 'custom', spec: '' }).errors.spec, 'Type a model spec, e.g. dense128-relu-dense10-softmax');
  assert.equal(check({ optimizer: 'momentum', momentum: '1' }).errors.momentum, 'Momentum must be below 1');
  assert.equal(check({ optimizer: 'sgd', momentum: '1' }).ok, true, 'the momentum counts only for momentum');
});

test('the batch is bounded by the training set and by the engine', () => {
  assert.equal(check({ batch: '20000' }).errors.batch, 'The batch size cannot be larger than the training set (10,000 images)');
  assert.equal(check({ batch: '5000' }, { trainSize: 55000 }).errors.batch, 'The batch size can be at most 4,096 (the engine\'s limit)');
  assert.equal(check({ batch: '1e400' }).errors.batch, 'The batch size cannot be larger than the training set (10,000 images)');
  assert.equal(check({ batch: '4096' }, { trainSize: 55000 }).ok, true);
  assert.equal(trainingSetSize({ quick: true }, null), 10000);
  assert.equal(trainingSetSize({ quick: false }, null), 55000);
  assert.equal(trainingSetSize({ quick: true }, { train: 1234, validation: 56 }), 1234, 'the worker’s split once loaded');
  assert.equal(validationSetSize({ quick: false }, null), 5000);
  assert.equal(validationSetSize({ quick: true }, { train: 1234, validation: 56 }), 56);
});

test('the engine’s description of the spec decides the spec’s error; cross-entropy needs a softmax', () => {
  const spec = 'dense128-relu-dense10-softmax';
  assert.equal(check({}, { describe: { for: spec, ok: false, message: 'layer 3: no' } }).errors.spec, 'layer 3: no');
  assert.match(check({}, { describe: { for: spec, ok: true, outputs: 7 } }).errors.spec, /^The model has 7 outputs; it needs 10/);
  assert.equal(check({}, { describe: { for: 'another', ok: false, message: 'old' } }).ok, true, 'a description of another spec is not used');
  assert.match(check({ arch: 'custom', spec: 'dense10-sigmoid' }).errors.loss, /^Cross-entropy needs a softmax output/);
  assert.equal(check({ arch: 'custom', spec: 'dense10-sigmoid', loss: 'mse' }).ok, true);
});

test('the form’s per-layer fields: what was typed beyond the count is kept, a count being typed keeps the fields', () => {
  const s = { ...defaultSettings(), units: ['128', '64', '32'] };
  mergeForm(s, { fields: { layers: '1', lr: '0.01', quick: false }, units: ['100'], filters: [] });
  assert.deepEqual(s.units, ['100', '64', '32']);
  assert.equal(s.lr, '0.01');
  assert.equal(s.quick, false);
  assert.deepEqual(layerFieldCounts({ layers: '2', convs: '3' }, { unit: 1, filter: 2 }), { unit: 2, filter: 3 });
  assert.deepEqual(layerFieldCounts({ layers: '', convs: '9' }, { unit: 1, filter: 2 }), { unit: 1, filter: 2 });
});

test('a loaded model brings its own settings, as the fields show them', () => {
  const m = { spec: 'dense16-relu-dense10-softmax', seed: 7, settings: { optimizer: 'momentum', lr: 0.0199999995529651, l2: 0, momentum: 0.8999999761581421, loss: 'bce' } };
  assert.deepEqual(modelSettings(m), {
    arch: 'custom', spec: 'dense16-relu-dense10-softmax', optimizer: 'momentum', lr: '0.02', l2: '0', loss: 'xent', seed: '7', momentum: '0.9',
  });
});

test('runs: names say what differs from the usual, colours go round, the worker gets numbers', () => {
  const v = check({ optimizer: 'sgd', lr: '0.05', l2: '0.0001', loss: 'mse', shuffle: true }).values;
  assert.equal(runName(v), 'MLP 128 relu · SGD lr 0.05 · bs 32 · λ 0.0001 · MSE · shuffled pixels');
  assert.equal(runName(check({ arch: 'cnn' }).values), 'CNN 8-16 relu · Adam lr 0.002 · bs 32');
  assert.equal(runName(check({ layers: '0' }).values), 'MLP (no hidden layer) relu · Adam lr 0.002 · bs 32');
  assert.equal(runName(check({ decay: '1' }).values), 'MLP 128 relu · Adam lr 0.002 decay 1 · bs 32');
  const runs = [];
  for (let i = 0; i < RUN_COLOURS.length + 1; i++) runs.push(newRun(runs, v, i === 0 ? 'named' : undefined, 3));
  assert.deepEqual(runs.map((r) => r.id), Array.from({ length: RUN_COLOURS.length + 1 }, (_, i) => i + 1));
  assert.equal(runs[0].name, 'named');
  assert.equal(runs.at(-1).colour, runs[0].colour, 'the colours go round');
  assert.equal(runs[1].forgetEpoch, 3);
  assert.deepEqual(workerSettings(v, runs[1]), {
    runId: 2, spec: 'dense128-relu-dense10-softmax', seed: 1, batch: 32, lr: 0.05, epochs: 10, l2: 0.0001, loss: 'mse',
    optimizer: 'sgd', momentum: 0.9, shufflePixels: true, lrDecay: 0.75, keepBest: true, workers: 0,
  });
  assert.equal(workerSettings(check({ decay: '1', best: false }).values, runs[1]).keepBest, false);
});

test('the shuffled-pixels experiment: the MLP and the CNN preset, each on normal then shuffled pixels', () => {
  const s = { ...defaultSettings(), layers: '2', units: ['64', 'x'], act: 'tanh', kernel: '5', pool: 'avg' };
  const base = check({}).values;
  const runs = experimentRuns(s, base);
  assert.deepEqual(runs.map((r) => [r.arch, r.shuffle, r.spec]), [
    ['mlp', false, 'dense64-tanh-dense10-softmax'],
    ['mlp', true, 'dense64-tanh-dense10-softmax'],
    ['cnn', false, 'conv3x3x8-tanh-maxpool2-conv3x3x16-tanh-dense64-tanh-dense10-softmax'],
    ['cnn', true, 'conv3x3x8-tanh-maxpool2-conv3x3x16-tanh-dense64-tanh-dense10-softmax'],
  ]);
  assert.ok(runs.every((r) => r.lr === base.lr && r.batch === base.batch), 'the training settings are the form’s');
});

test('a run read back from storage: only plain, checked fields', () => {
  assert.equal(runFromRecord(null), null);
  assert.equal(runFromRecord({ id: 'x' }), null);
  assert.equal(runFromRecord({ id: 1.5 }), null);
  const r = runFromRecord({
    id: 4, name: { toString: () => 'an object' }, colour: 7, settings: 'nope', how: '<b>', visible: 0, epochs: 'many', test: '0.9',
    train: [{ x: 0.5, loss: '1', acc: 0.5, extra: 1 }, { x: 'no' }, null], validation: 'none', onerror: 'x',
  });
  assert.deepEqual(r, {
    id: 4, name: 'an object', colour: '7', settings: {}, train: [{ x: 0.5, loss: 1, acc: 0.5 }], validation: [],
    test: null, epochs: 1, visible: true, how: 'stopped',
  });
  assert.equal(runFromRecord({ id: 2, how: 'diverged', visible: false }).how, 'diverged');
  assert.equal(runFromRecord({ id: 2, visible: false }).visible, false);
  assert.equal(runFromRecord({ id: 2 }).colour, RUN_COLOURS[0]);
});

test('a fresh page holds the defaults and nothing else', () => {
  const a = newPageState(), b = newPageState();
  assert.deepEqual(a.settings, defaultSettings());
  assert.equal(a.phase, 'idle');
  assert.deepEqual(a.runs, []);
  a.runs.push(1);
  a.settings.units.push('9');
  assert.deepEqual(b.runs, [], 'each page state its own');
  assert.deepEqual(b.settings.units, ['128']);
});
