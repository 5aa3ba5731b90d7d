// What a network costs, from its layers (web/train/cost.js), checked against
// multiply-adds counted by hand and against the engine's own layer list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { multiplyAdds, epochSeconds, TRAIN_PASSES, floatsPerExample, trainingBytes, chunkImages, memoryBudget, ENGINE_MEMORY_BYTES } from '../../web/train/cost.js';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = path.resolve(new URL('../../build/site', import.meta.url).pathname);

test('multiply-adds of the MLP and of the reference CNN, counted by hand', async () => {
  const cl = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });
  const count = (spec) => {
    const net = cl.createNetwork(spec, { c: 1, h: 28, w: 28, seed: 1 });
    try { return multiplyAdds(net.layers()); } finally { net.free(); }
  };
  assert.equal(count('dense128-relu-dense10-softmax'), 784 * 128 + 128 * 10);
  // conv 8 x 26 x 26 x (1 x 3 x 3); pool 8 x 13 x 13 x 4; conv 16 x 11 x 11 x (8 x 3 x 3); pool 16 x 5 x 5 x 4; dense 10 x 400
  assert.equal(count('conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax'),
    8 * 26 * 26 * 9 + 8 * 13 * 13 * 4 + 16 * 11 * 11 * 8 * 9 + 16 * 5 * 5 * 4 + 10 * 400);
});

test('an epoch is three passes per training image and one per checked image', () => {
  assert.equal(epochSeconds(1e6, { nTrain: 1000, nVal: 100, valChecks: 4 }, 1e9), ((TRAIN_PASSES * 1000 + 400) * 1e6) / 1e9);
  assert.equal(epochSeconds(1e6, { nTrain: 1000 }, 0), null);
});

test('memory: the engine’s own count of floats per example, the parameter block, the data; the budget of a device', async () => {
  const cl = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });
  const layersOf = (spec) => {
    const net = cl.createNetwork(spec, { c: 1, h: 28, w: 28, seed: 1 });
    try { return { layers: net.layers(), params: net.paramCount }; } finally { net.free(); }
  };
  const mlp = layersOf('dense128-relu-dense10-softmax');
  // the input once; dense, relu, dense, softmax: output and gradient each
  assert.equal(floatsPerExample(mlp.layers), 784 + 2 * (128 + 128 + 10 + 10));
  const cnn = layersOf('conv3x3x8-relu-maxpool2-dense10-softmax');
  // conv and relu 8 x 26 x 26 twice; the pool 8 x 13 x 13 three times (its argmax); flatten shares the pool's
  assert.equal(floatsPerExample(cnn.layers), 784 + 2 * 2 * 8 * 26 * 26 + 3 * 8 * 13 * 13 + 2 * (10 + 10));
  assert.equal(trainingBytes(mlp, 32, 1000), 4 * (7 * mlp.params + 32 * floatsPerExample(mlp.layers)) + 1000);
  // a pass's chunk: about 30 ms of work, at most 4,096 images
  assert.equal(chunkImages(1e6, 1e9), 30);
  assert.equal(chunkImages(10, 1e12), 4096);
  assert.equal(chunkImages(1e12, 1e9), 1);
  // a 4 GB Chromebook gives a page about 1 GB; a big machine, what the engine can grow to
  assert.equal(memoryBudget(4), 2 ** 30);
  assert.equal(memoryBudget(32), ENGINE_MEMORY_BYTES);
  assert.equal(memoryBudget(undefined), ENGINE_MEMORY_BYTES);
  assert.ok(ENGINE_MEMORY_BYTES < 2 * 2 ** 30, 'under the engine’s -sMAXIMUM_MEMORY');
});
