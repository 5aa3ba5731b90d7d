// train/curves-view.js accuracyRange: the accuracy axis zoomed in on the runs after their first epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyRange } from '../../web/train/curves-view.js';

const run = (train, validation) => ({ train: train.map(([x, acc]) => ({ x, acc })), validation: validation.map(([x, acc]) => ({ x, acc })) });

test('the accuracy axis: all of it before a first epoch, then from 5% steps around the runs after it', () => {
  assert.deepEqual(accuracyRange([]), { minY: 0, maxY: 1 });
  assert.deepEqual(accuracyRange([run([[0.5, 0.7]], [[0, 0.1], [0.5, 0.72]])]), { minY: 0, maxY: 1 }, 'no epoch done yet');
  // 0.1 at x = 0 (guessing) is left out; 0.862 .. 0.913 after epoch 1: 0.85 to 0.95
  const r = accuracyRange([run([[1, 0.87], [2, 0.905]], [[0, 0.1], [1, 0.862], [2, 0.913]]), run([[1, 0.88]], [[1, 0.875]])]);
  assert.equal(r.minY, 0.85);
  assert.equal(r.maxY, 0.95);
  assert.deepEqual(accuracyRange([run([[1, 0.995]], [[1, 1]])]), { minY: 0.95, maxY: 1 }, 'at most 100%');
});
