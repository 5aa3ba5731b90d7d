// The kernels page's path through the engine on a photo (issue 18): each
// edit goes bytes in, bytes out (the worker keeps no float planes of the
// whole image, and says so on Z's canvas, data-engine-path="bytes"), and the
// numbers the page shows are worked out when asked for: the value under the
// cursor at a far corner, after an edit; the colour scale's largest |value|
// and clipped share, which need the whole output. Each is checked against an
// independent computation written here (kernels-helpers.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser } from './helpers.mjs';
import {
  convAt, near, SOBEL_X, SOBEL_Y, idle, open, shown, pick, choose, inputPlanes, makePng, upload, testPicture,
} from './kernels-helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const H = 150, W = 230; // larger than a number matrix, small enough to check every value here

async function enginePath(page) {
  return page.locator('[data-output-canvas]').getAttribute('data-engine-path');
}

/** Every value of each plane's convolution, as the page's engine makes them. */
function allValues(planes, kernel, pad, stride) {
  const out = [];
  const oh = Math.floor((H - 3 + (pad === 'valid' ? 0 : 2)) / stride) + 1, ow = Math.floor((W - 3 + (pad === 'valid' ? 0 : 2)) / stride) + 1;
  for (const x of planes) for (let j1 = 0; j1 < oh; j1++) for (let j2 = 0; j2 < ow; j2++) out.push(convAt(x, H, W, kernel, 3, 3, pad, stride, j1, j2));
  return out;
}

/** The 95th percentile of |value| (nearest rank) and the share of values above it, in percent. */
function typical(values) {
  const abs = values.map(Math.abs).sort((a, b) => a - b);
  const p = abs[Math.ceil(0.95 * abs.length) - 1];
  return { p, share: (100 * abs.filter((v) => v > p).length) / abs.length, max: abs[abs.length - 1] };
}

