// The lesson page as a student walks it (issue 15): each step's exercises
// answered wrong first (the feedback says what was wrong and gives a hint),
// then right; the objectives tick; a reload in the middle keeps the progress;
// a worked answer on request; Start again clears everything. Embed mode: a
// lesson step and a lab page inside an iframe, without the site's header and
// footer, used by keyboard. Screenshots at phone and projector sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, screenshot, SIZES } from './helpers.mjs';
import { answer, check, zeroPaddedStride2 } from './lesson-helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const DOT = [255, 255, 255, 255, 0, 255, 255, 255, 255];
const SOBEL_X = [1, 0, -1, 2, 0, -2, 1, 0, -1];

/** The exercise form named `name` ("Exercise 1") of the step shown. */
const exercise = (page, name) => page.getByRole('form', { name });

async function fillMatrix(form, label, values) {
  for (const [i, v] of values.entries()) await form.getByLabel(`${label}, row ${Math.floor(i / 3)}, column ${i % 3}`).fill(String(v));
}

/** The objectives list as the page shows it: "reached" or "not yet" for each of the six. */
async function objectives(page) {
  const items = page.getByRole('region', { name: 'What you will know' }).getByRole('listitem');
  return (await items.allTextContents()).map((t) => (t.endsWith('(reached)') ? 'reached' : 'not yet'));
}

async function nextStep(page, title) {
  await page.getByRole('navigation', { name: 'Previous and next step' }).getByRole('link', { name: `${title} →` }).click();
  await page.getByRole('heading', { level: 2, name: new RegExp(`: ${title.replace(/[?()]/g, '\\$&')}$`) }).waitFor();
}

