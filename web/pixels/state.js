// pixels-state.js - the pixels page's view in the URL hash, and the numbers
// its fields accept.
//
// No DOM here. The view is one plain object (defaultState()), written to the
// hash by encodeHash() and read back by decodeHash() key by key: a key a link
// cannot mean falls back to its default, the rest of the link is kept, and a
// note says which key was ignored and why.
//
//   #sample=coffee&view=gray&x=40&y=30&seed=7&shuffled=1&m=3x3:255.255.255.255.0.255.255.255.255
import { SAMPLES } from '../lib/image-source.js';

export const MAX_EDIT = 8;          // largest side of the editable matrix
export const SEED_MAX = 999999;
export const DEFAULT_SAMPLE = 'astronaut';
export const CLASS_MATRIX = Object.freeze({ rows: 3, cols: 3, values: Object.freeze([255, 255, 255, 255, 0, 255, 255, 255, 255]) });
const VIEWS = ['color', 'gray'];
const MAX_POS = 1_000_000;          // lens coordinates a link may hold; the page checks them against the image

export function cloneMatrix(m) {
  return { rows: m.rows, cols: m.cols, values: m.values.slice() };
}

export function sameMatrix(a, b) {
  return a.rows === b.rows && a.cols === b.cols && a.values.every((v, i) => v === b.values[i]);
}

export function defaultState() {
  return {
    sample: DEFAULT_SAMPLE, // the sample shown, or null for a file / webcam picture
    view: null,             // 'color' | 'gray'; null: grayscale pictures gray, others colour
    x: null, y: null,       // lens position (column, row); null: the picture's starting spot
    seed: 1,                // the MLP section's shuffle
    shuffled: false,        // MLP vector shown shuffled
    matrix: cloneMatrix(CLASS_MATRIX),
  };
}

