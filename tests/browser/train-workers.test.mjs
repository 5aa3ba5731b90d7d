// Training on every core, as a student sees it: the Workers chooser (all
// cores, or 1..N, N this device's cores) in the training settings and in the
// link; a few batches from the same seed with 1 and with 2 workers, each
// twice, read back through the page's saved model file: the same count gives
// the same weights bit for bit, 2 workers stay close to 1 (the sums over the
// batch in another order), and the run says how many workers train it. The
// same on a cross-origin isolated page (the helpers trade through shared
// memory, exchange.js): the same weights as through messages, bit for bit;
// and there the copies into and out of the shared memory by WebAssembly
// (lib/shared-bridge.js) give the bits of the typed arrays' copies, for 2
// and for 3 workers (the worker told of 4 cores), on the MLP's large gradient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useSiteAndBrowser, SITE } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { openTrain, loadData, runMessage, until } from './train-helpers.mjs';
import { installTrainWorker, finishedRuns, trainPageWithCores } from './train-worker-driver.mjs';

const env = useSiteAndBrowser();

const SPEC = 'conv3x3x4-relu-maxpool2-dense10-softmax';
const PARAMS = 4 * 9 + 4 + 4 * 13 * 13 * 10 + 10; // conv3x3x4 and dense10 after the pooling
const STEPS = 6;

const runsOf = {};

/** The weights of a convlab model file: the values before its CRC (cl_nn.h's format). */
function weightsOf(bytes) {
  const end = bytes.length - 4;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + end - 4 * PARAMS, bytes.byteOffset + end));
}

/** A new model from the seed, STEPS batches with One step, then the saved file's weights. */
async function stepsAndSave(page) {
  const reset = page.getByRole('button', { name: 'Reset' });
  if (!(await reset.isDisabled())) await reset.click();
  const batch = page.locator('[data-stat="batch"]');
  for (let i = 0; i < STEPS; i++) {
    await page.getByRole('button', { name: 'One step' }).click();
    // this step's own end (the message before it read the same): the run's batch count moved on
    await until(async () => (await batch.textContent()).startsWith(`${i + 1} of`), `batch ${i + 1} done`);
    await runMessage(page).filter({ hasText: /^One batch of 32/ }).waitFor();
    await until(async () => !(await page.getByRole('button', { name: 'One step' }).isDisabled()), 'One step again');
  }
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save the model to a file' }).click()]);
  return weightsOf(fs.readFileSync(await d.path()));
}

/**
 * Stop, unless the run has already ended. (The links train 20 epochs: a run's
 * message, which its end replaces, stays while the test reads it.)
 */
async function stopIfRunning(page) {
  await page.getByRole('button', { name: 'Stop' }).click({ timeout: 2000 }).catch(() => {});
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor();
}

