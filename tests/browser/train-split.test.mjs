// Training on every core by splitting layer 1's units (train/split.js), on a
// cross-origin isolated page, in the train page's own workers: the MLP with
// 2 and 3 workers (the worker told of 4 cores) gives one worker's weights bit
// for bit (SGD; Adam with L2; momentum with tanh; the values traded through
// lib/shared-bridge.js and by typed arrays), also when the model is read
// in the middle of a run (saved, tested, shown in the network view, then
// trained on: the helpers' rows of layer 1 come in first and training goes on
// as before), and a run that diverges stops at the same batch with the same
// last good weights. "All cores" splits the MLP, and the page says so; an
// MLP too small to gain from it trains in one worker, and the page says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, SITE } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { openTrain, loadData, runMessage, until } from './train-helpers.mjs';
import { trainPageWithCores, finishedRuns as finishedRunsOf } from './train-worker-driver.mjs';

const env = useSiteAndBrowser();

/** A page of the isolated site whose train worker is told of 4 cores, with the worker driver. */
async function isolatedPage(url) {
  const page = await trainPageWithCores(env.newPage, url);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  return page;
}

/**
 * In the page, one train worker: for each run [workers, settings], 5 steps,
 * reads of the model (its file, the test set, the network view), 5 more
 * steps and its file again, then the rest of the run; returns what each
 * read gave (hashes of the files, the test accuracy) and how the run went.
 */
const runs = (page, list) => page.evaluate(async (list) => {
  const { worker, call, next } = globalThis.trainWorker();
  await call('init');
  await call('loadData', { base: new URL('./', location.href).href, quick: true });
  const hash = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const out = [];
  let runId = 1;
  for (const [workers, extra] of list) {
    const settings = {
      runId: runId++, spec: 'dense128-relu-dense10-softmax', seed: 3, batch: 32, lr: 0.05, epochs: 1, l2: 0,
      loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, trainCount: 1600, workers, ...extra,
    };
    const got = { workers, reads: [] };
    let created = null;
    for (let i = 0; i < 5; i++) created ??= (await call('step', { settings })).created;
    got.split = created.splitUnits;
    got.reads.push(await hash((await call('save')).bytes));
    got.test = (await call('evaluate')).accuracy;
    const view = await call('network', { watch: { source: { kind: 'test', index: 7 } }, live: false });
    got.hidden = await hash(view.layers[1].data);
    for (let i = 0; i < 5; i++) await call('step', { settings });
    got.reads.push(await hash((await call('save')).bytes));
    const done = next('finished');
    await call('resume');
    const ev = await done;
    Object.assign(got, { how: ev.how, batch: ev.batch, exchange: ev.exchange, ranWith: ev.workers });
    got.reads.push(await hash((await call('save')).bytes));
    out.push(got);
  }
  worker.terminate();
  return out;
}, list);

/** finishedRuns (train-worker-driver.mjs) of runs of the MLP. */
const MLP_RUN = {
  spec: 'dense128-relu-dense10-softmax', seed: 6, batch: 32, lr: 0.05, epochs: 1, l2: 0,
  loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, trainCount: 1600,
};
const finishedRuns = (page, list) => finishedRunsOf(page, list, MLP_RUN);

test('split over 2 and 3 workers: one worker’s weights bit for bit, read in the middle of a run or at its end', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await isolatedPage(isolated.url);
    const settings = [
      {},
      { optimizer: 'adam', lr: 0.002, l2: 1e-4 },
      { optimizer: 'momentum', momentum: 0.9, lr: 0.02, spec: 'dense96-tanh-dense10-softmax' },
    ];
    // the values copied through lib/shared-bridge.js (what Chromium does), and once by typed arrays
    const list = settings.flatMap((s) => [[1, s], [2, s], [3, s], [2, { ...s, bridge: false }]]);
    const got = await runs(page, list);
    for (let i = 0; i < got.length; i += 4) {
      const [one, two, three, typed] = got.slice(i, i + 4);
      const what = JSON.stringify(settings[i / 4]);
      assert.deepEqual([one.how, one.ranWith, one.split, one.exchange], ['done', 1, 0, null], what);
      for (const r of [two, three, typed]) {
        const way = r === typed ? 'split' : 'split, bridge';
        assert.deepEqual([r.how, r.ranWith, r.exchange], ['done', r.workers, way], `${what}: ${JSON.stringify(r)}`);
        assert.ok(r.split >= 96, `${what}: layer 1's units split (${r.split})`);
        assert.deepEqual(r.reads, one.reads, `${what}, ${r.workers} workers: the model file after 5, 10 and 50 batches`);
        assert.equal(r.test, one.test, `${what}, ${r.workers} workers: the test accuracy after 5 batches`);
        assert.equal(r.hidden, one.hidden, `${what}, ${r.workers} workers: layer 1's values of a test image after 5 batches`);
      }
      assert.equal(new Set(one.reads).size, 3, `${what}: the weights moved between the reads`);
    }
  } finally {
    isolated.server.close();
  }
});

