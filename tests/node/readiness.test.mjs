// What the landing page says about the device (web/home/readiness.js) and
// where offline use is possible (web/lib/offline.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochSeconds, epochText, rows } from '../../web/home/readiness.js';
import { offlineUnavailable } from '../../web/lib/offline.js';

test('an epoch is its training images and four checks of the held-out ones', () => {
  const t = { trainMs: 0.02, evalMs: 0.005 };
  assert.equal(epochSeconds(t, { train: 10_000, validation: 1_000 }), (10_000 * 0.02 + 4 * 1_000 * 0.005) / 1000);
  assert.equal(epochText('The MLP preset', t), 'The MLP preset: about 1 s per epoch on Quick (10,000 images), 2 s on all 55,000.');
  assert.equal(epochText('The CNN preset', { trainMs: 2, evalMs: 0.5 }), 'The CNN preset: about 22 s per epoch on Quick (10,000 images), 2 min on all 55,000.');
});

test('the device list says what it knows and what the browser does not tell', () => {
  const text = rows({ engine: { simd: false, note: '' }, cores: 4, storage: null, memoryGB: 4, offline: { available: false, why: 'no reason' }, timings: null })
    .map(([a, b]) => `${a}: ${b}`).join('\n');
  assert.match(text, /^Engine: WebAssembly without SIMD \(the scalar build/m);
  assert.match(text, /^Cores: 4 /m);
  assert.match(text, /^Storage: the browser does not say/m);
  assert.match(text, /^Memory: about 4 GB \(enough for the lab/m);
  assert.match(text, /^Offline use: not here: no reason$/m);
  assert.match(text, /^Training here: measuring…$/m);
  assert.match(rows({ error: 'HTTP 404' }).map((r) => r.join(': ')).join('\n'), /^Engine: not loaded: HTTP 404$/m);
});

test('offline use needs a web server and a secure context, and says why not', () => {
  const nav = { serviceWorker: {} };
  assert.equal(offlineUnavailable({ protocol: 'https:', hostname: 'school.example' }, nav, true), '');
  assert.equal(offlineUnavailable({ protocol: 'http:', hostname: 'localhost' }, nav, true), '');
  assert.match(offlineUnavailable({ protocol: 'http:', hostname: 'school.example' }, nav, false),
    /plain http from school\.example, and browsers allow offline use only over https/);
  assert.match(offlineUnavailable({ protocol: 'file:', hostname: '' }, nav, false), /not served by a web server/);
  assert.match(offlineUnavailable({ protocol: 'https:', hostname: 'x' }, {}, true), /does not allow it/);
});
