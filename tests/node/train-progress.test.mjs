// A download's progress in words (web/train/progress.js): the rate over the
// last few seconds, the time left from it, a stall said at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressHistory, progressText } from '../../web/train/progress.js';

test('the rate is the bytes over the last three seconds, not since the start', () => {
  const h = progressHistory();
  assert.equal(h.rate(), null, 'nothing to tell from');
  h.add(0, 0);
  h.add(100, 50_000);
  assert.equal(h.rate(), null, 'under a quarter of a second: too early to tell');
  // 1 MB/s for 10 s ...
  for (let t = 1000; t <= 10_000; t += 1000) h.add(t, t * 1000);
  assert.equal(h.rate(), 1e6);
  // ... then 4 MB/s: after three seconds of it the rate is the new one
  for (let t = 11_000; t <= 14_000; t += 1000) h.add(t, 10e6 + (t - 10_000) * 4000);
  assert.equal(h.rate(), 4e6);
  // a stall: no new bytes for three seconds gives 0, not the old average
  for (let t = 15_000; t <= 18_000; t += 1000) h.add(t, 26e6);
  assert.equal(h.rate(), 0);
  h.clear();
  assert.equal(h.rate(), null);
});

test('the words: bytes of the total, the share, the rate and the time left', () => {
  assert.equal(progressText({ loaded: 3.1e6, total: 9.2e6 }, null), 'Downloading: 3.1 of 9.2 MB (34%)');
  assert.equal(progressText({ loaded: 3.1e6, total: 9.2e6 }, 2.44e6), 'Downloading: 3.1 of 9.2 MB (34%), 2.4 MB/s, about 3 s left');
  assert.equal(progressText({ loaded: 1e6, total: 26.4e6 }, 50_000), 'Downloading: 1.0 of 26.4 MB (4%), 50 KB/s, about 8 min 28 s left');
  assert.equal(progressText({ loaded: 1e6, total: 9.2e6 }, 0), 'Downloading: 1.0 of 9.2 MB (11%), no data for a moment…');
  // more bytes than the server said: never "10.0 of 9.2 MB", and nothing left to wait for
  assert.equal(progressText({ loaded: 10e6, total: 9.2e6 }, 1e6), 'Downloading: 10.0 of 10.0 MB (100%)');
  assert.equal(progressText({ loaded: 0, total: 0 }, null), 'Downloading: 0.0 of 0.0 MB (0%)');
  assert.equal(progressText({ loaded: 5, total: 9, fromCache: true }, 1), 'Reading from your browser’s copy…');
});

test('a slow line: a rate under 1 KB/s is whole bytes', () => {
  assert.equal(progressText({ loaded: 1000, total: 9.2e6 }, 512.7), 'Downloading: 0.0 of 9.2 MB (0%), 513 bytes/s, about 4 h 59 min left');
});
