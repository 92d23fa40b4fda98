import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PREDICTED, animate, backwardAnimate, backwardExplain, backwardPass, explain, predict, prefetchAnimations } from '../core/api.js';

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

test('the "how it learns" answers come with /predict: the panel\'s later requests send nothing', async () => {
  const seen = fakeServer((path) => [200, path.includes('/predict')
    ? { input_id: 'f'.repeat(64), prediction: { index: 7 },
      backward: { answer: { label: 7, tag: 'bw' },
        animations: [{ layer: 'conv2', channel: 11, tag: 'a11' }, { layer: 'flatten', tag: 'flat' }],
        explanations: [{ tag: 'g1' }, { error: 'no such neuron', code: 'neuron.invalid', params: {}, status: 422 }] } }
    : { tag: 'asked' }]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }) };
  const weights = { 'conv1.bias': { shape: [6], dtype: 'float32', data: 'AAAA' } };
  const result = await predict('digits', input, { backward: { label: PREDICTED, loss: 'cross_entropy', weights,
    animations: [{ layer: 'conv2', channel: 'strongest', focus: 1 }, { layer: 'flatten', channel: 0, focus: 0 }],
    explanations: [{ layer: 'conv2', neuron: [3, 4, 5] }, { param: 'conv1.weight', index: [0, 0, 9, 9] }] } });
  assert.equal(result.backward, undefined);
  const asked = JSON.parse(new URL(seen[0].path, 'http://x').searchParams.get('backward'));
  assert.deepEqual(asked, { label: 'predicted', loss: 'cross_entropy', weights,
    animate: [{ layer: 'conv2', channel: 'strongest', focus: 1 }, { layer: 'flatten', channel: 0, focus: 0 }],
    explain: [{ layer: 'conv2', neuron: [3, 4, 5] }, { param: 'conv1.weight', index: [0, 0, 9, 9] }] });
  const fields = { label: 7, loss: 'cross_entropy', weights }; // "predicted" is the class the answer predicts
  assert.equal((await backwardPass('digits', input, fields)).tag, 'bw');
  assert.equal((await backwardAnimate('digits', input, { ...fields, layer: 'conv2', channel: 11, focus: 1 })).tag, 'a11');
  assert.equal((await backwardAnimate('digits', input, { ...fields, layer: 'flatten', channel: 0, focus: 0 })).tag, 'flat');
  assert.equal((await backwardExplain('digits', input, { ...fields, layer: 'conv2', neuron: [3, 4, 5] })).tag, 'g1');
  await assert.rejects(backwardExplain('digits', input, { ...fields, param: 'conv1.weight', index: [0, 0, 9, 9] }),
    (e) => e.code === 'neuron.invalid' && e.status === 422);
  assert.equal(seen.length, 1, 'the panel found everything in the stroke\'s answer');
  // anything else goes by the input's id: another label, other weights (a step), another channel
  await backwardPass('digits', input, { ...fields, label: 3 });
  await backwardPass('digits', input, { ...fields, weights: { ...weights } });
  await backwardAnimate('digits', input, { ...fields, layer: 'conv2', channel: 0, focus: 1 });
  await backwardPass('fashion', input, fields);
  assert.deepEqual(seen.slice(1).map((r) => [r.path, r.kind]), [
    ['/api/models/digits/backward', 'json'], ['/api/models/digits/backward', 'json'],
    ['/api/models/digits/backward/animate', 'json'], ['/api/models/fashion/backward', 'image']]);
  assert.equal(seen[1].body.input_id, 'f'.repeat(64));
  // the next stroke without the panel: nothing of the last one's is used
  const next = { blob: new Blob(['png'], { type: 'image/png' }) };
  await predict('digits', next);
  assert.equal(new URL(seen[5].path, 'http://x').searchParams.get('backward'), null);
  await backwardPass('digits', next, fields);
  assert.equal(seen.at(-1).path, '/api/models/digits/backward');
});

test('a refused backward pass is each later request\'s error; long fields go in a form, not the URL', async () => {
  const refused = { error: 'bad label', code: 'label.invalid', params: { max: 9 }, status: 400 };
  const seen = fakeServer(() => [200, { input_id: 'a'.repeat(64), prediction: { index: 1 },
    backward: { answer: refused, animations: [refused], explanations: [] } }]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }) };
  const weights = { 'fc1.weight': { shape: [120, 400], dtype: 'float32', data: 'A'.repeat(64000) } };
  await predict('digits', input, { backward: { label: 12, weights, animations: [{ layer: 'conv1', channel: 0, focus: 0 }] } });
  assert.equal(seen[0].kind, 'image'); // multipart: a learner's weights are too long for a query string
  const fields = { label: 12, loss: 'cross_entropy', weights };
  await assert.rejects(backwardPass('digits', input, fields), (e) => e.code === 'label.invalid' && e.status === 400);
  await assert.rejects(backwardAnimate('digits', input, { ...fields, layer: 'conv1', channel: 0, focus: 0 }), (e) => e.code === 'label.invalid');
  assert.equal(seen.length, 1);
});

test('the whole pass of an input already answered is one request by its id', async () => {
  const seen = fakeServer((path, kind, body) => [200, path.includes('/predict')
    ? { input_id: 'b'.repeat(64), animations: (body.animate ?? JSON.parse(new URL(path, 'http://x').searchParams.get('animate')))
      .map((a) => ({ ...a, tag: `${a.layer}/${a.channel}` })) }
    : { tag: 'asked' }]);
  const input = { blob: new Blob(['png'], { type: 'image/png' }) };
  await predict('digits', input, { animations: [{ layer: 'conv1', channel: 2, focus: 0 }] });
  const whole = [{ layer: 'conv1', channel: 2, focus: 0 }, { layer: 'relu1', channel: 5, focus: null },
    { layer: 'flatten', channel: 0, focus: null }, { layer: 'fc1', channel: 17, focus: null }];
  await prefetchAnimations('digits', input, whole);
  assert.equal(seen.length, 2);
  assert.equal(seen[1].kind, 'json');
  assert.deepEqual(seen[1].body, { input_id: 'b'.repeat(64), animate: [{ layer: 'relu1', channel: 5 },
    { layer: 'flatten', channel: 0 }, { layer: 'fc1', channel: 17 }] }); // conv1 was answered with the stroke
  for (const a of whole) assert.equal((await animate('digits', input, a.layer, a.channel, a.focus)).tag, `${a.layer}/${a.channel}`);
  await prefetchAnimations('digits', input, whole); // all held: nothing sent
  assert.equal(seen.length, 2);
});
