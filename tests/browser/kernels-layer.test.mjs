// The kernels page's convolutional layer mode (issue 14, part 1), and the
// link the train page opens with a learned filter ("Try it on a photo"), in
// Chromium through labels and roles. Every value is checked against an
// independent computation written here (kernels-helpers.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, screenshot, SIZES } from './helpers.mjs';
import {
  convAt, layerAt, outSize, near, SOBEL_X, SOBEL_Y, idle, open, shown, pick, choose, inputPlanes, makePng, upload, testPicture,
} from './kernels-helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

// Three kernels of shape (3, 3, 3), channel by channel, with arbitrary decimals and signs.
const KERNELS = [
  [0.5, -1, 0.25, 0, 1, 0, -0.5, 2, 0.125, 1, 0, -1, 2, 0, -2, 1, 0, -1, 0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9],
  [1, 2, 1, 0, 0, 0, -1, -2, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -0.25, -0.25, -0.25, -0.25, 3, -0.25, -0.25, -0.25, -0.25],
  [1 / 27, 1 / 27, 1 / 27, 1 / 27, 1 / 27, 1 / 27, 1 / 27, 1 / 27, 1 / 27, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 1, -1, 0, 1, -1, 0, 1],
];
const CELLS = KERNELS.map((k, n) => k.map((v) => (n === 2 && Math.abs(v - 1 / 27) < 1e-9 ? '1/27' : String(v))));
const BIASES = [5, -20, 0.5];

function layerLink({ pad, stride, relu, px, map }) {
  const lw = CELLS.map((cells, n) => `lw${n}=${cells.join(',')}`).join('&');
  return `#img=astronaut&mode=layer&k=3x3&preset=class&w=0,1,2,2,2,0,0,1,2&layer=custom&n=3&${lw}&lb=${BIASES.join(',')}`
    + `&relu=${relu ? 1 : 0}&pad=${pad}&stride=${stride}&display=auto&px=${px.join(',')}&map=${map}`;
}

