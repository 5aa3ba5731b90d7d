// The pixels page's test helpers, shared by its test files: open the page,
// wait for a shape, read the lens's readout, move the lens with the keyboard.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SITE } from './helpers.mjs';
import { decodePng } from '../lib/png.mjs';

/** A sample image of the built site, decoded here (tests/lib/png.mjs), not by the page. */
export const sample = (name) => decodePng(fs.readFileSync(path.join(SITE, 'samples', name)));

/** Opens pixels.html (with a hash) in a new page of `env` (useSiteAndBrowser) and waits for its first picture. */
export async function openPixels(env, hash = '', options) {
  const page = await env.newPage(options);
  await page.goto(`${env.url}pixels.html${hash}`);
  await shapeIs(page, /^\(\d+, \d+(, 3)?\)$/);
  return page;
}

/** Waits until the Shape output shows `want` (text or RegExp); returns it. */
export async function shapeIs(page, want) {
  const shape = page.getByLabel('Shape', { exact: true });
  const re = want instanceof RegExp ? want : new RegExp(`^${want.replace(/[()]/g, '\\$&')}$`);
  await assert.doesNotReject(shape.filter({ hasText: re }).waitFor({ timeout: 20000 }), `shape ${want}`);
  return shape.textContent();
}

/** Parses the readout "Row r, column c: R 1, G 2, B 3" (or "value 7" / "Y 7"). */
export async function readout(page) {
  const text = await page.getByLabel('Pixel under the lens').textContent();
  const m = /^Row (\d+), column (\d+): (?:R (\d+), G (\d+), B (\d+)|(?:value|Y) (\d+))$/.exec(text);
  assert.ok(m, `readout "${text}"`);
  const values = m[6] !== undefined ? [Number(m[6])] : [m[3], m[4], m[5]].map(Number);
  return { row: Number(m[1]), col: Number(m[2]), values };
}

/**
 * The keys that move the lens `d` pixels along one axis (d < 0: back), from `from` in a picture
 * `n` long: tens with Shift, then ones; or one ten too far and ones back, when that is fewer
 * and stays inside the picture.
 */
function axisKeys(from, d, n, back, forward) {
  const [toward, away] = d < 0 ? [back, forward] : [forward, back];
  const a = Math.abs(d), tens = Math.floor(a / 10), ones = a % 10;
  const keys = [...Array(tens).fill(`Shift+${toward}`), ...Array(ones).fill(toward)];
  const past = from + Math.sign(d) * 10 * (tens + 1);
  if (ones > 5 && past >= 0 && past < n) return [...Array(tens + 1).fill(`Shift+${toward}`), ...Array(10 - ones).fill(away)];
  return keys;
}

/**
 * Moves the lens with the keyboard to (row, col): from where it is, or from the corner or row end
 * (Control+Home, Control+End, Home, End) that takes the fewest key presses (each press is a round
 * trip to the page: from the top-left corner, (399, 599) took 116 of them).
 */
export async function goTo(page, row, col) {
  const image = page.getByRole('group', { name: 'Image pixels' });
  await image.focus();
  const [h, w] = (await page.getByLabel('Shape', { exact: true }).textContent()).match(/\d+/g).map(Number);
  const starts = [{ keys: ['Control+Home'], r: 0, c: 0 }, { keys: ['Control+End'], r: h - 1, c: w - 1 }];
  const at = /^Row (\d+), column (\d+):/.exec(await page.getByLabel('Pixel under the lens').textContent());
  if (at) {
    const [r, c] = [Number(at[1]), Number(at[2])];
    if (r < h && c < w) starts.push({ keys: [], r, c }, { keys: ['Home'], r, c: 0 }, { keys: ['End'], r, c: w - 1 });
  }
  const routes = starts.map((s) => [...s.keys,
    ...axisKeys(s.c, col - s.c, w, 'ArrowLeft', 'ArrowRight'), ...axisKeys(s.r, row - s.r, h, 'ArrowUp', 'ArrowDown')]);
  const route = routes.reduce((best, keys) => (keys.length < best.length ? keys : best));
  for (const key of route) await page.keyboard.press(key);
  const r = await readout(page);
  assert.deepEqual([r.row, r.col], [row, col], 'the lens is where the keys moved it');
  return r;
}

/** Chooses a picture the student brought, through the file field. */
export async function upload(page, name, buffer, mimeType = 'image/png') {
  await page.getByLabel('Your own image').setInputFiles({ name, mimeType, buffer });
}

/**
 * The grayscale rule in whole numbers, as the lesson's weights say it (the
 * test's own oracle): q = 299 R + 587 G + 114 B thousandths, rounded to the
 * nearest whole 1000, an exact half (q ending in 500) to the even number.
 */
export function exactGray(r, g, b) {
  const q = 299 * r + 587 * g + 114 * b;
  const y = Math.floor(q / 1000), rest = q % 1000;
  return rest > 500 || (rest === 500 && y % 2 === 1) ? y + 1 : y;
}
