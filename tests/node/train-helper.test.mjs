// The train page's helper worker (web/train/helper.js) in node, driven by its
// own messages as the team sends them (team.js): through messages, each batch's
// part takes the worker's parameters in a buffer and gives its gradient back in
// that same buffer (transferred both ways: no 400 KB allocation a batch, which
// made two workers 7 times slower than one for the MLP); the gradient is the
// engine's own for those parameters and examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';

const SITE = new URL('../../build/site/', import.meta.url);
const answers = new Map();
globalThis.self = globalThis;
globalThis.postMessage = (data, transfer) => { answers.get(data.id)?.({ data, transfer }); };
const realFetch = globalThis.fetch;
globalThis.fetch = async (url) => {
  const u = new URL(url);
  if (u.protocol !== 'file:') return realFetch(url);
  return new Response(fs.readFileSync(new URL(u.pathname.split('/').pop(), SITE)));
};
await import('../../web/train/helper.js');
let id = 0;
function call(type, args = {}) {
  const i = ++id;
  return new Promise((resolve, reject) => {
    answers.set(i, ({ data, transfer }) => {
      answers.delete(i);
      if (data.ok) resolve({ result: data.result, transfer });
      else reject(new Error(data.error.message));
    });
    globalThis.onmessage({ data: { id: i, type, ...args } });
  });
}

const SPEC = 'dense8-relu-dense10-softmax', N = 40;

test('a part through messages: its gradient comes back in the parameters’ own buffer, the engine’s bits', async () => {
  const { result: built } = await call('init', { simd: true, relaxed: false });
  assert.equal(built.buildName, 'WebAssembly SIMD');
  let s = 7;
  const images = Uint8Array.from({ length: N * 784 }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
  const labels = Uint8Array.from({ length: N }, (_, i) => (i * 7) % 10);
  await call('data', { images: images.slice(), labels: labels.slice() });
  const { result: { floats } } = await call('model', { spec: SPEC, seed: 3, loss: 'xent', optimizer: 'sgd', lr: 0.1, momentum: 0, l2: 0 });

  // the same gradient worked out here, in an engine of our own
  const cl = await loadConvlab({ bytes: fs.readFileSync(new URL('convlab-simd.wasm', SITE)) });
  const net = cl.createNetwork(SPEC, { c: 1, h: 28, w: 28, seed: 11 });
  const pImages = cl.alloc(N * 784), pLabels = cl.alloc(N), pIdx = cl.alloc(4 * 4);
  cl.u8(pImages, N * 784).set(images);
  cl.u8(pLabels, N).set(labels);
  for (const round of [0, 1]) {
    const params = Float32Array.from({ length: floats }, (_, i) => Math.sin(i + round) / 10);
    const idx = Int32Array.of(5, 17, 2 + round, 33);
    net.paramsView().set(params);
    cl.i32(pIdx, 4).set(idx);
    const own = net.gradientsIdx(pImages, pLabels, pIdx, 4, 8);
    const want = net.gradsView().slice();
    const { result, transfer } = await call('part', { params, idx, batch: 8 });
    assert.equal(result.grads, params, 'the gradient is written into the buffer the parameters came in');
    assert.deepEqual(transfer, [params.buffer], 'and that buffer goes back (transferred)');
    assert.deepEqual(result.grads, want, 'the engine’s gradient of the part, bit for bit');
    assert.equal(result.n, 4);
    assert.equal(result.loss, own.loss);
    assert.equal(result.diverged, false);
  }
});
