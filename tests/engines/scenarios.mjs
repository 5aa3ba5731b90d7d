// What a class does with the lab, written once and run in every engine
// (run.mjs runs this list in Chromium, Firefox and WebKit). Each scenario uses
// the pages as a person would, through labels, roles, keys and file inputs
// (page.mjs), and checks the numbers the page shows against a computation made
// here: PNGs decoded in node (tests/lib/png.mjs), a naive convolution, the
// native trainer's evaluation of a model file.
//
//   export const SCENARIOS = [{ name, run(ctx) }, ...]
//   ctx: { page, engine ('chromium' | 'firefox' | 'webkit'), site (the build/site folder),
//          trainer (build/native/convlab-train), tmp (a folder for files),
//          note(text) (says, in the test's output, where an engine or its driver differs) }
//
// Where an engine differs and the scenario works around it, the code says so at
// that spot (search for `note(`), with what was seen.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { until } from './page.mjs';
import { chunk, decodePng, pixelAt, pngFromRows, rgbPng } from '../lib/png.mjs';
import { startServer } from '../../scripts/serve.mjs';

const TRAIN_TIMEOUT = 180_000;
const percent = (text) => Number(/([\d.]+)%/.exec(text)?.[1] ?? NaN);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- independent computations ----

const samples = new Map();
function sample(site, name) {
  if (!samples.has(name)) samples.set(name, decodePng(fs.readFileSync(path.join(site, 'samples', name))));
  return samples.get(name);
}

/** Z[j1, j2] of a 2D convolution (the class's formula, a naive loop), zero padding. */
function convZeroPad(x, h, w, kernel, k, j1, j2) {
  const p = Math.floor((k - 1) / 2);
  let sum = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const iy = j1 + a - p, ix = j2 + b - p;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) sum += kernel[a * k + b] * x[iy * w + ix];
    }
  }
  return sum;
}
const SOBEL_X = [1, 0, -1, 2, 0, -2, 1, 0, -1];

/** Training image i of the Quick set as the site serves it: 784 bytes read from the quick pack's IDX file here. */
function trainingImage(site, i) {
  const idx = zlib.gunzipSync(fs.readFileSync(path.join(site, 'data/quick-train-images-idx3-ubyte.gz')));
  assert.equal(idx.readUInt32BE(0), 0x803, 'an IDX file of unsigned bytes, 3 dimensions');
  return [...idx.subarray(16 + 784 * i, 16 + 784 * (i + 1))];
}

/** The native trainer's test accuracy (0-1) of a model file, on all 10,000 test images. */
function nativeTestAccuracy(trainer, file) {
  const out = execFileSync(trainer, ['--load', file, '--epochs', '0', '--quiet'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).test_acc;
}

/**
 * A JPEG whose frame header (SOF) says width x height and lies past its first 320 KB:
 * five comment segments are put in front of it. The pixel data stays as it was.
 */
function jpegWithFarFrameHeader(jpeg, width, height) {
  const comments = Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([0xff, 0xfe, 0xff, 0xff]), Buffer.alloc(0xfffd, 0x20)]));
  const out = Buffer.concat([jpeg.subarray(0, 2), ...comments, jpeg.subarray(2)]);
  for (let i = 2; i + 9 < out.length; i += 2 + out.readUInt16BE(i + 2)) {
    assert.equal(out[i], 0xff, `a marker at byte ${i}`);
    if (out[i + 1] === 0xc0 || out[i + 1] === 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF0 or SOF2 marker');
}

const SIX = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 34, 56], [200, 100, 50], [255, 255, 255]];

// ---- the pages, as a person uses them ----

async function shapeIs(page, want) {
  const shape = page.getByLabel('Shape', { exact: true });
  await shape.waitFor({ hasText: new RegExp(`^${escape(want)}$`) });
}

/** The pixels page's readout "Row r, column c: R 1, G 2, B 3" (or "value 7" / "Y 7"). */
async function readout(page) {
  const text = await page.getByLabel('Pixel under the lens').textContent();
  const m = /^Row (\d+), column (\d+): (?:R (\d+), G (\d+), B (\d+)|(?:value|Y) (\d+))$/.exec(text);
  assert.ok(m, `readout "${text}"`);
  const values = m[6] !== undefined ? [Number(m[6])] : [m[3], m[4], m[5]].map(Number);
  return { row: Number(m[1]), col: Number(m[2]), values };
}

