// A page's state in its link (web/lib/hash-state.js): both ways from one
// table, every value a link cannot mean replaced by its default and named,
// groups falling back together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultState, decodeHash, encodeHash, ignoredLines, ignoredMessage, readField } from '../../web/lib/hash-state.js';

/** @type {import('../../web/lib/hash-state.js').Field[]} */
const FIELDS = [
  { key: 'mode', short: 'mode', what: 'the mode', type: 'enum', values: ['gray', 'colour'], def: 'gray' },
  { key: 'stride', short: 'stride', what: 'the stride', type: 'int', min: 1, max: 4, def: 1 },
  { key: 'sizes', short: 'sizes', what: 'the sizes', type: 'ints', min: 1, max: 64, maxItems: 3, def: [8, 16] },
  { key: 'rate', short: 'lr', what: 'the rate', type: 'number', above: 0, below: 1e30, asText: true, def: '0.001' },
  { key: 'shuffle', short: 'shuffle', what: 'shuffling', type: 'bool', def: false },
  { key: 'name', short: 'name', what: 'the name', type: 'text', maxLength: 10, def: '' },
  { key: 'k', short: 'k', what: 'the kernel size', type: 'int', min: 1, max: 5, def: 3, group: 'kernel' },
  {
    key: 'w', short: 'w', what: 'the kernel', type: 'custom', group: 'kernel', def: [0, 1, 0, 1, 0, 1, 0, 1, 0],
    parse: (text, s) => {
      const v = text.split(',').map(Number);
      return v.length === s.k * s.k && v.every(Number.isFinite) ? { value: v } : { error: `the kernel needs ${s.k * s.k} numbers` };
    },
    format: (v) => v.join(','),
  },
  { key: 'momentum', short: 'm', what: 'the momentum', type: 'number', min: 0, below: 1, def: 0.9, when: (s) => s.mode === 'colour' },
];

test('a state written to a link reads back the same; keys that mean nothing are left out', () => {
  const s = { ...defaultState(FIELDS), mode: 'colour', stride: 3, sizes: [4, 5], rate: '0.05', shuffle: true, name: 'a b&c', k: 2, w: [1, 2, 3, 4], momentum: 0.5 };
  const link = encodeHash(FIELDS, s);
  assert.equal(link, 'mode=colour&stride=3&sizes=4,5&lr=0.05&shuffle=1&name=a+b%26c&k=2&w=1,2,3,4&m=0.5');
  const back = decodeHash(FIELDS, `#${link}`);
  assert.deepEqual(back.state, s);
  assert.deepEqual(back.ignored, []);
  assert.equal(back.any, true);
  assert.doesNotMatch(encodeHash(FIELDS, defaultState(FIELDS)), /m=/, 'momentum only means something in colour');
  assert.equal(decodeHash(FIELDS, '').any, false);
  assert.deepEqual(decodeHash(FIELDS, '').state, defaultState(FIELDS));
});

test('each bad value falls back alone, the rest of the link is kept, and the page can say which', () => {
  const { state, ignored, unknown } = decodeHash(FIELDS, '#mode=sepia&stride=9&sizes=4,x&lr=0x1&shuffle=2&name=much+too+long&zoom=3');
  assert.deepEqual(state, defaultState(FIELDS));
  assert.deepEqual(ignored.map((i) => i.short), ['mode', 'stride', 'sizes', 'lr', 'shuffle', 'name']);
  assert.deepEqual(unknown, ['zoom']);
  const lines = ignoredLines(FIELDS, ignored, unknown);
  assert.equal(lines[0], 'This link’s “mode=sepia” was ignored (the mode is gray or colour): using gray.');
  assert.equal(lines[1], 'This link’s “stride=9” was ignored (the stride must be from 1 to 4): using 1.');
  assert.equal(lines[2], 'This link’s “sizes=4,x” was ignored (the sizes: each number must be a number): using 8,16.');
  assert.equal(lines[3], 'This link’s “lr=0x1” was ignored (the rate must be a number): using 0.001.');
  assert.equal(lines.at(-1), 'This link has a name the page does not know, ignored: “zoom”.');
  assert.equal(ignoredMessage(FIELDS, ignored, unknown), lines.join(' '));
  assert.equal(ignoredMessage(FIELDS, []), '');
  // one good value among bad ones survives
  assert.equal(decodeHash(FIELDS, '#mode=sepia&stride=2').state.stride, 2);
});

test('the fields of a group fall back together, the others saying why', () => {
  const { state, ignored } = decodeHash(FIELDS, '#k=2&w=1,2,3&stride=2');
  assert.equal(state.k, 3);
  assert.deepEqual(state.w, defaultState(FIELDS).w);
  assert.equal(state.stride, 2);
  assert.deepEqual(ignored.map((i) => [i.short, i.why]), [
    ['w', 'the kernel needs 4 numbers'],
    ['k', 'it goes with “w”, which was ignored'],
  ]);
  // a group member that is fine alone, with the others absent, is kept
  assert.equal(decodeHash(FIELDS, '#k=1&w=5').state.w[0], 5);
});

test('numbers: bounds, whole numbers as digits, text kept as typed when asked', () => {
  assert.deepEqual(readField(FIELDS[1], '4', {}), { value: 4 });
  assert.match(readField(FIELDS[1], '2.0', {}).error, /whole number/);
  assert.match(readField(FIELDS[3], '0', {}).error, /greater than 0/);
  assert.match(readField(FIELDS[3], '1e30', {}).error, /below 1e30/);
  assert.deepEqual(readField(FIELDS[3], ' 1e-3 ', {}), { value: '1e-3' });
  assert.match(readField(FIELDS[2], '1,2,3,4', {}).error, /more than 3 numbers/);
  assert.deepEqual(readField(FIELDS[4], 'true', {}), { value: true });
  // defaults are copies: changing a state does not change the next one
  const a = defaultState(FIELDS);
  a.sizes.push(99);
  assert.deepEqual(defaultState(FIELDS).sizes, [8, 16]);
});
