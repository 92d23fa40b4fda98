import assert from 'node:assert/strict';
import { test } from 'node:test';

import { animate, explain, predict } from '../core/api.js';

/** A fake server: records each request as {path, kind: 'image'|'json', body}; answers with respond(). */
function fakeServer(respond) {
  const seen = [];
  globalThis.fetch = async (path, options) => {
    const kind = options.body instanceof FormData ? 'image' : options.body instanceof Blob ? 'raw' : 'json';
    const body = kind === 'json' ? JSON.parse(options.body)
      : kind === 'raw' ? { type: options.headers['Content-Type'], size: options.body.size }
        : Object.fromEntries([...options.body.keys()].map((k) => [k, true]));
    seen.push({ path, kind, body });
    const [status, answer] = respond(path, kind, body);
    return { ok: status < 400, status, statusText: String(status), json: async () => answer };
  };
  return seen;
}

test('after /predict, the same input goes to /animate and /explain by its id', async () => {
  const seen = fakeServer((path) => [200, path.endsWith('predict') ? { input_id: 'a'.repeat(64) } : {}]);
  const input = { blob: new Blob(['png']), name: 'drawing.png', options: { invert: 'auto' } };
  await predict('digits', input);
  await animate('digits', input, 'conv1', 0);
  await explain('digits', input, 'fc3', [7]);
  assert.deepEqual(seen.map((r) => r.kind), ['image', 'json', 'json']);
  assert.deepEqual(seen[1].body, { input_id: 'a'.repeat(64), layer: 'conv1', channel: 0 });
  await animate('fashion', input, 'conv1', 0); // another model: its own input, sent as the image
  assert.equal(seen[3].kind, 'image');
  const other = { blob: new Blob(['png2']) }; // another input object: the image
  await animate('digits', other, 'conv1', 0);
  assert.equal(seen[4].kind, 'image');
});

test('an input the server no longer holds is sent again as the image, once', async () => {
  const seen = fakeServer((path, kind) => (kind === 'json'
    ? [409, { error: 'gone', code: 'input.expired', params: {} }]
    : [200, { input_id: 'b'.repeat(64) }]));
  const input = { blob: new Blob(['png']) };
  await predict('digits', input);
  const answer = await animate('digits', input, 'conv1', 2);
  assert.deepEqual(answer, { input_id: 'b'.repeat(64) });
  assert.deepEqual(seen.map((r) => r.kind), ['image', 'json', 'image']);
  assert.ok(seen[2].body.image && seen[2].body.layer);
});

test('other errors on a referenced input are thrown, not retried', async () => {
  const seen = fakeServer((path, kind, body) => (body.input_id
    ? [404, { error: 'no layer', code: 'layer.unknown', params: {} }]
    : [200, { input_id: 'c'.repeat(64) }]));
  const input = { json: { pixels: [[0]] } };
  await predict('digits', input);
  await assert.rejects(animate('digits', input, 'nope', 0), (e) => e.code === 'layer.unknown' && e.status === 404);
  assert.equal(seen.length, 2);
});

test('the animation asked for with /predict comes from its answer: one request per stroke', async () => {
  const products = { shape: [1, 2, 2], dtype: 'float64', sparse: true, nonzero: 'kA==', values: '' };
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, 0.1 * 3, true); // numbers no float32 holds: they must come back to the bit
  view.setFloat64(8, -2.5e-300, true);
  products.values = Buffer.from(view.buffer).toString('base64'); // bits 1001: the first and the last
  const seen = fakeServer((path) => [200, path.endsWith('predict')
    ? { input_id: 'c'.repeat(64), animations: [{ layer: 'conv1', products },
      { error: 'no such channel', code: 'channel.invalid', params: { max: 5 }, status: 422 }] }
    : { layer: 'asked' }]);
  const input = { blob: new Blob(['png']) };
  const result = await predict('digits', input, { animations: [{ layer: 'conv1', channel: 0, focus: 0 }, { layer: 'conv1', channel: 9, focus: 0 }] });
  assert.equal(result.animations, undefined);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].kind, 'image');
  assert.ok(seen[0].body.animate); // sent beside the image
  const first = await animate('digits', input, 'conv1', 0, 0);
  assert.deepEqual(first.products, [[[0.1 * 3, 0], [0, -2.5e-300]]]);
  await assert.rejects(animate('digits', input, 'conv1', 9, 0), (e) => e.code === 'channel.invalid' && e.status === 422);
  assert.equal(seen.length, 1, 'no request for what /predict answered');
  assert.equal((await animate('digits', input, 'conv1', 1, 0)).layer, 'asked'); // anything else is asked for
  assert.deepEqual(seen[1].body, { input_id: 'c'.repeat(64), layer: 'conv1', channel: 1, focus: 0 });
});

