// home/main.js - the landing page: the engine and the class's worked example,
// what this device can do (readiness.js), and offline use after this visit.
import { WorkerClient } from '../lib/worker-rpc.js';
import { $ } from '../lib/dom.js';
import { startOffline } from '../lib/offline.js';
import { render } from './readiness.js';

const X = [255, 255, 255, 255, 0, 255, 255, 255, 255];
const W = [0, 1, 2, 2, 2, 0, 0, 1, 2];

function fillMatrix(table, values, n) {
  table.replaceChildren();
  for (let r = 0; r < n; r++) {
    const tr = table.insertRow();
    for (let c = 0; c < n; c++) tr.insertCell().textContent = String(values[r * n + c]);
  }
}

/** The device's facts, filled in as they come (render() after each). */
const facts = { engine: null, error: '', cores: navigator.hardwareConcurrency || 0, storage: null, memoryGB: null, offline: null, timings: null };

async function main() {
  const status = $('[data-engine-status]');
  const detail = $('[data-engine-detail]');
  const badge = $('[data-engine-badge]');
  const list = $('[data-device]');
  const show = () => render(facts, list);
  fillMatrix($('[data-matrix="x"]'), X, 3);
  fillMatrix($('[data-matrix="w"]'), W, 3);
  facts.memoryGB = /** @type {any} */ (navigator).deviceMemory ?? null;
  show();
  startOffline().then((o) => { facts.offline = o; show(); });
  navigator.storage?.estimate?.().then((e) => { facts.storage = { quota: e.quota ?? 0, usage: e.usage ?? 0 }; show(); }, () => {});
  const engine = new WorkerClient(new URL('worker.js', import.meta.url));
  try {
    const info = await engine.call('init');
    $('[data-example-result]').textContent = `Z[0, 0] = ${info.example}`;
    status.dataset.state = 'ok';
    status.dataset.simd = String(info.simd);
    status.textContent = `Engine loaded: ${info.buildName}`;
    badge.textContent = `Engine: ${info.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    detail.textContent = info.note || (info.simd
      ? 'This browser runs WebAssembly SIMD: convolutions and training use 128-bit vector instructions.'
      : 'This browser does not validate WebAssembly SIMD, so the scalar build runs: everything works, more slowly.');
    facts.engine = info;
    show();
  } catch (e) {
    status.dataset.state = 'error';
    status.textContent = `The engine did not load: ${e.message}`;
    badge.textContent = 'Engine: not loaded';
    facts.error = e.message;
    show();
    return;
  }
  facts.timings = await engine.call('measure');
  show();
  list.dataset.measured = 'true';
}

main();
