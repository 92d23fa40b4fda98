import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { crc32, greyPng } from '../lib/png.js';

/** A reference reader: chunks with their CRCs checked by node's zlib, pixels inflated by node's zlib. */
function readPng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks = [];
  for (let at = 8; at < bytes.length;) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const length = view.getUint32(0);
    const type = Buffer.from(bytes.subarray(at + 4, at + 8)).toString('latin1');
    const data = bytes.subarray(at + 8, at + 8 + length);
    assert.equal(view.getUint32(8 + length), zlib.crc32(bytes.subarray(at + 4, at + 8 + length)), type);
    chunks.push({ type, data });
    at += 12 + length;
  }
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
  const [width, height] = [ihdr.getUint32(0), ihdr.getUint32(4)];
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width + 1)], 0);
    grey.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { width, height, grey, types: chunks.map((c) => c.type), ihdr: [...chunks[0].data.subarray(8)],
    text: chunks.filter((c) => c.type === 'tEXt').map((c) => Buffer.from(c.data).toString('latin1')) };
}

test('crc32 is the PNG/zlib checksum', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = new Uint8Array(1000).map((_, i) => (i * 7919) & 255);
  assert.equal(crc32(bytes), zlib.crc32(bytes));
});

test('a grey picture reads back exactly, with its text chunk before the pixels', async () => {
  for (const [width, height] of [[280, 280], [1, 1], [3, 7]]) {
    const grey = new Uint8Array(width * height).map((_, i) => (i * 31 + (i >> 5)) & 255);
    const blob = await greyPng(grey, width, height, { Software: 'cnnviz drawing pad' });
    assert.equal(blob.type, 'image/png');
    const png = readPng(new Uint8Array(await blob.arrayBuffer()));
    assert.deepEqual([png.width, png.height], [width, height]);
    assert.deepEqual(png.grey, grey);
    assert.deepEqual(png.ihdr, [8, 0, 0, 0, 0]);
    assert.deepEqual(png.types, ['IHDR', 'tEXt', 'IDAT', 'IEND']);
    assert.deepEqual(png.text, ['Software\0cnnviz drawing pad']);
  }
});
