// The pixels page in real Chromium, driven through labels and roles. Pixel
// values are checked against the PNG files decoded here, in node, by a small
// independent decoder (tests/lib/png.mjs: zlib + the PNG filters), not against the page's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { useSiteAndBrowser, screenshot } from './helpers.mjs';
import { chunk, pngFromRows, rgbPng, pixelAt as at } from '../lib/png.mjs';
import { sample, openPixels as openHelper, shapeIs, readout, goTo, upload, exactGray } from './pixels-helpers.mjs';

// ---- page helpers (and pixels-helpers.mjs) ----

const env = useSiteAndBrowser({}, { serviceWorker: false });
const openPixels = (hash = '', viewport) => openHelper(env, hash, viewport ? { viewport } : {});

async function sourceMessage(page, re) {
  const msg = page.locator('[data-source-message]');
  // Progress messages ("Reading x.png…", "Asking for the webcam…") end with an ellipsis.
  await msg.filter({ hasText: re, hasNotText: /…$/ }).waitFor({ timeout: 30000 });
  return msg.textContent();
}

// ---- tests ----

test('each sample shows its shape with the axes named', async () => {
  const page = await openPixels();
  const want = {
    'Cameraman': ['(512, 512)', '(height, width)'],
    'Astronaut': ['(512, 512, 3)', '(height, width, channels)'],
    'Coffee cup': ['(400, 600, 3)', '(height, width, channels)'],
    'Chelsea the cat': ['(300, 451, 3)', '(height, width, channels)'],
  };
  const select = page.getByLabel('Sample image');
  for (const [label, [shape, axes]] of Object.entries(want)) {
    const option = await select.locator('option', { hasText: label }).getAttribute('value');
    await select.selectOption(option);
    await shapeIs(page, shape);
    assert.equal(await page.getByLabel('Axes').textContent(), axes);
    assert.match(await page.getByLabel('Type').textContent(), /^uint8, whole numbers 0 to 255$/);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the lens shows the numbers stored in the file (keyboard), colour and grayscale', async () => {
  const page = await openPixels('#sample=coffee');
  await shapeIs(page, '(400, 600, 3)');
  const coffee = sample('coffee.png');
  for (const [row, col] of [[0, 0], [2, 3], [123, 457], [399, 599]]) {
    const r = await goTo(page, row, col);
    assert.deepEqual(r.values, at(coffee, row, col), `coffee (${row}, ${col})`);
  }
  // The centre cell of the zoomed grid says the same.
  await goTo(page, 57, 31);
  const centre = page.getByRole('table', { name: 'Zoomed pixels around the lens' }).locator('td[aria-current="true"]');
  assert.deepEqual((await centre.locator('span').allTextContents()).map(Number), at(coffee, 57, 31));
  // Arrow keys announce the pixel in a live region.
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.locator('[data-announce]').textContent(), /^Row 57, column 30: R \d+, G \d+, B \d+$/);

  // Grayscale view: 2D shape and Y = 0.299 R + 0.587 G + 0.114 B, rounded.
  await page.getByRole('radio', { name: /Grayscale: 2D/ }).check();
  await shapeIs(page, '(400, 600)');
  for (const [row, col] of [[10, 20], [200, 300]]) {
    const r = await goTo(page, row, col);
    const [R, G, B] = at(coffee, row, col);
    assert.deepEqual(r.values, [exactGray(R, G, B)], `Y for ${[R, G, B]}`);
    assert.match(await page.locator('[data-gray-example]').textContent(), new RegExp(`→ Y = ${r.values[0]}$`));
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the grayscale sample is a 2D array whose numbers are the file\'s bytes', async () => {
  const page = await openPixels('#sample=camera');
  await shapeIs(page, '(512, 512)');
  const camera = sample('camera.png');
  assert.equal(camera.channels, 1);
  for (const [row, col] of [[0, 0], [100, 250], [511, 511]]) {
    const r = await goTo(page, row, col);
    assert.deepEqual(r.values, at(camera, row, col));
  }
  // As a colour array its three channels are equal.
  await page.getByRole('radio', { name: /Colour: 3D/ }).check();
  await shapeIs(page, '(512, 512, 3)');
  const r = await goTo(page, 100, 250);
  assert.deepEqual(r.values, Array(3).fill(at(camera, 100, 250)[0]));
  await page.context().close();
});

test('the pointer moves the lens too', async () => {
  const page = await openPixels('#sample=chelsea');
  await shapeIs(page, '(300, 451, 3)');
  const canvas = page.locator('[data-image-canvas]');
  const box = await canvas.boundingBox();
  const col = 200, row = 100;
  await page.mouse.move(box.x + ((col + 0.5) / 451) * box.width, box.y + ((row + 0.5) / 300) * box.height);
  await page.waitForFunction(() => /^Row 100, column 200:/.test(document.querySelector('[data-readout]').textContent));
  const r = await readout(page);
  assert.deepEqual(r.values, at(sample('chelsea.png'), row, col));
  await page.context().close();
});

test('an uploaded PNG shows its shape and its exact values', async () => {
  const page = await openPixels();
  const pixels = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 34, 56], [200, 100, 50], [255, 255, 255]];
  await upload(page, 'six-pixels.png', rgbPng(3, 2, pixels));
  await shapeIs(page, '(2, 3, 3)');
  for (let i = 0; i < 6; i++) {
    const r = await goTo(page, Math.floor(i / 3), i % 3);
    assert.deepEqual(r.values, pixels[i], `pixel ${i}`);
  }
  assert.match(await page.locator('[data-shape-note]').textContent(), /^six-pixels\.png: 2 pixels high and 3 wide\./);
  // The sample list no longer claims a sample is shown; choosing one loads it.
  assert.equal(await page.getByLabel('Sample image').inputValue(), '');
  await page.getByLabel('Sample image').selectOption('astronaut');
  await shapeIs(page, '(512, 512, 3)');
  await upload(page, 'six-pixels.png', rgbPng(3, 2, pixels));
  await shapeIs(page, '(2, 3, 3)');
  // A JPEG made by the browser decodes too (size only: JPEG is lossy).
  const jpeg = await page.evaluate(async () => {
    const c = new OffscreenCanvas(40, 30);
    const g = c.getContext('2d');
    g.fillStyle = '#c03020';
    g.fillRect(0, 0, 40, 30);
    return [...new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg' })).arrayBuffer())];
  });
  await upload(page, 'photo.jpg', Buffer.from(jpeg), 'image/jpeg');
  await shapeIs(page, '(30, 40, 3)');
  // Dropped on the "Choose an image" box, as from a file manager.
  const dropped = rgbPng(2, 1, [[1, 2, 3], [4, 5, 6]]);
  await page.getByRole('region', { name: '1. Choose an image' }).evaluate((zone, bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, [...dropped]);
  await shapeIs(page, '(1, 2, 3)');
  assert.deepEqual((await goTo(page, 0, 1)).values, [4, 5, 6]);
  await screenshot(page, 'pixels-upload');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('bad files get a clear message and the image stays', async () => {
  const page = await openPixels('#sample=coffee');
  await shapeIs(page, '(400, 600, 3)');
  const r0 = await goTo(page, 5, 5);
  const unchanged = async () => {
    assert.equal(await page.getByLabel('Shape', { exact: true }).textContent(), '(400, 600, 3)');
    assert.match(await page.locator('[data-shape-note]').textContent(), /^coffee\.png/);
    assert.deepEqual((await readout(page)).values, r0.values);
  };

  await upload(page, 'notes.png', Buffer.from('These are my notes, not a picture.\n'));
  let text = await sourceMessage(page, /notes\.png/);
  assert.match(text, /“notes\.png” is not an image this browser can read \(it looks like a text file\).*has not changed/);
  assert.equal(await page.locator('[data-source-message]').getAttribute('data-kind'), 'error');
  await unchanged();

  await upload(page, 'empty.png', Buffer.alloc(0));
  text = await sourceMessage(page, /empty\.png/);
  assert.match(text, /“empty\.png” is empty \(0 bytes\)/);
  await unchanged();

  // A header that claims 5000 x 5000 with no pixel data after it.
  const fake = pngFromRows(5000, 5000, 8, 2, Buffer.alloc(0)).subarray(0, 33);
  await upload(page, 'claims-big.png', Buffer.concat([fake, chunk('IEND', Buffer.alloc(0))]));
  text = await sourceMessage(page, /claims-big\.png/);
  assert.match(text, /starts like a PNG file but could not be decoded: it may be damaged or cut short\./);
  await unchanged();

  // A real PNG cut short (Firefox and WebKit would show it part white: refused before decoding).
  const whole = rgbPng(3, 2, [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 34, 56], [200, 100, 50], [255, 255, 255]]);
  await upload(page, 'cut.png', whole.subarray(0, whole.length - 20));
  text = await sourceMessage(page, /cut\.png/);
  assert.match(text, /“cut\.png” starts like a PNG file but could not be decoded: it may be damaged or cut short\./);
  await unchanged();

  // Beyond what the page decodes at all.
  await upload(page, 'giant.png', pngFromRows(30000, 30000, 1, 0, Buffer.alloc(0)));
  text = await sourceMessage(page, /giant\.png/);
  assert.match(text, /30000 × 30000 pixels, 900 megapixels: more than this page can decode/);
  await unchanged();
  await screenshot(page, 'pixels-bad-file');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('large photos are scaled down to the 2048-pixel limit; past 50 megapixels they are refused before decoding', async () => {
  const page = await openPixels('#sample=coffee');
  // A real, valid 6000 x 4000 RGB PNG (a 24-megapixel photo's size; zeros compress well), with a red band.
  const w = 6000, h = 4000, stride = 1 + 3 * w;
  const raw = Buffer.alloc(h * stride);
  for (let y = 2000; y < 2100; y++) for (let x = 0; x < w; x++) raw[y * stride + 1 + 3 * x] = 255;
  await upload(page, 'big.png', pngFromRows(w, h, 8, 2, raw));
  let text = await sourceMessage(page, /big\.png/);
  assert.match(text, /“big\.png” is 4000 pixels high and 6000 wide, more than the 2048-pixel limit on the longest side here, so it was scaled down to 1365 high and 2048 wide\./);
  await shapeIs(page, '(1365, 2048, 3)');
  assert.deepEqual((await goTo(page, 700, 3)).values, [255, 0, 0], 'the red band, scaled (rows 683-716)');
  // A real 20000 x 20000 PNG (1-bit gray, all black): 400 megapixels, refused by its header;
  // decoding it took Chromium's renderer to about 3.2 GB.
  await upload(page, 'huge.png', pngFromRows(20000, 20000, 1, 0, Buffer.alloc(20000 * 2501)));
  text = await sourceMessage(page, /huge\.png/);
  assert.match(text, /“huge\.png” is 20000 × 20000 pixels, 400 megapixels: more than this page can decode \(the limit is 50 megapixels\b.*has not changed/);
  assert.equal(await page.getByLabel('Shape', { exact: true }).textContent(), '(1365, 2048, 3)');
  // Just under the limit: 7000 x 7000, 49 megapixels, is decoded and scaled.
  await upload(page, 'square.png', pngFromRows(7000, 7000, 1, 0, Buffer.alloc(7000 * 876)));
  text = await sourceMessage(page, /square\.png/);
  assert.match(text, /is 7000 pixels high and 7000 wide, .*scaled down to 2048 high and 2048 wide\./);
  await shapeIs(page, '(2048, 2048)');
  const r = await goTo(page, 3, 3);
  assert.deepEqual(r.values, [0]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the editable matrix: numbers make the picture and the picture makes numbers', async () => {
  const page = await openPixels();
  const editor = page.getByRole('region', { name: '4. Make an image from numbers' });
  const literal = editor.locator('[data-ed-literal]');
  assert.equal(await literal.textContent(), '[[255, 255, 255], [255, 0, 255], [255, 255, 255]]');
  const pixel = (r, c) => editor.getByRole('button', { name: new RegExp(`^Pixel row ${r}, column ${c}: `) });
  const bg = (loc) => loc.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await bg(pixel(1, 1)), 'rgb(0, 0, 0)');

  await editor.getByLabel('Row 1, column 1', { exact: true }).fill('100');
  assert.equal(await pixel(1, 1).getAttribute('aria-label'), 'Pixel row 1, column 1: 100');
  assert.equal(await bg(pixel(1, 1)), 'rgb(100, 100, 100)');

  const alert = editor.getByRole('alert');
  for (const [typed, why] of [['abc', /a pixel must be a number/], ['300', /a pixel must be from 0 to 255/],
    ['12.5', /a pixel must be a whole number/], ['', /a pixel must be a number/]]) {
    await editor.getByLabel('Row 1, column 1', { exact: true }).fill(typed);
    assert.match(await alert.textContent(), why, `message for "${typed}"`);
    assert.match(await alert.textContent(), /^Row 1, column 1: .*The picture keeps the last valid number/);
    assert.equal(await editor.getByLabel('Row 1, column 1', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await bg(pixel(1, 1)), 'rgb(100, 100, 100)', 'the last valid value stays');
  }
  await editor.getByLabel('Row 1, column 1', { exact: true }).fill('7');
  assert.equal(await editor.locator('[data-ed-message]').textContent(), '', 'no message once the cell is valid');
  assert.equal(await bg(pixel(1, 1)), 'rgb(7, 7, 7)');

  // Painting: click a pixel, its number changes.
  await editor.getByLabel('Paint value').fill('30');
  await pixel(0, 2).click();
  assert.equal(await editor.getByLabel('Row 0, column 2', { exact: true }).inputValue(), '30');
  assert.equal(await literal.textContent(), '[[255, 255, 30], [255, 7, 255], [255, 255, 255]]');
  // ... and with the keyboard: arrows then Enter.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await editor.getByLabel('Row 1, column 2', { exact: true }).inputValue(), '30');

  // A bigger matrix keeps the numbers it had.
  await editor.getByLabel('Columns').fill('4');
  assert.equal(await literal.textContent(), '[[255, 255, 30, 255], [255, 7, 30, 255], [255, 255, 255, 255]]');
  await editor.getByRole('button', { name: "Back to the class's example" }).click();
  assert.equal(await literal.textContent(), '[[255, 255, 255], [255, 0, 255], [255, 255, 255]]');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the MLP view: 784 numbers in one vector, and a reproducible shuffle', async () => {
  const page = await openPixels('#sample=camera');
  const vector = page.getByRole('list', { name: 'The image as one vector of 784 numbers' });
  const cells = vector.getByRole('listitem');
  assert.equal(await cells.count(), 784);
  const labels = async () => cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  const parse = (l) => /^x\[(\d+)\] = (\d+), pixel at row (\d+), column (\d+)$/.exec(l).slice(1).map(Number);
  const plain = (await labels()).map(parse);
  // In order: x[i] is row floor(i / 28), column i % 28.
  for (const [i, , row, col] of plain) assert.deepEqual([row, col], [Math.floor(i / 28), i % 28]);
  // With the keyboard: one tab stop, the arrow keys move along it and read each number out.
  const readout = page.locator('[data-mlp-readout]');
  const readIs = async (i) => assert.equal(await readout.textContent(), (await labels())[i]);
  await vector.focus();
  await page.keyboard.press('End');
  await readIs(783);
  await page.keyboard.press('Home');
  await readIs(0);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await readIs(29);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp'); // stays at the start
  await readIs(0);

  await page.getByLabel('Show the vector shuffled').check();
  const shuffled = (await labels()).map(parse);
  const byPixel = new Map(plain.map(([, v, r, c]) => [`${r},${c}`, v]));
  const moved = shuffled.filter(([i, , r, c]) => i !== r * 28 + c).length;
  assert.ok(moved > 700, `most pixels moved (${moved})`);
  for (const [, v, r, c] of shuffled) assert.equal(v, byPixel.get(`${r},${c}`), 'the same numbers, moved');
  assert.equal(new Set(shuffled.map(([, , r, c]) => `${r},${c}`)).size, 784, 'a permutation');

  // The same seed gives the same shuffle after a reload; another seed another one.
  const p0 = await page.locator('[data-mlp-p0]').textContent();
  await page.waitForFunction(() => location.hash.includes('shuffled=1'));
  await page.reload();
  await shapeIs(page, '(512, 512)');
  assert.equal(await page.getByLabel('Show the vector shuffled').isChecked(), true, 'kept in the link');
  assert.equal(await page.locator('[data-mlp-p0]').textContent(), p0);
  assert.deepEqual((await labels()).map(parse), shuffled);
  await page.getByLabel('Shuffle number (seed)').fill('2');
  assert.notEqual(await page.locator('[data-mlp-p0]').textContent(), p0);
  // Several images get the same shuffle.
  assert.ok(await page.getByRole('img', { name: /pixels shuffled$/ }).count() >= 4);
  await page.context().close();
});

test('the link holds the view: sample, 2D/3D, lens position', async () => {
  const page = await openPixels('#sample=chelsea&view=gray&x=40&y=30');
  await shapeIs(page, '(300, 451)');
  let r = await readout(page);
  assert.deepEqual([r.row, r.col], [30, 40]);
  assert.equal(await page.getByRole('radio', { name: /Grayscale: 2D/ }).isChecked(), true);
  assert.equal(await page.getByLabel('Sample image').inputValue(), 'chelsea');
  // Moving updates the link; opening the link elsewhere shows the same view.
  await page.getByRole('group', { name: 'Image pixels' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('x=41'));
  const url = page.url();
  const other = await env.newPage();
  await other.goto(url);
  await shapeIs(other, '(300, 451)');
  r = await readout(other);
  assert.deepEqual([r.row, r.col], [30, 41]);
  // A link pasted into an open tab applies too.
  await other.evaluate(() => { location.hash = 'sample=astronaut&x=3&y=4'; });
  await shapeIs(other, '(512, 512, 3)');
  r = await readout(other);
  assert.deepEqual([r.row, r.col], [4, 3]);
  await page.context().close();
  await other.context().close();
});

test('the webcam: a clear message where there is none, a picture where there is one', async () => {
  const page = await openPixels('#sample=coffee');
  await page.getByRole('button', { name: 'Use the webcam' }).click();
  const text = await sourceMessage(page, /webcam/i);
  assert.match(text, /(No webcam was found|webcam was not allowed|could not be started).*has not changed/);
  assert.equal(await page.getByLabel('Shape', { exact: true }).textContent(), '(400, 600, 3)');
  await page.context().close();

  // Chromium's fake camera (a test pattern), with permission granted.
  const camBrowser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const cam = await camBrowser.newPage();
    await cam.goto(`${env.url}pixels.html#sample=coffee`);
    await shapeIs(cam, '(400, 600, 3)');
    await cam.getByRole('button', { name: 'Use the webcam' }).click();
    await cam.getByRole('button', { name: 'Take the picture' }).click();
    // the camera's frame replaces the sample (whose shape is there until the frame is read)
    const frame = await shapeIs(cam, /^\((?!400, 600, 3\))\d+, \d+, 3\)$/);
    assert.notEqual(frame, '(400, 600, 3)');
    await cam.getByRole('button', { name: 'Stop the webcam' }).click();
    assert.equal(await cam.getByRole('button', { name: 'Use the webcam' }).isVisible(), true);
  } finally {
    await camBrowser.close();
  }
});

test('screenshots at projector and phone sizes', async () => {
  for (const [name, viewport] of [['pixels-desktop', { width: 1280, height: 900 }], ['pixels-phone', { width: 390, height: 844 }]]) {
    const page = await openPixels('#sample=astronaut', viewport);
    await shapeIs(page, '(512, 512, 3)');
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the screen`);
    await screenshot(page, name);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

// ---- links and number fields (issue 10, items 5, 10, 18) ----

/** The text of the elements an input's aria-describedby names. */
async function describedBy(input) {
  const ids = (await input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return input.page().evaluate((list) => list.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim(), ids);
}

/** Elements marked hidden that are shown anyway, and elements hidden or shown by an inline display style. */
async function visibilityFaults(page) {
  return page.evaluate(() => [
    ...[...document.querySelectorAll('[hidden]')].filter((el) => getComputedStyle(el).display !== 'none').map((el) => `shown: ${el.outerHTML.slice(0, 60)}`),
    ...[...document.querySelectorAll('body *')].filter((el) => el.style.display || el.style.visibility).map((el) => `inline: ${el.outerHTML.slice(0, 60)}`),
  ]);
}

test('a link is read key by key: what it cannot mean falls back to its default, and the page says which key and why', async () => {
  const page = await openPixels('#sample=chelsea&view=grey&x=40&y=30&seed=0x10&shuffled=maybe&zoom=2');
  await shapeIs(page, '(300, 451, 3)');
  const message = page.locator('[data-page-message]');
  assert.equal(await message.textContent(),
    'This link’s “view=grey” was ignored (view is color or gray): using colour, or gray for a grayscale picture. '
    + 'This link’s “seed=0x10” was ignored (the seed must be a number): using 1. '
    + 'This link’s “shuffled=maybe” was ignored (shuffled is 0 or 1): using 0. '
    + 'This link has a name the page does not know, ignored: “zoom”.');
  // The rest is kept: the sample and the lens.
  const r = await readout(page);
  assert.deepEqual([r.row, r.col], [30, 40]);
  assert.equal(await page.getByLabel('Shuffle number (seed)').inputValue(), '1');
  // The link is written back as the view shown.
  await page.waitForFunction(() => !location.hash.includes('seed'));
  assert.match(page.url(), /#sample=chelsea&x=40&y=30$/);
  await screenshot(page, 'pixels-link-notes');
  await page.context().close();

  // The lens position is a pair, and must lie in the picture.
  for (const [hash, note] of [
    ['#sample=chelsea&x=40', /^This link’s “x=40” was ignored \(the lens position needs both x and y, this link has only x\): using the picture’s starting spot\.$/],
    ['#sample=chelsea&x=4.5&y=30', /^This link’s “x=4\.5” was ignored \(x must be a whole number\): using the picture’s starting spot\. This link’s “y=30” was ignored \(it goes with “x”, which was ignored\)/],
    ['#sample=chelsea&x=451&y=30', /^This link’s “x=451” and “y=30” were ignored together \(the picture is 300 pixels high and 451 wide: y, the row, goes from 0 to 299 and x, the column, from 0 to 450\): using its starting spot\.$/],
    ['#sample=catz&x=1&y=2', /^This link’s “sample=catz” was ignored \(sample is camera, astronaut, coffee, chelsea or retina\): using astronaut\.$/],
  ]) {
    const p = await openPixels(hash);
    await p.locator('[data-page-message]').filter({ hasText: note }).waitFor({ timeout: 5000 })
      .catch(async () => assert.fail(`${hash}: “${await p.locator('[data-page-message]').textContent()}”`));
    await p.context().close();
  }
  // A good link says nothing; a bad one pasted into the open tab is said there.
  const other = await openPixels('#sample=camera&x=3&y=4&seed=5');
  await shapeIs(other, '(512, 512)');
  assert.equal(await other.locator('[data-page-message]').textContent(), '');
  await other.evaluate(() => { location.hash = 'sample=coffee&m=2x2:0.0.0.999'; });
  await shapeIs(other, '(400, 600, 3)');
  assert.equal(await other.locator('[data-page-message]').textContent(),
    'This link’s “m=2x2:0.0.0.999” was ignored (a pixel holds a whole number from 0 to 255): using the class’s dark dot.');
  assert.equal(await other.locator('[data-ed-literal]').textContent(), '[[255, 255, 255], [255, 0, 255], [255, 255, 255]]');
  assert.deepEqual(other.problems, []);
  await other.context().close();
});

test('every number field takes only what a person means; a bad value is said next to its field and changes nothing', async () => {
  const page = await openPixels();
  const editor = page.getByRole('region', { name: '4. Make an image from numbers' });
  const literal = editor.locator('[data-ed-literal]');
  const dot = '[[255, 255, 255], [255, 0, 255], [255, 255, 255]]';
  // A matrix cell: hex and exponents are not numbers a pixel holds.
  const cell = editor.getByLabel('Row 1, column 1', { exact: true });
  for (const [typed, said] of [['0x10', 'a pixel must be a number'], ['1e2', 'a pixel must be a whole number'], ['Infinity', 'a pixel must be a number']]) {
    await cell.fill(typed);
    assert.equal(await cell.getAttribute('aria-invalid'), 'true', typed);
    assert.equal(await describedBy(cell), `Row 1, column 1: ${said}. The picture keeps the last valid number.`);
    assert.equal(await literal.textContent(), dot, `${typed}: the matrix stays`);
  }
  await cell.fill('16');
  assert.equal(await literal.textContent(), '[[255, 255, 255], [255, 16, 255], [255, 255, 255]]');
  // Rows, columns, paint value, seed: number fields with their message beside them.
  const rows = editor.getByLabel('Rows'), cols = editor.getByLabel('Columns');
  for (const [field, typed, said] of [
    [rows, '9', 'The number of rows must be from 1 to 8.'],
    [rows, '0', 'The number of rows must be from 1 to 8.'],
    [rows, '2.5', 'The number of rows must be a whole number.'],
    [rows, '1e0', 'The number of rows must be a whole number.'],
    [cols, '', 'The number of columns must be a number.'],
  ]) {
    await field.fill(typed);
    assert.equal(await field.getAttribute('aria-invalid'), 'true', typed);
    assert.equal(await describedBy(field), said);
    assert.equal(await literal.textContent(), '[[255, 255, 255], [255, 16, 255], [255, 255, 255]]', `${typed}: the matrix stays`);
  }
  await cols.fill('2');
  await rows.fill('2');
  assert.equal(await literal.textContent(), '[[255, 255], [255, 16]]');
  assert.equal(await describedBy(rows), '');
  assert.equal(await rows.getAttribute('aria-invalid'), 'false');
  const brush = editor.getByLabel('Paint value');
  await brush.fill('300');
  assert.equal(await describedBy(brush), 'The paint value must be from 0 to 255.');
  await editor.getByRole('button', { name: /^Pixel row 0, column 0: / }).click();
  assert.equal(await literal.textContent(), '[[255, 255], [255, 16]]', 'no paint with a bad paint value');
  await brush.fill('7');
  assert.equal(await describedBy(brush), '');
  await editor.getByRole('button', { name: /^Pixel row 0, column 0: / }).click();
  assert.equal(await literal.textContent(), '[[7, 255], [255, 16]]');
  await screenshot(page, 'pixels-bad-fields');
  const seed = page.getByLabel('Shuffle number (seed)');
  const p0 = await page.locator('[data-mlp-p0]').textContent();
  for (const [typed, said] of [['1.5', 'The seed must be a whole number.'], ['0', 'The seed must be from 1 to 999,999.'], ['1e3', 'The seed must be a whole number.']]) {
    await seed.fill(typed);
    assert.equal(await seed.getAttribute('aria-invalid'), 'true');
    assert.equal(await describedBy(seed), `The same seed always gives the same shuffle. ${said}`);
    assert.equal(await page.locator('[data-mlp-p0]').textContent(), p0, `${typed}: the shuffle stays`);
  }
  await seed.fill('2');
  assert.notEqual(await page.locator('[data-mlp-p0]').textContent(), p0);
  assert.deepEqual(await visibilityFaults(page), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
