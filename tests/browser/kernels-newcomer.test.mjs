// The kernels page as a newcomer reads it (issue 17): sizes written the
// lesson's way, the step formula without noise, faint edges shown, a scan
// that can go as fast as whole rows, the result beside the kernel, the
// exercise in colour showing the numbers it checks, and numbers a screen
// reader can read; axe at the four sizes. Chromium, through labels and roles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, screenshot, axeViolations, SIZES } from './helpers.mjs';
import { convAt, near, SOBEL_X, idle, open, shown, pick, choose, inputPlanes, makePng, upload, testPicture } from './kernels-helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

test('every size and shape is written the lesson’s way, (height, width, channels), and a size in a label says which number is which', async () => {
  const page = await env.newPage();
  await open(env, page);
  // the sample menu gives no size in width × height order
  const options = await page.getByLabel('Image', { exact: true }).locator('option').allTextContents();
  assert.ok(options.includes('Photo: Chelsea the cat'), options.join(' | '));
  assert.ok(!options.some((o) => /451 × 300|600 × 400/.test(o)), 'no width × height in the menu');
  await choose(page, 'Image', 'chelsea');
  assert.equal(await page.locator('[data-input-caption]').textContent(), 'X, shape (300, 451): height 300, width 451, as grayscale');
  assert.match(await page.locator('[data-output-caption]').textContent(), /^Z, shape \(298, 449\): height 298, width 449, one channel$/);
  await page.getByRole('radio', { name: /Colour, each channel on its own/ }).check();
  await idle(page);
  assert.equal(await page.locator('[data-input-caption]').textContent(), 'X, shape (300, 451, 3): height 300, width 451, 3 channels, colour');
  assert.match(await page.locator('[data-output-caption]').textContent(), /^Z, shape \(298, 449, 3\): height 298, width 449, 3 channels/);
  assert.match(await page.locator('[data-image-shape]').textContent(), /300 rows × 451 columns × 3 channels \(R, G, B\), shape \(300, 451, 3\)/);
  // an upload of 7 rows and 9 columns: its label names height and width
  const pic = testPicture(7, 9);
  await upload(page, 'wide-7x9.png', 'image/png', await makePng(page, pic.w, pic.h, pic.rgba));
  assert.equal(await page.getByLabel('Image', { exact: true }).locator('option:checked').textContent(), 'Your image: wide-7x9.png (height 7, width 9)');
  assert.match(await page.locator('[data-input-caption]').textContent(), /^X, shape \(7, 9, 3\): height 7, width 9, 3 channels/);
  assert.match(await page.locator('[data-output-caption]').textContent(), /^Z, shape \(5, 7, 3\): height 5, width 7/);
  // a kernel that does not fit names rows and columns
  await choose(page, 'Rows K1', '9');
  assert.match(await page.locator('[data-kernel-message]').textContent(), /^The 9 × 3 kernel does not fit in X, 7 rows × 9 columns, without padding/);
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /9 × 7|449 × 298|451 × 300/, 'no width × height anywhere');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the step formula: the lesson’s X[j1 + k1, j2 + k2] with stride 1 and no padding; stride and padding terms only when they matter, each explained', async () => {
  const page = await env.newPage();
  await open(env, page);
  const formula = page.locator('[data-step] .k-step-formula');
  assert.equal(await formula.innerText(), 'Z[j1, j2] = Σ over k1 < 3, k2 < 3 of W[k1, k2] · X[j1 + k1, j2 + k2]\nZ[0, 0] = Σ W[k1, k2] · X[k1, k2]');
  assert.equal(await page.locator('[data-step] .k-step-notes').count(), 0, 'nothing to explain');
  await choose(page, 'Image', 'grid5');
  await pick(page, 2, 1);
  assert.match(await formula.innerText(), /\nZ\[2, 1\] = Σ W\[k1, k2\] · X\[2 \+ k1, 1 \+ k2\]$/);
  await choose(page, 'Stride s', '2');
  await pick(page, 1, 1);
  assert.match(await formula.innerText(), /X\[2·j1 \+ k1, 2·j2 \+ k2\]\nZ\[1, 1\] = Σ W\[k1, k2\] · X\[2 \+ k1, 2 \+ k2\]$/);
  assert.match(await page.locator('[data-step] .k-step-notes').textContent(), /^Stride s = 2: the kernel moves 2 pixels for each output pixel/);
  await choose(page, 'Padding', 'zero');
  await pick(page, 0, 1);
  assert.match(await formula.innerText(), /X\[2·j1 \+ k1 − 1, 2·j2 \+ k2 − 1\]\nZ\[0, 1\] = Σ W\[k1, k2\] · X\[k1 − 1, 1 \+ k2\]$/);
  const notes = await page.locator('[data-step] .k-step-notes').textContent();
  assert.match(notes, /Stride s = 2/);
  assert.match(notes, /Zero padding puts 1 row above and 1 column to the left of the image \(zeros\).*the − 1\./);
  // the numbers agree with the formula: Z[0, 1] sums X[-1..1, 1..3] (zero outside)
  const X = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1];
  assert.equal(await shown(page, 'Z[0, 1]'), convAt(X, 5, 5, [0, 1, 2, 2, 2, 0, 0, 1, 2], 3, 3, 'zero', 2, 0, 1));
  await choose(page, 'Stride s', '1');
  assert.doesNotMatch(await formula.innerText(), /·j1|·1|− 0/);
  await screenshot(page, 'kernels-step-formula');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** The independent 95th percentile of |values| (nearest rank), and how many lie above it. */
