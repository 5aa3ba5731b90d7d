// A model trained on the train page leaves the lab: "Export as ONNX" gives a
// file ONNX Runtime runs (in node here) to the page's own test accuracy, and
// "Export for PyTorch" a Python file that rebuilds the network with torch.nn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { useSiteAndBrowser, SITE } from './helpers.mjs';
import { openTrain, loadData, runMessage, testAccuracyShown, TIMEOUT } from './train-helpers.mjs';

ort.env.wasm.numThreads = 1;
const env = useSiteAndBrowser({}, { serviceWorker: false });

/** The test set as the site serves it: { images (n * 784 bytes), labels }. */
function testSet() {
  const images = zlib.gunzipSync(fs.readFileSync(path.join(SITE, 'data/t10k-images-idx3-ubyte.gz'))).subarray(16);
  const labels = zlib.gunzipSync(fs.readFileSync(path.join(SITE, 'data/t10k-labels-idx1-ubyte.gz'))).subarray(8);
  return { images, labels };
}

async function download(page, buttonName) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

test('a trained model exports as ONNX that ONNX Runtime runs to the page’s accuracy, and as a PyTorch file', async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  await loadData(page);
  assert.equal(await page.getByRole('button', { name: 'Export as ONNX' }).isDisabled(), true, 'nothing to export before a model');
  await page.getByLabel('Model spec').fill('conv3x3x4-relu-maxpool2-dense10-softmax');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await runMessage(page).filter({ hasText: /^Finished/ }).waitFor({ timeout: TIMEOUT });
  const accuracy = await testAccuracyShown(page);

  const onnx = await download(page, 'Export as ONNX');
  assert.match(onnx.name, /^convlab-conv3x3x4-relu-maxpool2-dense10-softmax\.onnx$/);
  await page.locator('[data-keep-message]').filter({ hasText: /^Exported the model as ONNX/ }).waitFor();
  const session = await ort.InferenceSession.create(onnx.bytes, { executionProviders: ['wasm'] });
  const { images, labels } = testSet();
  const N = 10000;
  const input = new Float32Array(N * 784);
  for (let i = 0; i < input.length; i++) input[i] = images[i] / 255;
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [N, 1, 28, 28]) });
  const probs = out[session.outputNames[0]].data;
  let right = 0;
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
    if (best === labels[i]) right++;
  }
  assert.equal((100 * right / N).toFixed(1), accuracy.toFixed(1), 'ONNX Runtime’s accuracy on the test set is the page’s');

  const py = await download(page, 'Export for PyTorch');
  assert.match(py.name, /\.py$/);
  const text = py.bytes.toString('utf8');
  assert.match(text, /import torch/);
  assert.match(text, /nn\.Conv2d\(1, 4, kernel_size=\(?3/);
  assert.match(text, /T-shirt\/top/);
  await page.context().close();
});
