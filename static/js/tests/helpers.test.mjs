import assert from 'node:assert/strict';
import { test } from 'node:test';

import { diverging, scaleFor, sequential, textOn } from '../lib/colors.js';
import { decodeArray, halfToFloat } from '../lib/f16.js';
import { cellAt, overviewLayout, unflatten } from '../lib/geometry.js';
import { KINDS, classLayers, kindOf, strongestOf } from '../kinds/index.js';

const receptiveField = (layer, neuron) => kindOf(layer.kind).field(layer, neuron);

test('diverging scale is centred on zero and symmetric in lightness', () => {
  assert.deepEqual(diverging(0, 5), [247, 247, 247]);
  assert.deepEqual(diverging(-5, 5), [45, 0, 75]);
  assert.deepEqual(diverging(5, 5), [127, 59, 8]);
  assert.deepEqual(diverging(99, 5), diverging(5, 5)); // clamped
});

test('one zero colour: the sequential scale starts at the diverging scale\'s zero, and survives max = 0', () => {
  assert.deepEqual(sequential(0, 2), diverging(0, 5));
  assert.deepEqual(sequential(2, 2), diverging(5, 5));
  assert.deepEqual(sequential(1, 0), diverging(0, 5));
  assert.deepEqual(sequential(1, 2), diverging(2.5, 5));
});

test('scaleFor picks diverging for signed values', () => {
  assert.equal(scaleFor(-1, 3).kind, 'diverging');
  assert.equal(scaleFor(-1, 3).max, 3);
  assert.equal(scaleFor(-4, 3).min, -4);
  assert.equal(scaleFor(0, 3).kind, 'sequential');
  assert.equal(textOn([250, 250, 250]), '#000');
  assert.equal(textOn([10, 10, 60]), '#fff');
  assert.equal(textOn([200, 100, 20]), '#000'); // 5.3:1 against white's 3.9:1
});

test('float16 decoding', () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x7bff), 65504);
  const encoded = { shape: [2], dtype: 'float16', data: Buffer.from([0x00, 0x3c, 0x00, 0xc0]).toString('base64') };
  assert.deepEqual(Array.from(decodeArray(encoded).data), [1, -2]);
  assert.deepEqual(decodeArray([[1, 2], [3, 4]]).shape, [2, 2]);
});

test('conv receptive field with stride, padding and dilation', () => {
  const conv = { kind: 'conv', kernel: 3, stride: 2, padding: 1, dilation: 2, input_shape: [3, 9, 9] };
  const field = receptiveField(conv, [0, 0, 0]);
  assert.deepEqual(field.span.rows, [-1, 3]);
  assert.deepEqual(field.rows, [0, 3]);
  assert.deepEqual(receptiveField(conv, [0, 3, 4]).cols, [7, 8]);
  const lenet = { kind: 'conv', kernel: 5, stride: 1, padding: 0, dilation: 1, input_shape: [6, 14, 14] };
  assert.deepEqual(receptiveField(lenet, [3, 4, 5]), {
    channels: 'all', all: false, rows: [4, 8], cols: [5, 9], span: { rows: [4, 8], cols: [5, 9] } });
});

test('pooling, flatten, elementwise and dense fields', () => {
  const pool = { kind: 'maxpool', size: 2, stride: 2, input_shape: [6, 28, 28] };
  assert.deepEqual(receptiveField(pool, [2, 7, 6]), { channels: [2], all: false, rows: [14, 15], cols: [12, 13] });
  assert.deepEqual(unflatten(137, [16, 5, 5]), [5, 2, 2]);
  assert.deepEqual(receptiveField({ kind: 'flatten', input_shape: [16, 5, 5] }, [137]).rows, [2, 2]);
  assert.deepEqual(receptiveField({ kind: 'relu', input_shape: [6, 28, 28] }, [1, 2, 3]).channels, [1]);
  assert.equal(receptiveField({ kind: 'dense', input_shape: [400] }, [3]).all, true);
});

test('cellAt and the overview layout', () => {
  assert.deepEqual(cellAt(13, 7, 3, 28, 28), [2, 4]);
  assert.equal(cellAt(-1, 7, 3, 28, 28), null);
  assert.equal(cellAt(84, 0, 3, 28, 28), null);
  // every layer of both models fits a 440 px tall overview
  for (const shape of [[6, 28, 28], [16, 10, 10], [16, 26, 26], [32, 4, 4], [32, 10, 10], [400], [120], [10]]) {
    const lay = overviewLayout(shape, 440);
    const mapRows = Math.ceil(lay.maps / lay.mapCols);
    assert.ok(mapRows * (lay.rows * lay.cell + 6) <= 440 + 6, `${shape} is too tall`);
    assert.ok(lay.cell >= 1 && lay.rows * lay.cols >= lay.size);
  }
  assert.deepEqual(overviewLayout([10], 440), { maps: 1, mapCols: 1, rows: 10, cols: 1, cell: 28, size: 10, vector: true });
});

