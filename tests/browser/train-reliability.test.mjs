// The train page under the faults found when the lab was attacked (issue 10):
// full or missing storage, tampered links and records, a link for another
// network than the kept one, stalled downloads, huge files and networks,
// a reload or a Forget at the wrong moment, a run that diverges without NaN.
// Each test fails on the page as it was before its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useSiteAndBrowser, screenshot } from './helpers.mjs';
import { TIMEOUT, until, openTrain, loadData, runMessage, runRows, testAccuracyShown, modelKept } from './train-helpers.mjs';
import { installTrainWorker } from './train-worker-driver.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const start = (page) => page.getByRole('button', { name: 'Start', exact: true }).click();
const finished = (page) => page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: TIMEOUT });
const pageMessage = (page) => page.locator('[data-page-message]');

/** Trains the default MLP for one epoch and waits until its results (and its save) are in. */
async function trainOneEpoch(page) {
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await start(page);
  await runMessage(page).filter({ hasText: /^Finished/ }).waitFor({ timeout: TIMEOUT });
  return testAccuracyShown(page);
}

/** A sparse file of `bytes` zeros (no disk space used), for the model loader. */
function sparseFile(name, bytes) {
  const file = path.join(os.tmpdir(), `convlab-${process.pid}-${name}`);
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, bytes);
  return file;
}

test('full storage: every run of the experiment goes on, and each says it is not kept', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  // The storage fills up: from now on every write to the lab's store fails as a full
  // disk fails, as an abort of the transaction whose error is a QuotaExceededError.
  // (Chromium 156 no longer enforces CDP's Storage.overrideQuotaForOrigin on
  // IndexedDB writes, so the failure is made in the page, at the same place.)
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      const tx = this.transaction;
      if (tx.db.name !== 'convlab-train') return put.apply(this, args);
      const request = put.apply(this, args);
      if (!Object.hasOwn(tx, 'error')) { // once per transaction, after all its puts, as a commit fails
        Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
        queueMicrotask(() => tx.abort());
      }
      return request;
    };
  });
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  // Start stays disabled from the first run to the last one's end: a run started between two
  // of the experiment's would be replaced by its next (each moment Start is enabled: the runs then)
  await page.evaluate(() => {
    const start = /** @type {HTMLButtonElement} */ (document.querySelector('[data-action="start"]'));
    const seen = /** @type {any} */ (window).__startEnabled = [];
    new MutationObserver(() => { if (!start.disabled) seen.push(document.querySelectorAll('[data-runs-table] tbody tr').length); })
      .observe(start, { attributes: true, attributeFilter: ['disabled'] });
  });
  await page.getByRole('button', { name: 'Run the shuffled-pixels experiment' }).click();
  await until(async () => (await runRows(page).count()) === 4
    && (await page.locator('[data-run-test]').allTextContents()).every((t) => /%/.test(t)), 'the four runs, tested', 120_000);
  await finished(page);
  assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).__startEnabled), [4], 'Start enabled again only after the fourth run');
  const rows = await runRows(page).allTextContents();
  for (const r of rows) assert.match(r, /not kept after a reload: the browser’s storage is full/, r);
  // the runs and their curves stay on the page
  assert.equal(await page.getByRole('checkbox', { name: /^Show run/ }).count(), 4);
  assert.match(await page.locator('[data-keep-message]').textContent(), /not kept after a reload: the browser’s storage is full/);
  await screenshot(page, 'train-storage-full');
  await page.context().close();
});

test('no IndexedDB at all: the page says once that nothing survives a reload, and everything else works', async () => {
  const page = await env.newPage();
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
    });
  });
  await openTrain(page, env.url);
  await pageMessage(page).filter({ hasText: /Your models and curves will not survive a reload/ }).waitFor();
  await loadData(page);
  const accuracy = await trainOneEpoch(page);
  assert.ok(accuracy > 70, `${accuracy}%`);
  const text = await page.locator('main').innerText();
  assert.equal(text.split('will not survive a reload').length - 1, 1, 'said once');
  assert.doesNotMatch(await runRows(page).first().textContent(), /not kept/);
  // a file is still the way to keep a model
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save the model to a file' }).click()]);
  assert.match(download.suggestedFilename(), /\.clnn$/);
  await page.context().close();
});