/** Moves the pixels page's lens with the keyboard from the top-left corner to (row, col). */
async function lensTo(page, row, col) {
  await page.getByRole('group', { name: 'Image pixels' }).focus();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < Math.floor(col / 10); i++) await page.keyboard.press('Shift+ArrowRight');
  for (let i = 0; i < col % 10; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < Math.floor(row / 10); i++) await page.keyboard.press('Shift+ArrowDown');
  for (let i = 0; i < row % 10; i++) await page.keyboard.press('ArrowDown');
  const r = await until(async () => {
    const now = await readout(page);
    return now.row === row && now.col === col ? now : undefined;
  }, `the lens at (${row}, ${col})`, 5000);
  return r.values;
}

/** The message under "Choose an image" once it is not a progress message ("Reading x.png…"). */
async function sourceMessage(page, re) {
  const msg = page.locator('[data-source-message]');
  return until(async () => {
    const t = await msg.textContent();
    return re.test(t) && !/…$/.test(t) ? t : undefined;
  }, `a message matching ${re}`);
}

/** Waits until every engine call the kernels page made is answered and drawn. */
async function kernelsIdle(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0');
}

async function kernelsOpen(page, hash = '') {
  await page.goto(`kernels.html${hash}`);
  await page.locator('[data-engine-badge]').waitFor({ hasText: /SIMD|scalar|not loaded/ });
  await kernelsIdle(page);
}

/** The number the kernels page shows for `label`, e.g. 'Z[0, 0]'. */
async function kernelsResult(page, label) {
  const text = await page.getByLabel(`Result ${label}`, { exact: true }).textContent();
  const m = /^(.*) = (-?[\d.]+)$/.exec(text.trim());
  assert.ok(m, `result text “${text}”`);
  assert.equal(m[1], label);
  return Number(m[2]);
}

async function kernelsPick(page, j1, j2) {
  for (const [name, v] of [['Output row j1', j1], ['Output column j2', j2]]) {
    const input = page.getByLabel(name, { exact: true });
    await input.fill(String(v));
    await input.press('Enter');
  }
  await kernelsIdle(page);
  await page.getByLabel(`Result Z[${j1}, ${j2}]`, { exact: true }).waitFor();
}

async function kernelsChoose(page, label, value) {
  await page.getByLabel(label, { exact: true }).selectOption(value);
  await kernelsIdle(page);
}

/** From now on a download the page starts is kept in the page instead (see takeDownload). */
async function catchDownloads(page) {
  await page.evaluate(() => {
    window.__engineTestDownloads = [];
    // the blob behind each object URL: the page's CSP (connect-src 'self') lets nothing fetch blob: URLs
    const blobs = new Map();
    const make = URL.createObjectURL;
    URL.createObjectURL = (blob) => {
      const url = make.call(URL, blob);
      blobs.set(url, blob);
      return url;
    };
    document.addEventListener('click', (e) => {
      const a = e.target.closest?.('a[download]');
      if (!a) return;
      e.preventDefault();
      window.__engineTestDownloads.push(blobs.get(a.href).arrayBuffer().then((buf) => {
        let s = '';
        for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
        return { name: a.download, base64: btoa(s) };
      }));
    }, true);
  });
}

/** The last download caught, as { name, bytes }. */
async function takeDownload(page) {
  await page.waitForFunction(() => window.__engineTestDownloads?.length > 0);
  const d = await page.evaluate(() => window.__engineTestDownloads.pop());
  return { name: d.name, bytes: Buffer.from(d.base64, 'base64') };
}

async function noProblems(page) {
  assert.deepEqual(await page.problems(), [], 'errors reported by the page');
}

// ---- scenarios ----