test('a stroke image goes to /predict as the body itself, its fields in the query; later requests as before', async () => {
  const seen = fakeServer((path) => [200, path.includes('predict') ? { input_id: 'd'.repeat(64), animations: [{ layer: 'conv1' }] } : {}]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }), options: { invert: 'auto', crop: [0.1, 0.2, 0.6, 0.9] } };
  await predict('digits', input, { animations: [{ layer: 'conv1', channel: 0, focus: 0 }] });
  assert.equal(seen[0].kind, 'raw');
  assert.deepEqual(seen[0].body, { type: 'image/png', size: 3 });
  const query = new URL(seen[0].path, 'http://x').searchParams;
  assert.equal(query.get('invert'), 'auto');
  assert.deepEqual(JSON.parse(query.get('crop')), [0.1, 0.2, 0.6, 0.9]);
  assert.deepEqual(JSON.parse(query.get('animate')), [{ layer: 'conv1', channel: 0, focus: 0 }]);
  await explain('digits', input, 'fc3', [7]); // by id, as JSON
  assert.equal(seen[1].kind, 'json');
  const untyped = { blob: new Blob(['?']) }; // a file the browser could not type: multipart, as before
  await predict('digits', untyped);
  assert.equal(seen[2].kind, 'image');
});

test('the whole pass and the selected neuron come with /predict: filed under the channel the server picked', async () => {
  const seen = fakeServer((path) => [200, path.includes('/predict')
    ? { input_id: 'e'.repeat(64),
      animations: [{ layer: 'conv1', channel: 4, tag: 'c4' }, { layer: 'flatten', tag: 'f' }, { layer: 'fc1', channel: 17, tag: 'u17' }],
      explanations: [{ layer: 'conv2', neuron: [3, 4, 5], tag: 'n' }] }
    : { tag: 'asked' }]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }) };
  const result = await predict('digits', input, {
    animations: [{ layer: 'conv1', channel: 'strongest', focus: 0 }, { layer: 'flatten', channel: 'strongest' },
      { layer: 'fc1', channel: 'strongest' }],
    explanations: [{ layer: 'conv2', neuron: [3, 4, 5] }],
  });
  assert.equal(result.explanations, undefined);
  const query = new URL(seen[0].path, 'http://x').searchParams;
  assert.deepEqual(JSON.parse(query.get('animate'))[1], { layer: 'flatten', channel: 'strongest' });
  assert.deepEqual(JSON.parse(query.get('explain')), [{ layer: 'conv2', neuron: [3, 4, 5] }]);
  assert.equal((await animate('digits', input, 'conv1', 4, 0)).tag, 'c4');
  assert.equal((await animate('digits', input, 'flatten', 0)).tag, 'f'); // no channels: 0
  assert.equal((await animate('digits', input, 'fc1', 17)).tag, 'u17');
  assert.equal((await explain('digits', input, 'conv2', [3, 4, 5])).tag, 'n');
  assert.equal(seen.length, 1, 'all of it in the one answer');
  assert.equal((await animate('digits', input, 'conv1', 0, 0)).tag, 'asked'); // not the strongest: asked for
  assert.equal((await explain('digits', input, 'conv2', [3, 4, 6])).tag, 'asked');
  assert.equal(seen.length, 3);
});

test('an explanation /predict could not give is thrown as /explain would have', async () => {
  fakeServer((path) => [200, { input_id: 'f'.repeat(64),
    explanations: [{ error: 'no such neuron', code: 'neuron.invalid', params: {}, status: 422 }] }]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }) };
  await predict('digits', input, { explanations: [{ layer: 'conv2', neuron: [99, 0, 0] }] });
  await assert.rejects(explain('digits', input, 'conv2', [99, 0, 0]), (e) => e.code === 'neuron.invalid' && e.status === 422);
});