test('a link with values the page cannot mean: each replaced by its default, said by name, and Start works', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url, '#arch=bogus&opt=nope&J=what&lr=0.002&bs=1e400');
  const message = await pageMessage(page).textContent();
  for (const key of ['“arch=bogus”', '“opt=nope”', '“J=what”', '“bs=1e400”']) assert.ok(message.includes(key), `${key} in: ${message}`);
  assert.doesNotMatch(message, /lr=/, 'a good value is kept, and not named');
  assert.ok(await page.getByRole('radio', { name: 'MLP (fully connected)' }).isChecked());
  assert.equal(await page.getByLabel('Optimiser').inputValue(), 'adam');
  assert.equal(await page.getByLabel('Loss J').inputValue(), 'xent');
  assert.equal(await page.getByLabel('Learning rate').inputValue(), '0.002');
  assert.equal(await page.getByLabel('Batch size').inputValue(), '32');
  // the link is rewritten to what is shown
  assert.match(page.url(), /arch=mlp/);
  await loadData(page);
  await page.getByRole('button', { name: 'One step' }).click();
  await runMessage(page).filter({ hasText: /^One batch of 32: loss \d/ }).waitFor();
  assert.match(await runRows(page).first().textContent(), /^MLP 128 relu · Adam lr 0\.002 · bs 32/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a kept model and a link for another network: the link wins, the model waits behind a button', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  const accuracy = await trainOneEpoch(page);
  await modelKept(page);
  // the same network with another rate: restored, with the link's settings (a new visit, not a hash change)
  await page.goto('about:blank');
  await page.goto(`${env.url}train.html#arch=mlp&L=1&units=128&f=relu&lr=0.01&opt=sgd&bs=64&epochs=1`);
  await pageMessage(page).filter({ hasText: /^Restored your last model \(dense128-relu-dense10-softmax/ }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.getByLabel('Learning rate').inputValue(), '0.01');
  assert.equal(await testAccuracyShown(page), accuracy);
  // another network: shown as the link says, with no model behind it
  await page.goto('about:blank');
  await page.goto(`${env.url}train.html#arch=cnn&convs=1&filters=4&k=3&pool=max&dense=0&f=relu&epochs=1`);
  const offer = page.locator('[data-restore-offer]');
  await offer.filter({ hasText: /other settings than your last model’s \(dense128-relu-dense10-softmax\)/ }).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.getByLabel('Model spec').inputValue(), 'conv3x3x4-relu-maxpool2-dense10-softmax');
  assert.equal(await page.getByRole('button', { name: 'Save the model to a file' }).isDisabled(), true, 'no model is held');
  assert.equal(await page.getByLabel('Test accuracy').textContent(), '–');
  await screenshot(page, 'train-link-other-network');
  await offer.getByRole('button', { name: 'Restore my last model' }).click();
  await page.locator('[data-keep-message]').filter({ hasText: /^Restored your last model/ }).waitFor();
  assert.equal(await page.getByLabel('Model spec').inputValue(), 'dense128-relu-dense10-softmax');
  assert.equal(await testAccuracyShown(page), accuracy);
  await offer.waitFor({ state: 'hidden' }); // drawn after the message: read at once, it could still show under load
  assert.match(page.url(), /#arch=mlp&L=1&units=128&/);
  await page.context().close();
});

/**
 * The train worker's clock, made movable by the test (Playwright's page.clock
 * does not reach workers): the page's worker.js is served wrapped, so that a
 * patch of setTimeout runs first (as helpers.mjs's withoutSimd wraps it). In
 * the worker, fastForward(ms) runs at once every timer due within `ms`.
 * Returns the page's train worker.
 */
