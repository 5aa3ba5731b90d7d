// The kernels page's browser tests' shared steps: an independent convolution
// (the class's formula, a naive loop), and driving the page through its
// labels and roles (kernels-layer.test.mjs, kernels-newcomer.test.mjs).
import assert from 'node:assert/strict';
import { canvasPixels } from './helpers.mjs';

// ---- an independent convolution: Z[j1, j2] = sum W[k1, k2] * X[j1*s + k1 - p1, j2*s + k2 - p2] ----

export function padAt(i, n, pad) {
  if (i >= 0 && i < n) return i;
  if (pad === 'zero') return null;
  if (pad === 'edge') return Math.min(n - 1, Math.max(0, i));
  if (n === 1) return 0;
  // reflect (dcb|abcd|cba): fold back and forth until inside
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

export function convAt(x, h, w, k, k1, k2, pad, stride, j1, j2) {
  const p1 = pad === 'valid' ? 0 : Math.floor((k1 - 1) / 2);
  const p2 = pad === 'valid' ? 0 : Math.floor((k2 - 1) / 2);
  let sum = 0;
  for (let a = 0; a < k1; a++) {
    for (let b = 0; b < k2; b++) {
      const iy = padAt(j1 * stride + a - p1, h, pad), ix = padAt(j2 * stride + b - p2, w, pad);
      if (iy === null || ix === null) continue;
      sum += k[a * k2 + b] * x[iy * w + ix];
    }
  }
  return sum;
}

/**
 * A convolutional layer's value Z[j1, j2, n] (the lesson's sum over channels,
 * + bias, then ReLU): planes is C arrays of h*w, kernel is C*k1*k2 (channel by channel).
 */
export function layerAt(planes, h, w, kernel, bias, relu, k1, k2, pad, stride, j1, j2) {
  let sum = bias;
  planes.forEach((x, c) => { sum += convAt(x, h, w, kernel.slice(c * k1 * k2, (c + 1) * k1 * k2), k1, k2, pad, stride, j1, j2); });
  return relu ? Math.max(0, sum) : sum;
}

export function outSize(n, k, pad, stride) {
  return Math.floor((n - k + (pad === 'valid' ? 0 : k - 1)) / stride) + 1;
}

export const SOBEL_X = [1, 0, -1, 2, 0, -2, 1, 0, -1];
export const SOBEL_Y = [1, 2, 1, 0, 0, 0, -1, -2, -1];

/** Close within float32's rounding of sums of a few hundred terms. */
export function near(got, want, what) {
  assert.ok(Math.abs(got - want) <= 1e-3 * Math.max(1, Math.abs(want)), `${what}: page ${got}, independent ${want}`);
}

// ---- driving the page ----

/** Waits until every engine call the page has made is answered and drawn. */
export async function idle(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0');
}

export async function open(env, page, hash = '') {
  await page.goto(`${env.url}kernels.html${hash}`);
  await idle(page);
}

/** The value the step-by-step panel shows for `label`, e.g. 'Z[0, 0]', 'Z_R[2, 3]' or 'Z[1, 2, 3]'. */
export async function shown(page, label) {
  const text = await page.getByLabel(`Result ${label}`, { exact: true }).textContent();
  const m = /^(.*) = (-?[\d.]+)$/.exec(text.trim());
  assert.ok(m, `result text “${text}”`);
  assert.equal(m[1], label);
  return Number(m[2]);
}

export async function pick(page, j1, j2, map = null) {
  const fields = [['Output row j1', j1], ['Output column j2', j2]];
  if (map !== null) fields.push(['Output map n', map]);
  for (const [name, v] of fields) {
    const input = page.getByLabel(name, { exact: true });
    await input.fill(String(v));
    await input.press('Enter');
  }
  await idle(page);
}

export async function choose(page, label, value) {
  await page.getByLabel(label, { exact: true }).selectOption(value);
  await idle(page);
}

/** The colour planes of X as the page draws it (a photo: one canvas pixel per image pixel). */
export async function inputPlanes(page) {
  const { width: w, height: h, data: d } = await canvasPixels(page, '[data-input-canvas]');
  const plane = (ch) => Array.from({ length: w * h }, (_, i) => d[4 * i + ch]);
  return { w, h, planes: [plane(0), plane(1), plane(2)] };
}

/** A PNG of the given RGBA pixels, encoded by the browser's canvas (lossless). */
export async function makePng(page, width, height, rgba) {
  // the pixels cross as one base64 string, not as numbers one by one (see canvasPixels)
  const b64 = await page.evaluate(async ({ width, height, pixels }) => {
    const data = Uint8ClampedArray.from(atob(pixels), (ch) => ch.charCodeAt(0));
    const c = new OffscreenCanvas(width, height);
    c.getContext('2d').putImageData(new ImageData(data, width, height), 0, 0);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, { width, height, pixels: Buffer.from(Uint8ClampedArray.from(rgba)).toString('base64') });
  return Buffer.from(b64, 'base64');
}

export async function upload(page, name, mimeType, buffer) {
  await page.getByLabel('Your own image').setInputFiles({ name, mimeType, buffer });
  await idle(page);
}

/** A small colour picture of h x w random pixels (a fixed seed), as RGBA and as its R, G, B planes. */
export function testPicture(h = 7, w = 9) {
  const rgba = new Uint8ClampedArray(4 * h * w);
  let seed = 12345;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed >>> 8; };
  for (let i = 0; i < h * w; i++) rgba.set([next() % 256, next() % 256, next() % 256, 255], 4 * i);
  const plane = (c) => Array.from({ length: h * w }, (_, i) => rgba[4 * i + c]);
  return { h, w, rgba, planes: [plane(0), plane(1), plane(2)] };
}