test('a student walks the lesson: wrong answers taught, right ones ticked, progress kept over a reload, Start again clears it', async () => {
  const page = await env.newPage();
  // A step's widget is an iframe, dropped when the step changes: its requests still on their way are
  // aborted (net::ERR_ABORTED), which is no fault. Any other failed request is.
  const failed = [];
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') failed.push(r.url()); });
  await page.goto(`${env.url}lesson.html`);
  await page.getByRole('heading', { level: 2, name: 'Step 1 of 6: Review: the MLP' }).waitFor();
  assert.deepEqual(await objectives(page), Array(6).fill('not yet'));
  assert.equal(await page.getByTitle('The train page with the class’s MLP').getAttribute('src'), 'train.html?embed#arch=mlp&L=1&units=128');

  // 1. the MLP: weights without biases, then the engine's count
  let form = exercise(page, 'Exercise 1');
  assert.match(await answer(form, 'Parameters of the MLP', String(784 * 128 + 128 * 10)), /Not yet\. You counted the weights but not the biases\. Hint: Every unit has one bias/);
  assert.equal(await form.getByLabel('Parameters of the MLP').getAttribute('aria-invalid'), 'true');
  assert.match(await answer(form, 'Parameters of the MLP', '101,770'), /^Right\./);
  await form.getByText('✓ done').waitFor();
  // the step waits for its second exercise, a trained MLP (lesson-trained.test.mjs)
  assert.equal(await page.getByRole('navigation', { name: 'Steps' }).getByRole('listitem').filter({ hasText: 'Review: the MLP ✓ done' }).count(), 0);

  // 2. motivation: a dense layer on 64 x 64 pixels
  await nextStep(page, 'Why not an MLP on images?');
  form = exercise(page, 'Exercise 1');
  assert.match(await answer(form, 'Parameters of the dense layer', String(64 * 128 + 128)), /Each unit sees every pixel/);
  assert.match(await answer(form, 'Parameters of the dense layer', String(64 * 64 * 128 + 128)), /^Right\./);

  // 3. images: the dark dot (first inverted), the photo's shape (first width first)
  await nextStep(page, 'Images in a computer');
  form = exercise(page, 'Exercise 1');
  await fillMatrix(form, 'The dark dot', DOT.map((v) => 255 - v));
  assert.match(await check(form), /white dot on black\. Hint: In a grayscale image 0 is black/);
  await fillMatrix(form, 'The dark dot', DOT);
  assert.equal(await check(form), 'Right. This exercise is done. Objective 1 reached: How is an image represented in a computer?');
  assert.deepEqual(await objectives(page), ['reached', 'not yet', 'not yet', 'not yet', 'not yet', 'not yet']);
  form = exercise(page, 'Exercise 2');
  assert.match(await answer(form, 'The photo’s shape', '(451, 300, 3)'), /You wrote the width first/);
  assert.match(await answer(form, 'The photo’s shape', '(300, 451, 3)'), /^Right\./);

  // a reload in the middle: the step and the progress are kept
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Step 3 of 6: Images in a computer' }).waitFor();
  assert.deepEqual(await objectives(page), ['reached', 'not yet', 'not yet', 'not yet', 'not yet', 'not yet']);
  const done = page.getByRole('navigation', { name: 'Steps' }).getByRole('listitem').filter({ hasText: '✓ done' });
  assert.deepEqual(await done.allTextContents(), ['Why not an MLP on images? ✓ done', 'Images in a computer ✓ done']);
  assert.equal(await exercise(page, 'Exercise 2').getByText('✓ done').isVisible(), true);

  // 4. convolution: Z[2, 1] instead of Z[1, 2], then the worked answer and the right one
  await nextStep(page, 'Convolution');
  form = exercise(page, 'Exercise 1');
  assert.match(await answer(form, 'Z[1, 2]', '12'), /Not yet\./);
  assert.match(await answer(form, 'Z[1, 2]', String(naiveZ(2, 1))), /That is Z\[2, 1\]: the first index is the row/);
  await form.getByRole('button', { name: 'Show the worked answer' }).click();
  const worked = form.getByRole('region', { name: 'Worked answer of exercise 1' });
  assert.match(await worked.textContent(), new RegExp(`= ${naiveZ(1, 2)} \\(the engine’s convolution gives ${naiveZ(1, 2)}\\)`));
  assert.equal(await form.getByRole('button', { name: 'Show the worked answer' }).getAttribute('aria-expanded'), 'true');
  assert.match(await answer(form, 'Z[1, 2]', String(naiveZ(1, 2))), /^Right\./);
  assert.equal((await objectives(page))[1], 'reached');

  // 5. kernels: a blur (weights add up to 9), Sobel G_y (horizontal), then G_x
  await nextStep(page, 'Kernels');
  form = exercise(page, 'Exercise 1');
  await fillMatrix(form, 'Your kernel', Array(9).fill(1));
  assert.match(await check(form), /On a flat gray area \(128 everywhere\) your kernel gives 1,152, not 0: its weights add up to 9/);
  await fillMatrix(form, 'Your kernel', [1, 2, 1, 0, 0, 0, -1, -2, -1]);
  assert.match(await check(form), /finds the horizontal edge.*Hint: Turn it by 90°/);
  await fillMatrix(form, 'Your kernel', SOBEL_X);
  assert.match(await check(form), /^Right\./);

  // 6. networks: the shape without padding, then right; a conv layer's weights
  await nextStep(page, 'Convolution in networks');
  form = exercise(page, 'Exercise 1');
  assert.match(await answer(form, 'The output’s shape', '(12, 12)'), /\(12, 12\) is the shape without padding\./);
  assert.match(await answer(form, 'The output’s shape', `(${side(28, 5, 2, 2)}, ${side(28, 5, 2, 2)})`), /^Right\./);
  form = exercise(page, 'Exercise 2');
  assert.match(await answer(form, 'Parameters of the layer', String(8 * 9 + 8)), /one 3 × 3 slice/);
  assert.equal(await answer(form, 'Parameters of the layer', String(8 * (27 + 1))), 'Right. This exercise is done.'
    + ' Objective 3 reached: How is convolution used in neural networks?'
    + ' Objective 6 reached: How are RGB images represented?');
  // objective 4 also asks for a trained CNN's horizontal-edge filter (lesson-trained.test.mjs trains one)
  assert.deepEqual(await objectives(page), ['reached', 'reached', 'reached', 'not yet', 'reached', 'reached']);
  assert.equal(await page.getByText('5 of 6 reached. Progress is kept in this browser.').isVisible(), true);

  // Start again: nothing done, on the first step, and so after a reload too
  await page.getByRole('button', { name: 'Start again' }).click();
  await page.getByRole('heading', { level: 2, name: 'Step 1 of 6: Review: the MLP' }).waitFor();
  assert.deepEqual(await objectives(page), Array(6).fill('not yet'));
  assert.equal(await done.count(), 0);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Step 1 of 6: Review: the MLP' }).waitFor();
  assert.deepEqual(await objectives(page), Array(6).fill('not yet'));
  assert.deepEqual([page.problems.filter((p) => !p.startsWith('request failed:')), failed], [[], []]);
  await page.context().close();
});

/** Z[j1, j2] of the class's kernel over the 5 x 5 matrix, the lesson's sum. */
function naiveZ(j1, j2) {
  const x = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1];
  const w = [0, 1, 2, 2, 2, 0, 0, 1, 2];
  let s = 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += w[a * 3 + b] * x[(j1 + a) * 5 + j2 + b];
  return s;
}