async function movableWorkerClock(page) {
  const patch = `{
    const set = setTimeout, clear = clearTimeout, timers = new Map();
    globalThis.setTimeout = (fn, ms = 0, ...args) => {
      const id = set(() => { timers.delete(id); fn(...args); }, ms);
      timers.set(id, { fn, args, due: performance.now() + ms });
      return id;
    };
    globalThis.clearTimeout = (id) => { timers.delete(id); clear(id); };
    globalThis.fastForward = (ms) => {
      const now = performance.now();
      for (const [id, t] of [...timers]) if (t.due <= now + ms) { clearTimeout(id); t.fn(...t.args); }
    };
  }`;
  await page.context().route('**/clock-patch.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: patch }));
  await page.context().route('**/train/worker.js*', (route) => {
    const url = new URL(route.request().url());
    if (url.search === '?real') return route.continue();
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: `import '/clock-patch.js';\nimport ${JSON.stringify(`${url.pathname}?real`)};\n` });
  });
  const worker = page.waitForEvent('worker', { predicate: (w) => /\/train\/worker\.js/.test(w.url()) });
  await openTrain(page, env.url);
  return worker;
}

test('a download that hangs: Cancel ends it, a stall of 30 s ends it, Retry then loads', async () => {
  const page = await env.newPage();
  const worker = await movableWorkerClock(page);
  const hang = () => {}; // never answered: not a byte arrives
  await page.context().route('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await page.getByRole('button', { name: 'Load the data' }).click();
  const cancel = page.getByRole('button', { name: 'Cancel the download' });
  await cancel.click();
  const dataMessage = page.locator('[data-data-message]');
  await dataMessage.filter({ hasText: /^The download was cancelled\. Nothing was loaded\./ }).waitFor();
  const retry = page.getByRole('button', { name: 'Retry the download' });
  assert.equal(await retry.isEnabled(), true);
  assert.ok(await cancel.isHidden());
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Retry the download', 'focus moves to Retry');
  // a stall: nothing for 30 s (the worker's clock moved on, until the watchdog it set has run), then the page says so
  await retry.click();
  const stalled = dataMessage.filter({ hasText: /the download stalled: no data arrived for 30 s/ });
  await until(async () => {
    await worker.evaluate(() => globalThis.fastForward(30_000));
    return stalled.isVisible();
  }, 'the stall message', 20_000);
  await page.context().unroute('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await loadData(page);
  await page.context().close();
});

test('Cancel pressed before the download has begun (the sizes still on their way) ends the load', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const hold = async (route) => { await held; await route.continue(); };
  await page.context().route('**/data/sizes.json', hold);
  const hang = () => {}; // were the download to start, it would hang
  await page.context().route('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await page.getByRole('button', { name: 'Load the data' }).click();
  await page.getByRole('button', { name: 'Cancel the download' }).click();
  await page.waitForTimeout(300); // the Cancel reaches the worker while it waits for the sizes
  release();
  await page.locator('[data-data-message]').filter({ hasText: /^The download was cancelled\. Nothing was loaded\./ }).waitFor({ timeout: 20_000 });
  await page.context().unroute('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await page.context().unroute('**/data/sizes.json', hold);
  await loadData(page);
  await page.context().close();
});

test('Load pressed while the page is still opening: the opening\'s late word on the data does not cover the cancelled load', async () => {
  const page = await env.newPage();
  // the page's own first look at the data (what is kept, the sizes) is held until the load below has been cancelled
  let asked, release;
  const firstAsked = new Promise((resolve) => { asked = resolve; });
  const held = new Promise((resolve) => { release = resolve; });
  let first = true;
  const holdFirst = async (route) => {
    if (!first) return route.continue();
    first = false;
    asked();
    await held;
    await route.continue();
  };
  await page.context().route('**/data/sizes.json', holdFirst);
  const hang = () => {};
  await page.context().route('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await openTrain(page, env.url);
  await firstAsked;
  await page.getByRole('button', { name: /^Load the data/ }).click();
  await page.getByRole('button', { name: 'Cancel the download' }).click();
  const dataMessage = page.locator('[data-data-message]');
  const cancelled = /^The download was cancelled\. Nothing was loaded\./;
  await dataMessage.filter({ hasText: cancelled }).waitFor({ timeout: 20_000 });
  release(); // the opening's answer now comes, after the load it knew nothing of
  await page.waitForTimeout(1500);
  assert.match(await dataMessage.textContent(), cancelled, 'the cancelled load\'s message stays');
  assert.equal(await page.locator('[data-load-data]').textContent(), 'Retry the download');
  await page.context().unroute('**/data/quick-train-images-idx3-ubyte.gz', hang);
  await loadData(page);
  await page.context().close();
});

test('settings: a conv count typed again keeps the filters typed, big numbers get the right words', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await page.getByRole('radio', { name: 'CNN (convolutional)' }).check();
  await page.getByLabel('Filters in conv layer 1').fill('12');
  const convs = page.getByLabel('Conv layers');
  await convs.fill('');
  await convs.pressSequentially('3');
  const filters = async () => Promise.all([1, 2, 3].map((i) => page.getByLabel(`Filters in conv layer ${i}`).inputValue()));
  assert.deepEqual(await filters(), ['12', '16', '32']);
  await convs.fill('1');
  await convs.fill('3');
  assert.deepEqual(await filters(), ['12', '16', '32'], 'what was typed comes back');
  const error = async (label) => {
    const field = page.getByLabel(label, { exact: true });
    const id = (await field.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
    return page.locator(`#${id}`).textContent();
  };
  await page.getByLabel('Learning rate').fill('1e309');
  assert.equal(await error('Learning rate'), 'The learning rate must be below 1e30');
  await page.getByLabel('Batch size').fill('1e20');
  assert.equal(await error('Batch size'), 'The batch size cannot be larger than the training set (10,000 images)');
  await page.getByLabel('Batch size').fill('5000');
  assert.equal(await error('Batch size'), 'The batch size can be at most 4,096 (the engine\'s limit)');
  await page.getByLabel('Batch size').fill('0');
  assert.equal(await error('Batch size'), 'The batch size must be from 1 to 4,096');
  await page.context().close();
});

test('model files: sizes and headers are checked before a file is read', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  const input = page.getByLabel('Load a model file');
  const error = page.locator('#tr-model-file-error');
  const huge = sparseFile('huge.clnn', 1024 ** 3);
  const big = sparseFile('video.mp4', 100 * 1024 ** 2);
  try {
    await input.setInputFiles(huge);
    await error.filter({ hasText: /^This file was refused: “convlab-\d+-huge\.clnn” is 1\.1 GB, larger than any convlab model can be \(67 MB\), so it was not read\.$/ })
      .waitFor();
    await input.setInputFiles(big);
    await error.filter({ hasText: /video\.mp4” is 105 MB, larger than any convlab model/ }).waitFor();
    // a file of a plausible size that is not a model: its first bytes say so
    await input.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.alloc(300_000, 7) });
    await error.filter({ hasText: /^This file was refused: not a convlab model file/ }).waitFor();
  } finally {
    fs.rmSync(huge);
    fs.rmSync(big);
  }
  assert.equal(await page.getByRole('button', { name: 'Save the model to a file' }).isDisabled(), true);
  await page.context().close();
});

test('a run record planted in storage is shown as text, never as markup', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  // the record layout the page has always read (the single 'last' record)
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('convlab-train', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('state');
    open.onsuccess = () => {
      const tx = open.result.transaction('state', 'readwrite');
      tx.objectStore('state').put({
        settings: {}, model: null, shuffled: false, test: null, savedAt: 0,
        runs: [{
          id: 1, name: '<img src=x onerror="window.pwned=1">run', colour: 'red"><img src=x onerror="window.pwned=2"><b x="',
          settings: {}, train: [{ x: 0.5, loss: 1, acc: 0.5 }], validation: [], test: null, epochs: 1, visible: true, how: 'done',
        }],
      }, 'last');
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    };
  }));
  await page.reload();
  await runRows(page).first().waitFor();
  assert.equal(await page.locator('[data-runs-table] img, [data-runs-table] b').count(), 0, 'no element made from the record');
  assert.match(await runRows(page).first().textContent(), /<img src=x onerror="window\.pwned=1">run/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.context().close();
});

