// What the lesson's browser tests share: pressing Check and reading the
// feedback, and the lesson's stride-2 sum computed here, independently of the page.
import assert from 'node:assert/strict';
import { TIMEOUT } from './train-helpers.mjs';

/** Presses Check (or "Check my model"); returns the feedback once it has changed (each answer gets a new one). */
export async function check(form) {
  const feedback = form.getByRole('status', { includeHidden: true });
  const before = await feedback.textContent();
  await form.getByRole('button', { name: /^Check/ }).click();
  for (const end = Date.now() + TIMEOUT; Date.now() < end;) {
    const now = await feedback.textContent();
    if (now && now !== before) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return assert.fail('no feedback');
}

/** Types into a text answer (none when label is not given) and presses Check; returns the feedback. */
export async function answer(form, label, text) {
  if (label) await form.getByLabel(label, { exact: true }).fill(text);
  return check(form);
}

/** Z[j1, j2] of the kernel (columns 1, 0, -1) over the lesson's 5 x 5 matrix, zero padding, stride 2: the lesson's sum. */
export function zeroPaddedStride2(j1, j2) {
  const x = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1];
  const w = [1, 0, -1, 1, 0, -1, 1, 0, -1];
  const get = (r, c) => (r < 0 || c < 0 || r > 4 || c > 4 ? 0 : x[r * 5 + c]);
  let s = 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += w[a * 3 + b] * get(2 * j1 + a - 1, 2 * j2 + b - 1);
  return s;
}