test('the convolutional layer: N kernels over the C channels, biases, padding, stride, ReLU: every map matches an independent computation', async () => {
  const page = await env.newPage();
  for (const { pad, stride, relu } of [{ pad: 'zero', stride: 2, relu: true }, { pad: 'valid', stride: 1, relu: false }]) {
    await page.goto('about:blank'); // a new document for each link
    await open(env, page, layerLink({ pad, stride, relu, px: [10, 7], map: 1 }));
    assert.equal(await page.locator('[data-page-message]').textContent(), '', 'the link is whole');
    assert.equal(await page.getByRole('radio', { name: /Convolutional layer/ }).isChecked(), true);
    assert.equal(await page.getByLabel('Kernels N').inputValue(), '3');
    assert.equal(await page.getByLabel('ReLU after the bias').isChecked(), relu);
    // the selected map's kernel is the one in the editor, a slice per channel
    assert.equal(await page.getByLabel('Kernel n to edit').inputValue(), '1');
    assert.equal(await page.getByLabel('W_1[2, 1, 2]', { exact: true }).inputValue(), '-0.25');
    assert.equal(await page.getByLabel(/^Kernel 1’s bias/).inputValue(), '-20');
    const x = await inputPlanes(page);
    assert.deepEqual([x.h, x.w], [512, 512]);
    const oh = outSize(512, 3, pad, stride), ow = outSize(512, 3, pad, stride);
    // the output shape, the lesson's way: (OH, OW, N)
    assert.match(await page.locator('[data-shape-formula]').textContent(), new RegExp(`Z has shape \\(${oh}, ${ow}, 3\\): 3 feature maps`));
    assert.equal(await page.getByRole('button', { name: /^Map \d/ }).count(), 3);
    assert.match(await page.locator('[data-output-caption]').textContent(), new RegExp(`^Z\\[:, :, 1\\].*shape \\(${oh}, ${ow}\\)`));
    for (const [j1, j2, n] of [[10, 7, 1], [0, 0, 0], [oh - 1, ow - 1, 2], [100, 200, 0], [37, 0, 2], [oh - 1, 3, 1]]) {
      await pick(page, j1, j2, n);
      const want = layerAt(x.planes, 512, 512, KERNELS[n], BIASES[n], relu, 3, 3, pad, stride, j1, j2);
      near(await shown(page, `Z[${j1}, ${j2}, ${n}]`), want, `Z[${j1}, ${j2}, ${n}], ${pad}, stride ${stride}`);
    }
    // ReLU: no map has a negative value; without it, map 1 (Sobel Gy on R, its bias -20) has some.
    if (!relu) {
      await pick(page, 0, 0, 1);
      const neg = [[0, 0], [5, 5], [300, 200], [450, 100]].map(([a, b]) => layerAt(x.planes, 512, 512, KERNELS[1], -20, false, 3, 3, pad, 1, a, b));
      assert.ok(neg.some((v) => v < 0), 'the test looks at negative sums');
    }
  }
  // The lesson's point about dense layers, for this image and this layer.
  const params = await page.locator('[data-param-count]').textContent();
  assert.match(params, /shape \(512, 512, 3\)/);
  assert.match(params, /dense layer of 128 units on it needs 512 × 512 × 3 × 128 \+ 128 = 100,663,424 weights/);
  assert.match(params, /this convolutional layer needs 3 × 3 × 3 × 3 \+ 3 = 84\b/);
  await screenshot(page, 'kernels-layer-astronaut');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the step-by-step of one layer value: each channel’s patch, slice and sum, + bias, then ReLU; the sum shown is the value', async () => {
  const page = await env.newPage();
  await open(env, page, layerLink({ pad: 'edge', stride: 1, relu: true, px: [0, 3], map: 0 }));
  const x = await inputPlanes(page);
  const step = page.locator('[data-step]');
  for (const [j1, j2, n] of [[0, 3, 0], [200, 311, 1], [511, 511, 2]]) {
    await pick(page, j1, j2, n);
    const text = await step.textContent();
    assert.match(text, new RegExp(`Z\\[${j1}, ${j2}, ${n}\\] = ReLU\\( Σ W_${n}\\[k1, k2, c\\]`));
    for (let c = 0; c < 3; c++) {
      assert.match(text, new RegExp(`X\\[:, :, ${c}\\] patch`));
      assert.match(text, new RegExp(`W_${n}\\[:, :, ${c}\\]`));
      // each channel's sum, against the independent one
      const m = new RegExp(`Σ_${c} = [^=]* = (-?[\\d.]+)`).exec(text);
      assert.ok(m, `Σ_${c} written out`);
      near(Number(m[1]), convAt(x.planes[c], 512, 512, KERNELS[n].slice(9 * c, 9 * c + 9), 3, 3, 'edge', 1, j1, j2), `Σ_${c}`);
    }
    const pre = layerAt(x.planes, 512, 512, KERNELS[n], BIASES[n], false, 3, 3, 'edge', 1, j1, j2);
    const total = new RegExp(`the sum = Σ_0 \\+ Σ_1 \\+ Σ_2 \\+ b_${n} = [^=]* = (-?[\\d.]+)`).exec(text);
    assert.ok(total, 'the channels’ sums and the bias added up');
    near(Number(total[1]), pre, 'the sum before ReLU');
    const relu = new RegExp(`Z\\[${j1}, ${j2}, ${n}\\] = ReLU\\((-?[\\d.]+)\\) = max\\(0, (-?[\\d.]+)\\) = (-?[\\d.]+)`).exec(text);
    assert.ok(relu, 'ReLU written out');
    assert.equal(Number(relu[3]), await shown(page, `Z[${j1}, ${j2}, ${n}]`), 'the sum shown is the value');
    near(Number(relu[3]), Math.max(0, pre), 'ReLU');
  }
  // A map chosen by its picture: its kernel is then the one in the editor, its value the one worked out.
  await page.getByRole('button', { name: /^Map 2/ }).click();
  await idle(page);
  assert.equal(await page.getByRole('button', { name: /^Map 2/ }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByLabel('Kernel n to edit').inputValue(), '2');
  assert.equal(await page.getByLabel('W_2[1, 2, 2]', { exact: true }).inputValue(), '1');
  assert.equal(await page.getByLabel('Output map n').inputValue(), '2');
  await shown(page, 'Z[511, 511, 2]');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the layer built in the page: mode, N, presets, a cell, a bias and ReLU, on an uploaded colour picture and a grayscale photo', async () => {
  const page = await env.newPage();
  await open(env, page);
  const pic = testPicture();
  await upload(page, 'layer-7x9.png', 'image/png', await makePng(page, pic.w, pic.h, pic.rgba));
  await page.getByRole('radio', { name: /Convolutional layer/ }).check();
  await idle(page);
  // The default layer: Sobel Gx, Sobel Gy, blur and sharpen, each over R, G and B.
  assert.equal(await page.getByLabel('Kernels N').inputValue(), '4');
  assert.equal(await page.getByLabel('W_0[0, 2, 1]', { exact: true }).inputValue(), '-1');
  await choose(page, 'The layer’s kernels', 'edges');
  assert.equal(await page.getByLabel('Kernels N').inputValue(), '2');
  await choose(page, 'Padding', 'reflect');
  await page.getByLabel('ReLU after the bias').uncheck();
  await idle(page);
  await choose(page, 'Kernel n to edit', '1');
  await page.getByLabel('W_1[0, 0, 2]', { exact: true }).fill('0.5');
  await page.getByLabel(/^Kernel 1’s bias/).fill('-7');
  await idle(page);
  assert.equal(await page.getByLabel('The layer’s kernels').inputValue(), 'custom', 'an edited layer is your own numbers');
  const kernels = [[...SOBEL_X, ...SOBEL_X, ...SOBEL_X], [...SOBEL_Y, ...SOBEL_Y, ...SOBEL_Y]];
  kernels[1][18] = 0.5;
  assert.match(await page.locator('[data-shape-formula]').textContent(), /Z has shape \(7, 9, 2\)/);
  for (const [j1, j2, n] of [[0, 0, 0], [3, 4, 1], [6, 8, 1], [2, 7, 0]]) {
    await pick(page, j1, j2, n);
    near(await shown(page, `Z[${j1}, ${j2}, ${n}]`), layerAt(pic.planes, 7, 9, kernels[n], [0, -7][n], false, 3, 3, 'reflect', 1, j1, j2), `Z[${j1}, ${j2}, ${n}]`);
  }
  // Five kernels: the new ones are random; each has a map, and the output shape says so.
  await choose(page, 'Kernels N', '5');
  assert.equal(await page.getByRole('button', { name: /^Map \d/ }).count(), 5);
  assert.match(await page.locator('[data-shape-formula]').textContent(), /Z has shape \(7, 9, 5\)/);
  assert.match(await page.locator('[data-param-count]').textContent(), /3 × 3 × 3 × 5 \+ 5 = 140\b/);
  // The exercise asks about one value of one map, and takes the independent answer.
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const [, j1, j2, n] = /What is Z\[(\d+), (\d+), (\d+)\]\?/.exec(await page.locator('[data-exercise-question]').textContent()).map(Number);
  await choose(page, 'Kernel n to edit', String(n));
  const cells = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 9; i++) cells.push(Number(await page.getByLabel(`W_${n}[${Math.floor(i / 3)}, ${i % 3}, ${c}]`, { exact: true }).inputValue()));
  }
  const bias = Number(await page.getByLabel(new RegExp(`^Kernel ${n}’s bias`)).inputValue());
  const want = layerAt(pic.planes, 7, 9, cells, bias, false, 3, 3, 'reflect', 1, j1, j2);
  await page.getByLabel(`Your answer for Z[${j1}, ${j2}, ${n}]`).fill(want.toFixed(3));
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await page.locator('[data-exercise-feedback]').textContent(), /^Right/);
  await screenshot(page, 'kernels-layer-upload');

  // A grayscale photo: C = 1, kernels of shape (3, 3, 1).
  await choose(page, 'Image', 'camera');
  await choose(page, 'Kernels N', '8');
  await choose(page, 'Kernel n to edit', '0');
  assert.equal(await page.getByLabel('W_0[1, 1, 0]', { exact: true }).count(), 1);
  assert.equal(await page.getByLabel('W_0[1, 1, 1]', { exact: true }).count(), 0, 'one slice: X has one channel');
  assert.match(await page.locator('[data-image-shape]').textContent(), /shape \(512, 512, 1\)/);
  assert.match(await page.locator('[data-param-count]').textContent(), /512 × 512 × 1 × 128 \+ 128 = 33,554,560 weights.*3 × 3 × 1 × 8 \+ 8 = 80\b/);
  const gray = (await inputPlanes(page)).planes[0];
  await choose(page, 'Kernel n to edit', '6');
  const k6 = [];
  for (let i = 0; i < 9; i++) k6.push(Number(await page.getByLabel(`W_6[${Math.floor(i / 3)}, ${i % 3}, 0]`, { exact: true }).inputValue()));
  await pick(page, 100, 200, 6);
  near(await shown(page, 'Z[100, 200, 6]'), layerAt([gray], 512, 512, k6, 0, false, 3, 3, 'reflect', 1, 100, 200), 'a random kernel on the gray photo');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the layer at a phone, a tablet, a laptop and a projector: its maps side by side, nothing wider than the window', async () => {
  for (const [name, options] of Object.entries(SIZES)) {
    const page = await env.newPage(options);
    await open(env, page, layerLink({ pad: 'zero', stride: 1, relu: true, px: [40, 60], map: 0 }));
    await choose(page, 'Kernels N', '8');
    const boxes = await page.getByRole('button', { name: /^Map \d/ }).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    assert.equal(boxes.length, 8);
    // side by side: at least four in the first row
    assert.ok(boxes.filter((b) => Math.abs(b.top - boxes[0].top) < 2).length >= 4, `${name}: maps in rows of four or more`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= options.viewport.width, `${name}: the page is ${width} px wide`);
    await screenshot(page, `kernels-layer-${name}`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('a link from the train page’s “Try it on a photo”: a 5 × 5 learned filter of arbitrary decimals is the kernel, and the result uses it', async () => {
  const page = await env.newPage();
  const w = [0.0123457, -0.98765, 0.5, -0.25, 0.333333, 1.2e-3, -0.0001, 0.75, -1.5, 0.06125, 0.11, -0.22, 0.4444, -0.5555, 0.6666,
    -0.7777, 0.8888, -0.9999, 0.101, -0.202, 0.303, -0.404, 0.505, -0.606, 0.7071];
  await open(env, page, `#img=coffee&mode=gray&k=5x5&preset=custom&w=${w.join(',')}`);
  assert.equal(await page.locator('[data-page-message]').textContent(), '', 'the link is whole');
  assert.equal(await page.getByLabel('Preset').inputValue(), 'custom');
  for (let i = 0; i < 25; i++) {
    assert.equal(await page.getByLabel(`W[${Math.floor(i / 5)}, ${i % 5}]`, { exact: true }).inputValue(), String(w[i]));
  }
  const x = await inputPlanes(page);
  const f32 = w.map(Math.fround);
  for (const [j1, j2] of [[0, 0], [200, 300], [395, 595]]) {
    await pick(page, j1, j2);
    near(await shown(page, `Z[${j1}, ${j2}]`), convAt(x.planes[0], x.h, x.w, f32, 5, 5, 'valid', 1, j1, j2), `Z[${j1}, ${j2}]`);
  }
  // the step-by-step shows those numbers, not fewer digits
  const kernelTable = page.locator('[data-step] figure').filter({ has: page.locator('figcaption', { hasText: /^W$/ }) });
  assert.equal(await kernelTable.locator('td').first().textContent(), '0.0123457');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