test('a reload during a run asks first, then says the run was not kept and shows the kept model as it is', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  await trainOneEpoch(page);
  await modelKept(page);
  await page.getByRole('radio', { name: 'CNN (convolutional)' }).check();
  await page.getByLabel('Epochs', { exact: true }).fill('30');
  await start(page);
  // the run's own progress (the MLP's last "313 of 313" batches still showed until it came)
  await until(async () => / of 30$/.test(await page.locator('[data-stat="epoch"]').textContent()), 'the CNN run under way');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.accept(); });
  await page.reload();
  assert.deepEqual(dialogs, ['beforeunload']);
  await pageMessage(page).filter({ hasText: /^The run “CNN 8-16 relu · Adam[^”]*” was still training when the page was closed or reloaded: it was not kept\./ })
    .waitFor({ timeout: TIMEOUT });
  assert.match(await pageMessage(page).textContent(), /Showing your last finished model \(dense128-relu-dense10-softmax/);
  // what is shown is what is held: the MLP, with its own settings
  assert.equal(await page.getByLabel('Model spec').inputValue(), 'dense128-relu-dense10-softmax');
  assert.ok(await page.getByRole('radio', { name: 'MLP (fully connected)' }).isChecked());
  assert.equal(await page.getByLabel('Epochs', { exact: true }).inputValue(), '1');
  assert.match(await runRows(page).nth(1).textContent(), /\(not finished\)/);
  await screenshot(page, 'train-reload-mid-run');
  await page.context().close();
});

