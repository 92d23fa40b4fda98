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
