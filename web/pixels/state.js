// state.js - the pixels page's settings and rules. Pure: no DOM, no engine;
// tested in node (tests/node/pixels-state.test.mjs).
//
// The view is one plain object (defaultState()), written to the URL hash and
// read back from it through one table of fields (FIELDS, lib/hash-state.js),
// so that a link reproduces what the teacher sees:
//
//   #sample=coffee&view=gray&x=40&y=30&seed=7&shuffled=1&m=3x3:255.255.255.255.0.255.255.255.255
//
// A key a link cannot mean falls back to its default, the rest of the link is
// kept, and a note says which key and why (x and y, the lens, fall back together).
import { decodeHash as decodeFields, encodeHash as encodeFields, defaultState as defaults, ignoredLines } from '../lib/hash-state.js';
import { wholeNumber } from '../lib/numbers.js';
import { SAMPLES } from '../lib/image-source.js';
import { LUMA } from '../lib/limits.js';

/** Largest side of the editable matrix. */
export const MAX_EDIT = 8;
/** Largest shuffle number. */
export const SEED_MAX = 999999;
export const DEFAULT_SAMPLE = 'astronaut';
/** The class's example: a dark dot in a white 3 x 3 square. */
export const CLASS_MATRIX = Object.freeze({ rows: 3, cols: 3, values: Object.freeze([255, 255, 255, 255, 0, 255, 255, 255, 255]) });
const VIEWS = ['color', 'gray'];
/** Lens coordinates a link may hold; the page checks them against the picture (lensOutside()). */
const MAX_POS = 1_000_000;
/** Where the lens starts on each sample, (x, y): a spot worth reading (else the centre). */
const START = { astronaut: [110, 330], coffee: [300, 120], chelsea: [150, 150], camera: [256, 256] };

/**
 * A small grayscale picture, row by row.
 * @typedef {{ rows: number, cols: number, values: number[] }} Matrix
 * @typedef {{ readonly rows: number, readonly cols: number, readonly values: readonly number[] }} ReadonlyMatrix
 */

/**
 * The page's view: what a link holds.
 * @typedef {object} PixelsState
 * @property {string | null} sample  the sample shown, or null for a file / webcam picture
 * @property {'color' | 'gray' | null} view  null: grayscale pictures gray, others colour
 * @property {number | null} x  the lens's column; null: the picture's starting spot
 * @property {number | null} y  the lens's row
 * @property {number} seed  the MLP section's shuffle
 * @property {boolean} shuffled  the MLP vector shown shuffled
 * @property {Matrix} matrix  the editable matrix
 */

/** @param {ReadonlyMatrix} m @returns {Matrix} */
export function cloneMatrix(m) {
  return { rows: m.rows, cols: m.cols, values: m.values.slice() };
}

/** @param {ReadonlyMatrix} a @param {ReadonlyMatrix} b */
export function sameMatrix(a, b) {
  return a.rows === b.rows && a.cols === b.cols && a.values.every((v, i) => v === b.values[i]);
}

/** "3x3:255.0.255..." -> { value: { rows, cols, values } } or { error }. */
function readMatrix(text) {
  const m = /^(\d+)x(\d+):(.*)$/.exec(text);
  if (!m) return { error: 'm is rows x columns: then the numbers, such as 2x2:0.255.255.0' };
  const rows = Number(m[1]), cols = Number(m[2]);
  if (!(rows >= 1 && rows <= MAX_EDIT && cols >= 1 && cols <= MAX_EDIT)) return { error: `the matrix has 1 to ${MAX_EDIT} rows and columns` };
  const parts = m[3].split('.');
  if (parts.length !== rows * cols) return { error: `a ${rows} × ${cols} matrix needs ${rows * cols} numbers, this one has ${parts.length}` };
  if (!parts.every((v) => /^\d+$/.test(v) && Number(v) <= 255)) return { error: 'a pixel holds a whole number from 0 to 255' };
  return { value: { rows, cols, values: parts.map(Number) } };
}

/** @param {Matrix} m */
const formatMatrix = (m) => `${m.rows}x${m.cols}:${m.values.join('.')}`;

const STARTING_SPOT = 'the picture’s starting spot';

/**
 * The page's view, key by key, in the order a link writes them.
 * @type {readonly import('../lib/hash-state.js').Field[]}
 */