/**
 * A page whose one-epoch run of a network with a slow test pass (a second or
 * two after training) has just said "Finished": the test pass is under way.
 */
async function slowTestRunEnded() {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  await page.getByLabel('Model spec').fill('conv5x5x32-relu-maxpool2-dense10-softmax');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await start(page);
  await runMessage(page).filter({ hasText: /^Finished/ }).waitFor({ timeout: TIMEOUT });
  return page;
}

test('a reload the moment a run has ended finds its model kept, not a run still training', async () => {
  const page = await slowTestRunEnded();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.accept(); });
  await page.reload();
  await pageMessage(page).filter({ hasText: /Restored your last model \(conv5x5x32-relu-maxpool2-dense10-softmax/ }).waitFor({ timeout: TIMEOUT });
  assert.doesNotMatch(await pageMessage(page).textContent(), /still training/);
  assert.deepEqual(dialogs, [], 'an ended run does not ask before leaving');
  assert.doesNotMatch(await runRows(page).first().textContent(), /not finished/);
  await page.context().close();
});

test('Forget pressed as a run ends wins over the save of that run', async () => {
  // the model is kept as the run ends, then again with its test accuracy: that late save must not bring it back
  const page = await slowTestRunEnded();
  await page.getByRole('button', { name: 'Forget the saved model and curves' }).click();
  await testAccuracyShown(page);
  await page.waitForTimeout(500); // a save, had it been kept, would be written by now
  await page.reload();
  await page.locator('[data-data-message]').filter({ hasText: /^Using the Quick set/ }).waitFor({ timeout: TIMEOUT });
  assert.doesNotMatch(await pageMessage(page).textContent(), /Restored/);
  assert.equal(await page.getByLabel('Test accuracy').textContent(), '–');
  assert.equal(await runRows(page).count(), 0);
  await page.context().close();
});

