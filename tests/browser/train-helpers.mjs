// What the train page's browser tests share: opening the page, loading the
// data, training to the end, reading the run's numbers. Each takes the page.
import assert from 'node:assert/strict';

export const TIMEOUT = 90_000;
export const percent = (text) => Number(/([\d.]+)%/.exec(text)?.[1] ?? NaN);

/** Polls until check() is true (the page updates after worker round trips). */
export async function until(check, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function openTrain(page, url, hash = '') {
  await page.goto(`${url}train.html${hash}`);
  await page.locator('[data-engine-badge]').filter({ hasText: 'WebAssembly' }).waitFor();
}

export async function loadData(page) {
  const button = page.getByRole('button', { name: /^(Load the data|Retry the download)/ });
  await button.click();
  await page.getByRole('status').filter({ hasText: /^Using the Quick set/ }).waitFor({ timeout: TIMEOUT });
}

export const runMessage = (page) => page.locator('[data-run-message]');
/** The rows of the runs table that are runs (each has its show/hide checkbox). */
export const runRows = (page) => page.locator('[data-runs-table] tbody tr').filter({ has: page.getByRole('checkbox') });

/** Starts training and waits for the run's final message; returns it. */
export async function trainToEnd(page) {
  const before = await runRows(page).count();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await runRows(page).nth(before).waitFor();
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await testAccuracyShown(page);
  return runMessage(page).textContent();
}

export async function testAccuracyShown(page) {
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-test-accuracy]').textContent)
    && document.querySelectorAll('[data-gallery] li').length > 0, null, { timeout: TIMEOUT });
  return percent(await page.getByLabel('Test accuracy').textContent());
}

/**
 * Waits until the page has kept a model in the browser (its IndexedDB record
 * 'model'), and returns that model's spec: what a reload or a new visit finds.
 */
export async function modelKept(page) {
  await page.waitForFunction(() => new Promise((resolve) => {
    const open = indexedDB.open('convlab-train', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('state');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const req = open.result.transaction('state').objectStore('state').get('model');
      req.onsuccess = () => { resolve(req.result?.spec || false); open.result.close(); };
      req.onerror = () => resolve(false);
    };
  }), null, { timeout: TIMEOUT, polling: 100 });
}