import { catalogKeys, preferredLanguage, setLanguage, t } from '../core/i18n.js';

test('both languages have exactly the same keys', () => {
  assert.deepEqual(catalogKeys('zh').sort(), catalogKeys('en').sort());
});

test('language preference and interpolation', () => {
  assert.equal(preferredLanguage(['zh-TW', 'en']), 'zh');
  assert.equal(preferredLanguage(['fr-FR', 'zh-CN']), 'zh');
  assert.equal(preferredLanguage(['en-GB', 'zh-CN']), 'en');
  assert.equal(preferredLanguage([]), 'en');
  setLanguage('zh');
  assert.equal(t('result.top', { label: '7' }), '网络认为是 7');
  setLanguage('en');
  assert.equal(t('result.top', { label: '7' }), 'The network says 7');
  assert.equal(t('no.such.key'), 'no.such.key');
});

import { fmt, percent } from '../lib/grid.js';
import { decimalsFor, exact, fixed, parseShown } from '../lib/numbers.js';

test('number policy: no e-notation, nothing non-zero reads as 0, same decimals in a formula', () => {
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(-2.5), '\u22122.5');
  assert.equal(fmt(1234.56), '1235');
  assert.equal(fmt(-0.00001), '≈0');
  assert.equal(fmt(8.8e-14), '≈0');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(-0), '0');
  assert.equal(fmt(0.0006, 2), '0.001');
  assert.equal(fmt(3), '3');
  assert.equal(decimalsFor([3.469, -0.0012, 0.5]), 3);
  assert.equal(decimalsFor([23.74]), 2);
  assert.equal(decimalsFor([0.02, 0.5]), 4);
  assert.equal(decimalsFor([0]), 1);
  assert.equal(fixed(0.5, 3), '0.500');
  assert.equal(fixed(-0.0001, 3), '≈0');
  assert.equal(parseShown('\u22121.250'), -1.25);
  assert.equal(parseShown('≈0'), 0);
  for (const v of [3.2e-10, -1.6e-4, 6.7e-20, 23.741234, 123456.7]) assert.doesNotMatch(exact(v), /e/);
  assert.equal(exact(3.2e-10), '0.00000000032');
});

test('probabilities never read 0% or 100% when they are not', () => {
  assert.equal(percent(0.5), '50.0%');
  assert.equal(percent(0.99999), '> 99.99%');
  assert.equal(percent(3.2e-10), '< 0.01%');
  assert.equal(percent(0.0004), '0.04%');
  assert.equal(percent(1), '100%');
  assert.equal(percent(0), '0%');
});

test('every layer kind has a page module with the same interface', () => {
  for (const [kind, module] of Object.entries(KINDS)) {
    for (const name of ['animation', 'explain', 'field', 'channels']) assert.equal(typeof module[name], 'function', `${kind}.${name}`);
  }
  assert.throws(() => kindOf('dropout'), /dropout/);
  assert.equal(kindOf('conv').channels({ output_shape: [6, 28, 28] }), 6);
  assert.equal(kindOf('relu').channels({ output_shape: [120] }), 0);
  assert.equal(kindOf('dense').channels({ output_shape: [84] }), 84);
});

import { createStore, decodePixels, encodePixels, formatNeuron, parseNeuron, types } from '../core/store.js';

const SCHEMA = {
  model: { type: types.text, initial: null }, channel: { type: types.int, initial: 0 },
  speed: { type: types.int, initial: 10 }, neuron: { type: types.neuron, initial: null },
};

test('the store parses its URL by type and ignores what does not parse', () => {
  const store = createStore(SCHEMA, { search: '?model=fashion&channel=3&speed=fast&neuron=conv2:1,2,3&junk=1' });
  assert.equal(store.get('model'), 'fashion');
  assert.equal(store.get('channel'), 3);
  assert.equal(store.get('speed'), 10);
  assert.deepEqual(store.get('neuron'), { layer: 'conv2', neuron: [1, 2, 3] });
  assert.throws(() => store.get('junk'), /unknown/);
});