test('Start double-clicked starts one run: the button waits from the press to the worker’s answer', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  const button = page.getByRole('button', { name: 'Start', exact: true });
  await button.dblclick();
  await runMessage(page).filter({ hasText: /^Finished/ }).waitFor({ timeout: TIMEOUT });
  assert.equal(await runRows(page).count(), 1, 'one run in the curves');
  // disabled in the press itself, before any answer can come back
  const disabledAtOnce = await button.evaluate((b) => { b.click(); return b.disabled; });
  assert.equal(disabledAtOnce, true);
  await finished(page);
  assert.match(await runMessage(page).textContent(), /^Finished/);
  assert.equal(await runRows(page).count(), 2);
  await page.context().close();
});

test('a run whose loss ends far above guessing is diverged, with a rate that fixes it and numbers for people', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  await page.getByLabel('Learning rate').fill('1e9');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await start(page);
  await finished(page);
  const message = await runMessage(page).textContent();
  assert.doesNotMatch(message, /^Finished/);
  assert.match(message, /^(Training diverged: the loss ended at [\d.]+ × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+, far above the 2\.30 that guessing gives|Training stopped: the loss became NaN).*try 0\.001/);
  const row = runRows(page).first();
  assert.match(await row.textContent(), /\(diverged\)/);
  const loss = await row.locator('td').nth(1).textContent();
  assert.doesNotMatch(loss, /e\+|\d{6}/, `a loss for people: ${loss}`);
  assert.ok(loss.length <= 14, loss);
  const advice = await page.locator('[data-advice-message]').textContent();
  assert.doesNotMatch(advice, /what guessing gives \(ln 10 = 2\.30\), and/, advice);
  assert.doesNotMatch(advice, /1e\+8/, advice);
  // far too small: the advice names what works, not a step of ten
  await page.getByLabel('Learning rate').fill('1e-7');
  await start(page);
  await finished(page);
  await page.locator('[data-advice-message]').filter({ hasText: /Try 0\.001, what usually works with Adam\.$/ }).waitFor();
  await page.context().close();
});

test('a huge custom network: its cost is said before Start, Start asks twice, and Stop acts at once', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  await page.getByLabel('Model spec').fill('conv5x5x64-relu-conv5x5x64-relu-conv5x5x64-relu-dense10-softmax');
  const cost = page.locator('[data-cost-message]');
  await cost.filter({ hasText: /million multiply-adds per image: one epoch of 10,000 images takes about \d+ (min|h)/ }).waitFor();
  assert.equal(await cost.getAttribute('data-kind'), 'warning');
  await start(page);
  await runMessage(page).filter({ hasText: /^This network would take about .* per epoch on this device\. Press Start again/ }).waitFor();
  assert.equal(await runRows(page).count(), 0, 'not started yet');
  await start(page);
  await runMessage(page).filter({ hasText: /^Training conv5x5x64/ }).waitFor();
  // Stop during the first pass over the held-out images (about 10 s of work for this network):
  // it acts between two chunks of that pass, not after it
  await page.waitForTimeout(500);
  await page.getByRole('button', { name: 'Stop' }).click();
  await runMessage(page).filter({ hasText: /^Stopped at epoch/ }).waitFor({ timeout: 5_000 });
  await page.context().close();
});

