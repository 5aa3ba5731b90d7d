// The kernels page in real Chromium, driven through labels and roles. Every
// number the page shows is checked against an independent convolution written
// in kernels-helpers.mjs (the class’s formula, a naive loop) or against values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { useSiteAndBrowser, newPage, screenshot } from './helpers.mjs';
import { convAt, SOBEL_X, SOBEL_Y, idle, open as openPage, shown, pick, choose, makePng, upload, inputPlanes } from './kernels-helpers.mjs';
import { rgbPngOf } from '../lib/png.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

// ---- driving the page ----

const open = (page, hash = '') => openPage(env, page, hash);

async function renderCount(page) {
  return Number(await page.locator('[data-output-canvas]').getAttribute('data-render-count'));
}

// A 7 x 9 colour test picture with no luma value near a rounding tie, so
// round(0.299 R + 0.587 G + 0.114 B) is the same in float32 and in double.
function testPicture(h = 7, w = 9) {
  const rgba = new Uint8ClampedArray(4 * h * w);
  let seed = 12345;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed >>> 8; };
  for (let i = 0; i < h * w; i++) {
    let r, g, b, y;
    do {
      r = next() % 256; g = next() % 256; b = next() % 256;
      y = 0.299 * r + 0.587 * g + 0.114 * b;
    } while (Math.abs((y % 1) - 0.5) < 0.02);
    rgba.set([r, g, b, 255], 4 * i);
  }
  const plane = (c) => Array.from({ length: h * w }, (_, i) => rgba[4 * i + c]);
  const gray = Array.from({ length: h * w }, (_, i) => Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]));
  return { h, w, rgba, planes: [plane(0), plane(1), plane(2)], gray };
}

// ---- tests ----

