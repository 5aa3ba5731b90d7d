// The pixels page's link and number fields, without a browser: each key a
// link cannot mean falls back to its default (x and y together), the rest is
// kept, a note says which and why; numbers are read as a person types them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultState, encodeHash, decodeHash, readWhole, parsePixel, CLASS_MATRIX,
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

test('a link made by the page opens the same view, with nothing to say', () => {
  for (const s of [full(), { ...defaultState(), sample: 'camera' }]) {
    assert.deepEqual(decodeHash(encodeHash(s)), { state: s, notes: [] });
  }
});

test('each key a link cannot mean falls back alone; the rest of the link is kept', () => {
  const good = full();
  const d = defaultState();
  const cases = [
    ['sample', 'bogus', 'sample', /^This link’s “sample=bogus” was ignored \(sample is camera, astronaut, coffee or chelsea\): using astronaut\.$/],
    ['view', 'grey', 'view', /“view=grey” was ignored \(view is color or gray\): using colour, or gray for a grayscale picture\./],
    ['seed', '0x10', 'seed', /^This link’s “seed=0x10” was ignored \(seed is a whole number from 1 to 999999\): using 1\.$/],
    ['seed', '1e3', 'seed', /“seed=1e3” was ignored/],
    ['seed', '0', 'seed', /“seed=0” was ignored/],
    ['seed', '1000000', 'seed', /“seed=1000000” was ignored/],
    ['shuffled', 'yes', 'shuffled', /“shuffled=yes” was ignored \(shuffled is 1 or 0\): using 0\./],
    ['m', '3x3:255..255', 'matrix', /“m=3x3:255\.\.255” was ignored \(a 3 × 3 matrix needs 9 numbers, this one has 3\): using the class’s dark dot\./],
    ['m', '2x2:0.0.0.0x10', 'matrix', /a pixel holds a whole number from 0 to 255/],
    ['m', '2x2:0.0.0.256', 'matrix', /a pixel holds a whole number from 0 to 255/],
    ['m', '9x1:0.0.0.0.0.0.0.0.0', 'matrix', /the matrix has 1 to 8 rows and columns/],
    ['m', 'dot', 'matrix', /m is rows x columns: then the numbers/],
  ];
  for (const [key, value, field, note] of cases) {
    const { state, notes } = decodeHash(withKey(good, key, value));
    assert.equal(notes.length, 1, `${key}=${value}: ${JSON.stringify(notes)}`);
    assert.deepEqual(notes[0].keys, [key]);
    assert.match(notes[0].text, note);
    assert.deepEqual(state, { ...good, [field]: d[field] }, `${key}=${value}: only ${field} falls back`);
  }
  assert.deepEqual(decodeHash('#m=1x1:7').state.matrix, { rows: 1, cols: 1, values: [7] });
  assert.deepEqual(decodeHash('#shuffled=0').state.shuffled, false);
});

test('the lens position is a pair: x and y fall back together, and the note says so', () => {
  const good = full();
  for (const [hash, keys, why] of [
    [withKey(good, 'x', '0x10'), ['x', 'y'], /the lens position is x and y, both whole numbers from 0/],
    [withKey(good, 'y', '-3'), ['x', 'y'], /both whole numbers from 0/],
    [withKey(good, 'x', '1.5'), ['x', 'y'], /both whole numbers from 0/],
    ['#sample=chelsea&x=40', ['x'], /the lens position needs both x and y, this link has only x/],
    ['#sample=chelsea&y=4', ['y'], /only y/],
  ]) {
    const { state, notes } = decodeHash(hash);
    assert.equal(notes.length, 1, hash);
    assert.deepEqual(notes[0].keys, keys, hash);
    assert.match(notes[0].text, why);
    assert.match(notes[0].text, /: using the picture’s starting spot\.$/);
    if (keys.length === 2) assert.match(notes[0].text, /were ignored together/);
    assert.deepEqual([state.x, state.y, state.sample], [null, null, 'chelsea'], hash);
  }
});

test('several bad keys: one note each, in the link’s order, unknown keys named', () => {
  const { state, notes } = decodeHash('#seed=abc&sample=coffee&zoom=4&view=3d&x=1&y=2');
  assert.deepEqual(notes.map((n) => n.keys[0]), ['seed', 'zoom', 'view']);
  assert.equal(notes[1].text, 'This link’s “zoom=4” was ignored (the page has no such setting).');
  assert.deepEqual([state.sample, state.x, state.y, state.seed, state.view], ['coffee', 1, 2, 1, null]);
});

test('whatever a link holds, the view read from it writes back as a link with nothing to say', () => {
  for (const hash of ['#%', '#&&', '#=', '#x=&y=', '#m=', '#m=0x0:', '#m=1x1:', '#seed=', '#sample=__proto__', `#m=${'1.'.repeat(9999)}`]) {
    const { state } = decodeHash(hash);
    assert.deepEqual(decodeHash(encodeHash({ ...state, sample: state.sample ?? 'astronaut' })).notes, [], hash);
  }
  assert.deepEqual(decodeHash('#m=3x3:255.255.255.255.0.255.255.255.255').state.matrix, { ...CLASS_MATRIX, values: [...CLASS_MATRIX.values] });
});

test('a pixel’s number and the whole-number fields accept only decimal digits', () => {
  assert.deepEqual(parsePixel('16'), { value: 16 });
  assert.deepEqual(parsePixel(' 7 '), { value: 7 });
  assert.deepEqual(parsePixel('0x10'), { error: '“0x10” is not a number' });
  assert.deepEqual(parsePixel('1e2'), { error: '“1e2” is not a number' });
  assert.deepEqual(parsePixel('12.5'), { error: '“12.5” is not a whole number: a pixel holds a whole number from 0 to 255' });
  assert.deepEqual(parsePixel('300'), { error: '300 is outside 0 to 255' });
  assert.deepEqual(parsePixel(''), { error: 'is empty: type a whole number from 0 to 255' });
  assert.deepEqual(readWhole('8', 1, 8), { ok: true, value: 8 });
  assert.deepEqual(readWhole('9', 1, 8), { ok: false, problem: '9 is too large' });
  assert.deepEqual(readWhole('0x1', 1, 8), { ok: false, problem: '“0x1” is not a number' });
  assert.deepEqual(readWhole(null, 1, 8), { ok: false, problem: 'Not a number' });
});
