// The relaxed SIMD build (build/site/convlab-relaxed.wasm) in Chromium, which
// validates relaxed SIMD: the loader takes it and says so; its convolutions
// agree with a naive double-precision convolution within the tolerance of
// tests/wasm/relaxed.test.mjs ((2n + 2) * 2^-24 * sum |terms|); the train page
// trains on it. Where relaxed SIMD does not validate (withoutRelaxedSimd, as in
// WebKit), the SIMD build runs; the kernels page, whose numbers are exact
// copies of its whole-image call, keeps the SIMD build everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useSiteAndBrowser, screenshot, withoutRelaxedSimd, SITE } from './helpers.mjs';
import { TIMEOUT, openTrain, loadData, trainToEnd, testAccuracyShown } from './train-helpers.mjs';

const env = useSiteAndBrowser();
const U = 2 ** -24;

/** A blank same-origin page (no engine of its own) for running lib/convlab.js on the page. */
async function blankPage() {
  const page = await env.newPage();
  await page.context().route('**/__relaxed-test.html', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>relaxed</title>' }));
  await page.goto(`${env.url}__relaxed-test.html`);
  return page;
}

/** Naive per-channel convolution, zero padding ('same' size), stride 1, in double: { z, tol }. */
function convRef(x, c, h, w, k, kk) {
  const p = Math.floor((kk - 1) / 2);
  const z = new Float64Array(c * h * w), tol = new Float64Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let j1 = 0; j1 < h; j1++)
      for (let j2 = 0; j2 < w; j2++) {
        let s = 0, mag = 0;
        for (let a = 0; a < kk; a++)
          for (let b = 0; b < kk; b++) {
            const iy = j1 + a - p, ix = j2 + b - p;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const t = k[a * kk + b] * x[(ch * h + iy) * w + ix];
            s += t;
            mag += Math.abs(t);
          }
        z[(ch * h + j1) * w + j2] = s;
        tol[(ch * h + j1) * w + j2] = (2 * kk * kk + 2) * U * mag;
      }
  return { z, tol };
}