/** Output positions along a side: (n + 2p - k) / s + 1, rounded down. */
const side = (n, k, p, s) => Math.floor((n + 2 * p - k) / s) + 1;

test('what a student typed in unfinished exercises survives a reload; Start again clears it', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}lesson.html#step=convolution`);
  await exercise(page, 'Exercise 1').getByLabel('Z[1, 2]', { exact: true }).fill('12');
  await page.goto(`${env.url}lesson.html#step=images`);
  await fillMatrix(exercise(page, 'Exercise 1'), 'The dark dot', [255, 255, 255, 255, 0]);
  await exercise(page, 'Exercise 2').getByLabel('The photo’s shape').fill('(300, 451');
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Step 3 of 6: Images in a computer' }).waitFor();
  const cells = async () => {
    const form = exercise(page, 'Exercise 1');
    return Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => form.getByLabel(`The dark dot, row ${Math.floor(i / 3)}, column ${i % 3}`).inputValue()));
  };
  assert.deepEqual(await cells(), ['255', '255', '255', '255', '0', '', '', '', '']);
  assert.equal(await exercise(page, 'Exercise 2').getByLabel('The photo’s shape').inputValue(), '(300, 451');
  await nextStep(page, 'Convolution');
  assert.equal(await exercise(page, 'Exercise 1').getByLabel('Z[1, 2]', { exact: true }).inputValue(), '12');
  // Start again: nothing typed is kept, on the page or after a reload
  await page.getByRole('button', { name: 'Start again' }).click();
  await page.getByRole('heading', { level: 2, name: 'Step 1 of 6: Review: the MLP' }).waitFor();
  await page.goto(`${env.url}lesson.html#step=images`);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Step 3 of 6: Images in a computer' }).waitFor();
  assert.deepEqual(await cells(), Array(9).fill(''));
  assert.equal(await exercise(page, 'Exercise 2').getByLabel('The photo’s shape').inputValue(), '');
  await page.goto(`${env.url}lesson.html#step=convolution`);
  await page.getByRole('heading', { level: 2, name: 'Step 4 of 6: Convolution' }).waitFor();
  assert.equal(await exercise(page, 'Exercise 1').getByLabel('Z[1, 2]', { exact: true }).inputValue(), '');
  await page.context().close();
});

test('a link opens its step; a step link the page cannot mean is said and the first step shown', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}lesson.html#step=kernels`);
  await page.getByRole('heading', { level: 2, name: 'Step 5 of 6: Kernels' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Kernels', exact: true }).first().getAttribute('aria-current'), null, 'the nav link is not the step');
  assert.equal(await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: 'Kernels' }).getAttribute('aria-current'), 'step');
  // an embedded step (opened here at the top, as a slide's iframe would) leaves the student's own place alone
  await page.goto(`${env.url}lesson.html?embed#step=convolution`);
  await page.getByRole('heading', { level: 2, name: 'Step 4 of 6: Convolution' }).waitFor();
  await page.goto(`${env.url}lesson.html`);
  await page.getByRole('heading', { level: 2, name: 'Step 5 of 6: Kernels' }).waitFor();
  await page.goto(`${env.url}lesson.html#step=mars`);
  await page.getByText('This link’s “step=mars” was ignored (the step is review, motivation, images, convolution, kernels or networks): using review.').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Step 1 of 6: Review: the MLP' }).waitFor();
  await page.context().close();
});

