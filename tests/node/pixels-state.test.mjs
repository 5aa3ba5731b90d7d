// The pixels page's link and number fields, without a browser: each key a
// link cannot mean falls back to its default (x and y together), the rest is
// kept, a note says which and why; numbers are read as a person types them
// (lib/numbers.js: digits only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultState, encodeHash, decodeHash, readNumber, readPixel, checkCells, resizeMatrix, matrixLiteral,
  lensOutside, startSpot, grayView, CLASS_MATRIX, FIELDS,
} from '../../web/pixels/state.js';

const full = () => ({
  sample: 'chelsea', view: 'gray', x: 40, y: 30, seed: 77, shuffled: true,
  matrix: { rows: 2, cols: 4, values: [0, 10, 20, 30, 255, 254, 253, 0] },
});

function withKey(state, key, value) {
  const p = new URLSearchParams(encodeHash(state).slice(1));
  p.set(key, value);
  return `#${p}`;
}

test('an empty hash: the defaults, no sample named (the page keeps what it shows), nothing to say', () => {
  for (const hash of ['', '#', undefined]) {
    assert.deepEqual(decodeHash(hash), { state: { ...defaultState(), sample: null }, notes: [] });
  }
});

test('a link made by the page opens the same view, with nothing to say; defaults are left out of it', () => {
  for (const s of [full(), { ...defaultState(), sample: 'camera' }]) {
    assert.deepEqual(decodeHash(encodeHash(s)), { state: s, notes: [] });
  }
  assert.equal(encodeHash(defaultState()), '#sample=astronaut');
  assert.equal(encodeHash(full()), '#sample=chelsea&view=gray&x=40&y=30&seed=77&shuffled=1&m=2x4%3A0.10.20.30.255.254.253.0');
  assert.deepEqual(FIELDS.map((f) => f.short), ['sample', 'view', 'x', 'y', 'seed', 'shuffled', 'm']);
});

test('each key a link cannot mean falls back alone; the rest of the link is kept', () => {
  const good = full();
  const d = defaultState();
  const cases = [
    ['sample', 'bogus', 'sample', /^This link’s “sample=bogus” was ignored \(sample is camera, astronaut, coffee, chelsea or retina\): using astronaut\.$/],
    ['view', 'grey', 'view', /“view=grey” was ignored \(view is color or gray\): using colour, or gray for a grayscale picture\./],
    ['seed', '0x10', 'seed', /^This link’s “seed=0x10” was ignored \(the seed must be a number\): using 1\.$/],
    ['seed', '1e3', 'seed', /“seed=1e3” was ignored \(the seed must be a whole number\)/],
    ['seed', '0', 'seed', /“seed=0” was ignored \(the seed must be from 1 to 999,999\)/],
    ['seed', '1000000', 'seed', /“seed=1000000” was ignored/],
    ['shuffled', 'yes', 'shuffled', /“shuffled=yes” was ignored \(shuffled is 0 or 1\): using 0\./],
    ['m', '3x3:255..255', 'matrix', /“m=3x3:255\.\.255” was ignored \(a 3 × 3 matrix needs 9 numbers, this one has 3\): using the class’s dark dot\./],
    ['m', '2x2:0.0.0.0x10', 'matrix', /a pixel holds a whole number from 0 to 255/],
    ['m', '2x2:0.0.0.256', 'matrix', /a pixel holds a whole number from 0 to 255/],
    ['m', '9x1:0.0.0.0.0.0.0.0.0', 'matrix', /the matrix has 1 to 8 rows and columns/],
    ['m', 'dot', 'matrix', /m is rows x columns: then the numbers/],
  ];
  for (const [key, value, field, note] of cases) {
    const { state, notes } = decodeHash(withKey(good, key, value));
    assert.equal(notes.length, 1, `${key}=${value}: ${JSON.stringify(notes)}`);
    assert.equal(notes[0].key, key);
    assert.match(notes[0].text, note);
    // a bad sample shows the default sample; every other key takes its default
    const fallback = field === 'sample' ? 'astronaut' : d[field];
    assert.deepEqual(state, { ...good, [field]: fallback }, `${key}=${value}: only ${field} falls back`);
  }
  assert.deepEqual(decodeHash('#m=1x1:7').state.matrix, { rows: 1, cols: 1, values: [7] });
  assert.deepEqual(decodeHash('#shuffled=0').state.shuffled, false);
});

test('the lens position is a pair: x and y fall back together, and the notes say so', () => {
  const good = full();
  for (const [hash, keys, why] of [
    [withKey(good, 'x', '0x10'), ['x', 'y'], /^This link’s “x=0x10” was ignored \(x must be a number\)/],
    [withKey(good, 'y', '-3'), ['x', 'y'], /^This link’s “y=-3” was ignored \(y must be from 0 to 1,000,000\)/],
    [withKey(good, 'x', '1.5'), ['x', 'y'], /^This link’s “x=1\.5” was ignored \(x must be a whole number\)/],
    ['#sample=chelsea&x=40', ['x'], /the lens position needs both x and y, this link has only x/],
    ['#sample=chelsea&y=4', ['y'], /only y/],
  ]) {
    const { state, notes } = decodeHash(hash);
    assert.deepEqual(notes.map((n) => n.key), keys, hash);
    assert.ok(notes.some((n) => why.test(n.text)), `${hash}: ${notes.map((n) => n.text).join(' | ')}`);
    for (const n of notes) assert.match(n.text, /: using the picture’s starting spot\.$/);
    if (keys.length === 2) {
      const other = notes.find((n) => !why.test(n.text));
      assert.match(other.text, /\(it goes with “[xy]”, which was ignored\)/, 'the other one falls back with it');
    }
    assert.deepEqual([state.x, state.y, state.sample], [null, null, 'chelsea'], hash);
  }
});

