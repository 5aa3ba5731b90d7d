// The kernels page, as a student uses it: time from a kernel edit (typing in a
// cell) to the new result on the canvas, on a 1050 x 700 colour image (the
// class's photo size), SIMD build. The page records each edit-to-pixels time
// in data-last-render-ms on the output canvas (and as a performance.measure
// 'kernels:edit-to-pixels'): from the input event to putImageData of the
// result, including the trip to the worker and back.
export const title = 'Kernels page: kernel edit to pixels, 1050 x 700 colour image (Chromium, SIMD)';

const W = 1050, H = 700;

async function idle(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0');
}

// A photo-like test image (gradients plus noise), encoded as PNG by the browser.
async function photoPng(page) {
  const b64 = await page.evaluate(async ({ W, H }) => {
    const c = new OffscreenCanvas(W, H);
    const g = c.getContext('2d');
    const img = g.createImageData(W, H);
    let s = 1;
    for (let i = 0; i < W * H; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = i % W, y = (i / W) | 0, noise = s >>> 28;
      img.data.set([(x * 255) / W + noise, (y * 255) / H + noise, (x + y) & 255, 255], 4 * i);
    }
    g.putImageData(img, 0, 0);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let str = '';
    for (let i = 0; i < bytes.length; i += 0x8000) str += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(str);
  }, { W, H });
  return Buffer.from(b64, 'base64');
}

export async function run({ siteUrl, newPage, quick, log }) {
  const page = await newPage();
  await page.goto(`${siteUrl}kernels.html`);
  await idle(page);
  await page.getByLabel('Your own image').setInputFiles({ name: 'photo-1050x700.png', mimeType: 'image/png', buffer: await photoPng(page) });
  await idle(page);
  const simd = await page.locator('[data-engine-badge]').textContent();
  if (!simd.includes('SIMD')) throw new Error(`the page runs ${simd}, not the SIMD build`);
  const runs = quick ? 5 : 21;
  const rows = [];
  const modes = [
    ['per channel (3 -> 3 planes)', /Colour, each channel on its own/],
    ['multi-channel sum (3 -> 1 plane)', /Multi-channel/],
    ['grayscale (1 -> 1 plane)', /Grayscale/],
  ];
  for (const [modeName, radio] of modes) {
    await page.getByRole('radio', { name: radio }).check();
    await idle(page);
    for (const k of [3, 7, 15]) {
      await page.getByLabel('Preset').selectOption('box');
      await idle(page);
      await page.getByLabel('Rows K1').selectOption(String(k));
      await idle(page);
      await page.getByLabel('Columns K2').selectOption(String(k));
      await idle(page);
      await page.getByLabel('Padding').selectOption('zero');
      await idle(page);
      const cell = page.getByLabel(modeName.startsWith('multi') ? 'W_R[0, 0]' : 'W[0, 0]', { exact: true });
      const times = [];
      for (let i = 0; i < runs + 3; i++) {
        const before = await page.locator('[data-output-canvas]').getAttribute('data-render-count');
        await cell.fill(`${i % 2 ? 2 : 1}/${k * k}`);
        await page.waitForFunction((b) => document.querySelector('[data-output-canvas]').dataset.renderCount !== b, before);
        await idle(page);
        const ms = Number(await page.locator('[data-output-canvas]').getAttribute('data-last-render-ms'));
        if (i >= 3) times.push(ms); // the first edits warm the JIT and grow buffers
      }
      times.sort((a, b) => a - b);
      const row = {
        name: `${k}x${k} ${modeName}`, unit: 'ms',
        median: times[times.length >> 1], min: times[0], max: times[times.length - 1], runs: times.length,
        note: k === 3 ? 'target < 16 ms' : undefined,
      };
      log(`${row.name}: median ${row.median.toFixed(1)} ms`);
      rows.push(row);
    }
  }
  await page.context().close();
  return rows;
}
