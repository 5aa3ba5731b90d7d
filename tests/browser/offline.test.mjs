// The classroom: the landing page says what this device can do; after the
// first visit the lab works with the network gone (its service worker); a new
// version of the site is picked up; nothing breaks where no service worker can run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useSiteAndBrowser, newPage, screenshot, SITE, ROOT } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { TIMEOUT, until, loadData, runMessage, testAccuracyShown } from './train-helpers.mjs';
import { siteFiles, versionOf, stamp } from '../../scripts/site-version.mjs';

const env = useSiteAndBrowser({ '/deep/sub/path/': SITE });

/** Waits until a service worker controls the page (the first visit installs it; a reload puts it in charge). */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) await page.reload();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
}

test('the landing page says what this device can do, with how long the presets train here', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  const list = page.locator('[data-device]');
  await page.locator('[data-device][data-measured]').waitFor({ timeout: 60_000 });
  const text = await list.innerText();
  assert.match(text, /Engine\s+WebAssembly SIMD/);
  assert.match(text, /Cores\s+\d+/);
  assert.match(text, /Storage\s+[\d.]+ (KB|MB|GB) free/);
  assert.match(text, /Offline use\s+yes/);
  assert.match(text, /The MLP preset: about (\d+ s|\d+ min \d+ s) per epoch on Quick \(10,000 images\), .* on all 55,000\./);
  assert.match(text, /The CNN preset: about .* per epoch on Quick/);
  await screenshot(page, 'landing-device');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('each page registers the service worker only once it has loaded (the worker fetches the whole site)', async () => {
  const page = await env.newPage();
  await page.addInitScript(() => {
    const seen = /** @type {any} */ (window).__seen = { load: null, register: null };
    addEventListener('load', () => { seen.load = performance.now(); }, { once: true });
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (...args) {
      seen.register ??= performance.now();
      return register.apply(this, args);
    };
  });
  for (const file of ['', 'pixels.html', 'kernels.html', 'train.html', 'lesson.html']) {
    await page.goto(env.url + file);
    await page.waitForFunction(() => /** @type {any} */ (window).__seen.register !== null);
    const seen = await page.evaluate(() => /** @type {any} */ (window).__seen);
    assert.ok(seen.load !== null && seen.register >= seen.load, `${file || 'index.html'}: registered at ${seen.register} ms, loaded at ${seen.load} ms`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('after the first visit every page works with the network gone', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await controlled(page);
  await page.context().setOffline(true);
  await page.reload();
  await page.getByLabel('Z[0, 0]').filter({ hasText: '2040' }).waitFor();
  await page.goto(`${env.url}pixels.html`);
  await page.locator('[data-engine-badge]').filter({ hasText: 'WASM SIMD' }).waitFor();
  await page.getByLabel('Shape', { exact: true }).filter({ hasText: '512' }).waitFor();
  await page.goto(`${env.url}kernels.html`);
  await page.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor();
  await page.goto(`${env.url}train.html`);
  await page.locator('[data-engine-badge]').filter({ hasText: 'WebAssembly SIMD' }).waitFor();
  await page.context().setOffline(false);
  await page.context().close();
});

test('under a sub-path the worker keeps that sub-path only', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}deep/sub/path/`);
  await controlled(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, `${env.url}deep/sub/path/`);
  await page.context().setOffline(true);
  await page.goto(`${env.url}deep/sub/path/kernels.html`);
  await page.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor();
  await page.context().setOffline(false);
  await page.context().close();
});

test('the worker answers the files it keeps and leaves every other request to the browser', async () => {
  // A request the worker answers and cannot serve fails inside it, and Firefox
  // then reports "a ServiceWorker intercepted the request and encountered an
  // unexpected error" on the page (seen when a page moved on while its image
  // was still loading). The worker keeps out of what it does not keep.
  const page = await env.newPage();
  await page.goto(env.url);
  await controlled(page);
  const through = async (file) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(file)),
      page.evaluate((f) => fetch(f).then((r) => r.status), file),
    ]);
    return { status: response.status(), fromWorker: response.fromServiceWorker() };
  };
  assert.deepEqual(await through('samples/astronaut.png'), { status: 200, fromWorker: true });
  assert.deepEqual(await through('kernels.html?x=1'), { status: 200, fromWorker: true });
  assert.deepEqual(await through('data/t10k-labels-idx1-ubyte.gz'), { status: 200, fromWorker: false });
  assert.deepEqual(await through('no-such-file.txt'), { status: 404, fromWorker: false });
  assert.deepEqual(page.problems.filter((p) => !/404/.test(p)), []);
  await page.context().close();
});

test('on a static host that sends no isolation headers the worker makes the pages cross-origin isolated, so training shares memory', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}train.html`);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false, 'the server sends no COOP/COEP headers');
  await controlled(page);
  await page.reload();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  // every page and its engine still work so (nothing the site loads is refused under COEP)
  for (const file of ['', 'pixels.html', 'kernels.html', 'lesson.html#step=images']) {
    await page.goto(`${env.url}${file}`);
    await page.locator('[data-engine-badge], [data-device]').first().waitFor();
    await page.waitForLoadState('networkidle'); // each page done before the next (no load cut short)
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, file);
  }
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  await page.frameLocator('iframe').getByLabel('Shape', { exact: true }).filter({ hasText: '300' }).waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a new version of the site is picked up: the page says so, and the old version’s cache goes', async () => {
  // a copy of the site whose server can be switched to a new version
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-version-'));
  fs.cpSync(SITE, dir, { recursive: true, filter: (src) => !(src.includes(`${path.sep}data${path.sep}`) && src.endsWith('.gz')) });
  const site = await startServer({ root: dir });
  const page = await newPage(env.browser);
  try {
    await page.goto(site.url);
    await controlled(page);
    const first = await page.evaluate(() => caches.keys());
    assert.equal(first.filter((k) => k.startsWith('convlab-site-')).length, 1);
    // the new version: a changed page, and sw.js stamped again as make dist does
    const index = path.join(dir, 'index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('A hands-on lab for convolutional neural networks', 'The lab, version two'));
    const files = siteFiles(dir);
    fs.writeFileSync(path.join(dir, 'sw.js'), stamp(fs.readFileSync(path.join(ROOT, 'web/sw.js'), 'utf8'), versionOf(dir, files), files));
    // the open page: its next check finds the new version and says so
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    const banner = page.locator('[data-update-message]');
    await banner.filter({ hasText: 'A new version of the lab is ready' }).waitFor();
    assert.match(await page.locator('h1').textContent(), /A hands-on lab/, 'the old version until the student chooses');
    await screenshot(page, 'landing-new-version');
    await banner.getByRole('button', { name: 'Reload with it' }).click();
    await page.locator('h1').filter({ hasText: 'The lab, version two' }).waitFor();
    await page.waitForFunction(async () => (await caches.keys()).filter((k) => k.startsWith('convlab-site-')).length === 1);
    const after = await page.evaluate(() => caches.keys());
    assert.notDeepEqual(after, first, 'the old version’s cache is deleted');
  } finally {
    await page.context().close();
    site.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('where no service worker can run, the lab works online and says why offline use is not here', async () => {
  const page = await env.newPage();
  await page.addInitScript(() => { delete Object.getPrototypeOf(navigator).serviceWorker; });
  await page.goto(env.url);
  await page.locator('[data-device][data-measured]').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('[data-device]').innerText(), /Offline use\s+not here: this browser \(or this private window\) does not allow it/);
  assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Quick downloads under 10 MB once; with the network gone the train page loads it from the browser and trains an epoch', async () => {
  const page = await env.newPage();
  /** @type {Map<string, number>} every data file that came over the network, and its bytes */
  const fetched = new Map();
  page.context().on('requestfinished', async (r) => {
    const m = /\/data\/([^/?#]+\.gz)$/.exec(r.url());
    if (m) fetched.set(m[1], Math.max(fetched.get(m[1]) ?? 0, (await r.sizes()).responseBodySize));
  });
  await page.goto(`${env.url}train.html`);
  await controlled(page);
  await loadData(page);
  await until(async () => fetched.size === 4, 'the four files of the Quick set counted');
  const names = [...fetched.keys()].sort();
  assert.deepEqual(names, ['quick-train-images-idx3-ubyte.gz', 'quick-train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'], 'the Quick set only: never the full training file');
  const bytes = [...fetched.values()].reduce((a, b) => a + b, 0);
  assert.ok(bytes > 5e6 && bytes < 10e6, `Quick came in ${bytes} bytes`);

  await page.context().setOffline(true);
  fetched.clear();
  await page.reload();
  await page.locator('[data-engine-badge]').filter({ hasText: 'WebAssembly SIMD' }).waitFor();
  await page.getByRole('status').filter({ hasText: /^Using the Quick set/ }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual([...fetched.keys()], [], 'nothing downloaded again');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await runMessage(page).filter({ hasText: /^Finished/ }).waitFor({ timeout: TIMEOUT });
  assert.ok(await testAccuracyShown(page) > 70);
  await page.context().setOffline(false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