test('the Workers chooser: all cores or 1..N, in the link; the same count gives the same weights, 2 stay close to 1', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url, `#arch=custom&spec=${SPEC}&bs=32&lr=0.05&opt=sgd&epochs=20&seed=5&best=0`);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const chooser = page.getByLabel('Workers', { exact: true });
  const options = await chooser.locator('option').allTextContents();
  assert.deepEqual(options, [`all ${cores} cores`, ...Array.from({ length: cores }, (_, i) => String(i + 1))]);
  assert.equal(await chooser.inputValue(), 'all');
  assert.match(await page.locator('#tr-workers-hint').textContent(), new RegExp(`over this many cores \\(${cores} here\\)`));
  await loadData(page);

  const runs = {};
  runsOf.messages = runs;
  for (const workers of ['1', '2', '2', '1']) {
    await chooser.selectOption(workers);
    await until(async () => new URL(page.url()).hash.includes(`workers=${workers}`), `workers=${workers} in the link`);
    const w = await stepsAndSave(page);
    (runs[workers] ??= []).push(w);
  }
  await chooser.selectOption('2');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await runMessage(page).filter({ hasText: /^Training .*each split over 2 workers\./ }).waitFor();
  await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === '2', 'Workers 2 in the run’s numbers');
  await stopIfRunning(page);
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor();
  // all cores, without shared memory (this server sends no COOP/COEP): the MLP, whose gradient is
  // large for its compute, trains in one worker, and says why
  await chooser.selectOption('all');
  await page.getByLabel('Model spec').fill('dense128-relu-dense10-softmax');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await runMessage(page).filter({ hasText: /in one worker \(without shared memory, trading this network’s large gradients/ }).waitFor();
  await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === '1', 'Workers 1 in the run’s numbers');
  await stopIfRunning(page);

  assert.deepEqual(runs['1'][1], runs['1'][0], '1 worker: the same weights twice');
  assert.deepEqual(runs['2'][1], runs['2'][0], '2 workers: the same weights twice');
  let diff = 0, scale = 0, differ = 0;
  for (let i = 0; i < PARAMS; i++) {
    diff = Math.max(diff, Math.abs(runs['2'][0][i] - runs['1'][0][i]));
    scale = Math.max(scale, Math.abs(runs['1'][0][i]));
    differ += runs['2'][0][i] !== runs['1'][0][i];
  }
  // 6 SGD steps: the parts' sums in another order move a weight by far less than 1e-5 of the largest
  assert.ok(diff <= 1e-5 * scale, `2 workers within 1e-5 of the largest weight of 1 worker: ${diff} of ${scale}`);
  assert.ok(differ > 0, 'the 2-worker run really split the batches (its sums are in another order)');

  // a link with more workers than this device has: said, and trained with all of them
  await page.goto(`${env.url}train.html#workers=${cores + 2}`);
  // the page has read the new link (a reload sooner would reload the link it was writing)
  await until(async () => (await chooser.inputValue()) === String(cores + 2), 'the link read');
  await page.reload();
  await page.waitForLoadState('networkidle'); // the page done with the link and the kept state
  assert.equal(await chooser.inputValue(), String(cores + 2));
  assert.match(await chooser.locator('option:checked').textContent(), new RegExp(`\\(${cores} on this device\\)`));
});

test('cross-origin isolated, the workers share memory: the same weights as through messages, bit for bit', async () => {
  assert.ok(runsOf.messages, 'the test before ran');
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    const page = await env.newPage();
    await openTrain(page, isolated.url, `#arch=custom&spec=${SPEC}&bs=32&lr=0.05&opt=sgd&epochs=20&seed=5&best=0&workers=2`);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    await loadData(page);
    const w = await stepsAndSave(page);
    assert.deepEqual(w, runsOf.messages['2'][0]);
    // all cores, sharing memory: a network whose gradient is large for its compute and whose units
    // cannot be split (a dense layer alone: the MLP's units split, train-split.test.mjs) trains in
    // one worker, and says why
    await page.getByLabel('Workers', { exact: true }).selectOption('all');
    await page.getByLabel('Model spec').fill('dense10-softmax');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await runMessage(page).filter({ hasText: /in one worker \(even through shared memory, trading this network’s large gradients/ }).waitFor();
    await until(async () => (await page.locator('[data-stat="workers"]').textContent()) === '1', 'Workers 1 in the run’s numbers');
    await stopIfRunning(page);
  } finally {
    isolated.server.close();
  }
});

