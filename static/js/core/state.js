// The page's shareable state, mirrored in the URL, so a link or a reload
// reopens what is on screen: ?model=digits&lang=zh&input=…&layer=conv1&channel=2&step=40&neuron=conv2:3,4,5

const KEYS = ['model', 'lang', 'input', 'layer', 'channel', 'step', 'neuron'];

export function readState(search = globalThis.location?.search ?? '') {
  const params = new URLSearchParams(search);
  const state = {};
  for (const key of KEYS) if (params.get(key)) state[key] = params.get(key);
  return state;
}

/** Update the keys given (a falsy value removes one); other keys stay as they are. */
export function writeState(state) {
  const params = new URLSearchParams(location.search);
  for (const key of KEYS.filter((k) => k in state)) {
    if (state[key] || state[key] === 0) params.set(key, state[key]);
    else params.delete(key);
  }
  history.replaceState(null, '', `${location.pathname}?${params}`);
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
