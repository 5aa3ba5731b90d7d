// format.js - numbers written for people. Pure: no DOM, tested in node
// (tests/node/format.test.mjs).

/** 12,345 (rounded to a whole number). */
export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

/** 0.1234 -> "12.3%". */
export const pct = (v, digits = 1) => `${(100 * v).toFixed(digits)}%`;

/** 0.001 as it is, 1e20 as 1e+20: a rate or a λ as typed. */
export const compact = (v) => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential() : String(v));

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * A loss (or any measured value) in a small box: fixed decimals while it is
 * of a usual size, "1.9 × 10³⁵" when it is huge, "∞" and "not a number" for
 * what a diverged run produces. Never longer than about 12 characters.
 */
export function fmtValue(v, digits = 3) {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'not a number';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a === 0 || (a >= 10 ** -digits && a < 1e5)) return v.toFixed(digits);
  const [mant, exp] = v.toExponential(1).split('e');
  const e = String(Number(exp)).split('').map((c) => SUPERSCRIPT[c]).join('');
  return `${mant.replace('-', '−')} × 10${e}`;
}

/** Bytes as "412 KB", "26.4 MB", "1.1 GB" (powers of 1000, as downloads are shown). */
export function fmtBytes(n) {
  if (n < 999.5) return `${Math.round(n)} bytes`; // a rate is no whole number
  if (n < 1e6) return `${Math.round(n / 1000)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
  return `${(n / 1e9).toFixed(1)} GB`;
}

/** A duration in seconds as "40 s", "3 min 20 s", "2 h 5 min". */
export function fmtDuration(s) {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 59.5) return `${Math.max(1, Math.ceil(s))} s`;
  if (s < 3570) {
    const t = Math.round(s), sec = t % 60; // whole seconds first: never "1 min 60 s"
    return `${Math.floor(t / 60)} min${sec ? ` ${sec} s` : ''}`;
  }
  const m = Math.round(s / 60), min = m % 60;
  return `${Math.floor(m / 60)} h${min ? ` ${min} min` : ''}`;
}
