// The train page's settings table: links both ways, every value a link cannot
// mean replaced by its default and named, numbers read as people type them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SETTINGS, defaultSettings, decodeHash, encodeHash, ignoredMessage, layerValues, MAX_BATCH, MAX_FILTERS,
} from '../../web/train/state.js';
import { parseDecimal as parseNumber, wholeNumber, realNumber } from '../../web/lib/numbers.js';

test('a link made from any settings reads back as the same settings', () => {
  const s = { ...defaultSettings(), arch: 'cnn', convs: '3', filters: ['4', '8', '12'], kernel: '5', pool: 'avg', dense: '64',
    act: 'tanh', batch: '128', lr: '0.05', epochs: '7', l2: '0.0001', loss: 'mse', optimizer: 'momentum', momentum: '0.8',
    seed: '42', quick: false, shuffle: true };
  const back = decodeHash(`#${encodeHash(s)}`);
  assert.deepEqual(back.ignored, []);
  assert.equal(back.any, true);
  for (const d of SETTINGS) if (!d.when || d.when(s)) assert.deepEqual(back.settings[d.key], s[d.key], d.key);
  // keys that mean nothing for these settings stay out of the link
  assert.doesNotMatch(encodeHash(s), /(^|&)(L|units|spec)=/);
  assert.doesNotMatch(encodeHash(defaultSettings()), /momentum=/);
  assert.equal(decodeHash('').any, false);
  assert.equal(decodeHash('#').any, false);
});

test('every value a link cannot mean falls back to its default, and is named', () => {
  const { settings, ignored } = decodeHash('#arch=bogus&opt=nope&J=what&lr=0.002&bs=1e400&epochs=0&units=128,x&quick=maybe&k=7&momentum=1');
  assert.deepEqual(ignored.map((i) => i.short).sort(), ['J', 'arch', 'bs', 'epochs', 'k', 'momentum', 'opt', 'quick', 'units'].sort());
  const d = defaultSettings();
  for (const key of ['arch', 'optimizer', 'loss', 'batch', 'epochs', 'units', 'quick', 'kernel', 'momentum']) assert.deepEqual(settings[key], d[key], key);
  assert.equal(settings.lr, '0.002', 'a good value is kept');
  const text = ignoredMessage(ignored);
  assert.match(text, /This link’s “arch=bogus” was ignored \(the architecture is mlp, cnn or custom\): using mlp\./);
  assert.match(text, /“bs=1e400” was ignored \(the batch size must be a whole number\): using 32\./);
  assert.match(text, /“momentum=1” was ignored \(the momentum must be below 1\): using 0\.9\./);
  assert.equal(ignoredMessage([]), '');
  // a very long value is shortened in the sentence
  assert.match(ignoredMessage(decodeHash(`#spec=${'x'.repeat(300)}`).ignored), /“spec=x{40}…”/);
});

test('numbers are decimal numbers as typed: no hex, no words, no units', () => {
  for (const t of ['0x10', '1,5', '12px', 'Infinity', '', ' ', '1e', '--1', '.']) assert.ok(Number.isNaN(parseNumber(t)), t);
  assert.equal(parseNumber(' 12 '), 12);
  assert.equal(parseNumber('-0.5'), -0.5);
  assert.equal(parseNumber('.25'), 0.25);
  assert.equal(parseNumber('1e-3'), 0.001);
  assert.equal(parseNumber('1e309'), Infinity);
});

test('each field says what is wrong in words, with readable limits', () => {
  assert.deepEqual(wholeNumber('12', 1, 64, 'Filters'), { value: 12 });
  assert.equal(wholeNumber('1.5', 1, 64, 'Filters').error, 'Filters must be a whole number');
  assert.equal(wholeNumber('x', 1, 64, 'Filters').error, 'Filters must be a number');
  assert.equal(wholeNumber('100000000000000000000', 1, MAX_BATCH, 'The batch size').error, 'The batch size must be from 1 to 4,096');
  assert.equal(wholeNumber('1e3', 1, MAX_BATCH, 'The batch size').error, 'The batch size must be a whole number', 'a count is typed as digits');
  assert.equal(wholeNumber('0x10', 1, MAX_BATCH, 'The batch size').error, 'The batch size must be a number');
  const lr = (t) => realNumber(t, { above: 0, below: 1e30 }, 'The learning rate', '0.001');
  assert.equal(lr('1e309').error, 'The learning rate must be below 1e30');
  assert.equal(lr('-1e309').error, 'The learning rate must be greater than 0');
  assert.equal(lr('0').error, 'The learning rate must be greater than 0');
  assert.equal(lr('abc').error, 'The learning rate must be a number, like 0.001');
  assert.deepEqual(lr('0.01'), { value: 0.01 });
  assert.equal(realNumber('-1', { min: 0, below: 1e30 }, 'λ', '0').error, 'λ cannot be negative');
});

test('per-layer fields keep what was typed; new layers get sensible sizes within the limits', () => {
  assert.deepEqual(layerValues(['8', '16'], 3, 'filter'), ['8', '16', '32']);
  assert.deepEqual(layerValues(['12'], 3, 'filter'), ['12', '24', '48']);
  assert.deepEqual(layerValues(['48'], 3, 'filter'), ['48', '64', '64'], `at most ${MAX_FILTERS}`);
  assert.deepEqual(layerValues([], 2, 'filter'), ['8', '16']);
  assert.deepEqual(layerValues(['128'], 3, 'unit'), ['128', '64', '32']);
  assert.deepEqual(layerValues(['12'], 2, 'unit'), ['12', '10']);
  assert.deepEqual(layerValues(['8', '16', '32'], 1, 'filter'), ['8', '16', '32'], 'kept beyond the count');
  assert.deepEqual(layerValues(['x'], 2, 'filter'), ['x', '8']);
});

test('the number of workers: all cores by default, a count in the link, refused beyond the limit', async () => {
  const { validateSettings, workerSettings } = await import('../../web/train/state.js');
  const { MAX_WORKERS } = await import('../../web/lib/limits.js');
  const d = defaultSettings();
  assert.equal(d.workers, 'all');
  assert.match(encodeHash(d), /(^|&)workers=all(&|$)/);
  assert.match(encodeHash({ ...d, workers: '2' }), /(^|&)workers=2(&|$)/);
  assert.equal(decodeHash('#workers=2').settings.workers, '2');
  assert.equal(decodeHash('#workers=all').settings.workers, 'all');
  assert.equal(decodeHash(`#workers=${MAX_WORKERS}`).settings.workers, String(MAX_WORKERS));
  for (const bad of ['0', String(MAX_WORKERS + 1), '1.5', 'many']) {
    const r = decodeHash(`#workers=${bad}`);
    assert.equal(r.settings.workers, 'all', bad);
    assert.deepEqual(r.ignored.map((i) => i.key), ['workers'], bad);
  }
  const values = (workers) => validateSettings({ ...d, workers }, { trainSize: 10000 }).values;
  assert.equal(values('all').workers, 0, 'all: 0, the worker takes one per core');
  assert.equal(values('3').workers, 3);
  assert.equal(workerSettings(values('2'), { id: 1 }).workers, 2);
});
