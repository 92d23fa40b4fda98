import assert from 'node:assert/strict';
import { test } from 'node:test';

import { thumbnailRGBA } from '../views/prediction.js';

const b64 = (bytes) => Buffer.from(Uint8Array.from(bytes)).toString('base64');

test('a grey step thumbnail (h, w) becomes opaque grey RGBA, row by row', () => {
  const { width, height, rgba } = thumbnailRGBA({ shape: [2, 3], dtype: 'uint8', data: b64([0, 10, 20, 30, 40, 255]) });
  assert.equal(width, 3);
  assert.equal(height, 2);
  assert.deepEqual([...rgba.slice(4, 8)], [10, 10, 10, 255]);   // row 0, column 1
  assert.deepEqual([...rgba.slice(20, 24)], [255, 255, 255, 255]); // row 1, column 2
});

test('a colour thumbnail (h, w, 3) keeps its three channels', () => {
  const { rgba } = thumbnailRGBA({ shape: [1, 2, 3], dtype: 'uint8', data: b64([1, 2, 3, 4, 5, 6]) });
  assert.deepEqual([...rgba], [1, 2, 3, 255, 4, 5, 6, 255]);
});
