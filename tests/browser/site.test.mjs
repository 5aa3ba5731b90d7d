// What holds on every page of the site: when the SIMD engine cannot be loaded
// (missing, cut short, not a module) the page falls back to the scalar build
// beside it and says so, and only when both fail says the engine is not
// loaded; the pages' Content-Security-Policy is in force (and the reporter
// that fails every browser test on a violation works); an element with the
// `hidden` attribute is never shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useSiteAndBrowser, cspViolations, withoutRelaxedSimd, SITE } from './helpers.mjs';

const env = useSiteAndBrowser();

const SIMD = fs.readFileSync(path.join(SITE, 'convlab-simd.wasm'));

// Each page: where it is, what its badge says when it runs the scalar build, and what does the work.
const PAGES = [
  { file: '', badge: /Engine: WASM scalar/, work: async (page) => {
    assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  } },
  { file: 'pixels.html', badge: /Engine: WASM scalar/, work: async (page) => {
    await page.getByLabel('Shape', { exact: true }).filter({ hasText: '512' }).waitFor();
  } },
  { file: 'kernels.html', badge: /Engine: WASM scalar/, work: async (page) => {
    await page.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor();
  } },
  { file: 'train.html', badge: /Engine: WebAssembly \(scalar\)/, work: async (page) => {
    await page.locator('[data-param-total]').filter({ hasText: /\d/ }).waitFor();
  } },
];

const broken = {
  missing: (route) => route.fulfill({ status: 404, body: 'not found' }),
  'cut short': (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: SIMD.subarray(0, 4000) }),
  'not a module': (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from('<html>oops</html>') }),
};

for (const [how, handler] of Object.entries(broken)) {
  test(`a SIMD engine that is ${how}: every page runs the scalar build and says why`, async () => {
    for (const p of PAGES) {
      const page = await env.newPage();
      // a browser with SIMD but not relaxed SIMD (WebKit, older Chromium): its one fast build is the broken one
      await withoutRelaxedSimd(page.context());
      await page.context().route('**/convlab-simd.wasm', handler);
      await page.goto(env.url + p.file);
      const badge = page.locator('[data-engine-badge]');
      await badge.filter({ hasText: p.badge }).waitFor({ timeout: 15_000 });
      await page.getByText(/The fast \(SIMD\) engine could not be loaded/).first().waitFor({ timeout: 5000 })
        .catch(async (e) => { throw new Error(`${p.file || "index"}: ${await page.locator("body").innerText()}`, { cause: e }); });
      await p.work(page);
      await page.context().close();
    }
  });
}

test('when both builds fail, each page says the engine is not loaded, in words', async () => {
  for (const p of PAGES) {
    const page = await env.newPage();
    await page.context().route('**/convlab-*.wasm', broken.missing);
    await page.goto(env.url + p.file);
    await page.locator('[data-engine-badge]').filter({ hasText: 'Engine: not loaded' }).waitFor({ timeout: 15_000 });
    await page.getByText(/the SIMD build failed \(could not load convlab-simd\.wasm: HTTP 404\) and so did the scalar one/)
      .first().waitFor();
    await page.context().close();
  }
});

test('every page carries the Content-Security-Policy, and it is in force', async () => {
  const policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; "
    + "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
  for (const p of PAGES) {
    const page = await env.newPage();
    await page.goto(env.url + p.file);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(meta, policy, p.file);
    // an injected inline script and style do not apply, and the violations are reported
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
      const d = document.createElement('div');
      d.setAttribute('style', 'width: 123px');
      document.body.append(d);
      await new Promise((r) => setTimeout(r, 100));
      return { script: window.injected === true, style: d.getBoundingClientRect().width === 123 };
    });
    assert.deepEqual(ran, { script: false, style: false }, p.file);
    // each reported once per policy (the page's meta, and the server's header when it sends one)
    const found = cspViolations(page);
    assert.ok(found.some((v) => v.includes('script-src')) && found.some((v) => v.includes('style-src')), found.join('\n'));
    page.problems.length = 0; // expected here: not a failure of the page
    await page.context().close();
  }
});

test('an element marked hidden is not shown, on any page, before and after the page has worked', async () => {
  for (const p of PAGES) {
    const page = await env.newPage();
    await page.goto(env.url + p.file);
    await page.locator('[data-engine-badge]').filter({ hasText: /WASM|WebAssembly/ }).waitFor();
    await p.work(page);
    const shown = await page.evaluate(() => [...document.querySelectorAll('[hidden]')]
      .filter((el) => getComputedStyle(el).display !== 'none')
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(shown, [], p.file);
    await page.context().close();
  }
});