export const FIELDS = Object.freeze([
  // null: a file or webcam picture is shown (a link without a sample keeps the picture shown)
  { key: 'sample', short: 'sample', what: 'sample', type: 'enum', values: SAMPLES.map((s) => s.name), def: null, shown: DEFAULT_SAMPLE },
  // null: grayscale pictures gray, others colour
  { key: 'view', short: 'view', what: 'view', type: 'enum', values: VIEWS, def: null, shown: 'colour, or gray for a grayscale picture' },
  // the lens (column, row); null: the picture's starting spot
  { key: 'x', short: 'x', what: 'x', type: 'int', min: 0, max: MAX_POS, def: null, group: 'lens', shown: STARTING_SPOT },
  { key: 'y', short: 'y', what: 'y', type: 'int', min: 0, max: MAX_POS, def: null, group: 'lens', shown: STARTING_SPOT },
  // the MLP section: the shuffle's number, and whether the vector is shown shuffled
  { key: 'seed', short: 'seed', what: 'the seed', type: 'int', min: 1, max: SEED_MAX, def: 1, when: (s) => s.seed !== 1 },
  { key: 'shuffled', short: 'shuffled', what: 'shuffled', type: 'bool', def: false, when: (s) => s.shuffled },
  {
    key: 'matrix', short: 'm', what: 'the matrix', type: 'custom', parse: readMatrix, format: formatMatrix,
    def: CLASS_MATRIX, shown: 'the class’s dark dot', when: (s) => !sameMatrix(s.matrix, CLASS_MATRIX),
  },
]);

/** The view before any link or choice: every field's default. @returns {PixelsState} */
export function defaultState() {
  return /** @type {PixelsState} */ ({ ...defaults(FIELDS), sample: DEFAULT_SAMPLE });
}

/** The link text (with its '#') of a view. @param {PixelsState} state */
export function encodeHash(state) {
  return `#${encodeFields(FIELDS, state)}`;
}

/**
 * Reads a link's hash (made by encodeHash(), or written by hand). Returns
 * { state, notes }: every key the link could not mean is at its default in
 * `state`, and `notes` says which, one sentence per key, in the order the
 * link wrote them: [{ key: 'seed', text: 'This link’s “seed=0” was ignored (…): using 1.' }].
 * state.sample is null when the link names no sample (the page keeps the
 * picture it shows, or at the start shows the default sample). The lens
 * position (x, y) is read as a pair: both, or neither.
 * @param {string} [hash]
 * @returns {{ state: PixelsState, notes: { key: string, text: string }[] }}
 */
export function decodeHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  const { state: fields, ignored, unknown } = decodeFields(FIELDS, text);
  const state = /** @type {PixelsState} */ (fields);
  const link = new URLSearchParams(text);
  if (ignored.some((i) => i.key === 'sample')) state.sample = DEFAULT_SAMPLE;
  if ((state.x === null) !== (state.y === null)) {
    const key = state.x === null ? 'y' : 'x';
    ignored.push({ key, short: key, value: link.get(key), why: `the lens position needs both x and y, this link has only ${key}` });
    state.x = state.y = null;
  }
  const notes = [
    ...ignored.map((i) => ({ key: i.short, text: ignoredLines(FIELDS, [i])[0] })),
    ...unknown.map((k) => ({ key: k, text: ignoredLines(FIELDS, [], [k])[0] })),
  ];
  // in the order the link wrote its keys
  const at = [...link.keys()];
  notes.sort((a, b) => at.indexOf(a.key) - at.indexOf(b.key));
  return { state, notes };
}

/**
 * The note for a link's lens position outside a width x height picture, or ''
 * when the picture has it.
 */
export function lensOutside(x, y, width, height) {
  if (x < width && y < height) return '';
  return `This link’s “x=${x}” and “y=${y}” were ignored together (the picture is ${height} pixels high and ${width} wide: `
    + `y, the row, goes from 0 to ${height - 1} and x, the column, from 0 to ${width - 1}): using its starting spot.`;
}

/**
 * What the page says of a picture it loaded (lib/image-source.js's scaledFrom
 * and transparent), sizes the lesson's way: height first, each number named.
 * '' when there is nothing to say.
 * @param {{ name: string, width: number, height: number, scaledFrom?: { width: number, height: number }, transparent?: boolean }} img
 * @param {number} maxSide
 */
export function loadNote(img, maxSide) {
  const from = img.scaledFrom;
  return [
    from ? `“${img.name}” is ${from.height} pixels high and ${from.width} wide, more than the ${maxSide}-pixel limit `
      + `on the longest side here, so it was scaled down to ${img.height} high and ${img.width} wide.` : '',
    img.transparent ? `“${img.name}” has transparent pixels: they are shown over white, since the arrays here have no alpha channel.` : '',
  ].filter(Boolean).join(' ');
}

