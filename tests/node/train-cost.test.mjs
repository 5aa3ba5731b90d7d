// What a network costs, from its layers (web/train/cost.js), checked against
// multiply-adds counted by hand and against the engine's own layer list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { multiplyAdds, epochSeconds, TRAIN_PASSES } from '../../web/train/cost.js';
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