test('Chromium takes the relaxed build; its convolutions (3x3, 7x7, 15x15) are within the tolerance of a naive one', async () => {
  const page = await blankPage();
  const [c, h, w] = [3, 61, 97];
  const x = Array.from({ length: c * h * w }, (_, i) => Math.fround(((Math.imul(i, 2654435761) >>> 8) / 2 ** 24) * 2 - 1));
  const kernels = {};
  for (const kk of [3, 7, 15]) kernels[kk] = Array.from({ length: kk * kk }, (_, i) => Math.fround(Math.sin(i + kk) / kk));
  // x and each z cross as the base64 of their float32 bytes (exact), not number by number
  const f32b64 = (a) => Buffer.from(Float32Array.from(a).buffer).toString('base64');
  const out = await page.evaluate(async ({ xb64, c, h, w, kernels }) => {
    const bytes = (b64) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const b64of = (f) => { let s = ''; const u = new Uint8Array(f.buffer, f.byteOffset, f.byteLength); for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000)); return btoa(s); };
    const x = new Float32Array(bytes(xb64).buffer);
    const m = await import('./lib/convlab.js');
    const cl = await m.loadConvlab();
    const simd = await m.loadConvlab({ simd: true });
    const r = { buildName: cl.buildName, relaxed: cl.relaxed, simdName: simd.buildName, z: {}, same: {} };
    for (const [kk, k] of Object.entries(kernels)) {
      const opts = { mode: 'per-channel', pad: m.PAD.zero };
      const z = cl.conv2d(Float32Array.from(x), c, h, w, Float32Array.from(k), +kk, +kk, opts).data;
      const zs = simd.conv2d(Float32Array.from(x), c, h, w, Float32Array.from(k), +kk, +kk, opts).data;
      r.z[kk] = b64of(z);
      r.same[kk] = z.every((v, i) => v === zs[i]);
    }
    // (1 + 2^-12)^2 - (1 + 2^-11): 2^-24 when the multiply-add is fused, 0 when the product is rounded first
    const probe = Float32Array.from([1 + 2 ** -12]);
    r.fused = cl.conv2d(probe, 1, 1, 1, probe, 1, 1, { bias: -(1 + 2 ** -11) }).data[0] === 2 ** -24;
    return r;
  }, { xb64: f32b64(x), c, h, w, kernels });
  for (const kk of [3, 7, 15]) out.z[kk] = Array.from(new Float32Array(Uint8Array.from(Buffer.from(out.z[kk], 'base64')).buffer));
  assert.equal(out.buildName, 'WebAssembly SIMD (relaxed)');
  assert.equal(out.relaxed, true);
  assert.equal(out.simdName, 'WebAssembly SIMD');
  const fma = /^flags\s*:.*\bfma\b/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  if (fma) assert.equal(out.fused, true, 'on a CPU with FMA, Chromium fuses relaxed_madd');
  for (const kk of [3, 7, 15]) {
    const { z, tol } = convRef(x, c, h, w, kernels[kk], kk);
    assert.equal(out.z[kk].length, z.length);
    for (let i = 0; i < z.length; i++) {
      const d = Math.abs(out.z[kk][i] - z[i]);
      if (!(d <= tol[i])) assert.fail(`${kk}x${kk}: [${i}] got ${out.z[kk][i]} want ${z[i]} (|diff| ${d}, tol ${tol[i]})`);
    }
    // fused sums round differently from the SIMD build's somewhere: the tolerance had work to do
    if (fma) assert.equal(out.same[kk], false, `${kk}x${kk}: every output bit for bit the SIMD build's`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the landing page runs the relaxed build and computes the worked example exactly (2040); without relaxed SIMD, the SIMD build', async () => {
  for (const relaxed of [true, false]) {
    const page = await env.newPage();
    if (!relaxed) await withoutRelaxedSimd(page.context());
    const wasm = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop()); });
    await page.goto(env.url);
    const status = page.getByRole('status', { name: 'The engine' });
    await status.filter({ hasText: 'Engine loaded' }).waitFor();
    assert.equal(await status.textContent(), relaxed ? 'Engine loaded: WebAssembly SIMD (relaxed)' : 'Engine loaded: WebAssembly SIMD');
    assert.equal(await status.getAttribute('data-simd'), 'true');
    assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
    assert.deepEqual(wasm, [relaxed ? 'convlab-relaxed.wasm' : 'convlab-simd.wasm']);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('a relaxed build that cannot be loaded gives way to the SIMD build, and the page says why', async () => {
  const page = await env.newPage();
  await page.context().route('**/convlab-relaxed.wasm', (r) => r.fulfill({ status: 200, contentType: 'application/wasm', body: 'not a module' }));
  await page.goto(env.url);
  const status = page.getByRole('status', { name: 'The engine' });
  await status.filter({ hasText: 'Engine loaded' }).waitFor();
  assert.equal(await status.textContent(), 'Engine loaded: WebAssembly SIMD');
  assert.match(await page.locator('main').textContent(), /relaxed SIMD engine could not be loaded/);
  assert.equal(await page.getByLabel('Z[0, 0]').textContent(), 'Z[0, 0] = 2040');
  await page.context().close();
});

test('the kernels page keeps the SIMD build where relaxed runs (its numbers are the whole-image call\'s, bit for bit)', async () => {
  const page = await env.newPage();
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop()); });
  await page.goto(`${env.url}kernels.html`);
  await page.locator('[data-engine-badge]').filter({ hasText: 'Engine: WASM' }).waitFor();
  assert.equal(await page.locator('[data-engine-badge]').textContent(), 'Engine: WASM SIMD');
  assert.deepEqual(wasm, ['convlab-simd.wasm']);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the train page trains on the relaxed build: one Quick epoch of the MLP above 70%; without relaxed SIMD its badge says SIMD', { timeout: 4 * TIMEOUT }, async () => {
  const page = await env.newPage();
  await openTrain(page, env.url);
  assert.equal(await page.locator('[data-engine-badge]').textContent(), 'Engine: WebAssembly SIMD (relaxed)');
  await loadData(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await trainToEnd(page);
  const accuracy = await testAccuracyShown(page);
  assert.ok(accuracy > 70, `test accuracy ${accuracy}%`);
  await screenshot(page, 'train-relaxed');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const plain = await env.newPage();
  await withoutRelaxedSimd(plain.context());
  await openTrain(plain, env.url);
  assert.equal(await plain.locator('[data-engine-badge]').textContent(), 'Engine: WebAssembly SIMD');
  await plain.context().close();
});

test('the service worker keeps the relaxed build for offline use', () => {
  const sw = fs.readFileSync(`${SITE}/sw.js`, 'utf8');
  assert.match(sw, /"convlab-relaxed\.wasm"/);
});