/** A whole number of thousandths as an exact decimal: 57500 -> '57.500'. */
const thousandths = (t) => `${Math.floor(t / LUMA.scale)}.${String(t % LUMA.scale).padStart(3, '0')}`;

/**
 * The grayscale Y of one pixel worked out exactly, as the engine computes it
 * (core/cl_image.h): each product and the sum in thousandths, whole numbers,
 * so that their decimals are exact and an exact half is seen to be one.
 *   grayWorking(76, 54, 27) = { terms: ['22.724', '31.698', '3.078'], sum: '57.500', y: 58, half: true }
 * @param {number} r @param {number} g @param {number} b
 */
export function grayWorking(r, g, b) {
  const parts = [LUMA.r * r, LUMA.g * g, LUMA.b * b];
  const q = parts[0] + parts[1] + parts[2];
  const whole = Math.floor(q / LUMA.scale), rest = q % LUMA.scale;
  const half = rest * 2 === LUMA.scale;
  const y = rest * 2 > LUMA.scale || (half && whole % 2 === 1) ? whole + 1 : whole;
  return { terms: parts.map(thousandths), sum: thousandths(q), y, half };
}

/** Where the lens starts on a picture, [x, y]: a sample's chosen spot, else the centre. */
export function startSpot(sample, width, height) {
  return START[sample] ?? [Math.floor(width / 2), Math.floor(height / 2)];
}

/**
 * True when the array is shown 2D (the grayscale view) for a picture that is grayscale or not.
 * @param {{ view: PixelsState['view'] }} state
 * @param {boolean} grayPicture
 */
export function grayView(state, grayPicture) {
  return (state.view ?? (grayPicture ? 'gray' : 'color')) === 'gray';
}

// ---- the number fields: whole numbers, typed as digits (lib/numbers.js) ----

/** The page's number fields: what a message calls each, and its range. */
const NUMBER_FIELDS = {
  rows: { what: 'The number of rows', min: 1, max: MAX_EDIT },
  cols: { what: 'The number of columns', min: 1, max: MAX_EDIT },
  brush: { what: 'The paint value', min: 0, max: 255 },
  seed: { what: 'The seed', min: 1, max: SEED_MAX },
};

/**
 * A number field's text: { value } or { error }, a sentence for beside the field.
 * @param {'rows'|'cols'|'brush'|'seed'} name
 * @param {string} text
 * @returns {{ value?: number, error?: string }}
 */
export function readNumber(name, text) {
  const { what, min, max } = NUMBER_FIELDS[name];
  const r = wholeNumber(text, min, max, what);
  return r.error ? { error: `${r.error}.` } : { value: r.value };
}

/**
 * A pixel's number, 0 to 255, typed in the matrix: { value } or { error },
 * the error written to follow the cell's name ("Row 1, column 1: a pixel must be a number").
 * @param {string} text
 */
export function readPixel(text) {
  return wholeNumber(text, 0, 255, 'a pixel');
}

/**
 * What the editor's cells hold (their texts, row by row): which are not a
 * pixel's number, and the message for them ('' when every cell is good):
 * the first cell at fault, and how many more.
 * @param {string[]} texts
 * @param {number} cols
 * @returns {{ invalid: boolean[], message: string }}
 */
export function checkCells(texts, cols) {
  const errors = texts.map((t) => readPixel(t).error);
  const bad = errors.flatMap((error, i) => (error ? [{ i, error }] : []));
  if (!bad.length) return { invalid: errors.map(() => false), message: '' };
  const { i, error } = bad[0];
  const more = bad.length > 1 ? ` (${bad.length - 1} more cell${bad.length > 2 ? 's' : ''} to fix)` : '';
  return {
    invalid: errors.map(Boolean),
    message: `Row ${Math.floor(i / cols)}, column ${i % cols}: ${error}. The picture keeps the last valid number${more}.`,
  };
}

/**
 * The matrix at a new size, keeping the numbers it had; new cells are white (255).
 * @param {ReadonlyMatrix} old @param {number} rows @param {number} cols
 * @returns {Matrix}
 */
export function resizeMatrix(old, rows, cols) {
  const values = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values.push(r < old.rows && c < old.cols ? old.values[r * old.cols + c] : 255);
  }
  return { rows, cols, values };
}

/** The matrix as a Python literal: "[[255, 0], [0, 255]]". @param {ReadonlyMatrix} m */
export function matrixLiteral({ rows, cols, values }) {
  const lines = [];
  for (let r = 0; r < rows; r++) lines.push(`[${values.slice(r * cols, (r + 1) * cols).join(', ')}]`);
  return `[${lines.join(', ')}]`;
}