function percentile95(values) {
  const a = values.map(Math.abs).sort((x, y) => x - y);
  const p = a[Math.ceil(0.95 * a.length) - 1];
  return { p, above: a.filter((v) => v > p).length };
}

test('faint edges: an edge kernel is shown to typical values by default (the 95th percentile of |value|, the clipped share said); the largest on request', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero');
  const x = (await inputPlanes(page)).planes[0];
  const z = [];
  for (let j1 = 0; j1 < 512; j1++) for (let j2 = 0; j2 < 512; j2++) z.push(convAt(x, 512, 512, SOBEL_X, 3, 3, 'zero', 1, j1, j2));
  const { p, above } = percentile95(z);
  const largest = z.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(p < largest / 2, `the test image has a few strong edges: p ${p}, largest ${largest}`);
  assert.equal(await page.getByLabel('Colour scale').inputValue(), 'auto');
  const legend = page.locator('[data-legend]');
  const text = await legend.textContent();
  const m = /the strongest colour is ±([\d.]+), the 95th percentile of \|value\| \(typical values\): ([\d.]+)% of the values lie beyond it/.exec(text);
  assert.ok(m, text);
  assert.equal(Number(m[1]), p);
  assert.equal(Number(m[2]), Number((100 * above / z.length).toFixed(1)));
  assert.match(text, new RegExp(`the largest \\|value\\| is ${largest}\\.`));
  assert.match(await page.locator('[data-scale-hint]').textContent(), /typical values, ±\d+; [\d.]+% of the values are beyond and clipped \(an edge kernel/);
  // each pixel's colour is its value over p, clipped
  const colourOf = (v, scale) => {
    const end = v < 0 ? [33, 102, 172] : [178, 24, 43];
    const t = Math.min(1, Math.abs(v) / scale);
    return [247, 247, 247].map((c, i) => c + (end[i] - c) * t);
  };
  const pixel = (j1, j2) => page.evaluate(([a, b]) => Array.from(
    document.querySelector('[data-output-canvas]').getContext('2d').getImageData(b, a, 1, 1).data.slice(0, 3)), [j1, j2]);
  const spots = [[100, 37], [300, 250], [0, 0], [200, 200]];
  for (const [j1, j2] of spots) {
    const want = colourOf(z[j1 * 512 + j2], p);
    (await pixel(j1, j2)).forEach((c, i) => assert.ok(Math.abs(c - want[i]) <= 1, `(${j1}, ${j2}): ${c} vs ${want[i]}`));
  }
  // how much of the picture shows an edge: far more than scaled to the largest
  const visible = (scale) => z.filter((v) => Math.abs(v) / scale >= 0.25).length;
  assert.ok(visible(p) > 4 * visible(largest), 'typical values show the faint edges');
  await screenshot(page, 'kernels-faint-edges-typical');
  await choose(page, 'Colour scale', 'max');
  assert.match(await legend.textContent(), new RegExp(`the strongest colour is ±${largest}, the largest \\|value\\|\\.`));
  for (const [j1, j2] of spots) {
    const want = colourOf(z[j1 * 512 + j2], largest);
    (await pixel(j1, j2)).forEach((c, i) => assert.ok(Math.abs(c - want[i]) <= 1, `(${j1}, ${j2}) to the largest`));
  }
  // A blur is not an edge kernel: automatic keeps its largest value.
  await choose(page, 'Colour scale', 'auto');
  await choose(page, 'Preset', 'box');
  assert.doesNotMatch(await legend.textContent(), /95th percentile/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the scan has a speed, from one pixel a second to whole rows, and stops where it is', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero&px=0,5');
  const speed = page.getByLabel('Speed of the scan');
  const speeds = await speed.locator('option').allTextContents();
  assert.equal(speeds[0], '1 pixel a second');
  assert.ok(speeds.some((s) => /rows? a second/.test(s)), speeds.join(' | '));
  await speed.selectOption({ label: '20 rows a second' });
  await page.getByRole('button', { name: 'Play the scan' }).click();
  // whole rows: down column 5, a row a step
  await page.getByLabel(/^Result Z\[([4-9]|\d\d+), 5\]$/).waitFor();
  await page.getByRole('button', { name: 'Pause the scan' }).click();
  await idle(page);
  const row = Number(await page.getByLabel('Output row j1').inputValue());
  assert.equal(await page.getByLabel('Output column j2').inputValue(), '5');
  assert.ok(row >= 4, `stopped at row ${row}`);
  // stopped where it was: the pixel stays, and its sum is the one shown
  assert.equal(await page.getByRole('button', { name: 'Play the scan' }).getAttribute('aria-pressed'), 'false');
  const x = (await inputPlanes(page)).planes[0];
  assert.equal(await shown(page, `Z[${row}, 5]`), convAt(x, 512, 512, SOBEL_X, 3, 3, 'zero', 1, row, 5));
  await page.waitForTimeout(200);
  assert.equal(await page.getByLabel('Output row j1').inputValue(), String(row), 'it stays stopped');
  // a pixel at a time, along the row
  await speed.selectOption({ label: '20 pixels a second' });
  await page.getByRole('button', { name: 'Play the scan' }).click();
  await page.getByLabel(new RegExp(`^Result Z\\[${row}, (9|\\d\\d+)\\]$`)).waitFor();
  await page.getByLabel('Output column j2').fill('40'); // any choice of a pixel stops it
  await page.getByLabel('Output column j2').press('Enter');
  await idle(page);
  assert.equal(await page.getByRole('button', { name: 'Play the scan' }).getAttribute('aria-pressed'), 'false');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('typing a pixel while the scan plays stops it: what is typed stays in the field and is the pixel chosen', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero&px=3,5');
  await page.getByLabel('Speed of the scan').selectOption({ label: '20 pixels a second' });
  await page.getByRole('button', { name: 'Play the scan' }).click();
  await page.getByLabel(/^Result Z\[3, (9|\d\d+)\]$/).waitFor();
  // a student types slower than the scan steps (a step every 50 ms): the field is theirs from the first key
  const column = page.getByLabel('Output column j2');
  await column.click();
  await column.evaluate((input) => input.select());
  await page.keyboard.type('4');
  await page.waitForTimeout(200);
  assert.equal(await column.inputValue(), '4', 'the scan does not write over what is being typed');
  await page.keyboard.type('0');
  await page.waitForTimeout(200);
  await column.press('Enter');
  await idle(page);
  assert.equal(await page.getByRole('button', { name: 'Play the scan' }).getAttribute('aria-pressed'), 'false');
  assert.equal(await column.inputValue(), '40');
  await page.getByLabel('Result Z[3, 40]').waitFor();
  const row = await page.getByLabel('Output row j1').inputValue();
  assert.equal(row, '3', 'the row the scan was on');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the result sits beside the kernel from a tablet up, and X and Z use the space they have', async () => {
  const sizes = { tablet: SIZES.tablet, laptop: SIZES.laptop, projector: SIZES.projector, 'window 1302': { viewport: { width: 1302, height: 900 } } };
  for (const [name, options] of Object.entries(sizes)) {
    const page = await env.newPage(options);
    await open(env, page, '#img=camera&mode=gray&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero');
    const editor = page.locator('[data-kernel-editors] table');
    await editor.scrollIntoViewIfNeeded();
    const e = await editor.boundingBox();
    const zCanvas = page.getByRole('img', { name: /Output Z/ });
    const z = await zCanvas.boundingBox();
    const x = await page.getByRole('img', { name: /Input image X/ }).boundingBox();
    const panel = await page.locator('.k-result').boundingBox();
    const { width: vw, height: vh } = options.viewport;
    // beside: to the right of the editor, and on screen with it
    assert.ok(z.x >= e.x + e.width, `${name}: Z starts right of the kernel editor`);
    assert.ok(z.y >= 0 && z.y + z.height / 2 <= vh, `${name}: Z in view with the kernel editor (top ${z.y}, height ${z.height}, window ${vh})`);
    // the space: as wide as the panel allows, side by side where there is room
    if (vw >= 1152) {
      assert.ok(Math.abs(x.y - z.y) < 2, `${name}: X and Z side by side`);
      assert.ok(z.width >= 0.4 * panel.width && z.width >= 280, `${name}: Z is ${z.width} px of a ${panel.width} px panel`);
    } else {
      assert.ok(z.width >= 0.85 * panel.width, `${name}: Z is ${z.width} px of a ${panel.width} px panel`);
    }
    await screenshot(page, `kernels-layout-${name.replace(' ', '-')}`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('the exercise in colour shows the numbers it checks against: the channel’s names, and the weights the engine uses', async () => {
  const page = await env.newPage();
  await open(env, page, '#img=astronaut&mode=channels&k=3x3&preset=gaussian&w=0.07511,0.1238,0.07511,0.1238,0.2042,0.1238,0.07511,0.1238,0.07511&pad=valid');
  assert.equal(await page.getByLabel('W[0, 0]', { exact: true }).inputValue(), '0.07511');
  await page.getByRole('button', { name: 'New question' }).click();
  await idle(page);
  const question = await page.locator('[data-exercise-question]').textContent();
  const [, ch, j1, j2] = /^What is Z_([RGB])\[(\d+), (\d+)\]\?/.exec(question);
  assert.match(question, new RegExp(`the patch of X_${ch}`));
  const tables = page.locator('[data-exercise-tables]');
  const formula = await tables.locator('.k-step-formula').innerText();
  assert.match(formula, new RegExp(`^Z_${ch}\\[j1, j2\\] = Σ over k1 < 3, k2 < 3 of W\\[k1, k2\\] · X_${ch}\\[j1 \\+ k1, j2 \\+ k2\\]\\n`
    + `Z_${ch}\\[${j1}, ${j2}\\] = Σ W\\[k1, k2\\] · X_${ch}\\[`));
  assert.doesNotMatch(formula, /Z\[|X\[/, 'no unnamed channel');
  // the weights as typed (and as the engine takes them), not rounded to 0.075
  const weights = await tables.locator('figure').filter({ has: page.locator('figcaption', { hasText: /^W$/ }) }).locator('td').allTextContents();
  assert.deepEqual(weights, ['0.07511', '0.1238', '0.07511', '0.1238', '0.2042', '0.1238', '0.07511', '0.1238', '0.07511']);
  const patch = await tables.locator('figure').filter({ has: page.locator('figcaption', { hasText: new RegExp(`^X_${ch} patch`) }) }).locator('td').allTextContents();
  // the answer from the numbers shown is the engine's, to float32's rounding
  const answer = patch.reduce((s, v, i) => s + Number(v) * Number(weights[i]), 0);
  await page.getByRole('button', { name: 'Show the worked answer' }).click();
  await idle(page);
  near(await shown(page, `Z_${ch}[${j1}, ${j2}]`), answer, 'the worked answer');
  await page.getByLabel(`Your answer for Z_${ch}[${j1}, ${j2}]`).fill(answer.toFixed(4));
  await page.getByRole('button', { name: 'Check' }).click();
  assert.match(await page.locator('[data-exercise-feedback]').textContent(), /^Right/);
  await screenshot(page, 'kernels-exercise-colour');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a screen reader gets the numbers of X and Z as tables; the step tables’ corners are named', async () => {
  const page = await env.newPage();
  await open(env, page);
  await choose(page, 'Image', 'grid5');
  const cells = async (name) => {
    const table = page.getByRole('table', { name });
    const rows = await table.getByRole('row').all();
    const out = [];
    for (const r of rows.slice(1)) out.push((await r.getByRole('cell').allTextContents()).map(Number));
    return out;
  };
  assert.deepEqual(await cells('The numbers of X, 5 rows × 5 columns'),
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]);
  assert.deepEqual(await cells('The numbers of Z, 3 rows × 3 columns'), [[12, 12, 17], [10, 17, 19], [9, 6, 14]]);
  // a row header per row, a column header per column
  const x = page.getByRole('table', { name: 'The numbers of X, 5 rows × 5 columns' });
  assert.equal(await x.getByRole('columnheader').count(), 6);
  assert.equal(await x.getByRole('rowheader').count(), 5);
  // the canvases say where their numbers are
  assert.match(await page.getByRole('img', { name: /Input image X/ }).getAttribute('aria-label'), /its numbers are in the table that follows/);
  // a kernel edit: Z's table follows
  await page.getByLabel('W[0, 0]', { exact: true }).fill('1');
  await idle(page);
  assert.deepEqual((await cells('The numbers of Z, 3 rows × 3 columns'))[0], [15, 15, 19]);
  // corners of the step tables say what their headers count
  const corners = await page.locator('[data-step] table thead th:first-child').allTextContents();
  assert.deepEqual(corners, ['row \\ column', 'k1 \\ k2', 'k1 \\ k2']);
  // a photo is a picture, not a table of 262,144 numbers
  await choose(page, 'Image', 'camera');
  assert.equal(await page.getByRole('table', { name: /^The numbers of/ }).count(), 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// The first view (no hash) at every size is accessibility.test.mjs's: here the other modes.
test('axe: no violations on the kernels page in every mode at the phone and projector sizes', async () => {
  const views = [
    '#img=camera&mode=channels&k=3x3&preset=sobelX&w=1,0,-1,2,0,-2,1,0,-1&pad=zero',
    '#img=astronaut&mode=layer&k=3x3&preset=class&w=0,1,2,2,2,0,0,1,2&pad=zero&px=0,0&map=2',
    '#img=grid5&mode=gray&k=15x15&preset=box&w=' + new Array(225).fill('1/225').join(',') + '&pad=zero',
  ];
  const found = [];
  for (const size of ['phone', 'projector']) {
    const options = SIZES[size];
    for (const hash of views) {
      const page = await env.newPage(options);
      await open(env, page, hash);
      await page.getByLabel(/^Result Z/).first().waitFor();
      for (const v of await axeViolations(page)) found.push(`${size} ${hash.slice(0, 40)}: ${v}`);
      assert.deepEqual(page.problems, []);
      await page.context().close();
    }
  }
  assert.deepEqual(found, []);
});
