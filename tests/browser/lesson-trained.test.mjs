// The lesson's exercises on a model the student trained (issue 15): "get the
// MLP above the guessing line" and "find which first-layer filter of your
// trained CNN looks for horizontal edges". The student trains on the train
// page (Quick data, one epoch, small models) in the same browser, then the
// lesson reads the model kept there. Wrong answers first: no model yet, the
// other kind of model, a filter that does not look for horizontal edges, an
// MLP that learned nothing; then the right ones. The filters' orientation is
// computed here, independently, from the numbers the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSiteAndBrowser, screenshot, SIZES, ARTIFACTS, axeViolations } from './helpers.mjs';
import { openTrain, loadData, trainToEnd, modelKept } from './train-helpers.mjs';
import { check } from './lesson-helpers.mjs';

const env = useSiteAndBrowser();

/** Trains a model on the train page (a tab of the same browser) and waits until it is kept. */
async function train(context, hash) {
  const page = await context.newPage();
  await openTrain(page, env.url, hash);
  await loadData(page);
  await trainToEnd(page);
  await modelKept(page);
  const accuracy = await page.getByLabel('Test accuracy').textContent();
  await page.close();
  return accuracy;
}

/** The filters the page shows: each one's weights, row by row, as numbers. */
async function shownFilters(form) {
  const options = form.getByRole('radio');
  const out = [];
  for (let i = 0; i < await options.count(); i++) {
    const item = form.getByRole('listitem').nth(i);
    const rows = await item.locator('.lesson-filter-row').allTextContents();
    out.push(rows.map((r) => r.trim().split(/\s+/).map((t) => Number(t.replace('−', '-')))));
  }
  return out;
}

/** How much a k x k filter's output spreads over a horizontal and a vertical edge (independent of the page). */
function orientation(k) {
  const n = k.length, side = 2 * n + 2;
  const spread = (px) => {
    let lo = Infinity, hi = -Infinity;
    for (let r = 0; r + n <= side; r++) {
      for (let c = 0; c + n <= side; c++) {
        let s = 0;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) s += k[a][b] * px(r + a, c + b);
        lo = Math.min(lo, s); hi = Math.max(hi, s);
      }
    }
    return hi - lo;
  };
  const h = spread((r) => (r < side / 2 ? 0 : 255)), v = spread((_, c) => (c < side / 2 ? 0 : 255));
  return h + v > 0 ? (h - v) / (h + v) : 0;
}

