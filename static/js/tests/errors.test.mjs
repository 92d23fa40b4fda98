// core/errors.js: the one place every page turns an API error into text in the learner's language.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError } from '../core/api.js';
import { errorText } from '../core/errors.js';
import { setLanguage } from '../core/i18n.js';

test('a network failure, a known code with its params, and a field named as the form labels it', () => {
  setLanguage('zh');
  assert.equal(errorText(new ApiError('network', 0, 'network')), '无法连接 cnnviz 服务器。');
  const epochs = new ApiError('"epochs" must be from 1 to 50', 400, 'field.range', { field: 'epochs', low: 1, high: 50 });
  assert.equal(errorText(epochs, { fields: { epochs: 'train.epochs' } }), '“轮数”必须在 1 到 50 之间。');
  assert.equal(errorText(epochs), '“epochs”必须在 1 到 50 之间。');
  setLanguage('en');
  assert.equal(errorText(new ApiError('too large', 413), { maxUpload: 8 * 2 ** 20 }),
    'The file is over the 8 MB limit. Try a smaller photo.');
});

test('an unknown code: the server\'s English words in English, the code elsewhere', () => {
  const odd = new ApiError('the moon is in the way', 400, 'moon.in_the_way');
  setLanguage('en');
  assert.equal(errorText(odd), 'The server could not use this input: the moon is in the way');
  setLanguage('zh');
  assert.ok(errorText(odd).includes('moon.in_the_way') && !errorText(odd).includes('the moon'), errorText(odd));
  setLanguage('en');
});

test('whole numbers in a refusal are grouped in thousands, as the pages print counts; others as sent', () => {
  const range = new ApiError('within ±1e+06', 422, 'lab.array_range', { field: 'kernel', limit: 1000000 });
  const side = new ApiError('from 1 to 4096', 422, 'lab.limit', { field: 'width', low: 1, high: 4096 });
  const lr = new ApiError('from 1e-05 to 1', 400, 'field.range', { field: 'lr', low: 0.00001, high: 1 });
  setLanguage('en');
  assert.equal(errorText(range), '"kernel" must hold finite numbers within ±1,000,000.');
  assert.equal(errorText(side), '"width" must be a whole number from 1 to 4,096.');
  assert.equal(errorText(lr), '"lr" must be from 0.00001 to 1.');
  setLanguage('zh');
  assert.equal(errorText(range), '“kernel”中的数字必须是有限的，且在 ±1,000,000 以内。');
  setLanguage('en');
});