// ---- numbers as a person types them ----
// Decimal digits with an optional sign and point ("12", "-3", "0.5"); never
// hex ("0x10"), exponents ("1e2"), spaces inside or Infinity, which Number() takes.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Text from a field or a link, cut to `n` characters for a message. */
function shorten(text, n = 24) {
  const t = String(text);
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/**
 * A whole number from lo to hi: { ok: true, value } or { ok: false, problem },
 * the problem written to stand first in a sentence, before the field's rule
 * ("“1.5” is not a whole number", "9 is too large"). `text` null is a field
 * whose text the browser could not read as a number (<input type=number>'s bad input).
 */
export function readWhole(text, lo, hi) {
  const t = text === null ? null : String(text).trim();
  if (t === '') return { ok: false, problem: 'Empty' };
  if (t === null || !DECIMAL.test(t)) return { ok: false, problem: t === null ? 'Not a number' : `“${shorten(t)}” is not a number` };
  const v = Number(t);
  if (!Number.isInteger(v)) return { ok: false, problem: `“${t}” is not a whole number` };
  if (v < lo || v > hi) return { ok: false, problem: `${t} is too ${v < lo ? 'small' : 'large'}` };
  return { ok: true, value: v === 0 ? 0 : v };
}

/**
 * A pixel's number, 0 to 255, typed in the matrix: { value } or { error },
 * the error written to follow the cell's name ("Row 1, column 1: “abc” is not a number").
 */
export function parsePixel(text) {
  const t = String(text).trim();
  if (t === '') return { error: 'is empty: type a whole number from 0 to 255' };
  if (!DECIMAL.test(t)) return { error: `“${shorten(t)}” is not a number` };
  const v = Number(t);
  if (!Number.isInteger(v)) return { error: `“${t}” is not a whole number: a pixel holds a whole number from 0 to 255` };
  if (v < 0 || v > 255) return { error: `${t} is outside 0 to 255` };
  return { value: v === 0 ? 0 : v };
}

// ---- the URL hash ----

export function encodeHash(state) {
  const p = new URLSearchParams();
  if (state.sample) p.set('sample', state.sample);
  if (state.view) p.set('view', state.view);
  if (state.x !== null) {
    p.set('x', state.x);
    p.set('y', state.y);
  }
  if (state.seed !== 1) p.set('seed', state.seed);
  if (state.shuffled) p.set('shuffled', '1');
  const m = state.matrix;
  if (!sameMatrix(m, CLASS_MATRIX)) p.set('m', `${m.rows}x${m.cols}:${m.values.join('.')}`);
  return `#${p}`;
}

/** "3x3:255.0.255..." -> { ok, value: { rows, cols, values } } or { ok: false, why }. */
function readMatrix(text) {
  const m = /^(\d+)x(\d+):(.*)$/.exec(text);
  if (!m) return { ok: false, why: 'm is rows x columns: then the numbers, such as 2x2:0.255.255.0' };
  const rows = Number(m[1]), cols = Number(m[2]);
  if (!(rows >= 1 && rows <= MAX_EDIT && cols >= 1 && cols <= MAX_EDIT)) return { ok: false, why: `the matrix has 1 to ${MAX_EDIT} rows and columns` };
  const parts = m[3].split('.');
  if (parts.length !== rows * cols) return { ok: false, why: `a ${rows} × ${cols} matrix needs ${rows * cols} numbers, this one has ${parts.length}` };
  if (!parts.every((v) => /^\d+$/.test(v) && Number(v) <= 255)) return { ok: false, why: 'a pixel holds a whole number from 0 to 255' };
  return { ok: true, value: { rows, cols, values: parts.map(Number) } };
}

const oneOf = (list) => (t) => (list.includes(t) ? { ok: true, value: t } : { ok: false });
const listed = (list) => `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
const SAMPLE_NAMES = SAMPLES.map((s) => s.name);

// The keys read alone: state field, reader, the rule a link breaks, and what is used instead.
const SIMPLE_KEYS = [
  { key: 'sample', read: oneOf(SAMPLE_NAMES), rule: `sample is ${listed(SAMPLE_NAMES)}`, using: DEFAULT_SAMPLE },
  { key: 'view', read: oneOf(VIEWS), rule: 'view is color or gray', using: 'colour, or gray for a grayscale picture' },
  { key: 'seed', read: (t) => readWhole(t, 1, SEED_MAX), rule: `seed is a whole number from 1 to ${SEED_MAX}`, using: '1' },
  { key: 'shuffled', read: (t) => (t === '1' || t === '0' ? { ok: true, value: t === '1' } : { ok: false }), rule: 'shuffled is 1 or 0', using: '0' },
  { key: 'm', field: 'matrix', read: readMatrix, rule: null, using: 'the class’s dark dot' },
];
const KNOWN_KEYS = new Set([...SIMPLE_KEYS.map((r) => r.key), 'x', 'y']);

function quoted(p, keys) {
  const q = keys.map((k) => `“${shorten(`${k}=${p.get(k)}`, 32)}”`);
  return q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** "This link’s “seed=0” was ignored (seed is a whole number from 1 to 999999): using 1." */
function ignoredNote(p, keys, why, using) {
  const together = keys.length > 1 ? ' were ignored together' : ' was ignored';
  return { keys, text: `This link’s ${quoted(p, keys)}${together} (${why})${using ? `: using ${using}` : ''}.` };
}

/**
 * Reads a link's hash (made by encodeHash(), or written by hand). Returns
 * { state, notes }: every key the link could not mean is at its default in
 * `state`, and `notes` says which ones, in sentences for the page
 * ([{ keys: ['seed'], text: 'This link’s “seed=0” was ignored (...): using 1.' }]).
 * state.sample is null when the link names no sample (the page keeps the
 * picture it shows, or at the start shows the default sample). The lens
 * position (x, y) is read as a pair: both, or neither.
 */
export function decodeHash(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const s = { ...defaultState(), sample: null };
  const notes = [];
  for (const key of new Set(p.keys())) {
    if (!KNOWN_KEYS.has(key)) notes.push(ignoredNote(p, [key], 'the page has no such setting', null));
  }
  for (const row of SIMPLE_KEYS) {
    if (!p.has(row.key)) continue;
    const r = row.read(p.get(row.key));
    if (r.ok) s[row.field ?? row.key] = r.value;
    else {
      notes.push(ignoredNote(p, [row.key], r.why ?? row.rule, row.using));
      if (row.key === 'sample') s.sample = DEFAULT_SAMPLE;
    }
  }
  if (p.has('x') || p.has('y')) {
    const rule = 'the lens position is x and y, both whole numbers from 0';
    const x = readWhole(p.get('x') ?? '', 0, MAX_POS), y = readWhole(p.get('y') ?? '', 0, MAX_POS);
    if (x.ok && y.ok) {
      s.x = x.value;
      s.y = y.value;
    } else {
      const keys = ['x', 'y'].filter((k) => p.has(k));
      const why = keys.length < 2 ? `the lens position needs both x and y, this link has only ${keys[0]}` : rule;
      notes.push(ignoredNote(p, keys, why, 'the picture’s starting spot'));
    }
  }
  // in the order the link wrote its keys
  const at = [...p.keys()];
  notes.sort((a, b) => at.indexOf(a.keys[0]) - at.indexOf(b.keys[0]));
  return { state: s, notes };
}
