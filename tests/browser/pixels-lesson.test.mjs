// The pixels page as the lesson writes things (issue 17, the pixels part):
// the grayscale rule applied exactly, sizes and shapes as (height, width,
// channels), the lesson's (1050, 700, 3) photo, a phone's tap and drag, real
// Fashion-MNIST pictures in the MLP section, and the credits as a page. Every
// number is compared with one computed here: the PNG files and Debian's
// Fashion-MNIST test files decoded in node, the grayscale rule in whole numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { useSiteAndBrowser, screenshot, SIZES, SITE } from './helpers.mjs';
import { rgbPng, pixelAt as at } from '../lib/png.mjs';
import { sample, openPixels, shapeIs, readout, goTo, upload, exactGray } from './pixels-helpers.mjs';
import { CLASS_NAMES } from '../../web/lib/limits.js';

const env = useSiteAndBrowser({}, { serviceWorker: false });

/** n thousandths as the exact decimal the page writes: 57500 -> '57.500'. */
const decimal = (n) => `${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}`;

test('grayscale: every exact half goes to the even number, and the worked line shows the exact sum', async () => {
  const page = await openPixels(env);
  // Colours whose sum is exactly a half (float32 arithmetic rounded the first five the wrong way), and one that is not.
  const pixels = [[76, 54, 27], [5, 161, 57], [46, 72, 13], [24, 142, 105], [3, 15, 7], [10, 20, 30]];
  await upload(page, 'halves.png', rgbPng(pixels.length, 1, pixels));
  await shapeIs(page, `(1, ${pixels.length}, 3)`);
  await page.getByRole('radio', { name: /Grayscale: 2D/ }).check();
  await shapeIs(page, `(1, ${pixels.length})`);
  const yPlane = page.getByRole('table', { name: 'Y: grayscale, numbers around the lens' });
  for (const [col, [R, G, B]] of pixels.entries()) {
    const r = await goTo(page, 0, col);
    const want = exactGray(R, G, B);
    assert.deepEqual(r.values, [want], `Y of (${R}, ${G}, ${B})`);
    const q = 299 * R + 587 * G + 114 * B;
    const half = q % 1000 === 500 ? ' (exactly a half: to the even number)' : '';
    assert.equal(await page.locator('[data-gray-example]').textContent(),
      `At row 0, column ${col}: 0.299 × ${R} + 0.587 × ${G} + 0.114 × ${B} = `
      + `${decimal(299 * R)} + ${decimal(587 * G)} + ${decimal(114 * B)} = ${decimal(q)}${half} → Y = ${want}`);
    assert.equal(await yPlane.locator('td.center').textContent(), String(want));
  }
  assert.equal(exactGray(76, 54, 27), 58);
  assert.equal(exactGray(5, 161, 57), 102);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** The sizes a sample's label gives: { height, width, channels }, each number named. */
function labelSize(label) {
  const m = /\((colour|grayscale): height (\d+), width (\d+)(, 3 channels)?\)$/.exec(label);
  assert.ok(m, `the label “${label}” names its height, width (and channels)`);
  assert.equal(m[1] === 'colour', Boolean(m[4]), `${label}: colour has 3 channels, grayscale none`);
  return { height: Number(m[2]), width: Number(m[3]), channels: m[4] ? 3 : 1 };
}

test('sizes and shapes are written the lesson’s way, (height, width, channels), with every number named', async () => {
  const page = await openPixels(env);
  const select = page.getByLabel('Sample image');
  const options = await select.locator('option:not([disabled])').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  for (const { value, label } of options) {
    const png = sample(`${value}.png`);
    const size = labelSize(label);
    assert.deepEqual(size, { height: png.height, width: png.width, channels: png.channels === 1 ? 1 : 3 }, `${label}: the file's own size`);
    await select.selectOption(value);
    const shape = size.channels === 3 ? `(${png.height}, ${png.width}, 3)` : `(${png.height}, ${png.width})`;
    await shapeIs(page, shape);
    assert.match(await page.locator('[data-shape-note]').textContent(), new RegExp(`^${value}\\.png: ${png.height} pixels high and ${png.width} wide\\. `));
    assert.equal(await page.getByLabel('Numbers', { exact: true }).textContent(),
      `${png.height} × ${png.width}${size.channels === 3 ? ' × 3' : ''} = ${(png.height * png.width * size.channels).toLocaleString('en')}`);
    // Each plane of part 3 is (height, width).
    for (const plane of ['r', 'g', 'b', 'y']) {
      assert.equal(await page.locator(`[data-plane="${plane}"] .px-plane-shape`).textContent(), `(${png.height}, ${png.width})`);
    }
  }
  await page.context().close();
});

test('the lesson’s photo: the back of an eye, shape (1050, 700, 3), on the pixels and the kernels page', async () => {
  const retina = sample('retina.png');
  assert.deepEqual([retina.height, retina.width, retina.channels], [1050, 700, 3]);
  const page = await openPixels(env);
  const select = page.getByLabel('Sample image');
  assert.equal(await select.locator('option[value="retina"]').count(), 1, 'the retina is a sample');
  assert.match(await select.locator('option[value="retina"]').textContent(), /lesson’s photo \(colour: height 1050, width 700, 3 channels\)$/);
  await select.selectOption('retina');
  await shapeIs(page, '(1050, 700, 3)');
  assert.equal(await page.getByLabel('Axes').textContent(), '(height, width, channels)');
  assert.equal(await page.getByLabel('Numbers', { exact: true }).textContent(), '1050 × 700 × 3 = 2,205,000');
  for (const [row, col] of [[0, 0], [12, 345], [31, 699]]) {
    assert.deepEqual((await goTo(page, row, col)).values, at(retina, row, col), `retina (${row}, ${col})`);
  }
  // The last row, by the keyboard's End of the picture (Control+End).
  await page.keyboard.press('Control+End');
  const last = await readout(page);
  assert.deepEqual([last.row, last.col, last.values], [1049, 699, at(retina, 1049, 699)]);
  await page.waitForFunction(() => location.hash.startsWith('#sample=retina'));
  await screenshot(page, 'pixels-retina');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const kernels = await env.newPage();
  await kernels.goto(`${env.url}kernels.html`);
  await kernels.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor({ timeout: 20000 });
  await kernels.getByLabel('Image', { exact: true }).selectOption('retina');
  await kernels.locator('[data-image-shape]').filter({ hasText: /shape \(1050, 700, 3\)|shape \(1050, 700\)/ }).waitFor({ timeout: 20000 });
  // the kernels page names the photo in its list and gives its shape beside the image
  assert.match(await kernels.getByLabel('Image', { exact: true }).locator('option:checked').textContent(), /The back of an eye/);
  assert.deepEqual(kernels.problems, []);
  await kernels.context().close();
});

/** Touch events through Chromium's input pipeline (CDP), as a finger gives them: scrolling included. */
async function fingerDrag(page, from, to, steps = 8) {
  const cdp = await page.context().newCDPSession(page);
  const point = ([x, y]) => [{ x, y, id: 1, radiusX: 2, radiusY: 2, force: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(from) });
  for (let i = 1; i <= steps; i++) {
    const p = [from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(p) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** The phone-sized page on Chelsea, the photo in view: { page, over(row, col) (a point on screen), lensAt(row, col) }. */
async function phoneOnChelsea() {
  const page = await openPixels(env, '#sample=chelsea', SIZES.phone);
  await shapeIs(page, '(300, 451, 3)');
  const canvas = page.locator('[data-image-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const over = (row, col) => [box.x + ((col + 0.5) / 451) * box.width, box.y + ((row + 0.5) / 300) * box.height];
  const lensAt = async (row, col) => {
    const moved = await page.waitForFunction((want) => document.querySelector('[data-readout]').textContent.startsWith(want),
      `Row ${row}, column ${col}:`, { timeout: 5000 }).then(() => true, () => false);
    const r = await readout(page);
    assert.ok(moved, `the lens is at row ${r.row}, column ${r.col}, not at row ${row}, column ${col}`);
    assert.deepEqual(r.values, at(sample('chelsea.png'), row, col));
  };
  return { page, box, over, lensAt };
}

test('on a phone: a tap on the photo selects the pixel under the finger', async () => {
  const { page, over, lensAt } = await phoneOnChelsea();
  await page.touchscreen.tap(...over(200, 100));
  await lensAt(200, 100);
  await page.touchscreen.tap(...over(17, 420));
  await lensAt(17, 420);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('on a phone: a drag on the photo moves the lens and does not scroll the page; off the photo a drag scrolls', async () => {
  const { page, box, over, lensAt } = await phoneOnChelsea();
  const scrolled = await page.evaluate(() => window.scrollY);
  await fingerDrag(page, over(150, 60), over(40, 380));
  const after = await page.evaluate(() => window.scrollY);
  assert.equal(after, scrolled, `the page scrolled by ${after - scrolled} px`);
  await lensAt(40, 380);
  // Off the photo a drag still scrolls the page (here: on the heading above it).
  await fingerDrag(page, [box.x + box.width / 2, box.y - 30], [box.x + box.width / 2, box.y - 330]);
  await page.waitForFunction((y) => window.scrollY > y, scrolled, { timeout: 5000 });
  await screenshot(page, 'pixels-phone-drag');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Debian's Fashion-MNIST test files, decoded here: image i's 784 bytes and its label. */
function fashionTest() {
  const gunzip = (f) => zlib.gunzipSync(fs.readFileSync(path.join(SITE, 'data', f)));
  const images = gunzip('t10k-images-idx3-ubyte.gz'), labels = gunzip('t10k-labels-idx1-ubyte.gz');
  assert.equal(images.readUInt32BE(0), 0x803);
  assert.equal(labels.readUInt32BE(0), 0x801);
  return { image: (i) => [...images.subarray(16 + 784 * i, 16 + 784 * (i + 1))], label: (i) => labels[8 + i] };
}

test('the MLP section shuffles real Fashion-MNIST test images, each named by its class', async () => {
  const page = await openPixels(env, '#sample=camera');
  const part = page.getByRole('region', { name: '5. How an MLP sees an image' });
  const pictures = part.getByRole('img', { name: /, Fashion-MNIST test image \d+, 28 by 28$/ });
  await pictures.first().waitFor({ timeout: 10000 });
  const names = await pictures.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.ok(names.length >= 4, `${names.length} Fashion-MNIST pictures`);
  const data = fashionTest();
  const classes = new Set();
  for (const name of names) {
    const [, cls, index] = /^(.+), Fashion-MNIST test image (\d+), 28 by 28$/.exec(name);
    assert.equal(cls, CLASS_NAMES[data.label(Number(index))], `${name}: the test file's label`);
    classes.add(cls);
    const shown = await part.getByRole('img', { name, exact: true }).evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
      return Array.from({ length: 784 }, (_, i) => d[4 * i]);
    });
    assert.deepEqual(shown, data.image(Number(index)), `${name}: the test file's pixels`);
    assert.equal(await part.getByRole('img', { name: name.replace(/, 28 by 28$/, ', pixels shuffled') }).count(), 1);
  }
  assert.ok(classes.size >= 4, 'four different classes');
  assert.equal(await part.getByText(/digit 7/).count(), 0, 'no MNIST digit');
  await part.screenshot({ path: path.join(path.dirname(await screenshot(page, 'pixels-mlp-page')), 'pixels-mlp.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the credits are a page of the site, linked from every page’s footer', async () => {
  for (const file of ['', 'pixels.html', 'kernels.html', 'train.html', 'credits.html']) {
    const page = await env.newPage();
    await page.goto(env.url + file);
    const link = page.getByRole('contentinfo').getByRole('link', { name: 'Image credits' });
    assert.equal(await link.getAttribute('href'), 'credits.html', `${file || 'index.html'}'s footer`);
    await page.context().close();
  }
  const page = await env.newPage();
  const res = await page.goto(`${env.url}credits.html`);
  assert.equal(res.status(), 200);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Credits: the images and data');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const pixels = await env.newPage();
  await pixels.goto(`${env.url}pixels.html`);
  assert.equal(csp, await pixels.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), 'the same policy as the other pages');
  await pixels.context().close();
  // Every sample file, with its shape and its licence.
  const rows = page.getByRole('table').getByRole('row');
  for (const file of fs.readdirSync(path.join(SITE, 'samples')).filter((f) => f.endsWith('.png'))) {
    const png = sample(file);
    const row = rows.filter({ hasText: file });
    assert.equal(await row.count(), 1, file);
    const shape = png.channels === 1 ? `(${png.height}, ${png.width})` : `(${png.height}, ${png.width}, 3)`;
    assert.match(await row.textContent(), new RegExp(`${shape.replace(/[()]/g, '\\$&')}.*(CC0|Public domain)`, 's'), file);
  }
  assert.match(await rows.filter({ hasText: 'retina.png' }).textContent(), /Mikael Häggström.*CC0 1\.0/s);
  assert.match(await page.getByRole('main').textContent(), /Fashion-MNIST.*Zalando Research.*MIT licence/s);
  await page.getByRole('navigation', { name: 'Labs' }).getByRole('link', { name: 'Pixels' }).waitFor();
  await screenshot(page, 'credits');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
