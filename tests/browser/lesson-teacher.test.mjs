// Teacher's exercises made from any page (issue 15): on the kernels, pixels
// and train pages a teacher sets the view up, opens "For teachers: make an
// exercise from this view" and gets a lesson link; a student (another
// browser) opens it, answers wrong first, then right, the engine checking.
// A tampered link is refused with what is wrong, never a crash. The right
// answers come from elsewhere: the lesson's sum done here, the kernels page's
// own result, the picture's bytes read by the browser's canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, screenshot, SIZES } from './helpers.mjs';
import { openTrain, loadData, trainToEnd, modelKept } from './train-helpers.mjs';
import { shapeIs, sample, upload } from './pixels-helpers.mjs';
import { rgbPng } from '../lib/png.mjs';
import { answer, zeroPaddedStride2 } from './lesson-helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

/** Makes the link on a page: opens the panel, chooses what the student finds, fills its fields; returns the link or the error said. */
async function makeLink(page, choice, fields = {}) {
  const panel = page.getByRole('form', { name: 'For teachers: make an exercise from this view' });
  if (!(await panel.isVisible())) await page.getByText('For teachers: make an exercise from this view').click();
  await panel.getByRole('radio', { name: choice }).check();
  for (const [label, value] of Object.entries(fields)) await panel.getByLabel(label).fill(value);
  await panel.getByRole('button', { name: 'Make the link' }).click();
  const status = panel.getByRole('status');
  await status.filter({ hasText: /\S/ }).waitFor();
  const field = panel.getByLabel('The exercise’s link');
  return (await field.isVisible()) ? { link: await field.inputValue() } : { error: await status.textContent() };
}

/** A student's page on a link: the exercise's form. */
async function openAsStudent(link) {
  const page = await env.newPage();
  await page.goto(link);
  await page.getByRole('heading', { level: 2, name: 'Your teacher’s exercise' }).waitFor();
  return { page, form: page.getByRole('form', { name: 'Exercise 1' }) };
}

