// The page's shareable state, mirrored in the URL (?model=digits&lang=zh).

const KEYS = ['model', 'lang'];

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
    if (state[key]) params.set(key, state[key]);
    else params.delete(key);
  }
  history.replaceState(null, '', `${location.pathname}?${params}`);
}