test('shared memory: the copies by WebAssembly (lib/shared-bridge.js) give the typed arrays’ bits, with 2 and with 3 workers', async () => {
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    // 3 workers on a 2-core machine: the train worker is told of 4 cores
    const page = await trainPageWithCores(env.newPage, isolated.url);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    /** Runs of the MLP on a new train worker, one per [workers, bridge]: how each went and its weights' hash. */
    const mlpRuns = (configs) => page.evaluate(async (list) => {
      const { worker, call, next } = globalThis.trainWorker();
      await call('init');
      await call('loadData', { base: new URL('./', location.href).href, quick: true });
      const out = [];
      let runId = 1;
      for (const [workers, bridge] of list) {
        const done = next('finished');
        await call('start', { settings: {
          runId: runId++, spec: 'dense128-relu-dense10-softmax', seed: 3, batch: 32, lr: 0.05, epochs: 1, l2: 0,
          loss: 'xent', optimizer: 'sgd', momentum: 0, shufflePixels: false, trainCount: 1600, workers, exchange: 'shared', bridge,
        } });
        const ev = await done;
        const { bytes } = await call('save');
        const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
        out.push({ asked: workers, bridge, how: ev.how, workers: ev.workers, exchange: ev.exchange, hash });
      }
      worker.terminate();
      return out;
    }, configs);
    const runs = await mlpRuns([[2, true], [2, false], [3, true], [3, false], [2, true]]);
    for (const r of runs) {
      assert.equal(r.how, 'done', JSON.stringify(r));
      assert.equal(r.workers, r.asked, JSON.stringify(r));
      // Chromium compiles the bridge (multi-memory): it is used unless the run says not to
      assert.equal(r.exchange, r.bridge ? 'shared, bridge' : 'shared', JSON.stringify(r));
    }
    const [two, twoTyped, three, threeTyped, twoAgain] = runs;
    assert.equal(two.hash, twoTyped.hash, '2 workers: the bridge’s bits are the typed arrays’');
    assert.equal(three.hash, threeTyped.hash, '3 workers: the bridge’s bits are the typed arrays’');
    assert.equal(two.hash, twoAgain.hash, 'the same run again, the same bits');
    assert.notEqual(two.hash, three.hash, 'a part of 11 examples is not one of 16: another sum');
    // a bridge that cannot be loaded: the run goes on with typed arrays, the same bits
    await page.route('**/lib/shared-bridge.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const [lost] = await mlpRuns([[2, true]]);
    assert.deepEqual([lost.how, lost.workers, lost.exchange], ['done', 2, 'shared'], JSON.stringify(lost));
    assert.equal(lost.hash, two.hash, 'without the bridge, the same bits');
  } finally {
    isolated.server.close();
  }
});

test('a team that splits the batch and loses to one worker leaves the run to it mid-way: the team’s weights bit for bit, through messages and through shared memory; a number the student chose trains to the end', async () => {
  // teamLook: the worker looks every 10 batches, and ratio 0 makes any team lose: alone after 20 of 100
  // (the note says so: only a team's step gives it) where "all cores" chose the team; a number the
  // student chose trains to the end, as does a team with every 0
  const common = { spec: SPEC, seed: 4, batch: 32, lr: 0.002, epochs: 2, l2: 1e-4, loss: 'xent', optimizer: 'adam', momentum: 0, shufflePixels: false, trainCount: 1600 };
  const kept = { every: 0 }, losing = { every: 10, ratio: 0 };
  const check = (got, W, way) => {
    const [team, ...alone] = got.slice(0, -2), [chosen, one] = got.slice(-2);
    assert.deepEqual([team.how, team.ranWith, team.exchange], ['done', W, way], JSON.stringify(team));
    for (const a of alone) {
      assert.deepEqual([a.how, a.ranWith, a.exchange], ['done', 1, null], JSON.stringify(a));
      assert.match(a.note, new RegExp(`slower than one worker alone .*training goes on in one worker, which computes each batch’s ${W} parts in turn, for the same weights as ${W} workers`));
      assert.equal(a.file, team.file, `${way}: the model file of ${W} workers, bit for bit`);
    }
    assert.deepEqual([chosen.how, chosen.ranWith, chosen.exchange, chosen.note], ['done', W, way, ''], `${way}: ${W} workers chosen: kept`);
    assert.equal(chosen.file, team.file);
    assert.notEqual(one.file, team.file, `${way}: ${W} workers sum each batch in another order than one`);
  };
  // a page as a plain host serves it, on 2 cores: messages
  const plain = await trainPageWithCores(env.newPage, env.url, 2);
  assert.equal(await plain.evaluate(() => self.crossOriginIsolated), false);
  check(await finishedRuns(plain, [
    { workers: 2, teamLook: kept }, { workers: 0, teamLook: losing }, { workers: 2, teamLook: losing }, { workers: 1 },
  ], common), 2, 'messages');
  const isolated = await startServer({ root: SITE, isolate: true });
  try {
    // shared memory, 3 workers (the train worker told of 3 cores)
    const page = await trainPageWithCores(env.newPage, isolated.url, 3);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    check(await finishedRuns(page, [
      { workers: 3, teamLook: kept }, { workers: 0, teamLook: losing }, { workers: 3, teamLook: losing }, { workers: 1 },
    ], common), 3, 'shared, bridge');
  } finally {
    isolated.server.close();
  }
});
