// The page's state in one typed store: get / set / subscribe. Each key has a type
// (parse text -> value, format value -> text) and a default; the URL is synced here
// and only here, so a link or a reload reopens what is on screen:
// ?model=digits&lang=zh&input=…&layer=conv1&channel=2&focus=0&speed=10&step=40&neuron=conv2:3,4,5
// (&crop=0.1,0.05,0.6,0.9&invert=true for a photo, &example=3 for a test-set example)

/** Key types: each parses URL text (undefined = not valid) and formats a value (null = leave out). */
export const types = {
  text: { parse: (s) => (s ? s : undefined), format: (v) => (v ? String(v) : null) },
  int: {
    parse: (s) => (/^\d{1,6}$/.test(s ?? '') ? Number(s) : undefined),
    format: (v) => (Number.isInteger(v) && v >= 0 ? String(v) : null),
  },
  flag: { parse: (s) => (s === '1' ? true : s === '0' ? false : undefined), format: (v) => (v ? '1' : null) },
  /** One of a few words, e.g. oneOf(['unit', 'layer', 'global']). */
  oneOf: (words) => ({ parse: (s) => (words.includes(s) ? s : undefined), format: (v) => (words.includes(v) ? v : null) }),
  box: { // a crop box [x0, y0, x1, y1], fractions of the photo: "0.1,0.05,0.6,0.9"
    parse: (s) => parseBox(s) ?? undefined,
    format: (v) => (v ? v.map((x) => String(Math.round(x * 1000) / 1000)).join(',') : null),
  },
  neuron: {
    parse: (s) => parseNeuron(s) ?? undefined,
    format: (v) => (v ? formatNeuron(v.layer, v.neuron) : null),
  },
};

/** A store for `schema` {key: {type, initial}}; `url` mirrors it in location.search when given. */
export function createStore(schema, { search = null, writeUrl = null } = {}) {
  const values = {};
  const listeners = new Set();
  const params = new URLSearchParams(search ?? '');
  for (const [key, { type, initial }] of Object.entries(schema)) {
    const parsed = params.has(key) ? type.parse(params.get(key)) : undefined;
    values[key] = parsed === undefined ? initial : parsed;
  }

  const query = () => {
    const out = new URLSearchParams();
    for (const [key, { type }] of Object.entries(schema)) {
      const text = values[key] == null ? null : type.format(values[key]);
      if (text != null) out.set(key, text);
    }
    return out.toString();
  };

  return {
    get: (key) => {
      if (!(key in schema)) throw new Error(`unknown state key ${key}`);
      return values[key];
    },
    /** Set some keys at once; listeners hear about the keys that changed. */
    set(patch) {
      const changed = [];
      for (const [key, value] of Object.entries(patch)) {
        if (!(key in schema)) throw new Error(`unknown state key ${key}`);
        if (!same(values[key], value)) {
          values[key] = value;
          changed.push(key);
        }
      }
      if (!changed.length) return changed;
      writeUrl?.(query());
      for (const fn of [...listeners]) fn(changed, values);
      return changed;
    },
    /** fn(changedKeys, values) after every change; returns an unsubscribe function. */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    query,
    snapshot: () => ({ ...values }),
  };
}

function same(a, b) {
  return a === b || (a && b && typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** The browser's URL as the store's mirror. Written once per task (after its last change: each
 *  history.replaceState costs a few ms, and a page's first load sets the store a dozen times). */
export function browserUrl() {
  let pending = null;
  const write = () => {
    history.replaceState(null, '', `${location.pathname}${pending ? `?${pending}` : ''}${location.hash}`);
    pending = null;
  };
  return {
    search: globalThis.location?.search ?? '',
    writeUrl: (q) => {
      if (pending === null) queueMicrotask(write);
      pending = q;
    },
  };
}

/** The network input (values k/255) -> URL-safe base64 of one byte per pixel. */
export function encodePixels(values) {
  let s = '';
  for (const v of values) s += String.fromCharCode(Math.max(0, Math.min(255, Math.round(v * 255))));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The inverse: -> rows x cols of numbers in [0, 1], or null if the text does not fit. */
export function decodePixels(text, rows, cols) {
  let bytes;
  try {
    bytes = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  if (bytes.length !== rows * cols) return null;
  return Array.from({ length: rows }, (_, y) => Array.from({ length: cols }, (_, x) => bytes.charCodeAt(y * cols + x) / 255));
}

/** "conv2:3,4,5" <-> { layer: 'conv2', neuron: [3, 4, 5] } */
export const formatNeuron = (layer, neuron) => `${layer}:${neuron.join(',')}`;
export function parseNeuron(text) {
  const m = /^([\w.-]+):(\d+(?:,\d+){0,2})$/.exec(text || '');
  return m ? { layer: m[1], neuron: m[2].split(',').map(Number) } : null;
}

/** "0.1,0.05,0.6,0.9" -> [0.1, 0.05, 0.6, 0.9] with 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, else null. */
export function parseBox(text) {
  const parts = (text || '').split(',');
  if (parts.length !== 4 || !parts.every((p) => /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(p))) return null;
  const [x0, y0, x1, y1] = parts.map(Number);
  return x0 < x1 && y0 < y1 ? [x0, y0, x1, y1] : null;
}
