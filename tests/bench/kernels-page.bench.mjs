// The kernels page, as a student uses it: time from a kernel edit (typing in a
// cell) to the new result on the canvas, on a 1050 x 700 colour image (the
// class's photo size), SIMD build. The page records each edit-to-pixels time
// in data-last-render-ms on the output canvas (and as a performance.measure
// 'kernels:edit-to-pixels'): from the input event to putImageData of the
// result, including the trip to the worker and back; and the worker's own
// part (data-engine-ms: the image's bytes in, the picture's bytes out, the
// largest |value| and the colour scale; targets: 3 ms for 3x3, 25 ms for 15x15).
// The minimum is given too: on a shared machine it is the least disturbed run.
// A large kernel is split over the cores (web/kernels/team.js): each row says
// how many workers computed it. The helpers trade the bands through shared
// memory when the page is cross-origin isolated. Both are measured in one
// run: the page as a plain host serves it (a school's plain-http server:
// bands through messages), then reloaded under the lab's service worker,
// which isolates it (`make serve`, a host over https from a student's second
// visit: shared memory). KERNELS_ISOLATED=0 or 1 measures only one of them.
import { rgbPngOf } from '../lib/png.mjs';

const ONLY = process.env.KERNELS_ISOLATED;
export const title = 'Kernels page: kernel edit to pixels, 1050 x 700 colour image (Chromium, SIMD)';

const W = 1050, H = 700;

/**
 * Waits in the page until attribute data-<name> of the element `selector`
 * is `is` (or is no longer `not`), seen at each change of it: no polling
 * (waitForFunction's polls run every animation frame, work the page's main
 * thread and compositor would do beside the edit being timed).
 */
async function attribute(page, selector, name, { is, not }) {
  await page.evaluate(([selector, name, is, not]) => new Promise((resolve) => {
    const el = document.querySelector(selector);
    const done = () => (is !== null ? el.dataset[name] === is : el.dataset[name] !== not);
    if (done()) { resolve(); return; }
    const seen = new MutationObserver(() => { if (done()) { seen.disconnect(); resolve(); } });
    seen.observe(el, { attributes: true });
  }), [selector, name, is ?? null, not ?? null]);
}

async function idle(page) {
  await attribute(page, 'body', 'busy', { is: '0' });
}

// A photo-like test image (gradients plus noise), as a PNG.
function photoPng() {
  let s = 1;
  return rgbPngOf(W, H, (x, y) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = s >>> 28;
    return [(x * 255) / W + noise, (y * 255) / H + noise, (x + y) & 255];
  });
}

export async function run({ siteUrl, newPage, quick, log }) {
  const rows = [];
  for (const isolated of [false, true]) {
    if (ONLY === undefined || ONLY === (isolated ? '1' : '0')) rows.push(...await edits({ siteUrl, newPage, quick, log, isolated }));
  }
  return rows;
}

/** The edits' rows on the page, cross-origin isolated or not (their names say which when it is). */
async function edits({ siteUrl, newPage, quick, log, isolated: want }) {
  const page = await newPage();
  await page.goto(`${siteUrl}kernels.html`);
  await idle(page);
  if (want) {
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await idle(page);
  }
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  if (isolated !== want) throw new Error(`the page is ${isolated ? '' : 'not '}cross-origin isolated`);
  log(`cross-origin isolated: ${isolated} (a split kernel's bands through ${isolated ? 'shared memory' : 'messages'})`);
  await page.getByLabel('Your own image').setInputFiles({ name: 'photo-1050x700.png', mimeType: 'image/png', buffer: photoPng() });
  await idle(page);
  const simd = await page.locator('[data-engine-badge]').textContent();
  if (!simd.includes('SIMD')) throw new Error(`the page runs ${simd}, not the SIMD build`);
  const runs = quick ? 5 : 21;
  const rows = [];
  const modes = {
    'per channel (3 -> 3 planes)': /Colour, each channel on its own/,
    'multi-channel sum (3 -> 1 plane)': /Multi-channel/,
    'grayscale (1 -> 1 plane)': /Grayscale/,
  };
  // Blur (box) kernels of each size in each mode, then Sobel Gx, whose signed
  // result is drawn with the diverging colour map (one plane) or |value| (three).
  const cases = [];
  for (const mode of Object.keys(modes)) for (const k of [3, 7, 15]) cases.push({ mode, k, preset: 'box' });
  for (const mode of Object.keys(modes)) cases.push({ mode, k: 3, preset: 'sobelX' });
  let mode = null;
  for (const c of cases) {
    if (c.mode !== mode) {
      await page.getByRole('radio', { name: modes[c.mode] }).check();
      await idle(page);
      mode = c.mode;
    }
    await page.getByLabel('Preset').selectOption(c.preset);
    await idle(page);
    for (const side of ['Rows K1', 'Columns K2']) {
      await page.getByLabel(side).selectOption(String(c.k));
      await idle(page);
    }
    await page.getByLabel('Padding').selectOption('zero');
    await idle(page);
    const cell = page.getByLabel(c.mode.startsWith('multi') ? 'W_R[0, 0]' : 'W[0, 0]', { exact: true });
    // Edits that keep a blur's weights summing to at most 1, so it stays clamped as a photo is.
    const values = c.preset === 'box' ? ['0', `1/${c.k * c.k}`] : ['2', '1'];
    const times = [], engine = [], workers = new Set();
    for (let i = 0; i < runs + 3; i++) {
      const before = await page.locator('[data-output-canvas]').getAttribute('data-render-count');
      // the cell's text selected, then the new text as one input event (as a paste): fill()'s own
      // checks would run in the page's main thread beside the edit being timed
      await cell.evaluate((input) => { input.focus(); input.select(); });
      await page.keyboard.insertText(values[i % 2]);
      await attribute(page, '[data-output-canvas]', 'renderCount', { not: before });
      await idle(page);
      const d = await page.locator('[data-output-canvas]').evaluate((el) => ({ ...el.dataset }));
      if (i >= 3) { // the first edits warm the JIT and grow buffers
        times.push(Number(d.lastRenderMs));
        engine.push(Number(d.engineMs));
        workers.add(d.engineWorkers);
      }
    }
    times.sort((a, b) => a - b);
    engine.sort((a, b) => a - b);
    const display = (await page.locator('[data-display-hint]').textContent()).replace(/^Now: |\.$/g, '');
    const name = `${c.k}x${c.k} ${c.preset === 'box' ? 'blur' : 'Sobel Gx'}, ${c.mode}${isolated ? ', page isolated' : ''}`;
    const row = {
      name, unit: 'ms',
      median: times[times.length >> 1], min: times[0], max: times[times.length - 1], runs: times.length,
      note: `in the worker ${engine[engine.length >> 1].toFixed(1)} ms of it (min ${engine[0].toFixed(1)}); shown as ${display}; `
        + `workers ${[...workers].sort().join(', ')}`,
    };
    log(`${row.name}: median ${row.median.toFixed(1)} ms (${row.note})`);
    rows.push(row);
  }
  await page.context().close();
  return rows;
}
