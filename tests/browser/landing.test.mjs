// The landing page in real Chromium: the engine loads with SIMD and computes
// the worked example; the same site works from a sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, screenshot, withoutSimd, SITE } from './helpers.mjs';

const env = useSiteAndBrowser({ '/a/deep/sub/path/': SITE }, { serviceWorker: false });

test('the landing page loads the engine with SIMD and shows the worked example', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  const status = page.getByRole('status', { name: 'The engine' });
  await status.filter({ hasText: 'Engine loaded' }).waitFor();
  // Chromium validates relaxed SIMD: the relaxed build (tests/browser/relaxed.test.mjs: the SIMD one where it does not)
  assert.equal(await status.textContent(), 'Engine loaded: WebAssembly SIMD (relaxed)');
  assert.equal(await status.getAttribute('data-simd'), 'true');
  assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  for (const name of ['Pixels', 'Kernels', 'Train'])
    assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `${name} link`);
  await screenshot(page, 'landing');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without SIMD the page says it runs the scalar build', async () => {
  const page = await env.newPage();
  // Pretend this browser cannot validate SIMD modules, as an old one would (the page and its engine's worker).
  await withoutSimd(page.context());
  await page.goto(env.url);
  const status = page.getByRole('status', { name: 'The engine' });
  await status.filter({ hasText: 'Engine loaded' }).waitFor();
  assert.equal(await status.textContent(), 'Engine loaded: WebAssembly (scalar)');
  assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the site works from a sub-path of the host (relative URLs only)', async () => {
  const page = await env.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${env.url}a/deep/sub/path/`);
  await page.getByRole('status', { name: 'The engine' }).filter({ hasText: 'Engine loaded' }).waitFor();
  assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  const outside = requested.filter((u) => !u.startsWith(`${env.url}a/deep/sub/path/`));
  assert.deepEqual(outside, [], 'every request stays under the sub-path');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
