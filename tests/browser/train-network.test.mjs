// The train page's network view (section 7) in real Chromium, through labels
// and roles: a model made in node with the same engine is loaded from a file,
// a picture goes through it, and what the page shows (every layer's shape,
// the softmax bars, a conv value's computation, the first-layer filters'
// links to the kernels page) is compared with a forward pass computed here,
// in double precision, from the model's weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useSiteAndBrowser, screenshot, SITE, SIZES } from './helpers.mjs';
import { openTrain, loadData, until, TIMEOUT } from './train-helpers.mjs';
import { rgbPng } from '../lib/png.mjs';
import { loadConvlab } from '../../web/lib/convlab.js';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const CNN = 'conv3x3x4p1-relu-maxpool2-conv3x3x6s2-relu-dense16-relu-dense10-softmax';
const MLP = 'dense32-relu-dense10-softmax';

/** A model made with the engine in node, its weights made larger (so the softmax is far from uniform): { bytes, layers, weights }. */
async function makeModel(spec, seed, gain) {
  const cl = await loadConvlab({ bytes: fs.readFileSync(path.join(SITE, 'convlab-scalar.wasm')), simd: false });
  const net = cl.createNetwork(spec, { seed });
  const layers = net.layers();
  for (const l of layers) {
    const p = cl.exports.cl_nn_layer_weights(net.ptr, l.index);
    if (!p) continue;
    const n = l.weightShape.reduce((a, b) => a * b, 1);
    const w = cl.f32(p, n);
    for (let i = 0; i < n; i++) w[i] *= gain;
    const b = cl.f32(cl.exports.cl_nn_layer_bias(net.ptr, l.index), l.weightShape[0]);
    for (let i = 0; i < b.length; i++) b[i] = 0.05 * ((i % 5) - 2);
  }
  const weights = layers.map((l) => net.weights(l.index));
  const bytes = net.save();
  net.free();
  return { bytes: Buffer.from(bytes), layers, weights };
}

/** A 28 x 28 gray picture: a light coat-like shape on black. Its bytes, row after row. */
function picture() {
  const g = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const body = y > 5 && y < 25 && x > 7 && x < 21, arms = y > 6 && y < 20 && (x > 3 && x < 25);
      g[y * 28 + x] = body ? 200 + ((x * 7 + y * 3) % 50) : arms ? 120 + ((x + y) % 30) : (x * y) % 9;
    }
  }
  return g;
}

/**
 * The forward pass, here, in double precision: each layer's output (C, H, W)
 * as a flat array, from the input bytes and the model's weights.
 */
function forwardRef(model, bytes) {
  const outs = [Float64Array.from(bytes, (b) => b / 255)];
  for (const l of model.layers.slice(1)) {
    const x = outs.at(-1), [C, H, W] = model.layers[l.index - 1].shape, [OC, OH, OW] = l.shape;
    const y = new Float64Array(OC * OH * OW);
    if (l.kind === 'conv') {
      const { weights: w, bias } = model.weights[l.index];
      const [kh, kw, pad, stride] = l.geometry;
      for (let o = 0; o < OC; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
        let s = bias[o];
        for (let c = 0; c < C; c++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
          const r = i * stride - pad + u, q = j * stride - pad + v;
          if (r >= 0 && r < H && q >= 0 && q < W) s += w[((o * C + c) * kh + u) * kw + v] * x[(c * H + r) * W + q];
        }
        y[(o * OH + i) * OW + j] = s;
      }
    } else if (l.kind === 'maxpool') {
      for (let c = 0; c < OC; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
        y[(c * OH + i) * OW + j] = Math.max(...[0, 1].flatMap((u) => [0, 1].map((v) => x[(c * H + 2 * i + u) * W + 2 * j + v])));
      }
    } else if (l.kind === 'dense') {
      const { weights: w, bias } = model.weights[l.index];
      for (let k = 0; k < OC; k++) {
        let s = bias[k];
        for (let i = 0; i < x.length; i++) s += w[k * x.length + i] * x[i];
        y[k] = s;
      }
    } else if (l.kind === 'relu') {
      for (let i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]);
    } else if (l.kind === 'softmax') {
      const m = Math.max(...x);
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += (y[i] = Math.exp(x[i] - m));
      for (let i = 0; i < x.length; i++) y[i] /= sum;
    } else throw new Error(`no reference for ${l.kind}`);
    outs.push(y);
  }
  return outs;
}