test('a network too big for the device’s memory: said before Start with its size, Start asks twice', async () => {
  const page = await env.newPage();
  // a 2 GB device (a Chromebook): a page should stay near half a gigabyte
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 2, configurable: true }));
  await openTrain(page, env.url);
  await loadData(page);
  const cost = page.locator('[data-cost-message]');
  await page.getByLabel('Model spec').fill('conv3x3x64-relu-conv3x3x64-relu-dense10-softmax');
  await cost.filter({ hasText: /multiply-adds per image/ }).waitFor();
  await page.getByLabel('Batch size').fill('1024');
  // 1,024 images of (26, 26, 64) and (24, 24, 64) outputs and their gradients: about 1.3 GB
  await cost.filter({ hasText: /Training it needs about 1\.\d GB of memory, more than this device can give a page \(about 537 MB\)/ }).waitFor();
  assert.equal(await cost.getAttribute('data-kind'), 'warning');
  await start(page);
  await runMessage(page).filter({ hasText: /^This network needs about 1\.\d GB of memory to train, more than this device can give a page \(about 537 MB\)\. Press Start again/ }).waitFor();
  assert.equal(await runRows(page).count(), 0, 'not started yet');
  // a batch of 32 needs a small part of it: no warning
  await page.getByLabel('Batch size').fill('32');
  await cost.filter({ hasText: /multiply-adds per image/ }).filter({ hasNotText: /memory/ }).waitFor();
  await page.context().close();
});

test('Pause and Resume at once, before the run has begun: one loop, every image trained once, the run ends as done', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await installTrainWorker(page);
  // The worker the page uses, driven directly: a Start, a Pause and a Resume one after the other,
  // before the loop of the Start has taken its first step.
  const out = await page.evaluate(async () => {
    const { worker: w, call, next } = globalThis.trainWorker();
    await call('init');
    const data = await call('loadData', { base: location.href, quick: true });
    const done = next('finished');
    // sent together, as a quick double press of Pause would send them after a Start
    const [started] = await Promise.all([
      call('start', { settings: { runId: 1, spec: 'dense16-relu-dense10-softmax', seed: 1, batch: 32, lr: 0.002, epochs: 1, l2: 0, loss: 'xent', optimizer: 'adam', momentum: 0.9, shufflePixels: false, lrDecay: 1, keepBest: false } }),
      call('pause'),
      call('resume'),
    ]);
    const ev = await done;
    w.terminate();
    return { data, nTrain: started.nTrain, how: ev.how, message: ev.message ?? '', examples: ev.examples, epochs: ev.epochSeconds.length };
  });
  assert.equal(out.how, 'done', out.message);
  assert.equal(out.epochs, 1);
  assert.equal(out.examples, out.nTrain, 'each training image once in the one epoch');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('One step pressed twice and Save at once: the steps run in turn and the file has the weights after both', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await installTrainWorker(page);
  // The page's worker, driven directly: two steps and a save sent together (a quick double press
  // of One step, then Save), against the same steps and save each awaited, from the same seed.
  const out = await page.evaluate(async () => {
    const settings = { runId: 1, spec: 'dense16-relu-dense10-softmax', seed: 3, batch: 32, lr: 0.01, epochs: 1, l2: 0, loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, lrDecay: 1, keepBest: false };
    const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    const fresh = async () => {
      const t = globalThis.trainWorker();
      await t.call('init');
      await t.call('loadData', { base: location.href, quick: true });
      return t;
    };
    const a = await fresh();
    const [s1, s2, raced] = await Promise.all([a.call('step', { settings }), a.call('step', { settings }), a.call('save')]);
    a.worker.terminate();
    const b = await fresh();
    const before = await b.call('step', { settings }).then(() => b.call('save'));
    const t1 = await b.call('step', { settings });
    const awaited = await b.call('save');
    b.worker.terminate();
    return { raced: hex(raced.bytes), awaited: hex(awaited.bytes), oneStep: hex(before.bytes), losses: [s1.loss, s2.loss, t1.loss], n: [s1.n, s2.n] };
  });
  assert.deepEqual(out.n, [32, 32], 'each step trained one batch');
  assert.notEqual(out.oneStep, out.awaited, 'the second step changed the weights');
  assert.equal(out.raced, out.awaited, 'the file saved after two quick steps has the weights after both');
  assert.equal(out.losses[1], out.losses[2], 'the second step trained the same batch from the same weights');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