test('a lens position the picture does not have is said, with the picture’s size', () => {
  assert.equal(lensOutside(450, 299, 451, 300), '');
  assert.equal(lensOutside(451, 30, 451, 300),
    'This link’s “x=451” and “y=30” were ignored together (the picture is 300 pixels high and 451 wide: y, the row, goes from 0 to 299 and x, the column, from 0 to 450): using its starting spot.');
  assert.match(lensOutside(0, 300, 451, 300), /“y=300”/);
  assert.deepEqual(startSpot('coffee', 600, 400), [300, 120]);
  assert.deepEqual(startSpot(null, 7, 4), [3, 2]);
});

test('several bad keys: one note each, in the link’s order, unknown keys named', () => {
  const { state, notes } = decodeHash('#seed=abc&sample=coffee&zoom=4&view=3d&x=1&y=2');
  assert.deepEqual(notes.map((n) => n.key), ['seed', 'zoom', 'view']);
  assert.equal(notes[1].text, 'This link has a name the page does not know, ignored: “zoom”.');
  assert.deepEqual([state.sample, state.x, state.y, state.seed, state.view], ['coffee', 1, 2, 1, null]);
});

test('whatever a link holds, the view read from it writes back as a link with nothing to say', () => {
  for (const hash of ['#%', '#&&', '#=', '#x=&y=', '#m=', '#m=0x0:', '#m=1x1:', '#seed=', '#sample=__proto__', `#m=${'1.'.repeat(9999)}`]) {
    const { state } = decodeHash(hash);
    assert.deepEqual(decodeHash(encodeHash({ ...state, sample: state.sample ?? 'astronaut' })).notes, [], hash);
  }
  assert.deepEqual(decodeHash('#m=3x3:255.255.255.255.0.255.255.255.255').state.matrix, { ...CLASS_MATRIX, values: [...CLASS_MATRIX.values] });
});

test('the view: a grayscale picture is shown 2D unless the link asks for colour', () => {
  assert.equal(grayView({ view: null }, true), true);
  assert.equal(grayView({ view: null }, false), false);
  assert.equal(grayView({ view: 'color' }, true), false);
  assert.equal(grayView({ view: 'gray' }, false), true);
});

test('a pixel’s number and the whole-number fields accept only decimal digits', () => {
  assert.deepEqual(readPixel('16'), { value: 16 });
  assert.deepEqual(readPixel(' 7 '), { value: 7 });
  assert.deepEqual(readPixel('0x10'), { error: 'a pixel must be a number' });
  assert.deepEqual(readPixel('1e2'), { error: 'a pixel must be a whole number' });
  assert.deepEqual(readPixel('12.5'), { error: 'a pixel must be a whole number' });
  assert.deepEqual(readPixel('300'), { error: 'a pixel must be from 0 to 255' });
  assert.deepEqual(readPixel(''), { error: 'a pixel must be a number' });
  assert.deepEqual(readNumber('rows', '8'), { value: 8 });
  assert.deepEqual(readNumber('rows', '9'), { error: 'The number of rows must be from 1 to 8.' });
  assert.deepEqual(readNumber('cols', '0x1'), { error: 'The number of columns must be a number.' });
  assert.deepEqual(readNumber('brush', '1e1'), { error: 'The paint value must be a whole number.' });
  assert.deepEqual(readNumber('seed', '0'), { error: 'The seed must be from 1 to 999,999.' });
  assert.deepEqual(readNumber('seed', '999999'), { value: 999999 });
});

test('the matrix: cells at fault named, resized keeping its numbers, written as a literal', () => {
  assert.deepEqual(checkCells(['1', '2', '3', '4'], 2), { invalid: [false, false, false, false], message: '' });
  assert.deepEqual(checkCells(['1', 'abc', '300', ''], 2), {
    invalid: [false, true, true, true],
    message: 'Row 0, column 1: a pixel must be a number. The picture keeps the last valid number (2 more cells to fix).',
  });
  assert.equal(checkCells(['1', '2', '1.5', '4'], 2).message, 'Row 1, column 0: a pixel must be a whole number. The picture keeps the last valid number.');
  const m = { rows: 2, cols: 2, values: [1, 2, 3, 4] };
  assert.deepEqual(resizeMatrix(m, 3, 1), { rows: 3, cols: 1, values: [1, 3, 255] });
  assert.deepEqual(resizeMatrix(m, 2, 3), { rows: 2, cols: 3, values: [1, 2, 255, 3, 4, 255] });
  assert.equal(matrixLiteral(m), '[[1, 2], [3, 4]]');
  assert.equal(matrixLiteral(CLASS_MATRIX), '[[255, 255, 255], [255, 0, 255], [255, 255, 255]]');
});