export const SCENARIOS = [
  {
    name: 'every page loads the SIMD build (relaxed where the engine runs it); the landing page computes the worked example (2040)',
    async run({ page, engine, note }) {
      await page.goto('./');
      const status = page.getByRole('status', { name: 'The engine' });
      await status.waitFor({ hasText: 'Engine loaded' });
      // the relaxed SIMD build where this engine validates it (Chromium, Firefox 146+), else SIMD (WebKit)
      const relaxed = await page.evaluate(() => import('./lib/wasm-features.js').then((m) => m.relaxedSupported()));
      note(`${engine}: ${relaxed ? 'relaxed SIMD' : 'SIMD'} build`);
      assert.equal(await status.textContent(), `Engine loaded: WebAssembly SIMD${relaxed ? ' (relaxed)' : ''}`);
      assert.equal(await status.getAttribute('data-simd'), 'true');
      assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
      for (const name of ['Pixels', 'Kernels', 'Train']) {
        assert.ok(await page.getByRole('navigation', { name: 'Labs' }).getByRole('link', { name, exact: true }).isVisible(), name);
      }
      // Each lab page says so in its badge; the kernels link opens the kernels page.
      await page.getByRole('navigation', { name: 'Labs' }).getByRole('link', { name: 'Kernels', exact: true }).click();
      await page.getByRole('heading', { name: /kernel/i }).first().waitFor();
      for (const file of ['kernels.html', 'pixels.html', 'train.html']) {
        if (file !== 'kernels.html') await page.goto(file);
        const badge = page.locator('[data-engine-badge]');
        await badge.waitFor({ hasText: /SIMD|scalar|not loaded/ });
        // the train page names the build; the kernels page keeps the SIMD build (its numbers are exact copies)
        if (file === 'train.html') assert.equal(await badge.textContent(), `Engine: WebAssembly SIMD${relaxed ? ' (relaxed)' : ''}`, file);
        else assert.match(await badge.textContent(), /^Engine: WASM SIMD$/, file);
        // each page done loading before the next (a person reads it first)
        if (file === 'kernels.html') await kernelsIdle(page);
        if (file === 'pixels.html') await shapeIs(page, '(512, 512, 3)');
      }
      await noProblems(page);
    },
  },

  {
    name: 'the pixels page shows the numbers stored in a known image (keyboard, link, grayscale)',
    async run({ page, site }) {
      const coffee = sample(site, 'coffee.png');
      await page.goto('pixels.html#sample=coffee');
      await shapeIs(page, '(400, 600, 3)');
      assert.equal(await page.getByLabel('Axes').textContent(), '(height, width, channels)');
      for (const [row, col] of [[0, 0], [2, 3], [21, 12]]) {
        assert.deepEqual(await lensTo(page, row, col), pixelAt(coffee, row, col), `coffee (${row}, ${col})`);
      }
      // Far pixels through the link, as a teacher would share them.
      for (const [row, col] of [[123, 457], [399, 599]]) {
        await page.goto(`pixels.html#sample=coffee&x=${col}&y=${row}`);
        await shapeIs(page, '(400, 600, 3)');
        const r = await until(async () => { const v = await readout(page); return v.row === row ? v : undefined; }, 'the lens from the link');
        assert.deepEqual([r.row, r.col], [row, col]);
        assert.deepEqual(r.values, pixelAt(coffee, row, col), `coffee (${row}, ${col})`);
      }
      // The grayscale view: Y = 0.299 R + 0.587 G + 0.114 B, worked out exactly
      // (299 R + 587 G + 114 B thousandths, to the nearest whole 1000, an exact half to the even number).
      await page.getByRole('radio', { name: /Grayscale: 2D/ }).check();
      await shapeIs(page, '(400, 600)');
      const [R, G, B] = pixelAt(coffee, 2, 3);
      const [y] = await lensTo(page, 2, 3);
      const q = 299 * R + 587 * G + 114 * B, whole = Math.floor(q / 1000), rest = q % 1000;
      assert.equal(y, rest > 500 || (rest === 500 && whole % 2 === 1) ? whole + 1 : whole, `Y for ${[R, G, B]}`);
      // The grayscale sample's numbers are the file's bytes.
      await page.getByLabel('Sample image').selectOption('camera');
      await shapeIs(page, '(512, 512)');
      assert.deepEqual(await lensTo(page, 31, 17), pixelAt(sample(site, 'camera.png'), 31, 17));
      await page.screenshot(`pixels-${page.engine}`);
      await noProblems(page);
    },
  },

  {
    name: 'an uploaded image shows its shape and numbers; a file cut short, a huge one and a text file are refused',
    async run({ page }) {
      await page.goto('pixels.html#sample=coffee');
      await shapeIs(page, '(400, 600, 3)');
      const upload = (name, buffer) => page.getByLabel('Your own image').setInputFiles({ name, buffer });
      await upload('six-pixels.png', rgbPng(3, 2, SIX));
      await shapeIs(page, '(2, 3, 3)');
      for (let i = 0; i < 6; i++) assert.deepEqual(await lensTo(page, Math.floor(i / 3), i % 3), SIX[i], `pixel ${i}`);
      assert.match(await page.locator('[data-shape-note]').textContent(), /^six-pixels\.png: 2 pixels high and 3 wide\./);

      const unchanged = async () => {
        assert.equal(await page.getByLabel('Shape', { exact: true }).textContent(), '(2, 3, 3)');
        assert.match(await page.locator('[data-shape-note]').textContent(), /^six-pixels\.png/);
        assert.deepEqual((await readout(page)).values, SIX[5]);
      };
      // Cut short: in the middle of the pixel data, and at a chunk boundary before IEND.
      const whole = rgbPng(3, 2, SIX);
      for (const [name, bytes] of [['cut.png', whole.subarray(0, whole.length - 20)], ['no-end.png', whole.subarray(0, whole.length - 12)]]) {
        await upload(name, bytes);
        const text = await sourceMessage(page, new RegExp(escape(name)));
        assert.match(text, new RegExp(`^“${escape(name)}” starts like a PNG file but could not be decoded: it may be damaged or cut short\\. The image shown has not changed\\.$`));
        assert.equal(await page.locator('[data-source-message]').getAttribute('data-kind'), 'error');
        await unchanged();
      }
      // A JPEG cut short, made by this browser's own encoder.
      const jpeg = await page.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = 40; c.height = 30;
        const g = c.getContext('2d');
        g.fillStyle = '#c03020';
        g.fillRect(0, 0, 40, 30);
        const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/jpeg'));
        let s = '';
        for (const b of new Uint8Array(await blob.arrayBuffer())) s += String.fromCharCode(b);
        return btoa(s);
      });
      const jpegBytes = Buffer.from(jpeg, 'base64');
      await upload('photo.jpg', jpegBytes);
      await shapeIs(page, '(30, 40, 3)');
      await upload('six-pixels.png', rgbPng(3, 2, SIX));
      await shapeIs(page, '(2, 3, 3)');
      await lensTo(page, 1, 2);
      await upload('cut.jpg', jpegBytes.subarray(0, jpegBytes.length - 30));
      assert.match(await sourceMessage(page, /cut\.jpg/), /^“cut\.jpg” starts like a JPEG file but could not be decoded: it may be damaged or cut short\./);
      await unchanged();
      // More pixels than a 4 GB device survives decoding: refused by the header, before decoding.
      await upload('huge.png', pngFromRows(20000, 20000, 1, 0, Buffer.alloc(20000 * 2501)));
      assert.match(await sourceMessage(page, /huge\.png/),
        /^“huge\.png” is 20000 × 20000 pixels, 400 megapixels: more than this page can decode \(the limit is 50 megapixels\b/);
      await unchanged();
      // ... also when a JPEG's frame header comes after a large EXIF-like block.
      await upload('far.jpg', jpegWithFarFrameHeader(jpegBytes, 10000, 10000));
      assert.match(await sourceMessage(page, /far\.jpg/), /^“far\.jpg” is 10000 × 10000 pixels, 100 megapixels: more than this page can decode/);
      await unchanged();
      // Not an image at all.
      await upload('notes.png', Buffer.from('These are my notes, not a picture.\n'));
      assert.match(await sourceMessage(page, /notes\.png/), /“notes\.png” is not an image this browser can read \(it looks like a text file\)/);
      await unchanged();
      // A header that claims pixels but has no pixel data.
      await upload('claims.png', Buffer.concat([pngFromRows(5000, 5000, 8, 2, Buffer.alloc(0)).subarray(0, 33), chunk('IEND', Buffer.alloc(0))]));
      assert.match(await sourceMessage(page, /claims\.png/), /starts like a PNG file but could not be decoded/);
      await unchanged();
      // A large photo's size (6000 x 4000, 24 megapixels) is read, and scaled to the page's limit.
      // A red band in rows 40-139: rows 14-47 once scaled, a few key presses from the top.
      const w = 6000, h = 4000, stride = 1 + 3 * w;
      const raw = Buffer.alloc(h * stride);
      for (let row = 40; row < 140; row++) for (let x = 0; x < w; x++) raw[row * stride + 1 + 3 * x] = 255;
      await upload('big.png', pngFromRows(w, h, 8, 2, raw));
      assert.match(await sourceMessage(page, /big\.png/), /“big\.png” is 4000 pixels high and 6000 wide, .*scaled down to 1365 high and 2048 wide\./);
      await shapeIs(page, '(1365, 2048, 3)');
      assert.deepEqual(await lensTo(page, 30, 3), [255, 0, 0], 'the red band, scaled');
      assert.deepEqual(await lensTo(page, 60, 3), [0, 0, 0], 'below the band');
      await page.screenshot(`upload-${page.engine}`);
      await noProblems(page);
    },
  },

  {
    name: 'the kernels page: the worked example (2040), a kernel edit, and Sobel on a photo match a naive convolution',
    async run({ page, site }) {
      await kernelsOpen(page);
      assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'dot');
      assert.equal(await kernelsResult(page, 'Z[0, 0]'), 2040);
      assert.match(await page.locator('[data-step]').textContent(), /Σ = 0 \+ 255 \+ 510 \+ 510 \+ 0 \+ 0 \+ 0 \+ 255 \+ 510 = 2040/);
      // An edit re-renders: W[0, 1] from 1 to 3 adds 2 · 255.
      const before = Number(await page.locator('[data-output-canvas]').getAttribute('data-render-count'));
      await page.getByLabel('W[0, 1]', { exact: true }).fill('3');
      await kernelsIdle(page);
      await until(async () => ((await kernelsResult(page, 'Z[0, 0]')) === 2550 ? true : undefined), 'Z[0, 0] = 2550');
      assert.ok(Number(await page.locator('[data-output-canvas]').getAttribute('data-render-count')) > before, 'rendered again');
      // The arrow keys move between kernel cells.
      await page.getByLabel('W[0, 1]', { exact: true }).press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'W[1, 1]');

      // Sobel Gx on the cameraman photo, zero padding, against a naive loop over the file's pixels.
      await kernelsChoose(page, 'Image', 'camera');
      await kernelsChoose(page, 'Preset', 'sobelX');
      await kernelsChoose(page, 'Padding', 'zero');
      assert.equal(await page.getByLabel('W[1, 2]', { exact: true }).inputValue(), '-2');
      const camera = sample(site, 'camera.png');
      for (const [j1, j2] of [[100, 37], [0, 0], [511, 300], [256, 511]]) {
        await kernelsPick(page, j1, j2);
        const want = convZeroPad(camera.data, camera.height, camera.width, SOBEL_X, 3, j1, j2);
        assert.equal(await kernelsResult(page, `Z[${j1}, ${j2}]`), want, `Z[${j1}, ${j2}]`);
      }
      // An uploaded picture: its shape, and Sobel on it.
      const pixels = [];
      for (let i = 0; i < 5 * 7; i++) pixels.push(Array(3).fill((i * 37) % 256)); // gray: its luma is itself
      await page.getByLabel('Your own image').setInputFiles({ name: 'gray-7x5.png', buffer: rgbPng(7, 5, pixels) });
      await kernelsIdle(page);
      await page.locator('[data-image-shape]').waitFor({ hasText: /shape \(5, 7\)/ });
      await kernelsPick(page, 2, 3);
      const x = pixels.map((p) => p[0]);
      assert.equal(await kernelsResult(page, 'Z[2, 3]'), convZeroPad(x, 5, 7, SOBEL_X, 3, 2, 3));
      await page.screenshot(`kernels-${page.engine}`);
      await noProblems(page);
    },
  },

  {
    name: 'a link reopens the same view (kernels, pixels and train pages)',
    async run({ page }) {
      await kernelsOpen(page);
      await kernelsChoose(page, 'Image', 'astronaut');
      await page.getByRole('radio', { name: /Multi-channel/ }).check();
      await kernelsIdle(page);
      await kernelsChoose(page, 'Preset', 'sobelY');
      await page.getByLabel('W_B[0, 0]', { exact: true }).fill('-1/3');
      await page.getByLabel(/^Bias b/).fill('5');
      await kernelsChoose(page, 'Padding', 'reflect');
      await kernelsChoose(page, 'Stride s', '2');
      await kernelsPick(page, 17, 42);
      const z = await kernelsResult(page, 'Z[17, 42]');
      await page.waitForFunction(() => location.hash.includes('px=17,42') && location.hash.includes('bias=5'));
      const url = await page.url();
      await page.goto('about:blank');
      await page.goto(url);
      await kernelsIdle(page);
      await page.getByLabel('Result Z[17, 42]', { exact: true }).waitFor();
      assert.equal(await page.getByLabel('Image', { exact: true }).inputValue(), 'astronaut');
      assert.equal(await page.getByRole('radio', { name: /Multi-channel/ }).isChecked(), true);
      assert.equal(await page.getByLabel('Padding').inputValue(), 'reflect');
      assert.equal(await page.getByLabel('Stride s').inputValue(), '2');
      assert.equal(await page.getByLabel('W_B[0, 0]', { exact: true }).inputValue(), '-1/3');
      assert.equal(await page.getByLabel(/^Bias b/).inputValue(), '5');
      assert.equal(await kernelsResult(page, 'Z[17, 42]'), z);

      // The pixels page: the lens moved by a key goes into the link.
      await page.goto('pixels.html#sample=chelsea&view=gray&x=40&y=30');
      await shapeIs(page, '(300, 451)');
      await page.getByRole('group', { name: 'Image pixels' }).press('ArrowRight');
      await page.waitForFunction(() => location.hash.includes('x=41'));
      const pixelsUrl = await page.url();
      await page.goto('about:blank');
      await page.goto(pixelsUrl);
      await shapeIs(page, '(300, 451)');
      const r = await readout(page);
      assert.deepEqual([r.row, r.col], [30, 41]);
      assert.equal(await page.getByRole('radio', { name: /Grayscale: 2D/ }).isChecked(), true);

      // The train page's settings.
      await page.goto('train.html#arch=cnn&convs=1&filters=4&k=5&pool=avg&dense=32&f=tanh&bs=64&lr=0.05&opt=momentum&momentum=0.8&epochs=2&seed=9&quick=0');
      await page.locator('[data-engine-badge]').waitFor({ hasText: 'WebAssembly' });
      assert.equal(await page.getByRole('radio', { name: 'CNN (convolutional)' }).isChecked(), true);
      assert.equal(await page.getByLabel('Batch size').inputValue(), '64');
      assert.equal(await page.getByRole('checkbox', { name: /^Quick/ }).isChecked(), false);
      assert.equal(await page.getByLabel('Model spec').inputValue(), 'conv5x5x4-tanh-avgpool2-dense32-tanh-dense10-softmax');
      await page.getByLabel('Learning rate').fill('0.02');
      await page.waitForFunction(() => /lr=0\.02/.test(location.hash));
      assert.match(await page.getByLabel('Link to these settings').inputValue(), /#.*arch=cnn.*lr=0\.02/);
      await noProblems(page);
    },
  },

  {
    name: 'the train page downloads the data, trains a quick epoch above 70%, saves, restores and loads a model',
    async run({ page, engine, site, trainer, tmp, note }) {
      await page.goto('train.html');
      await page.locator('[data-engine-badge]').waitFor({ hasText: 'WebAssembly' });
      assert.equal(await page.getByRole('checkbox', { name: /^Quick/ }).isChecked(), true, 'Quick mode by default');
      // A bad setting: training does not start, and the keyboard focus goes to the field.
      const lr = page.getByLabel('Learning rate');
      await lr.fill('0');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.locator('[data-run-message]').waitFor({ hasText: /^Training did not start/ });
      assert.equal(await lr.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'tr-lr', 'focus on the bad field');
      await lr.fill('0.001');
      assert.equal(await lr.getAttribute('aria-invalid'), 'false');

      await page.getByRole('button', { name: 'Load the data' }).click();
      await page.locator('[data-data-message]').waitFor({ hasText: /^Using the Quick set/, timeout: TRAIN_TIMEOUT });
      // The sample grid is one tab stop; arrow keys move in it; Enter opens an image as the file's numbers.
      const grid = page.getByRole('group', { name: 'Some training images, by class' });
      await grid.locator('button[tabindex="0"]').focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowDown');
      const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
      const chosen = /^Training image (\d+): Trouser$/.exec(focused);
      assert.ok(chosen, `the first trouser has the focus (${focused})`);
      assert.equal(await grid.locator('button[tabindex="0"]').count(), 1);
      if (engine === 'firefox') {
        // Firefox ESR 153 over WebDriver BiDi: a synthesized Enter (or Space) reaches a focused
        // <button> as keydown, keypress and keyup but does not activate it, on any page (checked on
        // a bare <button>): a gap of the driver, not of the page. So a click on the focused button.
        note('Enter on a focused button does not click it through WebDriver BiDi; the focused button is clicked instead');
        await grid.getByRole('button', { name: focused, exact: true }).click();
      } else await page.keyboard.press('Enter');
      await page.locator('[data-numbers-title]').waitFor({ hasText: `Training image ${chosen[1]} (Trouser)` });
      const numbers = page.getByRole('table', { name: /as 28 × 28 numbers/ });
      assert.deepEqual((await numbers.locator('td').allTextContents()).map(Number), trainingImage(site, Number(chosen[1])));
      // A small MLP, one epoch of the quick subset (10,000 images).
      await page.getByLabel('Units N1 in hidden layer 1').fill('32');
      await page.getByLabel('Epochs', { exact: true }).fill('1');
      const spec = page.getByLabel('Model spec');
      await until(async () => ((await spec.inputValue()) === 'dense32-relu-dense10-softmax' ? true : undefined), 'the spec dense32');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.locator('[data-run-message]').waitFor({ hasText: /^Finished/, timeout: TRAIN_TIMEOUT });
      const accuracyShown = page.getByLabel('Test accuracy');
      await accuracyShown.waitFor({ hasText: '%' });
      const accuracy = percent(await accuracyShown.textContent());
      assert.ok(accuracy > 70, `test accuracy ${accuracy}%`);
      await page.screenshot(`train-${page.engine}`);

      // Save: the file the page gives is the model whose accuracy it shows (the native trainer says so).
      await catchDownloads(page);
      await page.getByRole('button', { name: 'Save the model to a file' }).click();
      const saved = await takeDownload(page);
      assert.match(saved.name, /^convlab-dense32-relu-dense10-softmax\.clnn$/);
      assert.equal(saved.bytes.subarray(0, 4).toString('latin1'), 'CLNN');
      const savedFile = path.join(tmp, saved.name);
      fs.writeFileSync(savedFile, saved.bytes);
      assert.equal((100 * nativeTestAccuracy(trainer, savedFile)).toFixed(1), accuracy.toFixed(1), 'the saved model, evaluated natively');

      // A reload restores the last model and the data, both kept in IndexedDB (which every engine keeps).
      await page.reload();
      await page.getByRole('status').filter({ hasText: /^Restored your last model \(dense32-relu-dense10-softmax/ }).waitFor({ timeout: TRAIN_TIMEOUT });
      const dataMessage = page.locator('[data-data-message]');
      await dataMessage.waitFor({ hasText: /^Using the Quick set \(from your browser’s copy, no download\)/, timeout: TRAIN_TIMEOUT });
      await accuracyShown.waitFor({ hasText: '%' });
      assert.equal(percent(await accuracyShown.textContent()), accuracy);

      // A model trained natively, loaded through the file input: the page's accuracy is the trainer's.
      const nativeFile = path.join(tmp, 'native-dense16.clnn');
      execFileSync(trainer, ['--spec', 'dense16-relu-dense10-softmax', '--epochs', '1', '--train-limit', '5000', '--seed', '3', '--quiet', '--save', nativeFile]);
      const nativeAccuracy = (100 * nativeTestAccuracy(trainer, nativeFile)).toFixed(1);
      await page.getByLabel('Load a model file').setInputFiles(nativeFile);
      await page.locator('[data-keep-message]').waitFor({ hasText: /^Loaded native-dense16\.clnn: dense16-relu-dense10-softmax/ });
      await until(async () => (percent(await accuracyShown.textContent()).toFixed(1) === nativeAccuracy ? true : undefined),
        `the test accuracy ${nativeAccuracy}%`);
      assert.equal(await page.getByLabel('Model spec').inputValue(), 'dense16-relu-dense10-softmax');
      // Something that is not a model is refused next to the field.
      await page.getByLabel('Load a model file').setInputFiles({ name: 'notes.txt', buffer: Buffer.from('these are not weights') });
      await page.locator('#tr-model-file-error').waitFor({ hasText: /refused: not a convlab model file/ });
      await noProblems(page);
    },
  },
  {
    name: 'cross-origin isolated, the train page splits the MLP’s units over 2 workers: one worker’s weights, bit for bit (where the engine shares memory)',
    async run({ page, site, note }) {
      // the site as `make serve` sends it (COOP/COEP): the workers share memory (train/split.js)
      const isolated = await startServer({ root: site, isolate: true });
      try {
        await page.goto(`${isolated.url}train.html#arch=custom&spec=dense128-relu-dense10-softmax&bs=32&lr=0.05&opt=sgd&epochs=20&seed=5&best=0&workers=1`);
        await page.locator('[data-engine-badge]').waitFor({ hasText: 'WebAssembly' });
        const env = await page.evaluate(() => ({ isolated: self.crossOriginIsolated === true, cores: navigator.hardwareConcurrency, sab: typeof SharedArrayBuffer === 'function' }));
        assert.ok(env.isolated, 'the page is cross-origin isolated');
        // WebKitGTK 2.50, isolated, has no SharedArrayBuffer constructor, and its shared WebAssembly
        // memories cannot be sent to a worker ("The object can not be cloned"): no shared memory, so
        // the page splits each batch and trades by messages (Safari has it since 15.2)
        if (!env.sab) note('no SharedArrayBuffer on a cross-origin isolated page: the workers split the batch and trade by messages');
        await page.getByRole('button', { name: 'Load the data' }).click();
        await page.locator('[data-data-message]').waitFor({ hasText: /^Using the Quick set/, timeout: TRAIN_TIMEOUT });
        await catchDownloads(page);
        const files = {};
        // 2 workers on a device of fewer cores: the link asks for 2, and 2 train (more than the cores)
        for (const workers of ['1', '2']) {
          await page.getByLabel('Workers', { exact: true }).selectOption(workers);
          const reset = page.getByRole('button', { name: 'Reset' });
          if (!(await reset.isDisabled())) await reset.click();
          for (let i = 1; i <= 5; i++) {
            await page.getByRole('button', { name: 'One step' }).click();
            await page.locator('[data-stat="batch"]').waitFor({ hasText: new RegExp(`^${i} of`), timeout: TRAIN_TIMEOUT });
            await until(async () => ((await page.getByRole('button', { name: 'One step' }).isDisabled()) ? undefined : true), 'One step again');
          }
          assert.equal(await page.locator('[data-stat="workers"]').textContent(), workers);
          await page.getByRole('button', { name: 'Save the model to a file' }).click();
          files[workers] = (await takeDownload(page)).bytes;
        }
        if (env.cores < 2) note(`${env.cores} core: the 2 workers share it`);
        // the batch split over 2 workers adds its halves' sums in another order: only the units' split gives these bits
        if (env.sab) assert.ok(files['2'].equals(files['1']), '2 workers, split units: the same model file as 1 worker');
        else assert.ok(!files['2'].equals(files['1']) && files['2'].length === files['1'].length, '2 workers, the batch split: a model of the same size, other bits');
        await noProblems(page);
      } finally {
        isolated.server.close();
      }
    },
  },
];
