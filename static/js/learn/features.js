// Which optional server features are here. A feature is an endpoint; the server's OpenAPI document
// lists every route it has, so one request tells which features have landed (no 404s in the console).
// A chapter shows its static explanation while its feature is missing. Adding a feature is one line.

const FEATURES = {
  lab: '/api/lab/convolve', // the convolution lab (issue 11)
  labShape: '/api/lab/shape',
  labPool: '/api/lab/pool',
  labArchitecture: '/api/lab/architecture',
  backward: '/api/models/{model_id}/backward', // the backward view (issue 12)
  step: '/api/models/{model_id}/step',
  karn: '/api/backward/example',
};
let paths = null;

/** Resolves true when the server documents the feature's endpoint. */
export function has(name) {
  paths ??= fetch('/api/openapi.json').then((r) => r.json()).then((doc) => doc.paths || {}, () => ({}));
  return paths.then((p) => Boolean(FEATURES[name] && p[FEATURES[name]]));
}

/** The first widget of a list whose feature is here: [{feature?, mount}] -> mount function. */
export async function choose(widgets) {
  for (const w of widgets) if (!w.feature || (await has(w.feature))) return w;
  return widgets[widgets.length - 1];
}

/** POST JSON to an optional endpoint; resolves null when the feature is missing or fails. */
export async function tryPost(path, body) {
  try {
    const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json().catch(() => null);
    return r.ok ? json : { error: json?.error || r.statusText, code: json?.code, status: r.status, params: json?.params };
  } catch {
    return null;
  }
}

export async function tryGet(path) {
  try {
    const r = await fetch(path);
    return r.ok ? r.json() : null;
  } catch {
    return null;
  }
}