/** A tampered link: refused, what is wrong listed, no exercise to answer. */
async function refused(link, problem) {
  const page = await env.newPage();
  await page.goto(link);
  await page.getByRole('heading', { level: 2, name: 'This exercise link cannot be used' }).waitFor();
  await page.getByRole('list', { name: 'What is wrong with the link' }).getByText(problem).waitFor();
  assert.equal(await page.getByRole('form', { name: 'Exercise 1' }).count(), 0);
  assert.match(await page.locator('[data-page-message]').textContent(), /cannot be used/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
}

test('kernels page: Z at the selected pixel of a matrix, and of a photo; a view that makes none said; a tampered link refused', async () => {
  const teacher = await env.newPage();
  await teacher.goto(`${env.url}kernels.html#img=grid5&mode=channels`);
  await teacher.getByText('For teachers: make an exercise from this view').waitFor();
  assert.match((await makeLink(teacher, 'the value Z[j1, j2] at the selected output pixel')).error, /Grayscale mode/);
  await teacher.goto(`${env.url}kernels.html#img=grid5&preset=custom&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&px=1,2`);
  await teacher.reload();
  await teacher.getByLabel('Result Z[1, 2]').waitFor();
  await teacher.getByText('For teachers: make an exercise from this view').waitFor();
  const { link } = await makeLink(teacher, 'the value Z[j1, j2] at the selected output pixel');
  assert.equal(link, `${env.url}lesson.html#task=z&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2&at=1,2`);
  assert.equal((await makeLink(teacher, 'the output’s shape')).link, `${env.url}lesson.html#task=shape&img=grid5&w=1,0,-1,1,0,-1,1,0,-1&pad=zero&stride=2`);
  await screenshot(teacher, 'lesson-teacher-kernels');

  const { page, form } = await openAsStudent(link);
  const z = zeroPaddedStride2(1, 2);
  assert.match(await answer(form, 'Z[1, 2]', String(z - 1)), new RegExp(`^Not yet\\. ${z - 1} is not Z\\[1, 2\\]\\.`));
  assert.match(await answer(form, 'Z[1, 2]', String(z)), /^Right\./);
  await page.context().close();

  // a photo in grayscale, a 5 x 5 blur: the student's answer is the kernels page's own result, to one decimal
  await teacher.goto(`${env.url}kernels.html#img=camera&k=5x5&preset=custom&w=${Array(25).fill(0.04).join(',')}&px=100,200`);
  await teacher.reload();
  const result = teacher.getByLabel('Result Z[100, 200]');
  await result.waitFor();
  await teacher.getByText('For teachers: make an exercise from this view').waitFor();
  const shown = Number(/=\s*(-?[\d.]+)/.exec(await result.textContent())[1]);
  const photo = await makeLink(teacher, 'the value Z[j1, j2] at the selected output pixel');
  assert.match(photo.link, /#task=z&img=camera&k=5x5&w=0\.04,0\.04,.*&pad=valid&stride=1&at=100,200$/);
  const student = await openAsStudent(photo.link);
  assert.match(await student.form.textContent(), /over the photo Cameraman, in grayscale, with no padding and stride 1\. What is Z\[100, 200\]\? \(One decimal is enough\.\)/);
  assert.match(await answer(student.form, 'Z[100, 200]', (shown + 1).toFixed(1)), /^Not yet\./);
  assert.match(await answer(student.form, 'Z[100, 200]', shown.toFixed(1)), /^Right\./);
  await student.page.context().close();
  await teacher.context().close();

  await refused(link.replace('stride=2', 'stride=9'), '“stride=9” cannot be read: the stride must be from 1 to 4.');
  await refused(link.replace('at=1,2', 'at=7,7'), 'Z[7, 7] is outside the output, which has shape (3, 3): rows 0 to 2, columns 0 to 2.');
});

test('pixels page: the numbers of the pixel under the lens; a file’s picture makes none; a tampered link refused', async () => {
  const teacher = await env.newPage();
  await teacher.goto(`${env.url}pixels.html#sample=chelsea&x=200&y=120`);
  await shapeIs(teacher, '(300, 451, 3)');
  const { link } = await makeLink(teacher, 'the numbers of the pixel the lens is on');
  assert.equal(link, `${env.url}lesson.html#task=pixel&img=chelsea&at=120,200`);
  assert.equal((await makeLink(teacher, 'the picture’s shape')).link, `${env.url}lesson.html#task=imgshape&img=chelsea`);
  // a picture of the teacher's own: the student's page has no copy of it
  await upload(teacher, 'mine.png', rgbPng(4, 3, Array(12).fill([10, 20, 30])));
  await shapeIs(teacher, '(3, 4, 3)');
  assert.match((await makeLink(teacher, 'the picture’s shape')).error, /Exercises use the lab’s sample pictures/);
  await teacher.context().close();

  const { page, form } = await openAsStudent(link);
  // the pixel's bytes, the PNG decoded here (tests/lib/png.mjs)
  const png = sample('chelsea.png');
  const at = (120 * png.width + 200) * png.channels;
  const rgb = [...png.data.slice(at, at + 3)];
  assert.match(await answer(form, 'The pixel’s numbers', `(${[...rgb].reverse().join(', ')})`), /^Not yet\. Those are its numbers in the order B, G, R\./);
  assert.match(await answer(form, 'The pixel’s numbers', `(${rgb[0]}, ${rgb[1]})`), /A colour pixel has three numbers; you wrote 2\./);
  assert.match(await answer(form, 'The pixel’s numbers', `(${rgb.join(', ')})`), /^Right\./);
  assert.equal(await page.getByTitle('The pixels page with your teacher’s picture').getAttribute('src'), 'pixels.html?embed#sample=chelsea&x=200&y=120');
  await page.context().close();

  await refused(link.replace('at=120,200', 'at=999,999'), 'The pixel at row 999, column 999 is outside the picture, which has 300 rows and 451 columns.');
  await refused(link.replace('img=chelsea', 'img=mars'), '“mars” is not one of the lab’s sample pictures.');
  await refused(`${env.url}lesson.html#task=pixel&img=chelsea`, 'The position (“at=”) is missing.');
});

test('train page: a target accuracy for an MLP; no model first, then one trained; a tampered link refused', async () => {
  const teacher = await env.newPage();
  await openTrain(teacher, env.url, '#arch=cnn');
  assert.match((await makeLink(teacher, /a model of the architecture chosen above/, { 'The target: % of the test images right': '5' })).error, /whole percentage from 11 to 99/);
  await openTrain(teacher, env.url, '#arch=mlp');
  await teacher.reload();
  await teacher.locator('[data-engine-badge]').filter({ hasText: 'WebAssembly' }).waitFor();
  const { link } = await makeLink(teacher, /a model of the architecture chosen above/, { 'The target: % of the test images right': '60' });
  assert.equal(link, `${env.url}lesson.html#task=train&arch=mlp&target=60`);
  await teacher.context().close();

  const { page, form } = await openAsStudent(link);
  assert.match(await form.textContent(), /Train an MLP on the train page \(it is open above\) until it gets at least 60% of the test images right/);
  assert.match(await answer(form, null), /^Not yet\. No trained model is kept in this browser yet\./);
  const trainer = await page.context().newPage();
  await openTrain(trainer, env.url, '#arch=mlp&L=1&units=32&epochs=1&seed=2');
  await loadData(trainer);
  await trainToEnd(trainer);
  await modelKept(trainer);
  const accuracy = await trainer.getByLabel('Test accuracy').textContent();
  await trainer.close();
  assert.match(await answer(form, null), new RegExp(`^Right\\. Your model \\(dense32-relu-dense10-softmax\\) gets [\\d,]+ of the 10,000 test images right, ${accuracy.replace('.', '\\.')}\\.`));
  await page.context().close();

  await refused(link.replace('target=60', 'target=5'), '“target=5” cannot be read: the target accuracy must be from 11 to 99.');
  await refused(`${link}&answer=1`, 'This link has a name the page does not know: “answer”.');
});

test('screenshots: a teacher’s panel and a refused link at phone and projector sizes', async () => {
  for (const size of ['phone', 'projector']) {
    const page = await env.newPage(SIZES[size]);
    await page.goto(`${env.url}pixels.html#sample=coffee&x=10&y=20`);
    await shapeIs(page, '(400, 600, 3)');
    await makeLink(page, 'the numbers of the pixel the lens is on');
    await page.getByRole('form', { name: 'For teachers: make an exercise from this view' }).screenshot({ path: `test-artifacts/lesson-teacher-panel-${size}.png` });
    await page.goto(`${env.url}lesson.html#task=pixel&img=coffee&at=20,10`);
    await page.getByRole('form', { name: 'Exercise 1' }).waitFor();
    await screenshot(page, `lesson-teacher-pixel-${size}`);
    await page.goto(`${env.url}lesson.html#task=pixel&img=coffee&at=x`);
    await page.getByRole('heading', { level: 2, name: 'This exercise link cannot be used' }).waitFor();
    await screenshot(page, `lesson-teacher-refused-${size}`);
    await page.context().close();
  }
});
