// The network view's pure parts: ranges for the colour scaling, the store's oneOf type.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SCALINGS, rangeOf, scaleFor, unionRange } from '../lib/colors.js';
import { createStore, types } from '../core/store.js';

test('a map\'s range, the network\'s range, and the signed scale for gradients', () => {
  const values = Float32Array.from([3, -1, 2, 0, 5, 4]);
  assert.deepEqual(rangeOf(values, 0, 3), { min: -1, max: 3 });
  assert.deepEqual(rangeOf(values, 3, 3), { min: 0, max: 5 });
  assert.deepEqual(unionRange([{ min: -1, max: 3 }, { min: 0, max: 5 }]), { min: -1, max: 5 });
  assert.equal(scaleFor(0, 5).kind, 'sequential');
  const signed = scaleFor(0, 5, { signed: true }); // a gradient is always drawn around zero
  assert.deepEqual([signed.kind, signed.min, signed.max], ['diverging', -5, 5]);
  assert.deepEqual(scaleFor(0, 0, { signed: true }).color(0), scaleFor(-1, 1).color(0)); // one zero colour
});

test('the scaling and the pass are kept in the link, anything else is refused', () => {
  const schema = { scale: { type: types.oneOf(SCALINGS), initial: 'layer' }, pass: { type: types.oneOf(['forward', 'backward']), initial: 'forward' } };
  let url = '';
  const store = createStore(schema, { search: '?scale=unit&pass=sideways', writeUrl: (q) => { url = q; } });
  assert.equal(store.get('scale'), 'unit');
  assert.equal(store.get('pass'), 'forward');
  store.set({ scale: 'global', pass: 'backward' });
  assert.equal(url, 'scale=global&pass=backward');
});