test('a photo goes bytes in, bytes out; a far pixel’s sum and the colour scale are still exactly right after an edit', async () => {
  const page = await env.newPage();
  await open(env, page);
  const pic = testPicture(H, W);
  await upload(page, `photo-${H}x${W}.png`, 'image/png', await makePng(page, W, H, pic.rgba));
  await page.getByRole('radio', { name: /Colour, each channel on its own/ }).check();
  await idle(page);
  await choose(page, 'Preset', 'sobelX');
  await choose(page, 'Padding', 'zero');
  assert.equal(await enginePath(page), 'bytes', 'the worker filters the bytes, keeping no float planes');

  // an edit: the kernel is Sobel Gx with W[0, 0] = 0.5 (every value a multiple of 1/2: exact in float32)
  const cell = page.getByLabel('W[0, 0]', { exact: true });
  await cell.fill('0.5');
  await idle(page);
  const kernel = SOBEL_X.slice();
  kernel[0] = 0.5;
  assert.equal(await enginePath(page), 'bytes');
  for (const [j1, j2] of [[H - 1, W - 1], [H - 1, 0], [75, 229], [0, 0]]) {
    await pick(page, j1, j2);
    for (let c = 0; c < 3; c++) {
      const label = `Z_${'RGB'[c]}[${j1}, ${j2}]`;
      assert.equal(await shown(page, label), convAt(pic.planes[c], H, W, kernel, 3, 3, 'zero', 1, j1, j2), label);
    }
  }
  // To typical values: the scale needs every value of the output.
  await choose(page, 'Colour scale', 'typical');
  const t = typical(allValues(pic.planes, kernel, 'zero', 1));
  const legend = await page.locator('[data-legend]').textContent();
  const share = /([\d.]+)% of the values lie beyond it/.exec(legend);
  const largest = /the largest \|value\| is ([\d.]+)/.exec(legend);
  assert.ok(share && largest, legend);
  assert.equal(Number(share[1]), Number(t.share.toFixed(1)), `clipped share: ${legend}`);
  assert.equal(Number(largest[1]), t.max, `largest |value|: ${legend}`);
  assert.match(await page.locator('[data-scale-hint]').textContent(), new RegExp(`typical values, ±${t.p}; ${Number(t.share.toFixed(1))}% `));

  // To the largest |value|, after another edit (one more product): the legend's strongest colour is the new largest.
  await choose(page, 'Colour scale', 'max');
  await page.getByLabel('W[2, 2]', { exact: true }).fill('-3');
  await idle(page);
  kernel[8] = -3;
  const max = typical(allValues(pic.planes, kernel, 'zero', 1)).max;
  assert.match(await page.locator('[data-legend]').textContent(), new RegExp(`white is ${max}(?!\\d)`));
  await pick(page, H - 1, W - 2);
  assert.equal(await shown(page, `Z_B[${H - 1}, ${W - 2}]`), convAt(pic.planes[2], H, W, kernel, 3, 3, 'zero', 1, H - 1, W - 2));

  // Grayscale, the gradient magnitude (the engine's luma), reflect padding, stride 2: the far corner.
  await page.getByRole('radio', { name: /Grayscale/ }).check();
  await idle(page);
  await choose(page, 'Preset', 'magnitude');
  await choose(page, 'Padding', 'reflect');
  await choose(page, 'Stride s', '2');
  assert.equal(await enginePath(page), 'bytes');
  const gray = (await inputPlanes(page)).planes[0];
  const [j1, j2] = [(H - 1) >> 1, (W - 1) >> 1];
  await pick(page, j1, j2);
  const gx = convAt(gray, H, W, SOBEL_X, 3, 3, 'reflect', 2, j1, j2), gy = convAt(gray, H, W, SOBEL_Y, 3, 3, 'reflect', 2, j1, j2);
  near(await shown(page, `Z[${j1}, ${j2}]`), Math.hypot(gx, gy), `Z[${j1}, ${j2}]`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the layer mode on a photo goes bytes in, bytes out too', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=astronaut&mode=layer');
  assert.equal(await enginePath(page), 'bytes');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('morph (lib/dom.js) makes an element’s children exactly a fresh tree’s, keeping the nodes that stay', async () => {
  const page = await env.newPage();
  await open(env, page);
  const cases = await page.evaluate(async () => {
    const { h, morph } = await import('./lib/dom.js');
    const table = (cells, style) => h('table', { className: 'matrix' }, h('tbody', {}, ...cells.map((row) => h('tr', {}, ...row.map((v, i) => h('td', {
      className: i === 0 ? 'k-pad' : undefined, title: v === 0 ? 'zero' : undefined, style: style ? { background: style } : undefined,
    }, String(v)))))));
    const pairs = [
      [[table([[1, 2], [3, 4]])], [table([[1, 2], [3, 5]])]],                    // one number
      [[table([[0, 2]], 'rgb(1, 2, 3)')], [table([[7, 2]], 'rgb(4, 5, 6)')]],    // a title gone, a style (CSSOM) changed
      [[h('p', {}, 'a'), h('p', {}, 'b'), 'c'], [h('h3', {}, 'a'), 'b']],        // a tag changed, an element now text, one fewer
      [['x'], ['x', h('p', { dataset: { v: '1' } }, 'y'), h('output', { attrs: { 'aria-label': 'Z' } }, 'z')]], // more children
      [[h('div', { hidden: true }, 'n')], [h('div', {}, 'n')]],                  // a boolean attribute removed
    ];
    return pairs.map(([before, after]) => {
      const target = h('div', {}, ...before);
      const fresh = h('div', {}, ...after);
      const want = fresh.innerHTML;
      const first = target.querySelector('td');
      morph(target, fresh);
      return { got: target.innerHTML, want, firstKept: first ? target.contains(first) : null };
    });
  });
  for (const c of cases) assert.equal(c.got, c.want);
  assert.equal(cases[0].firstKept, true, 'a cell whose number stays is the same node');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an edit changes only the step-by-step’s numbers that change: its other cells stay the same nodes', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=grid5&pad=zero&px=1,2');
  await choose(page, 'Rows K1', '5');
  await choose(page, 'Columns K2', '5');
  await idle(page);
  const step = page.locator('[data-step]');
  const before = await step.textContent();
  const kept = await page.evaluate(() => {
    const cells = [...document.querySelectorAll('[data-step] td')];
    cells.forEach((td) => { td.seen = true; }); // a property of the node, not an attribute (those follow the fresh tree)
    return cells.length;
  });
  assert.ok(kept >= 3 * 25, `the 5 × 5 tables are shown (${kept} cells)`);
  const cell = page.getByLabel('W[2, 2]', { exact: true });
  const was = Number(await cell.inputValue());
  await cell.fill(String(was + 3));
  await page.waitForFunction((b) => document.querySelector('[data-step]').textContent !== b, before);
  await idle(page);
  const after = await page.evaluate(() => {
    const cells = [...document.querySelectorAll('[data-step] td')];
    return { cells: cells.length, same: cells.filter((td) => td.seen === true).length, text: document.querySelector('[data-step]').textContent };
  });
  assert.equal(after.cells, kept);
  // the kernel's centre weight and its product changed, the patch did not: every cell stays, two texts change
  assert.equal(after.same, kept, 'every cell is the node it was (only texts changed)');
  assert.match(after.text, new RegExp(`${was + 3}`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
