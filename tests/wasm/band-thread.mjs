// A helper of the kernels page's worker for tests/wasm/bands.test.mjs, in a
// node worker thread: web/kernels/helper-work.js's handlers, each message
// { id, type, args } answered with { id, result } or { id, error }, as
// web/kernels/helper.js serves them in a browser (shared memory stays shared).
import { parentPort } from 'node:worker_threads';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';
import { helperHandlers } from '../../web/kernels/helper-work.js';

const SITE = new URL('../../build/site/', import.meta.url);
const handlers = helperHandlers(async (simd) => loadConvlab({ simd, bytes: fs.readFileSync(new URL(`convlab-${simd ? 'simd' : 'scalar'}.wasm`, SITE)) }));
parentPort.on('message', async ({ id, type, args }) => {
  try {
    parentPort.postMessage({ id, result: (await handlers[type](args)).result });
  } catch (e) {
    parentPort.postMessage({ id, error: e.message });
  }
});
