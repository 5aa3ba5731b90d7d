// axe-core on every page at a phone, a tablet, a laptop and a projector size:
// zero violations, in the state a student first sees and after the page has worked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, axeViolations, SIZES } from './helpers.mjs';

const env = useSiteAndBrowser();

const PAGES = [
  { file: '', ready: (page) => page.locator('[data-device][data-measured]').waitFor({ timeout: 60_000 }) },
  { file: 'pixels.html', ready: (page) => page.getByLabel('Shape', { exact: true }).filter({ hasText: '512' }).waitFor() },
  { file: 'kernels.html', ready: (page) => page.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor() },
  { file: 'train.html', ready: (page) => page.locator('[data-param-total]').filter({ hasText: /\d/ }).waitFor() },
];

for (const [size, options] of Object.entries(SIZES)) {
  test(`no accessibility violations on any page at ${size} size`, async () => {
    const found = [];
    for (const p of PAGES) {
      const page = await env.newPage(options);
      await page.goto(env.url + p.file);
      await p.ready(page);
      for (const v of await axeViolations(page)) found.push(`${p.file || 'index.html'}: ${v}`);
      await page.context().close();
    }
    assert.deepEqual(found, []);
  });
}
