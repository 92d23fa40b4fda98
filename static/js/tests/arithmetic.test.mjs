// The number policy's rules for sums and products (lib/numbers.js) and the loss's (backward/format.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addingDecimals, addsUp, chance, factorDecimals, fixed, multipliesTo, percent, visibleDecimals } from '../lib/numbers.js';
import { lnParts, loss } from '../backward/format.js';

test('a sum: shown terms add up to the shown total within its rounding, with the fewest digits', () => {
  // 16.17 + 4.28 − 0.05 = 20.40, not 20.41; 16.172 + 4.284 − 0.045 = 20.411 reads 20.41
  assert.equal(addsUp([16.1716, 4.2839, -0.0453], 20.4102, 2), false);
  assert.equal(addsUp([16.1716, 4.2839, -0.0453], 20.4102, 3, 2), true);
  assert.equal(addingDecimals([{ terms: [0.5, 0.25], total: 0.75 }], 2), 2);
  assert.equal(addingDecimals([{ terms: [0.004, 0.004], total: 0.008 }], 2), 3);
});

test('a product: the factors get the digits with which shown a × shown b rounds to the shown p', () => {
  assert.equal(multipliesTo(10.53808, 0.2354413, 2.481098, 1, 3, 2), false); // 10.5 × 0.235 = 2.4675 ≠ 2.48
  const [da, db] = factorDecimals([[10.53808, 0.2354413, 2.481098], [8.03991, 0.1946719, 1.565144]], 2);
  assert.ok(multipliesTo(10.53808, 0.2354413, 2.481098, da, db, 2) && multipliesTo(8.03991, 0.1946719, 1.565144, da, db, 2));
  assert.equal(fixed(0.004, visibleDecimals(0.004, 2)), '0.004'); // never "≈0" beside a product that is not
});

test('a softmax probability never reads 100 % or 0 %; an accuracy may', () => {
  assert.equal(chance(1), '> 99.99%');
  assert.equal(chance(0), '< 0.01%');
  assert.equal(percent(1), '100%');
});

test('a loss never reads 0; −ln p shows the digits its loss needs', () => {
  assert.equal(loss(0), '<\u00a00.0001');
  assert.deepEqual(lnParts(1, 0), ['>\u00a00.9999', '<\u00a00.0001']);
  assert.deepEqual(lnParts(8.422636e-9, 18.592), ['8.42×10⁻⁹', '18.6']);
  assert.deepEqual(lnParts(0.8448332, -Math.log(0.8448332)), ['0.8448', '0.169']); // −ln 0.845 = 0.168
});
