// lib/store.js opens IndexedDB without ever hanging: WebKit's first open can
// stay pending for ever (webkit.org/b/226547), so a second is asked after a
// while, and after longer the page goes on without storage. A fake IDBFactory
// whose open requests answer, or not, as each test says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../web/lib/store.js';

/**
 * An IDBFactory whose n-th open request answers after answers[n] ms
 * (null: never); `opened` counts the requests, `closed` the databases closed.
 */
function factory(answers) {
  const f = { opened: 0, closed: 0 };
  f.open = () => {
    const wait = answers[f.opened++];
    const db = { close: () => { f.closed++; }, transaction: () => { throw new Error('not in these tests'); } };
    const req = { result: db };
    if (wait !== null) setTimeout(() => req.onsuccess?.(), wait);
    return req;
  };
  return f;
}

const timing = { retryMs: 30, giveUpMs: 150 };

test('an open that answers is the store, asked once', async () => {
  const f = factory([0]);
  const store = await openStore(f, 'x', timing);
  assert.equal(store.available, true);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(f.opened, 1, 'no second open');
  assert.equal(f.closed, 0);
});

test('a first open that never answers: the second one is the store', async () => {
  const f = factory([null, 5]);
  const t0 = Date.now();
  const store = await openStore(f, 'x', timing);
  assert.equal(store.available, true);
  assert.equal(f.opened, 2);
  assert.ok(Date.now() - t0 >= 25, 'the second asked after the wait');
});

test('no open answers: the page goes on without storage, and says why', async () => {
  const f = factory([null, null]);
  const t0 = Date.now();
  const store = await openStore(f, 'x', timing);
  assert.equal(store.available, false);
  assert.match(store.why, /storage did not answer in 0\.15 s/);
  assert.ok(Date.now() - t0 >= 140);
  await assert.rejects(store.get('model'), { name: 'StoreError', reason: 'unavailable' });
});

test('an answer that comes after another, or after giving up, is closed', async () => {
  const late = factory([60, 5]); // the second answers first; the first's database then closes
  assert.equal((await openStore(late, 'x', timing)).available, true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(late.closed, 1);
  const slow = factory([200, null]); // answers after the give-up
  assert.equal((await openStore(slow, 'x', timing)).available, false);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(slow.closed, 1);
});