test('split: a team that loses to one worker leaves the run to it mid-way, with one worker’s weights bit for bit', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await isolatedPage(isolated.url);
    // teamLook: the worker looks every 10 batches, and ratio 0 makes any team lose: alone after 20 where
    // "all cores" chose it (the worker told of 4 cores: 4 workers); 2 chosen by the student train to the end
    const common = { seed: 6, epochs: 2, optimizer: 'adam' };
    const losing = { every: 10, ratio: 0 };
    const got = await finishedRuns(page, [{ ...common, workers: 1 }, { ...common, workers: 0, teamLook: losing }, { ...common, workers: 2, teamLook: losing }]);
    const [one, all, chosen] = got;
    assert.deepEqual([one.how, one.ranWith], ['done', 1]);
    assert.deepEqual([all.how, all.ranWith], ['done', 1], JSON.stringify(all));
    assert.match(all.note, /slower than one worker alone.*training goes on in one worker, with the same weights/);
    assert.ok(all.seen.includes(4), `it trained with 4 workers first: ${all.seen}`);
    assert.equal(all.file, one.file, 'the model file of one worker, bit for bit');
    assert.deepEqual([chosen.how, chosen.ranWith, chosen.note], ['done', 2, ''], '2 workers chosen: kept');
    assert.equal(chosen.file, one.file);
  } finally {
    isolated.server.close();
  }
});

test('split: the page says when a team that lost to one worker hands the run to it', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await env.newPage({ serviceWorkers: 'block' });
    // every team loses: the worker looks every 10 batches, against a ratio of 0; all cores (the default)
    await page.route('**/train/team.js', async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace('...(s.teamLook ?? {})', '...(s.teamLook ?? { every: 10, ratio: 0 })');
      await route.fulfill({ response: res, body });
    });
    await openTrain(page, isolated.url, '#arch=custom&spec=dense128-relu-dense10-softmax&bs=32&lr=0.05&opt=sgd&epochs=20&seed=5&best=0');
    await loadData(page);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await runMessage(page).filter({ hasText: /split over \d+ workers \(the same weights as one worker\)\. Then the helper workers were slower than one worker alone .*training goes on in one worker, with the same weights\./ }).waitFor();
    await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === '1', 'Workers 1 in the run’s numbers');
    await page.getByRole('button', { name: 'Stop' }).click({ timeout: 2000 }).catch(() => {});
  } finally {
    isolated.server.close();
  }
});

test('split: a learning rate that diverges stops 2 workers at one worker’s batch, with its last good weights', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await isolatedPage(isolated.url);
    const common = { seed: 4, lr: 1e20, trainCount: 3200 };
    const got = await finishedRuns(page, [{ ...common, workers: 1 }, { ...common, workers: 2 }]);
    const [one, two] = got;
    assert.equal(one.how, 'diverged', one.message);
    assert.equal(two.split, 128);
    assert.deepEqual([two.how, two.batch, two.message], [one.how, one.batch, one.message]);
    assert.ok(one.batch > 0 && one.batch < 100, `diverged at batch ${one.batch}`);
    assert.equal(two.file, one.file, 'the same last good weights');
  } finally {
    isolated.server.close();
  }
});

test('all cores on an isolated page: the MLP’s layer 1 split over the cores, a small one in one worker, said in the run’s message', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await env.newPage();
    await openTrain(page, isolated.url, '#arch=custom&spec=dense128-relu-dense10-softmax&bs=32&lr=0.05&opt=sgd&epochs=20&seed=5&best=0&workers=all');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await loadData(page);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    if (cores > 1) {
      await runMessage(page).filter({ hasText: new RegExp(`layer 1’s 128 units split over ${cores} workers \\(the same weights as one worker\\)\\.`) }).waitFor();
      // (a machine too busy for the team, as a loaded test run can be, hands the run to one worker
      // and says so after the message above: split.js losing)
      await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === String(cores)
        || /training goes on in one worker/.test(await runMessage(page).textContent()), `Workers ${cores} in the run’s numbers`);
    }
    await page.getByRole('button', { name: 'Stop' }).click({ timeout: 2000 }).catch(() => {});
    await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor();
    // an MLP too small for a split to pay (split.js SPLIT_WORTH): one worker, and why
    await page.getByLabel('Model spec').fill('dense16-relu-dense10-softmax');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    if (cores > 1) await runMessage(page).filter({ hasText: /in one worker \(a batch of this network is too small for its layer 1 to be worth splitting over cores;/ }).waitFor();
    await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === '1', 'Workers 1 in the run’s numbers');
    await page.getByRole('button', { name: 'Stop' }).click({ timeout: 2000 }).catch(() => {});
  } finally {
    isolated.server.close();
  }
});
