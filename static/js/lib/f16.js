// Decoding the API's compact arrays: {shape, dtype: "float16", data: base64}.

/** IEEE 754 half-precision bits -> number. */
export function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function base64Bytes(b64) {
  if (typeof atob === 'function') {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** An encoded array (f16 object or nested lists) -> { shape, data: Float32Array }.
 *  An f16 object may carry a power-of-two "scale" (gradients): each value is multiplied by it. */
export function decodeArray(encoded) {
  if (Array.isArray(encoded)) {
    const shape = [];
    for (let a = encoded; Array.isArray(a); a = a[0]) shape.push(a.length);
    return { shape, data: Float32Array.from(encoded.flat(Infinity)) };
  }
  const bytes = base64Bytes(encoded.data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(bytes.byteLength / 2);
  const scale = encoded.scale ?? 1;
  for (let i = 0; i < data.length; i++) data[i] = halfToFloat(view.getUint16(2 * i, true)) * scale;
  return { shape: encoded.shape, data };
}

/** A sparse exact array ({shape, dtype: "float64", sparse: true, nonzero, values}: one bit per
 *  number, 1 = not zero, highest bit first; the non-zero numbers as little-endian float64)
 *  -> nested lists of exactly the numbers the server computed. */
export function decodeSparse(encoded) {
  const bits = base64Bytes(encoded.nonzero);
  const bytes = base64Bytes(encoded.values);
  const values = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = encoded.shape.reduce((a, b) => a * b, 1);
  const flat = new Float64Array(size);
  for (let i = 0, k = 0; i < size; i++) {
    if (bits[i >> 3] & (0x80 >> (i & 7))) flat[i] = values.getFloat64(8 * k++, true);
  }
  let at = 0;
  const nest = (depth) => (depth === encoded.shape.length ? flat[at++]
    : Array.from({ length: encoded.shape[depth] }, () => nest(depth + 1)));
  return nest(0);
}

/** A response with its sparse arrays (decodeSparse) turned into nested lists, in place. */
export function expandSparse(body) {
  for (const [k, v] of Object.entries(body)) {
    if (v && typeof v === 'object' && v.sparse === true) body[k] = decodeSparse(v);
  }
  return body;
}