test('set notifies the changed keys and writes the URL in one place', () => {
  const urls = [];
  const store = createStore(SCHEMA, { search: '', writeUrl: (q) => urls.push(q) });
  const heard = [];
  const stop = store.subscribe((changed) => heard.push(changed));
  assert.deepEqual(store.set({ channel: 2, model: 'digits' }), ['channel', 'model']);
  assert.deepEqual(store.set({ channel: 2 }), []); // nothing changed: nobody is told
  store.set({ neuron: { layer: 'fc1', neuron: [7] } });
  assert.deepEqual(heard, [['channel', 'model'], ['neuron']]);
  assert.equal(urls.at(-1), 'model=digits&channel=2&speed=10&neuron=fc1%3A7');
  stop();
  store.set({ channel: 5 });
  assert.equal(heard.length, 2);
  assert.throws(() => store.set({ nope: 1 }), /unknown/);
});

test('pixels survive the URL exactly', () => {
  const rows = [[0, 1, 128 / 255], [7 / 255, 254 / 255, 0]];
  const text = encodePixels(rows.flat());
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodePixels(text, 2, 3), rows);
  assert.equal(decodePixels(text, 3, 3), null);
  assert.equal(decodePixels('@@@', 1, 1), null);
});

test('neuron in the URL', () => {
  assert.equal(formatNeuron('conv2', [3, 4, 5]), 'conv2:3,4,5');
  assert.deepEqual(parseNeuron('conv2:3,4,5'), { layer: 'conv2', neuron: [3, 4, 5] });
  assert.deepEqual(parseNeuron('fc1:7'), { layer: 'fc1', neuron: [7] });
  assert.equal(parseNeuron('fc1:'), null);
});

test('class names only on the output layer and what follows it', () => {
  const layer = (name, kind, n) => ({ name, kind, output_shape: [n] });
  const arch = { layers: [layer('fc1', 'dense', 16), layer('relu1', 'relu', 16), layer('fc2', 'dense', 10), layer('softmax', 'softmax', 10)] };
  assert.deepEqual([...classLayers(arch, 10)].sort(), ['fc2', 'softmax']);
  const tiny = { layers: [layer('fc1', 'dense', 10), layer('relu1', 'relu', 10), layer('fc2', 'dense', 10)] };
  assert.deepEqual([...classLayers(tiny, 10)], ['fc2']); // a 10-neuron hidden layer is not the classes
});

test('the strongest channel of a layer', () => {
  const spec = { kind: 'conv', output_shape: [3, 1, 2] };
  assert.equal(strongestOf(spec, { output: [[[0, 1]], [[5, 0]], [[2, 2]]] }), 1);
  assert.equal(strongestOf({ kind: 'flatten', output_shape: [6] }, { output: [1, 2] }), 0);
  assert.equal(strongestOf(spec, undefined), 0);
});

test('float16 arrays with a power-of-two scale (gradients) decode to value x scale', () => {
  const bytes = new Uint8Array([0x00, 0x3c, 0x00, 0xb8]); // 1.0, -0.5
  const data = Buffer.from(bytes).toString('base64');
  assert.deepEqual(Array.from(decodeArray({ shape: [2], dtype: 'float16', data, scale: 2 ** -20 }).data),
    [2 ** -20, -(2 ** -21)]);
});

test('gradients are shown with significant digits', async () => {
  const { sig } = await import('../backward/format.js');
  assert.equal(sig(0.000437), '4.37×10⁻⁴');
  assert.equal(sig(-0.000437), '\u22124.37×10⁻⁴');
  assert.equal(sig(0.0123456), '0.0123');
  assert.equal(sig(-1.5), '\u22121.5');
  assert.equal(sig(0), '0');
  assert.equal(sig(2e-9), '2×10⁻⁹');
  assert.equal(sig(12345), '1.23×10⁴');
});

import { sumTerms } from '../kinds/conv.js';

test("a conv neuron's total: the channel sums and the bias add up to the sum as shown", () => {
  // every term rounds down at 3 decimals: shown, they add to −0.287 while the sum reads −0.285
  const channels = [0.2544, -2.1514, 0.5074, 0.1974, 0.2734, 0.5664];
  const bias = 0.0674;
  const total = channels.reduce((s, v) => s + v, 0);
  const sum = total + bias;
  const { terms, decimals } = sumTerms(channels, total, bias, sum);
  const shown = (v) => Number(v.toFixed(decimals));
  const added = [...terms, bias].reduce((s, v) => s + shown(v), 0);
  assert.ok(Math.abs(added - shown(sum)) <= 0.5 * 10 ** -decimals + 1e-12, `${decimals} decimals: ${added} against ${shown(sum)}`);
});