test('embed mode: a lesson step and a lab page inside an iframe, without the header and footer, used by keyboard', async () => {
  const page = await env.newPage({ viewport: { width: 900, height: 800 } });
  // a slide deck's page: another origin's document holding the lab in iframes
  await page.setContent(`<!doctype html><title>Slides</title><h1>Slide 4</h1>
    <iframe title="The lesson’s convolution step" src="${env.url}lesson.html?embed#step=convolution" width="860" height="700"></iframe>
    <iframe title="The kernels page" src="${env.url}kernels.html?embed#img=dot" width="860" height="500"></iframe>`);
  const step = page.frameLocator('iframe[title="The lesson’s convolution step"]');
  await step.getByRole('heading', { level: 2, name: 'Step 4 of 6: Convolution' }).waitFor();
  assert.equal(await step.getByRole('navigation', { name: 'Labs' }).isVisible(), false, 'no site header');
  assert.equal(await step.getByRole('contentinfo').isVisible(), false, 'no site footer');
  assert.equal(await step.getByRole('navigation', { name: 'Steps' }).isVisible(), false, 'one step alone');
  assert.equal(await step.getByRole('navigation', { name: 'Previous and next step' }).count(), 0);
  assert.doesNotMatch(await step.getByRole('main').innerText(), /null/, 'nothing in place of the missing links');
  assert.equal(await step.getByRole('link', { name: 'Open in convlab (new tab)' }).getAttribute('href'), `${env.url}lesson.html#step=convolution`);
  // the keyboard alone: Tab to the answer, type, Enter checks it
  const field = step.getByLabel('Z[1, 2]', { exact: true });
  await field.focus();
  await page.keyboard.type(String(naiveZ(1, 2)));
  await page.keyboard.press('Enter');
  await step.getByRole('form', { name: 'Exercise 1' }).getByRole('status').filter({ hasText: /^Right\./ }).waitFor();

  const lab = page.frameLocator('iframe[title="The kernels page"]');
  await lab.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor();
  assert.equal(await lab.getByRole('navigation', { name: 'Labs' }).isVisible(), false);
  assert.equal(await lab.getByRole('heading', { level: 1 }).isVisible(), true);
  assert.equal(await lab.getByText(/^Slide a small grid of weights/).isVisible(), false, 'the page’s introduction gives way to the widget');
  assert.equal(await lab.getByRole('link', { name: 'Open in convlab (new tab)' }).getAttribute('target'), '_blank');
  await screenshot(page, 'lesson-embed');
  await page.context().close();
});

test('a teacher makes an exercise and gets its link; the student’s page opens it and checks the answer', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}lesson.html`);
  await page.getByText('For teachers: make an exercise').click();
  const make = page.getByRole('form', { name: 'For teachers: make an exercise' });
  await make.getByLabel('Matrix X').selectOption({ label: 'The 5 × 5 matrix of small numbers' });
  for (const [i, v] of [1, 0, -1, 1, 0, -1, 1, 0, -1].entries()) await make.getByLabel(`Kernel weight W[${Math.floor(i / 3)}, ${i % 3}]`).fill(String(v));
  await make.getByLabel('Padding').selectOption('zero');
  await make.getByLabel('Stride').selectOption('2');
  await make.getByRole('radio', { name: 'one output value, Z[j1, j2]' }).check();
  // a position the output does not have, said; then one it has
  await make.getByLabel('Row j1').fill('3');
  await make.getByRole('button', { name: 'Make the link' }).click();
  await make.getByRole('status').filter({ hasText: 'Z[3, 0] is outside the output, which has shape (3, 3): rows 0 to 2, columns 0 to 2.' }).waitFor();
  await make.getByLabel('Row j1').fill('1');
  await make.getByLabel('Column j2').fill('2');
  await make.getByRole('button', { name: 'Make the link' }).click();
  const link = await make.getByLabel('The exercise’s link').inputValue();
  assert.equal(link, `${env.url}lesson.html#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await make.getByRole('button', { name: 'Copy the link' }).click();
  await make.getByRole('status').filter({ hasText: 'The link is copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await page.context().close();

  // the student, another browser: the link alone
  const student = await env.newPage();
  await student.goto(link);
  await student.getByRole('heading', { level: 2, name: 'Your teacher’s exercise' }).waitFor();
  assert.equal(await student.getByTitle('The kernels page with your teacher’s picture and kernel').getAttribute('src'),
    'kernels.html?embed#img=grid5&preset=custom&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&px=1,2');
  const form = exercise(student, 'Exercise 1');
  assert.match(await form.textContent(), /Slide the kernel W = \[\[1, 0, -1\], \[1, 0, -1\], \[1, 0, -1\]\] over the 5 × 5 matrix of small numbers, with zero padding and stride 2\. What is Z\[1, 2\]\?/);
  const z = zeroPaddedStride2(1, 2);
  assert.match(await answer(form, 'Z[1, 2]', String(z + 1)), new RegExp(`Not yet\\. ${z + 1} is not Z\\[1, 2\\]\\. Hint: Find the 3 × 3 block`));
  assert.match(await answer(form, 'Z[1, 2]', String(z)), /^Right\./);
  await student.context().close();
});

test('screenshots: the lesson at phone and projector sizes', async () => {
  for (const size of ['phone', 'projector']) {
    const page = await env.newPage(SIZES[size]);
    await page.goto(`${env.url}lesson.html#step=images`);
    const form = exercise(page, 'Exercise 2');
    await answer(form, 'The photo’s shape', '(451, 300, 3)');
    await screenshot(page, `lesson-${size}`);
    await page.context().close();
  }
});
