// A helper of the kernels page's worker for tests/wasm/bands.test.mjs, in a
// node worker thread: web/kernels/helper-work.js's handlers served by
// lib/worker-rpc.js's serveRequests, as web/kernels/helper.js serves them in a
// browser (here `self` is the thread's port; shared memory stays shared).
import { parentPort } from 'node:worker_threads';
import fs from 'node:fs';
import { loadConvlab } from '../../web/lib/convlab.js';
import { serveRequests } from '../../web/lib/worker-rpc.js';
import { helperHandlers } from '../../web/kernels/helper-work.js';

globalThis.self = {
  postMessage: (data, transfer) => parentPort.postMessage(data, transfer),
  set onmessage(f) { parentPort.on('message', (data) => f({ data })); },
};
const SITE = new URL('../../build/site/', import.meta.url);
serveRequests(helperHandlers(async (simd) => loadConvlab({ simd, bytes: fs.readFileSync(new URL(`convlab-${simd ? 'simd' : 'scalar'}.wasm`, SITE)) })));
