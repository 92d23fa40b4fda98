// A tiny PNG encoder for 8-bit grey pictures (the drawing pad): a quarter of the bytes of the
// canvas's own RGBA PNG for the server to inflate. zlib through the browser's CompressionStream.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (the PNG/zlib polynomial) of bytes. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** bytes -> the zlib stream PNG's IDAT holds (CompressionStream's 'deflate' is zlib: RFC 1950).
 *  Written and read through the streams' own promises, not a Blob's stream or a Response: those
 *  hop through tasks, and after a stroke the browser draws a frame first (10–15 ms, not 1–2). */
async function zlib(bytes) {
  const deflate = new CompressionStream('deflate');
  const writer = deflate.writable.getWriter();
  Promise.all([writer.write(bytes), writer.close()]).catch(() => {}); // a failure ends the read below too
  const reader = deflate.readable.getReader();
  const parts = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** grey: Uint8Array of width x height levels, row by row; text: {keyword: Latin-1 text} as tEXt
 *  chunks before the pixels -> Blob (image/png), colour type 0, bit depth 8, no filtering. */
export async function greyPng(grey, width, height, text = {}) {
  const rows = new Uint8Array(height * (width + 1)); // each row: filter type 0, then its bytes
  for (let y = 0; y < height; y++) rows.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, grey, deflate, adaptive filtering, no interlace
  const texts = Object.entries(text).map(([k, v]) => chunk('tEXt', new TextEncoder().encode(`${k}\0${v}`)));
  const signature = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Blob([signature, chunk('IHDR', header), ...texts, chunk('IDAT', await zlib(rows)),
    chunk('IEND', new Uint8Array(0))], { type: 'image/png' });
}