test('the trained-model exercises: no model, then a CNN (its horizontal-edge filter found), then an MLP above the guessing line', async () => {
  const lesson = await env.newPage();
  const context = lesson.context();
  await lesson.goto(`${env.url}lesson.html#step=review`);
  let mlp = lesson.getByRole('form', { name: 'Exercise 2' });
  assert.match(await check(mlp), /^Not yet\. No trained model is kept in this browser yet\. Hint: Train the class’s MLP on the train page/);
  assert.equal(await mlp.getByRole('link', { name: /^Open the train page set up for the class’s MLP/ }).getAttribute('href'), 'train.html#arch=mlp&L=1&units=128&epochs=1');

  await lesson.goto(`${env.url}lesson.html#step=networks`);
  let filters = lesson.getByRole('form', { name: 'Exercise 3' });
  await filters.getByText('No trained model is kept in this browser yet.').waitFor();
  assert.equal(await filters.getByRole('link', { name: /^Open the train page set up for a CNN/ }).getAttribute('href'), 'train.html#arch=cnn&epochs=1');
  assert.match(await check(filters), /^Not yet\. No trained model is kept/);

  // a small CNN, trained in another tab
  await train(context, '#arch=cnn&convs=1&filters=6&dense=0&epochs=1&seed=3');
  await lesson.reload();
  filters = lesson.getByRole('form', { name: 'Exercise 3' });
  await filters.getByRole('radio', { name: 'Filter 6' }).waitFor();
  assert.match(await filters.textContent(), /Layer 1 of your model \(conv3x3x6-.*\): 6 filters of 3 × 3 weights\./);
  const scores = (await shownFilters(filters)).map(orientation);
  assert.equal(scores.length, 6);
  const best = scores.indexOf(Math.max(...scores)), worst = scores.indexOf(Math.min(...scores));
  assert.ok(scores[worst] < Math.min(1 / 3, scores[best] - 0.1) - 0.05, `a filter clearly not horizontal: ${scores.map((s) => s.toFixed(2))}`);
  assert.match(await check(filters), /^Not yet\. Choose a filter first\./);
  await filters.getByRole('radio', { name: `Filter ${worst + 1}` }).check();
  assert.match(await check(filters), new RegExp(`^Not yet\\. Filter ${worst + 1} answers a horizontal edge with a spread of [\\d,.]+, a vertical one with [\\d,.]+: .* Hint: A filter for horizontal edges changes from top to bottom`));
  await filters.getByRole('button', { name: 'Show the worked answer' }).click();
  assert.match(await filters.getByRole('region', { name: 'Worked answer of exercise 3' }).textContent(), new RegExp(`Filter ${best + 1}: .*\\(horizontal\\)`));
  // what was chosen survives a reload
  await lesson.reload();
  filters = lesson.getByRole('form', { name: 'Exercise 3' });
  await filters.getByRole('radio', { name: `Filter ${worst + 1}` }).and(lesson.locator(':checked')).waitFor();
  await filters.getByRole('radio', { name: `Filter ${best + 1}` }).check();
  assert.match(await check(filters), new RegExp(`^Right\\. Filter ${best + 1} answers a horizontal edge .*This exercise is done\\.`));
  await screenshot(lesson, 'lesson-filters');
  assert.deepEqual(await axeViolations(lesson), [], 'the filters as choices, and their feedback');

  // the MLP exercise with a CNN kept: not an MLP
  await lesson.goto(`${env.url}lesson.html#step=review`);
  mlp = lesson.getByRole('form', { name: 'Exercise 2' });
  assert.match(await check(mlp), /^Not yet\. The model kept is a CNN \(conv3x3x6-.*\), not an MLP\./);

  // an MLP that learned nothing (a learning rate far too small), then one that learned
  await train(context, '#arch=mlp&L=1&units=32&epochs=1&lr=0.0000001&seed=2');
  assert.match(await check(mlp), /^Not yet\. Your MLP \(dense32-relu-dense10-softmax\) gets [\d,]+ of the 10,000 test images right, \d+\.\d%: no better than guessing\./);
  const trained = await train(context, '#arch=mlp&L=1&units=32&epochs=1&seed=2');
  const said = await check(mlp);
  // the lesson's evaluation of the kept model: what the train page measured on the same test set
  assert.match(said, new RegExp(`^Right\\. Your MLP \\(dense32-relu-dense10-softmax\\) gets [\\d,]+ of the 10,000 test images right, ${trained.replace('.', '\\.')}: \\d\\.\\d times what guessing gets\\. This exercise is done\\.`));
  const correct = Number(/gets ([\d,]+) of/.exec(said)[1].replace(/,/g, ''));
  assert.equal((correct / 100).toFixed(1) + '%', trained);

  // the filters exercise now: an MLP has none
  await lesson.goto(`${env.url}lesson.html#step=networks`);
  await lesson.getByRole('form', { name: 'Exercise 3' }).getByText(/^The model kept is an MLP \(dense32-relu-dense10-softmax\): it has no filters\./).waitFor();
  assert.deepEqual(lesson.problems, []);
  await context.close();
});

test('screenshots: the filter choices at phone and projector sizes', async () => {
  for (const size of ['phone', 'projector']) {
    const page = await env.newPage(SIZES[size]);
    await train(page.context(), '#arch=cnn&convs=1&filters=8&dense=0&epochs=1&seed=3');
    await page.goto(`${env.url}lesson.html#step=networks`);
    const form = page.getByRole('form', { name: 'Exercise 3' });
    await form.getByRole('radio', { name: 'Filter 8' }).waitFor();
    await form.getByRole('radio', { name: 'Filter 2' }).check();
    await check(form);
    await screenshot(page, `lesson-filters-${size}`);
    await form.screenshot({ path: path.join(ARTIFACTS, `lesson-filters-${size}-exercise.png`) });
    await page.context().close();
  }
});