test('the first view is the class’s worked example, computed step by step (2040)', async () => {
  const page = await env.newPage();
  await open(page);
  assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'dot');
  assert.equal(await shown(page, 'Z[0, 0]'), 2040);
  const step = page.locator('[data-step]');
  // the sum of the products, written out: 0·255 + 1·255 + 2·255 + 2·255 + 2·0 + ...
  assert.match(await step.textContent(), /Σ = 0 \+ 255 \+ 510 \+ 510 \+ 0 \+ 0 \+ 0 \+ 255 \+ 510 = 2040/);
  assert.equal(await page.getByLabel('W[0, 2]', { exact: true }).inputValue(), '2');
  // ... and in one line under the result, in view from the start
  assert.match(await page.locator('[data-pick-summary]').textContent(),
    /Z\[0, 0\] = 0·255 \+ 1·255 \+ 2·255 \+ 2·255 \+ 2·0 \+ 0·255 \+ 0·255 \+ 1·255 \+ 2·255 = 2040/);
  const formula = await page.locator('[data-shape-formula]').textContent();
  assert.match(formula, /\(3 − 3 \+ 0\) \/ 1 \+ 1 = 1/);
  assert.match(formula, /Z has shape \(1, 1\)/);
  assert.equal(await page.locator('[data-engine-badge]').textContent(), 'Engine: WASM SIMD');
  // Every control has a name a screen reader can say (a <label>, or an aria-label on kernel cells).
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main button')]
    .filter((el) => !el.closest('[hidden]') && !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
    .map((el) => el.outerHTML));
  assert.deepEqual(unnamed, []);
  // Arrow keys move between kernel cells.
  await page.getByLabel('W[0, 1]', { exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'W[1, 1]');
  await screenshot(page, 'kernels-worked-example');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the 5 × 5 example gives the hand-computed 3 × 3 output; arrows and buttons move the pixel', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'grid5');
  // Worked by hand: X = [[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]]
  // with W = [[0,1,2],[2,2,0],[0,1,2]], no padding.
  const want = [[12, 12, 17], [10, 17, 19], [9, 6, 14]];
  for (let j1 = 0; j1 < 3; j1++) {
    for (let j2 = 0; j2 < 3; j2++) {
      await pick(page, j1, j2);
      assert.equal(await shown(page, `Z[${j1}, ${j2}]`), want[j1][j2], `Z[${j1}, ${j2}]`);
    }
  }
  assert.match(await page.locator('[data-shape-formula]').textContent(), /\(5 − 3 \+ 0\) \/ 1 \+ 1 = 3/);
  // Keyboard on the output image: from (2, 2) up, then left twice.
  const z = page.getByRole('img', { name: /Output Z/ });
  await z.focus();
  await z.press('ArrowUp');
  await idle(page);
  assert.equal(await shown(page, 'Z[1, 2]'), 19);
  await z.press('ArrowLeft');
  await z.press('ArrowLeft');
  await idle(page);
  assert.equal(await shown(page, 'Z[1, 0]'), 10);
  await page.getByRole('button', { name: 'Next pixel' }).click();
  await idle(page);
  assert.equal(await shown(page, 'Z[1, 1]'), 17);
  // A click on X[3, 3] (cell 3 of 5 across and down) picks the output whose patch is centred there: Z[2, 2].
  const x = page.getByRole('img', { name: /Input image X/ });
  const box = await x.boundingBox();
  await x.click({ position: { x: box.width * 3.5 / 5, y: box.height * 3.5 / 5 } });
  await idle(page);
  assert.equal(await shown(page, 'Z[2, 2]'), 14);
  await pick(page, 1, 1);
  // The scan moves on by itself, and stops when asked.
  await page.getByRole('button', { name: 'Play the scan' }).click();
  await page.getByLabel('Result Z[1, 2]', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Pause the scan' }).click();
  assert.equal(await page.getByRole('button', { name: 'Play the scan' }).getAttribute('aria-pressed'), 'false');
  await screenshot(page, 'kernels-5x5');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a sample photo with Sobel Gx: patch, sum and pixel colour match an independent convolution', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'camera');
  await choose(page, 'Preset', 'sobelX');
  await choose(page, 'Padding', 'zero');
  assert.equal(await page.getByLabel('W[1, 2]', { exact: true }).inputValue(), '-2');
  // The input as the page draws it (camera.png is gray: 1 channel, 512 x 512).
  const x = await inputPlanes(page).then(({ w, h, planes }) => ({ w, h, r: planes[0] }));
  assert.deepEqual([x.h, x.w], [512, 512]);
  const legend = await page.locator('[data-legend]').textContent();
  const maxAbs = Number(/strongest colour is ±([\d.]+)/.exec(legend)[1]);
  for (const [j1, j2] of [[100, 37], [0, 0], [511, 300], [256, 511]]) {
    await pick(page, j1, j2);
    const want = convAt(x.r, x.h, x.w, SOBEL_X, 3, 3, 'zero', 1, j1, j2);
    assert.equal(await shown(page, `Z[${j1}, ${j2}]`), want, `Z[${j1}, ${j2}]`);
    // The output pixel shows the diverging colour of want / maxAbs.
    const px = await page.evaluate(([a, b]) => Array.from(
      document.querySelector('[data-output-canvas]').getContext('2d').getImageData(b, a, 1, 1).data), [j1, j2]);
    const end = want < 0 ? [33, 102, 172] : [178, 24, 43];
    const t = Math.min(1, Math.abs(want) / maxAbs);
    const colour = [247, 247, 247].map((v, i) => v + (end[i] - v) * t);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(px[i] - colour[i]) <= 1, `colour of (${j1}, ${j2}): ${px} vs ${colour}`);
  }
  // (0, 0) touches the zero padding: the hatched cells are marked as padding.
  await pick(page, 0, 0);
  const padCells = page.locator('[data-step] td.k-pad');
  assert.equal(await padCells.count(), 2 * 5, '5 padded cells in the patch and 5 in the products');
  assert.match(await padCells.first().textContent(), /padding/);
  await screenshot(page, 'kernels-sobel-camera');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an uploaded PNG: grayscale, per-channel and multi-channel results match a naive convolution', async () => {
  const page = await env.newPage();
  await open(page);
  const pic = testPicture();
  await upload(page, 'test-7x9.png', 'image/png', await makePng(page, pic.w, pic.h, pic.rgba));
  assert.match(await page.getByLabel('Image', { exact: true }).locator('option:checked').textContent(), /test-7x9\.png/);
  await choose(page, 'Preset', 'sobelX');
  await choose(page, 'Padding', 'zero');
  const spots = [[0, 0], [3, 4], [6, 8], [2, 7]];
  // Grayscale: the luma plane, round(0.299 R + 0.587 G + 0.114 B).
  for (const [j1, j2] of spots) {
    await pick(page, j1, j2);
    assert.equal(await shown(page, `Z[${j1}, ${j2}]`), convAt(pic.gray, pic.h, pic.w, SOBEL_X, 3, 3, 'zero', 1, j1, j2));
  }
  // Each colour channel on its own, with reflect padding and stride 2.
  await page.getByRole('radio', { name: /Colour, each channel on its own/ }).check();
  await idle(page);
  await choose(page, 'Padding', 'reflect');
  await choose(page, 'Stride s', '2');
  assert.match(await page.locator('[data-shape-formula]').textContent(), /⌊\(7 − 3 \+ 2\) \/ 2⌋ \+ 1 = 4/);
  for (const [j1, j2] of [[0, 0], [3, 4], [1, 2]]) {
    await pick(page, j1, j2);
    for (let c = 0; c < 3; c++) {
      const label = `Z_${'RGB'[c]}[${j1}, ${j2}]`;
      assert.equal(await shown(page, label), convAt(pic.planes[c], pic.h, pic.w, SOBEL_X, 3, 3, 'reflect', 2, j1, j2), label);
    }
  }
  // The class's multi-channel convolution: a kernel per channel, summed, + bias.
  await choose(page, 'Stride s', '1');
  await choose(page, 'Padding', 'edge');
  await page.getByRole('radio', { name: /Multi-channel/ }).check();
  await idle(page);
  const kernels = [SOBEL_X.slice(), SOBEL_X.slice(), SOBEL_X.slice()];
  for (let i = 0; i < 9; i++) {
    kernels[1][i] = SOBEL_Y[i];
    await page.getByLabel(`W_G[${Math.floor(i / 3)}, ${i % 3}]`, { exact: true }).fill(String(SOBEL_Y[i]));
  }
  await page.getByLabel('W_B[1, 1]', { exact: true }).fill('1/2');
  kernels[2][4] = 0.5;
  await page.getByLabel(/^Bias b/).fill('-3');
  await idle(page);
  for (const [j1, j2] of spots) {
    await pick(page, j1, j2);
    const want = [0, 1, 2].reduce((s, c) => s + convAt(pic.planes[c], pic.h, pic.w, kernels[c], 3, 3, 'edge', 1, j1, j2), 0) - 3;
    assert.ok(Math.abs(await shown(page, `Z[${j1}, ${j2}]`) - want) < 1e-3, `Z[${j1}, ${j2}] = ${want}`);
  }
  assert.match(await page.locator('[data-step]').textContent(), /Z\[2, 7\] = Σ_R \+ Σ_G \+ Σ_B \+ b = /);
  // Grayscale conversion is a multi-channel convolution with 1 x 1 kernels.
  await page.getByLabel(/^Bias b/).fill('0');
  await choose(page, 'Preset', 'luma');
  assert.equal(await page.getByLabel('Rows K1').inputValue(), '1');
  await pick(page, 3, 4);
  const i = 3 * pic.w + 4, [r, g, b] = [0, 1, 2].map((c) => pic.planes[c][i]);
  assert.ok(Math.abs(await shown(page, 'Z[3, 4]') - (0.299 * r + 0.587 * g + 0.114 * b)) < 1e-3);
  await screenshot(page, 'kernels-upload-multichannel');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the gradient magnitude shows Gx and Gy and √(gx² + gy²)', async () => {
  const page = await env.newPage();
  await open(page);
  const pic = testPicture();
  await upload(page, 'grad.png', 'image/png', await makePng(page, pic.w, pic.h, pic.rgba));
  await choose(page, 'Preset', 'magnitude');
  await choose(page, 'Padding', 'zero');
  assert.match(await page.locator('[data-kernel-editors]').textContent(), /not one linear kernel/);
  assert.equal(await page.getByLabel('Rows K1').isDisabled(), true);
  await pick(page, 3, 4);
  const gx = convAt(pic.gray, pic.h, pic.w, SOBEL_X, 3, 3, 'zero', 1, 3, 4);
  const gy = convAt(pic.gray, pic.h, pic.w, SOBEL_Y, 3, 3, 'zero', 1, 3, 4);
  assert.ok(Math.abs(await shown(page, 'Z[3, 4]') - Math.hypot(gx, gy)) < 1e-2);
  assert.match(await page.locator('[data-step]').textContent(), new RegExp(`gx = [^=]* = ${gx}(?!\\d)`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('padding, stride and kernel size are written out in the output-shape formula', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'coffee'); // 600 x 400
  await choose(page, 'Preset', 'box');
  const formula = page.locator('[data-shape-formula]');
  const rows = () => formula.locator('[data-axis="rows"]').innerText();
  const cols = () => formula.locator('[data-axis="columns"]').innerText();
  await choose(page, 'Padding', 'zero');
  assert.match(await rows(), /P1 = 2: rows of padding, 1 above \+ 1 below/);
  assert.match(await rows(), /= \(400 − 3 \+ 2\) \/ 1 \+ 1 = 400$/m);
  assert.match(await cols(), /\(600 − 3 \+ 2\) \/ 1 \+ 1 = 600/);
  await choose(page, 'Stride s', '3');
  assert.match(await rows(), /⌊\(400 − 3 \+ 2\) \/ 3⌋ \+ 1 = 134/);
  assert.match(await cols(), /⌊\(600 − 3 \+ 2\) \/ 3⌋ \+ 1 = 200/);
  assert.equal(await page.locator('[data-output-canvas]').getAttribute('width'), '200');
  assert.equal(await page.locator('[data-output-canvas]').getAttribute('height'), '134');
  // An even kernel: 1 row of padding above, 2 below.
  await choose(page, 'Rows K1', '4');
  await choose(page, 'Stride s', '1');
  assert.match(await rows(), /P1 = 3: rows of padding, 1 above \+ 2 below/);
  assert.match(await rows(), /= \(400 − 4 \+ 3\) \/ 1 \+ 1 = 400$/m);
  await choose(page, 'Padding', 'valid');
  assert.match(await rows(), /P1 = 0: no padding/);
  assert.match(await rows(), /= \(400 − 4 \+ 0\) \/ 1 \+ 1 = 397$/m);
  assert.match(await cols(), /\(600 − 3 \+ 0\) \/ 1 \+ 1 = 598/);
  assert.match(await formula.textContent(), /Z has shape \(397, 598\): one output channel/);
  await page.getByRole('radio', { name: /Colour, each channel/ }).check();
  await idle(page);
  assert.match(await formula.textContent(), /Z has shape \(397, 598, 3\)/);
  // The box kernel of 4 x 3 cells is 1/12 each, and the page's sum agrees with the engine.
  assert.equal(await page.getByLabel('W[3, 2]', { exact: true }).inputValue(), '1/12');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('bad input: a cell that is not a number, an all-zero kernel with normalise, a file that is not an image', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'grid5');
  const cell = page.getByLabel('W[0, 1]', { exact: true });
  const message = page.locator('[data-kernel-message]');
  const before = await renderCount(page);
  const pixels = () => page.evaluate(() => document.querySelector('[data-output-canvas]').toDataURL());
  const shownBefore = await pixels();
  for (const [text, reason] of [['abc', 'W[0, 1] holds “abc”, which is not a number'], ['1/0', 'holds “1/0”, which divides by 0'], ['', 'W[0, 1] is empty'], ['2/3/4', 'not a number or a fraction']]) {
    await cell.fill(text);
    assert.equal(await cell.getAttribute('aria-invalid'), 'true', text);
    assert.match(await message.textContent(), new RegExp(reason.replace(/[/.[\]]/g, '\\$&')));
    assert.match(await message.textContent(), /Type a number such as 2, -0\.5 or 1\/9\./);
  }
  await page.waitForTimeout(300);
  await idle(page);
  assert.equal(await renderCount(page), before, 'nothing recomputed while a cell is not a number');
  assert.equal(await pixels(), shownBefore, 'the last valid result stays');
  assert.equal(await shown(page, 'Z[0, 0]'), 12);
  // A fraction is a number: the cell is valid again and the result follows.
  await cell.fill('1/2');
  await idle(page);
  assert.equal(await cell.getAttribute('aria-invalid'), null);
  assert.equal(await message.textContent(), '');
  assert.equal(await shown(page, 'Z[0, 0]'), 12 - 3 + 1.5);

  // All zero + normalise: there is nothing to divide by; the kernel is left as it is.
  await choose(page, 'Image', 'camera');
  await choose(page, 'Preset', 'identity');
  await page.getByLabel('W[1, 1]', { exact: true }).fill('0');
  await page.getByLabel(/^Normalise/).check();
  await idle(page);
  const note = page.locator('[data-used-note]');
  assert.match(await note.textContent(), /all the weights are 0.*nothing to divide by: it was left as it is/);
  assert.equal(await shown(page, 'Z[0, 0]'), 0);
  // Sobel sums to 0 too; a box sums to 9 and is divided by it.
  await choose(page, 'Preset', 'sobelX');
  assert.match(await note.textContent(), /sum to 0 .*left as it is/);
  await choose(page, 'Preset', 'class');
  assert.match(await note.textContent(), /divided by their sum, 10\b/);
  await screenshot(page, 'kernels-normalise');

  // Files: text named .png, an empty file. The image shown stays.
  const imageMessage = page.locator('[data-image-message]');
  await upload(page, 'notes.png', 'image/png', Buffer.from('these are my notes, not a picture\n'));
  assert.match(await imageMessage.textContent(), /“notes\.png” is not an image/);
  assert.match(await imageMessage.textContent(), /unchanged/);
  await upload(page, 'empty.png', 'image/png', Buffer.alloc(0));
  assert.match(await imageMessage.textContent(), /empty/);
  assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'camera');
  assert.equal(await imageMessage.getAttribute('data-kind'), 'error');
  // A picture larger than the page's limit is scaled down, and the page says so.
  // (made in node: the page's encoder was handed its 2.4 million numbers one by one, most of the test's time)
  await upload(page, 'wide.png', 'image/png', rgbPngOf(3000, 200, () => [200, 200, 200]));
  assert.match(await imageMessage.textContent(), /“wide\.png” is 3000 × 200 pixels.*scaled down to 1280 × 85/);
  assert.match(await page.locator('[data-image-shape]').textContent(), /shape \(85, 1280\).*scaled down from height 200, width 3000/);
  await screenshot(page, 'kernels-bad-file');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the view lives in the URL hash: a reloaded link shows the same view', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'astronaut');
  await page.getByRole('radio', { name: /Multi-channel/ }).check();
  await idle(page);
  await choose(page, 'Preset', 'gaussian');
  await page.getByLabel('Gaussian σ').fill('2');
  await idle(page);
  await page.getByLabel('W_B[0, 0]', { exact: true }).fill('-1/3');
  await page.getByLabel(/^Bias b/).fill('5');
  await choose(page, 'Padding', 'reflect');
  await choose(page, 'Stride s', '2');
  await choose(page, 'Show the result as', 'abs');
  await pick(page, 17, 42);
  const z = await shown(page, 'Z[17, 42]');
  await page.waitForFunction(() => location.hash.includes('px=17,42') && location.hash.includes('bias=5'));
  const url = page.url();
  assert.match(url, /img=astronaut/);
  // The share button puts the same link on the clipboard (or shows it to copy by hand).
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy a link to this view' }).click();
  await page.locator('[data-share-status]').filter({ hasText: 'Link copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  assert.match(url, /pad=reflect/);

  const again = await env.newPage();
  await again.goto(url);
  await idle(again);
  assert.equal(await again.getByLabel('Image', { exact: true }).inputValue(), 'astronaut');
  assert.equal(await again.getByRole('radio', { name: /Multi-channel/ }).isChecked(), true);
  assert.equal(await again.getByLabel('Padding').inputValue(), 'reflect');
  assert.equal(await again.getByLabel('Stride s').inputValue(), '2');
  assert.equal(await again.getByLabel('Show the result as').inputValue(), 'abs');
  assert.equal(await again.getByLabel('W_B[0, 0]', { exact: true }).inputValue(), '-1/3');
  assert.equal(await again.getByLabel(/^Bias b/).inputValue(), '5');
  assert.equal(await again.getByLabel('Output row j1').inputValue(), '17');
  assert.equal(await again.getByLabel('Output column j2').inputValue(), '42');
  assert.equal(await shown(again, 'Z[17, 42]'), z);
  assert.equal(await again.locator('[data-page-message]').textContent(), '');
  assert.deepEqual(again.problems, []);
  await again.context().close();

  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the exercise checks the student’s answer within the stated tolerance and shows the worked answer', async () => {
  const page = await env.newPage();
  await open(page);
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const question = page.locator('[data-exercise-question]');
  assert.match(await question.textContent(), /What is Z\[0, 0\]\?/);
  const answer = page.getByLabel('Your answer for Z[0, 0]');
  const feedback = page.locator('[data-exercise-feedback]');
  await answer.fill('2000');
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await feedback.textContent(), /Not quite/);
  await answer.fill('twenty');
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await feedback.textContent(), /not a number/);
  await answer.fill('2040.4');
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await feedback.textContent(), /^Right: Z\[0, 0\] = 2040/);
  // On the 5 x 5 matrix: answer whatever pixel is asked, from the hand-computed table.
  await choose(page, 'Image', 'grid5');
  const want = [[12, 12, 17], [10, 17, 19], [9, 6, 14]];
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const [, j1, j2] = /Z\[(\d), (\d)\]/.exec(await question.textContent()).map(Number);
  await page.getByLabel(`Your answer for Z[${j1}, ${j2}]`).fill(String(want[j1][j2]));
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await feedback.textContent(), /^Right/);
  await page.getByRole('button', { name: 'Show the worked answer' }).click();
  await idle(page);
  assert.equal(await shown(page, `Z[${j1}, ${j2}]`), want[j1][j2]);
  // Each channel on its own: the question names one channel and shows its patch.
  await page.getByRole('radio', { name: /Colour, each channel on its own/ }).check();
  await idle(page);
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const [, ch, c1, c2] = /What is Z_([RGB])\[(\d), (\d)\]\?/.exec(await question.textContent());
  assert.match(await page.locator('[data-exercise-tables]').textContent(), new RegExp(`X_${ch} patch`));
  await page.getByLabel(`Your answer for Z_${ch}[${c1}, ${c2}]`).fill(String(want[c1][c2]));
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await feedback.textContent(), /^Right/);
  await screenshot(page, 'kernels-exercise');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('phone layout: nothing overflows sideways at 390 px, a 15 × 15 kernel scrolls inside its box', async () => {
  const page = await env.newPage({ viewport: { width: 390, height: 844 } });
  await open(page);
  await screenshot(page, 'kernels-phone-worked-example');
  await choose(page, 'Image', 'chelsea');
  await choose(page, 'Preset', 'gaussian');
  await choose(page, 'Rows K1', '15');
  await choose(page, 'Columns K2', '15');
  await choose(page, 'Padding', 'zero');
  assert.equal(await page.locator('input.k-cell').count(), 225);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page is ${width} px wide`);
  await screenshot(page, 'kernels-phone-gaussian15');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the webcam: a picture becomes X (Chromium’s fake camera); without a camera, a clear message', async () => {
  // A browser of its own, with Chromium's test camera and no permission prompt.
  const camBrowser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const page = await newPage(camBrowser);
    await open(page);
    await page.getByRole('button', { name: 'Start the webcam' }).click();
    await page.getByRole('button', { name: 'Take a picture' }).click();
    await idle(page);
    assert.match(await page.getByLabel('Image', { exact: true }).locator('option:checked').textContent(), /webcam picture \(height \d+, width \d+\)/);
    assert.match(await page.locator('[data-image-shape]').textContent(), /shape \(\d+, \d+\)/);
    await page.getByRole('button', { name: 'Stop' }).click();
    assert.ok(await page.getByRole('button', { name: 'Start the webcam' }).isVisible());
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    await camBrowser.close();
  }
  // The usual test browser has no camera: the page says so and keeps its image.
  const page = await env.newPage();
  await open(page);
  await page.getByRole('button', { name: 'Start the webcam' }).click();
  await page.locator('[data-image-message][data-kind="error"]').waitFor();
  assert.match(await page.locator('[data-image-message]').textContent(), /webcam|camera/i);
  assert.equal(await shown(page, 'Z[0, 0]'), 2040);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('edits faster than a 15 × 15 convolution collapse: the last one is what is shown', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'camera');
  await choose(page, 'Preset', 'box');
  await choose(page, 'Rows K1', '15');
  await choose(page, 'Columns K2', '15');
  await choose(page, 'Padding', 'edge');
  await pick(page, 200, 300);
  const before = await renderCount(page);
  const cell = page.getByLabel('W[7, 7]', { exact: true });
  for (const v of ['1', '2', '3', '4', '-5']) await cell.fill(v); // no waiting in between
  await idle(page);
  const renders = (await renderCount(page)) - before;
  assert.ok(renders >= 1 && renders <= 5, `${renders} renders for 5 edits`);
  const x = (await inputPlanes(page)).planes[0];
  const k = new Array(225).fill(1 / 225);
  k[7 * 15 + 7] = -5;
  const want = convAt(x, 512, 512, k, 15, 15, 'edge', 1, 200, 300);
  assert.ok(Math.abs(await shown(page, 'Z[200, 300]') - want) < 1e-2, `Z = ${want}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// ---- views that cannot be computed (issue 10, items 3, 5, 10, 18) ----

/** What the result area says now: its caption, its status box, the selected-pixel line, the step-by-step's banner. */
async function resultArea(page) {
  const text = async (sel) => {
    const el = page.locator(sel);
    return (await el.isVisible()) ? (await el.textContent()).trim() : null;
  };
  return {
    caption: await text('[data-output-caption]'),
    status: await text('[data-output-status]'),
    pick: await text('[data-pick-summary]'),
    step: await text('[data-step-status]'),
    picture: await page.getByRole('img', { name: /Output Z/ }).isVisible(),
    sums: await page.getByLabel(/^Result Z/).count(),
  };
}

/** Elements marked hidden that are shown anyway, and elements hidden or shown by an inline display style. */
async function visibilityFaults(page) {
  return page.evaluate(() => [
    ...[...document.querySelectorAll('[hidden]')].filter((el) => getComputedStyle(el).display !== 'none').map((el) => `shown: ${el.outerHTML.slice(0, 60)}`),
    ...[...document.querySelectorAll('body *')].filter((el) => el.style.display || el.style.visibility).map((el) => `inline: ${el.outerHTML.slice(0, 60)}`),
  ]);
}

/** The message an input's aria-describedby names (the last id: its error line). */
async function describedBy(input) {
  const ids = (await input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return input.page().evaluate((list) => list.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim(), ids);
}

test('a kernel that does not fit: no output is shown (not the old one), the message stays, the link is the refused view', async () => {
  for (const [name, viewport] of [['laptop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await env.newPage({ viewport });
    await open(page);
    assert.equal(await shown(page, 'Z[0, 0]'), 2040);
    // 5 x 3 on the 3 x 3 dot, no padding.
    await choose(page, 'Rows K1', '5');
    // The link is saved some time after the edit: wait for it, then look again.
    await page.waitForFunction(() => location.hash.includes('k=5x3'));
    await idle(page);
    const area = await resultArea(page);
    assert.equal(area.picture, false, 'the old output is not shown');
    assert.equal(area.caption, 'Z: no output');
    assert.match(area.status, /^No output\. The 5 × 3 kernel does not fit/);
    assert.equal(area.pick, 'Selected pixel: none, as there is no output.');
    assert.match(area.step, /^There is no output pixel to open\./);
    assert.equal(area.sums, 0, 'no old sum in the step-by-step');
    assert.doesNotMatch(await page.locator('[data-step]').textContent(), /2040/);
    assert.match(await page.locator('[data-used-note]').textContent(), /no kernel is in use/);
    const message = page.locator('[data-kernel-message]');
    assert.match(await message.textContent(), /^The 5 × 3 kernel does not fit in X, 3 rows × 3 columns, without padding: choose a padding, or a kernel of at most 3 rows × 3 columns\.$/);
    for (const control of [page.getByLabel('Output row j1'), page.getByRole('button', { name: 'Next pixel' }), page.getByRole('button', { name: 'Play the scan' })]) {
      assert.equal(await control.isDisabled(), true);
    }
    assert.deepEqual(await visibilityFaults(page), []);
    await screenshot(page, `kernels-no-output-${name}`);
    // The link holds the refused view, whole: it opens with no output too.
    const url = page.url();
    assert.match(url, /k=5x3&preset=custom&w=0,0,0,0,1,2,2,2,0,0,1,2,0,0,0&/);
    const again = await env.newPage({ viewport });
    await again.goto(url);
    await idle(again);
    assert.equal((await resultArea(again)).caption, 'Z: no output');
    assert.equal(await again.locator('[data-page-message]').textContent(), '');
    await again.context().close();
    // With padding the same kernel has an output again, computed.
    await choose(page, 'Padding', 'zero');
    const k = [0, 0, 0, 0, 1, 2, 2, 2, 0, 0, 1, 2, 0, 0, 0];
    const dot = [255, 255, 255, 255, 0, 255, 255, 255, 255];
    assert.equal(await shown(page, 'Z[0, 0]'), convAt(dot, 3, 3, k, 5, 3, 'zero', 1, 0, 0));
    assert.equal((await resultArea(page)).status, null);
    assert.equal(await message.textContent(), '');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('a 1 × 1 image: no output for a 3 × 3 kernel without padding, and no question about it', async () => {
  const page = await env.newPage();
  await open(page);
  // An open question about the dot...
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const exStatus = page.locator('[data-exercise-status]');
  assert.equal(await exStatus.isVisible(), false);
  await upload(page, 'one.png', 'image/png', await makePng(page, 1, 1, [90, 90, 90, 255]));
  const area = await resultArea(page);
  assert.equal(area.picture, false);
  assert.match(area.status, /^No output\. The 3 × 3 kernel does not fit in X, 1 row × 1 column, without padding/);
  assert.equal(area.sums, 0);
  // ... is marked as about a view that is gone, and no new one is asked.
  assert.match(await exStatus.textContent(), /^This question is about the view as it was when it was asked, and now there is no output\./);
  assert.match(await page.locator('[data-exercise-question]').textContent(), /What is Z\[0, 0\]\?/);
  await page.getByRole('button', { name: 'New question' }).click();
  assert.match(await exStatus.textContent(), /^No question: there is no output to ask about\. The 3 × 3 kernel does not fit in X, 1 row × 1 column/);
  // Edge padding: a 1 x 1 output, 90 times the sum of the weights (10).
  await choose(page, 'Padding', 'edge');
  assert.equal(await shown(page, 'Z[0, 0]'), 900);
  assert.match(await exStatus.textContent(), /^This question is about the view as it was when it was asked, and the view has changed since\./);
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  assert.equal(await exStatus.isVisible(), false, 'a question about the current view');
  await page.getByLabel('Your answer for Z[0, 0]').fill('900');
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await page.locator('[data-exercise-feedback]').textContent(), /^Right/);
  assert.deepEqual(await visibilityFaults(page), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a cell that is not a number: the result kept is marked as the last valid one, everywhere it shows; the link is that view', async () => {
  for (const [name, viewport] of [['laptop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await env.newPage({ viewport });
    await open(page);
    await choose(page, 'Image', 'grid5');
    await pick(page, 1, 2);
    assert.equal(await shown(page, 'Z[1, 2]'), 19);
    await page.getByRole('button', { name: 'New question' }).click();
    await idle(page);
    await page.waitForFunction(() => location.hash.includes('px=1,2'));
    const validLink = await page.evaluate(() => location.hash);
    const cell = page.getByLabel('W[0, 1]', { exact: true });
    await cell.fill('abc');
    await idle(page);
    let area = await resultArea(page);
    assert.equal(area.picture, true, 'the last valid result stays in view');
    assert.equal(area.caption, 'Z of the last kernel that was all numbers, shape (3, 3): height 3, width 3, one channel');
    assert.equal(area.status, 'Not the current kernel. W[0, 1] holds “abc”, which is not a number. Z below is the result of the last kernel that was all numbers.');
    assert.match(area.pick, /^Selected pixel, of the last kernel that was all numbers: Z\[1, 2\] = .* = 19 /);
    assert.equal(area.step, 'These sums use the last kernel that was all numbers, not the one in the editor: W[0, 1] holds “abc”, which is not a number.');
    assert.match(await page.locator('[data-used-note]').textContent(), /^Not the kernel in the editor: the last kernel that was all numbers/);
    assert.match(await page.locator('[data-exercise-status]').textContent(), /and now a kernel cell is not a number\./);
    await page.getByRole('button', { name: 'New question' }).click();
    assert.match(await page.locator('[data-exercise-status]').textContent(), /^No question until every kernel cell is a number: W\[0, 1\] holds “abc”/);
    // Moving the selected pixel works on the result shown, still marked.
    await page.getByRole('button', { name: 'Next pixel' }).click();
    await idle(page);
    assert.equal(await shown(page, 'Z[2, 0]'), 9);
    assert.match((await resultArea(page)).pick, /^Selected pixel, of the last kernel that was all numbers: Z\[2, 0\]/);
    await screenshot(page, `kernels-last-valid-${name}`);
    // Other edits meanwhile: the link stays the last whole view (only its pixel follows the selection).
    await choose(page, 'Stride s', '2');
    await page.getByRole('button', { name: 'Copy a link to this view' }).click(); // saves the link now
    await page.locator('[data-share-status]').filter({ hasText: 'the link holds the last kernel that was all numbers' }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), validLink.replace('px=1,2', 'px=2,0'));
    assert.equal((await resultArea(page)).caption, 'Z of the last kernel that was all numbers, shape (3, 3): height 3, width 3, one channel');
    // A number again: the current view, unmarked (stride 2: a 2 x 2 output).
    await cell.fill('-1');
    await idle(page);
    area = await resultArea(page);
    assert.deepEqual([area.caption, area.status, area.step], ['Z, shape (2, 2): height 2, width 2, one channel', null, null]);
    assert.match(area.pick, /^Selected pixel: Z\[1, 0\] = /);
    assert.deepEqual(await visibilityFaults(page), []);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('a link is read key by key: what it cannot mean falls back to its default, the page says which key and why', async () => {
  const page = await env.newPage();
  // A new document each time (a change of the hash alone is a same-page navigation).
  const reopen = async (hash) => { await page.goto('about:blank'); await open(page, hash); };
  await open(page, '#img=grid5&k=99x3&w=1,2&pad=zero&stride=9&px=1,2');
  const message = page.locator('[data-page-message]');
  assert.equal(await message.textContent(),
    'This link’s “k=99x3” was ignored (kernel rows and columns are 1 to 15): using 3x3. '
    + 'This link’s “w=1,2” was ignored (it goes with “k”, which was ignored): using 0,1,2,2,2,0,0,1,2. '
    + 'This link’s “stride=9” was ignored (the stride must be from 1 to 4): using 1.');
  // The rest of the link is kept: the 5 x 5 matrix, zero padding, the selected pixel.
  assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'grid5');
  assert.equal(await page.getByLabel('Padding').inputValue(), 'zero');
  assert.equal(await page.getByLabel('Stride s').inputValue(), '1');
  assert.equal(await page.getByLabel('W[0, 2]', { exact: true }).inputValue(), '2');
  assert.equal(await shown(page, 'Z[1, 2]'), 12); // zero padding: Z[1, 2] is the unpadded Z[0, 1]
  // The link is written back as the view shown.
  await page.waitForFunction(() => location.hash.includes('stride=1'));
  assert.match(page.url(), /img=grid5&mode=gray&k=3x3&preset=class&w=0,1,2,2,2,0,0,1,2&pad=zero&stride=1&display=auto&px=1,2$/);
  await screenshot(page, 'kernels-link-notes');

  // A cell that is not a number: the kernel falls back, with its size; the image stays.
  await reopen('#img=camera&k=3x3&w=1,2,3,4,x,6,7,8,9&display=clamp');
  assert.match(await message.textContent(), /^This link’s “k=3x3” was ignored \(it goes with “w”, which was ignored\): using 3x3\. This link’s “w=1,2,3,4,x,6,7,8,9” was ignored \(w= holds “x”, which is not a number\): using 0,1,2,2,2,0,0,1,2\.$/);
  assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'camera');
  assert.equal(await page.getByLabel('Show the result as').inputValue(), 'clamp');
  // Hex, exponents and unknown keys are named too; a good link afterwards says nothing.
  await reopen('#img=dot&sigma=1e1&preset=gaussian&w=1,1,1,1,1,1,1,1,1&strid=2&px=0x1,0');
  assert.equal(await message.textContent(),
    'This link’s “sigma=1e1” was ignored (σ is a number from 0.1 to 10): using 1. '
    + 'This link’s “px=0x1,0” was ignored (the selected pixel is written row,column, such as 2,3): using 0,0. '
    + 'This link has a name the page does not know, ignored: “strid”.');
  assert.equal(await page.getByLabel('Preset').inputValue(), 'gaussian');
  assert.equal(await page.getByLabel('Gaussian σ').inputValue(), '1');
  assert.equal(await shown(page, 'Z[0, 0]'), 2040);
  // A pixel the output does not have: the nearest one, said.
  await reopen('#img=dot&px=5,7');
  assert.equal(await message.textContent(), 'This link’s “px=5,7” is outside Z, which has 1 row and 1 column: using 0,0.');
  assert.equal(await shown(page, 'Z[0, 0]'), 2040);
  await reopen('#img=grid5&px=2,1');
  assert.equal(await message.textContent(), '');
  assert.equal(await shown(page, 'Z[2, 1]'), 6);
  // Pasted into the open tab.
  await page.evaluate(() => { location.hash = 'img=grid5&mode=rgb&px=1,1'; });
  await message.filter({ hasText: '“mode=rgb”' }).waitFor();
  await idle(page);
  assert.equal(await shown(page, 'Z[1, 1]'), 17);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the selected-pixel fields and σ take only what a person means; a bad value is said next to its field and changes nothing', async () => {
  const page = await env.newPage();
  await open(page);
  await choose(page, 'Image', 'grid5');
  await pick(page, 1, 1);
  const j1 = page.getByLabel('Output row j1'), j2 = page.getByLabel('Output column j2');
  assert.equal(await shown(page, 'Z[1, 1]'), 17);
  for (const [typed, said] of [
    ['5', '5 is too large: the rows of Z are 0 to 2.'],
    ['1.5', '“1.5” is not a whole number: the rows of Z are 0 to 2.'],
    ['-1', '-1 is too small: the rows of Z are 0 to 2.'],
    ['1e0', '“1e0” is not a number: the rows of Z are 0 to 2.'],
    ['', 'Empty: the rows of Z are 0 to 2.'],
  ]) {
    await j1.fill(typed);
    await j1.press('Enter');
    await idle(page);
    assert.equal(await j1.getAttribute('aria-invalid'), 'true', typed);
    assert.equal(await describedBy(j1), said);
    assert.equal(await shown(page, 'Z[1, 1]'), 17, `${typed}: the selection stays`);
  }
  await screenshot(page, 'kernels-bad-row-field');
  await j1.fill('2');
  await j1.press('Enter');
  await idle(page);
  assert.equal(await j1.getAttribute('aria-invalid'), null);
  assert.equal(await describedBy(j1), '');
  assert.equal(await shown(page, 'Z[2, 1]'), 6);
  await j2.fill('3');
  await j2.press('Enter');
  assert.equal(await describedBy(j2), '3 is too large: the columns of Z are 0 to 2.');
  assert.equal(await shown(page, 'Z[2, 1]'), 6);
  // Clicking a pixel picks it and clears the field's message.
  await page.getByRole('button', { name: 'Previous pixel' }).click();
  await idle(page);
  assert.equal(await shown(page, 'Z[2, 0]'), 9);
  assert.equal(await j2.getAttribute('aria-invalid'), null);

  // σ: only a decimal number from 0.1 to 10; the kernel stays as it was meanwhile.
  await choose(page, 'Preset', 'gaussian');
  const sigma = page.getByLabel('Gaussian σ');
  const centre = page.getByLabel('W[1, 1]', { exact: true });
  const before = await centre.inputValue();
  for (const [typed, said] of [['1e1', '“1e1” is not a number'], ['0.05', '0.05 is too small'], ['12', '12 is too large'], ['', 'Empty']]) {
    await sigma.fill(typed);
    await idle(page);
    assert.equal(await sigma.getAttribute('aria-invalid'), 'true', typed);
    assert.equal(await describedBy(sigma), `spread, in pixels ${said}: σ is a number from 0.1 to 10.`);
    assert.equal(await centre.inputValue(), before, `${typed}: the kernel stays`);
    assert.equal(await page.locator('[data-kernel-message]').textContent(), '');
  }
  await sigma.fill('2');
  await idle(page);
  assert.equal(await sigma.getAttribute('aria-invalid'), null);
  assert.notEqual(await centre.inputValue(), before, 'σ = 2 makes a flatter kernel');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
