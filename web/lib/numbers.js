// numbers.js - numbers as people type them, checked. Pure; tested in node
// (tests/node/numbers.test.mjs). Every page's fields read numbers here.

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * A decimal number as typed: "12", "-0.5", ".25", "1e-3". Anything else
 * ("0x10", "1,5", "12px", "Infinity", "") is NaN. Values beyond float64 come
 * back as ±Infinity, for the caller to call too large.
 * @param {unknown} text
 * @returns {number}
 */
export function parseDecimal(text) {
  const t = String(text ?? '').trim();
  return t !== '' && DECIMAL.test(t) ? Number(t) : NaN;
}

/**
 * A whole number from min to max, typed as digits ("12", not "1.2e1"):
 * { value } or { error } naming `what`.
 * @param {unknown} text
 * @param {number} min
 * @param {number} max
 * @param {string} what
 * @returns {{ value?: number, error?: string }}
 */
export function wholeNumber(text, min, max, what) {
  const t = String(text ?? '').trim();
  const v = parseDecimal(t);
  if (Number.isNaN(v)) return { error: `${what} must be a number` };
  // whole numbers are typed as digits: "1.5" and "1e3" are not what a count looks like
  if (!/^[-+]?\d+$/.test(t)) return { error: `${what} must be a whole number` };
  if (!(v >= min && v <= max)) return { error: `${what} must be from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}` };
  return { value: v };
}

/**
 * A number within bounds, { value } or { error }: above (exclusive) or min
 * (inclusive) below, and below (exclusive) above.
 * @param {unknown} text
 * @param {{ above?: number, min?: number, below: number }} bounds
 * @param {string} what
 * @param {string} example  a value to show ("like 0.001")
 * @returns {{ value?: number, error?: string }}
 */
export function realNumber(text, { above, min, below }, what, example) {
  const v = parseDecimal(text);
  if (Number.isNaN(v)) return { error: `${what} must be a number, like ${example}` };
  if (above !== undefined && !(v > above)) return { error: `${what} must be greater than ${above}` };
  if (min !== undefined && !(v >= min)) return { error: `${what} cannot be ${min === 0 ? 'negative' : `less than ${min}`}` };
  if (!(v < below)) return { error: `${what} must be below ${below >= 1e21 ? below.toExponential().replace('e+', 'e') : below}` };
  return { value: v };
}
