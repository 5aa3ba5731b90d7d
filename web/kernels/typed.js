// typed.js - numbers as people type them on the kernels page: kernel cells
// (numbers or simple fractions), σ, the selected pixel's row and column, an
// answer to the exercise. Built on lib/numbers.js's parseDecimal; pure, tested
// in node (tests/node/kernels-state.test.mjs).
import { parseDecimal } from '../lib/numbers.js';
import { fmt } from './arithmetic.js';

/** The Gaussian's σ, in pixels. */
export const SIGMA = { min: 0.1, max: 10 };
/** An answer to the exercise is right within 0.5, or 1% of the value if that is more. */
export const TOLERANCE = { abs: 0.5, rel: 0.01 };

/**
 * A kernel cell: a number ("2", "-0.5", ".25", "1e-3") or a simple fraction
 * ("1/9", "-2/3"). Returns { ok: true, value } or { ok: false, reason }, the
 * reason written to follow the cell's name ("W[0, 1] holds “x”, which is not a number").
 * @param {unknown} text
 * @returns {{ ok: boolean, value?: number, reason?: string }}
 */
export function parseCell(text) {
  const t = String(text).trim().replace(/\u2212/g, '-');
  if (t === '') return { ok: false, reason: 'is empty (type 0 for nothing)' };
  const parts = t.split('/');
  if (parts.length > 2) return { ok: false, reason: `holds “${t}”, which is not a number or a fraction` };
  const [a, b = 1] = parts.map(parseDecimal);
  if (Number.isNaN(a) || Number.isNaN(b)) return { ok: false, reason: `holds “${t}”, which is not a number` };
  if (b === 0) return { ok: false, reason: `holds “${t}”, which divides by 0` };
  const value = a / b;
  if (!Number.isFinite(value) || Math.abs(value) > 1e6) return { ok: false, reason: `holds “${t}”, which is too large (keep it within ±1,000,000)` };
  return { ok: true, value };
}

/**
 * A number from lo to hi as a person types it in a field: decimal digits
 * with an optional sign and point ("2", "-0.5", ".5"), never hex, exponents
 * or Infinity. { ok: true, value } or { ok: false, problem }, the problem
 * written to stand first in a sentence ("“1.5” is not a whole number",
 * "9 is too large"). `text` null is a field whose text the browser could not
 * read as a number (an <input type=number>'s bad input).
 * @param {string | null} text
 * @param {number} lo
 * @param {number} hi
 * @param {boolean} whole
 * @returns {{ ok: boolean, value?: number, problem?: string }}
 */
function readNumber(text, lo, hi, whole) {
  const t = text === null ? null : String(text).trim();
  if (t === '') return { ok: false, problem: 'Empty' };
  // parseDecimal's numbers, without its exponents: "1e1" is not what a person types here
  const v = t === null || /e/i.test(t) ? NaN : parseDecimal(t);
  if (Number.isNaN(v)) return { ok: false, problem: t === null ? 'Not a number' : `“${shorten(t)}” is not a number` };
  if (whole && !Number.isInteger(v)) return { ok: false, problem: `“${t}” is not a whole number` };
  if (v < lo || v > hi) return { ok: false, problem: `${t} is too ${v < lo ? 'small' : 'large'}` };
  return { ok: true, value: v === 0 ? 0 : v };
}
/** A whole number from lo to hi, as typed (readNumber()). @param {string | null} text @param {number} lo @param {number} hi */
export const readWhole = (text, lo, hi) => readNumber(text, lo, hi, true);
/** A decimal number from lo to hi, as typed (readNumber()). @param {string | null} text @param {number} lo @param {number} hi */
export const readDecimal = (text, lo, hi) => readNumber(text, lo, hi, false);

/** Text from a field, cut to `n` characters for a message. */
function shorten(text, n = 24) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

export const SIGMA_RULE = `σ is a number from ${SIGMA.min} to ${SIGMA.max}`;
/**
 * The σ field: { value } or { error } to say next to it.
 * @param {string | null} text
 * @returns {{ value?: number, error?: string }}
 */
export function readSigma(text) {
  const r = readDecimal(text, SIGMA.min, SIGMA.max);
  return r.ok ? { value: r.value } : { error: `${r.problem}: ${SIGMA_RULE}.` };
}

/**
 * The output row and column fields: the pixel, or what to say next to each field.
 * @param {string | null} t1
 * @param {string | null} t2
 * @param {number} oh  output rows
 * @param {number} ow  output columns
 */
export function readPixel(t1, t2, oh, ow) {
  const a = readWhole(t1, 0, oh - 1), b = readWhole(t2, 0, ow - 1);
  return {
    sel: a.ok && b.ok ? [a.value, b.value] : null,
    rowError: a.ok ? '' : `${a.problem}: the rows of Z are 0 to ${oh - 1}.`,
    colError: b.ok ? '' : `${b.problem}: the columns of Z are 0 to ${ow - 1}.`,
  };
}

/**
 * The verdict on an answer for `label`, whose value is z: { kind, text,
 * invalid } for the feedback line; `invalid`: the answer is not a number.
 * @param {string} text
 * @param {number} z
 * @param {string} label
 * @returns {{ kind: 'ok'|'warning'|'error', invalid: boolean, text: string }}
 */
export function judgeAnswer(text, z, label) {
  const r = parseCell(text);
  if (!r.ok) return { kind: 'error', invalid: true, text: `Your answer ${r.reason}: type a number, such as 12, -3.5 or 1/2.` };
  const tol = Math.max(TOLERANCE.abs, TOLERANCE.rel * Math.abs(z));
  const off = Math.abs(r.value - z);
  if (off <= tol) {
    return { kind: 'ok', invalid: false, text: `Right: ${label} = ${fmt(z, 3)}${off > 0 ? ` (yours, ${fmt(r.value, 3)}, is within ±${fmt(tol, 2)})` : ''}. Try another one!` };
  }
  return {
    kind: 'warning',
    invalid: false,
    text: `Not quite: ${fmt(r.value, 3)} is too ${r.value > z ? 'high' : 'low'}. `
      + 'Multiply each patch number by the kernel weight in the same place, add everything up, and try again, '
      + 'or show the worked answer.',
  };
}

/**
 * The worked answer for `label` (value z): where to see it, section 5 when
 * it shows the question's view (`current`), else that the view has changed.
 * @param {string} label
 * @param {number} z
 * @param {boolean} current
 */
export function revealText(label, z, current) {
  return current ? `${label} = ${fmt(z, 3)}: the products and the sum are in section 5, “Step by step”, above.`
    : `${label} = ${fmt(z, 3)}. The view has changed since this question, so section 5 shows the current view: ask a new question to practise on it.`;
}
