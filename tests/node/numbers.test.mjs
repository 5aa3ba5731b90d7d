// How every page reads typed numbers (web/lib/numbers.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal, wholeNumber, realNumber } from '../../web/lib/numbers.js';

test('decimal numbers only: no hex, no words, no units, no thousands separators', () => {
  for (const t of ['0x10', '1,5', '12px', 'Infinity', 'NaN', '', ' ', '1e', '--1', '.', '1..2', '١٢']) assert.ok(Number.isNaN(parseDecimal(t)), t);
  assert.equal(parseDecimal(' 12 '), 12);
  assert.equal(parseDecimal('+3'), 3);
  assert.equal(parseDecimal('-0.5'), -0.5);
  assert.equal(parseDecimal('.25'), 0.25);
  assert.equal(parseDecimal('1e-3'), 0.001);
  assert.equal(parseDecimal('1E3'), 1000);
  assert.equal(parseDecimal('1e309'), Infinity, 'too large is Infinity, for the caller to call too large');
  assert.equal(parseDecimal(null), NaN);
});

test('a whole number is typed as digits, within its range, and said so otherwise', () => {
  assert.deepEqual(wholeNumber('12', 1, 64, 'Filters'), { value: 12 });
  assert.deepEqual(wholeNumber(' 0 ', 0, 6, 'Layers'), { value: 0 });
  assert.equal(wholeNumber('1.5', 1, 64, 'Filters').error, 'Filters must be a whole number');
  assert.equal(wholeNumber('1e1', 1, 64, 'Filters').error, 'Filters must be a whole number');
  assert.equal(wholeNumber('0x10', 1, 64, 'Filters').error, 'Filters must be a number');
  assert.equal(wholeNumber('', 1, 64, 'Filters').error, 'Filters must be a number');
  assert.equal(wholeNumber('65', 1, 64, 'Filters').error, 'Filters must be from 1 to 64');
  assert.equal(wholeNumber('99999999999999999999', 1, 4096, 'The batch size').error, 'The batch size must be from 1 to 4,096');
});

test('a real number within bounds, with an example when it is not a number', () => {
  const lr = (t) => realNumber(t, { above: 0, below: 1e30 }, 'The learning rate', '0.001');
  assert.deepEqual(lr('0.01'), { value: 0.01 });
  assert.equal(lr('fast').error, 'The learning rate must be a number, like 0.001');
  assert.equal(lr('0').error, 'The learning rate must be greater than 0');
  assert.equal(lr('1e30').error, 'The learning rate must be below 1e30');
  assert.equal(lr('1e309').error, 'The learning rate must be below 1e30');
  assert.equal(realNumber('-1', { min: 0, below: 1 }, 'Momentum', '0.9').error, 'Momentum cannot be negative');
  assert.equal(realNumber('1', { min: 0, below: 1 }, 'Momentum', '0.9').error, 'Momentum must be below 1');
  assert.equal(realNumber('0.5', { min: 1, below: 9 }, 'σ', '1').error, 'σ cannot be less than 1');
});
