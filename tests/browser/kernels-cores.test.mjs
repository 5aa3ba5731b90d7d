// The kernels page on a large kernel splits the work over the device's cores
// (web/kernels/team.js: the page's worker and a helper per extra core): the
// picture and every number the page shows are the same, pixel for pixel, as
// when the worker computes alone; and where the helpers cannot start (here
// the page's worker has no Worker to start them with), the worker computes
// alone and the page works as before. data-engine-workers on Z's canvas says
// how many computed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, SITE } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { idle, open, choose, upload } from './kernels-helpers.mjs';
import { rgbPngOf } from '../lib/png.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const W = 1000, H = 640; // large enough that a 15 x 15 kernel is split, even with stride 2

/** A photo-like picture (gradients and noise) as a PNG. */
function photoPng() {
  let s = 7;
  return rgbPngOf(W, H, (x, y) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = s >>> 26;
    return [(x * 200) / W + noise, (y * 200) / H + noise, ((x ^ y) & 127) + noise];
  });
}

const canvas = (page) => page.locator('[data-output-canvas]');

/** What the page shows of Z: its pixels (a hash of every byte, and a few), size, colour legend, and how many workers made it. */
async function seen(page) {
  const pixels = await canvas(page).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let hash = 2166136261;
    for (let i = 0; i < d.length; i++) hash = Math.imul(hash ^ d[i], 16777619) >>> 0;
    const at = (j1, j2) => Array.from(d.slice(4 * (j1 * c.width + j2), 4 * (j1 * c.width + j2) + 4));
    const mid = c.height >> 1;
    return { width: c.width, height: c.height, hash, samples: [at(0, 0), at(mid - 1, 5), at(mid, 5), at(c.height - 1, c.width - 1)] };
  });
  return {
    pixels,
    legend: await page.locator('[data-legend]').textContent(),
    caption: await page.locator('[data-output-figure] figcaption').first().textContent(),
    workers: Number(await canvas(page).getAttribute('data-engine-workers')),
  };
}

/** Types `value` into the kernel cell `cell` and waits for the new picture. */
async function edit(page, cell, value) {
  const before = await canvas(page).getAttribute('data-render-count');
  await page.getByLabel(cell, { exact: true }).fill(value);
  await page.waitForFunction((b) => document.querySelector('[data-output-canvas]').dataset.renderCount !== b, before);
  await idle(page);
}

// Each setting, then its last edit: a blur (clamped), a signed kernel shown as |value| on three planes,
// the multi-channel sum with reflect padding and stride 2 (diverging colours, one plane), an edge padding.
const SETTINGS = [
  { mode: /Colour, each channel on its own/, pad: 'zero', stride: '1', cell: 'W[0, 0]', value: '0' },
  { mode: /Colour, each channel on its own/, pad: 'zero', stride: '1', cell: 'W[7, 7]', value: '-3' },
  { mode: /Multi-channel/, pad: 'reflect', stride: '2', cell: 'W_R[0, 0]', value: '-2' },
  { mode: /Multi-channel/, pad: 'edge', stride: '1', cell: 'W_G[14, 3]', value: '0.5' },
];

/** The page, on the photo, through every setting: what it shows after each. */
async function walk(page, { team, url = null }) {
  if (url) {
    // a cross-origin isolated site: the bands through shared memory, taken in turn (team.js QUEUE_BANDS)
    await open({ url }, page);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  } else {
    await open(env, page);
  }
  if (!team) {
    const worker = page.workers().find((w) => w.url().endsWith('/kernels/worker.js'));
    assert.ok(worker, 'the page\'s worker runs');
    await worker.evaluate(() => { /** @type {any} */ (self).Worker = undefined; });
  }
  await upload(page, `photo-${W}x${H}.png`, 'image/png', photoPng());
  const shown = [];
  for (const s of SETTINGS) {
    await page.getByRole('radio', { name: s.mode }).check();
    await idle(page);
    await choose(page, 'Preset', 'box');
    await choose(page, 'Rows K1', '15');
    await choose(page, 'Columns K2', '15');
    await choose(page, 'Padding', s.pad);
    await choose(page, 'Stride s', s.stride);
    // the helpers start with the first large kernel: edit until they take part (a few edits at most)
    for (let i = 0; team && i < 40 && Number(await canvas(page).getAttribute('data-engine-workers')) < 2; i++) {
      await edit(page, s.cell, String(i % 2));
    }
    await edit(page, s.cell, '1');
    await edit(page, s.cell, s.value);
    shown.push(await seen(page));
  }
  return shown;
}

