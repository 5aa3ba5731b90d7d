// Landing page: load the engine, say which build runs, compute the worked example.
import { loadConvlab, PAD } from './lib/convlab.js';
import { $ } from './lib/dom.js';

const X = [255, 255, 255, 255, 0, 255, 255, 255, 255];
const W = [0, 1, 2, 2, 2, 0, 0, 1, 2];

function fillMatrix(table, values, n) {
  table.replaceChildren();
  for (let r = 0; r < n; r++) {
    const tr = table.insertRow();
    for (let c = 0; c < n; c++) tr.insertCell().textContent = String(values[r * n + c]);
  }
}

async function main() {
  const status = $('[data-engine-status]');
  const detail = $('[data-engine-detail]');
  const badge = $('[data-engine-badge]');
  fillMatrix($('[data-matrix="x"]'), X, 3);
  fillMatrix($('[data-matrix="w"]'), W, 3);
  try {
    const cl = await loadConvlab();
    const z = cl.conv2d(Float32Array.from(X), 1, 3, 3, Float32Array.from(W), 3, 3, { pad: PAD.valid });
    $('[data-example-result]').textContent = `Z[0, 0] = ${z.data[0]}`;
    status.dataset.state = 'ok';
    status.dataset.simd = String(cl.simd);
    status.textContent = `Engine loaded: ${cl.buildName}`;
    badge.textContent = `Engine: ${cl.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    detail.textContent = cl.note || (cl.simd
      ? 'This browser runs WebAssembly SIMD: convolutions and training use 128-bit vector instructions.'
      : 'This browser does not validate WebAssembly SIMD, so the scalar build runs: everything works, more slowly.');
  } catch (e) {
    status.dataset.state = 'error';
    status.textContent = `The engine did not load: ${e.message}`;
    badge.textContent = 'Engine: not loaded';
  }
}

main();
