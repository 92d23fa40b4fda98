import assert from 'node:assert/strict';
import { test } from 'node:test';

import { count, equals, num, parseNumber, parseOrder, term } from '../practice/format.js';
import en from '../i18n/en/practice.js';
import zh from '../i18n/zh/practice.js';

test('numbers are shown at the exercise rounding with a true minus sign', () => {
  assert.equal(num(2.5, 2), '2.5');
  assert.equal(num(7.75, 2), '7.75');
  assert.equal(num(2 / 3, 2), '0.67');
  assert.equal(num(-3), '\u22123');
  assert.equal(num(-0.001, 2), '0');
  assert.equal(num(3, 1), '3');
  assert.equal(term(-2), '(\u22122)');
  assert.equal(term(4), '4');
  assert.equal(count(1219680), '1,219,680');
  assert.equal(count(-28), '\u221228');
  assert.equal(equals(7.75), '=');
  assert.equal(equals(7 / 3), '≈');
});

test('typed numbers are read in every common form', () => {
  assert.equal(parseNumber('3'), 3);
  assert.equal(parseNumber(' -2.5 '), -2.5);
  assert.equal(parseNumber('\u22122'), -2); // a pasted true minus
  assert.equal(parseNumber('１２．５'), 12.5); // full-width, from a Chinese input method
  assert.equal(parseNumber('0,75'), 0.75);
  assert.equal(parseNumber('.5'), 0.5);
  for (const bad of ['', 'abc', '1e5', '--1', '1.2.3', null]) assert.ok(Number.isNaN(parseNumber(bad)), bad);
});

test('an order is read from letters, in any case and spacing', () => {
  assert.deepEqual(parseOrder('B, d a C'), [1, 3, 0, 2]);
  assert.deepEqual(parseOrder('ＢＡＤＣ'), [1, 0, 3, 2]);
  assert.deepEqual(parseOrder('1 2'), []);
});

test('every exercise kind has a prompt and two hints in both languages, with the same placeholders', () => {
  for (const [key, text] of Object.entries(en)) {
    const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(names(zh[key]), names(text), key);
  }
  const kinds = ['output_size', 'conv_value', 'maxpool', 'avgpool', 'relu', 'conv_params', 'vertical_edge',
    'softmax_order', 'softmax_grow', 'maxpool_grad'];
  for (const kind of kinds) {
    for (const part of ['prompt', 'hint1', 'hint2']) assert.ok(en[`practice.${kind}.${part}`], `${kind}.${part}`);
    assert.ok(en[`practice.kind.${kind}`]);
  }
});