test('a large kernel split over the cores shows the same picture and numbers as one worker alone, which is where it falls back', async () => {
  const split = await walk(await env.newPage(), { team: true });
  for (const s of split) assert.ok(s.workers >= 2, `the work is split (${s.workers} workers)`);

  // a browser whose workers cannot start workers: the page's worker computes alone
  const page = await env.newPage();
  const alone = await walk(page, { team: false });
  for (const s of alone) assert.equal(s.workers, 1, 'one worker');

  // the same through shared memory, on a cross-origin isolated site
  const isolated = await startServer({ root: SITE, isolate: true });
  let shared;
  try {
    shared = await walk(await env.newPage(), { team: true, url: isolated.url });
  } finally {
    isolated.server.close();
  }
  for (const s of shared) assert.ok(s.workers >= 2, `the work is split through shared memory (${s.workers} workers)`);

  for (let i = 0; i < SETTINGS.length; i++) {
    assert.deepEqual(split[i].pixels, alone[i].pixels, `setting ${i}: the same pixels`);
    assert.deepEqual(shared[i].pixels, alone[i].pixels, `setting ${i}: the same pixels through shared memory`);
    assert.equal(shared[i].legend, alone[i].legend, `setting ${i}: the same colour scale through shared memory`);
    assert.equal(split[i].legend, alone[i].legend, `setting ${i}: the same colour scale`);
    assert.equal(split[i].caption, alone[i].caption, `setting ${i}: the same shape`);
  }
  // the settings do differ (the comparison could fail)
  assert.equal(new Set(split.map((s) => s.pixels.hash)).size, SETTINGS.length);
  assert.match(split[1].legend, /\|value\| scaled/);
  assert.match(split[2].legend, /Diverging/);
  assert.equal(split[2].pixels.width, W / 2);
  assert.deepEqual(page.problems, [], 'the page works without helpers');
});

// An edit's picture is a few megabytes: a fresh array of that size is paid page by page as it is
// written (on a virtual machine, 10 ms for a 1050 x 700 picture), so once the page is warm the
// worker makes none: it maps the values again into the buffer the team's bytes came in, and
// otherwise takes the one the page sends back after drawing. Counted in the worker itself: every
// typed array of at least 1 MB it allocates (a view of a buffer it already has is not counted).
test('once warm, an edit makes no new picture-sized array in the page\'s worker, whether split or not, mapped again or not', async () => {
  const page = await env.newPage();
  await open(env, page);
  await upload(page, `photo-${W}x${H}.png`, 'image/png', photoPng());
  const worker = page.workers().find((w) => w.url().endsWith('/kernels/worker.js'));
  assert.ok(worker, 'the page\'s worker runs');
  const CASES = [
    // the sum of the channels' blurs goes above 255: "auto" maps the values to their largest
    { mode: /Multi-channel/, preset: 'box', k: '9', cell: 'W_R[0, 0]', values: ['1', '2'], workers: 2, legend: /\|value\| scaled/ },
    // a blur shown clamped, split
    { mode: /Colour, each channel on its own/, preset: 'box', k: '15', cell: 'W[0, 0]', values: ['0', '1/225'], workers: 2, legend: /clamped/i },
    // an edge kernel scaled to typical values, one worker
    { mode: /Colour, each channel on its own/, preset: 'sobelX', k: '3', cell: 'W[0, 0]', values: ['2', '1'], workers: 1, legend: /typical/i },
  ];
  for (const c of CASES) {
    await page.getByRole('radio', { name: c.mode }).check();
    await idle(page);
    await choose(page, 'Preset', c.preset);
    await choose(page, 'Rows K1', c.k);
    await choose(page, 'Columns K2', c.k);
    for (let i = 0; i < 40 && (i < 4 || Number(await canvas(page).getAttribute('data-engine-workers')) < c.workers); i++) {
      await edit(page, c.cell, c.values[i % 2]);
    }
    await worker.evaluate(() => {
      const g = /** @type {any} */ (self);
      g.madeArrays = 0;
      for (const name of ['Uint8ClampedArray', 'Uint8Array', 'Float32Array']) {
        const Base = g[`original${name}`] ??= g[name];
        g[name] = class extends Base {
          constructor(...args) {
            super(...args);
            if (typeof args[0] === 'number' && this.byteLength >= 1 << 20) g.madeArrays++;
          }
        };
      }
    });
    for (let i = 0; i < 4; i++) await edit(page, c.cell, c.values[i % 2]);
    const made = await worker.evaluate(() => /** @type {any} */ (self).madeArrays);
    assert.equal(Number(await canvas(page).getAttribute('data-engine-workers')), c.workers, `${c.preset} ${c.k}: workers`);
    assert.match(await page.locator('[data-legend]').textContent(), c.legend);
    assert.equal(made, 0, `${c.preset} ${c.k}x${c.k}, ${c.mode}: ${made} picture-sized arrays made in 4 edits`);
  }
  assert.deepEqual(page.problems, []);
});