/** A number as the explanation writes it (a true minus sign; "0 (padding)" never in cells). */
const read = (t) => Number(t.trim().replace('−', '-'));
/** Agreement to the 4 significant digits shown. */
const close4 = (shown, want, what) => assert.ok(Math.abs(shown - want) <= 6e-4 * Math.max(Math.abs(want), 1e-3), `${what}: shown ${shown}, computed ${want}`);

async function loadModel(page, bytes, name) {
  await page.getByLabel('Load a model file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.locator('[data-keep-message]').filter({ hasText: /^Loaded/ }).waitFor();
}

async function showPicture(page, bytes) {
  await page.getByRole('radio', { name: 'A picture of yours' }).check();
  await page.getByLabel(/Light background: invert it/).uncheck();
  const png = rgbPng(28, 28, Array.from(bytes, (g) => [g, g, g]));
  await page.getByLabel(/A picture of yours \(made 28 × 28/).setInputFiles({ name: 'coat.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('img', { name: /^The input: your picture “coat\.png”/ }).waitFor();
}

/** Each layer's heading as shown: [title, shape]. */
const layerHeads = (page) => page.locator('[data-net] li.tr-net-layer').evaluateAll((lis) => lis.map((li) => [li.querySelector('strong').textContent, li.querySelector('.mono').textContent]));

/** The softmax bars: { class name: percent }. */
async function bars(page) {
  const rows = await page.getByRole('list', { name: 'Class probabilities' }).getByRole('listitem').allTextContents();
  return rows.map((t) => Number(/([\d.]+)%$/.exec(t)[1]));
}

test('the network view of a loaded CNN: shapes (H, W, C), softmax and a conv value match a forward pass computed here', async () => {
  const model = await makeModel(CNN, 5, 3);
  const bytes = picture();
  const ref = forwardRef(model, bytes);
  const page = await env.newPage({ viewport: { width: 1366, height: 900 } });
  await openTrain(page, env.url);
  await loadModel(page, model.bytes, 'cnn.clnn');
  // the layer table writes shapes as the lesson does
  const table = page.getByRole('table', { name: /Layers, output shapes \(height, width, channels\)/ });
  for (const shape of ['(28, 28, 1)', '(28, 28, 4)', '(14, 14, 4)', '(6, 6, 6)', '(16)', '(10)']) await table.getByRole('cell', { name: shape, exact: true }).first().waitFor();
  await showPicture(page, bytes);

  assert.deepEqual(await layerHeads(page), [
    ['Input', '(28, 28, 1)'], ['Layer 1: conv3x3x4p1', '(28, 28, 4)'], ['Layer 2: relu', '(28, 28, 4)'], ['Layer 3: maxpool2', '(14, 14, 4)'],
    ['Layer 4: conv3x3x6s2', '(6, 6, 6)'], ['Layer 5: relu', '(6, 6, 6)'], ['Flattened', '(216)'], ['Layer 6: dense16', '(16)'],
    ['Layer 7: relu', '(16)'], ['Layer 8: dense10', '(10)'], ['Layer 9: softmax', '(10)'],
  ]);
  const probs = ref.at(-1);
  assert.ok(Math.max(...probs) > 0.2, `a softmax far from uniform (${Math.max(...probs)})`);
  (await bars(page)).forEach((p, k) => assert.ok(Math.abs(p - 100 * probs[k]) <= 0.051, `class ${k}: shown ${p}%, computed ${100 * probs[k]}%`));

  // with the keyboard: a value of layer 4, which reads the 4 channels of layer 3
  await page.getByLabel('Which conv layer').selectOption({ label: 'layer 4 conv3x3x6s2 (6, 6, 6)' });
  await page.getByLabel('Channel (map)').fill('5');
  await page.getByLabel('Row j1').fill('2');
  await page.getByLabel('Column j2').fill('3');
  await page.getByRole('button', { name: 'Show how it is computed' }).click();
  const out = page.locator('[data-explain-out]');
  await out.filter({ hasText: 'Layer 4 (conv3x3x6s2), map 5, row j1 = 2, column j2 = 3' }).waitFor();
  await checkExplained(page, model, ref, { layer: 4, channel: 5, row: 2, col: 3 });
  await screenshot(page, 'train-network-cnn-explained');

  // with the mouse: a click on layer 1's maps, in map 2 at row 0, column 27 (a corner: padding)
  const maps = page.getByRole('img', { name: /^4 maps of 28 rows and 28 columns, layer 1 conv3x3x4p1/ });
  await maps.scrollIntoViewIfNeeded();
  const box = await maps.boundingBox();
  const size = await maps.evaluate((c) => [c.width, c.height]);
  const cols = 4, tile = 29; // 4 maps a row, 28 pixels and a gap
  await page.mouse.click(box.x + ((2 % cols) * tile + 27 + 0.5) * (box.width / size[0]), box.y + (0 + 0.5) * (box.height / size[1]));
  await out.filter({ hasText: 'Layer 1 (conv3x3x4p1), map 2, row j1 = 0, column j2 = 27' }).waitFor();
  assert.equal(await page.getByLabel('Row j1').inputValue(), '0');
  assert.equal(await page.getByLabel('Column j2').inputValue(), '27');
  await checkExplained(page, model, ref, { layer: 1, channel: 2, row: 0, col: 27 });
  assert.equal(await out.locator('.tr-patch td.tr-pad-cell').count(), 5, 'the 5 places of the patch outside the image are padding');

  // a value outside the layer is refused next to the fields
  await page.getByLabel('Row j1').fill('28');
  await page.getByRole('button', { name: 'Show how it is computed' }).click();
  await page.locator('[data-explain-error]').filter({ hasText: /row j1/i }).waitFor();

  // each first-layer filter opens the kernels page with its numbers
  const { weights: w1 } = model.weights[1];
  const link = page.getByRole('link', { name: 'Filter 3: try it on a photo' });
  const href = await link.getAttribute('href');
  const hash = new URLSearchParams(href.split('#')[1]);
  assert.equal(href.split('#')[0], 'kernels.html');
  assert.equal(hash.get('k'), '3x3');
  assert.equal(hash.get('preset'), 'custom');
  const numbers = hash.get('w').split(',').map(Number);
  assert.equal(numbers.length, 9);
  numbers.forEach((x, i) => assert.ok(Math.abs(x - w1[2 * 9 + i]) <= 0.0005 + 1e-9, `weight ${i}: ${x} vs ${w1[2 * 9 + i]}`));
  await link.click();
  await page.waitForURL(/kernels\.html#/);
  const cells = page.locator('input.k-cell');
  await cells.first().waitFor();
  assert.deepEqual((await cells.evaluateAll((els) => els.map((e) => e.value))).map(Number), numbers, 'the kernels page has the filter’s numbers');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** The explanation shown for a value against the forward pass computed here: patches, kernels, sums, z, ReLU. */
async function checkExplained(page, model, ref, { layer, channel, row, col }) {
  const l = model.layers[layer], [C, H, W] = model.layers[layer - 1].shape, [, OH, OW] = l.shape;
  const [kh, kw, pad, stride] = l.geometry;
  const { weights: w, bias } = model.weights[layer];
  const out = page.locator('[data-explain-out]');
  const shown = await out.evaluate((el) => ({
    patches: [...el.querySelectorAll('.tr-patch')].map((t) => [...t.querySelectorAll('td')].map((td) => td.textContent)),
    kernels: [...el.querySelectorAll('.tr-kernel')].map((t) => [...t.querySelectorAll('td')].map((td) => td.textContent)),
    sums: [...el.querySelectorAll('[data-sums] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    z: el.querySelector('[data-explain-value]').textContent,
    activation: el.querySelector('[data-explain-activation] strong')?.textContent,
    text: el.textContent,
  }));
  assert.equal(shown.patches.length, C, 'a patch a channel');
  const x = ref[layer - 1];
  for (let c = 0; c < C; c++) {
    for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const r = row * stride - pad + u, q = col * stride - pad + v;
      const want = r >= 0 && r < H && q >= 0 && q < W ? x[(c * H + r) * W + q] : 0;
      close4(read(shown.patches[c][u * kw + v]), want, `patch ${c} [${u}, ${v}]`);
      close4(read(shown.kernels[c][u * kw + v]), w[((channel * C + c) * kh + u) * kw + v], `kernel ${c} [${u}, ${v}]`);
    }
  }
  const z = ref[layer][(channel * OH + row) * OW + col];
  close4(read(shown.z), z, 'z');
  // the shown sum: the bias and every channel's sum add up to the value shown
  const terms = shown.sums.map(([value]) => read(value));
  assert.equal(terms.length, C + 1);
  close4(terms[0], bias[channel], 'bias');
  const added = terms.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(added - read(shown.z)) <= 6e-4 * (C + 1) * Math.max(...terms.map(Math.abs), 1e-3), `the shown terms add up to ${added}, z is ${shown.z}`);
  close4(read(shown.sums.at(-1)[1]), read(shown.z), 'the last running total is z');
  assert.match(shown.text, /exactly the value the layer’s forward pass gave/);
  close4(read(shown.activation), Math.max(0, z), 'ReLU');
}

test('an MLP and a drawing: the layers are vectors, there is no conv value to explain, the softmax matches', async () => {
  const model = await makeModel(MLP, 9, 4);
  const page = await env.newPage(SIZES.phone);
  await openTrain(page, env.url);
  await loadModel(page, model.bytes, 'mlp.clnn');
  const bytes = picture();
  await showPicture(page, bytes);
  assert.deepEqual(await layerHeads(page), [
    ['Input', '(28, 28, 1)'], ['Flattened', '(784)'], ['Layer 1: dense32', '(32)'], ['Layer 2: relu', '(32)'], ['Layer 3: dense10', '(10)'], ['Layer 4: softmax', '(10)'],
  ]);
  const probs = forwardRef(model, bytes).at(-1);
  (await bars(page)).forEach((p, k) => assert.ok(Math.abs(p - 100 * probs[k]) <= 0.051, `class ${k}: shown ${p}%, computed ${100 * probs[k]}%`));
  assert.equal(await page.getByRole('button', { name: 'Show how it is computed' }).isVisible(), false, 'an MLP has no conv value');
  await screenshot(page, 'train-network-mlp-phone');

  // a drawing, with the mouse and then the keyboard: the view follows each stroke
  await page.getByRole('radio', { name: 'One you draw' }).check();
  const pad = page.getByRole('application', { name: /Drawing pad/ });
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps: 12 });
  await page.mouse.up();
  await page.getByRole('img', { name: 'The input: your drawing' }).waitFor();
  const before = await bars(page);
  await pad.focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'Space', 'ArrowDown', 'Space', 'ArrowDown', 'Space']) await page.keyboard.press(key);
  await until(async () => JSON.stringify(await bars(page)) !== JSON.stringify(before), 'the view after painting with the keyboard', TIMEOUT);
  await screenshot(page, 'train-network-drawing-phone');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the network view follows a run live: refreshed by the worker every 200 batches, and frozen when not followed', async () => {
  const page = await env.newPage();
  // 20 epochs of batches of 8 (1,250 each on the Quick set): a run far longer than the test, however
  // fast the machine (with 2 epochs, a run that went on 2,000 batches between a check and a Pause
  // ended before the 450 batches below); each step below is taken paused
  await openTrain(page, env.url, '#arch=cnn&convs=2&filters=4,8&k=3&pool=max&dense=0&bs=8&epochs=20');
  await loadData(page);
  const follow = page.getByLabel(/Follow training live/);
  assert.ok(await follow.isChecked(), 'followed by default');
  const button = (name) => page.getByRole('button', { name, exact: true });
  await button('Start').click();
  const message = page.locator('[data-net-message]');
  const following = async () => /^Following the training/.test(await message.textContent());
  // the view of the new model at once (0 steps), then again from the worker as the run goes
  const steps = async () => Number((/after ([\d,]+) training steps/.exec(await message.textContent()) ?? [, '-1'])[1].replace(/,/g, ''));
  // "e of E" and "b of B": the batches trained so far, (e - 1) B + b
  const stat = async (name) => (/^([\d,]+) of ([\d,]+)/.exec(await page.locator(`[data-stat="${name}"]`).textContent()) ?? [, '0', '0']).slice(1).map((t) => Number(t.replace(/,/g, '')));
  const batches = async () => { const [e] = await stat('epoch'), [b, per] = await stat('batch'); return (e - 1) * per + b; };
  const pause = async () => { await button('Pause').click(); await button('Resume').waitFor(); };
  const resume = async () => { await button('Resume').click(); await button('Pause').waitFor(); };
  await until(async () => (await steps()) >= 200, 'a live refresh after 200 batches', TIMEOUT);
  await pause();
  const first = await steps();
  await resume();
  await until(async () => (await steps()) > first, 'a later refresh', TIMEOUT);
  const later = await steps();
  assert.ok(later - first >= 200, `200 batches or more between two refreshes: after ${first}, ${later} steps`);
  // not followed: drawn once for the weights now, then left as it is while the run goes on
  await pause();
  await follow.uncheck();
  await until(async () => !(await following()), 'the view no longer following');
  const frozen = await bars(page);
  const at = await batches();
  await resume();
  await until(async () => (await batches()) >= at + 450, '450 more batches (two refresh points passed)', TIMEOUT);
  assert.deepEqual(await bars(page), frozen, 'no refresh while not followed');
  assert.equal(await following(), false);
  await page.getByRole('img', { name: 'The input: test image 0, an Ankle boot' }).waitFor();
  await button('Stop').click();
  await button('Start').and(page.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
